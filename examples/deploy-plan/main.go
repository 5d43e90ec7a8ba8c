// Command deploy-plan reads CIE deployment-plan tables (the text of a
// circular, or CSV or JSON written by package deploy), prints a summary per
// region and the inconsistencies found, and writes the roll-out milestones
// as an iCalendar file.
//
//	go run ./examples/deploy-plan ../shared/seeds/000_a86ba7c3ab910ffb.txt
//	go run ./examples/deploy-plan -province NA -ics napoli.ics ../shared/seeds/001_f7dc91859d1171a1.txt
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

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "deploy-plan:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deploy-plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	province := fs.String("province", "", "province sigla for tables without a province column (e.g. NA)")
	year := fs.Int("year", 0, "year of day-month dates such as 27-apr (default: inferred)")
	icsPath := fs.String("ics", "plan.ics", "write the milestones as iCalendar to this file (empty: don't)")
	csvPath := fs.String("milestones-csv", "", "write the milestones as CSV to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deploy-plan [flags] plan-file...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no plan file given")
	}

	plan := &deploy.Plan{}
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := readPlan(name, deploy.ParseOptions{Province: *province, Year: *year})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d installations, %d training hubs, %d prefectures, %d unreadable rows\n",
			name, len(p.Installations), len(p.Hubs), len(p.Trainings), len(p.Problems))
		for _, e := range p.Problems {
			fmt.Fprintf(stdout, "  %v\n", e)
		}
		plan.Installations = append(plan.Installations, p.Installations...)
		plan.Hubs = append(plan.Hubs, p.Hubs...)
		plan.Trainings = append(plan.Trainings, p.Trainings...)
	}

	fmt.Fprintln(stdout, "\nPer region:")
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "region\tcomuni\toperators\tworkstations\tfirst installation\tlast installation")
	for _, s := range deploy.Summarize(plan) {
		region := s.Region
		if region == "" {
			region = "(unknown)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", region, s.Comuni, s.Operators, s.Workstations, day(s.First), day(s.Last))
	}
	tw.Flush()

	found := deploy.Check(plan)
	fmt.Fprintf(stdout, "\nInconsistencies: %d\n", len(found))
	for _, e := range found {
		fmt.Fprintf(stdout, "  %v\n", e)
	}

	ms := deploy.Milestones(plan, deploy.ScheduleOptions{})
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
	return nil
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
