package eval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/ciekit/ciekit/biometric/scansim"
)

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one IFD entry for buildTIFF: its values already encoded in
// the file's byte order (a RATIONAL is numerator then denominator).
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

func tiffShortEntry(bo byteOrder, tag uint16, v uint16) tiffEntry {
	return tiffEntry{tag, tiffShort, 1, bo.AppendUint16(nil, v)}
}

func tiffLongEntry(bo byteOrder, tag uint16, v uint32) tiffEntry {
	return tiffEntry{tag, tiffLong, 1, bo.AppendUint32(nil, v)}
}

func tiffRationalEntry(bo byteOrder, tag uint16, num, den uint32) tiffEntry {
	return tiffEntry{tag, tiffRational, 1, bo.AppendUint32(bo.AppendUint32(nil, num), den)}
}

// tiffRes is XResolution, YResolution and ResolutionUnit entries.
func tiffRes(bo byteOrder, xNum, xDen, yNum, yDen uint32, unit uint16) []tiffEntry {
	return []tiffEntry{tiffRationalEntry(bo, tiffXResolution, xNum, xDen), tiffRationalEntry(bo, tiffYResolution, yNum, yDen), tiffShortEntry(bo, tiffResolutionUnit, unit)}
}

// buildTIFF writes img (*image.Gray or *image.Gray16) as an uncompressed
// one-strip TIFF in byte order bo, laid out as header, pixels, IFD, then
// the values that do not fit in an entry, with the extra entries (the
// resolution) among the IFD's, sorted by tag as TIFF 6.0 requires.
func buildTIFF(t testing.TB, bo byteOrder, img image.Image, extra ...tiffEntry) []byte {
	t.Helper()
	b := img.Bounds()
	var pix []byte
	bps := uint16(8)
	switch m := img.(type) {
	case *image.Gray:
		for y := range b.Dy() {
			pix = append(pix, m.Pix[y*m.Stride:y*m.Stride+b.Dx()]...)
		}
	case *image.Gray16:
		bps = 16
		for y := range b.Dy() {
			for x := range b.Dx() {
				pix = bo.AppendUint16(pix, m.Gray16At(b.Min.X+x, b.Min.Y+y).Y)
			}
		}
	default:
		t.Fatalf("buildTIFF: %T", img)
	}
	out := []byte("II*\x00")
	if bo == binary.BigEndian {
		out = []byte("MM\x00*")
	}
	const pixAt = 8
	ifd := pixAt + len(pix)
	ifd += ifd & 1 // word boundary
	entries := append([]tiffEntry{
		tiffLongEntry(bo, tiffImageWidth, uint32(b.Dx())),
		tiffLongEntry(bo, tiffImageLength, uint32(b.Dy())),
		tiffShortEntry(bo, 258, bps),             // BitsPerSample
		tiffShortEntry(bo, 259, 1),               // Compression: none
		tiffShortEntry(bo, 262, 1),               // PhotometricInterpretation: BlackIsZero
		tiffLongEntry(bo, 273, pixAt),            // StripOffsets
		tiffLongEntry(bo, 278, uint32(b.Dy())),   // RowsPerStrip
		tiffLongEntry(bo, 279, uint32(len(pix))), // StripByteCounts
	}, extra...)
	slices.SortStableFunc(entries, func(a, b tiffEntry) int { return int(a.tag) - int(b.tag) })
	out = bo.AppendUint32(out, uint32(ifd))
	out = append(out, pix...)
	for len(out) < ifd {
		out = append(out, 0)
	}
	values := ifd + 2 + 12*len(entries) + 4
	var tail []byte
	out = bo.AppendUint16(out, uint16(len(entries)))
	for _, e := range entries {
		out = bo.AppendUint16(out, e.tag)
		out = bo.AppendUint16(out, e.typ)
		out = bo.AppendUint32(out, e.count)
		if len(e.value) <= 4 {
			out = append(out, e.value...)
			out = append(out, make([]byte, 4-len(e.value))...)
			continue
		}
		out = bo.AppendUint32(out, uint32(values+len(tail)))
		tail = append(tail, e.value...)
	}
	out = bo.AppendUint32(out, 0) // no next IFD
	return append(out, tail...)
}

