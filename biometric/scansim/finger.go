package scansim

import (
	"math"
	"math/rand/v2"

	"github.com/ciekit/ciekit/biometric"
)

// Class is the pattern class of a synthetic finger (Henry classes).
type Class uint8

// Pattern classes, with the singular points each one has.
const (
	Arch       Class = iota // no core, no delta
	TentedArch              // one core above one delta, close together
	LeftLoop                // one core, one delta to its right (the loop opens to the left)
	RightLoop               // one core, one delta to its left
	Whorl                   // two cores, two deltas
)

var classNames = [...]string{"arch", "tented arch", "left loop", "right loop", "whorl"}

// String returns the class name ("left loop").
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown class"
}

// Point is a position in pixels (origin top-left, y down).
type Point struct{ X, Y float64 }

// Finger is the master ridge pattern of one synthetic finger, before any
// capture: what SFinGe calls the master fingerprint. It is immutable once
// built and safe for concurrent use; [Finger.Impress] renders captures of
// it.
//
// Coordinates are master coordinates: a canvas of CanvasWidth by
// CanvasHeight pixels at 500 ppi, centred on the image area an impression
// with no translation sees.
type Finger struct {
	Class  Class
	Cores  []Point
	Deltas []Point
	// Minutiae are the ridge endings and bifurcations of the master
	// pattern, in master coordinates, in the ISO/IEC 19794-2 direction
	// convention of [biometric.Minutia] (counter-clockwise from +x, along
	// the ridge towards the side with more ridges), Quality 100.
	Minutiae []biometric.Minutia
	// Period is the mean ridge period in pixels.
	Period float64

	CanvasWidth, CanvasHeight int

	field      []float32 // ridge field, > 0 on ridges, about -1..1
	pores      []Point   // sweat pores on the ridges, master coordinates
	creases    []crease  // thin white lines across the ridges
	cx, cy     float64   // finger pad centre
	rx, ry     float64   // finger pad semi-axes
	imgW, imgH int       // image size the canvas was made for
}

// margin is the canvas margin around the image, in pixels: room for the
// translations and rotations of an impression.
const margin = 48

// NewFinger builds the master pattern of a finger for an image of width by
// height pixels at 500 ppi (the pad fills most of it). The result depends
// only on the arguments. Sizes below 96 pixels are raised to 96.
func NewFinger(seed uint64, width, height int) *Finger {
	width, height = max(width, 96), max(height, 96)
	r := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	f := &Finger{
		CanvasWidth: width + 2*margin, CanvasHeight: height + 2*margin,
		imgW: width, imgH: height,
	}
	W, H := float64(f.CanvasWidth), float64(f.CanvasHeight)
	// The pad: an ellipse about 15 x 20 mm, clipped by the image.
	f.cx = W/2 + (r.Float64()-0.5)*0.06*float64(width)
	f.cy = H/2 + (r.Float64()-0.5)*0.06*float64(height)
	f.rx = min(float64(width)*0.5, 150+r.Float64()*40)
	f.ry = min(float64(height)*0.55, 200+r.Float64()*50)
	f.Period = 8.6 + r.Float64()*1.6

	// Class frequencies roughly as in the population (Wilson et al.):
	// arch 4%, tented arch 3%, left loop 32%, right loop 34%, whorl 27%.
	switch p := r.Float64(); {
	case p < 0.04:
		f.Class = Arch
	case p < 0.07:
		f.Class = TentedArch
	case p < 0.39:
		f.Class = LeftLoop
	case p < 0.73:
		f.Class = RightLoop
	default:
		f.Class = Whorl
	}
	// Singular points relative to the pad centre (a little above it).
	ccx := f.cx + (r.Float64()-0.5)*40
	ccy := f.cy - 30 + (r.Float64()-0.5)*60
	switch f.Class {
	case TentedArch:
		f.Cores = []Point{{ccx, ccy}}
		f.Deltas = []Point{{ccx + (r.Float64()-0.5)*10, ccy + 50 + r.Float64()*30}}
	case LeftLoop, RightLoop:
		dx := 70 + r.Float64()*60
		if f.Class == RightLoop {
			dx = -dx
		}
		f.Cores = []Point{{ccx, ccy}}
		f.Deltas = []Point{{ccx + dx, ccy + 110 + r.Float64()*60}}
	case Whorl:
		sep := 16 + r.Float64()*30
		tilt := (r.Float64() - 0.5) * 20
		f.Cores = []Point{{ccx - tilt, ccy - sep/2}, {ccx + tilt, ccy + sep/2}}
		f.Deltas = []Point{
			{ccx - 100 - r.Float64()*50, ccy + 110 + r.Float64()*60},
			{ccx + 100 + r.Float64()*50, ccy + 110 + r.Float64()*60},
		}
	}
	orient := f.orientation(r)
	period := f.periods(r)
	f.field = grow(r, f.CanvasWidth, f.CanvasHeight, orient, period)
	f.Minutiae = findMinutiae(f.field, f.CanvasWidth, f.CanvasHeight, f.inPad)
	f.addSkinDetail(r)
	return f
}

// inPad reports whether (x, y) lies inside the finger pad, shrunk by d
// pixels.
func (f *Finger) inPad(x, y, d float64) bool {
	u, v := (x-f.cx)/(f.rx-d), (y-f.cy)/(f.ry-d)
	return u*u+v*v <= 1
}

