// Package amfm renders synthetic fingerprints with exact ground truth, the
// construction of spec sheet fingerprint-extraction.md §0 item 6, shared by
// the biometric package's tests and scripts/compare-mindtct so that both
// measure on the same prints. It imports only the standard library.
package amfm

import (
	"image"
	"math"
	"math/rand/v2"
)

// Minutia is one planted minutia: pixel position and direction in the
// ISO/IEC 19794-2 convention (counter-clockwise from +X, 360/256 degrees).
type Minutia struct {
	X, Y  uint16
	Angle uint8
}

// Generate renders an AM-FM fingerprint (Larkin and Fletcher, Opt. Express
// 15(14), 2007): intensity 128 + 100 cos(psi) with psi a smooth carrier of
// the given ridge period plus n spiral phases p*atan2(y-yi, x-xi), each of
// which is exactly one minutia at (xi, yi). The print is an ellipse on a
// white background; noise adds Gaussian noise of that standard deviation.
//
// The direction of a spiral minutia is along the ridges, towards the side
// with one more ridge: for an ending that is up the ridge, for a
// bifurcation between its branches (the ISO/IEC 19794-2 convention).
func Generate(seed uint64, w, h, n int, period, noise float64) (*image.Gray, []Minutia) {
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
	return img, truth
}

// isoAngle converts a direction (image coordinates, y down) to ISO/IEC
// 19794-2 units, as the biometric package does.
func isoAngle(dx, dy float32) uint8 {
	a := math.Atan2(float64(-dy), float64(dx))
	if a < 0 {
		a += 2 * math.Pi
	}
	return uint8(int(a*256/(2*math.Pi)+0.5) & 255)
}
