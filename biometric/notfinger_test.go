package biometric_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// Generated images that are not fingerprints, for the rejection tests. Each
// is 388x374 (an FVC2002 DB1 print's size) unless said otherwise.

const nfW, nfH = 388, 374

func nfRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x0f1a9e)) }

// nfNoise is uniform random noise.
func nfNoise(seed uint64) *image.Gray {
	r := nfRand(seed)
	img := image.NewGray(image.Rect(0, 0, nfW, nfH))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	return img
}

// nfBoxBlur blurs img with a (2r+1)² box (two separable passes, edges
// clamped), in place, and stretches the contrast back to 0..255.
func nfBoxBlur(img *image.Gray, rad int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	a := make([]float64, w*h)
	b := make([]float64, w*h)
	for i, v := range img.Pix {
		a[i] = float64(v)
	}
	for y := range h { // horizontal
		for x := range w {
			var s float64
			for d := -rad; d <= rad; d++ {
				s += a[y*w+min(max(x+d, 0), w-1)]
			}
			b[y*w+x] = s
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for y := range h { // vertical
		for x := range w {
			var s float64
			for d := -rad; d <= rad; d++ {
				s += b[min(max(y+d, 0), h-1)*w+x]
			}
			a[y*w+x] = s
			lo, hi = min(lo, s), max(hi, s)
		}
	}
	for i, v := range a {
		img.Pix[i] = uint8((v - lo) / max(hi-lo, 1) * 255)
	}
	return img
}

// nfUniform is a blank image of one gray level.
func nfUniform(v uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, nfW, nfH))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

// nfGradient is a linear (radial = false) or radial gray ramp, with a
// little sensor noise.
func nfGradient(radial bool, seed uint64) *image.Gray {
	r := nfRand(seed)
	img := image.NewGray(image.Rect(0, 0, nfW, nfH))
	for y := range nfH {
		for x := range nfW {
			var v float64
			if radial {
				v = 255 * math.Hypot(float64(x-nfW/2), float64(y-nfH/2)) / math.Hypot(nfW/2, nfH/2)
			} else {
				v = 255 * float64(x+y) / float64(nfW+nfH)
			}
			v += r.NormFloat64() * 3
			img.Pix[y*img.Stride+x] = uint8(min(max(v, 0), 255))
		}
	}
	return img
}

// nfGlyphs is a 5x7 bitmap font of a few capitals and digits, one row per
// line (bit 4 leftmost).
var nfGlyphs = [][7]uint8{
	{0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, // A
	{0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}, // B
	{0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, // C
	{0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}, // E
	{0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, // H
	{0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, // I
	{0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}, // L
	{0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}, // M
	{0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11}, // N
	{0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, // O
	{0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}, // R
	{0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}, // S
	{0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, // T
	{0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, // 2
	{0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, // 0
}

// nfText is a page of printed text: lines of random words in a 5x7 font
// at the given scale (pixels per font dot), black on white, slightly
// blurred as a scan of paper would be.
func nfText(seed uint64, scale int) *image.Gray {
	r := nfRand(seed)
	img := nfUniform(245)
	lineH := 10 * scale
	for y0 := 8; y0+7*scale < nfH; y0 += lineH {
		x := 8
		for x < nfW-6*scale {
			word := 2 + r.IntN(7)
			for range word {
				if x+5*scale >= nfW {
					break
				}
				g := nfGlyphs[r.IntN(len(nfGlyphs))]
				for gy := range 7 {
					for gx := range 5 {
						if g[gy]>>(4-gx)&1 == 0 {
							continue
						}
						for sy := range scale {
							for sx := range scale {
								img.Pix[(y0+gy*scale+sy)*img.Stride+x+gx*scale+sx] = 20
							}
						}
					}
				}
				x += 6 * scale
			}
			x += 4 * scale
		}
	}
	return nfBoxBlur(img, 1)
}

// nfFace is a photograph-like face: a shaded skin ellipse with hair, eyes,
// brows, nose shadow and mouth on a gradient background, with camera noise
// and a mild blur, converted to gray.
func nfFace(seed uint64) *image.Gray {
	r := nfRand(seed)
	img := image.NewGray(image.Rect(0, 0, nfW, nfH))
	cx, cy := float64(nfW)/2, float64(nfH)/2+10
	ax, ay := 110.0, 150.0
	in := func(x, y, ex, ey, rx, ry float64) float64 {
		return (x-ex)*(x-ex)/(rx*rx) + (y-ey)*(y-ey)/(ry*ry)
	}
	for y := range nfH {
		for x := range nfW {
			fx, fy := float64(x), float64(y)
			v := 90 + 60*fx/nfW // background
			if d := in(fx, fy, cx, cy, ax, ay); d < 1 {
				v = 185 - 40*d - 25*(fx-cx)/ax // skin with side light
				if fy < cy-95 && in(fx, fy, cx, cy-40, ax+8, ay) < 1 {
					v = 45 + 10*math.Sin(fx/3) // hair
				}
				for _, ex := range []float64{cx - 45, cx + 45} {
					if in(fx, fy, ex, cy-30, 20, 9) < 1 {
						v = 230 // eye white
					}
					if in(fx, fy, ex, cy-30, 8, 8) < 1 {
						v = 35 // iris
					}
					if in(fx, fy, ex, cy-55, 26, 5) < 1 {
						v = 70 // brow
					}
				}
				if math.Abs(fx-cx-6) < 5 && fy > cy-20 && fy < cy+30 {
					v -= 30 // nose shadow
				}
				if in(fx, fy, cx, cy+65, 35, 9) < 1 {
					v = 110 // mouth
				}
			} else if fy > cy+ay-20 {
				v = 60 // shoulders
			}
			v += r.NormFloat64() * 4
			img.Pix[y*img.Stride+x] = uint8(min(max(v, 0), 255))
		}
	}
	return nfBoxBlur(img, 1)
}

// nfJPEG is a faint simulated capture (scansim, ridge contrast halved
// around a light background, as on a dry finger) compressed with JPEG at
// the given quality and decoded again. At quality 1..3 the 8x8 blocks
// replace the ridges.
func nfJPEG(seed uint64, quality int) image.Image {
	g := scansim.Generate(seed, nfW, nfH).Image
	for i, v := range g.Pix {
		g.Pix[i] = uint8(200 + (float64(v)-200)*0.5)
	}
	return jpegGray(g, quality)
}

// nfAddNoise adds Gaussian noise of deviation sd to img, in place.
func nfAddNoise(img *image.Gray, sd float64, seed uint64) *image.Gray {
	r := nfRand(seed)
	for i, v := range img.Pix {
		img.Pix[i] = uint8(min(max(float64(v)+sd*r.NormFloat64(), 0), 255))
	}
	return img
}

// nfLattice is a regular pattern at a fingerprint's scale: dark dots of
// radius 2 px every 9 px (a halftone screen or a perforated surface;
// grid = false), or dark lines 2 px wide every 9 px in both directions
// (grid = true), turned by an angle, with sensor noise. Neither has the
// one local direction of ridges.
func nfLattice(grid bool, seed uint64) *image.Gray {
	r := nfRand(seed)
	img := nfUniform(210)
	a := r.Float64() * math.Pi / 2
	c, sn := math.Cos(a), math.Sin(a)
	const p = 9.0
	for y := range nfH {
		for x := range nfW {
			u, v := float64(x)*c+float64(y)*sn, -float64(x)*sn+float64(y)*c
			du := math.Abs(u - p*math.Round(u/p))
			dv := math.Abs(v - p*math.Round(v/p))
			if (grid && min(du, dv) < 1) || (!grid && du*du+dv*dv < 4) {
				img.Pix[y*img.Stride+x] = 40
			}
		}
	}
	return nfAddNoise(nfBoxBlur(img, 1), 6, seed+1)
}

// nfSpeckle is a blank surface strewn with dark 2x2 dots on a quarter
// of its 2x2 cells: the dry transform's dots without the ridges.
func nfSpeckle(seed uint64) *image.Gray {
	r := nfRand(seed)
	img := nfUniform(200)
	for y := 0; y+1 < nfH; y += 2 {
		for x := 0; x+1 < nfW; x += 2 {
			if r.Float64() < 0.25 {
				for _, o := range []int{0, 1, img.Stride, img.Stride + 1} {
					img.Pix[y*img.Stride+x+o] = 60
				}
			}
		}
	}
	return img
}

type notFinger struct {
	name string
	img  image.Image
}

// notFingers is the rejection test set.
func notFingers() []notFinger {
	var nf []notFinger
	seeds := uint64(3)
	if testing.Short() {
		seeds = 1
	}
	for s := range seeds {
		nf = append(nf,
			notFinger{"noise", nfNoise(s)},
			notFinger{"blurred noise r1", nfBoxBlur(nfNoise(s+10), 1)},
			notFinger{"blurred noise r2", nfBoxBlur(nfNoise(s+20), 2)},
			notFinger{"blurred noise r3", nfBoxBlur(nfNoise(s+30), 3)},
			notFinger{"text scale 2", nfText(s, 2)},
			notFinger{"text scale 3", nfText(s+5, 3)},
			notFinger{"text scale 4", nfText(s+50, 4)},
			notFinger{"text scale 5", nfText(s+51, 5)},
			notFinger{"face", nfFace(s)},
			notFinger{"gradient", nfGradient(false, s)},
			notFinger{"radial gradient", nfGradient(true, s)},
			notFinger{"faint print at JPEG quality 1", nfJPEG(s+1, 1)},
			notFinger{"faint print at JPEG quality 3", nfJPEG(s+4, 3)},
			notFinger{"noisy text scale 2", nfAddNoise(nfText(s+40, 2), 30, s+41)},
			notFinger{"noisy text scale 3", nfAddNoise(nfText(s+42, 3), 30, s+43)},
			notFinger{"noisy blurred noise r2", nfAddNoise(nfBoxBlur(nfNoise(s+44), 2), 40, s+45)},
			notFinger{"dot lattice", nfLattice(false, s+46)},
			notFinger{"grid", nfLattice(true, s+47)},
			notFinger{"speckle", nfSpeckle(s + 48)},
		)
	}
	nf = append(nf,
		notFinger{"white", nfUniform(255)},
		notFinger{"black", nfUniform(0)},
		notFinger{"gray", nfUniform(128)},
		notFinger{"palette gray", &image.Paletted{Pix: make([]uint8, nfW*nfH), Stride: nfW, Rect: image.Rect(0, 0, nfW, nfH), Palette: color.Palette{color.Gray{200}}}},
	)
	return nf
}

// TestNotFingerRejected: every generated non-finger image gives no
// minutiae and finger quality 0.
func TestNotFingerRejected(t *testing.T) {
	var e biometric.Extractor
	var dst []biometric.Minutia
	for _, nf := range notFingers() {
		var err error
		dst, err = e.Extract(dst[:0], nf.img)
		require.NoError(t, err, nf.name)
		assert.Empty(t, dst, "Extract(%s) minutiae", nf.name)
		assert.Zero(t, e.Quality(), "Extract(%s) quality", nf.name)
	}
}

// TestNotFingerKeepsPrints: the rejection keeps natural simulated
// captures, faint ones, and the same prints JPEG-compressed at ordinary
// qualities (10 and up). A print of full contrast often survives even
// JPEG quality 1 with most of its minutiae right (precision 0.96, recall
// 0.78 on four such captures) and is then kept: the compression test
// rejects only images where the 8x8 blocks dominate the ridges.
func TestNotFingerKeepsPrints(t *testing.T) {
	var e biometric.Extractor
	n, qs := uint64(3), []int{10, 20, 50, 90}
	if testing.Short() {
		n, qs = 1, []int{10}
	}
	for s := range n {
		im := scansim.Generate(s+100, nfW, nfH)
		ms, err := e.Extract(nil, im.Image)
		require.NoError(t, err)
		assert.NotEmpty(t, ms, "scansim %d", s)
		faint := image.NewGray(im.Image.Rect)
		for i, v := range im.Image.Pix {
			faint.Pix[i] = uint8(200 + (float64(v)-200)*0.2)
		}
		ms, err = e.Extract(nil, faint)
		require.NoError(t, err)
		assert.NotEmpty(t, ms, "scansim %d at a fifth of its contrast", s)
		for _, q := range qs {
			var buf bytes.Buffer
			require.NoError(t, jpeg.Encode(&buf, im.Image, &jpeg.Options{Quality: q}))
			img, err := jpeg.Decode(&buf)
			require.NoError(t, err)
			ms, err := e.Extract(nil, img)
			require.NoError(t, err)
			assert.NotEmpty(t, ms, "scansim %d at JPEG quality %d", s, q)
		}
	}
}

// TestNotFingerFVCAccepted: no FVC2002 B print is rejected, so the
// genuine acceptance at any threshold is unchanged by the rejection step.
func TestNotFingerFVCAccepted(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 320 images")
	}
	root := fvcDir(t)
	for _, db := range fvcDBs {
		e := biometric.Extractor{Options: biometric.Options{Resolution: fvcRes(db)}}
		files, err := filepath.Glob(filepath.Join(root, db, "*.png"))
		require.NoError(t, err)
		require.Len(t, files, 80, db)
		for _, f := range files {
			fh, err := os.Open(f)
			require.NoError(t, err)
			img, _, err := image.Decode(fh)
			fh.Close()
			require.NoError(t, err)
			ms, err := e.Extract(nil, img)
			require.NoError(t, err)
			if len(ms) == 0 || e.Quality() == 0 {
				t.Errorf("%s/%s: %d minutiae, quality %d: rejected as not a finger", db, filepath.Base(f), len(ms), e.Quality())
			}
		}
	}
}

// TestDegradedPrintsKept guards the second look of the structure test
// (reject.go): the 80 DB3_B prints made dry (ridges eroded 1 px, a
// quarter of the dark 2x2 cells whitened) or noisy (σ 40), as in the
// robustness sweep, are mostly kept (before the second look 75 and 59
// were rejected; now 20 and 5), and what they give seldom matches the
// other fingers' transformed prints: without keeping only the
// band-coherent blocks, the kept prints gave up to 128 minutiae of noise
// that matched each other (the sweep's false matches at ThresholdFMR100
// on the dotted prints 0.7 -> 10 %). Now 0.2 % and 2.9 % of the
// cross-finger pairs reach ThresholdFMR100 (before: 0.07 % and 1.04 %,
// from the few prints kept; the 21 noisy prints kept then false-matched
// each other in one pair of seven).
func TestDegradedPrintsKept(t *testing.T) {
	dir := filepath.Join(fvcDir(t), "DB3_B")
	tests := []struct {
		name        string
		fn          func(g *image.Gray, rng *rand.Rand) *image.Gray
		maxRejected int
		maxFMR      float64
	}{
		{"dry with dots", func(g *image.Gray, rng *rand.Rand) *image.Gray { return dotGray(morphGray(g, 1, true), 0.25, rng) }, 30, 0.01},
		{"noise σ 40", func(g *image.Gray, rng *rand.Rand) *image.Gray { return noiseGray(g, 40, rng) }, 10, 0.04},
	}
	var e biometric.Extractor
	for _, tc := range tests {
		var ps [80]*biometric.Prepared
		rejected, minutiae := 0, 0
		for n := range 80 {
			g := loadGray(t, filepath.Join(dir, fmt.Sprintf("%d_%d.png", 101+n/8, n%8+1)))
			tpl, err := e.ExtractTemplate(tc.fn(g, rand.New(rand.NewPCG(uint64(2000+n), 22))))
			require.NoError(t, err)
			if e.RejectReason() != 0 {
				rejected++
			}
			minutiae += len(tpl.Minutiae)
			ps[n] = biometric.Prepare(&tpl)
		}
		false100, pairs := 0, 0
		for a := range 80 {
			pa := biometric.NewProbePrepared(ps[a])
			for b := a + 1; b < 80; b++ {
				if a/8 != b/8 {
					pairs++
					if pa.MatchPrepared(ps[b]) >= biometric.ThresholdFMR100 {
						false100++
					}
				}
			}
		}
		fmr := float64(false100) / float64(pairs)
		t.Logf("DB3_B %s: %d of 80 rejected, %.1f minutiae per print, %.2f %% false matches at ThresholdFMR100", tc.name, rejected, float64(minutiae)/80, 100*fmr)
		if rejected > tc.maxRejected {
			t.Errorf("DB3_B %s: %d of 80 prints rejected as not a finger, want ≤ %d", tc.name, rejected, tc.maxRejected)
		}
		if fmr > tc.maxFMR {
			t.Errorf("DB3_B %s: %.2f %% of cross-finger pairs at ThresholdFMR100 or above, want ≤ %g %%", tc.name, 100*fmr, 100*tc.maxFMR)
		}
	}
	// The first dotted print is one the second look keeps: its buffers
	// are grown once, then reused.
	img := tests[0].fn(loadGray(t, filepath.Join(dir, "101_1.png")), rand.New(rand.NewPCG(2000, 22)))
	dst := make([]biometric.Minutia, 0, 256)
	if n := testing.AllocsPerRun(3, func() { dst, _ = e.Extract(dst[:0], img) }); n != 0 {
		t.Errorf("Extract(dotted DB3_B 101_1): %v allocs per print, want 0", n)
	}
}
