package biometric

import (
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// synthPrint is a synthetic fingerprint with exact ground truth.
type synthPrint struct {
	img   *image.Gray
	truth []Minutia
}

// synthAMFM renders an AM-FM fingerprint (Larkin and Fletcher, Opt. Express
// 15(14), 2007): intensity 128 + 100 cos(psi) with psi a smooth carrier of
// the given ridge period plus n spiral phases p*atan2(y-yi, x-xi), each of
// which is exactly one minutia at (xi, yi). The print is an ellipse on a
// white background; noise adds Gaussian noise of that standard deviation.
//
// The direction of a spiral minutia is along the ridges, towards the side
// with one more ridge: for an ending that is up the ridge, for a
// bifurcation between its branches (the ISO/IEC 19794-2 convention).
func synthAMFM(seed uint64, w, h, n int, period, noise float64) synthPrint {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	alpha := r.Float64() * math.Pi
	omega := 2 * math.Pi / period
	bendA := 1.5 + r.Float64()*2
	bendL := 250 + r.Float64()*150
	type spiral struct{ x, y, p float64 }
	var sp []spiral
	cx, cy := float64(w)/2, float64(h)/2
	ax, ay := float64(w)/2-8, float64(h)/2-8
	for tries := 0; len(sp) < n && tries < 10000; tries++ {
		x, y := 50+r.Float64()*float64(w-100), 50+r.Float64()*float64(h-100)
		// Inside the ellipse with a margin of about 40 px.
		if u, v := (x-cx)/(ax-40), (y-cy)/(ay-40); u*u+v*v > 1 {
			continue
		}
		ok := true
		for _, s := range sp {
			if math.Hypot(s.x-x, s.y-y) < 45 {
				ok = false
				break
			}
		}
		if ok {
			p := 1.0
			if r.IntN(2) == 0 {
				p = -1
			}
			sp = append(sp, spiral{x, y, p})
		}
	}
	ca, sa := math.Cos(alpha), math.Sin(alpha)
	carrier := func(x, y float64) float64 {
		t := x*ca + y*sa
		u := -x*sa + y*ca
		return omega*t + bendA*math.Sin(2*math.Pi*u/bendL)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			psi := carrier(fx, fy)
			for _, s := range sp {
				psi += s.p * math.Atan2(fy-s.y, fx-s.x)
			}
			v := 128 + 100*math.Cos(psi)
			if noise > 0 {
				v += r.NormFloat64() * noise
			}
			// Soft elliptical contact region on white.
			u, q := (fx-cx)/ax, (fy-cy)/ay
			if d := math.Sqrt(u*u + q*q); d > 1 {
				v = 250
			} else if d > 0.93 {
				t := (d - 0.93) / 0.07
				v = v*(1-t) + 250*t
			}
			img.Pix[y*img.Stride+x] = uint8(min(max(v, 0), 255))
		}
	}
	var truth []Minutia
	for i, s := range sp {
		// Gradient of the phase without this spiral's own term.
		const eps = 0.01
		gx := (carrier(s.x+eps, s.y) - carrier(s.x-eps, s.y)) / (2 * eps)
		gy := (carrier(s.x, s.y+eps) - carrier(s.x, s.y-eps)) / (2 * eps)
		for j, o := range sp {
			if j == i {
				continue
			}
			dx, dy := s.x-o.x, s.y-o.y
			r2 := dx*dx + dy*dy
			gx += o.p * -dy / r2
			gy += o.p * dx / r2
		}
		l := math.Hypot(gx, gy)
		ex, ey := s.p*gy/l, -s.p*gx/l
		truth = append(truth, Minutia{
			X: uint16(math.Round(s.x)), Y: uint16(math.Round(s.y)),
			Angle: isoAngle(float32(ex), float32(ey)),
		})
	}
	return synthPrint{img: img, truth: truth}
}

// matchStats pairs detected minutiae with reference ones one to one,
// closest pairs first, within maxDist pixels.
type matchStats struct {
	ref, det, matched int
	angleOK           int // matched pairs within 30 degrees
	flipped           int // matched pairs about 180 degrees apart
	posErr            float64
}

func (m matchStats) precision() float64 { return float64(m.matched) / max(float64(m.det), 1) }
func (m matchStats) recall() float64    { return float64(m.matched) / max(float64(m.ref), 1) }

func (m *matchStats) add(o matchStats) {
	m.ref += o.ref
	m.det += o.det
	m.matched += o.matched
	m.angleOK += o.angleOK
	m.flipped += o.flipped
	m.posErr += o.posErr
}

func angleDiffDeg(a, b uint8) float64 {
	d := math.Abs(float64(a)-float64(b)) * 360 / 256
	if d > 180 {
		d = 360 - d
	}
	return d
}

func matchMinutiae(ref, det []Minutia, maxDist float64) matchStats {
	type pair struct {
		i, j int
		d    float64
	}
	var ps []pair
	for i, r := range ref {
		for j, d := range det {
			dd := math.Hypot(float64(r.X)-float64(d.X), float64(r.Y)-float64(d.Y))
			if dd <= maxDist {
				ps = append(ps, pair{i, j, dd})
			}
		}
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	usedR := make([]bool, len(ref))
	usedD := make([]bool, len(det))
	st := matchStats{ref: len(ref), det: len(det)}
	for _, p := range ps {
		if usedR[p.i] || usedD[p.j] {
			continue
		}
		usedR[p.i], usedD[p.j] = true, true
		st.matched++
		st.posErr += p.d
		switch ad := angleDiffDeg(ref[p.i].Angle, det[p.j].Angle); {
		case ad <= 30:
			st.angleOK++
		case ad >= 150:
			st.flipped++
		}
	}
	return st
}

// sharedDir returns ../shared relative to the module root, or skips.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test data absent: %v", err)
	}
	return p
}
