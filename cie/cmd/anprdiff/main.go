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
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// Errors of run that set the exit status.
var (
	errChanged = errors.New("the loaded files differ from the embedded table")
	errUsage   = errors.New("usage")
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errChanged):
		os.Exit(1)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "anprdiff:", err)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "anprdiff:", err)
	os.Exit(1)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("anprdiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	comuni := fs.String("comuni", "", "path of ANPR_archivio_comuni.csv (required)")
	states := fs.String("states", "", "path of ANPR_stati_esteri.csv (default: keep the embedded foreign states)")
	out := fs.String("o", "", "write the new table, in the embedded format, to this path")
	all := fs.Bool("all", false, "also list revised records (dates, ISTAT codes, second-language names)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: anprdiff -comuni ANPR_archivio_comuni.csv [-states ANPR_stati_esteri.csv] [-o places.tsv.gz] [-all]

Loads the ANPR archive files as ANPR publishes them and prints what changed against
the place table embedded in package cie. Downloads nothing.

example: go run ./cie/cmd/anprdiff -comuni ~/Downloads/ANPR_archivio_comuni.csv -o cie/internal/anpr/places.tsv.gz
exit status: 0 no change, 1 changes found or error, 2 usage error

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *comuni == "" || fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("%w: -comuni is required, and no arguments", errUsage)
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
		result = errChanged
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
