package main

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// synthFace draws a synthetic, face-like portrait: a shaded background, an
// elliptical head with skin-like gradients, hair, eyes, brows, nose and
// mouth, and mild sensor noise. It stands in for the passport photographs we
// do not have; the seed varies the geometry, tones and noise.
func synthFace(w, h int, seed uint64, colour bool) image.Image {
	rng := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	f := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	cx, cy := float64(w)*f(0.45, 0.55), float64(h)*f(0.42, 0.5)
	rx, ry := float64(w)*f(0.27, 0.33), float64(h)*f(0.3, 0.36)
	skin := [3]float64{f(170, 230), f(120, 180), f(90, 150)}
	bg := [3]float64{f(150, 230), f(150, 230), f(150, 235)}
	hair := [3]float64{f(20, 90), f(15, 70), f(10, 60)}
	eyeY := cy - ry*f(0.1, 0.2)
	eyeDX := rx * f(0.35, 0.45)
	mouthY := cy + ry*f(0.45, 0.55)
	noise := f(2, 6)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			dx, dy := (fx-cx)/rx, (fy-cy)/ry
			d := dx*dx + dy*dy
			var c [3]float64
			// Background: vertical gradient with a soft vignette.
			for i := range c {
				c[i] = bg[i]*(0.85+0.15*fy/float64(h)) - 20*math.Hypot(fx/float64(w)-0.5, fy/float64(h)-0.5)
			}
			// Shoulders.
			if fy > cy+ry*0.9 && math.Abs(fx-cx) < rx*(1.2+2*(fy-cy-ry*0.9)/float64(h)) {
				for i := range c {
					c[i] = hair[i]*1.5 + 30 + 10*math.Sin(fx/9)
				}
			}
			// Hair: a larger ellipse behind and above the face.
			hx, hy := (fx-cx)/(rx*1.15), (fy-cy+ry*0.12)/(ry*1.12)
			if hx*hx+hy*hy < 1 && fy < cy {
				for i := range c {
					c[i] = hair[i] + 15*math.Sin(fx/3+fy/11)
				}
			}
			if d < 1 {
				shade := 1 - 0.25*d + 0.08*dx
				for i := range c {
					c[i] = skin[i] * shade
				}
				// Eyes, brows, nose, mouth.
				for _, ex := range []float64{cx - eyeDX, cx + eyeDX} {
					ed := math.Hypot((fx-ex)/(rx*0.16), (fy-eyeY)/(ry*0.07))
					if ed < 1 {
						for i := range c {
							c[i] = 235 - 200*math.Max(0, 1-2*ed)
						}
					}
					if math.Abs(fy-(eyeY-ry*0.15)) < ry*0.025 && math.Abs(fx-ex) < rx*0.2 {
						for i := range c {
							c[i] = hair[i] + 20
						}
					}
				}
				if math.Abs(fx-cx) < rx*0.06 && fy > eyeY && fy < mouthY-ry*0.15 {
					for i := range c {
						c[i] -= 25 * (fy - eyeY) / (mouthY - eyeY)
					}
				}
				md := math.Hypot((fx-cx)/(rx*0.35), (fy-mouthY)/(ry*0.05))
				if md < 1 {
					c[0], c[1], c[2] = 170*(1-0.3*md), 70, 70
				}
			}
			n := noise * rng.NormFloat64()
			px := color.RGBA{A: 0xFF}
			if colour {
				px.R, px.G, px.B = clip(c[0]+n), clip(c[1]+n), clip(c[2]+n)
			} else {
				g := clip(0.299*c[0] + 0.587*c[1] + 0.114*c[2] + n)
				px.R, px.G, px.B = g, g, g
			}
			img.SetRGBA(x, y, px)
		}
	}
	if colour {
		return img
	}
	g := image.NewGray(img.Rect)
	for i := range g.Pix {
		g.Pix[i] = img.Pix[4*i]
	}
	return g
}

func clip(v float64) uint8 {
	return uint8(math.Round(math.Min(255, math.Max(0, v))))
}
