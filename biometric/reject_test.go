package biometric

import (
	"math/rand/v2"
	"testing"
)

// TestBoxBlur compares boxBlur's running sums with the direct mean over
// each (2r+1)² box, edges replicated, on planes smaller and larger than
// the box.
func TestBoxBlur(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{1, 1}, {3, 2}, {7, 13}, {40, 9}, {33, 31}} {
		w, h := sz[0], sz[1]
		for _, r := range []int{1, 4} {
			p := make([]uint16, w*h)
			for i := range p {
				p[i] = uint16(rng.IntN(256)) << 8
			}
			want := make([]float64, w*h)
			for y := range h {
				for x := range w {
					var s float64
					for dy := -r; dy <= r; dy++ {
						for dx := -r; dx <= r; dx++ {
							s += float64(p[min(max(y+dy, 0), h-1)*w+min(max(x+dx, 0), w-1)])
						}
					}
					want[y*w+x] = s / float64((2*r+1)*(2*r+1))
				}
			}
			boxBlur(p, w, h, r, make([]uint16, (r+1)*w+w+2*r), make([]float32, w))
			for i := range p {
				// One rounding per direction: within 1 unit (1/256 of a
				// gray level) of the exact mean.
				if d := float64(p[i]) - want[i]; d > 1 || d < -1 {
					t.Fatalf("boxBlur %dx%d r %d: pixel (%d, %d) = %v, want %v", w, h, r, i%w, i/w, p[i], want[i])
				}
			}
		}
	}
}

// TestBoxRows checks that boxRows gives, row by row, the values of three
// boxBlur passes over the plane, on planes smaller and larger than the
// box and with rows asked for as bandCoherence asks (y-1, y, y+1).
func TestBoxRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{1, 1}, {2, 3}, {5, 1}, {7, 13}, {40, 9}, {33, 31}} {
		w, h := sz[0], sz[1]
		gray := make([]uint8, w*h)
		for i := range gray {
			gray[i] = uint8(rng.IntN(256))
		}
		want := make([]uint16, w*h)
		for i, v := range gray {
			want[i] = uint16(v) << 8
		}
		for range 3 {
			boxBlur(want, w, h, bandLoR, make([]uint16, (bandLoR+1)*w+w+2*bandLoR), make([]float32, w))
		}
		b := &boxRows{gray: gray, w: w, h: h, r: bandLoR}
		b.init(make([]uint16, boxRowsSize(w, bandLoR)))
		for y := range h {
			for _, yy := range []int{max(y-1, 0), y, min(y+1, h-1)} {
				got := b.row(yy)
				for x := range w {
					if got[x] != want[yy*w+x] {
						t.Fatalf("%dx%d: row %d (asked at %d), x %d = %d, want %d", w, h, yy, y, x, got[x], want[yy*w+x])
					}
				}
			}
		}
	}
}
