package jpeg2000_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric/jpeg2000"
)

func testFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"testdata/*.j2k", "testdata/*.jp2"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	return files
}

func rgb(img image.Image) []byte {
	r := img.Bounds()
	out := make([]byte, 0, 3*r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			out = append(out, c.R, c.G, c.B)
		}
	}
	return out
}

// TestOpenJPEGFiles decodes the files opj_compress wrote (testdata/README.md)
// and requires opj_decompress's pixels exactly.
func TestOpenJPEGFiles(t *testing.T) {
	t.Parallel()
	for _, f := range testFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			img, err := jpeg2000.Decode(bytes.NewReader(b))
			require.NoError(t, err, "Decode(%s)", f)
			got := rgb(img)
			if sum, err := os.ReadFile(f + ".sha256"); err == nil {
				h := sha256.Sum256(got)
				assert.Equal(t, strings.TrimSpace(string(sum)), hex.EncodeToString(h[:]), "SHA-256 of Decode(%s) pixels", f)
				return
			}
			pf, err := os.Open(f + ".png")
			require.NoError(t, err)
			defer pf.Close()
			ref, err := png.Decode(pf)
			require.NoError(t, err)
			require.Equal(t, ref.Bounds(), img.Bounds(), "Decode(%s).Bounds()", f)
			want := rgb(ref)
			if !bytes.Equal(want, got) {
				n, maxd := 0, 0
				for i := range want {
					d := int(want[i]) - int(got[i])
					if d != 0 {
						n++
						maxd = max(maxd, d, -d)
					}
				}
				t.Errorf("Decode(%s): %d samples differ from opj_decompress, by up to %d", f, n, maxd)
			}
			cfg, err := jpeg2000.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, img.Bounds().Dx(), cfg.Width, "DecodeConfig(%s).Width", f)
			assert.Equal(t, img.Bounds().Dy(), cfg.Height, "DecodeConfig(%s).Height", f)
			assert.Equal(t, img.ColorModel(), cfg.ColorModel, "DecodeConfig(%s).ColorModel", f)
		})
	}
}

func TestImageDecodeRegistered(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"testdata/colour_r97.jp2", "testdata/grey_lossless.j2k"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		_, format, err := image.Decode(bytes.NewReader(b))
		require.NoError(t, err, "image.Decode(%s)", f)
		want := "j2k"
		if strings.HasSuffix(f, ".jp2") {
			want = "jpeg2000"
		}
		assert.Equal(t, want, format, "image.Decode(%s) format", f)
	}
}

func mustRead(t testing.TB, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	return b
}

// siz builds a minimal codestream main header for a w×h single-component
// image, followed by rest.
func siz(w, h uint32, ncomp int) []byte {
	b := []byte{0xFF, 0x4F, 0xFF, 0x51}
	body := binary.BigEndian.AppendUint16(nil, 0)
	for _, v := range []uint32{w, h, 0, 0, w, h, 0, 0} {
		body = binary.BigEndian.AppendUint32(body, v)
	}
	body = binary.BigEndian.AppendUint16(body, uint16(ncomp))
	for range ncomp {
		body = append(body, 7, 1, 1)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)+2))
	return append(b, body...)
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	good := mustRead(t, "testdata/grey_lossless.j2k")
	cod := []byte{0xFF, 0x52, 0, 12, 0, 0, 0, 1, 0, 5, 4, 4, 0, 1}
	qcd := []byte{0xFF, 0x5C, 0, 4, 0x40, 0x40}
	tests := []struct {
		name  string
		in    []byte
		want  error
		field string
	}{
		{"empty", nil, jpeg2000.ErrMalformed, "SOC"},
		{"not jpeg2000", []byte("GIF89a...."), jpeg2000.ErrMalformed, "SOC"},
		{"SOC only", []byte{0xFF, 0x4F}, jpeg2000.ErrMalformed, "SIZ"},
		{"truncated SIZ", good[:20], io.ErrUnexpectedEOF, "SIZ"},
		{"no components", siz(8, 8, 0), jpeg2000.ErrMalformed, "SIZ Csiz"},
		{"too many components", siz(8, 8, 65), jpeg2000.ErrUnsupported, "SIZ Csiz"},
		{"too large", append(append(append(siz(1<<16, 1<<16, 1), cod...), qcd...), 0xFF, 0xD9), jpeg2000.ErrTooLarge, "SIZ"},
		{"truncated main header", append(siz(8, 8, 1), cod[:6]...), io.ErrUnexpectedEOF, "COD"},
		{"no QCD", append(append(siz(8, 8, 1), cod...), 0xFF, 0x90), jpeg2000.ErrMalformed, "QCD"},
		{"PPM", append(append(append(siz(8, 8, 1), cod...), qcd...), 0xFF, 0x60, 0, 3, 0), jpeg2000.ErrUnsupported, "PPM"},
		{"bad POC", append(append(append(siz(8, 8, 1), cod...), qcd...), 0xFF, 0x5F, 0, 9, 0, 0, 0, 0, 1, 1, 0), jpeg2000.ErrMalformed, "POC"},
		{"truncated tile", good[:len(good)/2], io.ErrUnexpectedEOF, "tile 0"},
		{"bad JP2 box", append(append([]byte{}, mustRead(t, "testdata/colour_r97.jp2")[:12]...), 0, 0, 0, 3, 'f', 't', 'y', 'p'), jpeg2000.ErrMalformed, "JP2 box"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, err := jpeg2000.Decode(bytes.NewReader(tc.in))
			require.ErrorIs(t, err, tc.want, "Decode(%s)", tc.name)
			assert.Nil(t, img, "Decode(%s) image with an error", tc.name)
			var fe *jpeg2000.FormatError
			require.ErrorAs(t, err, &fe, "Decode(%s)", tc.name)
			assert.Contains(t, fe.Field, tc.field, "Decode(%s): %v", tc.name, err)
			assert.True(t, strings.HasPrefix(err.Error(), "jpeg2000: offset "), "Decode(%s) message %q", tc.name, err)
		})
	}
	_, err := jpeg2000.Decode(bytes.NewReader(tests[9].in)) // PPM
	assert.ErrorIs(t, err, errors.ErrUnsupported, "ErrUnsupported wraps errors.ErrUnsupported")
}