// buildBMP writes img as an 8-bit grey-palette BMP with a 40-byte
// BITMAPINFOHEADER declaring xPPM, yPPM pixels per metre, its rows
// bottom-up as usual or top-down (negative height).
func buildBMP(img *image.Gray, xPPM, yPPM int32, topDown bool) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	stride := (w + 3) &^ 3
	le := binary.LittleEndian
	const pixAt = 14 + 40 + 1024
	out := []byte("BM")
	out = le.AppendUint32(out, uint32(pixAt+stride*h))
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, pixAt)
	out = le.AppendUint32(out, 40)
	out = le.AppendUint32(out, uint32(w))
	height := int32(h)
	if topDown {
		height = -height
	}
	out = le.AppendUint32(out, uint32(height))
	out = le.AppendUint16(out, 1) // planes
	out = le.AppendUint16(out, 8) // bits per pixel
	out = le.AppendUint32(out, 0) // BI_RGB
	out = le.AppendUint32(out, uint32(stride*h))
	out = le.AppendUint32(out, uint32(xPPM))
	out = le.AppendUint32(out, uint32(yPPM))
	out = le.AppendUint32(out, 256)
	out = le.AppendUint32(out, 0)
	for i := range 256 {
		out = append(out, byte(i), byte(i), byte(i), 0)
	}
	for r := range h {
		y := h - 1 - r
		if topDown {
			y = r
		}
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		out = append(out, row...)
		out = append(out, make([]byte, stride-w)...)
	}
	return out
}

func testGray(t testing.TB, seed uint64) *image.Gray {
	t.Helper()
	return scansim.Generate(seed, 130, 150).Image // odd sizes: row padding
}

// testGray16 is a 16-bit ramp that no 8-bit image could hold.
func testGray16(w, h int) *image.Gray16 {
	m := image.NewGray16(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetGray16(x, y, color.Gray16{Y: uint16(x*257 + y*3 + 1)})
		}
	}
	return m
}

// assertSameGray checks that got shows the pixels of want.
func assertSameGray(t *testing.T, want *image.Gray, got image.Image, msg string) {
	t.Helper()
	require.Equal(t, want.Bounds(), got.Bounds(), msg)
	if g, ok := got.(*image.Gray); ok {
		assert.Equal(t, want.Pix, g.Pix, msg)
		return
	}
	for y := want.Rect.Min.Y; y < want.Rect.Max.Y; y++ {
		for x := want.Rect.Min.X; x < want.Rect.Max.X; x++ {
			if g := color.GrayModel.Convert(got.At(x, y)).(color.Gray); g != want.GrayAt(x, y) {
				t.Fatalf("%s: pixel (%d,%d) = %d, want %d", msg, x, y, g.Y, want.GrayAt(x, y).Y)
			}
		}
	}
}

func TestReadPrintsTIFF(t *testing.T) {
	le, be := byteOrder(binary.LittleEndian), byteOrder(binary.BigEndian)
	src := testGray(t, 11)
	tests := []struct {
		name        string
		bo          byteOrder
		extra       []tiffEntry
		ppi, ignore int
	}{
		{"inch", le, tiffRes(le, 500, 1, 500, 1, 2), 500, 0},
		{"big-endian", be, tiffRes(be, 500, 1, 500, 1, 2), 500, 0},
		{"no resolution tag", le, nil, 0, 0},
		{"no unit tag means inch", be, tiffRes(be, 569, 1, 569, 1, 2)[:2], 569, 0},
		{"centimetre", le, tiffRes(le, 19685, 100, 19685, 100, 3), 500, 0},
		{"centimetre big-endian", be, tiffRes(be, 197, 1, 197, 1, 3), 500, 0},
		{"no absolute unit", le, tiffRes(le, 500, 1, 500, 1, 1), 0, 0},
		{"undefined unit", be, tiffRes(be, 500, 1, 500, 1, 9), 0, 0},
		{"fraction rounds", le, tiffRes(le, 10001, 20, 10001, 20, 2), 500, 0},
		{"x and y differ: x", le, tiffRes(le, 500, 1, 1000, 1, 2), 500, 0},
		{"only y", be, tiffRes(be, 1000, 1, 1000, 1, 2)[1:], 1000, 0},
		{"zero denominator", le, tiffRes(le, 500, 0, 500, 0, 2), 0, 0},
		{"zero", le, tiffRes(le, 0, 1, 0, 1, 2), 0, 0},
		{"72 dpi placeholder", be, tiffRes(be, 72, 1, 72, 1, 2), 0, 72},
		{"absurd", le, tiffRes(le, 4000000000, 1, 4000000000, 1, 3), 0, 2147483647},
		{"SHORT resolution", be, []tiffEntry{tiffShortEntry(be, tiffXResolution, 508), tiffShortEntry(be, tiffYResolution, 508)}, 508, 0},
		{"LONG resolution", le, []tiffEntry{tiffLongEntry(le, tiffXResolution, 1000), tiffLongEntry(le, tiffYResolution, 1000)}, 1000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := buildTIFF(t, tc.bo, src, tc.extra...)
			for _, name := range []string{"d/101_1.tif", "101_1.TIFF", "noext"} {
				ps, err := ReadPrints(name, data)
				require.NoError(t, err, name)
				require.Len(t, ps, 1)
				assert.Equal(t, tc.ppi, ps[0].PPI, "%s: PPI", name)
				assert.Equal(t, tc.ignore, ps[0].IgnoredPPI, "%s: IgnoredPPI", name)
				assertSameGray(t, src, ps[0].Image, name)
			}
		})
	}
}

