// Command anprdiff loads ANPR archive files as ANPR publishes them, says
// what changed against the place table embedded in package cie (comuni
// added, ceased, renamed, moved to another province, otherwise revised, and
// codes missing from the new files), and can write the new table in the
// embedded format. It downloads nothing: fetch the files yourself from
// ANPR (ANPR_archivio_comuni.csv and, optionally, ANPR_stati_esteri.csv).
//
//	go run ./cie/cmd/anprdiff -comuni ANPR_archivio_comuni.csv [-states ANPR_stati_esteri.csv] [-o cie/internal/anpr/places.tsv.gz]
//
// Without -states the foreign states of the embedded table are kept. With
// -o the new table replaces the embedded one at the next build (the
// //go:embed in cie/zz_places_data.go reads that file); keep the source
// files in ../shared/data/anpr in step, or `go generate ./cie`
// (internal/gen/anpr) will write the old table back. A file that does not
// validate is reported with its line and column, and nothing is written.
//
// Exit status, as diff(1) and the module's commands: 0 when the files load
// and nothing changed, 1 when something changed (the table is still written
// with -o) or on an error, 2 for a usage error; -h prints the usage and
// exits 0.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
)

// errChanged is returned by run when the loaded files differ from the
// embedded table: exit status 1, as diff(1), with the differences already
// printed.
var errChanged = errors.New("the loaded files differ from the embedded table")

var command = &cli.Command{
	Name: "anprdiff",
	Args: "-comuni ANPR_archivio_comuni.csv [-states ANPR_stati_esteri.csv] [-o places.tsv.gz] [-all]",
	Summary: `Loads the ANPR archive files as ANPR publishes them and prints what changed against
the place table embedded in package cie: comuni added, ceased, renamed, moved to another
province, otherwise revised (with -all), and codes missing from the new files. With -o
it writes the new table in the embedded format. Downloads nothing.`,
	Inputs: `ANPR_archivio_comuni.csv (-comuni, required) and optionally ANPR_stati_esteri.csv
(-states), as ANPR publishes them; a copy is in ../shared/data/anpr.`,
	Examples: []string{
		"go run ./cie/cmd/anprdiff -comuni ../shared/data/anpr/ANPR_archivio_comuni.csv",
		"go run ./cie/cmd/anprdiff -comuni ~/Downloads/ANPR_archivio_comuni.csv -o cie/internal/anpr/places.tsv.gz",
	},
	OK:      "the files load and nothing changed",
	Failure: "something changed (the table is still written with -o), or a file does not load",
}

func main() { cli.Main(command.Name, run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := command.FlagSet()
	comuni := fs.String("comuni", "", "path of ANPR_archivio_comuni.csv (required)")
	states := fs.String("states", "", "path of ANPR_stati_esteri.csv (default: keep the embedded foreign states)")
	out := fs.String("o", "", "write the new table, in the embedded format, to this path")
	all := fs.Bool("all", false, "also list revised records (dates, ISTAT codes, second-language names)")
	if err := command.Parse(fs, args, stdout); err != nil {
		return err // flag.ErrHelp (exit 0) or a *cli.UsageError (exit 2)
	}
	if fs.NArg() != 0 {
		return cli.Usagef("", "unexpected arguments %q: anprdiff takes only flags", fs.Args())
	}
	if *comuni == "" {
		return cli.Usagef("comuni", "is required: the path of ANPR_archivio_comuni.csv")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tab, err := cie.ReadANPRFiles(*comuni, *states)
	if err != nil {
		return err
	}
	emb := cie.EmbeddedPlaces()
	fmt.Fprintf(stdout, "embedded: %d records, snapshot %s\n", emb.Len(), day(emb.Snapshot()))
	fmt.Fprintf(stdout, "loaded:   %d records, snapshot %s\n", tab.Len(), day(tab.Snapshot()))
	changes := cie.DiffPlaces(emb, tab)
	counts := map[cie.PlaceChangeKind]int{}
	for _, c := range changes {
		counts[c.Kind]++
		if c.Kind == cie.PlaceRevised && !*all {
			continue
		}
		switch c.Kind {
		case cie.PlaceAdded:
			fmt.Fprintf(stdout, "added    %s %s from %s\n", c.Code, c.New, day(c.New.From))
		case cie.PlaceCeased:
			fmt.Fprintf(stdout, "ceased   %s %s on %s\n", c.Code, c.New, day(c.New.To))
		case cie.PlaceRenamed:
			fmt.Fprintf(stdout, "renamed  %s %s -> %s from %s\n", c.Code, c.Old, c.New, day(c.New.From))
		case cie.PlaceMoved:
			fmt.Fprintf(stdout, "moved    %s %s -> %s from %s\n", c.Code, c.Old, c.New, day(c.New.From))
		case cie.PlaceRevised:
			fmt.Fprintf(stdout, "revised  %s %s\n", c.Code, c.New)
		case cie.PlaceRemoved:
			fmt.Fprintf(stdout, "removed  %s %s (not in the new files: truncated?)\n", c.Code, c.Old)
		}
	}
	fmt.Fprintf(stdout, "%d added, %d ceased, %d renamed, %d moved, %d revised, %d removed\n",
		counts[cie.PlaceAdded], counts[cie.PlaceCeased], counts[cie.PlaceRenamed], counts[cie.PlaceMoved], counts[cie.PlaceRevised], counts[cie.PlaceRemoved])
	var result error
	if len(changes) > 0 {
		result = cli.Reported(errChanged)
	}
	if *out == "" {
		return result
	}
	var buf bytes.Buffer
	if _, err := tab.WriteTo(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, buf.Len())
	return result
}

func day(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Format(time.DateOnly)
}
