package biometric_test

import (
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quantiles returns the q-quantiles of xs (nearest rank); xs is sorted.
func quantiles(xs []float32, qs ...float64) []float32 {
	slices.Sort(xs)
	out := make([]float32, len(qs))
	for i, q := range qs {
		out[i] = xs[min(int(q*float64(len(xs))), len(xs)-1)]
	}
	return out
}

// fvcPeriods extracts the 80 prints of each FVC2002 B set, transformed by
// tr, at the resolution told(db) and returns their ridge periods.
func fvcPeriods(t *testing.T, prints map[string][]*image.Gray, tr func(g *image.Gray, db string) image.Image, told func(db string) int) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for _, db := range fvcDBs {
		e := biometric.Extractor{Options: biometric.Options{Resolution: told(db)}}
		for _, g := range prints[db] {
			_, err := e.Extract(nil, tr(g, db))
			require.NoError(t, err)
			out[db] = append(out[db], e.RidgePeriod())
		}
	}
	return out
}

// loadFVCPrints reads the 80 prints of each FVC2002 B set.
func loadFVCPrints(t *testing.T) map[string][]*image.Gray {
	t.Helper()
	root := fvcDir(t)
	prints := map[string][]*image.Gray{}
	for _, db := range fvcDBs {
		for n := range 80 {
			prints[db] = append(prints[db], loadGray(t, filepath.Join(root, db, fmt.Sprintf("%d_%d.png", 101+n/8, n%8+1))))
		}
	}
	return prints
}

func TestRidgePeriodFVC2002(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 320 images and extracts them 7 times")
	}
	prints := loadFVCPrints(t)
	ps := fvcPeriods(t, prints, func(g *image.Gray, _ string) image.Image { return g }, fvcRes)
	var all []float32
	for _, db := range fvcDBs {
		var at500 []float32
		for _, p := range ps[db] {
			at500 = append(at500, p*500/float32(fvcRes(db)))
		}
		all = append(all, at500...)
		q := quantiles(at500, 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)
		t.Logf("%s (%d ppi): ridge period at 500 ppi: min %.2f p10 %.2f p25 %.2f median %.2f p75 %.2f p90 %.2f max %.2f px",
			db, fvcRes(db), q[0], q[1], q[2], q[3], q[4], q[5], q[6])
		// A guard on the estimator (enhance.go) as much as on the
		// constant: a set's median more than 10 % off TypicalRidgePeriod
		// leaves too little room under ResolutionTolerance.
		assert.InDelta(t, 1, q[3]/biometric.TypicalRidgePeriod, 0.10, "%s: median ridge period %.2f px at 500 ppi, TypicalRidgePeriod %v", db, q[3], biometric.TypicalRidgePeriod)
		c := biometric.CheckResolution(ps[db], fvcRes(db))
		assert.False(t, c.Mismatch, "CheckResolution(%s at %d ppi) = %v", db, fvcRes(db), c)
	}
	q := quantiles(all, 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)
	t.Logf("all 320: min %.2f p10 %.2f p25 %.2f median %.2f p75 %.2f p90 %.2f max %.2f px", q[0], q[1], q[2], q[3], q[4], q[5], q[6])

	// The prints resampled to another resolution (as another sensor would
	// scan them), extracted without telling the extractor (500 ppi) and
	// told the truth.
	for _, tc := range []struct {
		ppi    int
		warned int // sets of four that must be warned of (at 600 and 700 ppi DB4_B's fine ridges cancel the error)
	}{{250, 4}, {300, 4}, {400, 4}, {500, 0}, {600, 3}, {700, 3}, {800, 4}, {1000, 4}} {
		resampled := func(g *image.Gray, db string) image.Image {
			return resampleGray(g, float64(tc.ppi)/float64(fvcRes(db)))
		}
		untold := fvcPeriods(t, prints, resampled, func(string) int { return 0 })
		told := fvcPeriods(t, prints, resampled, func(string) int { return tc.ppi })
		warned := 0
		for _, db := range fvcDBs {
			c := biometric.CheckResolution(untold[db], 0)
			t.Logf("%s at %d ppi, extracted as 500: %v", db, tc.ppi, c)
			if c.Mismatch {
				warned++
			}
			if tc.ppi >= 800 || tc.ppi <= 300 {
				assert.True(t, c.Sure, "CheckResolution(%s at %d ppi, extracted as 500) = %v, want sure", db, tc.ppi, c)
			}
			c = biometric.CheckResolution(told[db], tc.ppi)
			assert.False(t, c.Mismatch, "CheckResolution(%s at %d ppi, %d) = %v", db, tc.ppi, tc.ppi, c)
		}
		if tc.ppi == 500 {
			assert.Zero(t, warned, "sets warned of at 500 ppi")
		} else {
			assert.GreaterOrEqual(t, warned, tc.warned, "sets warned of at %d ppi, extracted as 500", tc.ppi)
		}
	}
}

