package biometric

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Format identifies a finger minutiae record format.
type Format uint8

// Record formats this package reads and writes.
const (
	// FormatISO2005 is ISO/IEC 19794-2:2005 (the "FMR\0", " 20\0" record
	// with a 24-byte header and a 4-byte record length).
	FormatISO2005 Format = 1
	// FormatANSI2004 is ANSI INCITS 378-2004 (the same magic and version,
	// a 26-byte header with a 2-byte record length and a CBEFF product
	// identifier; angles in 2-degree units).
	FormatANSI2004 Format = 2
)

// String returns "ISO/IEC 19794-2:2005", "ANSI INCITS 378-2004" or
// "unknown format".
func (f Format) String() string {
	switch f {
	case FormatISO2005:
		return "ISO/IEC 19794-2:2005"
	case FormatANSI2004:
		return "ANSI INCITS 378-2004"
	default:
		return "unknown format"
	}
}

// ErrFormat is the category of malformed minutiae records. Decoders return
// a [*FormatError] that matches it with errors.Is.
var ErrFormat = errors.New("biometric: malformed minutiae record")

// ErrEncoding is returned (wrapped, with the offending field) by the
// encoders when a [Template] or [Record] holds a value the format cannot
// represent, such as a coordinate above 16383 or more than 255 minutiae.
var ErrEncoding = errors.New("biometric: template cannot be encoded")

// FormatError reports where a minutiae record is malformed. Offset is the
// byte offset of the offending field from the start of the record, Field
// names it ("record length", "view 1 minutia 3 angle", ...), and Err says
// what is wrong; it is io.ErrUnexpectedEOF when the record ends inside the
// field. A *FormatError matches [ErrFormat] with errors.Is and unwraps to
// Err.
type FormatError struct {
	Offset int
	Field  string
	Err    error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("biometric: minutiae record offset %d (%s): %v", e.Offset, e.Field, e.Err)
}

// Unwrap returns e.Err.
func (e *FormatError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrFormat].
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// Extended data block types of ISO/IEC 19794-2:2005 7.5 and ANSI INCITS
// 378-2004 6.6.
const (
	ExtendedRidgeCount   uint16 = 0x0001 // ridge count data, see [ParseRidgeCounts]
	ExtendedCoreDelta    uint16 = 0x0002 // core and delta data, see [ParseCoreDelta]
	ExtendedZonalQuality uint16 = 0x0003 // zonal quality data (ISO only), kept as bytes
)

// ExtendedData is one extended data block of a finger view: its type code
// and its data bytes (without the 4-byte type and length header). Blocks of
// any type are preserved byte for byte; [ParseRidgeCounts] and
// [ParseCoreDelta] decode the two standard ones.
type ExtendedData struct {
	Type uint16
	Data []byte
}

// View is one finger view of a [Record]: ISO/IEC 19794-2:2005 7.4 and
// ANSI INCITS 378-2004 6.5.
type View struct {
	Finger         FingerPosition
	ViewNumber     uint8 // 0..15
	ImpressionType uint8 // 0..15 (ISO: 0, 1, 2, 3 or 8; ANSI adds 4..7, 9)
	Quality        uint8 // finger quality 0..100
	Minutiae       []Minutia

	// Extended holds the view's extended data blocks in record order.
	Extended []ExtendedData

	// ExtendedLengthExcludesHeader records that the block length fields
	// count only the data bytes, as fingerprintio-java's ISO 2005 writer
	// does, instead of data plus the 4-byte block header as the standards
	// and NIST biomdi do. Decoders set it when only that reading fits;
	// encoders honour it so that a round trip is byte-exact.
	ExtendedLengthExcludesHeader bool
}

// Record is a finger minutiae record with one or more views, as stored by
// ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004. Every view shares the
// record's image size and resolution.
//
// The zero Record is valid and encodes as a record with no views.
type Record struct {
	// ProductOwner and ProductType are the CBEFF product identifier of
	// ANSI INCITS 378-2004 (zero when unreported). ISO records have none:
	// the ISO encoder ignores them and the ISO decoder leaves them zero.
	ProductOwner, ProductType uint16

	// Compliance is the 4-bit capture equipment compliance field (bit 3:
	// certified to the image quality specification) and EquipmentID the
	// 12-bit capture equipment ID.
	Compliance  uint8
	EquipmentID uint16

	Width, Height            uint16 // image size in pixels
	ResolutionX, ResolutionY uint16 // pixels per centimetre (197 = 500 ppi)

	Views []View
}

