package eval

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// Series is one named DET curve.
type Series struct {
	Name   string
	Points []Point // from Curve
}

// The DET plot shows FNMR against FMR on normal-deviate axes from 0.01 %
// to 50 %, as in Martin et al., "The DET curve in assessment of detection
// task performance" (1997).
const (
	detMin    = 1e-4
	detMax    = 0.5
	detSize   = 480
	detMargin = 56
)

var detColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xff, 0x7f, 0x0e, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
}

// probit is the inverse of the standard normal distribution function
// (Acklam's rational approximation, relative error below 1.2e-9).
func probit(p float64) float64 {
	const (
		a1, a2, a3, a4, a5, a6 = -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
		b1, b2, b3, b4, b5     = -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01
		c1, c2, c3, c4, c5, c6 = -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
		d1, d2, d3, d4         = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
		pl                     = 0.02425
	)
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	case p < pl:
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	case p > 1-pl:
		q := math.Sqrt(-2 * math.Log(1-p))
		return -(((((c1*q+c2)*q+c3)*q+c4)*q+c5)*q + c6) / ((((d1*q+d2)*q+d3)*q+d4)*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a1*r+a2)*r+a3)*r+a4)*r+a5)*r + a6) * q / (((((b1*r+b2)*r+b3)*r+b4)*r+b5)*r + 1)
}

// detPos maps a rate to a plot coordinate in 0..detSize.
func detPos(p float64) float64 {
	p = min(max(p, detMin), detMax)
	lo, hi := probit(detMin), probit(detMax)
	return (probit(p) - lo) / (hi - lo) * detSize
}

var detTicks = []float64{1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.2, 0.5}

func tickLabel(p float64) string {
	switch {
	case p < 1e-3:
		return "0.01%"
	case p < 1e-2:
		return "0.1%"
	}
	return fmt.Sprintf("%g%%", p*100)
}

// detPolyline returns the plot coordinates of a curve (x = FMR, y = FNMR,
// y growing upwards), dropping points outside the axes' range on both.
func detPolyline(pts []Point) [][2]float64 {
	var out [][2]float64
	for _, p := range pts {
		if (p.FMR < detMin && p.FNMR < detMin) || (p.FMR > detMax && p.FNMR > detMax) {
			continue
		}
		out = append(out, [2]float64{detPos(p.FMR), detPos(p.FNMR)})
	}
	return out
}

