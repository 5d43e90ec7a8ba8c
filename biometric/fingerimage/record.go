package fingerimage

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Version is the edition of ISO/IEC 19794-4 a record follows.
type Version uint8

const (
	// V2005 is ISO/IEC 19794-4:2005 (version "010"), the layout of ICAO
	// 9303 DG3 and of the CIE: read and written.
	V2005 Version = iota
	// V2011 is ISO/IEC 19794-4:2011 (version "020"): read only.
	V2011
)

func (v Version) String() string {
	switch v {
	case V2005:
		return "ISO/IEC 19794-4:2005"
	case V2011:
		return "ISO/IEC 19794-4:2011"
	}
	return fmt.Sprintf("Version(%d)", uint8(v))
}

// Position is the finger or palm position code of ISO/IEC 19794-4 Table 2
// (2005) / Table 6–8 (2011), the same codes as biometric.FingerPosition.
type Position uint8

// Finger positions.
const (
	Unknown        Position = 0
	RightThumb     Position = 1
	RightIndex     Position = 2
	RightMiddle    Position = 3
	RightRing      Position = 4
	RightLittle    Position = 5
	LeftThumb      Position = 6
	LeftIndex      Position = 7
	LeftMiddle     Position = 8
	LeftRing       Position = 9
	LeftLittle     Position = 10
	PlainRightFour Position = 13
	PlainLeftFour  Position = 14
	PlainThumbs    Position = 15
)

var positionNames = [...]string{"unknown", "right thumb", "right index", "right middle", "right ring", "right little",
	"left thumb", "left index", "left middle", "left ring", "left little", "plain right thumb", "plain left thumb",
	"plain right four", "plain left four", "plain thumbs"}

func (p Position) String() string {
	if int(p) < len(positionNames) {
		return positionNames[p]
	}
	return fmt.Sprintf("Position(%d)", uint8(p))
}

// Compression is the image data format of a finger image.
type Compression uint8

// Compression algorithms. The numeric codes differ between the editions;
// Parse and Marshal convert.
const (
	Raw              Compression = iota // uncompressed, one pixel per byte (two above 8 bits)
	RawPacked                           // uncompressed, bit packed
	WSQ                                 // FBI WSQ (package biometric/wsq)
	JPEG                                // ISO/IEC 10918 baseline
	JPEG2000                            // ISO/IEC 15444 (lossy in 2011)
	JPEG2000Lossless                    // ISO/IEC 15444 lossless (2011 only; written as JPEG2000 in 2005)
	PNG                                 // ISO/IEC 15948
)

func (c Compression) String() string {
	names := [...]string{"raw", "raw bit-packed", "WSQ", "JPEG", "JPEG 2000", "JPEG 2000 lossless", "PNG"}
	if int(c) < len(names) {
		return names[c]
	}
	return fmt.Sprintf("Compression(%d)", uint8(c))
}

// code2005 is the 2005 edition's code of each Compression (the 2011 codes
// equal the Compression values).
var code2005 = [...]uint8{0, 1, 2, 3, 4, 4, 5}

func fromCode(v Version, b uint8) (Compression, bool) {
	switch v {
	case V2005:
		if b <= 3 {
			return Compression(b), true
		}
		switch b {
		case 4:
			return JPEG2000, true
		case 5:
			return PNG, true
		}
	case V2011:
		if b <= 6 {
			return Compression(b), true
		}
	}
	return 0, false
}

// Quality is a 2011 quality block: a score 0–100 (255: failed) from the
// algorithm of a registered vendor.
type Quality struct {
	Score     uint8
	VendorID  uint16
	Algorithm uint16
}

// Certification is a 2011 certification block.
type Certification struct {
	AuthorityID uint16
	SchemeID    uint8
}

// Record is an ISO/IEC 19794-4 finger image record: a general header and
// one or more finger images (views). Fields that the 2005 edition keeps in
// the general header (resolutions, depth, compression) are per image here,
// as in 2011; a 2005 record needs them equal in every image.
type Record struct {
	Version Version
	// CaptureDeviceID and AcquisitionLevel are 2005 general header fields
	// (the latter 31, 41 or 51 per Table 1 of the 2005 edition, or 0).
	CaptureDeviceID  uint16
	AcquisitionLevel uint16
	// Certified is the 2011 certification flag: images then carry
	// certification blocks.
	Certified bool
	Images    []Image
}