func TestMaxSamples(t *testing.T) {
	t.Parallel()
	b := mustRead(t, "testdata/colour_lossless.j2k")
	d := jpeg2000.Decoder{MaxSamples: 64 * 80 * 3}
	_, err := d.Decode(bytes.NewReader(b))
	require.NoError(t, err, "Decode at exactly the limit")
	d.MaxSamples--
	_, err = d.Decode(bytes.NewReader(b))
	require.ErrorIs(t, err, jpeg2000.ErrTooLarge, "Decode one sample over the limit")
}

// TestTruncations cuts a file at every length: each must give an error or an
// image, never a panic (truncation at a packet boundary is legal).
func TestTruncations(t *testing.T) {
	t.Parallel()
	b := mustRead(t, "testdata/colour_modes.j2k")
	step := 1
	if testing.Short() {
		step = 7
	}
	for n := 0; n < len(b); n += step {
		img, err := jpeg2000.Decode(bytes.NewReader(b[:n]))
		if (img == nil) == (err == nil) {
			t.Fatalf("Decode(first %d bytes) = %v, %v: want exactly one of image and error", n, img != nil, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, file := range testFiles(f) {
		b := mustRead(f, file)
		if len(b) < 8000 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := jpeg2000.Decoder{MaxSamples: 1 << 20}
		img, err := d.Decode(bytes.NewReader(b))
		if err != nil {
			if img != nil {
				t.Fatalf("Decode returned an image with error %v", err)
			}
			var fe *jpeg2000.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Decode error %v is not a *FormatError", err)
			}
			return
		}
		cfg, err := jpeg2000.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", err)
		}
		if img.Bounds().Dx() != cfg.Width || img.Bounds().Dy() != cfg.Height {
			t.Fatalf("Decode bounds %v, DecodeConfig %dx%d", img.Bounds(), cfg.Width, cfg.Height)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	for _, f := range []string{"testdata/face_passport.jp2", "testdata/colour_lossless.j2k"} {
		data := mustRead(b, f)
		cfg, err := jpeg2000.DecodeConfig(bytes.NewReader(data))
		require.NoError(b, err)
		b.Run(filepath.Base(f), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(cfg.Width * cfg.Height))
			for b.Loop() {
				if _, err := jpeg2000.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMutatedInputs decodes the test files with random byte, bit and
// 32-bit-field changes (half of them in the headers): each must give an
// image or an error, never a panic. It found the empty-component crash that
// coverage-guided fuzzing had missed (testdata/fuzz/FuzzDecode).
func TestMutatedInputs(t *testing.T) {
	t.Parallel()
	var files [][]byte
	for _, f := range testFiles(t) {
		if b := mustRead(t, f); len(b) < 8000 {
			files = append(files, b)
		}
	}
	n := 3000
	if testing.Short() {
		n = 500
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range n {
		b := bytes.Clone(files[rng.IntN(len(files))])
		for range 1 + rng.IntN(4) {
			p := rng.IntN(len(b))
			if rng.IntN(2) == 0 {
				p = rng.IntN(min(len(b), 250))
			}
			switch rng.IntN(4) {
			case 0:
				b[p] ^= 1 << rng.IntN(8)
			case 1:
				b[p] = byte(rng.IntN(256))
			case 2:
				b[p] = 0xFF
			default:
				if p+4 <= len(b) {
					binary.BigEndian.PutUint32(b[p:], rng.Uint32())
				}
			}
		}
		d := jpeg2000.Decoder{MaxSamples: 1 << 20}
		img, err := d.Decode(bytes.NewReader(b))
		if (img == nil) == (err == nil) {
			t.Fatalf("mutation %d: Decode returned image %v and error %v", i, img != nil, err)
		}
	}
}
