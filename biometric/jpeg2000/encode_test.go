package jpeg2000_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric/jpeg2000"
)

func readPNG(t testing.TB, f string) image.Image {
	t.Helper()
	file, err := os.Open(f)
	require.NoError(t, err)
	defer file.Close()
	img, err := png.Decode(file)
	require.NoError(t, err)
	return img
}

// TestEncodeMatchesOpenJPEGCheckedFiles re-encodes the inputs of the
// ciekit_*.jp2 test files, whose decoding by opj_decompress is in
// testdata (see README.md), and requires the same bytes: the encoder's
// output stays what OpenJPEG was shown to read.
func TestEncodeMatchesOpenJPEGCheckedFiles(t *testing.T) {
	t.Parallel()
	// The lossless files' decoded pixels are the synthetic inputs.
	inputs := map[string]image.Image{
		"colour": readPNG(t, "testdata/colour_lossless.j2k.png"),
		"grey":   readPNG(t, "testdata/grey_lossless.j2k.png"),
	}
	for name, img := range inputs {
		for _, target := range []int{0, 1500} {
			file := fmt.Sprintf("testdata/ciekit_%s_%d.jp2", name, target)
			var buf bytes.Buffer
			require.NoError(t, jpeg2000.Encode(&buf, img, &jpeg2000.EncodeOptions{TargetSize: target}))
			want := mustRead(t, file)
			assert.True(t, bytes.Equal(want, buf.Bytes()), "Encode(%s, TargetSize %d) differs from %s", name, target, file)
			if target > 0 {
				assert.LessOrEqual(t, buf.Len(), target, "Encode(%s) size", name)
			}
		}
	}
}

func randomImage(rng *rand.Rand, kind string, w, h int) image.Image {
	r := image.Rect(0, 0, w, h)
	switch kind {
	case "gray":
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		return img
	case "nrgba":
		img := image.NewNRGBA(r)
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		return img
	case "sub":
		big := image.NewRGBA(image.Rect(-3, -2, w+5, h+1))
		for i := range big.Pix {
			big.Pix[i] = uint8(rng.IntN(256))
			if i%4 == 3 {
				big.Pix[i] = 0xFF
			}
		}
		return big.SubImage(image.Rect(0, 0, w, h))
	}
	img := image.NewRGBA(r)
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 0xFF
		}
	}
	return img
}

func TestEncodeLossless(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	n := 6
	if testing.Short() {
		n = 2
	}
	for _, kind := range []string{"gray", "rgba", "nrgba", "sub"} {
		for range n {
			w, h := 1+rng.IntN(150), 1+rng.IntN(150)
			img := randomImage(rng, kind, w, h)
			for _, cs := range []bool{false, true} {
				var buf bytes.Buffer
				require.NoError(t, jpeg2000.Encode(&buf, img, &jpeg2000.EncodeOptions{Codestream: cs, Levels: rng.IntN(8)}))
				got, err := jpeg2000.Decode(&buf)
				require.NoError(t, err, "Decode(Encode(%s %dx%d))", kind, w, h)
				require.Equal(t, w, got.Bounds().Dx())
				require.Equal(t, h, got.Bounds().Dy())
				b := img.Bounds()
				for y := range h {
					for x := range w {
						want := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
						if kind == "nrgba" {
							want = img.(*image.NRGBA).NRGBAAt(x, y)
						}
						g := color.NRGBAModel.Convert(got.At(x, y)).(color.NRGBA)
						want.A, g.A = 0, 0
						if want != g {
							t.Fatalf("%s %dx%d codestream=%v: pixel (%d,%d) = %v, want %v", kind, w, h, cs, x, y, g, want)
						}
					}
				}
			}
		}
	}
}

func psnr(t testing.TB, a, b image.Image) float64 {
	t.Helper()
	var se float64
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			cb := color.RGBAModel.Convert(b.At(x, y)).(color.RGBA)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B)} {
				se += float64(d * d)
				n++
			}
		}
	}
	return 10 * math.Log10(255*255*float64(n)/se)
}

