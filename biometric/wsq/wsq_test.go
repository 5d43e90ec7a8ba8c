package wsq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ciekit/ciekit/internal/amfm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nbisFiles are the cwsq-made files of testdata/ with the synthetic print
// each was made from (testdata/README.md gives the commands).
var nbisFiles = []struct {
	name          string
	seed          uint64
	w, h          int
	rate          float64
	ppi           int
	wantRatioLow  float64
	wantRatioHigh float64
}{
	{"synth-a", 7, 256, 320, 0.75, 500, 10, 16},
	{"synth-b", 8, 301, 263, 2.25, 1000, 3.5, 5.5},
}

func readGrayPNG(t *testing.T, path string) *image.Gray {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	m, _, err := image.Decode(f)
	require.NoError(t, err)
	g, ok := m.(*image.Gray)
	require.True(t, ok, "%s is not 8-bit grey", path)
	return g
}

// TestDecodeMatchesDwsq decodes files written by NBIS cwsq and requires
// exactly the pixels NBIS dwsq produced from them.
func TestDecodeMatchesDwsq(t *testing.T) {
	for _, tc := range nbisFiles {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.name+".wsq"))
			require.NoError(t, err)
			want := readGrayPNG(t, filepath.Join("testdata", tc.name+".dwsq.png"))
			got, info, err := DecodeBytes(data, nil)
			require.NoError(t, err)
			require.Equal(t, want.Rect, got.Rect)
			diff := 0
			for i := range want.Pix {
				if want.Pix[i] != got.Pix[i] {
					diff++
				}
			}
			assert.Equal(t, 0, diff, "DecodeBytes(%s): pixels differing from dwsq", tc.name)
			assert.Equal(t, tc.ppi, info.PPI, "PPI of %s", tc.name)
			assert.InDelta(t, tc.rate, info.BitRate, 1e-6, "WSQ_BITRATE of %s", tc.name)
			assert.Equal(t, uint8(2), info.Encoder)
		})
	}
}

// TestEncodeMatchesCwsq encodes the synthetic prints the testdata files
// were made from and requires cwsq's bytes.
func TestEncodeMatchesCwsq(t *testing.T) {
	for _, tc := range nbisFiles {
		t.Run(tc.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tc.name+".wsq"))
			require.NoError(t, err)
			img, _ := amfm.Generate(tc.seed, tc.w, tc.h, 30, 9, 6)
			got, err := AppendEncode(nil, img, &Options{BitRate: tc.rate, PPI: tc.ppi})
			require.NoError(t, err)
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("AppendEncode(%s) = %d bytes, cwsq wrote %d; first difference at offset %d", tc.name, len(got), len(want), i)
			}
			ratio := float64(tc.w*tc.h) / float64(len(got))
			assert.True(t, ratio > tc.wantRatioLow && ratio < tc.wantRatioHigh, "compression ratio %.2f at %g bpp", ratio, tc.rate)
		})
	}
}

func TestImageDecodeRegistered(t *testing.T) {
	data, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	m, format, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, "wsq", format)
	assert.Equal(t, image.Rect(0, 0, 256, 320), m.Bounds())
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, "wsq", format)
	assert.Equal(t, image.Config{ColorModel: color.GrayModel, Width: 256, Height: 320}, cfg)
}

func rmse(a, b []uint8) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{65, 65}, {97, 131}, {256, 256}, {300, 401}}
	for _, sz := range sizes {
		for _, rate := range []float64{0.75, 2.25} {
			t.Run(fmt.Sprintf("%dx%d/%g", sz[0], sz[1], rate), func(t *testing.T) {
				img, _ := amfm.Generate(uint64(sz[0]), sz[0], sz[1], 5, 9, 4)
				var buf bytes.Buffer
				require.NoError(t, Encode(&buf, img, &Options{BitRate: rate}))
				got, err := Decode(&buf)
				require.NoError(t, err)
				g := got.(*image.Gray)
				require.Equal(t, img.Rect, g.Rect)
				limit := 14.0
				if rate > 1 {
					limit = 6
				}
				assert.Less(t, rmse(img.Pix, g.Pix), limit, "RMSE after Encode/Decode")
			})
		}
	}
}

