package biometric

import (
	"fmt"
	"image"
	"math"
	"testing"
)

// TestKernelSymmetry checks what the unrolled filter loops rely on: the
// bank is symmetric about its centre tap.
func TestKernelSymmetry(t *testing.T) {
	t.Parallel()
	var k kernels
	k.build(437, alongSigma)
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
	// The binary image before thinning, from the debug picture (black on
	// a ridge); thinning overwrites it.
	var binImg *image.Gray
	e := Extractor{Options: Options{Debug: func(stage string, img image.Image) {
		if stage == "binary" {
			binImg = img.(*image.Gray)
		}
	}}}
	sp := synthAMFM(8, 300, 360, 10, 9, 10)
	_, err := e.Extract(nil, sp.img)
	if err != nil {
		t.Fatal(err)
	}
	s := e.s
	bin := make([]uint8, len(e.skel))
	for y := range e.h {
		for x := range e.w {
			if binImg.Pix[y*binImg.Stride+x] == 0 {
				bin[(y+pad)*s+x+pad] = 1
			}
		}
	}
	for y := pad; y < pad+e.h-1; y++ {
		for x := pad; x < pad+e.w-1; x++ {
			i := y*s + x
			if e.skel[i] == 1 && e.skel[i+1] == 1 && e.skel[i+s] == 1 && e.skel[i+s+1] == 1 {
				t.Fatalf("2x2 skeleton block at (%d, %d)", x-pad, y-pad)
			}
			if e.skel[i] == 1 && bin[i] == 0 {
				t.Fatalf("skeleton pixel (%d, %d) outside the ridges", x-pad, y-pad)
			}
		}
	}
	far := 0
	ridge := 0
	for y := pad + 4; y < pad+e.h-4; y++ {
		for x := pad + 4; x < pad+e.w-4; x++ {
			i := y*s + x
			if bin[i] == 0 {
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

// ridges renders straight ridges of the given period whose direction is
// angle radians from +x (image coordinates), inside a disc of radius r on
// white, with Gaussian-free deterministic content.
func ridges(w, h int, angle, period, r float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	nx, ny := -math.Sin(angle), math.Cos(angle) // across the ridges
	for y := range h {
		for x := range w {
			v := 250.0
			if math.Hypot(float64(x)-float64(w)/2, float64(y)-float64(h)/2) < r {
				v = 128 + 100*math.Cos(2*math.Pi*(float64(x)*nx+float64(y)*ny)/period)
			}
			img.Pix[y*img.Stride+x] = uint8(v)
		}
	}
	return img
}

// stagesUpTo runs the pipeline on img up to and including the frequency
// stage (stages 2 to 6 run together in enhance).
func stagesUpTo(t *testing.T, e *Extractor, img *image.Gray) {
	t.Helper()
	b := img.Bounds()
	e.inW, e.inH = b.Dx(), b.Dy()
	e.in = grow(e.in, e.inW*e.inH)
	copyPlane(e.in, e.inW, e.inH, img.Pix, img.Stride)
	e.setup()
	e.segment()
	e.enhance()
}

// TestStagesOnStraightRidges checks segmentation, orientation and
// frequency against straight ridges of known direction and period.
func TestStagesOnStraightRidges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ angleDeg, period float64 }{
		{0, 9}, {30, 7}, {75, 11}, {120, 8}, {160, 13},
	} {
		t.Run(fmt.Sprintf("%.0fdeg-%.0fpx", tc.angleDeg, tc.period), func(t *testing.T) {
			t.Parallel()
			const w, h, r = 320, 320, 130
			var e Extractor
			angle := tc.angleDeg * math.Pi / 180
			stagesUpTo(t, &e, ridges(w, h, angle, tc.period, r))
			var fgIn, in, fgOut, out, oriBad, perBad, inner int
			for by := range e.bh {
				for bx := range e.bw {
					b := by*e.bw + bx
					d := math.Hypot(float64(bx*blk+blk/2)-w/2, float64(by*blk+blk/2)-h/2)
					switch {
					case d < r-16:
						in++
						fgIn += int(e.mask[b])
					case d > r+24:
						out++
						fgOut += int(e.mask[b])
					}
					if d >= r-32 {
						continue
					}
					inner++
					diff := math.Abs(float64(e.ori[b]) - angle)
					diff = math.Min(diff, math.Pi-diff)
					if diff > 5*math.Pi/180 {
						oriBad++
					}
					if math.Abs(float64(e.period[b])-tc.period) > 0.15*tc.period {
						perBad++
					}
				}
			}
			if fgIn*100 < in*98 {
				t.Errorf("segmentation: %d of %d blocks inside the print are foreground", fgIn, in)
			}
			if fgOut*100 > out*2 {
				t.Errorf("segmentation: %d of %d blocks outside the print are foreground", fgOut, out)
			}
			if oriBad*100 > inner*2 {
				t.Errorf("orientation: %d of %d inner blocks off by more than 5°", oriBad, inner)
			}
			if perBad*100 > inner*5 {
				t.Errorf("frequency: %d of %d inner blocks with the period off by more than 15%%", perBad, inner)
			}
		})
	}
}

// TestGuoHallBits checks the bit-parallel deletion rule of thin against
// thinTable on every 8-neighbourhood, with the pixel at several bit
// positions of a word (including the word edges) and both sub-iterations.
func TestGuoHallBits(t *testing.T) {
	t.Parallel()
	for nb := range 256 {
		for _, j := range []int{0, 1, 31, 62, 63, 64, 65, 127} {
			// Three rows of four words each (zero words at either end).
			var rows [3][4]uint64
			set := func(r, x int) { rows[r][1+x/64] |= 1 << (x % 64) }
			set(1, j)
			// Bits: 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW.
			d := [8][2]int{{-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}}
			for i, o := range d {
				if nb>>i&1 != 0 && j+o[1] >= 0 {
					set(1+o[0], j+o[1])
				}
			}
			if j == 0 && nb&(1<<5|1<<6|1<<7) != 0 {
				continue // the west neighbours would be off the plane
			}
			for sub := range 2 {
				row := rows[1]
				guoHallRow(row[:], rows[0][:], rows[2][:], sub)
				deleted := row[1+j/64]>>(j%64)&1 == 0
				if deleted != thinTable[sub][nb] {
					t.Fatalf("neighbourhood %08b at bit %d, sub %d: deleted %v, thinTable %v", nb, j, sub, deleted, thinTable[sub][nb])
				}
			}
		}
	}
}
