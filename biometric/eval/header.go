package eval

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrMalformed is the category of TIFF and BMP files whose header cannot
// be read: cut short, an offset outside the file, a field of the wrong
// type, an image size no print has. The details come in a [*HeaderError]
// that unwraps to it.
var ErrMalformed = errors.New("malformed image header")

// HeaderError reports a TIFF or BMP header that [ReadPrints] cannot read:
// which field, where, and what is wrong with it. It unwraps to
// [ErrMalformed].
type HeaderError struct {
	Format string // "TIFF", "BMP", or for an image too large "PNG", "JPEG", "GIF"
	Field  string // the field being read, e.g. "first IFD offset", "XResolution (tag 282)"
	Offset int64  // byte offset in the file of the field (or of where it should be); -1 if not known
	Reason string // what is wrong
}

func (e *HeaderError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("%s header, %s: %s", e.Format, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s header, %s at byte %d: %s", e.Format, e.Field, e.Offset, e.Reason)
}

// Unwrap returns [ErrMalformed].
func (e *HeaderError) Unwrap() error { return ErrMalformed }

// header is what readTIFFHeader and readBMPHeader find: the image size and
// the resolution the file declares.
type header struct {
	format        string
	width, height int64 // pixels; 0 when the header gives none
	sizeAt        int64 // offset of the width field
	xPPI, yPPI    float64
}

// TIFF 6.0 tags and field types read here (TIFF 6.0 section 2 and the
// baseline tags of section 8).
const (
	tiffImageWidth      = 256
	tiffImageLength     = 257
	tiffXResolution     = 282
	tiffYResolution     = 283
	tiffResolutionUnit  = 296
	tiffShort           = 3
	tiffLong            = 4
	tiffRational        = 5
	tiffUnitInch        = 2
	tiffUnitCentimetre  = 3
	tiffHeaderLen       = 8
	tiffEntryLen        = 12
	tiffBigTIFFVersion  = 43
	tiffClassicVersion  = 42
	cmPerInch           = 2.54
	metresPerInch       = 0.0254
	bmpFileHeaderLen    = 14
	bmpCoreHeaderLen    = 12 // BITMAPCOREHEADER (OS/2 1.x): no resolution
	bmpMinInfoHeaderLen = 16 // OS/2 2.x headers may stop after the bit count
	bmpInfoHeaderLen    = 40 // BITMAPINFOHEADER
)

// readTIFFHeader reads the image size and resolution of a TIFF file
// (TIFF 6.0, either byte order) from its header and first IFD:
// ImageWidth, ImageLength, XResolution, YResolution and ResolutionUnit.
// A resolution with no absolute unit (ResolutionUnit 1, or a unit TIFF
// does not define) is no resolution;
// a RATIONAL with a zero denominator reads as 0, as libtiff reads it.
// SHORT and LONG resolutions are accepted, as libtiff accepts them.
func readTIFFHeader(data []byte) (header, error) {
	h := header{format: "TIFF"}
	fail := func(field string, off int64, format string, args ...any) (header, error) {
		return header{}, &HeaderError{Format: "TIFF", Field: field, Offset: off, Reason: fmt.Sprintf(format, args...)}
	}
	n := int64(len(data))
	if n < tiffHeaderLen {
		return fail("header", 0, "the file is %d bytes, a TIFF header is %d", n, tiffHeaderLen)
	}
	var bo binary.ByteOrder
	switch string(data[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return fail("byte order", 0, "%q, want \"II\" or \"MM\"", data[:2])
	}
	switch v := bo.Uint16(data[2:]); v {
	case tiffClassicVersion:
	case tiffBigTIFFVersion:
		return fail("version", 2, "BigTIFF (43) is not read, only classic TIFF (42)")
	default:
		return fail("version", 2, "%d, want 42", v)
	}
	ifd := int64(bo.Uint32(data[4:]))
	if ifd < tiffHeaderLen || ifd+2 > n {
		return fail("first IFD offset", 4, "%d, outside the file's bytes %d..%d", ifd, tiffHeaderLen, n-2)
	}
	count := int64(bo.Uint16(data[ifd:]))
	if end := ifd + 2 + count*tiffEntryLen; end > n {
		return fail("IFD entries", ifd, "%d entries need bytes up to %d, the file has %d", count, end, n)
	}
	unit := int64(tiffUnitInch) // the default (TIFF 6.0 section 8)
	var xRes, yRes float64
	seen := map[uint16]bool{}
	for i := range count {
		e := ifd + 2 + i*tiffEntryLen
		tag, typ, cnt := bo.Uint16(data[e:]), bo.Uint16(data[e+2:]), int64(bo.Uint32(data[e+4:]))
		var name string
		switch tag {
		case tiffImageWidth:
			name = "ImageWidth (tag 256)"
		case tiffImageLength:
			name = "ImageLength (tag 257)"
		case tiffXResolution:
			name = "XResolution (tag 282)"
		case tiffYResolution:
			name = "YResolution (tag 283)"
		case tiffResolutionUnit:
			name = "ResolutionUnit (tag 296)"
		default:
			continue
		}
		if seen[tag] {
			return fail(name, e, "the tag appears twice in the IFD")
		}
		seen[tag] = true
		if cnt == 0 {
			return fail(name, e, "count 0, want 1")
		}
		var size int64
		switch typ {
		case tiffShort:
			size = 2
		case tiffLong:
			size = 4
		case tiffRational:
			size = 8
		}
		if size == 0 || typ == tiffRational && tag != tiffXResolution && tag != tiffYResolution ||
			tag == tiffResolutionUnit && typ != tiffShort {
			return fail(name, e, "field type %d, want %s", typ, wantType(tag))
		}
		// The first value: in the entry's value field when all the values
		// fit in its 4 bytes, otherwise at the offset it holds.
		at := e + 8
		if cnt*size > 4 {
			at = int64(bo.Uint32(data[e+8:]))
			if at+size > n {
				return fail(name, e+8, "value offset %d: the value needs bytes up to %d, the file has %d", at, at+size, n)
			}
		}
		var v float64
		switch typ {
		case tiffShort:
			v = float64(bo.Uint16(data[at:]))
		case tiffLong:
			v = float64(bo.Uint32(data[at:]))
		case tiffRational:
			if den := bo.Uint32(data[at+4:]); den != 0 {
				v = float64(bo.Uint32(data[at:])) / float64(den)
			}
		}
		switch tag {
		case tiffImageWidth:
			h.width, h.sizeAt = int64(v), e
		case tiffImageLength:
			h.height = int64(v)
		case tiffXResolution:
			xRes = v
		case tiffYResolution:
			yRes = v
		case tiffResolutionUnit:
			unit = int64(v) // 1 (no absolute unit) and unknown units declare no resolution
		}
	}
	switch unit {
	case tiffUnitInch:
		h.xPPI, h.yPPI = xRes, yRes
	case tiffUnitCentimetre:
		h.xPPI, h.yPPI = xRes*cmPerInch, yRes*cmPerInch
	}
	return h, nil
}

// wantType names the field types readTIFFHeader accepts for tag.
func wantType(tag uint16) string {
	switch tag {
	case tiffXResolution, tiffYResolution:
		return "RATIONAL (5), SHORT (3) or LONG (4)"
	case tiffResolutionUnit:
		return "SHORT (3)"
	}
	return "SHORT (3) or LONG (4)"
}

// readBMPHeader reads the image size and resolution of a BMP file from its
// file header and info header: biWidth, biHeight (negative for a top-down
// image), biXPelsPerMeter and biYPelsPerMeter. An OS/2 1.x core header
// (12 bytes) declares no resolution; neither does an info header that
// stops before the resolution fields, nor a resolution of 0.
func readBMPHeader(data []byte) (header, error) {
	h := header{format: "BMP"}
	fail := func(field string, off int64, format string, args ...any) (header, error) {
		return header{}, &HeaderError{Format: "BMP", Field: field, Offset: off, Reason: fmt.Sprintf(format, args...)}
	}
	n := int64(len(data))
	if n < bmpFileHeaderLen+4 {
		return fail("file header", 0, "the file is %d bytes, the file header and the info header's size take %d", n, bmpFileHeaderLen+4)
	}
	if string(data[:2]) != "BM" {
		return fail("signature", 0, "%q, want \"BM\"", data[:2])
	}
	le := binary.LittleEndian
	info := int64(le.Uint32(data[bmpFileHeaderLen:]))
	if info != bmpCoreHeaderLen && info < bmpMinInfoHeaderLen {
		return fail("info header size", bmpFileHeaderLen, "%d, want 12 (OS/2 1.x), 40 (BITMAPINFOHEADER) or a later header's (52, 56, 64, 108, 124)", info)
	}
	need := bmpFileHeaderLen + min(info, bmpInfoHeaderLen)
	if n < need {
		return fail("info header", bmpFileHeaderLen, "the file ends at byte %d, the %d-byte info header needs bytes up to %d", n, info, need)
	}
	h.sizeAt = bmpFileHeaderLen + 4
	if info == bmpCoreHeaderLen {
		h.width, h.height = int64(le.Uint16(data[18:])), int64(le.Uint16(data[20:]))
		return h, nil
	}
	h.width, h.height = int64(int32(le.Uint32(data[18:]))), int64(int32(le.Uint32(data[22:])))
	if h.height < 0 {
		h.height = -h.height // top-down
	}
	if h.width < 0 {
		return fail("width", 18, "%d, negative", h.width)
	}
	if info >= 32 { // biXPelsPerMeter and biYPelsPerMeter are bytes 24..31 of the info header
		h.xPPI = float64(int32(le.Uint32(data[38:]))) * metresPerInch
		h.yPPI = float64(int32(le.Uint32(data[42:]))) * metresPerInch
	}
	return h, nil
}

// Limits of the images ReadPrints decodes from TIFF and BMP files, checked
// on the header before any pixel memory is allocated. An image of a print
// is at most a few thousand pixels across (2 inches at 1000 ppi), and even
// a blank one does not compress to a thousandth of a byte per pixel.
const (
	maxPixels        = 1 << 26 // 8192 × 8192
	maxPixelsPerByte = 1024
)

// checkSize rejects a header whose image is larger than ReadPrints decodes
// or than a file of n bytes can hold.
func (h *header) checkSize(n int) error {
	px := h.width * h.height
	if h.width > maxPixels || h.height > maxPixels || px > maxPixels {
		return &HeaderError{Format: h.format, Field: "image size", Offset: h.sizeAt,
			Reason: fmt.Sprintf("%d×%d pixels, more than the %d ReadPrints decodes", h.width, h.height, maxPixels)}
	}
	if px > maxPixelsPerByte*int64(n) {
		return &HeaderError{Format: h.format, Field: "image size", Offset: h.sizeAt,
			Reason: fmt.Sprintf("%d×%d pixels in a file of %d bytes, more than %d pixels per byte", h.width, h.height, n, maxPixelsPerByte)}
	}
	return nil
}

// Resolutions taken as declared: every fingerprint capture lies between,
// from 250 ppi sensors to 4000 ppi latent scans. Values outside are the
// placeholders image software writes (72 or 96 dpi: golang.org/x/image's
// TIFF encoder always writes 72, Windows Paint 96) or garbage.
const (
	minPPI = 200
	maxPPI = 10000
)

// resolution returns Print.PPI and Print.IgnoredPPI for a file declaring x
// and y pixels per inch (0: none): the horizontal resolution, else the
// vertical, rounded, when it is one a print can have.
func resolution(x, y float64) (ppi, ignored int) {
	v := x
	if v == 0 || math.IsNaN(v) {
		v = y
	}
	if v == 0 || math.IsNaN(v) {
		return 0, 0
	}
	r := math.Round(min(max(v, math.MinInt32), math.MaxInt32))
	if r < minPPI || r > maxPPI {
		return 0, int(r)
	}
	return int(r), 0
}
