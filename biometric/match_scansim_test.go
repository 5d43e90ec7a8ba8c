package biometric_test

import (
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/stretchr/testify/require"
)

// TestSameFingerScansim is the workstation check end to end: two natural
// captures of one synthetic finger (moved, rotated, pressed differently,
// distorted) are recognised as the same finger, and captures of
// different fingers are not.
func TestSameFingerScansim(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and extracts 16 synthetic prints")
	}
	const n = 8
	var e biometric.Extractor
	var first, second [n]biometric.Template
	for k := range n {
		f := scansim.NewFinger(uint64(1000+k), 400, 500)
		for c, dst := range []*biometric.Template{&first[k], &second[k]} {
			im := f.Impress(scansim.NaturalCondition(uint64(10*k+c)), uint64(77*k+c))
			tpl, err := e.ExtractTemplate(im.Image)
			require.NoError(t, err, "finger %d capture %d", k, c)
			*dst = tpl
		}
	}
	same, diff := 0, 0
	for a := range n {
		ok, s := biometric.SameFinger(&first[a], &second[a])
		t.Logf("finger %d: recapture score %.1f", a, s)
		if ok {
			same++
		}
		for b := range n {
			if b == a {
				continue
			}
			ok, so := biometric.SameFinger(&first[a], &second[b])
			if ok {
				diff++
				t.Logf("finger %d vs %d: score %.1f taken for the same finger", a, b, so)
			}
			if so >= s {
				t.Errorf("finger %d: another finger (%d) scores %.1f, its own recapture %.1f", a, b, so, s)
			}
		}
	}
	if same < n-1 {
		t.Errorf("SameFinger recognised %d of %d recaptures, want ≥ %d", same, n, n-1)
	}
	// Known limitation: scansim's fingers share one orientation model per
	// pattern class, so unrelated fingers of one class agree in minutia
	// directions and some pairs score like a 1-in-10,000 coincidence on
	// real prints (2 of 56 here, about 42 against recaptures of 110..230;
	// 3 of 56, scores 31..38, since the short-ridge and bridge rules are
	// off and the prints keep more minutiae, while on FVC2002 the held-out
	// false-match rate at that threshold stays under 0.2 %: see
	// TestMatchCalibrationLeaveOneSetOut; 0 of 56 since the calibration
	// takes the 95 % prediction bound over sensors). The bound guards against
	// regressions; the rate is reported on issue 10.
	if diff > 3 {
		t.Errorf("SameFinger took %d of %d pairs of different fingers for the same finger, want ≤ 3", diff, n*(n-1))
	}
}
