package biometric

import (
	"math"
	"testing"
)

// TestKernelSymmetry checks what the unrolled filter loops rely on: the
// bank is symmetric about its centre tap.
func TestKernelSymmetry(t *testing.T) {
	t.Parallel()
	var k kernels
	k.build(437)
	for o := range nOri {
		for d := 1; d <= alongR; d++ {
			if k.along[o][alongR+d] != -k.along[o][alongR-d] {
				t.Fatalf("along[%d] offsets not symmetric at %d", o, d)
			}
		}
		for d := 1; d <= acrossR; d++ {
			if k.across[o][acrossR+d] != -k.across[o][acrossR-d] {
				t.Fatalf("across[%d] offsets not symmetric at %d", o, d)
			}
			for p := range nPer {
				a, b := k.acrossW[o][p][acrossR+d], k.acrossW[o][p][acrossR-d]
				if math.Abs(float64(a-b)) > 1e-6 {
					t.Fatalf("acrossW[%d][%d] not symmetric at %d: %v, %v", o, p, d, a, b)
				}
			}
		}
	}
	for d := 1; d <= alongR; d++ {
		if k.alongW[alongR+d] != k.alongW[alongR-d] {
			t.Fatalf("alongW not symmetric at %d", d)
		}
	}
}

// TestRasterCode checks the packed neighbourhood code against the plain
// clockwise one on every 3x3 pattern.
func TestRasterCode(t *testing.T) {
	t.Parallel()
	const s = 5
	for pat := range 512 {
		b := make([]uint8, s*s)
		for k := range 9 {
			b[(1+k/3)*s+1+k%3] = uint8(pat >> k & 1)
		}
		i := 2*s + 2
		nb, rc := nbits(b, i, s), rasterCode(b, i, s)
		for sub := range 2 {
			want := uint8(0)
			if thinTable[sub][nb] {
				want = 1
			}
			if got := rasterThin[sub][rc]; got != want {
				t.Fatalf("pattern %09b sub %d: rasterThin = %d, thinTable = %d", pat, sub, got, want)
			}
		}
	}
}

// TestThinning checks the skeleton of a synthetic print: one pixel wide
// (no 2x2 square of skeleton pixels), inside the ridges, and with each
// ridge pixel within a few pixels of the skeleton.
func TestThinning(t *testing.T) {
	t.Parallel()
	var e Extractor
	sp := synthAMFM(8, 300, 360, 10, 9, 10)
	_, err := e.Extract(nil, sp.img)
	if err != nil {
		t.Fatal(err)
	}
	s := e.s
	for y := pad; y < pad+e.h-1; y++ {
		for x := pad; x < pad+e.w-1; x++ {
			i := y*s + x
			if e.skel[i] == 1 && e.skel[i+1] == 1 && e.skel[i+s] == 1 && e.skel[i+s+1] == 1 {
				t.Fatalf("2x2 skeleton block at (%d, %d)", x-pad, y-pad)
			}
			if e.skel[i] == 1 && e.bin[i] == 0 {
				t.Fatalf("skeleton pixel (%d, %d) outside the ridges", x-pad, y-pad)
			}
		}
	}
	far := 0
	ridge := 0
	for y := pad + 4; y < pad+e.h-4; y++ {
		for x := pad + 4; x < pad+e.w-4; x++ {
			i := y*s + x
			if e.bin[i] == 0 {
				continue
			}
			ridge++
			near := false
			for dy := -4; dy <= 4 && !near; dy++ {
				for dx := -4; dx <= 4; dx++ {
					if e.skel[i+dy*s+dx] == 1 {
						near = true
						break
					}
				}
			}
			if !near {
				far++
			}
		}
	}
	if far*100 > ridge {
		t.Errorf("%d of %d ridge pixels farther than 4 px from the skeleton", far, ridge)
	}
}