// Image is one finger image (a "view" in 2005, a "representation" in 2011)
// with its encoded image data.
type Image struct {
	Position Position
	// ViewCount and ViewNumber are the 2005 view fields; ViewNumber holds
	// the representation number in 2011.
	ViewCount, ViewNumber uint8
	// Quality is the 2005 image quality (0–100, 254/255 special); in 2011
	// the Qualities blocks carry quality.
	Quality        uint8
	ImpressionType uint8
	// ScaleUnits is 1 for pixels per inch, 2 for pixels per centimetre.
	ScaleUnits           uint8
	ScanResX, ScanResY   uint16
	ImageResX, ImageResY uint16
	// Depth is the pixel depth in bits (8 for grey).
	Depth         uint8
	Compression   Compression
	Width, Height int

	// 2011 representation fields.
	CaptureTime    [9]byte // year (2), month, day, hour, minute, second, millisecond (2); 0xFF when unknown
	DeviceTech     uint8
	DeviceVendor   uint16
	DeviceType     uint16
	Qualities      []Quality
	Certifications []Certification
	// Extended holds the 2011 extended data that follows the image data.
	Extended []byte

	// Data is the image data as stored (a WSQ, JPEG, JPEG 2000 or PNG
	// stream, or raw pixels).
	Data []byte

	dataOff int // offset of Data in the parsed record, for errors
}

// Sizes of the fixed parts.
const (
	header2005Len = 32
	view2005Len   = 14
	header2011Len = 16
	rep2011MinLen = 41
)

// Limits Parse enforces before it allocates.
const (
	// MaxRecordSize is the largest record Parse accepts (64 MiB).
	MaxRecordSize = 64 << 20
	// MaxPixels bounds width × height of an image Decode will decode.
	MaxPixels = 1 << 24
)

var (
	// ErrFormat is the category of every malformed-record error.
	ErrFormat = errors.New("fingerimage: malformed record")
	// ErrTooLarge reports a record or image over the package's limits.
	ErrTooLarge = errors.New("fingerimage: record exceeds the size limit")
)

// FormatError describes a malformed record: the byte offset and the field
// at which the problem was found. It unwraps to ErrFormat or ErrTooLarge.
type FormatError struct {
	Offset int
	Field  string
	Msg    string
	Err    error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("fingerimage: offset %d (%s): %s", e.Offset, e.Field, e.Msg)
}

// Unwrap returns the error category.
func (e *FormatError) Unwrap() error {
	if e.Err == nil {
		return ErrFormat
	}
	return e.Err
}

