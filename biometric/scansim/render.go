package scansim

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/ciekit/ciekit/biometric"
)

// Condition describes how a finger meets the sensor in one capture. The
// zero Condition is an ideal capture: centred, upright, normal pressure,
// full contact, no noise.
type Condition struct {
	// Rotation is the finger rotation in degrees, counter-clockwise as
	// seen on the image.
	Rotation float64
	// DX, DY translate the finger in pixels (x right, y down).
	DX, DY float64
	// Pressure is -1 (barely touching, dry: thin broken ridges) to +1
	// (pressed hard, wet: thick merging ridges); 0 is normal.
	Pressure float64
	// Partial is the fraction of the pad missing from the contact area,
	// 0 (full contact) to 1; the missing part is a random side of the pad.
	Partial float64
	// Noise is the standard deviation of the sensor noise in gray levels.
	Noise float64
	// Smear is the length in pixels of a motion blur (finger moved).
	Smear float64
	// Distortion is the amplitude in pixels of a smooth elastic
	// distortion of the skin (pressing and dragging); the ground truth
	// follows it.
	Distortion float64
}

// NaturalCondition returns the variation of a normal, usable capture,
// drawn from seed: rotation within ±12°, translation within ±20 px,
// pressure within ±0.3, up to 10% of the pad missing, noise 4..12 gray
// levels.
func NaturalCondition(seed uint64) Condition {
	r := rand.New(rand.NewPCG(seed, 0xc0d1))
	return Condition{
		Rotation: (r.Float64()*2 - 1) * 12,
		DX:       (r.Float64()*2 - 1) * 20,
		DY:       (r.Float64()*2 - 1) * 20,
		Pressure: (r.Float64()*2 - 1) * 0.3,
		Partial:  r.Float64() * 0.1,
		Noise:    4 + r.Float64()*8,
		// Drawn last so that the fields above keep their values.
		Distortion: r.Float64() * 3,
	}
}

// PoorCondition returns a natural condition from seed degraded so that
// the capture earns feedback fb: too light, too dark, partial, moved or
// poor (very noisy). FeedbackGood gives NaturalCondition(seed).
func PoorCondition(fb biometric.Feedback, seed uint64) Condition {
	c := NaturalCondition(seed)
	switch fb {
	case biometric.FeedbackTooLight:
		c.Pressure = -0.85
	case biometric.FeedbackTooDark:
		c.Pressure = 0.85
	case biometric.FeedbackPartial:
		c.Partial = 0.6
	case biometric.FeedbackMoved:
		c.Smear = 9
	case biometric.FeedbackPoor:
		c.Noise = 60
	}
	return c
}

// Feedback returns the verdict a scanner gives on a capture in condition
// c, and a quality estimate 0..100.
func (c Condition) Feedback() (biometric.Feedback, uint8) {
	q := 100.0
	q -= 60 * max(math.Abs(c.Pressure)-0.2, 0)
	q -= 80 * max(c.Partial-0.05, 0)
	q -= 4 * max(c.Smear-1, 0)
	q -= 0.8 * max(c.Noise-10, 0)
	quality := uint8(min(max(q, 1), 100))
	switch {
	case c.Pressure < -0.6:
		return biometric.FeedbackTooLight, quality
	case c.Pressure > 0.6:
		return biometric.FeedbackTooDark, quality
	case c.Partial > 0.35:
		return biometric.FeedbackPartial, quality
	case c.Smear > 4:
		return biometric.FeedbackMoved, quality
	case c.Noise > 40 || q < 40:
		return biometric.FeedbackPoor, quality
	}
	return biometric.FeedbackGood, quality
}

// Impression is one synthetic capture with its ground truth.
type Impression struct {
	// Image is the capture: dark ridges on a light background.
	Image *image.Gray
	// Resolution is the image resolution in pixels per inch: 500, unless
	// the impression was resampled (see Resample).
	Resolution int
	// Minutiae are the ground-truth minutiae in image coordinates: the
	// master minutiae moved by the capture's rotation and translation,
	// keeping those at least 8 pixels inside the contact area.
	Minutiae []biometric.Minutia
	// Cores and Deltas are the singular points in image coordinates
	// (those inside the image).
	Cores, Deltas []Point
	// Finger is the finger position the capture was made for.
	Finger biometric.FingerPosition
	// Condition is how the finger met the sensor.
	Condition Condition
	// Feedback and Quality are the scanner's verdict (see
	// [Condition.Feedback]).
	Feedback biometric.Feedback
	Quality  uint8
}

