package biometric

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Colours of the debug pictures.
var (
	colorEnding      = color.RGBA{220, 20, 20, 255}
	colorBifurcation = color.RGBA{20, 90, 230, 255}
	colorRemoved     = color.RGBA{150, 150, 150, 255}
	colorSkeleton    = color.RGBA{0, 170, 60, 255}
)

// DrawMinutiae returns a colour copy of img with the minutiae drawn over
// it: ridge endings in red, bifurcations in blue, each as a circle with a
// tick in its direction (ISO angle), so that a person can judge an
// extraction at a glance. Coordinates are relative to img.Bounds().Min.
func DrawMinutiae(img image.Image, ms []Minutia) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	lighten(out)
	for _, m := range ms {
		c := colorEnding
		if m.Kind == KindBifurcation {
			c = colorBifurcation
		}
		a := float64(m.Angle) * 2 * math.Pi / 256
		drawMark(out, float64(m.X), float64(m.Y), math.Cos(a), -math.Sin(a), c, m.Kind == KindBifurcation)
	}
	return out
}

// lighten washes the picture out so that marks stand out.
func lighten(img *image.RGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		for k := range 3 {
			img.Pix[i+k] = uint8(128 + int(img.Pix[i+k])/2)
		}
	}
}

func drawMark(img *image.RGBA, x, y, dx, dy float64, c color.RGBA, square bool) {
	const r = 4.0
	if square {
		for t := -r; t <= r; t++ {
			img.SetRGBA(int(x+t), int(y-r), c)
			img.SetRGBA(int(x+t), int(y+r), c)
			img.SetRGBA(int(x-r), int(y+t), c)
			img.SetRGBA(int(x+r), int(y+t), c)
		}
	} else {
		for a := 0.0; a < 2*math.Pi; a += 0.2 {
			img.SetRGBA(int(x+r*math.Cos(a)+0.5), int(y+r*math.Sin(a)+0.5), c)
		}
	}
	for t := r; t <= 3*r; t += 0.5 {
		img.SetRGBA(int(x+t*dx+0.5), int(y+t*dy+0.5), c)
	}
}

func (e *Extractor) debugGray(stage string, pix []uint8, w, h, stride int) {
	if e.Options.Debug == nil {
		return
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		copy(img.Pix[y*img.Stride:y*img.Stride+w], pix[y*stride:y*stride+w])
	}
	e.Options.Debug(stage, img)
}

// workRGBA returns the working image as a washed-out colour picture.
func (e *Extractor) workRGBA() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, e.w, e.h))
	for y := range e.h {
		for x := range e.w {
			g := e.gray[y*e.w+x]
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = g, g, g, 255
		}
	}
	lighten(img)
	return img
}

func (e *Extractor) debugMask() {
	if e.Options.Debug == nil {
		return
	}
	img := e.workRGBA()
	for y := range e.h {
		for x := range e.w {
			b := (y/blk)*e.bw + x/blk
			o := img.PixOffset(x, y)
			switch {
			case e.mask[b] == 0:
				img.Pix[o] /= 3
				img.Pix[o+1] /= 3
			case e.bdist[b] == 1:
				img.Pix[o+2] /= 2 // border blocks tinted yellow
			}
		}
	}
	e.Options.Debug("mask", img)
}

func (e *Extractor) debugFloat(stage string, plane []float32) {
	if e.Options.Debug == nil {
		return
	}
	img := image.NewGray(image.Rect(0, 0, e.w, e.h))
	for y := range e.h {
		for x := range e.w {
			v := plane[(y+pad)*e.s+x+pad]
			img.Pix[y*img.Stride+x] = uint8(min(max(128+v*50, 0), 255))
		}
	}
	e.Options.Debug(stage, img)
}

func (e *Extractor) debugOrientation() {
	if e.Options.Debug == nil {
		return
	}
	img := e.workRGBA()
	for by := range e.bh {
		for bx := range e.bw {
			b := by*e.bw + bx
			if e.mask[b] == 0 {
				continue
			}
			c := e.coh[b]
			col := color.RGBA{uint8(255 * (1 - c)), uint8(200 * c), 40, 255}
			cx, cy := float64(bx*blk)+blk/2, float64(by*blk)+blk/2
			dx, dy := math.Cos(float64(e.ori[b])), math.Sin(float64(e.ori[b]))
			for t := -3.5; t <= 3.5; t += 0.5 {
				img.SetRGBA(int(cx+t*dx), int(cy+t*dy), col)
			}
		}
	}
	e.Options.Debug("orientation", img)
}

func (e *Extractor) debugFrequency() {
	if e.Options.Debug == nil {
		return
	}
	img := image.NewGray(image.Rect(0, 0, e.w, e.h))
	for y := range e.h {
		for x := range e.w {
			b := (y/blk)*e.bw + x/blk
			v := uint8(0)
			if e.mask[b] != 0 {
				v = uint8(255 * (e.period[b] - minPeriod) / (maxPeriod - minPeriod))
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	e.Options.Debug("frequency", img)
}

func (e *Extractor) debugBinary(stage string, plane []uint8) {
	if e.Options.Debug == nil {
		return
	}
	img := image.NewGray(image.Rect(0, 0, e.w, e.h))
	for y := range e.h {
		for x := range e.w {
			img.Pix[y*img.Stride+x] = 255 - 255*plane[(y+pad)*e.s+x+pad]
		}
	}
	e.Options.Debug(stage, img)
}

func (e *Extractor) debugCandidates() {
	if e.Options.Debug == nil {
		return
	}
	img := e.workRGBA()
	for y := range e.h {
		for x := range e.w {
			if e.skel[(y+pad)*e.s+x+pad] != 0 {
				img.SetRGBA(x, y, colorSkeleton)
			}
		}
	}
	for _, c := range e.cand {
		col := colorEnding
		if c.kind == KindBifurcation {
			col = colorBifurcation
		}
		drawMark(img, float64(c.x), float64(c.y), 0, 0, col, c.kind == KindBifurcation)
	}
	e.Options.Debug("candidates", img)
}

// debugMinutiae runs after filter and collect, before the marks are
// cleared: removed candidates in grey, survivors in colour, over the
// working image.
func (e *Extractor) debugMinutiae() {
	if e.Options.Debug == nil {
		return
	}
	img := e.workRGBA()
	for _, c := range e.cand {
		col := colorEnding
		switch {
		case c.removed:
			col = colorRemoved
		case c.kind == KindBifurcation:
			col = colorBifurcation
		}
		drawMark(img, float64(c.x), float64(c.y), float64(c.dx), float64(c.dy), col, c.kind == KindBifurcation)
	}
	e.Options.Debug("minutiae", img)
}
