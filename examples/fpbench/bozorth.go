package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
)

// runXYT writes our templates of the FVC sets as NIST .xyt files (x y θ q:
// origin top-left for bozorth3 -m1, θ in degrees counter-clockwise), with
// a bozorth3 mates list of the FVC pairs (genuine, then impostor) in each
// set's folder; scripts/bozorth3 scores them and runRates reads the scores.
func runXYT(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("xyt", "Writes our (or the reference) templates of the FVC2002 B sets as NIST .xyt files and a bozorth3\nmates list per set, for scripts/bozorth3. Images may be "+formats+"\n(101_1.png, 101_1.tif, 101_1.bmp, 101_1.wsq, 101_1.fir …).\n"+strings.Replace(resolutionRule, "-ppi", "500 (569 for DB2_B)", 2),
		"fpbench xyt -out /tmp/xyt", stdout, stderr)
	data := fs.String("data", "", "folder holding the DBn_B sets (default: $"+dataEnv+", else ../shared/data/fingerprints/fvc2002 beside the ciekit module root)")
	sets := fs.String("sets", "DB1_B,DB2_B,DB3_B,DB4_B", "comma-separated sets")
	out := fs.String("out", "", "output folder (required)")
	all := fs.Bool("all", true, "impostors: all cross-finger pairs")
	ref := fs.Bool("reference", false, "write the reference <name>.iso templates instead of ours")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *out == "" {
		return usagef("xyt: -out is required")
	}
	if *data == "" {
		d, err := defaultData()
		if err != nil {
			return err
		}
		*data = d
	}
	const fingers, imps = 10, 8
	for _, set := range strings.Split(*sets, ",") {
		ppi := biometric.DefaultResolution // for files that declare no resolution
		if set == "DB2_B" {
			ppi = 569
		}
		var e biometric.Extractor
		od := filepath.Join(*out, set)
		if err := os.MkdirAll(od, 0o755); err != nil {
			return err
		}
		for f := range fingers {
			for i := range imps {
				if err := ctx.Err(); err != nil {
					return err
				}
				name := fmt.Sprintf("%d_%d", 101+f, i+1)
				p, err := loadFVCPrint(filepath.Join(*data, set, name))
				if err != nil {
					return fmt.Errorf("xyt: %w", err)
				}
				img, res := p.Image, p.Resolution(ppi)
				e.Options.Resolution = res
				var t biometric.Template
				if *ref {
					rt, ok, err := loadTruthTemplate(filepath.Join(*data, set, name+".iso"), img.Bounds().Dx(), img.Bounds().Dy(), res)
					if err != nil {
						return err
					}
					if !ok {
						return fmt.Errorf("xyt: no reference template for %s/%s", set, name)
					}
					t = *rt
				} else {
					t, _ = e.ExtractTemplate(img) // a failure to enrol is an empty file
				}
				if err := os.WriteFile(filepath.Join(od, name+".xyt"), eval.AppendXYT(nil, t.Minutiae), 0o644); err != nil {
					return err
				}
			}
		}
		var sb strings.Builder
		for _, p := range append(eval.GenuinePairs(fingers, imps), eval.ImpostorPairs(fingers, imps, *all)...) {
			fmt.Fprintf(&sb, "%s\n%s\n", filepath.Join(od, fmt.Sprintf("%d_%d.xyt", 101+p.A.Finger, p.A.Impression+1)),
				filepath.Join(od, fmt.Sprintf("%d_%d.xyt", 101+p.B.Finger, p.B.Impression+1)))
		}
		if err := os.WriteFile(filepath.Join(od, "mates.lis"), []byte(sb.String()), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, od)
	}
	return nil
}

// runRates reads <dir>/<set>/scores.txt (one score per line, in the order
// of the pairs runXYT listed) and prints the FVC table.
func runRates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rates", "Reads the bozorth3 scores written beside fpbench xyt's mates lists and prints the FVC table.",
		"fpbench rates -dir /tmp/xyt -label 'bozorth3 -m1'", stdout, stderr)
	dir := fs.String("dir", "", "folder written by fpbench xyt, with scores.txt in each set (required)")
	sets := fs.String("sets", "DB1_B,DB2_B,DB3_B,DB4_B", "comma-separated sets")
	all := fs.Bool("all", true, "impostors: all cross-finger pairs (as given to xyt)")
	label := fs.String("label", "bozorth3", "matcher name for the table")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("rates: -dir is required")
	}
	pairs := append(eval.GenuinePairs(10, 8), eval.ImpostorPairs(10, 8, *all)...)
	var rows []fvcRow
	for _, set := range strings.Split(*sets, ",") {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(*dir, set, "scores.txt"))
		if err != nil {
			return err
		}
		ss, err := eval.ReadScores(f, pairs)
		f.Close()
		if err != nil {
			return fmt.Errorf("rates: %s/scores.txt: %w", set, err)
		}
		rows = append(rows, fvcRow{set: set, rates: eval.Compute(eval.Split(ss))})
	}
	fmt.Fprintf(stdout, "matcher: %s\n\n", *label)
	fmt.Fprint(stdout, "| set | EER % | FMR100 % | FMR1000 % | ZeroFMR % |\n|---|---|---|---|---|\n")
	var m eval.Rates
	for _, r := range rows {
		fmt.Fprintf(stdout, "| %s | %s | %s | %s | %s |\n", r.set, pct(r.rates.EER), pct(r.rates.FMR100), pct(r.rates.FMR1000), pct(r.rates.ZeroFMR))
		m.EER += r.rates.EER
		m.FMR100 += r.rates.FMR100
		m.FMR1000 += r.rates.FMR1000
		m.ZeroFMR += r.rates.ZeroFMR
	}
	n := float64(max(len(rows), 1))
	fmt.Fprintf(stdout, "| **mean** | **%s** | %s | %s | %s |\n", pct(m.EER/n), pct(m.FMR100/n), pct(m.FMR1000/n), pct(m.ZeroFMR/n))
	return nil
}