// Template returns the ground truth as a template (the image size and
// resolution, the finger position and quality). The minutiae slice is
// shared.
func (im *Impression) Template() biometric.Template {
	b := im.Image.Bounds()
	return biometric.Template{
		Width: uint16(b.Dx()), Height: uint16(b.Dy()),
		ResolutionX: biometric.PxPerCM(im.Resolution), ResolutionY: biometric.PxPerCM(im.Resolution),
		Finger: im.Finger, Quality: im.Quality, Minutiae: im.Minutiae,
	}
}

// Record returns the ground truth as a single-view record whose view
// carries the cores and deltas in an ISO/IEC 19794-2 core and delta
// extended data block (positions only). Encode it with
// [biometric.Record.MarshalISO]; for ANSI, re-encode the block with
// [biometric.CoreDelta.Append] in that format first.
func (im *Impression) Record() *biometric.Record {
	t := im.Template()
	r, _ := biometric.NewRecord(t) // one template: cannot fail
	var cd biometric.CoreDelta
	for _, p := range im.Cores {
		cd.Cores = append(cd.Cores, biometric.Core{X: clampCoord(p.X), Y: clampCoord(p.Y)})
	}
	for _, p := range im.Deltas {
		cd.Deltas = append(cd.Deltas, biometric.Delta{X: clampCoord(p.X), Y: clampCoord(p.Y)})
	}
	if len(cd.Cores)+len(cd.Deltas) > 0 {
		if data, err := cd.Append(nil, biometric.FormatISO2005); err == nil {
			r.Views[0].Extended = []biometric.ExtendedData{{Type: biometric.ExtendedCoreDelta, Data: data}}
		}
	}
	return r
}

func clampCoord(v float64) uint16 { return uint16(min(max(math.Round(v), 0), 16383)) }

// Capture returns the impression as a scanner delivers it. The image is
// shared.
func (im *Impression) Capture() *biometric.Capture {
	return &biometric.Capture{Image: im.Image, Resolution: im.Resolution, Finger: im.Finger,
		Quality: im.Quality, Feedback: im.Feedback}
}

