// Package detplot draws detection error trade-off (DET) curves of
// fingerprint evaluations (package eval) with gonum.org/v1/plot: FNMR
// against FMR on normal-deviate axes, as SVG or PNG with the same title,
// axis titles, tick labels and legend.
//
// It is a package of its own so that importing eval for the error rates
// does not pull in the plotting library (whose fonts are loaded when it
// is initialised, a few megabytes).
package detplot

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"github.com/ciekit/ciekit/biometric/eval"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one named DET curve.
type Series struct {
	Name   string
	Points []eval.Point // from eval.Curve
}

// The DET plot shows FNMR against FMR on normal-deviate axes from 0.01 %
// to 50 %, as in Martin et al., "The DET curve in assessment of detection
// task performance" (1997).
const (
	detMin    = 1e-4
	detMax    = 0.5
	detInches = 6   // plot width and height
	detDPI    = 100 // PNG resolution: 600x600 pixels
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

// DefaultTitle is the title WriteSVG and WritePNG give the plot.
const DefaultTitle = "DET curve"

// probitScale is the normal-deviate axis scale of a DET plot.
type probitScale struct{}

func (probitScale) Normalize(lo, hi, x float64) float64 {
	x = min(max(x, detMin), detMax)
	return (probit(x) - probit(lo)) / (probit(hi) - probit(lo))
}

// detXYs returns the curve's (FMR, FNMR) points inside the axes' range,
// clamped to it.
func detXYs(pts []eval.Point) plotter.XYs {
	var out plotter.XYs
	for _, p := range pts {
		if (p.FMR < detMin && p.FNMR < detMin) || (p.FMR > detMax && p.FNMR > detMax) {
			continue
		}
		out = append(out, plotter.XY{X: min(max(p.FMR, detMin), detMax), Y: min(max(p.FNMR, detMin), detMax)})
	}
	return out
}

// Plot builds the DET plot of series with gonum.org/v1/plot: FNMR
// against FMR on normal-deviate axes from 0.01 % to 50 %, with labelled
// ticks, grid, the dashed FMR = FNMR diagonal, a legend naming every
// series and the given title.
func Plot(title string, series []Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "FMR (false match rate)"
	p.Y.Label.Text = "FNMR (false non-match rate)"
	ticks := make([]plot.Tick, len(detTicks))
	for i, t := range detTicks {
		ticks[i] = plot.Tick{Value: t, Label: tickLabel(t)}
	}
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Min, ax.Max = detMin, detMax
		ax.Scale = probitScale{}
		ax.Tick.Marker = plot.ConstantTicks(ticks)
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xdd}
	grid.Horizontal.Color = color.Gray{0xdd}
	p.Add(grid)
	diag, err := plotter.NewLine(plotter.XYs{{X: detMin, Y: detMin}, {X: detMax, Y: detMax}})
	if err != nil {
		return nil, err
	}
	diag.Color = color.Gray{0x99}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(diag)
	for i, s := range series {
		xys := detXYs(s.Points)
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("detplot: DET curve %q: %w", s.Name, err)
		}
		l.Color = detColors[i%len(detColors)]
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(8)
	p.Legend.YOffs = -vg.Points(8)
	return p, nil
}

// Write writes the DET plot of series (see [Plot]) to w in format
// "svg" or "png" (600x600 pixels).
func Write(w io.Writer, format, title string, series []Series) error {
	switch format {
	case "svg":
		p, err := Plot(title, series)
		if err != nil {
			return err
		}
		wt, err := p.WriterTo(detInches*vg.Inch, detInches*vg.Inch, "svg")
		if err != nil {
			return err
		}
		_, err = wt.WriteTo(w)
		return err
	case "png":
		img, err := detImage(title, series)
		if err != nil {
			return err
		}
		return png.Encode(w, img)
	}
	return fmt.Errorf("detplot: DET plot format %q, want svg or png", format)
}

// WriteSVG draws the DET curves of series as an SVG document titled
// DefaultTitle (see [Write]).
func WriteSVG(w io.Writer, series []Series) error {
	return Write(w, "svg", DefaultTitle, series)
}

// WritePNG draws the DET curves of series as a PNG image titled
// DefaultTitle (see [Write]).
func WritePNG(w io.Writer, series []Series) error {
	return Write(w, "png", DefaultTitle, series)
}

// Image draws the DET plot of series (see [Plot]), titled
// DefaultTitle, as a 600x600 image. It returns a blank image if the
// plot cannot be drawn.
func Image(series []Series) *image.RGBA {
	img, err := detImage(DefaultTitle, series)
	if err != nil {
		return image.NewRGBA(image.Rect(0, 0, detInches*detDPI, detInches*detDPI))
	}
	return img
}

func detImage(title string, series []Series) (*image.RGBA, error) {
	p, err := Plot(title, series)
	if err != nil {
		return nil, err
	}
	c := vgimg.NewWith(vgimg.UseWH(detInches*vg.Inch, detInches*vg.Inch), vgimg.UseDPI(detDPI), vgimg.UseBackgroundColor(color.White))
	p.Draw(vgdraw.New(c))
	src := c.Image()
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	return img, nil
}
