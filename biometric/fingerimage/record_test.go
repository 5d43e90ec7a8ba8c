package fingerimage

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric/wsq"
	"github.com/ciekit/ciekit/internal/amfm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hexDecode(s)
	require.NoError(t, err)
	return b
}

func hexDecode(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

// record2005 is a hand-built ISO/IEC 19794-4:2005 record (Tables 1 and 2 of
// the 2005 edition) with one 3 × 2 raw 8-bit view of the left index finger.
const record2005 = `
46495200 30313000      # "FIR\0" "010\0"
00000000 0034          # record length 52 (6 bytes)
0000 001F              # capture device 0, acquisition level 31
01 01                  # one finger, scale units: pixels per inch
01F4 01F4 01F4 01F4    # scan and image resolution 500 × 500
08 00 0000             # depth 8, compression 0 (raw), reserved
00000014               # finger data block length 20 = 14 + 6
07 01 01 50 00         # left index, 1 view, view 1, quality 80, live-scan plain
0003 0002 00           # 3 × 2 pixels, reserved
000102 FDFEFF          # pixels`

func TestParse2005KnownAnswer(t *testing.T) {
	data := unhex(t, stripComments(record2005))
	rec, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, V2005, rec.Version)
	assert.Equal(t, uint16(31), rec.AcquisitionLevel)
	require.Len(t, rec.Images, 1)
	im := rec.Images[0]
	assert.Equal(t, LeftIndex, im.Position)
	assert.Equal(t, uint8(80), im.Quality)
	assert.Equal(t, 3, im.Width)
	assert.Equal(t, 2, im.Height)
	assert.Equal(t, Raw, im.Compression)
	assert.Equal(t, uint16(500), im.ImageResY)
	m, err := im.Decode()
	require.NoError(t, err)
	assert.Equal(t, []uint8{0, 1, 2, 0xfd, 0xfe, 0xff}, m.(*image.Gray).Pix)
	out, err := rec.Marshal()
	require.NoError(t, err)
	assert.Equal(t, data, out, "Marshal(Parse(record2005))")
}

// record2011 is a hand-built ISO/IEC 19794-4:2011 record (Tables 1 and 2 of
// the 2011 edition) with certification, one quality block, a 2 × 2 raw
// image and 3 bytes of extended data.
const record2011 = `
46495200 30323000      # "FIR\0" "020\0"
0000003F               # record length (set by the test)
0001 01 01             # one representation, certified, one position
0000002F               # representation length (set by the test)
07E9 0C 05 0A 1E 00 0000   # 2025-12-05 10:30:00.000
02 1234 5678           # device technology, vendor, type
01 3C 0001 0002        # one quality block: score 60, vendor 1, algorithm 2
01 0042 07             # one certification block: authority 0x42, scheme 7
02 01 01               # right index, representation 1, pixels per inch
01F4 01F4 01F4 01F4    # sampling rates
08 00 00               # depth 8, raw, live-scan plain
0002 0002              # 2 × 2
00000004               # image data length
10203040               # pixels
AABBCC                 # extended data`

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		l, _, _ = strings.Cut(l, "#")
		b.WriteString(l)
	}
	return b.String()
}

func TestParse2011KnownAnswer(t *testing.T) {
	data := unhex(t, stripComments(record2011))
	// Lengths: 16 header + representation (4+9+5+1+5+1+3+3+8+3+4+4+4+3 = 57).
	data[11] = byte(len(data))
	data[19] = byte(len(data) - 16)
	rec, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, V2011, rec.Version)
	assert.True(t, rec.Certified)
	require.Len(t, rec.Images, 1)
	im := rec.Images[0]
	assert.Equal(t, RightIndex, im.Position)
	assert.Equal(t, []Quality{{Score: 60, VendorID: 1, Algorithm: 2}}, im.Qualities)
	assert.Equal(t, []Certification{{AuthorityID: 0x42, SchemeID: 7}}, im.Certifications)
	assert.Equal(t, uint16(0x1234), im.DeviceVendor)
	assert.Equal(t, []byte{0xaa, 0xbb, 0xcc}, im.Extended)
	assert.Equal(t, [9]byte{0x07, 0xe9, 12, 5, 10, 30, 0, 0, 0}, im.CaptureTime)
	m, err := im.Decode()
	require.NoError(t, err)
	assert.Equal(t, []uint8{0x10, 0x20, 0x30, 0x40}, m.(*image.Gray).Pix)
	// Written back as 2005.
	out, err := rec.Marshal()
	require.NoError(t, err)
	back, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, V2005, back.Version)
	assert.Equal(t, im.Data, back.Images[0].Data)
}

// TestParse2011ZeroSize: a representation with a zero line length is refused
// where the line lengths are, as in a 2005 record (which Marshal could not
// write back).
func TestParse2011ZeroSize(t *testing.T) {
	good := unhex(t, stripComments(record2011))
	good[11] = byte(len(good))
	good[19] = byte(len(good) - 16)
	for _, off := range []int{58, 60} {
		data := bytes.Clone(good)
		data[off], data[off+1] = 0, 0
		rec, err := Parse(data)
		require.ErrorIs(t, err, ErrFormat)
		assert.Nil(t, rec)
		var fe *FormatError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "representation 1 line lengths", fe.Field, "error %v", err)
		assert.Equal(t, 58, fe.Offset, "error %v", err)
	}
}