// Impress renders a capture of f in condition c; seed draws the noise and
// the missing side of a partial contact. The result depends only on f, c
// and seed.
func (f *Finger) Impress(c Condition, seed uint64) *Impression {
	r := rand.New(rand.NewPCG(seed, 0x1397))
	W, H := f.imgW, f.imgH
	CW, CH := f.CanvasWidth, f.CanvasHeight
	// Image pixel (u, v) shows master point R(-rot) * (u - ic - d) + mc,
	// where ic is the image centre, mc the canvas centre and d the shift.
	rot := c.Rotation * math.Pi / 180
	cosr, sinr := math.Cos(rot), math.Sin(rot)
	icx, icy := float64(W)/2, float64(H)/2
	mcx, mcy := float64(CW)/2, float64(CH)/2
	toMaster := func(u, v float64) (float64, float64) {
		x, y := u-icx-c.DX, v-icy-c.DY
		// Counter-clockwise on screen (y down) is a negative angle in
		// image coordinates, so the inverse rotates by +rot.
		return cosr*x - sinr*y + mcx, sinr*x + cosr*y + mcy
	}
	toImage := func(x, y float64) (float64, float64) {
		x, y = x-mcx, y-mcy
		return cosr*x + sinr*y + icx + c.DX, -sinr*x + cosr*y + icy + c.DY
	}

	// Elastic distortion: image point p shows the master point of
	// p + warp(p), a smooth field of amplitude c.Distortion.
	wph := [4]float64{r.Float64() * 6.3, r.Float64() * 6.3, r.Float64() * 6.3, r.Float64() * 6.3}
	warp := func(u, v float64) (float64, float64) {
		if c.Distortion == 0 {
			return 0, 0
		}
		return c.Distortion * math.Sin(u/97+wph[0]) * math.Cos(v/131+wph[1]),
			c.Distortion * math.Sin(v/89+wph[2]) * math.Cos(u/113+wph[3])
	}

	// Partial contact: a half-plane through the pad cuts off a fraction
	// of it on a random side.
	cutA := r.Float64() * 2 * math.Pi
	cutNX, cutNY := math.Cos(cutA), math.Sin(cutA)
	cutD := 1 - 2*min(max(c.Partial, 0), 1) // in pad radii along the normal
	contact := func(x, y float64) float64 {
		u, v := (x-f.cx)/f.rx, (y-f.cy)/f.ry
		d := math.Sqrt(u*u + v*v)
		m := smoothstep(1.0, 0.93, d)
		if c.Partial > 0 {
			m *= smoothstep(cutD+0.04, cutD-0.04, u*cutNX+v*cutNY)
		}
		return m
	}

	// Dry fingers break ridges: low-frequency noise on the field. Wet
	// ones fill the valleys.
	dry := float32(max(-c.Pressure-0.3, 0) * 1.1)
	wet := max(c.Pressure-0.3, 0)
	thr := float32(-0.35*c.Pressure - 0.8*wet) // lower threshold: thicker ridges
	blob := newValueNoise(r, 24)
	pores := f.poreGrid()

	img := image.NewGray(image.Rect(0, 0, W, H))
	plane := make([]float32, W*H)
	for v := range H {
		for u := range W {
			wx, wy := warp(float64(u), float64(v))
			x, y := toMaster(float64(u)+wx, float64(v)+wy)
			m := contact(x, y)
			val := float32(0)
			if m > 0 {
				fv := f.sample(x, y)
				// Wavy ridge edges, pores and creases.
				fv += float32(0.3 * (blob.at(float64(u)*5+900, float64(v)*5) - 0.5))
				if sk := f.skin(x, y, pores); sk > 0 {
					fv -= float32(2 * sk)
				}
				if dry > 0 {
					fv -= dry * float32(blob.at(float64(u), float64(v))*0.8+0.4)
				}
				// Soft threshold: ridge darkness 0..1.
				t := (fv - thr) * 4
				val = float32(m) * float32(0.5+0.5*math.Tanh(float64(t)))
				val *= float32(0.85 + 0.15*blob.at(float64(u)+500, float64(v)))
			}
			plane[v*W+u] = val
		}
	}
	if wet > 0 {
		boxBlur(plane, W, H, 1+int(wet*3))
	}
	if c.Smear > 0.5 {
		smear(plane, W, H, c.Smear, r.Float64()*math.Pi)
	} else {
		boxBlur(plane, W, H, 1) // sensor blur
	}
	for i, p := range plane {
		g := 245 - 205*float64(p) + r.NormFloat64()*c.Noise
		img.Pix[i] = uint8(min(max(g, 0), 255))
	}

	im := &Impression{Image: img, Resolution: 500, Condition: c}
	im.Feedback, im.Quality = c.Feedback()
	da := int(math.Round(c.Rotation * 256 / 360))
	for _, m := range f.Minutiae {
		x, y := toImage(float64(m.X), float64(m.Y))
		// Invert the warp: find p with p + warp(p) = (x, y).
		px, py := x, y
		for range 6 {
			wx, wy := warp(px, py)
			px, py = x-wx, y-wy
		}
		x, y = px, py
		if x < 8 || y < 8 || x >= float64(W-8) || y >= float64(H-8) {
			continue
		}
		wx, wy := warp(x, y)
		mx, my := toMaster(x+wx, y+wy)
		// Keep only minutiae well inside the contact area.
		if !f.inPad(mx, my, 10) || contact(mx, my) < 0.99 || !insideAfterCut(mx, my, f, c, cutNX, cutNY, cutD) {
			continue
		}
		m.X, m.Y = uint16(math.Round(x)), uint16(math.Round(y))
		m.Angle = uint8((int(m.Angle) + da) & 255)
		im.Minutiae = append(im.Minutiae, m)
	}
	for _, p := range f.Cores {
		if x, y := toImage(p.X, p.Y); x >= 0 && y >= 0 && x < float64(W) && y < float64(H) {
			im.Cores = append(im.Cores, Point{x, y})
		}
	}
	for _, p := range f.Deltas {
		if x, y := toImage(p.X, p.Y); x >= 0 && y >= 0 && x < float64(W) && y < float64(H) {
			im.Deltas = append(im.Deltas, Point{x, y})
		}
	}
	return im
}

// insideAfterCut reports whether a master point is at least 8 pixels on
// the kept side of a partial contact's cut.
func insideAfterCut(x, y float64, f *Finger, c Condition, nx, ny, d float64) bool {
	if c.Partial <= 0 {
		return true
	}
	u, v := (x-f.cx)/f.rx, (y-f.cy)/f.ry
	return u*nx+v*ny < d-8/min(f.rx, f.ry)
}

// sample returns the master field at (x, y) by bilinear interpolation; 0
// outside the canvas.
func (f *Finger) sample(x, y float64) float32 {
	W, H := f.CanvasWidth, f.CanvasHeight
	if x < 0 || y < 0 || x >= float64(W-1) || y >= float64(H-1) {
		return 0
	}
	x0, y0 := int(x), int(y)
	tx, ty := float32(x-float64(x0)), float32(y-float64(y0))
	i := y0*W + x0
	a, b, c, d := f.field[i], f.field[i+1], f.field[i+W], f.field[i+W+1]
	return (a*(1-tx)+b*tx)*(1-ty) + (c*(1-tx)+d*tx)*ty
}

// smoothstep is 0 at e0, 1 at e1 (either order) and smooth between.
func smoothstep(e0, e1, x float64) float64 {
	t := min(max((x-e0)/(e1-e0), 0), 1)
	return t * t * (3 - 2*t)
}

