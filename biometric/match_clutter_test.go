package biometric_test

import (
	"cmp"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
)

// clutterPrints loads the 320 FVC2002 B prints of the robustness sweep.
func clutterPrints(t *testing.T) (prints [4][80]*image.Gray) {
	root := fvcDir(t)
	for k, db := range fvcDBs {
		for n := range 80 {
			prints[k][n] = loadGray(t, filepath.Join(root, db, fmt.Sprintf("%d_%d.png", 101+n/8, n%8+1)))
		}
	}
	return prints
}

// clutterTemplates extracts the prints transformed by tr (untransformed
// if tr is nil) with the sweep's seeds, as TestRobustnessSweep does.
func clutterTemplates(prints *[4][80]*image.Gray, tr *robustTransform) (ps [4][80]*biometric.Prepared) {
	ts := clutterRaw(prints, tr)
	return prepareAll(&ts)
}

// prepareAll prepares every template of ts.
func prepareAll(ts *[4][80]*biometric.Template) (ps [4][80]*biometric.Prepared) {
	for k := range ts {
		for n, t := range ts[k] {
			ps[k][n] = biometric.Prepare(t)
		}
	}
	return ps
}

// clutterRaw extracts the prints transformed by tr (untransformed if tr
// is nil) with the sweep's seeds, as TestRobustnessSweep does.
func clutterRaw(prints *[4][80]*image.Gray, tr *robustTransform) (ts [4][80]*biometric.Template) {
	sweepExtract(prints, tr, func(k, n int, _ *biometric.Extractor, tpl biometric.Template, _ error) { ts[k][n] = &tpl })
	return ts
}

// sweepExtract extracts the prints transformed by tr (untransformed if tr
// is nil) with the sweep's seeds and hands each result to got, with the
// extractor that made it.
func sweepExtract(prints *[4][80]*image.Gray, tr *robustTransform, got func(k, n int, e *biometric.Extractor, tpl biometric.Template, err error)) {
	for k, db := range fvcDBs {
		for n, g := range prints[k] {
			var img image.Image = g
			told := fvcRes(db)
			if tr != nil {
				rng := rand.New(rand.NewPCG(uint64(k*1000+n), 22))
				img, _, told = tr.fn(g, fvcRes(db), rng)
			}
			e := biometric.Extractor{Options: biometric.Options{Resolution: told}}
			tpl, err := e.ExtractTemplate(img)
			got(k, n, &e, tpl, err)
		}
	}
}

// clutterRows returns the sweep's transforms whose names contain one of
// the comma-separated words of env (or of def if env is empty).
func clutterRows(env, def string) []robustTransform {
	words := os.Getenv(env)
	if words == "" {
		words = def
	}
	var out []robustTransform
	for _, tr := range robustTransforms() {
		if slices.ContainsFunc(strings.Split(words, ","), func(w string) bool { return strings.Contains(tr.name, w) }) {
			out = append(out, tr)
		}
	}
	return out
}