func synth(t testing.TB, seed uint64, w, h int) *image.Gray {
	img, _ := amfm.Generate(seed, w, h, 20, 9, 4)
	return img
}

func TestMultiFingerRoundTrip(t *testing.T) {
	for _, c := range []Compression{WSQ, PNG, JPEG, Raw} {
		t.Run(c.String(), func(t *testing.T) {
			a, b := synth(t, 1, 256, 300), synth(t, 2, 256, 300)
			ia, err := NewImage(RightIndex, a, c, nil)
			require.NoError(t, err)
			ib, err := NewImage(LeftIndex, b, c, &EncodeOptions{BitRate: 2.25, JPEGQuality: 95})
			require.NoError(t, err)
			ib.ViewNumber = 1
			rec := &Record{Images: []Image{ia, ib}}
			data, err := rec.Marshal()
			require.NoError(t, err)
			got, err := Parse(data)
			require.NoError(t, err)
			require.Len(t, got.Images, 2)
			for i, want := range []*image.Gray{a, b} {
				im := got.Images[i]
				assert.Equal(t, rec.Images[i].Data, im.Data)
				assert.Equal(t, rec.Images[i].Position, im.Position)
				m, err := im.Decode()
				require.NoError(t, err)
				g := m.(*image.Gray)
				require.Equal(t, want.Rect, g.Rect)
				switch c {
				case Raw, PNG:
					assert.Equal(t, want.Pix, g.Pix, "lossless %v body", c)
				case WSQ:
					direct, _, err := wsq.DecodeBytes(im.Data, nil)
					require.NoError(t, err)
					assert.Equal(t, direct.Pix, g.Pix)
				}
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	a, err := NewImage(RightIndex, synth(t, 1, 100, 100), Raw, nil)
	require.NoError(t, err)
	b, err := NewImage(LeftIndex, synth(t, 2, 100, 100), PNG, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		rec  *Record
	}{
		{"no images", &Record{}},
		{"mixed compression", &Record{Images: []Image{a, b}}},
		{"zero width", &Record{Images: []Image{{Depth: 8, Height: 3}}}},
		{"unknown compression", &Record{Images: []Image{{Depth: 8, Width: 3, Height: 3, Compression: 99}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.rec.Marshal()
			require.ErrorIs(t, err, ErrEncode)
		})
	}
	_, err = NewImage(RightIndex, synth(t, 1, 100, 100), JPEG2000, nil)
	require.ErrorIs(t, err, errors.ErrUnsupported)
}

func TestParseErrors(t *testing.T) {
	good := unhex(t, stripComments(record2005))
	mod := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		field  string
		offset int
	}{
		{"empty", nil, "format identifier", 0},
		{"bad magic", mod(0, 'F', 'M', 'R'), "format identifier", 0},
		{"bad version", mod(4, '0', '3', '0'), "version", 4},
		{"length mismatch", mod(13, 0x35), "record length", 8},
		{"zero fingers", mod(18, 0), "number of fingers", 18},
		{"too many fingers", mod(18, 9), "number of fingers", 18},
		{"bad depth", mod(28, 0), "pixel depth", 28},
		{"bad compression", mod(29, 9), "image compression algorithm", 29},
		{"block too long", mod(35, 0x15), "finger 1 data block length", 32},
		{"block too short", mod(35, 0x0d), "finger 1 data block length", 32},
		{"zero width", mod(41, 0, 0), "finger 1 line lengths", 41},
		{"zero height", mod(43, 0, 0), "finger 1 line lengths", 41},
		{"truncated", good[:40], "record length", 8},
		{"bytes after the views", append(mod(13, 0x35), 0), "record", 52},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.data)
			require.ErrorIs(t, err, ErrFormat)
			assert.Nil(t, rec)
			var fe *FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field, "error %v", err)
			assert.Equal(t, tc.offset, fe.Offset, "error %v", err)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	img, err := NewImage(RightIndex, synth(t, 1, 100, 120), WSQ, nil)
	require.NoError(t, err)
	bad := img
	bad.Width = 99
	_, err = bad.Decode()
	require.ErrorIs(t, err, ErrFormat, "WSQ size disagreeing with the header")
	bad = img
	bad.Compression = PNG
	_, err = bad.Decode()
	require.ErrorIs(t, err, ErrFormat, "WSQ data labelled PNG")
	bad = img
	bad.Compression = JPEG2000
	bad.Data = []byte{0xff, 0x4f, 0xff, 0x51, 0, 0x29}
	_, err = bad.Decode()
	require.ErrorIs(t, err, errors.ErrUnsupported)
	bad = img
	bad.Width, bad.Height = 0xffff, 0xffff
	_, err = bad.Decode()
	require.ErrorIs(t, err, ErrTooLarge)
	raw, err := NewImage(RightIndex, synth(t, 1, 100, 120), Raw, nil)
	require.NoError(t, err)
	raw.Data = raw.Data[1:]
	_, err = raw.Decode()
	require.ErrorIs(t, err, ErrFormat)
}

func TestPacked(t *testing.T) {
	im := Image{Compression: RawPacked, Depth: 1, Width: 3, Height: 2, Data: []byte{0b10100000, 0b01100000}}
	m, err := im.Decode()
	require.NoError(t, err)
	assert.Equal(t, []uint8{255, 0, 255, 0, 255, 255}, m.(*image.Gray).Pix)
	im = Image{Compression: Raw, Depth: 12, Width: 1, Height: 1, Data: []byte{0x0f, 0xff}}
	m, err = im.Decode()
	require.NoError(t, err)
	assert.Equal(t, uint16(0xffff), m.(*image.Gray16).Gray16At(0, 0).Y)
}

// TestTruncations parses every prefix of valid records: each must fail
// with ErrFormat, never panic.
func TestTruncations(t *testing.T) {
	a, err := NewImage(RightIndex, synth(t, 1, 100, 100), WSQ, nil)
	require.NoError(t, err)
	rec := &Record{Images: []Image{a, a}}
	r2005, err := rec.Marshal()
	require.NoError(t, err)
	r2011 := unhex(t, stripComments(record2011))
	r2011[11] = byte(len(r2011))
	r2011[19] = byte(len(r2011) - 16)
	for _, data := range [][]byte{r2005, r2011} {
		for n := range len(data) {
			if _, err := Parse(data[:n]); !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse(first %d of %d bytes) = %v, want ErrFormat", n, len(data), err)
			}
		}
	}
}

// TestParseMkfirRecord reads a record written by NIST biomdi mkfir
// (testdata/README.md), decodes its WSQ images to the pixels NBIS dwsq
// produced, and writes the same bytes back.
func TestParseMkfirRecord(t *testing.T) {
	data, err := os.ReadFile("testdata/mkfir-2wsq.fir")
	require.NoError(t, err)
	rec, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, V2005, rec.Version)
	assert.Equal(t, uint16(31), rec.AcquisitionLevel)
	require.Len(t, rec.Images, 2)
	for i, want := range []struct {
		pos     Position
		quality uint8
		w, h    int
		dwsq    string
	}{
		{LeftIndex, 60, 256, 320, "../wsq/testdata/synth-a.dwsq.png"},
		{RightIndex, 70, 301, 263, "../wsq/testdata/synth-b.dwsq.png"},
	} {
		im := rec.Images[i]
		assert.Equal(t, want.pos, im.Position, "image %d", i)
		assert.Equal(t, want.quality, im.Quality, "image %d", i)
		assert.Equal(t, WSQ, im.Compression, "image %d", i)
		assert.Equal(t, uint16(500), im.ScanResX, "image %d", i)
		m, err := im.Decode()
		require.NoError(t, err)
		f, err := os.Open(want.dwsq)
		require.NoError(t, err)
		ref, err := png.Decode(f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, ref.(*image.Gray).Pix, m.(*image.Gray).Pix, "image %d pixels against dwsq", i)
	}
	out, err := rec.Marshal()
	require.NoError(t, err)
	assert.Equal(t, data, out, "Marshal(Parse(mkfir record))")
}

// TestParsePillowRecords reads ISO/IEC 19794-4:2011 records written by
// IDEMIA's python-iso19794 Pillow plug-in (testdata/README.md).
func TestParsePillowRecords(t *testing.T) {
	data, err := os.ReadFile("testdata/pil-2raw.fir")
	require.NoError(t, err)
	rec, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, V2011, rec.Version)
	assert.True(t, rec.Certified)
	require.Len(t, rec.Images, 2)
	for i, pos := range []Position{RightIndex, LeftIndex} {
		im := rec.Images[i]
		assert.Equal(t, pos, im.Position)
		assert.Equal(t, uint8(i+1), im.ViewNumber)
		assert.Equal(t, []Quality{{Score: 60, VendorID: 1, Algorithm: 2}}, im.Qualities)
		assert.Equal(t, []Certification{{AuthorityID: 0x78ab, SchemeID: 1}}, im.Certifications)
		assert.Equal(t, [9]byte{0x07, 0xe9, 12, 5, 10, 30, 15, 0, 250}, im.CaptureTime)
		assert.Equal(t, uint8(2), im.DeviceTech)
		m, err := im.Decode()
		require.NoError(t, err)
		f, err := os.Open(fmt.Sprintf("testdata/pil-2raw-%d.png", i+1))
		require.NoError(t, err)
		want, err := png.Decode(f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, want.(*image.Gray).Pix, m.(*image.Gray).Pix, "representation %d", i+1)
	}
	data, err = os.ReadFile("testdata/pil-jpeg.fir")
	require.NoError(t, err)
	rec, err = Parse(data)
	require.NoError(t, err)
	require.Len(t, rec.Images, 1)
	assert.Equal(t, JPEG, rec.Images[0].Compression)
	assert.Equal(t, RightThumb, rec.Images[0].Position)
	m, err := rec.Images[0].Decode()
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 96, 120), m.Bounds())
}
