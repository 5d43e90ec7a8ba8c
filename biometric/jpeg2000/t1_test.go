package jpeg2000

import (
	"math/rand/v2"
	"testing"
)

// TestMQRoundTrip encodes random decisions in random contexts and decodes
// them back (Annex C encoder and decoder agree).
func TestMQRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 1 + rng.IntN(5000)
		cx := make([]int, n)
		d := make([]int, n)
		skew := rng.Float64()
		for i := range n {
			cx[i] = rng.IntN(numCtxts)
			if rng.Float64() < skew {
				d[i] = 1
			}
		}
		var e mqEncoder
		e.init()
		for i := range n {
			e.encode(cx[i], d[i])
		}
		l := e.flush()
		var dec mqDecoder
		dec.resetContexts()
		dec.init(e.buf[1 : 1+l])
		for i := range n {
			if got := dec.decode(cx[i]); got != d[i] {
				t.Fatalf("trial %d: decision %d = %d, want %d", trial, i, got, d[i])
			}
		}
	}
}

// TestTier1RoundTrip codes random code-blocks and decodes them whole and
// truncated after every pass, checking the decoder reconstructs what the
// encoder's distortion model predicts.
func TestTier1RoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	var enc t1Encoder
	var dec t1
	trials := 60
	if testing.Short() {
		trials = 15
	}
	for trial := range trials {
		w, h := 1+rng.IntN(64), 1+rng.IntN(64)
		orient := rng.IntN(4)
		src := make([]int32, w*h)
		scale := 1 + rng.IntN(2000)
		for i := range src {
			if rng.IntN(3) == 0 {
				src[i] = int32(rng.NormFloat64() * float64(scale))
			}
		}
		numbps, data, passes := enc.encodeBlock(src, w, h, orient, nil)
		if numbps == 0 {
			continue
		}
		check := func(np, length int) {
			t.Helper()
			cb := &codeBlock{x1: w, y1: h, data: data[:length], segs: []segInfo{{length: length, passes: np}}}
			dec.decodeBlock(cb, orient, 0, numbps)
			for i, v := range src {
				// After np passes the last complete bit plane is p.
				m := uint32(v)
				if v < 0 {
					m = uint32(-v)
				}
				_ = m
				got := dec.data[i] / 2
				if np == len(passes) && got != v {
					t.Fatalf("trial %d (%dx%d orient %d): coefficient %d = %d, want %d", trial, w, h, orient, i, got, v)
				}
				if np < len(passes) && ((got < 0) != (v < 0) && got != 0) {
					t.Fatalf("trial %d: truncated after %d passes, coefficient %d = %d has the wrong sign (want %d)", trial, np, i, got, v)
				}
			}
		}
		check(len(passes), len(data))
		for k := 1; k < len(passes); k += 1 + rng.IntN(3) {
			check(k, passes[k-1].rate)
		}
	}
}