// Templates returns one [Template] per view, with the record's image size
// and resolution. The minutiae slices are shared with r.
func (r *Record) Templates() []Template {
	ts := make([]Template, len(r.Views))
	for i := range r.Views {
		ts[i] = r.Template(i)
	}
	return ts
}

// Template returns view i as a [Template], with the record's image size
// and resolution. The minutiae slice is shared with r. It panics if i is
// out of range, like a slice index.
func (r *Record) Template(i int) Template {
	v := &r.Views[i]
	return Template{
		Width: r.Width, Height: r.Height,
		ResolutionX: r.ResolutionX, ResolutionY: r.ResolutionY,
		Finger: v.Finger, ViewNumber: v.ViewNumber, ImpressionType: v.ImpressionType,
		Quality: v.Quality, Minutiae: v.Minutiae,
	}
}

// NewRecord returns a record holding ts as its views, in order. All
// templates must have the same image size and resolution; otherwise
// NewRecord returns an error wrapping [ErrEncoding]. The minutiae slices
// are shared with ts.
func NewRecord(ts ...Template) (*Record, error) {
	r := &Record{Views: make([]View, len(ts))}
	for i, t := range ts {
		if i == 0 {
			r.Width, r.Height, r.ResolutionX, r.ResolutionY = t.Width, t.Height, t.ResolutionX, t.ResolutionY
		} else if t.Width != r.Width || t.Height != r.Height || t.ResolutionX != r.ResolutionX || t.ResolutionY != r.ResolutionY {
			return nil, fmt.Errorf("%w: template %d: image size or resolution differs from template 0", ErrEncoding, i)
		}
		r.Views[i] = View{Finger: t.Finger, ViewNumber: t.ViewNumber, ImpressionType: t.ImpressionType,
			Quality: t.Quality, Minutiae: t.Minutiae}
	}
	return r, nil
}

// Record layout constants.
const (
	isoHeaderLen   = 24
	ansiHeaderLen  = 26
	viewHeaderLen  = 4
	minutiaLen     = 6
	extHeaderLen   = 4
	maxCoordinate  = 1<<14 - 1
	fmrMagic       = "FMR\x00"
	fmrVersion2004 = " 20\x00"
)

// ParseISO decodes an ISO/IEC 19794-2:2005 finger minutiae record and
// returns its first view as a [Template]. Use [ParseISORecord] for records
// with several views or with extended data. Errors are [*FormatError]
// values (errors.Is(err, ErrFormat)); a record with no views is reported
// as a *FormatError on the number of views.
func ParseISO(b []byte) (*Template, error) {
	r, err := ParseISORecord(b)
	if err != nil {
		return nil, err
	}
	return firstView(r, FormatISO2005)
}

// ParseISORecord decodes an ISO/IEC 19794-2:2005 finger minutiae record
// with all its views and extended data. It accepts only a record whose
// length field matches len(b) and whose fields are in range, so that
// encoding the result with [Record.MarshalISO] gives back b exactly.
// Errors are [*FormatError] values (errors.Is(err, ErrFormat)). The
// returned record does not alias b.
func ParseISORecord(b []byte) (*Record, error) {
	return parseRecord(b, FormatISO2005)
}

// MarshalISO encodes t as a single-view ISO/IEC 19794-2:2005 record with
// no extended data and capture equipment 0. It returns an error wrapping
// [ErrEncoding] if a field is out of range.
func (t *Template) MarshalISO() ([]byte, error) { return t.AppendISO(nil) }

// AppendISO appends the ISO/IEC 19794-2:2005 encoding of t (see
// [Template.MarshalISO]) to dst and returns the extended slice. It
// allocates only if dst lacks capacity; on error dst is returned unchanged.
func (t *Template) AppendISO(dst []byte) ([]byte, error) {
	return appendSingle(dst, t, FormatISO2005)
}

