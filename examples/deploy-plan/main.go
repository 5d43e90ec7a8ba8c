// Command deploy-plan reads CIE deployment-plan documents (the text of a
// circular, or CSV or JSON written by package deploy), prints a summary per
// region and every finding: names not as ANPR writes them, dates and
// counts that do not add up, and what the documents say differently,
// quoting both. It can write the roll-out milestones as iCalendar or CSV.
//
//	go run ./examples/deploy-plan ../shared/seeds/000_a86ba7c3ab910ffb.txt
//	go run ./examples/deploy-plan -ics napoli.ics ../shared/seeds/001_f7dc91859d1171a1.txt
//	go run ./examples/deploy-plan ../shared/seeds/000_a86ba7c3ab910ffb.txt ../shared/seeds/001_f7dc91859d1171a1.txt
//
// Exit status: 0 when there is no finding, 1 when there are findings or
// the input cannot be read, 2 for a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ciekit/ciekit/deploy"
)

// Exit statuses.
const (
	exitClean    = 0
	exitFindings = 1 // findings, or a failure
	exitUsage    = 2
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// errFindings is run's result when the plans have findings: exit status 1
// with nothing more to print.
var errFindings = errors.New("findings")

// usageError is a wrong invocation: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitClean
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "deploy-plan:", err)
		fmt.Fprintln(stderr, "run deploy-plan -h for the usage")
		return exitUsage
	}
	fmt.Fprintln(stderr, "deploy-plan:", err)
	return exitFindings
}