func TestReadPrintsTIFF16(t *testing.T) {
	src := testGray16(300, 70)
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		data := buildTIFF(t, bo, src, tiffRes(bo, 1000, 1, 1000, 1, 2)...)
		ps, err := ReadPrints("a.tif", data)
		require.NoError(t, err, bo)
		g, ok := ps[0].Image.(*image.Gray16)
		require.True(t, ok, "%v: a 16-bit TIFF reads as %T, want *image.Gray16", bo, ps[0].Image)
		assert.Equal(t, src.Pix, g.Pix, "%v: 16-bit samples", bo)
		assert.Equal(t, 1000, ps[0].PPI)
	}
}

// golang.org/x/image/tiff's own encoder, compressed or not, 8 and 16 bits:
// it always declares 72 dpi, which is no print's resolution.
func TestReadPrintsTIFFEncoder(t *testing.T) {
	src := testGray(t, 12)
	for _, opt := range []*tiff.Options{nil, {Compression: tiff.Deflate, Predictor: true}} {
		for _, img := range []image.Image{src, testGray16(64, 80)} {
			var buf bytes.Buffer
			require.NoError(t, tiff.Encode(&buf, img, opt))
			ps, err := ReadPrints("x.tif", buf.Bytes())
			require.NoError(t, err)
			assert.Zero(t, ps[0].PPI)
			assert.Equal(t, 72, ps[0].IgnoredPPI)
			assert.Equal(t, 569, ps[0].Resolution(569))
			switch img := img.(type) {
			case *image.Gray:
				assertSameGray(t, img, ps[0].Image, "x/image TIFF")
			case *image.Gray16:
				assert.Equal(t, img.Pix, ps[0].Image.(*image.Gray16).Pix)
			}
		}
	}
}

func TestReadPrintsBMP(t *testing.T) {
	src := testGray(t, 13)
	tests := []struct {
		name        string
		xPPM, yPPM  int32
		topDown     bool
		ppi, ignore int
	}{
		{"bottom-up 500 ppi", 19685, 19685, false, 500, 0},
		{"top-down 500 ppi", 19685, 19685, true, 500, 0},
		{"no resolution", 0, 0, false, 0, 0},
		{"x and y differ: x", 22402, 19685, true, 569, 0},
		{"only y", 0, 39370, false, 1000, 0},
		{"96 dpi placeholder", 3780, 3780, false, 0, 96},
		{"negative", -19685, -19685, false, 0, -500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := buildBMP(src, tc.xPPM, tc.yPPM, tc.topDown)
			for _, name := range []string{"a.bmp", "a.BMP", "noext"} {
				ps, err := ReadPrints(name, data)
				require.NoError(t, err, name)
				assert.Equal(t, tc.ppi, ps[0].PPI, "%s: PPI", name)
				assert.Equal(t, tc.ignore, ps[0].IgnoredPPI, "%s: IgnoredPPI", name)
				assertSameGray(t, src, ps[0].Image, name)
			}
		})
	}

	// 24-bit, as golang.org/x/image/bmp writes an RGBA image (0 pixels per metre).
	rgba := image.NewRGBA(src.Rect)
	for i, v := range src.Pix {
		copy(rgba.Pix[4*i:], []byte{v, v, v, 0xFF})
	}
	var buf bytes.Buffer
	require.NoError(t, bmp.Encode(&buf, rgba))
	ps, err := ReadPrints("rgb.bmp", buf.Bytes())
	require.NoError(t, err)
	assert.Zero(t, ps[0].PPI)
	assert.Zero(t, ps[0].IgnoredPPI)
	assertSameGray(t, src, ps[0].Image, "24-bit BMP")
}