// TestDiagClutter asks what lifts the impostor scores of degraded prints
// (noise, wet skin, noisy canvases) above those of clean ones: for the
// sweep's impostor pairs (both prints transformed) it prints the terms of
// the best alignment, over all pairs and over those at or above
// ThresholdFMR100. CIEKIT_DIAG=1 runs it; CIEKIT_DIAG_ROWS=word,... picks
// the sweep's transforms.
func TestDiagClutter(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	prints := clutterPrints(t)
	// The lowest mean minutia weight of FVC2002 B's templates, ours and
	// the reference ones, without the floor (matchParams.wFloor).
	restore := biometric.SetMatchParam("wFloor", 0)
	for _, ct := range loadCalibTemplates(t) {
		lo := [2]float64{1, 1}
		for k, set := range []*[10][8]*biometric.Template{&ct.ours, &ct.ref} {
			for f := range set {
				for _, tp := range set[f] {
					if tp != nil && len(tp.Minutiae) > 0 {
						_, w := biometric.Density(biometric.Prepare(tp))
						lo[k] = min(lo[k], w)
					}
				}
			}
		}
		t.Logf("%s: lowest mean minutia weight of a template: ours %.4f, reference %.4f", ct.name, lo[0], lo[1])
	}
	restore()
	type agg struct {
		n                                        int
		na, a0, matched, m, inA, area            float64 // means over both prints where two
		pairW, freeW, pairCrowd, allCrowd, meanW float64
		density                                  float64 // (a0+b0)/2 per overlap cell
	}
	add := func(g *agg, s *biometric.PairStats) {
		g.n++
		g.na += float64(s.NA+s.NB) / 2
		g.a0 += float64(s.A0+s.B0) / 2
		g.matched += float64(s.Matched)
		g.m += float64(s.M)
		g.inA += float64(s.InA+s.InB) / 2
		g.area += float64(s.Area)
		g.pairW += s.PairW
		g.freeW += s.FreeW
		g.pairCrowd += s.PairCrowded
		g.allCrowd += s.AllCrowded
		g.meanW += (s.MeanW[0] + s.MeanW[1]) / 2
		if s.Area > 0 {
			g.density += float64(s.A0+s.B0) / 2 / float64(s.Area)
		}
	}
	show := func(name string, g *agg) string {
		f := 1 / float64(max(g.n, 1))
		return fmt.Sprintf("%s (%d): minutiae %.1f, overlap a0 %.1f (weighted %.1f) in %.1f cells (%.2f per cell), pairs %.1f (m %.1f); mean weight paired %.2f, unpaired %.2f, all %.2f; crowded (another within 12 px) paired %.2f, all %.2f",
			name, g.n, g.na*f, g.a0*f, g.inA*f, g.area*f, g.density*f, g.matched*f, g.m*f, g.pairW*f, g.freeW*f, g.meanW*f, g.pairCrowd*f, g.allCrowd*f)
	}
	rows := append([]robustTransform{{name: "none"}}, clutterRows("CIEKIT_DIAG_ROWS", "noise σ 20,noise σ 40,wet,own background, noise,noisy grey,dry: ridges")...)
	for _, tr := range rows {
		var ps [4][80]*biometric.Prepared
		if tr.fn == nil {
			ps = clutterTemplates(&prints, nil)
		} else {
			ps = clutterTemplates(&prints, &tr)
		}
		var dens, mw [4][]float64
		for k := range 4 {
			for _, p := range ps[k] {
				d, w := biometric.Density(p)
				dens[k], mw[k] = append(dens[k], d), append(mw[k], w)
			}
		}
		q := func(v []float64) string {
			v = slices.Sorted(slices.Values(v))
			return fmt.Sprintf("%.2f/%.2f/%.2f/%.2f/%.2f", v[0], v[len(v)/10], v[len(v)/2], v[len(v)*9/10], v[len(v)-1])
		}
		t.Logf("%s: template density (minutiae per 24x24 px of its area) min/p10/median/p90/max DB1..DB4: %s  %s  %s  %s; mean weight %s  %s  %s  %s", tr.name,
			q(dens[0]), q(dens[1]), q(dens[2]), q(dens[3]), q(mw[0]), q(mw[1]), q(mw[2]), q(mw[3]))
		var all, hi, gen agg
		var imp []float64
		for k := range 4 {
			for a := range 80 {
				pa := biometric.NewProbePrepared(ps[k][a])
				for b := a + 1; b < 80; b++ {
					s := biometric.DiagPair(pa, ps[k][b])
					if a/8 == b/8 {
						add(&gen, &s)
						continue
					}
					sc := biometric.CalibrateWith(biometric.CalibRaw(), s.Raw)
					imp = append(imp, sc)
					add(&all, &s)
					if sc >= biometric.ThresholdFMR100 {
						add(&hi, &s)
					}
				}
			}
		}
		t.Logf("%s: impostor FMR at 20 %.3f %%, at 30 %.3f %%\n  %s\n  %s\n  %s", tr.name,
			100*eval.FMRAt(imp, biometric.ThresholdFMR100), 100*eval.FMRAt(imp, biometric.ThresholdFMR1000),
			show("impostors", &all), show("impostors ≥ 20", &hi), show("genuine (both transformed)", &gen))
	}
}