// MarshalISO encodes r as an ISO/IEC 19794-2:2005 record. The CBEFF
// product identifier is not part of the format and is ignored. It returns
// an error wrapping [ErrEncoding] if a field is out of range.
func (r *Record) MarshalISO() ([]byte, error) { return r.AppendISO(nil) }

// AppendISO appends the ISO/IEC 19794-2:2005 encoding of r to dst and
// returns the extended slice; on error dst is returned unchanged.
func (r *Record) AppendISO(dst []byte) ([]byte, error) {
	return appendRecord(dst, r, FormatISO2005)
}

func firstView(r *Record, f Format) (*Template, error) {
	if len(r.Views) == 0 {
		off := isoHeaderLen - 2
		if f == FormatANSI2004 {
			off = ansiHeaderLen - 2 // a record without views is never in the long form
		}
		return nil, &FormatError{Offset: off, Field: "number of views", Err: errors.New("record has no views")}
	}
	t := r.Template(0)
	return &t, nil
}

// reader reads big-endian fields; each read reports whether the bytes were
// there (cryptobyte's discipline).
type reader struct {
	b   []byte
	off int
}

func (r *reader) u8() (uint8, bool) {
	if r.off+1 > len(r.b) {
		return 0, false
	}
	v := r.b[r.off]
	r.off++
	return v, true
}

func (r *reader) u16() (uint16, bool) {
	if r.off+2 > len(r.b) {
		return 0, false
	}
	v := binary.BigEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v, true
}

func (r *reader) u32() (uint32, bool) {
	if r.off+4 > len(r.b) {
		return 0, false
	}
	v := binary.BigEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v, true
}

