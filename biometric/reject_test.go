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
			p := make([]float32, w*h)
			for i := range p {
				p[i] = float32(rng.IntN(256))
			}
			want := make([]float32, w*h)
			for y := range h {
				for x := range w {
					var s float32
					for dy := -r; dy <= r; dy++ {
						for dx := -r; dx <= r; dx++ {
							s += p[min(max(y+dy, 0), h-1)*w+min(max(x+dx, 0), w-1)]
						}
					}
					want[y*w+x] = s / float32((2*r+1)*(2*r+1))
				}
			}
			boxBlur(p, w, h, r, make([]float32, boxScratch(w, r)))
			for i := range p {
				if d := p[i] - want[i]; d > 1e-3 || d < -1e-3 {
					t.Fatalf("boxBlur %dx%d r %d: pixel (%d, %d) = %v, want %v", w, h, r, i%w, i/w, p[i], want[i])
				}
			}
		}
	}
}