func TestResolution(t *testing.T) {
	for _, tc := range []struct {
		x, y        float64
		ppi, ignore int
	}{
		{0, 0, 0, 0}, {500, 0, 500, 0}, {0, 569, 569, 0}, {500.4, 1000, 500, 0},
		{199.4, 0, 0, 199}, {199.5, 0, 200, 0}, {10000, 0, 10000, 0}, {10000.5, 0, 0, 10001},
		{-3, 0, 0, -3}, {1e300, 0, 0, 2147483647}, {-1e300, 0, 0, -2147483648},
	} {
		ppi, ignore := resolution(tc.x, tc.y)
		assert.Equal(t, [2]int{tc.ppi, tc.ignore}, [2]int{ppi, ignore}, "resolution(%g, %g)", tc.x, tc.y)
	}
}

// headerErr returns err's *HeaderError, failing the test if there is none.
func headerErr(t *testing.T, err error) *HeaderError {
	t.Helper()
	var he *HeaderError
	require.ErrorAs(t, err, &he)
	require.ErrorIs(t, err, ErrMalformed)
	return he
}

func TestReadPrintsHeaderErrors(t *testing.T) {
	le, be := byteOrder(binary.LittleEndian), byteOrder(binary.BigEndian)
	src := testGray(t, 14)
	good := buildTIFF(t, be, src, tiffRes(be, 500, 1, 500, 1, 2)...)
	ifd := int(be.Uint32(good[4:]))
	patch := func(b []byte, at int, v ...byte) []byte {
		b = slices.Clone(b)
		copy(b[at:], v)
		return b
	}
	// entry returns the offset of the IFD entry of tag in good.
	entry := func(tag uint16) int {
		for i := range int(be.Uint16(good[ifd:])) {
			if e := ifd + 2 + 12*i; be.Uint16(good[e:]) == tag {
				return e
			}
		}
		t.Fatalf("no tag %d", tag)
		return 0
	}
	xres := entry(tiffXResolution)
	tests := []struct {
		name, file string
		data       []byte
		want       string // the error's text after the file name
		offset     int64
	}{
		{"short header", "a.tif", good[:6], "TIFF header, header at byte 0: the file is 6 bytes, a TIFF header is 8", 0},
		{"IFD offset past the end", "a.tif", patch(good, 4, 0xFF, 0, 0, 0), "TIFF header, first IFD offset at byte 4: 4278190080, outside the file's bytes 8..", 4},
		{"IFD offset into the header", "a.tif", patch(good, 4, 0, 0, 0, 2), "TIFF header, first IFD offset at byte 4: 2, outside", 4},
		{"IFD cut short", "a.tif", good[:ifd+20], "TIFF header, IFD entries at byte", int64(ifd)},
		{"rational outside the file", "a.tif", patch(good, xres+8, 0x7F, 0, 0, 0), "TIFF header, XResolution (tag 282) at byte %d: value offset 2130706432: the value needs bytes up to 2130706440, the file has", int64(xres + 8)},
		{"wrong type", "a.tif", patch(good, xres+2, 0, 2), "TIFF header, XResolution (tag 282) at byte %d: field type 2, want RATIONAL (5), SHORT (3) or LONG (4)", int64(xres)},
		{"count 0", "a.tif", patch(good, xres+4, 0, 0, 0, 0), "TIFF header, XResolution (tag 282) at byte %d: count 0, want 1", int64(xres)},
		{"duplicate tag", "a.tif", patch(good, xres, 1, 0), "TIFF header, ImageWidth (tag 256) at byte %d: the tag appears twice in the IFD", int64(xres)},
		{"too large", "a.tif", patch(good, entry(tiffImageWidth)+8, 0, 0x10, 0, 0), "TIFF header, image size at byte %d: 1048576×150 pixels, more than the 67108864 ReadPrints decodes", int64(entry(tiffImageWidth))},
		{"more pixels than the file holds", "a.tif", patch(patch(good, entry(tiffImageWidth)+8, 0, 0, 0x20, 0), entry(tiffImageLength)+8, 0, 0, 0x20, 0), "TIFF header, image size at byte %d: 8192×8192 pixels in a file of 19662 bytes, more than 1024 pixels per byte", int64(entry(tiffImageWidth))},
		{"BMP info header cut short", "a.bmp", buildBMP(src, 0, 0, false)[:30], "BMP header, info header at byte 14: the file ends at byte 30, the 40-byte info header needs bytes up to 54", 14},
		{"BMP info header size", "a.bmp", patch(buildBMP(src, 0, 0, false), 14, 3), "BMP header, info header size at byte 14: 3, want 12", 14},
		{"BMP negative width", "a.bmp", patch(buildBMP(src, 0, 0, false), 18, 0xFE, 0xFF, 0xFF, 0xFF), "BMP header, width at byte 18: -2, negative", 18},
		{"BMP too large", "a.bmp", patch(buildBMP(src, 0, 0, false), 18, 0, 0, 0x10, 0), "BMP header, image size at byte 18: 1048576×150 pixels, more than", 18},
		{"BMP more pixels than the file holds", "a.bmp", patch(buildBMP(src, 0, 0, false), 18, 0, 0, 2, 0, 0x2C, 1), "BMP header, image size at byte 18: 131072×300 pixels in a file of 20878 bytes, more than 1024 pixels per byte", 18},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPrints(tc.file, tc.data)
			he := headerErr(t, err)
			want := tc.want
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, tc.offset)
			}
			assert.ErrorContains(t, err, tc.file+": "+want)
			assert.Equal(t, tc.offset, he.Offset, "%v", err)
		})
	}
	_ = le

	// A version other than 42 is not sniffed as TIFF (ReadPrints says the
	// content is not TIFF); the header reader itself says which version.
	_, err := readTIFFHeader(patch(good, 2, 0, 41))
	assert.Equal(t, "TIFF header, version at byte 2: 41, want 42", err.Error())
	_, err = readTIFFHeader(patch(good, 2, 0, 43))
	assert.Equal(t, "TIFF header, version at byte 2: BigTIFF (43) is not read, only classic TIFF (42)", err.Error())
	_, err = readTIFFHeader([]byte("XX*\x00\x08\x00\x00\x00"))
	assert.Equal(t, `TIFF header, byte order at byte 0: "XX", want "II" or "MM"`, err.Error())
	_, err = readBMPHeader([]byte("BA\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00"))
	assert.Equal(t, `BMP header, signature at byte 0: "BA", want "BM"`, err.Error())
}