// clutterRow is one transform's figures under one matcher setting.
type clutterRow struct {
	fmr100, fmr1000, fnmr100, fnmr1000, eer float64
}

// scoreClutterRow scores a row of the sweep as TestRobustnessSweep does
// (genuine: the transformed print against the clean one, both ways round;
// impostor: all cross-finger pairs, both transformed), with raw scores
// mapped through the calibration table tab.
func scoreClutterRow(tab []float64, clean, tr *[4][80]*biometric.Prepared) clutterRow {
	var gen, imp []float64
	var r clutterRow
	score := func(p *biometric.Probe, c *biometric.Prepared) float64 {
		return biometric.CalibrateWith(tab, biometric.RawScore(p, c))
	}
	for k := range 4 {
		var g, im []float64
		for a := range 80 {
			pa := biometric.NewProbePrepared(tr[k][a])
			for b := a + 1; b < 80; b++ {
				if a/8 == b/8 {
					g = append(g, score(pa, clean[k][b]))
					g = append(g, score(biometric.NewProbePrepared(tr[k][b]), clean[k][a]))
				} else {
					im = append(im, score(pa, tr[k][b]))
				}
			}
		}
		r.eer += eval.Compute(g, im).EER / 4
		gen = append(gen, g...)
		imp = append(imp, im...)
	}
	r.fmr100, r.fmr1000 = eval.FMRAt(imp, biometric.ThresholdFMR100), eval.FMRAt(imp, biometric.ThresholdFMR1000)
	r.fnmr100, r.fnmr1000 = eval.FNMRAt(gen, biometric.ThresholdFMR100), eval.FNMRAt(gen, biometric.ThresholdFMR1000)
	return r
}