func (r *reader) bytes(n int) ([]byte, bool) {
	if n < 0 || r.off+n > len(r.b) {
		return nil, false
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v, true
}

func eof(off int, field string) error {
	return &FormatError{Offset: off, Field: field, Err: io.ErrUnexpectedEOF}
}

func bad(off int, field, format string, args ...any) error {
	return &FormatError{Offset: off, Field: field, Err: fmt.Errorf(format, args...)}
}

// validImpression reports whether code is an impression type of format f.
func validImpression(code uint8, f Format) bool {
	switch code {
	case 0, 1, 2, 3, 8:
		return true
	case 4, 5, 6, 7, 9:
		return f == FormatANSI2004
	}
	return false
}

func parseRecord(b []byte, f Format) (*Record, error) {
	rd := &reader{b: b}
	if m, ok := rd.bytes(4); !ok {
		return nil, eof(0, "format identifier")
	} else if string(m) != fmrMagic {
		return nil, bad(0, "format identifier", "got % x, want 46 4d 52 00 (\"FMR\\0\")", m)
	}
	if v, ok := rd.bytes(4); !ok {
		return nil, eof(4, "version")
	} else if string(v) != fmrVersion2004 {
		if string(v) == "030\x00" || string(v) == "035\x00" {
			return nil, bad(4, "version", "version %q is ISO/IEC 19794-2:2011 or ANSI INCITS 378-2009, not supported", v[:3])
		}
		return nil, bad(4, "version", "got % x, want 20 32 30 00 (\" 20\\0\")", v)
	}
	rec := &Record{}
	switch f {
	case FormatISO2005:
		n, ok := rd.u32()
		if !ok {
			return nil, eof(8, "record length")
		}
		if int64(n) != int64(len(b)) {
			hint := ""
			if a := int(n >> 16); a == len(b) || (a == 0 && int(n&0xffff) > 0) {
				hint = " (an ANSI INCITS 378-2004 record?)"
			}
			return nil, bad(8, "record length", "declared %d bytes, have %d%s", n, len(b), hint)
		}
	case FormatANSI2004:
		n, ok := rd.u16()
		if !ok {
			return nil, eof(8, "record length")
		}
		total := int64(n)
		if n == 0 {
			n4, ok := rd.u32()
			if !ok {
				return nil, eof(10, "record length (4-byte form)")
			}
			if n4 < 0x10000 {
				return nil, bad(10, "record length (4-byte form)", "4-byte form used for %d bytes, below 65536", n4)
			}
			total = int64(n4)
		}
		if total != int64(len(b)) {
			hint := ""
			if len(b) >= 12 && int64(binary.BigEndian.Uint32(b[8:])) == int64(len(b)) {
				hint = " (an ISO/IEC 19794-2:2005 record?)"
			}
			return nil, bad(8, "record length", "declared %d bytes, have %d%s", total, len(b), hint)
		}
		off := rd.off
		var ok1, ok2 bool
		rec.ProductOwner, ok1 = rd.u16()
		rec.ProductType, ok2 = rd.u16()
		if !ok1 || !ok2 {
			return nil, eof(off, "CBEFF product identifier")
		}
	}
	off := rd.off
	eq, ok := rd.u16()
	if !ok {
		return nil, eof(off, "capture equipment")
	}
	rec.Compliance, rec.EquipmentID = uint8(eq>>12), eq&0x0fff
	for _, fld := range []struct {
		p    *uint16
		name string
	}{{&rec.Width, "image width"}, {&rec.Height, "image height"}, {&rec.ResolutionX, "x resolution"}, {&rec.ResolutionY, "y resolution"}} {
		o := rd.off
		if *fld.p, ok = rd.u16(); !ok {
			return nil, eof(o, fld.name)
		}
	}
	off = rd.off
	nviews, ok := rd.u8()
	if !ok {
		return nil, eof(off, "number of views")
	}
	if res, ok := rd.u8(); !ok {
		return nil, eof(off+1, "reserved byte")
	} else if res != 0 {
		return nil, bad(off+1, "reserved byte", "got %#02x, want 0", res)
	}
	if nviews > 0 {
		rec.Views = make([]View, nviews)
	}
	for vi := range rec.Views {
		if err := parseView(rd, &rec.Views[vi], vi, f); err != nil {
			return nil, err
		}
	}
	if rd.off != len(b) {
		// Unreachable while the length check holds; kept as a guard.
		return nil, bad(rd.off, "end of record", "%d trailing bytes", len(b)-rd.off)
	}
	return rec, nil
}

func parseView(rd *reader, v *View, vi int, f Format) error {
	name := func(s string) string { return fmt.Sprintf("view %d %s", vi, s) }
	off := rd.off
	hdr, ok := rd.bytes(viewHeaderLen)
	if !ok {
		return eof(off, name("header"))
	}
	if hdr[0] > uint8(fingerPositionLast) {
		return bad(off, name("finger position"), "%d out of range 0..10", hdr[0])
	}
	v.Finger = FingerPosition(hdr[0])
	v.ViewNumber, v.ImpressionType = hdr[1]>>4, hdr[1]&0x0f
	if !validImpression(v.ImpressionType, f) {
		return bad(off+1, name("impression type"), "code %d undefined in %v", v.ImpressionType, f)
	}
	if hdr[2] > 100 {
		return bad(off+2, name("finger quality"), "%d out of range 0..100", hdr[2])
	}
	v.Quality = hdr[2]
	n := int(hdr[3])
	if n > 0 {
		v.Minutiae = make([]Minutia, n)
	}
	for mi := range v.Minutiae {
		off := rd.off
		m, ok := rd.bytes(minutiaLen)
		if !ok {
			return eof(off, fmt.Sprintf("view %d minutia %d", vi, mi))
		}
		mname := func(s string) string { return fmt.Sprintf("view %d minutia %d %s", vi, mi, s) }
		xw := binary.BigEndian.Uint16(m[0:])
		yw := binary.BigEndian.Uint16(m[2:])
		kind := MinutiaKind(xw >> 14)
		if kind > KindBifurcation {
			return bad(off, mname("type"), "reserved type code 3")
		}
		if yw>>14 != 0 {
			return bad(off+2, mname("reserved bits"), "got %d, want 0", yw>>14)
		}
		angle := m[4]
		if f == FormatANSI2004 {
			if angle > 179 {
				return bad(off+4, mname("angle"), "%d out of range 0..179 (2-degree units)", angle)
			}
			angle = ansiToISOAngle(angle)
		}
		if m[5] > 100 {
			return bad(off+5, mname("quality"), "%d out of range 0..100", m[5])
		}
		v.Minutiae[mi] = Minutia{X: xw & maxCoordinate, Y: yw, Angle: angle, Kind: kind, Quality: m[5]}
	}
	off = rd.off
	elen, ok := rd.u16()
	if !ok {
		return eof(off, name("extended data length"))
	}
	area, ok := rd.bytes(int(elen))
	if !ok {
		return bad(off, name("extended data length"), "declares %d bytes, %d left in the record: %w", elen, len(rd.b)-off-2, io.ErrUnexpectedEOF)
	}
	blocks, err := parseBlocks(area, off+2, false)
	if err != nil {
		var err2 error
		if blocks, err2 = parseBlocks(area, off+2, true); err2 != nil {
			var fe *FormatError
			if errors.As(err, &fe) {
				fe.Field = name(fe.Field)
			}
			return err
		}
		v.ExtendedLengthExcludesHeader = true
	}
	v.Extended = blocks
	return nil
}

// parseBlocks splits an extended data area into blocks; base is the offset
// of area in the record, for errors.
func parseBlocks(area []byte, base int, excl bool) ([]ExtendedData, error) {
	var out []ExtendedData
	for p := 0; p < len(area); {
		if len(area)-p < extHeaderLen {
			return nil, eof(base+p, "extended data block header")
		}
		typ := binary.BigEndian.Uint16(area[p:])
		n := int(binary.BigEndian.Uint16(area[p+2:]))
		if !excl {
			if n < extHeaderLen {
				return nil, bad(base+p+2, "extended data block length", "%d is shorter than the 4-byte block header", n)
			}
			n -= extHeaderLen
		}
		if p+extHeaderLen+n > len(area) {
			return nil, bad(base+p+2, "extended data block length", "block of %d data bytes overruns the extended data area by %d: %w", n, p+extHeaderLen+n-len(area), io.ErrUnexpectedEOF)
		}
		data := make([]byte, n)
		copy(data, area[p+extHeaderLen:])
		out = append(out, ExtendedData{Type: typ, Data: data})
		p += extHeaderLen + n
	}
	return out, nil
}

// ansiToISOAngle converts 2-degree units (0..179) to 360/256-degree units,
// rounding to nearest; isoToANSIAngle is its inverse on those values.
func ansiToISOAngle(a uint8) uint8 { return uint8((int(a)*512 + 180) / 360 & 0xff) }

func isoToANSIAngle(a uint8) uint8 { return uint8((int(a)*360 + 256) / 512 % 180) }

func encErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrEncoding, fmt.Sprintf(format, args...))
}