// reader reads big-endian fields with bounds checks.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(off int, field, format string, args ...any) {
	if r.err == nil {
		r.err = &FormatError{Offset: off, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) take(n int, field string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.pos+n > len(r.b) {
		r.fail(r.pos, field, "%d bytes needed, %d left", n, len(r.b)-r.pos)
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

func (r *reader) u8(field string) uint8 {
	if s := r.take(1, field); s != nil {
		return s[0]
	}
	return 0
}

func (r *reader) u16(field string) uint16 {
	if s := r.take(2, field); s != nil {
		return binary.BigEndian.Uint16(s)
	}
	return 0
}

func (r *reader) u32(field string) uint32 {
	if s := r.take(4, field); s != nil {
		return binary.BigEndian.Uint32(s)
	}
	return 0
}

func (r *reader) u48(field string) uint64 {
	if s := r.take(6, field); s != nil {
		return uint64(binary.BigEndian.Uint16(s))<<32 | uint64(binary.BigEndian.Uint32(s[2:]))
	}
	return 0
}

// Parse decodes a finger image record of either edition. Image data is
// not decoded (see Image.Decode); Data slices alias data. Errors are
// *FormatError values that name the field and byte offset.
func Parse(data []byte) (*Record, error) {
	if len(data) > MaxRecordSize {
		return nil, &FormatError{Offset: 0, Field: "record", Msg: fmt.Sprintf("%d bytes, limit %d", len(data), MaxRecordSize), Err: ErrTooLarge}
	}
	r := &reader{b: data}
	magic := r.take(4, "format identifier")
	if r.err != nil {
		return nil, r.err
	}
	if string(magic) != "FIR\x00" {
		return nil, &FormatError{Offset: 0, Field: "format identifier", Msg: fmt.Sprintf("%q, want \"FIR\\x00\"", magic)}
	}
	ver := r.take(4, "version")
	if r.err != nil {
		return nil, r.err
	}
	var rec *Record
	switch string(ver) {
	case "010\x00":
		rec = parse2005(r)
	case "020\x00":
		rec = parse2011(r)
	default:
		return nil, &FormatError{Offset: 4, Field: "version", Msg: fmt.Sprintf("%q, want \"010\\x00\" or \"020\\x00\"", ver)}
	}
	if r.err != nil {
		return nil, r.err
	}
	return rec, nil
}

// checkCounts checks the general header's record length against the data
// and that count entries of at least minLen bytes each can fit in what is
// left, before anything is allocated for them.
func (r *reader) checkCounts(lenAt int, length uint64, countAt int, field string, count, minLen int) bool {
	switch {
	case length != uint64(len(r.b)):
		r.fail(lenAt, "record length", "says %d bytes, record has %d", length, len(r.b))
	case count == 0:
		r.fail(countAt, field, "zero")
	case count*minLen > len(r.b)-r.pos:
		r.fail(countAt, field, "%d entries of at least %d bytes cannot fit in %d bytes", count, minLen, len(r.b)-r.pos)
	default:
		return true
	}
	return false
}

func parse2005(r *reader) *Record {
	rec := &Record{Version: V2005}
	lenAt := r.pos
	length := r.u48("record length")
	rec.CaptureDeviceID = r.u16("capture device ID")
	rec.AcquisitionLevel = r.u16("image acquisition level")
	countAt := r.pos
	count := int(r.u8("number of fingers"))
	units := r.u8("scale units")
	sx, sy := r.u16("horizontal scan resolution"), r.u16("vertical scan resolution")
	ix, iy := r.u16("horizontal image resolution"), r.u16("vertical image resolution")
	depthAt := r.pos
	depth := r.u8("pixel depth")
	compAt := r.pos
	compCode := r.u8("image compression algorithm")
	r.u16("reserved")
	if r.err != nil {
		return nil
	}
	if !r.checkCounts(lenAt, length, countAt, "number of fingers", count, view2005Len) {
		return nil
	}
	if depth == 0 || depth > 16 {
		r.fail(depthAt, "pixel depth", "%d bits, want 1..16", depth)
		return nil
	}
	comp, ok := fromCode(V2005, compCode)
	if !ok {
		r.fail(compAt, "image compression algorithm", "unknown code %d", compCode)
		return nil
	}
	rec.Images = make([]Image, 0, count)
	for i := range count {
		start := r.pos
		name := fmt.Sprintf("finger %d ", i+1)
		blockLen := r.u32(name + "data block length")
		im := Image{
			Position:    Position(r.u8(name + "position")),
			ViewCount:   r.u8(name + "count of views"),
			ViewNumber:  r.u8(name + "view number"),
			Quality:     r.u8(name + "image quality"),
			ScaleUnits:  units,
			ScanResX:    sx,
			ScanResY:    sy,
			ImageResX:   ix,
			ImageResY:   iy,
			Depth:       depth,
			Compression: comp,
		}
		im.ImpressionType = r.u8(name + "impression type")
		sizeAt := r.pos
		im.Width = int(r.u16(name + "horizontal line length"))
		im.Height = int(r.u16(name + "vertical line length"))
		r.u8(name + "reserved")
		if r.err != nil {
			return nil
		}
		if im.Width == 0 || im.Height == 0 {
			r.fail(sizeAt, name+"line lengths", "%d × %d image", im.Width, im.Height)
			return nil
		}
		if blockLen < view2005Len || uint64(blockLen) > uint64(len(r.b)-start) {
			r.fail(start, name+"data block length", "%d bytes, %d left in the record (at least %d needed)", blockLen, len(r.b)-start, view2005Len)
			return nil
		}
		im.dataOff = r.pos
		im.Data = r.take(int(blockLen)-view2005Len, name+"image data")
		rec.Images = append(rec.Images, im)
	}
	if r.err == nil && r.pos != len(r.b) {
		r.fail(r.pos, "record", "%d bytes after the last view", len(r.b)-r.pos)
	}
	return rec
}

func parse2011(r *reader) *Record {
	rec := &Record{Version: V2011}
	lenAt := r.pos
	length := r.u32("record length")
	countAt := r.pos
	count := int(r.u16("number of representations"))
	certAt := r.pos
	cert := r.u8("certification flag")
	r.u8("number of finger positions")
	if r.err != nil {
		return nil
	}
	if !r.checkCounts(lenAt, uint64(length), countAt, "number of representations", count, rep2011MinLen) {
		return nil
	}
	if cert > 1 {
		r.fail(certAt, "certification flag", "%d, want 0 or 1", cert)
		return nil
	}
	rec.Certified = cert == 1
	rec.Images = make([]Image, 0, count)
	for i := range count {
		start := r.pos
		name := fmt.Sprintf("representation %d ", i+1)
		repLen := r.u32(name + "length")
		if r.err != nil {
			return nil
		}
		if repLen < rep2011MinLen || uint64(repLen) > uint64(len(r.b)-start) {
			r.fail(start, name+"length", "%d bytes, %d left in the record (at least %d needed)", repLen, len(r.b)-start, rep2011MinLen)
			return nil
		}
		end := start + int(repLen)
		sub := &reader{b: r.b[:end], pos: r.pos}
		var im Image
		copy(im.CaptureTime[:], sub.take(9, name+"capture date and time"))
		im.DeviceTech = sub.u8(name + "capture device technology")
		im.DeviceVendor = sub.u16(name + "capture device vendor")
		im.DeviceType = sub.u16(name + "capture device type")
		nq := int(sub.u8(name + "number of quality blocks"))
		for range nq {
			q := Quality{Score: sub.u8(name + "quality score")}
			q.VendorID = sub.u16(name + "quality algorithm vendor")
			q.Algorithm = sub.u16(name + "quality algorithm")
			if sub.err != nil {
				break
			}
			im.Qualities = append(im.Qualities, q)
		}
		if rec.Certified {
			nc := int(sub.u8(name + "number of certification blocks"))
			for range nc {
				c := Certification{AuthorityID: sub.u16(name + "certification authority")}
				c.SchemeID = sub.u8(name + "certification scheme")
				if sub.err != nil {
					break
				}
				im.Certifications = append(im.Certifications, c)
			}
		}
		im.Position = Position(sub.u8(name + "finger position"))
		im.ViewNumber = sub.u8(name + "representation number")
		im.ScaleUnits = sub.u8(name + "scale units")
		im.ScanResX = sub.u16(name + "horizontal scan sampling rate")
		im.ScanResY = sub.u16(name + "vertical scan sampling rate")
		im.ImageResX = sub.u16(name + "horizontal image sampling rate")
		im.ImageResY = sub.u16(name + "vertical image sampling rate")
		depthAt := sub.pos
		im.Depth = sub.u8(name + "bit depth")
		compAt := sub.pos
		compCode := sub.u8(name + "image compression algorithm")
		im.ImpressionType = sub.u8(name + "impression type")
		sizeAt := sub.pos
		im.Width = int(sub.u16(name + "horizontal line length"))
		im.Height = int(sub.u16(name + "vertical line length"))
		dataAt := sub.pos
		dataLen := sub.u32(name + "image data length")
		if sub.err != nil {
			r.err = sub.err
			return nil
		}
		if im.Depth == 0 || im.Depth > 16 {
			r.fail(depthAt, name+"bit depth", "%d bits, want 1..16", im.Depth)
			return nil
		}
		if im.Width == 0 || im.Height == 0 {
			r.fail(sizeAt, name+"line lengths", "%d × %d image", im.Width, im.Height)
			return nil
		}
		var ok bool
		if im.Compression, ok = fromCode(V2011, compCode); !ok {
			r.fail(compAt, name+"image compression algorithm", "unknown code %d", compCode)
			return nil
		}
		if uint64(dataLen) > uint64(end-sub.pos) {
			r.fail(dataAt, name+"image data length", "%d bytes, %d left in the representation", dataLen, end-sub.pos)
			return nil
		}
		im.dataOff = sub.pos
		im.Data = sub.take(int(dataLen), name+"image data")
		if sub.pos < end {
			im.Extended = sub.b[sub.pos:end]
		}
		r.pos = end
		rec.Images = append(rec.Images, im)
	}
	if r.err == nil && r.pos != len(r.b) {
		r.fail(r.pos, "record", "%d bytes after the last representation", len(r.b)-r.pos)
	}
	return rec
}

// ErrEncode is the category of errors Marshal returns for records it cannot
// write.
var ErrEncode = errors.New("fingerimage: cannot encode record")

// Marshal encodes the record in the ISO/IEC 19794-4:2005 layout (whatever
// its Version field says: 2011 records are read only). The images must
// agree on scale units, resolutions, depth and compression, which 2005 keeps
// in the general header. Errors wrap ErrEncode.
func (rec *Record) Marshal() ([]byte, error) {
	return rec.AppendBinary(nil)
}

// AppendBinary appends the 2005 encoding of the record to dst.
func (rec *Record) AppendBinary(dst []byte) ([]byte, error) {
	if len(rec.Images) == 0 || len(rec.Images) > 255 {
		return nil, fmt.Errorf("%w: %d images, want 1..255", ErrEncode, len(rec.Images))
	}
	first := &rec.Images[0]
	total := header2005Len
	for i := range rec.Images {
		im := &rec.Images[i]
		if int(im.Compression) >= len(code2005) {
			return nil, fmt.Errorf("%w: image %d compression %v", ErrEncode, i+1, im.Compression)
		}
		if im.ScaleUnits != first.ScaleUnits || im.ScanResX != first.ScanResX || im.ScanResY != first.ScanResY ||
			im.ImageResX != first.ImageResX || im.ImageResY != first.ImageResY ||
			im.Depth != first.Depth || code2005[im.Compression] != code2005[first.Compression] {
			return nil, fmt.Errorf("%w: image %d differs from image 1 in scale, resolution, depth or compression, which a 2005 record shares", ErrEncode, i+1)
		}
		if im.Width <= 0 || im.Width > 0xffff || im.Height <= 0 || im.Height > 0xffff {
			return nil, fmt.Errorf("%w: image %d is %d × %d", ErrEncode, i+1, im.Width, im.Height)
		}
		if len(im.Data) > 0xffffffff-view2005Len {
			return nil, fmt.Errorf("%w: image %d data of %d bytes", ErrEncode, i+1, len(im.Data))
		}
		total += view2005Len + len(im.Data)
	}
	if first.Depth == 0 || first.Depth > 16 {
		return nil, fmt.Errorf("%w: pixel depth %d", ErrEncode, first.Depth)
	}
	dst = append(dst, "FIR\x00010\x00"...)
	dst = append(dst, byte(total>>40), byte(total>>32))
	dst = binary.BigEndian.AppendUint32(dst, uint32(total))
	dst = binary.BigEndian.AppendUint16(dst, rec.CaptureDeviceID)
	dst = binary.BigEndian.AppendUint16(dst, rec.AcquisitionLevel)
	dst = append(dst, byte(len(rec.Images)), first.ScaleUnits)
	for _, v := range []uint16{first.ScanResX, first.ScanResY, first.ImageResX, first.ImageResY} {
		dst = binary.BigEndian.AppendUint16(dst, v)
	}
	dst = append(dst, first.Depth, code2005[first.Compression], 0, 0)
	for i := range rec.Images {
		im := &rec.Images[i]
		dst = binary.BigEndian.AppendUint32(dst, uint32(view2005Len+len(im.Data)))
		dst = append(dst, byte(im.Position), im.ViewCount, im.ViewNumber, im.Quality, im.ImpressionType)
		dst = binary.BigEndian.AppendUint16(dst, uint16(im.Width))
		dst = binary.BigEndian.AppendUint16(dst, uint16(im.Height))
		dst = append(dst, 0)
		dst = append(dst, im.Data...)
	}
	return dst, nil
}
