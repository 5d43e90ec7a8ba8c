package biometric_test

import (
	"fmt"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/stretchr/testify/require"
)

// fvcDir returns ../shared/data/fingerprints/fvc2002 relative to the module
// root, or skips the test.
func fvcDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	require.NoError(tb, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			tb.Skip("module root not found")
		}
		dir = up
	}
	d := filepath.Join(dir, "..", "shared", "data", "fingerprints", "fvc2002")
	if _, err := os.Stat(d); err != nil {
		tb.Skipf("FVC2002 data: %v", err)
	}
	return d
}

// loadReferenceISO reads the reference ISO template of image name (e.g.
// "101_1") in db, with minutiae scaled back from 300x400 to the image size
// (see the data NOTICE) and the resolution set to res ppi.
func loadReferenceISO(tb testing.TB, db, name string, res int) *biometric.Template {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(db, name+".iso"))
	require.NoError(tb, err)
	t, err := biometric.ParseISO(raw)
	require.NoError(tb, err, "ParseISO(%s)", name)
	f, err := os.Open(filepath.Join(db, name+".png"))
	require.NoError(tb, err)
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	require.NoError(tb, err)
	rw, rh := int(t.Width), int(t.Height)
	for i := range t.Minutiae {
		m := &t.Minutiae[i]
		m.X = uint16(int(m.X) * cfg.Width / rw)
		m.Y = uint16(int(m.Y) * cfg.Height / rh)
	}
	t.Width, t.Height = uint16(cfg.Width), uint16(cfg.Height)
	t.ResolutionX, t.ResolutionY = biometric.PxPerCM(res), biometric.PxPerCM(res)
	return t
}

// referenceFVC loads the reference templates of the 80 images of db.
func referenceFVC(tb testing.TB, dir, db string) (ts [10][8]*biometric.Template) {
	tb.Helper()
	for f := range 10 {
		for i := range 8 {
			ts[f][i] = loadReferenceISO(tb, dir, fmt.Sprintf("%d_%d", 101+f, i+1), fvcRes(db))
		}
	}
	return ts
}

func fvcRes(db string) int {
	if db == "DB2_B" {
		return 569
	}
	return 500
}

var fvcDBs = []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"}

// TestMatchReferenceFVC runs the FVC protocol with our matcher on the
// reference ISO templates of the FVC2002 B sets.
func TestMatchReferenceFVC(t *testing.T) {
	if testing.Short() {
		t.Skip("matches 4 × 3,160 pairs")
	}
	root := fvcDir(t)
	var sum float64
	for _, db := range fvcDBs {
		dir := filepath.Join(root, db)
		ts := referenceFVC(t, dir, db)
		pairs := append(eval.GenuinePairs(10, 8), eval.ImpostorPairs(10, 8, true)...)
		ss, err := eval.ScorePairs(t.Context(), pairs, func(p eval.Pair) (float64, error) {
			return biometric.Match(ts[p.A.Finger][p.A.Impression], ts[p.B.Finger][p.B.Impression]), nil
		})
		require.NoError(t, err)
		g, im := eval.Split(ss)
		r := eval.Compute(g, im)
		t.Logf("%s: EER %.2f%% (at %.1f) FMR100 %.2f%% FMR1000 %.2f%% ZeroFMR %.2f%%", db, 100*r.EER, r.EERThreshold, 100*r.FMR100, 100*r.FMR1000, 100*r.ZeroFMR)
		sum += r.EER
	}
	t.Logf("mean EER %.2f%%", 100*sum/4)
}

// extractFVC extracts templates of the 80 images of db (nil on failure).
func extractFVC(tb testing.TB, dir, db string) (ts [10][8]*biometric.Template) {
	tb.Helper()
	e := biometric.Extractor{Options: biometric.Options{Resolution: fvcRes(db)}}
	for f := range 10 {
		for i := range 8 {
			fh, err := os.Open(filepath.Join(dir, fmt.Sprintf("%d_%d.png", 101+f, i+1)))
			require.NoError(tb, err)
			img, _, err := image.Decode(fh)
			fh.Close()
			require.NoError(tb, err)
			t, err := e.ExtractTemplate(img)
			if err == nil {
				ts[f][i] = &t
			}
		}
	}
	return ts
}

// TestMatchExtractedFVC runs the FVC protocol with our extractor and
// matcher, and cross-matches our templates with the reference ones.
func TestMatchExtractedFVC(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 320 images")
	}
	root := fvcDir(t)
	var sum, sumX float64
	for _, db := range fvcDBs {
		dir := filepath.Join(root, db)
		ts := extractFVC(t, dir, db)
		ref := referenceFVC(t, dir, db)
		pairs := append(eval.GenuinePairs(10, 8), eval.ImpostorPairs(10, 8, true)...)
		run := func(a, b *[10][8]*biometric.Template) eval.Rates {
			ss, err := eval.ScorePairs(t.Context(), pairs, func(p eval.Pair) (float64, error) {
				x, y := a[p.A.Finger][p.A.Impression], b[p.B.Finger][p.B.Impression]
				if x == nil || y == nil {
					return 0, nil
				}
				return biometric.Match(x, y), nil
			})
			require.NoError(t, err)
			return eval.Compute(eval.Split(ss))
		}
		r := run(&ts, &ts)
		x := run(&ts, &ref)
		t.Logf("%s: ours EER %.2f%% FMR100 %.2f%% FMR1000 %.2f%% ZeroFMR %.2f%%; ours vs reference EER %.2f%%", db, 100*r.EER, 100*r.FMR100, 100*r.FMR1000, 100*r.ZeroFMR, 100*x.EER)
		sum += r.EER
		sumX += x.EER
	}
	t.Logf("mean EER %.2f%%, cross %.2f%%", 100*sum/4, 100*sumX/4)
}

// TestSameFingerFVC checks the workstation decision on the reference
// templates: most captures of one finger are recognised, and captures of
// different fingers are almost never taken for the same one.
func TestSameFingerFVC(t *testing.T) {
	if testing.Short() {
		t.Skip("matches 4 × 3,160 pairs")
	}
	root := fvcDir(t)
	var gen, genOK, imp, impOK int
	for _, db := range fvcDBs {
		dir := filepath.Join(root, db)
		ts := referenceFVC(t, dir, db)
		for _, p := range append(eval.GenuinePairs(10, 8), eval.ImpostorPairs(10, 8, true)...) {
			same, _ := biometric.SameFinger(ts[p.A.Finger][p.A.Impression], ts[p.B.Finger][p.B.Impression])
			if p.Genuine {
				gen++
				if same {
					genOK++
				}
			} else {
				imp++
				if same {
					impOK++
				}
			}
		}
	}
	t.Logf("SameFinger: %d/%d genuine pairs accepted, %d/%d impostor pairs accepted", genOK, gen, impOK, imp)
	if float64(genOK) < 0.8*float64(gen) {
		t.Errorf("SameFinger accepted %d of %d genuine pairs, want ≥ 80%%", genOK, gen)
	}
	if float64(impOK) > 0.005*float64(imp) {
		t.Errorf("SameFinger accepted %d of %d impostor pairs, want ≤ 0.5%%", impOK, imp)
	}
}