const usageText = `usage: deploy-plan [flags] plan-file...

Reads the deployment-plan tables of CIE circulars and checks them: comune,
province and hub names against ANPR, course and installation dates, the
classroom capacity, the number of comuni the circular announces, and what
two circulars state differently (endpoints, remote-assistance ports).

Inputs (one or more plan-files):
  the text of a circular (.txt), as in ../shared/seeds: the national plan of
    Circ. 4/2017 (seed 000), the Naples plan of Circ. 9/2017 (seed 001);
  CSV written by deploy.WriteCSV (.csv);
  JSON of a deploy.Plan (.json).
Nothing is written unless -ics or -milestones-csv names a file. The
milestones are those each circular sets (the Naples plan: the Monitora form
21 days and the postponement request 15 days before installation; the
national plan: none), with the courses and installations.

Example:
  deploy-plan -ics napoli.ics ../shared/seeds/001_f7dc91859d1171a1.txt

Exit status: 0 no findings, 1 findings or an input that cannot be read,
2 usage error.

Flags:
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deploy-plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	province := fs.String("province", "", "province sigla for tables without a province column, e.g. NA\n(default: NA for the Naples circular, else none)")
	year := fs.Int("year", 0, "year of day-month dates such as 27-apr (default: inferred from the plan)")
	icsPath := fs.String("ics", "", "write the milestones as iCalendar to this `file`")
	csvPath := fs.String("milestones-csv", "", "write the milestones as CSV to this `file`")
	masterPassword := fs.Bool("master-password", false, "add the SediCIE manual's master-password date (about 60 days before\ninstallation) to the milestones; no circular sets it")
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, usageText)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return err
		}
		return &usageError{err.Error()}
	}
	if *year < 0 || *year > 9999 {
		return &usageError{fmt.Sprintf("-year %d: want a year such as 2017", *year)}
	}
	if p := *province; p != "" && (len(p) != 2 || strings.ToUpper(p) != p) {
		return &usageError{fmt.Sprintf("-province %q: want a two-letter upper-case sigla such as NA", p)}
	}
	if fs.NArg() == 0 {
		return &usageError{"no plan-file given"}
	}

	var plans []*deploy.Plan
	var names []string
	all := &deploy.Plan{}
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := readPlan(name, deploy.ParseOptions{Province: *province, Year: *year})
		if err != nil {
			return err
		}
		src := string(p.Circular)
		if src == "" {
			src = "circular not recognised"
		}
		fmt.Fprintf(stdout, "%s (%s): %d installations, %d training hubs, %d prefectures, %d unreadable rows\n",
			name, src, len(p.Installations), len(p.Hubs), len(p.Trainings), len(p.Problems))
		for _, e := range p.Problems {
			fmt.Fprintf(stdout, "  %s\n", strings.TrimPrefix(e.Error(), "deploy: "))
		}
		plans, names = append(plans, p), append(names, name)
		all.Installations = append(all.Installations, p.Installations...)
	}

	writeSummary(stdout, deploy.Summarize(all))

	nFindings := 0
	for i, p := range plans {
		found := deploy.Check(p)
		nFindings += len(found) + len(p.Problems)
		report(stdout, names[i], found)
	}
	for i := range plans {
		for j := i + 1; j < len(plans); j++ {
			found := deploy.CompareDocuments(plans[i], plans[j])
			nFindings += len(found)
			report(stdout, names[i]+" and "+names[j], found)
		}
	}

	if *icsPath != "" || *csvPath != "" {
		var ms []deploy.Milestone
		for _, p := range plans {
			m, err := deploy.Milestones(p, deploy.ScheduleOptions{MasterPassword: *masterPassword})
			if err != nil {
				return err
			}
			ms = append(ms, m...)
		}
		if *icsPath != "" {
			if err := writeFile(*icsPath, func(w io.Writer) error { return deploy.WriteICS(w, ms, deploy.ICSOptions{}) }); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "\nWrote %d milestones to %s\n", len(ms), *icsPath)
		}
		if *csvPath != "" {
			if err := writeFile(*csvPath, func(w io.Writer) error { return deploy.WriteMilestonesCSV(w, ms) }); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Wrote %d milestones to %s\n", len(ms), *csvPath)
		}
	}
	if nFindings > 0 {
		fmt.Fprintf(stdout, "\n%d findings\n", nFindings)
		return errFindings
	}
	fmt.Fprintln(stdout, "\nNo findings")
	return nil
}

// writeSummary prints the per-region table with only the columns the
// plans carry.
func writeSummary(w io.Writer, sums []deploy.RegionSummary) {
	ops, wks := false, false
	for _, s := range sums {
		ops = ops || s.OperatorRows > 0
		wks = wks || s.WorkstationRows > 0
	}
	if len(sums) == 0 {
		fmt.Fprintln(w, "\nNo installations.")
		return
	}
	fmt.Fprintln(w, "\nPer region:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"region", "comuni"}
	if ops {
		head = append(head, "operators")
	}
	if wks {
		head = append(head, "workstations")
	}
	fmt.Fprintln(tw, strings.Join(append(head, "first installation", "last installation"), "\t"))
	for _, s := range sums {
		region := s.Region
		if region == "" {
			region = "(comune not resolved)"
		}
		row := []string{region, fmt.Sprint(s.Comuni)}
		if ops {
			row = append(row, count(s.Operators, s.OperatorRows, s.Comuni))
		}
		if wks {
			row = append(row, count(s.Workstations, s.WorkstationRows, s.Comuni))
		}
		fmt.Fprintln(tw, strings.Join(append(row, day(s.First), day(s.Last)), "\t"))
	}
	tw.Flush()
}

// count shows a total, "-" when no row of the region has the column, and
// the number of rows it covers when only some have it.
func count(total, rows, comuni int) string {
	switch {
	case rows == 0:
		return "-"
	case rows < comuni:
		return fmt.Sprintf("%d (%d of %d rows)", total, rows, comuni)
	}
	return fmt.Sprint(total)
}

var categoryTitles = []struct {
	c     deploy.Category
	title string
}{
	{deploy.CategoryNames, "Names (comuni, provinces, regions, hubs)"},
	{deploy.CategoryDates, "Dates"},
	{deploy.CategoryCounts, "Counts and capacity"},
	{deploy.CategoryDocuments, "What the documents state"},
}

// report prints the findings about one document (or a pair), grouped by
// category, without the package prefix.
func report(w io.Writer, about string, found []*deploy.Inconsistency) {
	if len(found) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFindings in %s: %d\n", about, len(found))
	for _, ct := range categoryTitles {
		var lines []string
		for _, e := range found {
			if e.Category() == ct.c {
				lines = append(lines, e.Message())
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s: %d\n", ct.title, len(lines))
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

func day(t time.Time) string { return t.Format("02/01/2006") }

func readPlan(name string, opts deploy.ParseOptions) (*deploy.Plan, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return deploy.ReadCSV(f)
	case ".json":
		var p deploy.Plan
		dec := json.NewDecoder(f)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		return &p, nil
	default:
		return deploy.Parse(f, opts)
	}
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