// TestEncodeTarget checks rate control on a passport-size face: each file
// fits its target, uses most of it, and quality grows with size.
func TestEncodeTarget(t *testing.T) {
	t.Parallel()
	src, err := jpeg2000.Decode(bytes.NewReader(mustRead(t, "testdata/face_passport.jp2")))
	require.NoError(t, err)
	targets := []int{6000, 12000, 18000}
	if testing.Short() {
		targets = []int{12000}
	}
	last := 0.0
	for _, target := range targets {
		var buf bytes.Buffer
		require.NoError(t, jpeg2000.Encode(&buf, src, &jpeg2000.EncodeOptions{TargetSize: target}))
		assert.LessOrEqual(t, buf.Len(), target, "Encode(TargetSize %d) size", target)
		assert.Greater(t, buf.Len(), target*97/100, "Encode(TargetSize %d) size", target)
		got, err := jpeg2000.Decode(&buf)
		require.NoError(t, err)
		p := psnr(t, src, got)
		assert.Greater(t, p, last, "PSNR at %d bytes", target)
		assert.Greater(t, p, 30.0, "PSNR at %d bytes", target)
		last = p
	}
	var buf bytes.Buffer
	err = jpeg2000.Encode(&buf, src, &jpeg2000.EncodeOptions{TargetSize: 100})
	require.ErrorIs(t, err, jpeg2000.ErrTargetTooSmall)
	assert.Zero(t, buf.Len(), "Encode wrote output with an error")
	require.Error(t, jpeg2000.Encode(&buf, image.NewGray(image.Rect(0, 0, 0, 5)), nil), "Encode(empty image)")
}

func ExampleEncode() {
	src, err := jpeg2000.Decode(bytes.NewReader(mustReadExample("testdata/face_passport.jp2")))
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := jpeg2000.Encode(&buf, src, &jpeg2000.EncodeOptions{TargetSize: 18000}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(buf.Len() <= 18000)
	img, err := jpeg2000.Decode(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds())
	// Output:
	// true
	// (0,0)-(480,640)
}

func mustReadExample(f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		return nil
	}
	return b
}

func BenchmarkEncode(b *testing.B) {
	src, err := jpeg2000.Decode(bytes.NewReader(mustRead(b, "testdata/face_passport.jp2")))
	require.NoError(b, err)
	for _, target := range []int{18000, 0} {
		b.Run(fmt.Sprintf("face480x640/target=%d", target), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(480 * 640)
			for b.Loop() {
				var buf bytes.Buffer
				if err := jpeg2000.Encode(&buf, src, &jpeg2000.EncodeOptions{TargetSize: target}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestEncodeIrreversible checks the 9/7 path: it fits the target and beats
// the 5/3 path's PSNR at the same size on a passport-size face.
func TestEncodeIrreversible(t *testing.T) {
	t.Parallel()
	src, err := jpeg2000.Decode(bytes.NewReader(mustRead(t, "testdata/face_passport.jp2")))
	require.NoError(t, err)
	grey := image.NewGray(src.Bounds())
	for y := range src.Bounds().Dy() {
		for x := range src.Bounds().Dx() {
			grey.Set(x, y, src.At(x, y))
		}
	}
	for name, img := range map[string]image.Image{"colour": src, "grey": grey} {
		target := 12000
		got := map[bool]float64{}
		for _, irr := range []bool{false, true} {
			var buf bytes.Buffer
			require.NoError(t, jpeg2000.Encode(&buf, img, &jpeg2000.EncodeOptions{TargetSize: target, Irreversible: irr}))
			assert.LessOrEqual(t, buf.Len(), target, "Encode(%s, Irreversible %v) size", name, irr)
			dec, err := jpeg2000.Decode(&buf)
			require.NoError(t, err)
			got[irr] = psnr(t, img, dec)
		}
		assert.Greater(t, got[true], got[false], "%s: PSNR 9/7 (%.2f dB) vs 5/3 (%.2f dB)", name, got[true], got[false])
		t.Logf("%s at %d bytes: 5/3 %.2f dB, 9/7 %.2f dB", name, target, got[false], got[true])
	}
}