func TestReadPrintsTIFFBMPErrors(t *testing.T) {
	src := testGray(t, 15)
	be := binary.BigEndian
	tif := buildTIFF(t, be, src, tiffRes(be, 500, 1, 500, 1, 2)...)
	bm := buildBMP(src, 19685, 19685, false)

	_, err := ReadPrints("a.tif", bm)
	assert.ErrorIs(t, err, ErrNotPrint)
	assert.ErrorContains(t, err, `a.tif: not a fingerprint image file: a TIFF file must start with "II*\0" or "MM\0*", this file starts with "BM`)
	_, err = ReadPrints("a.tiff", []byte("II+\x00\x08\x00\x00\x00"))
	assert.ErrorIs(t, err, ErrNotPrint)
	assert.ErrorContains(t, err, "a.tiff: not a fingerprint image file: BigTIFF is not read")
	_, err = ReadPrints("a.bmp", tif)
	assert.ErrorIs(t, err, ErrNotPrint)
	assert.ErrorContains(t, err, `a.bmp: not a fingerprint image file: a BMP file must start with "BM", this file starts with "MM\x00*"`)

	// Pixel data cut short: the decoder's error, named.
	_, err = ReadPrints("cut.tif", tif[:len(tif)/2])
	require.Error(t, err)
	assert.ErrorContains(t, err, "cut.tif: ")
	cut := append(slices.Clone(bm[:len(bm)-500]), make([]byte, 0)...)
	_, err = ReadPrints("cut.bmp", cut)
	assert.ErrorContains(t, err, "cut.bmp: decoding BMP: unexpected EOF")

	// A compressed BMP golang.org/x/image does not read.
	rle := slices.Clone(bm)
	rle[30] = 1 // BI_RLE8
	_, err = ReadPrints("rle.bmp", rle)
	assert.ErrorIs(t, err, bmp.ErrUnsupported)
	assert.ErrorContains(t, err, "rle.bmp: bmp: unsupported BMP image (golang.org/x/image/bmp reads")

	// Every truncation of a valid file is an error naming the file, never
	// a panic; within the header it is a *HeaderError.
	for name, data := range map[string][]byte{"t.tif": tif, "t.bmp": bm} {
		for n := range len(data) {
			_, err := ReadPrints(name, data[:n])
			if err == nil {
				t.Fatalf("ReadPrints(%s cut to %d of %d bytes): no error", name, n, len(data))
			}
			assert.ErrorContains(t, err, name+": ")
			if n < 54 && errors.Is(err, ErrNotPrint) == false {
				var he *HeaderError
				assert.ErrorAs(t, err, &he, "%s cut to %d bytes", name, n)
			}
		}
	}
}

