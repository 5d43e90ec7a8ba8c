package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/eval/detplot"
)

type fvcRow struct {
	set       string
	fte       int
	minutiae  float64
	extractMS float64
	matchUS   float64
	rates     eval.Rates
	cross     eval.Rates
	hasCross  bool
	ppi       ppiCount
	periods   periodTally // ridge periods of the prints extracted, by resolution
}

func runFVC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fvc", "Runs the FVC protocol on the FVC2002 B sets, or any folder of sets laid out like FVC's (DIR/SET/101_1.png … in a B set, 1_1.png … in an A set),\nwith ciekit's extractor and matcher: a table of EER, FMR100, FMR1000 and ZeroFMR per set, and with -out the\nDET curves (det.png, det.svg) and scores.csv. Images may be "+formats+":\n101_1.tif, 101_1.bmp, 101_1.wsq or 101_1.fir serves as well as 101_1.png (one finger image per file).\n"+resolutionRule,
		"fpbench fvc -out /tmp/fvc -sets DB1_B,DB3_B", stdout, stderr)
	data := fs.String("data", "", "folder holding the sets, each with images 101_1.png (or 1_1.png) or .tif, .bmp, .wsq, .fir, .iso19794-4, .jpg, .gif … (default: $"+dataEnv+", else ../shared/data/fingerprints/fvc2002 beside the ciekit module root)")
	sets := fs.String("sets", "DB1_B,DB2_B,DB3_B,DB4_B", "comma-separated sets")
	ppis := fs.String("ppi", "DB2_B=569", "comma-separated SET=PPI for sets not at 500 ppi whose files declare no resolution (PNG, JPEG, GIF; TIFF, BMP, WSQ and 19794-4 files may carry their own)")
	out := fs.String("out", "", "write DET curves (det.png, det.svg) and scores.csv to this folder")
	first := fs.Int("first", 0, "number of each set's first finger: 101 in FVC's B sets (101_1.png …), 1 in its A sets (1_1.png …); 0 finds it per set: 1 when 1_1 exists and 101_1 does not, else 101")
	fingers := fs.Int("fingers", 10, "how many fingers of each set to use, 2..100: N finger numbers from the first (images 101_1.png, 102_1.png, …; 1_1.png, 2_1.png, … in an A set)")
	imps := fs.Int("impressions", 8, "how many impressions of each finger to use, 2..100: _1, _2, … (images 101_1.png … 101_N.png)")
	all := fs.Bool("all", true, "impostors: all cross-finger pairs (false: first impressions only, the FVC minimum)")
	tpl := fs.String("templates", "ours", "templates to match: ours (extracted here) or reference (the <name>.iso files)")
	cross := fs.Bool("cross", true, "also match our templates against the reference templates (when present)")
	quiet := fs.Bool("q", false, "no progress report")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *tpl != "ours" && *tpl != "reference" {
		return usagef("fvc: -templates must be ours or reference, not %q", *tpl)
	}
	if *fingers < 2 || *imps < 2 || *fingers > 100 || *imps > 100 {
		return usagef("fvc: -fingers and -impressions must be 2..100, not %d and %d", *fingers, *imps)
	}
	if *first < 0 {
		return usagef("fvc: -first must be a finger number, or 0 to find it, not %d", *first)
	}
	if *data == "" {
		d, err := defaultData()
		if err != nil {
			return err
		}
		*data = d
	}
	res := map[string]int{}
	for _, kv := range strings.Split(*ppis, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		p, err := strconv.Atoi(v)
		if !ok || err != nil {
			return usagef("fvc: bad -ppi entry %q (want SET=PPI, e.g. DB2_B=569)", kv)
		}
		res[k] = p
	}
	var rows []fvcRow
	var series []detplot.Series
	var csvw io.Writer
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(*out, "scores.csv"))
		if err != nil {
			return err
		}
		defer f.Close()
		csvw = f
	}
	for si, set := range strings.Split(*sets, ",") {
		ppi := res[set]
		if ppi == 0 {
			ppi = biometric.DefaultResolution
		}
		dir := filepath.Join(*data, set)
		f0 := *first
		if f0 == 0 {
			f0 = firstFinger(dir)
		}
		row, ss, err := fvcSet(ctx, dir, set, ppi, f0, *fingers, *imps, *all, *tpl == "reference", *cross, stderr, *quiet)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		g, im := eval.Split(ss)
		series = append(series, detplot.Series{Name: set, Points: eval.Curve(g, im)})
		if csvw != nil {
			if err := eval.WriteScoresCSV(csvw, set, ss, si == 0); err != nil {
				return err
			}
		}
	}
	printFVC(stdout, rows, *tpl)
	if *out != "" {
		for _, name := range []string{"det.svg", "det.png"} {
			f, err := os.Create(filepath.Join(*out, name))
			if err != nil {
				return err
			}
			title := fmt.Sprintf("FVC2002 B sets: %s templates, ciekit matcher", *tpl)
			err = detplot.Write(f, strings.TrimPrefix(filepath.Ext(name), "."), title, series)
			if err := errors.Join(err, f.Close()); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstFinger returns the number of the first finger of an FVC-style set:
// 1 when dir holds 1_1 and not 101_1 (FVC's A sets, 1_1 … 100_8), else
// 101 (its B sets; a folder with neither then fails naming 101_1).
func firstFinger(dir string) int {
	_, errB := findPrint(filepath.Join(dir, "101_1"))
	if _, errA := findPrint(filepath.Join(dir, "1_1")); errA == nil && errB != nil {
		return 1
	}
	return 101
}

func fvcSet(ctx context.Context, dir, set string, ppi, first, fingers, imps int, all, reference, cross bool, stderr io.Writer, quiet bool) (fvcRow, []eval.Score, error) {
	row := fvcRow{set: set}
	ours := make([][]*biometric.Prepared, fingers)
	refs := make([][]*biometric.Prepared, fingers)
	probes := make([][]*biometric.Probe, fingers)
	row.ppi.def = ppi
	row.periods = periodTally{}
	var e biometric.Extractor
	var bar *progress
	if !quiet {
		bar = newProgress(stderr, fingers*imps, set+" extract")
	}
	var extractTime time.Duration
	nmin, nok, haveRef := 0, 0, true
	for f := range fingers {
		ours[f] = make([]*biometric.Prepared, imps)
		refs[f] = make([]*biometric.Prepared, imps)
		probes[f] = make([]*biometric.Probe, imps)
		for i := range imps {
			if err := ctx.Err(); err != nil {
				return row, nil, err
			}
			base := filepath.Join(dir, fmt.Sprintf("%d_%d", first+f, i+1))
			p, err := loadFVCPrint(base)
			if err != nil {
				return row, nil, fmt.Errorf("fvc: %w", err)
			}
			img, res := p.Image, p.Resolution(ppi)
			row.ppi.add(p)
			e.Options.Resolution = res
			ref, ok, err := loadTruthTemplate(base+".iso", img.Bounds().Dx(), img.Bounds().Dy(), res)
			if err != nil {
				return row, nil, err
			}
			if ok {
				refs[f][i] = biometric.Prepare(ref)
			} else {
				haveRef = false
			}
			var t *biometric.Template
			if reference {
				if !ok {
					return row, nil, fmt.Errorf("fvc: no reference template %s.iso", base)
				}
				t = ref
			} else {
				start := time.Now()
				tt, err := e.ExtractTemplate(img)
				extractTime += time.Since(start)
				if err == nil {
					t = &tt
					row.periods.add(res, e.RidgePeriod())
				}
			}
			if t == nil {
				row.fte++
			} else {
				nok++
				nmin += len(t.Minutiae)
				ours[f][i] = biometric.Prepare(t)
				probes[f][i] = biometric.NewProbePrepared(ours[f][i])
			}
			bar.add(1)
		}
	}
	row.minutiae = float64(nmin) / float64(max(nok, 1))
	if !reference {
		row.extractMS = ms(extractTime) / float64(fingers*imps)
	}
	pairs := append(eval.GenuinePairs(fingers, imps), eval.ImpostorPairs(fingers, imps, all)...)
	var matchTime time.Duration
	matched := 0
	score := func(gallery [][]*biometric.Prepared) func(eval.Pair) (float64, error) {
		return func(p eval.Pair) (float64, error) {
			pr, c := probes[p.A.Finger][p.A.Impression], gallery[p.B.Finger][p.B.Impression]
			if pr == nil || c == nil {
				return 0, nil // failure to enrol: score 0, as FVC counts it
			}
			start := time.Now()
			s := pr.MatchPrepared(c)
			matchTime += time.Since(start)
			matched++
			return s, nil
		}
	}
	ss, err := eval.ScorePairs(ctx, pairs, score(ours))
	if err != nil {
		return row, nil, err
	}
	row.matchUS = matchTime.Seconds() * 1e6 / float64(max(matched, 1))
	row.rates = eval.Compute(eval.Split(ss))
	if cross && haveRef && !reference {
		xs, err := eval.ScorePairs(ctx, pairs, score(refs))
		if err != nil {
			return row, nil, err
		}
		row.cross, row.hasCross = eval.Compute(eval.Split(xs)), true
	}
	return row, ss, nil
}

// loadTruthTemplate reads a reference ISO template, scaled to w×h and
// labelled with ppi.
func loadTruthTemplate(path string, w, h, ppi int) (*biometric.Template, bool, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t, err := biometric.ParseISO(raw)
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	scaleTemplate(t, w, h)
	t.ResolutionX, t.ResolutionY = biometric.PxPerCM(ppi), biometric.PxPerCM(ppi)
	return t, true, nil
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 2, 64) }

func printFVC(w io.Writer, rows []fvcRow, tpl string) {
	fmt.Fprintf(w, "templates: %s; matcher: biometric.Probe\n\n", tpl)
	fmt.Fprintln(w, "| set | FTE | minutiae | extract ms | match µs | EER % | FMR100 % | FMR1000 % | ZeroFMR % | EER % ours vs reference |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	var m fvcRow
	nc := 0
	for _, r := range rows {
		c := "–"
		if r.hasCross {
			c = pct(r.cross.EER)
			m.cross.EER += r.cross.EER
			nc++
		}
		fmt.Fprintf(w, "| %s | %d | %.1f | %.2f | %.1f | %s | %s | %s | %s | %s |\n", r.set, r.fte, r.minutiae, r.extractMS, r.matchUS,
			pct(r.rates.EER), pct(r.rates.FMR100), pct(r.rates.FMR1000), pct(r.rates.ZeroFMR), c)
		m.fte += r.fte
		m.minutiae += r.minutiae
		m.extractMS += r.extractMS
		m.matchUS += r.matchUS
		m.rates.EER += r.rates.EER
		m.rates.FMR100 += r.rates.FMR100
		m.rates.FMR1000 += r.rates.FMR1000
		m.rates.ZeroFMR += r.rates.ZeroFMR
	}
	n := float64(max(len(rows), 1))
	c := "–"
	if nc > 0 {
		c = pct(m.cross.EER / float64(nc))
	}
	fmt.Fprintf(w, "| **mean** | %d | %.1f | %.2f | %.1f | **%s** | %s | %s | %s | %s |\n", m.fte, m.minutiae/n, m.extractMS/n, m.matchUS/n,
		pct(m.rates.EER/n), pct(m.rates.FMR100/n), pct(m.rates.FMR1000/n), pct(m.rates.ZeroFMR/n), c)
	fmt.Fprintln(w, "\nresolution of the prints:")
	for _, r := range rows {
		fmt.Fprintf(w, "%s: %s\n", r.set, &r.ppi)
	}
	for _, r := range rows {
		r.periods.warn(w, r.set)
	}
}
