package scansim_test

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// TestArtifacts writes sample prints, plain and with the ground truth drawn
// over them (red endings, blue bifurcations, a tick along the direction),
// one per class of condition. Keep them with
// go test ./biometric/scansim -run Artifacts -artifacts -outputdir=/tmp/scansim
func TestArtifacts(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("renders prints; slow under -short and -race")
	}
	dir := t.ArtifactDir()
	f := scansim.NewFinger(4, 400, 500)
	for i, fb := range []biometric.Feedback{biometric.FeedbackGood, biometric.FeedbackTooLight, biometric.FeedbackTooDark, biometric.FeedbackPartial} {
		im := f.Impress(scansim.PoorCondition(fb, uint64(i)), uint64(i))
		name := fmt.Sprintf("finger4-%d-%s", i, []string{"good", "light", "dark", "partial"}[i])
		writePNG(t, filepath.Join(dir, name+".png"), im.Image)
		writePNG(t, filepath.Join(dir, name+"-truth.png"), drawTruth(im))
	}
	// A 3x zoom of the centre, to judge ridge edges, pores and noise.
	im := f.Impress(scansim.NaturalCondition(9), 9)
	z := image.NewGray(image.Rect(0, 0, 360, 360))
	for y := range 360 {
		for x := range 360 {
			z.Pix[y*360+x] = im.Image.GrayAt(140+x/3, 190+y/3).Y
		}
	}
	writePNG(t, filepath.Join(dir, "finger4-zoom.png"), z)
}

func writePNG(t *testing.T, path string, img image.Image) {
	w, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(w, img))
	require.NoError(t, w.Close())
}

func drawTruth(im *scansim.Impression) *image.RGBA {
	out := image.NewRGBA(im.Image.Bounds())
	for i, g := range im.Image.Pix {
		copy(out.Pix[4*i:], []uint8{g, g, g, 255})
	}
	for _, m := range im.Minutiae {
		c := color.RGBA{230, 0, 0, 255}
		if m.Kind == biometric.KindBifurcation {
			c = color.RGBA{0, 140, 255, 255}
		}
		x, y := int(m.X), int(m.Y)
		for k := -3; k <= 3; k++ {
			out.Set(x+k, y-3, c)
			out.Set(x+k, y+3, c)
			out.Set(x-3, y+k, c)
			out.Set(x+3, y+k, c)
		}
		a := float64(m.Angle) * 2 * math.Pi / 256
		for l := 4.0; l < 14; l++ {
			out.Set(x+int(math.Round(l*math.Cos(a))), y-int(math.Round(l*math.Sin(a))), c)
		}
	}
	return out
}