// TestDiagClutterKnob varies one matcher parameter
// (CIEKIT_DIAG_KNOB=name=v1,v2,...; names as SetMatchParam takes them) and
// for each value refits the calibration table on FVC2002 B by the shipped
// rule (fitCalibration, all four sets), then reports: the leave-one-set-out
// check of TestMatchCalibrationLeaveOneSetOut (worst held-out FMR at the
// two thresholds), the EER of our templates per set, and on the sweep's
// rows (CIEKIT_DIAG_ROWS=word,...; the untransformed row always) FMR and
// FNMR at the thresholds and the mean EER. CIEKIT_DIAG=1 runs it.
func TestDiagClutterKnob(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	name, vals, _ := strings.Cut(os.Getenv("CIEKIT_DIAG_KNOB"), "=")
	var values []float64
	for _, s := range strings.Split(vals, ",") {
		var v float64
		if _, err := fmt.Sscan(s, &v); err != nil {
			t.Fatalf("CIEKIT_DIAG_KNOB value %q", s)
		}
		values = append(values, v)
	}
	prints := clutterPrints(t)
	cleanT := clutterRaw(&prints, nil)
	rows := clutterRows("CIEKIT_DIAG_ROWS", "noise σ 20,noise σ 40,wet,own background, noise,noisy grey,dry: ridges")
	trsT := make([][4][80]*biometric.Template, len(rows))
	for i := range rows {
		trsT[i] = clutterRaw(&prints, &rows[i])
	}
	cts := loadCalibTemplates(t)
	var out strings.Builder
	fmt.Fprintf(&out, "\n| %s | held-out FMR at 20 / 30, worst (DB1..DB4) | EER of our templates DB1..DB4 (mean) | transform | FMR at 20 | FMR at 30 | FNMR at 20 | FNMR at 30 | mean EER |\n|---|---|---|---|---|---|---|---|---|\n", name)
	for _, v := range values {
		restore := biometric.SetMatchParam(name, v)
		// CIEKIT_DIAG_BASE=name=v,...: other parameters set for every value.
		if base := os.Getenv("CIEKIT_DIAG_BASE"); base != "" {
			for _, kv := range strings.Split(base, ",") {
				bn, bv, _ := strings.Cut(kv, "=")
				var f float64
				if _, err := fmt.Sscan(bv, &f); err != nil {
					t.Fatalf("CIEKIT_DIAG_BASE entry %q", kv)
				}
				biometric.SetMatchParam(bn, f)
			}
		}
		clean := prepareAll(&cleanT)
		sets := scoreCalibSets(cts)
		var worst [2]float64
		var held string
		for _, f := range eval.LeaveOneOut(len(sets)) {
			var train []calibSet
			for _, k := range f.Train {
				train = append(train, sets[k])
			}
			tab := fitCalibration(train)
			im := calibrated(tab, sets[f.Test].impostor)
			f100, f1000 := eval.FMRAt(im, biometric.ThresholdFMR100), eval.FMRAt(im, biometric.ThresholdFMR1000)
			worst = [2]float64{max(worst[0], f100), max(worst[1], f1000)}
			held += fmt.Sprintf(" %.3f/%.3f", 100*f100, 100*f1000)
		}
		var eers string
		var mean float64
		tab := fitCalibration(sets)
		for _, s := range sets {
			e := eval.Compute(s.oursGenuine, s.oursImpostor).EER
			eers += fmt.Sprintf("%.2f / ", 100*e)
			mean += e / 4
		}
		t.Logf("%s = %g: calibRaw = %.3f", name, v, tab)
		first := fmt.Sprintf("| %g | %.3f / %.3f %% (%s) | %s(%.2f %%)", v, 100*worst[0], 100*worst[1], strings.TrimSpace(held), eers, 100*mean)
		line := func(rn string, r clutterRow) {
			fmt.Fprintf(&out, "%s | %s | %.3f %% | %.3f %% | %.2f %% | %.2f %% | %.2f %% |\n", first, rn, 100*r.fmr100, 100*r.fmr1000, 100*r.fnmr100, 100*r.fnmr1000, 100*r.eer)
			first = "| | | "
		}
		line("none", scoreClutterRow(tab[:], &clean, &clean))
		for i := range rows {
			tr := prepareAll(&trsT[i])
			line(rows[i].name, scoreClutterRow(tab[:], &clean, &tr))
		}
		restore()
	}
	t.Log(out.String())
}

