package biometric_test

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
)

// TestMatchCalibration measures the raw impostor scores on the FVC2002 B
// sets (all cross-finger pairs, our templates and the reference ones) and
// prints the table of calibRaw: the raw score passed by 10^(-k/2) of the
// impostor pairs, k = 0..8. Run it with -v after changing the matcher.
func TestMatchCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 320 images")
	}
	root := fvcDir(t)
	var raw []float64
	for _, db := range fvcDBs {
		dir := filepath.Join(root, db)
		ours := extractFVC(t, dir, db)
		var ref [10][8]*biometric.Template
		for f := range 10 {
			for i := range 8 {
				ref[f][i] = loadReferenceISO(t, dir, fmt.Sprintf("%d_%d", 101+f, i+1), fvcRes(db))
			}
		}
		for _, set := range []*[10][8]*biometric.Template{&ours, &ref} {
			for _, p := range eval.ImpostorPairs(10, 8, true) {
				a, b := set[p.A.Finger][p.A.Impression], set[p.B.Finger][p.B.Impression]
				if a == nil || b == nil {
					continue
				}
				raw = append(raw, biometric.RawScore(biometric.NewProbe(a), biometric.Prepare(b)))
			}
		}
	}
	slices.Sort(raw)
	var sb strings.Builder
	for k := range 9 {
		fmr := math.Pow(10, -float64(k)/2)
		i := min(int(float64(len(raw))*(1-fmr)), len(raw)-1)
		fmt.Fprintf(&sb, "%.3f, ", raw[i])
	}
	t.Logf("%d impostor scores; calibRaw = {%s}", len(raw), sb.String())
}