func TestEncodeOtherImageTypes(t *testing.T) {
	src, _ := amfm.Generate(3, 128, 140, 5, 9, 4)
	rgba := image.NewRGBA(image.Rect(10, 20, 138, 160))
	for y := range 140 {
		for x := range 128 {
			v := src.GrayAt(x, y).Y
			rgba.Set(10+x, 20+y, color.RGBA{v, v, v, 255})
		}
	}
	a, err := AppendEncode(nil, src, nil)
	require.NoError(t, err)
	b, err := AppendEncode(nil, rgba, nil)
	require.NoError(t, err)
	assert.Equal(t, a, b, "encoding an RGBA copy of a grey image")
	// A sub-image with a stride wider than its width.
	big, _ := amfm.Generate(4, 300, 300, 5, 9, 4)
	sub := big.SubImage(image.Rect(50, 60, 250, 280)).(*image.Gray)
	copyImg := image.NewGray(image.Rect(0, 0, 200, 220))
	for y := range 220 {
		copy(copyImg.Pix[y*200:(y+1)*200], sub.Pix[y*sub.Stride:])
	}
	c, err := AppendEncode(nil, sub, nil)
	require.NoError(t, err)
	d, err := AppendEncode(nil, copyImg, nil)
	require.NoError(t, err)
	assert.Equal(t, d, c, "encoding a sub-image")
}

func TestFlatImage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 100, 90))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	data, err := AppendEncode(nil, img, nil)
	require.NoError(t, err)
	got, _, err := DecodeBytes(data, nil)
	require.NoError(t, err)
	assert.Equal(t, img.Pix, got.Pix, "a flat image survives exactly")
}

func TestEncodeErrors(t *testing.T) {
	img, _ := amfm.Generate(1, 100, 100, 5, 9, 4)
	for _, tc := range []struct {
		name string
		m    image.Image
		o    *Options
	}{
		{"too small", image.NewGray(image.Rect(0, 0, 64, 200)), nil},
		{"rate too high", img, &Options{BitRate: 9}},
		{"rate negative", img, &Options{BitRate: -1}},
		{"rate NaN", img, &Options{BitRate: math.NaN()}},
		{"negative ppi", img, &Options{PPI: -5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AppendEncode(nil, tc.m, tc.o)
			require.ErrorIs(t, err, ErrEncode)
		})
	}
}

// TestTreesMinDimension checks that MinDimension is what the filters need:
// from it up, every filtered line has at least five samples.
func TestTreesMinDimension(t *testing.T) {
	t.Parallel()
	limit := 0xffff
	if testing.Short() {
		limit = 4096
	}
	for s := MinDimension; s <= limit; s++ {
		tr := buildTrees(s, s)
		for i, n := range tr.w {
			if n.lenx < 5 || n.leny < 5 {
				t.Fatalf("buildTrees(%d, %d): node %d is %d × %d", s, s, i, n.lenx, n.leny)
			}
		}
		if s > 2000 {
			s += 97
		}
	}
	tr := buildTrees(MinDimension-1, MinDimension-1)
	small := false
	for _, n := range tr.w {
		small = small || n.lenx < 5
	}
	assert.True(t, small, "MinDimension-1 should be too small")
}

func TestMalformed(t *testing.T) {
	good, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	sof := bytes.Index(good, []byte{0xff, 0xa2})
	require.Positive(t, sof)
	dtt := bytes.Index(good, []byte{0xff, 0xa4})
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name  string
		data  []byte
		field string
		is    error
	}{
		{"empty", nil, "SOI", ErrFormat},
		{"no SOI", []byte{0xff, 0xd8, 0xff, 0xa1}, "SOI", ErrFormat},
		{"huge size", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[sof+6:], 0xffff)
			binary.BigEndian.PutUint16(b[sof+8:], 0xffff)
			return b
		}), "SOF size", ErrTooLarge},
		{"tiny size", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[sof+6:], 10)
			return b
		}), "SOF size", ErrFormat},
		{"bad filter length", mod(func(b []byte) []byte { b[dtt+4] = 8; return b }), "DTT filter lengths", ErrFormat},
		{"bad SOF length", mod(func(b []byte) []byte { b[sof+3] = 16; return b }), "SOF length", ErrFormat},
		{"truncated data", good[:len(good)-100], "block data", ErrFormat},
		{"no EOI", good[:len(good)-2], "block data", ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, info, err := DecodeBytes(tc.data, nil)
			require.ErrorIs(t, err, tc.is)
			assert.Nil(t, m)
			assert.Nil(t, info)
			var fe *FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field, "error %v", err)
		})
	}
}