func TestIsPrintTIFFBMP(t *testing.T) {
	bm := buildBMP(testGray(t, 16), 0, 0, false)
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"a.tif", nil, true}, {"a.TIF", nil, true}, {"a.tiff", nil, true}, {"a.Bmp", nil, true},
		{"x", []byte("II*\x00\x08\x00"), true},
		{"x", []byte("MM\x00*\x00\x00"), true},
		{"x", []byte("II+\x00"), false}, // BigTIFF
		{"x", bm[:18], true},
		{"x", bm[:17], false}, // too little to tell
		{"x", []byte("BMW service record, 2024"), false},
		{"x", append([]byte("BM\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), 7, 0, 0, 0), false},
	} {
		assert.Equal(t, tc.want, IsPrint(tc.name, tc.head), "IsPrint(%q, %q)", tc.name, tc.head)
	}
}

// FuzzHeader checks the TIFF and BMP header readers: no panic; an error
// is a *HeaderError pointing inside the file (or at byte 0 of an empty
// one); and the image size they
// read, which bounds the memory ReadPrints lets the decoders allocate, is
// the size golang.org/x/image's decoders then use.
func FuzzHeader(f *testing.F) {
	// Small seeds: the fuzzer minimises each new input, which is slow on
	// files of a real print's size.
	src := image.NewGray(image.Rect(0, 0, 6, 5))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 9)
	}
	le, be := byteOrder(binary.LittleEndian), byteOrder(binary.BigEndian)
	f.Add(buildTIFF(f, le, src, tiffRes(le, 500, 1, 500, 1, 2)...))
	f.Add(buildTIFF(f, be, src, tiffRes(be, 197, 1, 197, 1, 3)...))
	f.Add(buildTIFF(f, be, testGray16(4, 3), tiffShortEntry(be, tiffXResolution, 500)))
	f.Add(buildBMP(src, 19685, 19685, false))
	f.Add(buildBMP(src, 3780, 0, true))
	var buf bytes.Buffer
	require.NoError(f, tiff.Encode(&buf, src, &tiff.Options{Compression: tiff.Deflate}))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range []struct {
			read   func([]byte) (header, error)
			config func([]byte) (image.Config, error)
		}{
			{readTIFFHeader, func(b []byte) (image.Config, error) { return tiff.DecodeConfig(bytes.NewReader(b)) }},
			{readBMPHeader, func(b []byte) (image.Config, error) { return bmp.DecodeConfig(bytes.NewReader(b)) }},
		} {
			h, err := r.read(data)
			if err != nil {
				var he *HeaderError
				if !errors.As(err, &he) || he.Offset < 0 || he.Offset > 0 && he.Offset >= int64(len(data)) || h != (header{}) {
					t.Fatalf("error %v (%T) with header %+v", err, err, h)
				}
				continue
			}
			if h.width < 0 || h.height < 0 {
				t.Fatalf("size %d×%d", h.width, h.height)
			}
			if cfg, err := r.config(data); err == nil && (int64(cfg.Width) != h.width || int64(cfg.Height) != h.height) {
				t.Fatalf("%s header reads %d×%d, golang.org/x/image decodes %d×%d", h.format, h.width, h.height, cfg.Width, cfg.Height)
			}
			if ppi, ignored := resolution(h.xPPI, h.yPPI); ppi != 0 && (ppi < minPPI || ppi > maxPPI || ignored != 0) {
				t.Fatalf("resolution %d ppi (ignored %d)", ppi, ignored)
			}
		}
	})
}