// viewSize returns the encoded size of v and checks its fields.
func viewSize(vi int, v *View, f Format) (int, error) {
	if !v.Finger.Valid() {
		return 0, encErr("view %d: finger position %d out of range 0..10", vi, v.Finger)
	}
	if v.ViewNumber > 15 {
		return 0, encErr("view %d: view number %d out of range 0..15", vi, v.ViewNumber)
	}
	if !validImpression(v.ImpressionType, f) {
		return 0, encErr("view %d: impression type %d undefined in %v", vi, v.ImpressionType, f)
	}
	if v.Quality > 100 {
		return 0, encErr("view %d: finger quality %d out of range 0..100", vi, v.Quality)
	}
	if len(v.Minutiae) > 255 {
		return 0, encErr("view %d: %d minutiae, at most 255 fit", vi, len(v.Minutiae))
	}
	for mi, m := range v.Minutiae {
		if m.X > maxCoordinate || m.Y > maxCoordinate {
			return 0, encErr("view %d minutia %d: coordinate (%d, %d) above 16383", vi, mi, m.X, m.Y)
		}
		if m.Kind > KindBifurcation {
			return 0, encErr("view %d minutia %d: kind %d undefined", vi, mi, m.Kind)
		}
		if m.Quality > 100 {
			return 0, encErr("view %d minutia %d: quality %d out of range 0..100", vi, mi, m.Quality)
		}
	}
	n := viewHeaderLen + minutiaLen*len(v.Minutiae) + 2
	ext := 0
	for bi, blk := range v.Extended {
		if len(blk.Data) > 0xffff-extHeaderLen {
			return 0, encErr("view %d extended block %d: %d bytes, too long", vi, bi, len(blk.Data))
		}
		ext += extHeaderLen + len(blk.Data)
	}
	if ext > 0xffff {
		return 0, encErr("view %d: extended data of %d bytes, at most 65535 fit", vi, ext)
	}
	return n + ext, nil
}