// TestRidgePeriodScansim checks that the simulated sensor styles (dry,
// wet, low contrast, 569 ppi) raise no resolution warning, and that the
// ridge period read matches the simulated finger's own mean period
// (scansim.Finger.Period, 8.6 to 10.2 px at 500 ppi).
func TestRidgePeriodScansim(t *testing.T) {
	n, styles := 12, sensorStyles
	if testing.Short() {
		n, styles = biometric.MinResolutionPrints, []sensorStyle{sensorStyles[0], sensorStyles[len(sensorStyles)-1]}
	}
	for _, st := range styles {
		var ps, ratio []float32
		res := 0
		for f := range n {
			seed := uint64(300 + f)
			c := scansim.NaturalCondition(seed)
			if st.cond != nil {
				c = st.cond(c)
			}
			finger := scansim.NewFinger(seed, 400, 500)
			im := finger.Impress(c, seed)
			if st.after != nil {
				im = st.after(im)
			}
			res = im.Resolution
			e := biometric.Extractor{Options: biometric.Options{Resolution: im.Resolution}}
			_, err := e.Extract(nil, im.Image)
			require.NoError(t, err)
			ps = append(ps, e.RidgePeriod())
			ratio = append(ratio, e.RidgePeriod()/float32(finger.Period*float64(res)/500))
		}
		c := biometric.CheckResolution(ps, res)
		q := quantiles(ps, 0, 0.5, 1)
		r := quantiles(ratio, 0, 0.5, 1)
		t.Logf("%s: %d prints, ridge period min %.2f median %.2f max %.2f px, read / simulated min %.3f median %.3f max %.3f: %v",
			st.name, n, q[0], q[1], q[2], r[0], r[1], r[2], c)
		assert.False(t, c.Mismatch, "CheckResolution(%s) = %v", st.name, c)
		assert.InDelta(t, 1, r[1], 0.05, "%s: median of ridge period read / simulated", st.name)
	}
}

func TestResolutionFromPeriod(t *testing.T) {
	for _, tc := range []struct {
		period float32
		want   int
	}{
		{0, 0},
		{-1, 0},
		{biometric.TypicalRidgePeriod, 500},
		{2 * biometric.TypicalRidgePeriod, 1000},
		{biometric.TypicalRidgePeriod * 569 / 500, 570},
	} {
		assert.Equal(t, tc.want, biometric.ResolutionFromPeriod(tc.period), "ResolutionFromPeriod(%v)", tc.period)
	}
}

func TestCheckResolution(t *testing.T) {
	typ := float32(biometric.TypicalRidgePeriod)
	rep := func(p float32, n int) []float32 { return slices.Repeat([]float32{p}, n) }
	for _, tc := range []struct {
		name     string
		periods  []float32
		used     int
		mismatch bool
		sure     bool
		likely   int
	}{
		{"none", nil, 500, false, false, 0},
		{"no foreground", rep(0, 10), 0, false, false, 0},
		{"typical", rep(typ, 10), 0, false, false, 500},
		{"800 ppi taken for 500", rep(typ*1.6, 10), 0, true, true, 800},
		{"800 ppi told", rep(typ*1.6, 10), 800, false, false, 800},
		{"300 ppi taken for 500", rep(typ*0.6, 10), 500, true, true, 300},
		{"too few prints", rep(typ*1.6, biometric.MinResolutionPrints-1), 500, false, false, 800},
		{"enough prints", rep(typ*1.6, biometric.MinResolutionPrints), 500, true, true, 800},
		{"median, not mean", append(rep(typ, 6), rep(3*typ, 5)...), 500, false, false, 500},
		{"just inside", rep(typ*1.14, 10), 500, false, false, 570},
		{"just outside", rep(typ*1.18, 10), 500, true, false, 590},
		{"400 ppi taken for 500", rep(typ*0.82, 10), 0, true, false, 410},
		{"sure beyond 25 %", rep(typ*1.28, 10), 500, true, true, 640},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.periods)
			c := biometric.CheckResolution(tc.periods, tc.used)
			assert.Equal(t, tc.mismatch, c.Mismatch, "CheckResolution(%v, %d) = %v", tc.periods, tc.used, c)
			assert.Equal(t, tc.sure, c.Sure, "CheckResolution(%v, %d).Sure", tc.periods, tc.used)
			assert.Equal(t, tc.likely, c.Likely, "CheckResolution(%v, %d).Likely", tc.periods, tc.used)
			assert.Equal(t, in, tc.periods, "CheckResolution modified its input")
		})
	}
}

// TestRidgePeriodAllocs checks that measuring the period keeps Extract
// free of allocations and that the period follows the last image.
func TestRidgePeriodAllocs(t *testing.T) {
	im := scansim.Generate(7, 0, 0)
	var e biometric.Extractor
	dst := make([]biometric.Minutia, 0, 256)
	_, err := e.Extract(dst, im.Image)
	require.NoError(t, err)
	p := e.RidgePeriod()
	assert.InDelta(t, biometric.TypicalRidgePeriod, p, 2, "RidgePeriod() of a synthetic 500 ppi print")
	if n := testing.AllocsPerRun(5, func() { _, _ = e.Extract(dst[:0], im.Image) }); n != 0 {
		t.Errorf("Extract: %v allocs, want 0", n)
	}
	blank := image.NewGray(image.Rect(0, 0, 300, 300))
	_, err = e.Extract(nil, blank)
	require.NoError(t, err)
	assert.Zero(t, e.RidgePeriod(), "RidgePeriod() after a blank image")
}