// WriteDETSVG draws the DET curves of series as an SVG document.
func WriteDETSVG(w io.Writer, series []Series) error {
	bw := bufio.NewWriter(w)
	full := detSize + 2*detMargin
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", full, full, full, full)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="white"/>`+"\n", full, full)
	X := func(v float64) float64 { return detMargin + v }
	Y := func(v float64) float64 { return detMargin + detSize - v }
	for _, t := range detTicks {
		v := detPos(t)
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", X(v), detMargin, X(v), detMargin+detSize)
		fmt.Fprintf(bw, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", detMargin, Y(v), detMargin+detSize, Y(v))
		fmt.Fprintf(bw, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", X(v), detMargin+detSize+16, tickLabel(t))
		fmt.Fprintf(bw, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", detMargin-4, Y(v)+4, tickLabel(t))
	}
	fmt.Fprintf(bw, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", detMargin, detMargin, detSize, detSize)
	fmt.Fprintf(bw, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999" stroke-dasharray="4 4"/>`+"\n", detMargin, detMargin+detSize, detMargin+detSize, detMargin)
	fmt.Fprintf(bw, `<text x="%d" y="%d" text-anchor="middle">FMR</text>`+"\n", detMargin+detSize/2, full-12)
	fmt.Fprintf(bw, `<text x="14" y="%d" text-anchor="middle" transform="rotate(-90 14 %d)">FNMR</text>`+"\n", detMargin+detSize/2, detMargin+detSize/2)
	for i, s := range series {
		c := detColors[i%len(detColors)]
		fmt.Fprintf(bw, `<polyline fill="none" stroke="#%02x%02x%02x" stroke-width="1.5" points="`, c.R, c.G, c.B)
		for _, p := range detPolyline(s.Points) {
			fmt.Fprintf(bw, "%.1f,%.1f ", X(p[0]), Y(p[1]))
		}
		fmt.Fprint(bw, `"/>`+"\n")
		fmt.Fprintf(bw, `<text x="%d" y="%d" fill="#%02x%02x%02x">%s</text>`+"\n", detMargin+detSize-150, detMargin+16+14*i, c.R, c.G, c.B, xmlEscape(s.Name))
	}
	fmt.Fprint(bw, "</svg>\n")
	return bw.Flush()
}

func xmlEscape(s string) string {
	var out []rune
	for _, r := range s {
		switch r {
		case '<':
			out = append(out, []rune("&lt;")...)
		case '>':
			out = append(out, []rune("&gt;")...)
		case '&':
			out = append(out, []rune("&amp;")...)
		case '"':
			out = append(out, []rune("&quot;")...)
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// DETImage draws the DET curves of series (without text: the axes run
// from 0.01 % to 50 % on both sides, with grid lines at 0.01 %, 0.1 %,
// 1 %, 5 %, 10 %, 20 % and 50 %, and the dashed diagonal FMR = FNMR).
func DETImage(series []Series) *image.RGBA {
	full := detSize + 2*detMargin
	img := image.NewRGBA(image.Rect(0, 0, full, full))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	grey := color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	black := color.RGBA{0, 0, 0, 0xff}
	X := func(v float64) float64 { return detMargin + v }
	Y := func(v float64) float64 { return detMargin + detSize - v }
	for _, t := range detTicks {
		v := detPos(t)
		drawLine(img, X(v), Y(0), X(v), Y(detSize), grey, 1, 0)
		drawLine(img, X(0), Y(v), X(detSize), Y(v), grey, 1, 0)
	}
	drawLine(img, X(0), Y(0), X(detSize), Y(detSize), color.RGBA{0x99, 0x99, 0x99, 0xff}, 1, 8)
	for _, e := range [][4]float64{{0, 0, detSize, 0}, {0, 0, 0, detSize}, {detSize, 0, detSize, detSize}, {0, detSize, detSize, detSize}} {
		drawLine(img, X(e[0]), Y(e[1]), X(e[2]), Y(e[3]), black, 1, 0)
	}
	for i, s := range series {
		c := detColors[i%len(detColors)]
		pl := detPolyline(s.Points)
		for k := 1; k < len(pl); k++ {
			drawLine(img, X(pl[k-1][0]), Y(pl[k-1][1]), X(pl[k][0]), Y(pl[k][1]), c, 2, 0)
		}
		// Legend swatch in the top-right corner.
		y := float64(detMargin + 12 + 10*i)
		drawLine(img, X(detSize-40), y, X(detSize-10), y, c, 3, 0)
	}
	return img
}

// WriteDETPNG draws the DET curves of series as a PNG image (see
// [DETImage]).
func WriteDETPNG(w io.Writer, series []Series) error {
	return png.Encode(w, DETImage(series))
}

// drawLine draws a line of the given width by stepping along it one pixel
// at a time; dash > 0 leaves gaps of dash pixels every dash pixels.
func drawLine(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA, width int, dash int) {
	dx, dy := x1-x0, y1-y0
	n := int(math.Ceil(math.Max(math.Abs(dx), math.Abs(dy))))
	if n == 0 {
		n = 1
	}
	h := width / 2
	for k := 0; k <= n; k++ {
		if dash > 0 && (k/dash)%2 == 1 {
			continue
		}
		t := float64(k) / float64(n)
		x, y := int(math.Round(x0+t*dx)), int(math.Round(y0+t*dy))
		for yy := y - h; yy <= y-h+width-1; yy++ {
			for xx := x - h; xx <= x-h+width-1; xx++ {
				if image.Pt(xx, yy).In(img.Rect) {
					img.SetRGBA(xx, yy, c)
				}
			}
		}
	}
}