// TestTruncations decodes every prefix of a valid file: each must fail
// with a FormatError, never panic.
func TestTruncations(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	step := 1
	if testing.Short() {
		step = 17
	}
	for n := 0; n < len(good); n += step {
		_, _, err := DecodeBytes(good[:n], nil)
		if !errors.Is(err, ErrFormat) {
			t.Fatalf("DecodeBytes(first %d bytes) = %v, want ErrFormat", n, err)
		}
	}
}

func TestDecodeConfigTruncated(t *testing.T) {
	good, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	sof := bytes.Index(good, []byte{0xff, 0xa2})
	_, err = DecodeConfig(bytes.NewReader(good[:sof+10]))
	require.ErrorIs(t, err, ErrFormat)
	cfg, err := DecodeConfig(bytes.NewReader(good[:sof+19]))
	require.NoError(t, err)
	assert.Equal(t, 256, cfg.Width)
	info, err := ReadInfo(good)
	require.NoError(t, err)
	assert.Equal(t, 500, info.PPI)
	assert.Len(t, info.Comments, 1)
}

func TestDecodeMaxPixels(t *testing.T) {
	good, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	_, _, err = DecodeBytes(good, &DecodeOptions{MaxPixels: 256*320 - 1})
	require.ErrorIs(t, err, ErrTooLarge)
	_, _, err = DecodeBytes(good, &DecodeOptions{MaxPixels: 256 * 320})
	require.NoError(t, err)
}

// TestDecoderReuse decodes files of different sizes with one Decoder,
// larger first so that buffers are reused with stale contents, and
// requires the results of fresh decoding.
func TestDecoderReuse(t *testing.T) {
	var dec Decoder
	for _, name := range []string{"synth-b", "synth-a", "synth-b"} {
		data, err := os.ReadFile(filepath.Join("testdata", name+".wsq"))
		require.NoError(t, err)
		got, _, err := dec.Decode(data)
		require.NoError(t, err)
		want := readGrayPNG(t, filepath.Join("testdata", name+".dwsq.png"))
		assert.Equal(t, want.Pix, got.Pix, "Decoder.Decode(%s) after other files", name)
	}
	// A flat image has no subband with a bin width: the reused buffer must
	// not leak the previous image's coefficients.
	flat := image.NewGray(image.Rect(0, 0, 100, 90))
	for i := range flat.Pix {
		flat.Pix[i] = 77
	}
	data, err := AppendEncode(nil, flat, nil)
	require.NoError(t, err)
	got, _, err := dec.Decode(data)
	require.NoError(t, err)
	assert.Equal(t, flat.Pix, got.Pix)
}

// TestDecodeConfigManySegments feeds DecodeConfig a header of many comment
// segments: it must read them in linear time and stop at MaxFileSize.
func TestDecodeConfigManySegments(t *testing.T) {
	good, err := os.ReadFile("testdata/synth-a.wsq")
	require.NoError(t, err)
	var b bytes.Buffer
	b.Write(good[:2])
	for range 100000 {
		b.Write([]byte{0xff, 0xa8, 0x00, 0x03, 'x'})
	}
	b.Write(good[2:])
	cfg, err := DecodeConfig(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, 256, cfg.Width)
	_, err = DecodeConfig(bytes.NewReader([]byte{0xff, 0xa0, 0xff, 0xa8, 0x00, 0x01}))
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 4, fe.Offset, "error %v", err)
}