// valueNoise is smooth 2-D noise in 0..1 with the given cell size.
type valueNoise struct {
	cell float64
	v    [64 * 64]float32
}

func newValueNoise(r *rand.Rand, cell float64) *valueNoise {
	n := &valueNoise{cell: cell}
	for i := range n.v {
		n.v[i] = r.Float32()
	}
	return n
}

func (n *valueNoise) at(x, y float64) float64 {
	x, y = x/n.cell, y/n.cell
	x0, y0 := math.Floor(x), math.Floor(y)
	tx, ty := x-x0, y-y0
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	ix, iy := int(x0)&63, int(y0)&63
	g := func(i, j int) float64 { return float64(n.v[(j&63)*64+i&63]) }
	a := g(ix, iy)*(1-tx) + g(ix+1, iy)*tx
	b := g(ix, iy+1)*(1-tx) + g(ix+1, iy+1)*tx
	return a*(1-ty) + b*ty
}

// boxBlur blurs p (W x H) with a (2r+1)-square box, in place.
func boxBlur(p []float32, W, H, r int) {
	tmp := make([]float32, len(p))
	for y := range H {
		for x := range W {
			var s float32
			n := 0
			for k := max(x-r, 0); k <= min(x+r, W-1); k++ {
				s += p[y*W+k]
				n++
			}
			tmp[y*W+x] = s / float32(n)
		}
	}
	for y := range H {
		for x := range W {
			var s float32
			n := 0
			for k := max(y-r, 0); k <= min(y+r, H-1); k++ {
				s += tmp[k*W+x]
				n++
			}
			p[y*W+x] = s / float32(n)
		}
	}
}

// smear applies a motion blur of length l pixels at angle a, in place.
func smear(p []float32, W, H int, l, a float64) {
	src := append([]float32(nil), p...)
	steps := int(l) + 1
	dx, dy := math.Cos(a), math.Sin(a)
	for y := range H {
		for x := range W {
			var s float32
			n := 0
			for k := range steps {
				t := float64(k) - l/2
				xx, yy := int(math.Round(float64(x)+t*dx)), int(math.Round(float64(y)+t*dy))
				if xx >= 0 && yy >= 0 && xx < W && yy < H {
					s += src[yy*W+xx]
					n++
				}
			}
			p[y*W+x] = s / float32(max(n, 1))
		}
	}
}

// Resample returns a copy of im as a scanner of ppi pixels per inch would
// capture it: the image scaled by ppi/500 with bilinear interpolation and
// the ground truth scaled with it (directions unchanged). Resolutions are
// limited to 250..1000 ppi; others are clamped.
func (im *Impression) Resample(ppi int) *Impression {
	ppi = min(max(ppi, 250), 1000)
	s := float64(ppi) / float64(im.Resolution)
	sb := im.Image.Bounds()
	w, h := max(int(math.Round(float64(sb.Dx())*s)), 1), max(int(math.Round(float64(sb.Dy())*s)), 1)
	out := *im
	out.Resolution = ppi
	out.Image = image.NewGray(image.Rect(0, 0, w, h))
	src := im.Image
	for y := range h {
		fy := min(max((float64(y)+0.5)/s-0.5, 0), float64(sb.Dy()-1))
		y0 := int(fy)
		y1 := min(y0+1, sb.Dy()-1)
		ty := fy - float64(y0)
		for x := range w {
			fx := min(max((float64(x)+0.5)/s-0.5, 0), float64(sb.Dx()-1))
			x0 := int(fx)
			x1 := min(x0+1, sb.Dx()-1)
			tx := fx - float64(x0)
			p := func(xx, yy int) float64 { return float64(src.Pix[yy*src.Stride+xx]) }
			v := (p(x0, y0)*(1-tx)+p(x1, y0)*tx)*(1-ty) + (p(x0, y1)*(1-tx)+p(x1, y1)*tx)*ty
			out.Image.Pix[y*out.Image.Stride+x] = uint8(v + 0.5)
		}
	}
	scale := func(v uint16, n int) uint16 {
		return uint16(min(max(int(math.Round((float64(v)+0.5)*s-0.5)), 0), n-1))
	}
	out.Minutiae = make([]biometric.Minutia, len(im.Minutiae))
	for i, m := range im.Minutiae {
		m.X, m.Y = scale(m.X, w), scale(m.Y, h)
		out.Minutiae[i] = m
	}
	scalePts := func(ps []Point) []Point {
		var r []Point
		for _, p := range ps {
			r = append(r, Point{(p.X+0.5)*s - 0.5, (p.Y+0.5)*s - 0.5})
		}
		return r
	}
	out.Cores, out.Deltas = scalePts(im.Cores), scalePts(im.Deltas)
	return &out
}
