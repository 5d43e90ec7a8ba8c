package biometric_test

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric"
)

// TestPeriodEstimates compares, per FVC2002 B set and sweep transform, the
// median over the set's prints of the period map's reading (the
// Extractor.RidgePeriod of before 2026-12-06 afternoon; prints rejected
// as not a finger are left out) and of the x-signature reading (xsig.go,
// today's Extractor.RidgePeriod), both
// converted to 500 ppi of the print's true resolution: an estimate that
// does not depend on the ridge profile stays put down a column. It runs
// with CIEKIT_PERIODDIAG=1 (CIEKIT_ROBUST_ONLY limits the transforms, as
// in the sweep).
func TestPeriodEstimates(t *testing.T) {
	if os.Getenv("CIEKIT_PERIODDIAG") == "" {
		t.Skip("set CIEKIT_PERIODDIAG=1")
	}
	prints := loadFVCPrints(t)
	trs := []robustTransform{{"none", func(g *image.Gray, res int, _ *rand.Rand) (image.Image, int, int) { return g, res, res }}}
	for _, tr := range robustTransforms() {
		for _, w := range []string{"blur", "wet", "ppi", "noise σ 20", "JPEG q25", "rotate ±30°"} {
			if strings.Contains(tr.name, w) && !strings.Contains(tr.name, "window") {
				trs = append(trs, tr)
				break
			}
		}
	}
	only := os.Getenv("CIEKIT_ROBUST_ONLY")
	var out strings.Builder
	fmt.Fprintf(&out, "\n| transform | period map, median per set at 500 ppi (DB1 / DB2 / DB3 / DB4) | x-signature | x-signature blocks (median per print) | period map, set median, input px | x-signature, input px |\n|---|---|---|---|---|---|\n")
	for _, tr := range trs {
		if only != "" && tr.name != "none" && !slices.ContainsFunc(strings.Split(only, ","), func(w string) bool { return strings.Contains(tr.name, w) }) {
			continue
		}
		var cols [5]string
		for k, db := range fvcDBs {
			var old, xs, old500, xs500, nb []float32
			for n, g := range prints[db] {
				rng := rand.New(rand.NewPCG(uint64(k*1000+n), 22))
				img, trueRes, told := tr.fn(g, fvcRes(db), rng)
				e := biometric.Extractor{Options: biometric.Options{Resolution: told}}
				if _, err := e.Extract(nil, img); err != nil {
					t.Fatal(err)
				}
				scale := float32(500)
				if told != 0 {
					scale = float32(told)
				}
				p := e.PeriodMapMedian() * scale / 500 // 0 when rejected
				x, m := e.XSigPeriod()
				if p > 0 {
					old = append(old, p)
					old500 = append(old500, p*500/float32(trueRes))
				}
				if x > 0 {
					xs = append(xs, x)
					xs500 = append(xs500, x*500/float32(trueRes))
				}
				nb = append(nb, float32(m))
			}
			sep := " / "
			if k == 0 {
				sep = ""
			}
			cols[0] += sep + fmt.Sprintf("%.2f", quantiles(old500, 0.5)[0])
			cols[1] += sep + fmt.Sprintf("%.2f", quantiles(xs500, 0.5)[0])
			cols[2] += sep + fmt.Sprintf("%.0f", quantiles(nb, 0.5)[0])
			cols[3] += sep + fmt.Sprintf("%.2f", quantiles(old, 0.5)[0])
			cols[4] += sep + fmt.Sprintf("%.2f", quantiles(xs, 0.5)[0])
		}
		fmt.Fprintf(&out, "| %s | %s | %s | %s | %s | %s |\n", tr.name, cols[0], cols[1], cols[2], cols[3], cols[4])
		t.Logf("%s done", tr.name)
	}
	t.Log(out.String())
}
