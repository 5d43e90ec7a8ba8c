package biometric

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writePNG saves img under the test's artifact directory.
func writePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(filepath.Join(t.ArtifactDir(), name+".png"))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, png.Encode(f, img))
}

func TestSyntheticRecall(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		period float64
		noise  float64
	}{
		{"clean/period9", 9, 0},
		{"noise20/period9", 9, 20},
		{"clean/period7", 7, 0},
		{"noise20/period11", 11, 20},
		{"noise60/period8", 8, 60},
		{"noise60/period10", 10, 60},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e Extractor
			var all matchStats
			for seed := range uint64(6) {
				sp := synthAMFM(seed+1, 416, 512, 24, tc.period, tc.noise)
				ms, err := e.Extract(nil, sp.img)
				require.NoError(t, err)
				st := matchMinutiae(sp.truth, ms, 10)
				all.add(st)
				if seed == 0 {
					writePNG(t, "minutiae", DrawMinutiae(sp.img, ms))
				}
			}
			t.Logf("%s: truth %d, detected %d, matched %d: precision %.3f recall %.3f, mean position error %.2f px, direction within 30°: %d, flipped: %d",
				tc.name, all.ref, all.det, all.matched, all.precision(), all.recall(), all.posErr/float64(max(all.matched, 1)), all.angleOK, all.flipped)
			assert.GreaterOrEqual(t, all.recall(), 0.95, "recall on %s", tc.name)
			assert.GreaterOrEqual(t, all.precision(), 0.90, "precision on %s", tc.name)
			assert.GreaterOrEqual(t, float64(all.angleOK), 0.90*float64(all.matched), "directions within 30° on %s", tc.name)
		})
	}
}

func TestDebugImages(t *testing.T) {
	sp := synthAMFM(7, 416, 512, 24, 9, 15)
	dump := func(t *testing.T, prefix string, img image.Image, res int) {
		n := 0
		e := Extractor{Options: Options{Resolution: res, Debug: func(stage string, img image.Image) {
			n++
			writePNG(t, fmt.Sprintf("%s-%02d-%s", prefix, n, stage), img)
		}}}
		ms, err := e.Extract(nil, img)
		require.NoError(t, err)
		writePNG(t, prefix+"-final", DrawMinutiae(img, ms))
		assert.Equal(t, 10, n, "Debug calls")
	}
	dump(t, "synthetic", sp.img, 0)
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	for _, name := range []string{"DB1_B/101_1", "DB2_B/102_3", "DB3_B/103_1", "DB4_B/104_2"} {
		img := loadPNG(t, filepath.Join(dir, name+".png"))
		res := 0
		if name[:3] == "DB2" {
			res = 569
		}
		dump(t, name[:5]+"-"+name[6:], img, res)
	}
}

func loadPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	return img
}

func TestExtractErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		opts   Options
		pix    []byte
		w, h   int
		stride int
	}{
		{"tiny", Options{}, make([]byte, 32*32), 32, 32, 32},
		{"huge", Options{}, make([]byte, 10), 3000, 10, 3000},
		{"short buffer", Options{}, make([]byte, 100), 100, 100, 100},
		{"bad stride", Options{}, make([]byte, 100*100), 100, 100, 50},
		{"huge stride", Options{}, make([]byte, 100*100), 100, 100, 1 << 62},
		{"resolution", Options{Resolution: 100}, make([]byte, 100*100), 100, 100, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := Extractor{Options: tc.opts}
			dst := []Minutia{{X: 1}}
			got, err := e.ExtractRaw(dst, tc.pix, tc.w, tc.h, tc.stride)
			require.ErrorIs(t, err, ErrImage)
			var ie *ImageError
			require.True(t, errors.As(err, &ie), "ExtractRaw error %T, want *ImageError", err)
			assert.Equal(t, tc.w, ie.Width)
			assert.Equal(t, dst, got, "dst must be returned unchanged")
		})
	}
}

func TestBlankImage(t *testing.T) {
	t.Parallel()
	var e Extractor
	for _, v := range []uint8{0, 128, 255} {
		img := image.NewGray(image.Rect(0, 0, 300, 400))
		for i := range img.Pix {
			img.Pix[i] = v
		}
		ms, err := e.Extract(nil, img)
		require.NoError(t, err)
		assert.Empty(t, ms, "minutiae of a blank image of level %d", v)
		assert.Zero(t, e.Quality(), "quality of a blank image of level %d", v)
	}
}

