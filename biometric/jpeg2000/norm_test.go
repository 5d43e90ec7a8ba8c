package jpeg2000

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSynthesisNorms compares the computed 5/3 synthesis norms with the
// table OpenJPEG's rate allocator uses (dwt.c opj_dwt_norms), which was
// derived independently.
func TestSynthesisNorms(t *testing.T) {
	t.Parallel()
	// 2-D norms: orient 0 (LL), 1 (HL/LH) and 3 (HH) at levels 0..4.
	want := [][]float64{
		{1.000, 1.500, 2.750, 5.375, 10.68},
		{1.038, 1.592, 2.919, 5.703, 11.33},
		{.7186, .9218, 1.586, 3.043, 6.019},
	}
	for lev := range 5 {
		lo, hi := synthesisNorm(lev, false, false), synthesisNorm(lev+1, true, false)
		lo1 := synthesisNorm(lev+1, false, false)
		got := []float64{lo * lo, lo1 * hi, hi * hi}
		if lev == 0 {
			got[0] = 1
		}
		for i := range got {
			if math.Abs(got[i]-want[i][lev])/want[i][lev] > 0.01 {
				t.Errorf("norm orient %d level %d = %.4f, want %.4f", i, lev, got[i], want[i][lev])
			}
		}
	}
}

// TestDWT53RoundTrip checks forwardDWT53 against the decoder's inverse.
func TestDWT53RoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 30 {
		w, h := 1+rng.IntN(70), 1+rng.IntN(70)
		levels := rng.IntN(6)
		src := make([]int32, w*h)
		for i := range src {
			src[i] = int32(rng.IntN(512) - 256)
		}
		buf := append([]int32(nil), src...)
		forwardDWT53(buf, w, h, levels)
		tc := &tileComp{x1: w, y1: h, ibuf: buf}
		for r := 0; r <= levels; r++ {
			s := levels - r
			tc.res = append(tc.res, &resLevel{x1: ceilShift(w, s), y1: ceilShift(h, s)})
		}
		tc.inverseDWT()
		for i := range src {
			if buf[i] != src[i] {
				t.Fatalf("%dx%d, %d levels: sample %d = %d after the round trip, want %d", w, h, levels, i, buf[i], src[i])
			}
		}
	}
}
