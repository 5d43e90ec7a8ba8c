package detplot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric/eval"
)

func TestDET(t *testing.T) {
	t.Parallel()
	s := []Series{{Name: "a <b>", Points: eval.Curve([]float64{3, 6, 7, 8, 9}, []float64{1, 2, 4, 5, 0})}}
	var svg bytes.Buffer
	require.NoError(t, Write(&svg, "svg", "FVC2002 <B>", s))
	for _, want := range []string{"FVC2002 &lt;B&gt;", "a &lt;b&gt;", "FMR (false match rate)", "FNMR (false non-match rate)", "0.01%", "0.1%", "1%", "50%"} {
		assert.Contains(t, svg.String(), want, "SVG text")
	}
	var pb bytes.Buffer
	require.NoError(t, Write(&pb, "png", "FVC2002 B", s))
	img, err := png.Decode(&pb)
	require.NoError(t, err)
	require.Equal(t, 600, img.Bounds().Dx())
	// The PNG carries the same text as the SVG: title above the plot, tick
	// labels and axis titles in the bottom and left margins, and the legend
	// (its swatch in the series colour) in the top-right corner.
	dark := func(r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 128 {
					n++
				}
			}
		}
		return n
	}
	assert.Greater(t, dark(image.Rect(200, 0, 400, 25)), 30, "title pixels")
	assert.Greater(t, dark(image.Rect(60, 560, 600, 600)), 100, "x tick labels and axis title")
	assert.Greater(t, dark(image.Rect(0, 0, 50, 560)), 100, "y tick labels and axis title")
	legend := 0
	want := detColors[0]
	for y := 25; y < 120; y++ {
		for x := 400; x < 600; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(b>>8) == want.B {
				legend++
			}
		}
	}
	assert.Greater(t, legend, 5, "legend swatch in the series colour")
	assert.Error(t, Write(&pb, "gif", "", s))
	assert.InDelta(t, 0, probit(0.5), 1e-9, "probit(0.5)")
	assert.InDelta(t, -2.326348, probit(0.01), 1e-5, "probit(0.01)")
}