// TestInputKinds checks that every input path gives the same minutiae.
func TestInputKinds(t *testing.T) {
	t.Parallel()
	sp := synthAMFM(3, 300, 360, 10, 9, 10)
	var e Extractor
	want, err := e.Extract(nil, sp.img)
	require.NoError(t, err)
	require.NotEmpty(t, want)

	rgba := image.NewRGBA(sp.img.Bounds())
	nrgba := image.NewNRGBA(sp.img.Bounds())
	ycc := image.NewYCbCr(sp.img.Bounds(), image.YCbCrSubsampleRatio420)
	gray16 := image.NewGray16(sp.img.Bounds())
	for i, v := range sp.img.Pix {
		for k := range 3 {
			rgba.Pix[4*i+k] = v
			nrgba.Pix[4*i+k] = v
		}
		rgba.Pix[4*i+3], nrgba.Pix[4*i+3] = 255, 255
		ycc.Y[i] = v
		gray16.Pix[2*i], gray16.Pix[2*i+1] = v, v
	}
	// A sub-image whose origin is not (0, 0).
	big := image.NewGray(image.Rect(0, 0, 340, 400))
	for y := range 360 {
		copy(big.Pix[(y+20)*big.Stride+30:], sp.img.Pix[y*sp.img.Stride:y*sp.img.Stride+300])
	}
	sub := big.SubImage(image.Rect(30, 20, 330, 380))
	for name, img := range map[string]image.Image{"rgba": rgba, "nrgba": nrgba, "ycbcr": ycc, "gray16": gray16, "subimage": sub} {
		got, err := e.Extract(nil, img)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, "Extract(%s)", name)
	}
	got, err := e.ExtractRaw(nil, big.Pix[20*big.Stride+30:], 300, 360, big.Stride)
	require.NoError(t, err)
	assert.Equal(t, want, got, "ExtractRaw")
}

func TestExtractTemplate(t *testing.T) {
	t.Parallel()
	sp := synthAMFM(4, 320, 400, 12, 9, 0)
	var e Extractor
	tpl, err := e.ExtractTemplate(sp.img)
	require.NoError(t, err)
	assert.Equal(t, uint16(320), tpl.Width)
	assert.Equal(t, uint16(400), tpl.Height)
	assert.Equal(t, uint16(197), tpl.ResolutionX)
	assert.NotEmpty(t, tpl.Minutiae)
	assert.Greater(t, tpl.Quality, uint8(50), "quality of a clean synthetic print")
	for _, m := range tpl.Minutiae {
		assert.Less(t, m.X, tpl.Width)
		assert.Less(t, m.Y, tpl.Height)
		assert.True(t, m.Kind == KindEnding || m.Kind == KindBifurcation, "kind %v", m.Kind)
		assert.True(t, m.Quality >= 1 && m.Quality <= 100, "quality %d", m.Quality)
	}
}

func TestMaxMinutiae(t *testing.T) {
	t.Parallel()
	sp := synthAMFM(5, 416, 512, 24, 9, 0)
	e := Extractor{Options: Options{MaxMinutiae: 5}}
	ms, err := e.Extract(nil, sp.img)
	require.NoError(t, err)
	require.Len(t, ms, 5)
	for i := 1; i < len(ms); i++ {
		assert.GreaterOrEqual(t, ms[i-1].Quality, ms[i].Quality, "minutiae sorted by quality")
	}
}

func TestExtractAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow in -short mode")
	}
	sp := synthAMFM(9, 400, 500, 24, 9, 10)
	var e Extractor
	dst := make([]Minutia, 0, 256)
	if _, err := e.Extract(dst, sp.img); err != nil {
		t.Fatal(err)
	}
	small := image.NewGray(image.Rect(0, 0, 300, 300))
	copy(small.Pix, sp.img.Pix)
	f := func() {
		dst, _ = e.Extract(dst[:0], sp.img)
		dst, _ = e.ExtractRaw(dst[:0], small.Pix, 300, 300, 300)
	}
	if n := testing.AllocsPerRun(20, f); n != 0 {
		t.Errorf("Extract: %v allocs, want 0", n)
	}
}

// TestResolution scans the same synthetic print at other resolutions: the
// extractor resamples to 500 ppi and must report the minutiae in the
// coordinates of the input image.
func TestResolution(t *testing.T) {
	t.Parallel()
	sp := synthAMFM(12, 416, 512, 24, 9, 10)
	for _, ppi := range []int{400, 569, 750, 1000} {
		t.Run(fmt.Sprint(ppi), func(t *testing.T) {
			t.Parallel()
			f := float64(ppi) / 500
			w, h := int(416*f+0.5), int(512*f+0.5)
			img := image.NewGray(image.Rect(0, 0, w, h))
			resample(img.Pix, w, h, sp.img.Pix, 416, 512, float32(1/f))
			truth := make([]Minutia, len(sp.truth))
			for i, m := range sp.truth {
				truth[i] = m
				truth[i].X = uint16(float64(m.X)*f + 0.5)
				truth[i].Y = uint16(float64(m.Y)*f + 0.5)
			}
			e := Extractor{Options: Options{Resolution: ppi}}
			ms, err := e.Extract(nil, img)
			require.NoError(t, err)
			st := matchMinutiae(truth, ms, 10*f)
			t.Logf("%d ppi (%dx%d): precision %.3f recall %.3f, mean position error %.2f px",
				ppi, w, h, st.precision(), st.recall(), st.posErr/float64(max(st.matched, 1)))
			assert.GreaterOrEqual(t, st.recall(), 0.9, "recall at %d ppi", ppi)
			assert.GreaterOrEqual(t, st.precision(), 0.9, "precision at %d ppi", ppi)
		})
	}
}