func appendView(b []byte, v *View, f Format) []byte {
	b = append(b, byte(v.Finger), v.ViewNumber<<4|v.ImpressionType, v.Quality, byte(len(v.Minutiae)))
	for _, m := range v.Minutiae {
		a := m.Angle
		if f == FormatANSI2004 {
			a = isoToANSIAngle(a)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(m.Kind)<<14|m.X)
		b = binary.BigEndian.AppendUint16(b, m.Y)
		b = append(b, a, m.Quality)
	}
	ext := 0
	for _, blk := range v.Extended {
		ext += extHeaderLen + len(blk.Data)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(ext))
	for _, blk := range v.Extended {
		n := len(blk.Data)
		if !v.ExtendedLengthExcludesHeader {
			n += extHeaderLen
		}
		b = binary.BigEndian.AppendUint16(b, blk.Type)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = append(b, blk.Data...)
	}
	return b
}

// appendHeader writes the record header for a record of total bytes.
func appendHeader(b []byte, r *Record, nviews, total int, f Format) []byte {
	b = append(b, fmrMagic...)
	b = append(b, fmrVersion2004...)
	switch f {
	case FormatISO2005:
		b = binary.BigEndian.AppendUint32(b, uint32(total))
	case FormatANSI2004:
		if total <= 0xffff {
			b = binary.BigEndian.AppendUint16(b, uint16(total))
		} else {
			b = binary.BigEndian.AppendUint16(b, 0)
			b = binary.BigEndian.AppendUint32(b, uint32(total))
		}
		b = binary.BigEndian.AppendUint16(b, r.ProductOwner)
		b = binary.BigEndian.AppendUint16(b, r.ProductType)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(r.Compliance&0x0f)<<12|r.EquipmentID&0x0fff)
	b = binary.BigEndian.AppendUint16(b, r.Width)
	b = binary.BigEndian.AppendUint16(b, r.Height)
	b = binary.BigEndian.AppendUint16(b, r.ResolutionX)
	b = binary.BigEndian.AppendUint16(b, r.ResolutionY)
	return append(b, byte(nviews), 0)
}

func headerLen(body int, f Format) int {
	if f == FormatISO2005 {
		return isoHeaderLen
	}
	if ansiHeaderLen+body > 0xffff {
		return ansiHeaderLen + 4
	}
	return ansiHeaderLen
}

func checkHeader(r *Record, nviews int) error {
	if r.Compliance > 15 {
		return encErr("capture equipment compliance %d out of range 0..15", r.Compliance)
	}
	if r.EquipmentID > 0x0fff {
		return encErr("capture equipment ID %d out of range 0..4095", r.EquipmentID)
	}
	if nviews > 255 {
		return encErr("%d views, at most 255 fit", nviews)
	}
	return nil
}

func appendRecord(dst []byte, r *Record, f Format) ([]byte, error) {
	if err := checkHeader(r, len(r.Views)); err != nil {
		return dst, err
	}
	body := 0
	for vi := range r.Views {
		n, err := viewSize(vi, &r.Views[vi], f)
		if err != nil {
			return dst, err
		}
		body += n
	}
	total := headerLen(body, f) + body
	if int64(total) > 0xffffffff {
		return dst, encErr("record of %d bytes too long", total)
	}
	b := growBytes(dst, total)
	b = appendHeader(b, r, len(r.Views), total, f)
	for vi := range r.Views {
		b = appendView(b, &r.Views[vi], f)
	}
	return b, nil
}

func appendSingle(dst []byte, t *Template, f Format) ([]byte, error) {
	r := Record{Width: t.Width, Height: t.Height, ResolutionX: t.ResolutionX, ResolutionY: t.ResolutionY}
	v := View{Finger: t.Finger, ViewNumber: t.ViewNumber, ImpressionType: t.ImpressionType,
		Quality: t.Quality, Minutiae: t.Minutiae}
	body, err := viewSize(0, &v, f)
	if err != nil {
		return dst, err
	}
	total := headerLen(body, f) + body
	b := growBytes(dst, total)
	b = appendHeader(b, &r, 1, total, f)
	return appendView(b, &v, f), nil
}

// growBytes returns b with room for n more bytes.
func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}