// Files made by ImageMagick and libtiff-tools (testdata/tools/README.md
// has the versions and make.sh the commands): the decoded pixels equal
// the PNG source's and the resolution is the one the tool wrote.
func TestReadPrintsToolMade(t *testing.T) {
	readPNG := func(name string) image.Image {
		b, err := os.ReadFile(filepath.Join("testdata", "tools", name))
		require.NoError(t, err)
		m, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		return m
	}
	src8, ok := readPNG("src8.png").(*image.Gray)
	require.True(t, ok, "src8.png is 8-bit grey")
	src16, ok := readPNG("src16.png").(*image.Gray16)
	require.True(t, ok, "src16.png is 16-bit grey")
	for _, tc := range []struct {
		file        string
		ppi, ignore int
	}{
		{"im-gray8-500ppi.tif", 500, 0},
		{"im-gray16-be-197ppcm.tif", 500, 0},
		{"tiffcp-lzw-be-1000ppi.tif", 1000, 0},
		{"tiffcp-zip-unitless.tif", 0, 0},
		{"im-pal8-569ppi.bmp", 569, 0},
		{"im-rgb24-96dpi.bmp", 0, 96},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "tools", tc.file))
			require.NoError(t, err)
			require.True(t, IsPrint("x", data[:18]), "recognised by content")
			ps, err := ReadPrints(tc.file, data)
			require.NoError(t, err)
			require.Len(t, ps, 1)
			assert.Equal(t, tc.ppi, ps[0].PPI, "PPI")
			assert.Equal(t, tc.ignore, ps[0].IgnoredPPI, "IgnoredPPI")
			if strings.Contains(tc.file, "16") {
				g, ok := ps[0].Image.(*image.Gray16)
				require.True(t, ok, "%T, want *image.Gray16", ps[0].Image)
				assert.Equal(t, src16.Pix, g.Pix, "16-bit samples")
				return
			}
			assertSameGray(t, src8, ps[0].Image, tc.file)
		})
	}
}

// A PNG, GIF or JPEG declaring more pixels than ReadPrints decodes is
// refused from its header, before the pixels are allocated.
func TestReadPrintsHugeDeclared(t *testing.T) {
	var png8 bytes.Buffer
	require.NoError(t, png.Encode(&png8, image.NewGray(image.Rect(0, 0, 4, 4))))
	huge := bytes.Clone(png8.Bytes())
	binary.BigEndian.PutUint32(huge[16:], 10000) // IHDR width
	binary.BigEndian.PutUint32(huge[20:], 10000) // IHDR height
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
	_, err := ReadPrints("big.png", huge)
	require.Error(t, err)
	var he *HeaderError
	require.ErrorAs(t, err, &he)
	assert.ErrorIs(t, err, ErrMalformed)
	assert.Equal(t, "big.png: PNG header, image size at byte 16: 10000×10000 pixels, more than the 67108864 ReadPrints decodes", err.Error())

	var gif8 bytes.Buffer
	require.NoError(t, gif.Encode(&gif8, image.NewGray(image.Rect(0, 0, 4, 4)), nil))
	hugeGIF := bytes.Clone(gif8.Bytes())
	binary.LittleEndian.PutUint16(hugeGIF[6:], 65535)
	binary.LittleEndian.PutUint16(hugeGIF[8:], 65535)
	_, err = ReadPrints("big.gif", hugeGIF)
	require.ErrorAs(t, err, &he)
	assert.Equal(t, int64(6), he.Offset)

	// An ordinary size still decodes.
	ps, err := ReadPrints("small.png", png8.Bytes())
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 4, 4), ps[0].Image.Bounds())
}