// TestDiagNullModel fits the null model of chance pairs on FVC2002 B's
// impostor pairs (our and the reference templates, all four sets): the
// pair count of the best alignment against x = a0·b0/area (the minutiae
// of each print in the overlap and its area in 24x24 px cells), by bins
// of x, with the ratio c = Σy/Σx and the dispersion φ = mean((y-cx)²/cx).
// CIEKIT_DIAG=1 runs it.
func TestDiagNullModel(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	cts := loadCalibTemplates(t)
	type xy struct{ x, y, s float64 }
	var all [4][]xy
	for k, ct := range cts {
		for _, set := range []*[10][8]*biometric.Template{&ct.ours, &ct.ref} {
			for _, p := range eval.ImpostorPairs(10, 8, true) {
				a, b := set[p.A.Finger][p.A.Impression], set[p.B.Finger][p.B.Impression]
				if a == nil || b == nil {
					continue
				}
				s := biometric.DiagPair(biometric.NewProbe(a), biometric.Prepare(b))
				if s.Area == 0 {
					continue
				}
				all[k] = append(all[k], xy{float64(s.A0*s.B0) / float64(s.Area), float64(s.Matched), biometric.CalibrateWith(biometric.CalibRaw(), s.Raw)})
			}
		}
	}
	fit := func(v []xy) (c, phi float64) {
		var sx, sy float64
		for _, p := range v {
			sx, sy = sx+p.x, sy+p.y
		}
		c = sy / sx
		for _, p := range v {
			phi += (p.y - c*p.x) * (p.y - c*p.x) / (c * p.x) / float64(len(v))
		}
		return c, phi
	}
	var pooled []xy
	for k := range 4 {
		c, phi := fit(all[k])
		t.Logf("%s: c %.3f, φ %.2f over %d impostor pairs", fvcDBs[k], c, phi, len(all[k]))
		pooled = append(pooled, all[k]...)
	}
	c, phi := fit(pooled)
	t.Logf("pooled: c %.3f, φ %.2f", c, phi)
	slices.SortFunc(pooled, func(a, b xy) int { return cmp.Compare(a.x, b.x) })
	for q := range 10 {
		part := pooled[q*len(pooled)/10 : (q+1)*len(pooled)/10]
		var mx, my, vy, f20 float64
		for _, p := range part {
			mx, my = mx+p.x/float64(len(part)), my+p.y/float64(len(part))
			if p.s >= biometric.ThresholdFMR100 {
				f20 += 100 / float64(len(part))
			}
		}
		for _, p := range part {
			vy += (p.y - my) * (p.y - my) / float64(len(part))
		}
		top := slices.Sorted(func(yield func(float64) bool) {
			for _, p := range part {
				if !yield(p.y) {
					return
				}
			}
		})
		t.Logf("x decile %d: mean x %.1f, pairs mean %.2f var %.2f, p99 %.0f, max %.0f; FMR at 20 %.2f %%", q+1, mx, my, vy, top[len(top)*99/100], top[len(top)-1], f20)
	}
}

// TestDiagMargin lists the terms of the strongest impostor pairs of one
// FVC2002 B set (our templates; CIEKIT_DIAG_SET, DB3_B by default) and of
// the genuine pairs that do not score above them all. CIEKIT_DIAG=1 runs
// it.
func TestDiagMargin(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	set := os.Getenv("CIEKIT_DIAG_SET")
	if set == "" {
		set = "DB3_B"
	}
	ts := extractFVC(t, filepath.Join(fvcDir(t), set), set)
	type row struct {
		gen bool
		s   biometric.PairStats
	}
	var rs []row
	for _, p := range append(eval.GenuinePairs(10, 8), eval.ImpostorPairs(10, 8, true)...) {
		a, b := ts[p.A.Finger][p.A.Impression], ts[p.B.Finger][p.B.Impression]
		if a == nil || b == nil {
			continue
		}
		rs = append(rs, row{p.Genuine, biometric.DiagPair(biometric.NewProbe(a), biometric.Prepare(b))})
	}
	slices.SortFunc(rs, func(a, b row) int { return cmp.Compare(b.s.Raw, a.s.Raw) })
	// The pairs around the EER: the 14 strongest impostors and the
	// genuine pairs that do not score above them all.
	hi := 0.0
	n := 0
	for _, r := range rs {
		if !r.gen {
			n++
			if n == 14 {
				hi = r.s.Raw
				break
			}
		}
	}
	top := 0.0
	for _, r := range rs {
		if !r.gen {
			top = r.s.Raw
			break
		}
	}
	for _, r := range rs {
		if r.gen && r.s.Raw > top || !r.gen && r.s.Raw < hi {
			continue
		}
		s := r.s
		x := float64(s.A0*s.B0) / float64(max(s.Area, 1))
		t.Logf("%-8v raw %.3f pairs %2d m %5.2f n %3d/%3d a0 %2d b0 %2d w %5.1f/%5.1f area %3d x %5.1f rho %.2f wpair %.2f wfree %.2f crowd %.2f",
			map[bool]string{true: "genuine", false: "impostor"}[r.gen], s.Raw, s.Matched, s.M, s.NA, s.NB, s.A0, s.B0, s.InA, s.InB, s.Area, x,
			float64(s.A0+s.B0)/2/float64(max(s.Area, 1)), s.PairW, s.FreeW, s.PairCrowded)
	}
}