// imageTypes returns img (8-bit gray) converted to every image type with
// a fast path, keyed by type name.
func imageTypes(img *image.Gray) map[string]image.Image {
	b := img.Bounds()
	out := map[string]image.Image{"Gray": img}
	g16 := image.NewGray16(b)
	rgba := image.NewRGBA(b)
	nrgba := image.NewNRGBA(b)
	rgba64 := image.NewRGBA64(b)
	nrgba64 := image.NewNRGBA64(b)
	cmyk := image.NewCMYK(b)
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.Gray{uint8(i)}
	}
	paletted := image.NewPaletted(b, pal)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := img.GrayAt(x, y).Y
			// A 12-bit scanner: the 16-bit samples fill 0..4095 only.
			g16.SetGray16(x, y, color.Gray16{uint16(v) << 4})
			rgba.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			nrgba.SetNRGBA(x, y, color.NRGBA{v, v, v, 255})
			w := uint16(v) * 0x101
			rgba64.SetRGBA64(x, y, color.RGBA64{w, w, w, 0xffff})
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{w, w, w, 0xffff})
			cmyk.SetCMYK(x, y, color.CMYK{0, 0, 0, 255 - v})
			paletted.SetColorIndex(x, y, v)
			ycc.Y[ycc.YOffset(x, y)] = v
		}
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	out["Gray16"], out["RGBA"], out["NRGBA"], out["RGBA64"], out["NRGBA64"] = g16, rgba, nrgba, rgba64, nrgba64
	out["CMYK"], out["Paletted"], out["YCbCr"] = cmyk, paletted, ycc
	return out
}

// TestExtractImageTypes: every supported image type gives the minutiae of
// the 8-bit gray original (Gray16 after its contrast stretch, so nearly),
// with no allocation per print once the Extractor has seen the size.
func TestExtractImageTypes(t *testing.T) {
	sp := synthAMFM(9, 320, 360, 20, 9, 10)
	var e Extractor
	want, err := e.Extract(nil, sp.img)
	require.NoError(t, err)
	for name, img := range imageTypes(sp.img) {
		got, err := e.Extract(nil, img)
		require.NoError(t, err, name)
		st := matchMinutiae(want, got, 3)
		assert.GreaterOrEqual(t, st.recall(), 0.95, "%s: minutiae of the gray original found", name)
		assert.GreaterOrEqual(t, st.precision(), 0.95, "%s: minutiae also in the gray original", name)
		if testing.Short() {
			continue
		}
		dst := make([]Minutia, 0, 256)
		if n := testing.AllocsPerRun(5, func() { dst, _ = e.Extract(dst[:0], img) }); n != 0 {
			t.Errorf("Extract(%s): %v allocs per print, want 0", name, n)
		}
	}
}

// TestExtractorReuseAcrossSizes checks that one Extractor, reused over
// images of different sizes and resolutions (its planes, windows and block
// maps grow, shrink and change stride), gives what a fresh one gives.
func TestExtractorReuseAcrossSizes(t *testing.T) {
	t.Parallel()
	type tc struct {
		w, h, ppi int
	}
	cases := []tc{{388, 374, 500}, {150, 97, 500}, {401, 509, 500}, {296, 560, 569}, {300, 300, 500}, {133, 461, 333}, {388, 374, 500}}
	if testing.Short() {
		cases = cases[:4]
	}
	var reused Extractor
	for i, c := range cases {
		img := synthAMFM(uint64(20+i), c.w, c.h, 24, 9*float64(c.ppi)/500, 10).img
		reused.Options = Options{Resolution: c.ppi, MaxMinutiae: -1}
		got, err := reused.Extract(nil, img)
		assert.NoError(t, err)
		fresh := Extractor{Options: reused.Options}
		want, err := fresh.Extract(nil, img)
		assert.NoError(t, err)
		assert.Equal(t, want, got, "%dx%d at %d ppi after %d other images", c.w, c.h, c.ppi, i)
		assert.Equal(t, fresh.Quality(), reused.Quality(), "quality, %dx%d", c.w, c.h)
	}
}