// orientation returns the ridge direction (radians, image coordinates,
// modulo pi) at every canvas pixel: the zero-pole model of Sherlock and
// Monro (1993) for classes with singular points, a Gaussian bump for
// arches, plus a slow random bend.
//
// The field is sampled every second pixel (the resolution of the ridge
// growth): element y*((W+1)/2)+x is canvas pixel (2x, 2y).
func (f *Finger) orientation(r *rand.Rand) []float32 {
	W, H := (f.CanvasWidth+1)/2, (f.CanvasHeight+1)/2
	o := make([]float32, W*H)
	base := (r.Float64() - 0.5) * 0.25
	bendA := 0.10 + r.Float64()*0.12
	bendL := 300 + r.Float64()*200
	bendP := r.Float64() * 2 * math.Pi
	archH := 50 + r.Float64()*40
	archS := 90 + r.Float64()*50
	for y := range H {
		fy := float64(2 * y)
		for x := range W {
			fx := float64(2 * x)
			var th float64
			if len(f.Cores)+len(f.Deltas) == 0 {
				// Ridges y = y0 - h(y0) exp(-(x-cx)^2/s^2): slope of
				// the bump, strongest near the pad centre.
				d := (fx - f.cx) / archS
				h := archH * math.Exp(-sq((fy-f.cy+60)/220))
				th = math.Atan(2 * h * d / archS * math.Exp(-d*d))
			} else {
				// Sherlock-Monro in image coordinates (y down, so the
				// signs are those of the y-up model reversed).
				for _, c := range f.Cores {
					th += math.Atan2(fy-c.Y, fx-c.X)
				}
				for _, d := range f.Deltas {
					th -= math.Atan2(fy-d.Y, fx-d.X)
				}
				th /= 2
			}
			th += base + bendA*math.Sin(2*math.Pi*(fx*0.6+fy*0.8)/bendL+bendP)
			o[y*W+x] = float32(th)
		}
	}
	return o
}

// periods returns the ridge period in pixels, sampled like orientation:
// the finger's mean period with a slow variation of about 10%, a little
// shorter near the cores as on real fingers.
func (f *Finger) periods(r *rand.Rand) []float32 {
	W, H := (f.CanvasWidth+1)/2, (f.CanvasHeight+1)/2
	p := make([]float32, W*H)
	ph1, ph2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi
	for y := range H {
		for x := range W {
			fx, fy := float64(2*x), float64(2*y)
			v := f.Period * (1 + 0.06*math.Sin(fx/70+ph1) + 0.05*math.Sin(fy/90+ph2))
			for _, c := range f.Cores {
				v *= 1 - 0.08*math.Exp(-(sq(fx-c.X)+sq(fy-c.Y))/(2*60*60))
			}
			p[y*W+x] = float32(v)
		}
	}
	return p
}

func sq(v float64) float64 { return v * v }

// crease is a line segment of skin crease: centre, unit direction, half
// length and half width in pixels.
type crease struct {
	cx, cy, dx, dy, half, width float64
}

// addSkinDetail places pores along the ridges and, on about half the
// fingers, one to three creases. They are drawn by Impress and are not
// minutiae: an extractor that reports them makes false minutiae, as on
// real prints.
func (f *Finger) addSkinDetail(r *rand.Rand) {
	W, H := f.CanvasWidth, f.CanvasHeight
	n := int(math.Pi * f.rx * f.ry / 260)
	for range n * 3 {
		if len(f.pores) >= n {
			break
		}
		x, y := r.Float64()*float64(W-2), r.Float64()*float64(H-2)
		if f.inPad(x, y, 0) && f.sample(x, y) > 0.6 {
			f.pores = append(f.pores, Point{x, y})
		}
	}
	if r.IntN(2) == 0 {
		return
	}
	for range 1 + r.IntN(3) {
		a := (r.Float64() - 0.5) * math.Pi / 2.5 // mostly across the finger
		f.creases = append(f.creases, crease{
			cx: f.cx + (r.Float64()-0.5)*f.rx*1.2, cy: f.cy + (r.Float64()-0.3)*f.ry,
			dx: math.Cos(a), dy: math.Sin(a),
			half: 20 + r.Float64()*70, width: 0.8 + r.Float64()*1.2,
		})
	}
}

// skin returns how much pores and creases lighten the ridges at master
// point (x, y), 0 (none) to 1.
func (f *Finger) skin(x, y float64, pores *poreGrid) float64 {
	v := pores.at(x, y)
	for _, c := range f.creases {
		px, py := x-c.cx, y-c.cy
		along := px*c.dx + py*c.dy
		if math.Abs(along) > c.half {
			continue
		}
		across := math.Abs(-px*c.dy + py*c.dx)
		taper := 1 - sq(along/c.half)
		v = max(v, math.Exp(-sq(across/(c.width*taper+0.3)))*0.9)
	}
	return v
}

// poreGrid buckets pores for fast lookup.
type poreGrid struct {
	cell  float64
	w     int
	cells map[int][]Point
}

func (f *Finger) poreGrid() *poreGrid {
	g := &poreGrid{cell: 8, w: f.CanvasWidth/8 + 1, cells: map[int][]Point{}}
	for _, p := range f.pores {
		k := int(p.Y/g.cell)*g.w + int(p.X/g.cell)
		g.cells[k] = append(g.cells[k], p)
	}
	return g
}

func (g *poreGrid) at(x, y float64) float64 {
	cx, cy := int(x/g.cell), int(y/g.cell)
	v := 0.0
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			for _, p := range g.cells[(cy+dy)*g.w+cx+dx] {
				v = max(v, 0.55*math.Exp(-(sq(x-p.X)+sq(y-p.Y))/1.4))
			}
		}
	}
	return v
}
