package wsq

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
	"strings"
)

// Markers of spec 3.1 Table 3.
const (
	markerSOI = 0xffa0
	markerEOI = 0xffa1
	markerSOF = 0xffa2
	markerSOB = 0xffa3
	markerDTT = 0xffa4
	markerDQT = 0xffa5
	markerDHT = 0xffa6
	markerDRT = 0xffa7
	markerCOM = 0xffa8
)

// Limits the decoder enforces before it allocates.
const (
	// DefaultMaxPixels is the largest image (width × height) Decode accepts:
	// 2^24 pixels, e.g. a 4096 × 4096 slap at 1000 ppi. Decoding needs about
	// 11 bytes of memory per declared pixel.
	DefaultMaxPixels = 1 << 24
	// MaxFileSize is the most bytes Decode reads from its reader (64 MiB).
	MaxFileSize = 64 << 20
	// MinDimension is the smallest width or height the codec handles: the
	// smallest at which every line the five-level decomposition filters
	// has at least five samples (NBIS does not check this and reads out of
	// bounds below it).
	MinDimension = 65
)

var (
	// ErrFormat is the category of every malformed-stream error; the
	// *FormatError that wraps it says where and what.
	ErrFormat = errors.New("wsq: malformed data")
	// ErrTooLarge reports an image whose declared size is over the limit.
	ErrTooLarge = errors.New("wsq: image exceeds the size limit")
)

// FormatError describes malformed WSQ data: the byte offset at which the
// problem was found, the segment or field being read and what is wrong.
// It unwraps to ErrFormat or ErrTooLarge.
type FormatError struct {
	Offset int
	Field  string
	Msg    string
	Err    error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("wsq: offset %d (%s): %s", e.Offset, e.Field, e.Msg)
}

// Unwrap returns the error category.
func (e *FormatError) Unwrap() error {
	if e.Err == nil {
		return ErrFormat
	}
	return e.Err
}

// Info is what a WSQ file says about its image besides the pixels.
type Info struct {
	Width, Height int
	// PPI is the resolution from the NISTCOM comment, 0 when absent.
	PPI int
	// Black and White are the frame header's pixel values (normally 0, 255).
	Black, White uint8
	// Encoder and Software are the frame header's encoder number (2 for
	// spec-3.1 encoders) and software implementation number.
	Encoder  uint8
	Software uint16
	// Comments are the COM segments' texts in file order (NISTCOM included).
	Comments []string
	// BitRate is the NISTCOM WSQ_BITRATE, 0 when absent.
	BitRate float64
}

// DecodeOptions configures DecodeWith. The zero value uses the defaults.
type DecodeOptions struct {
	// MaxPixels bounds width × height; 0 means DefaultMaxPixels.
	MaxPixels int
}

// Decode reads a WSQ image from r and returns it as an *image.Gray.
// Errors are *FormatError values (errors.Is ErrFormat or ErrTooLarge) or
// the reader's.
func Decode(r io.Reader) (image.Image, error) {
	m, _, err := DecodeWith(r, nil)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeConfig returns the dimensions of a WSQ image without decoding it.
// It reads r segment by segment up to the frame header, at most
// MaxFileSize bytes.
func DecodeConfig(r io.Reader) (image.Config, error) {
	br := bufio.NewReader(r)
	d := &decoder{}
	var buf bytes.Buffer
	for total := 0; ; total += buf.Len() {
		if total > MaxFileSize {
			return image.Config{}, &FormatError{Offset: total, Field: "header", Msg: fmt.Sprintf("no frame header in the first %d bytes", MaxFileSize), Err: ErrTooLarge}
		}
		buf.Reset()
		if err := readSegmentInto(br, &buf); err != nil {
			return image.Config{}, shiftOffset(err, total)
		}
		// Parse the segment alone; offsets are made absolute on error.
		d.data, d.pos = buf.Bytes(), 2
		m := binary.BigEndian.Uint16(d.data)
		var err error
		switch {
		case total == 0 && m != markerSOI:
			err = d.fail(0, "SOI", "no SOI marker (found %04X)", m)
		case total == 0:
		case m == markerSOF:
			if err = d.readSOF(); err == nil {
				return image.Config{ColorModel: color.GrayModel, Width: d.info.Width, Height: d.info.Height}, nil
			}
		default:
			err = d.table(m, 0)
		}
		if err != nil {
			return image.Config{}, shiftOffset(err, total)
		}
	}
}

// shiftOffset adds by to the offset of a *FormatError.
func shiftOffset(err error, by int) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.Offset += by
	}
	return err
}

// readSegmentInto copies the next marker and its segment from r to buf.
func readSegmentInto(r *bufio.Reader, buf *bytes.Buffer) error {
	var m [2]byte
	if _, err := io.ReadFull(r, m[:]); err != nil {
		return readErr(err, buf.Len())
	}
	buf.Write(m[:])
	mk := binary.BigEndian.Uint16(m[:])
	if mk == markerSOI || mk == markerEOI {
		return nil
	}
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return readErr(err, buf.Len())
	}
	buf.Write(l[:])
	n := int(binary.BigEndian.Uint16(l[:]))
	if n < 2 {
		return &FormatError{Offset: buf.Len() - 2, Field: "segment length", Msg: fmt.Sprintf("length %d is less than 2", n)}
	}
	if _, err := io.CopyN(buf, r, int64(n-2)); err != nil {
		return readErr(err, buf.Len())
	}
	return nil
}

func readErr(err error, off int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FormatError{Offset: off, Field: "header", Msg: "unexpected end of data"}
	}
	return err
}

// DecodeWith decodes a WSQ image from r under the limits of o (nil for the
// defaults) and also returns the file's Info.
func DecodeWith(r io.Reader, o *DecodeOptions) (*image.Gray, *Info, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxFileSize {
		return nil, nil, &FormatError{Offset: MaxFileSize, Field: "file", Msg: fmt.Sprintf("more than %d bytes", MaxFileSize), Err: ErrTooLarge}
	}
	return DecodeBytes(data, o)
}

// DecodeBytes is DecodeWith over a byte slice.
func DecodeBytes(data []byte, o *DecodeOptions) (*image.Gray, *Info, error) {
	var dec Decoder
	if o != nil {
		dec.Options = *o
	}
	return dec.Decode(data)
}

// A Decoder decodes WSQ images one after another, keeping its working
// buffers (about 10 bytes per pixel) between calls so that a run over a
// collection allocates little more than the output images. The zero value
// is ready to use. A Decoder is not safe for concurrent use.
type Decoder struct {
	Options DecodeOptions

	q      []int16
	f, tmp []float32
}

// Decode decodes one WSQ file held in data, as DecodeBytes does. The
// returned image does not share memory with the Decoder.
func (dec *Decoder) Decode(data []byte) (*image.Gray, *Info, error) {
	maxPix := DefaultMaxPixels
	if dec.Options.MaxPixels > 0 {
		maxPix = dec.Options.MaxPixels
	}
	d := &decoder{data: data, maxPixels: maxPix, scratch: dec}
	m, err := d.decode()
	if err != nil {
		return nil, nil, err
	}
	return m, &d.info, nil
}

// grow returns s resized to n elements, reallocating only when s is too
// small; the contents are unspecified.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// ReadInfo parses the header segments of a WSQ file (up to the frame
// header) and returns what they declare, without decoding the image.
func ReadInfo(data []byte) (*Info, error) {
	d := &decoder{data: data}
	if err := d.parseHeader(); err != nil {
		return nil, err
	}
	return &d.info, nil
}

type decoder struct {
	data      []byte
	pos       int
	maxPixels int
	info      Info
	scratch   *Decoder // buffers to reuse; nil for header-only parsing

	dttDefined bool
	lo, hi     []float32 // synthesis filters

	dqtDefined bool
	binCenter  float32
	qbin, zbin [qTreeLen]float32

	dht [8]huffTable

	mShift, rScale float32
}

func (d *decoder) fail(off int, field, format string, args ...any) error {
	return &FormatError{Offset: off, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) u8(field string) (uint8, error) {
	if d.pos >= len(d.data) {
		return 0, d.eof(field)
	}
	v := d.data[d.pos]
	d.pos++
	return v, nil
}

func (d *decoder) u16(field string) (uint16, error) {
	if d.pos+2 > len(d.data) {
		return 0, d.eof(field)
	}
	v := binary.BigEndian.Uint16(d.data[d.pos:])
	d.pos += 2
	return v, nil
}

func (d *decoder) u32(field string) (uint32, error) {
	if d.pos+4 > len(d.data) {
		return 0, d.eof(field)
	}
	v := binary.BigEndian.Uint32(d.data[d.pos:])
	d.pos += 4
	return v, nil
}

func (d *decoder) eof(field string) error {
	return &FormatError{Offset: d.pos, Field: field, Msg: "unexpected end of data", Err: errEOF}
}

// errEOF marks a truncation; it unwraps to ErrFormat.
var errEOF = fmt.Errorf("%w: truncated", ErrFormat)

// scaled converts a (value, decimal exponent) pair the way the reference
// decoder does: to float32, then divided by ten once per step, each step
// computed in double precision and rounded back to float32.
func scaled(v uint32, scale uint8) float32 {
	f := float32(v)
	for ; scale > 0; scale-- {
		f = float32(float64(f) / 10.0)
	}
	return f
}

// segment reads a segment length and returns the offset at which the
// segment must end.
func (d *decoder) segment(field string) (start, end int, err error) {
	start = d.pos
	n, err := d.u16(field + " length")
	if err != nil {
		return 0, 0, err
	}
	if n < 2 || start+int(n) > len(d.data) {
		if n >= 2 {
			return 0, 0, &FormatError{Offset: start, Field: field + " length", Msg: fmt.Sprintf("length %d runs past the end of data", n), Err: errEOF}
		}
		return 0, 0, d.fail(start, field+" length", "length %d is less than 2", n)
	}
	return start, start + int(n), nil
}

func (d *decoder) endSegment(field string, start, end int) error {
	if d.pos != end {
		return d.fail(start, field+" length", "length field says %d bytes, table holds %d", end-start, d.pos-start)
	}
	return nil
}

// table reads the segment after marker m (DTT, DQT, DHT or COM).
func (d *decoder) table(m uint16, at int) error {
	switch m {
	case markerDTT:
		return d.readDTT()
	case markerDQT:
		return d.readDQT()
	case markerDHT:
		return d.readDHT()
	case markerCOM:
		return d.readCOM()
	case markerDRT:
		return d.fail(at, "marker", "restart intervals (DRT) are not supported")
	}
	return d.fail(at, "marker", "unexpected marker %04X", m)
}

func (d *decoder) readDTT() error {
	start, end, err := d.segment("DTT")
	if err != nil {
		return err
	}
	// The reference writes the analysis lowpass length then the highpass
	// length; the synthesis highpass is derived from the analysis lowpass
	// and the synthesis lowpass from the analysis highpass.
	hisz, err := d.u8("DTT lowpass length")
	if err != nil {
		return err
	}
	losz, err := d.u8("DTT highpass length")
	if err != nil {
		return err
	}
	if hisz != 9 || losz != 7 {
		return d.fail(start+2, "DTT filter lengths", "%d and %d taps, only the 9/7 filter bank of spec 3.1 is supported", hisz, losz)
	}
	hi := make([]float32, hisz)
	lo := make([]float32, losz)
	read := func(dst []float32, alt func(int) float32) error {
		half := (len(dst) - 1) / 2
		for i := 0; i <= half; i++ {
			sign, err := d.u8("DTT coefficient sign")
			if err != nil {
				return err
			}
			scale, err := d.u8("DTT coefficient scale")
			if err != nil {
				return err
			}
			v, err := d.u32("DTT coefficient")
			if err != nil {
				return err
			}
			f := scaled(v, scale)
			if sign != 0 {
				f = -f
			}
			f *= alt(i)
			dst[half+i] = f
			dst[half-i] = f
		}
		return nil
	}
	alt := func(i int) float32 {
		if i%2 == 1 {
			return -1
		}
		return 1
	}
	if err := read(hi, alt); err != nil {
		return err
	}
	if err := read(lo, alt); err != nil {
		return err
	}
	if err := d.endSegment("DTT", start, end); err != nil {
		return err
	}
	d.lo, d.hi, d.dttDefined = lo, hi, true
	return nil
}

func (d *decoder) readDQT() error {
	start, end, err := d.segment("DQT")
	if err != nil {
		return err
	}
	scale, err := d.u8("DQT bin centre scale")
	if err != nil {
		return err
	}
	v, err := d.u16("DQT bin centre")
	if err != nil {
		return err
	}
	d.binCenter = scaled(uint32(v), scale)
	if d.pos+qTreeLen*6 > len(d.data) {
		return &FormatError{Offset: d.pos, Field: "DQT subband bins", Msg: fmt.Sprintf("%d bytes needed, %d left", qTreeLen*6, len(d.data)-d.pos), Err: errEOF}
	}
	for i := range qTreeLen {
		b := d.data[d.pos+6*i:]
		d.qbin[i] = scaled(uint32(binary.BigEndian.Uint16(b[1:])), b[0])
		d.zbin[i] = scaled(uint32(binary.BigEndian.Uint16(b[4:])), b[3])
	}
	d.pos += qTreeLen * 6
	if err := d.endSegment("DQT", start, end); err != nil {
		return err
	}
	d.dqtDefined = true
	return nil
}

func (d *decoder) readDHT() error {
	start, end, err := d.segment("DHT")
	if err != nil {
		return err
	}
	for first := true; first || d.pos < end; first = false {
		at := d.pos
		id, err := d.u8("DHT table id")
		if err != nil {
			return err
		}
		if int(id) >= len(d.dht) {
			return d.fail(at, "DHT table id", "table %d, at most %d tables", id, len(d.dht))
		}
		var t huffTable
		total := 0
		for i := range t.bits {
			b, err := d.u8("DHT code counts")
			if err != nil {
				return err
			}
			t.bits[i] = b
			total += int(b)
		}
		if total > maxHuffCounts+1 {
			return d.fail(at+1, "DHT code counts", "%d codes, at most %d", total, maxHuffCounts+1)
		}
		if d.pos+total > end {
			return d.fail(at+17, "DHT values", "%d values run past the segment end", total)
		}
		t.values = append([]uint8(nil), d.data[d.pos:d.pos+total]...)
		d.pos += total
		if !t.build() {
			return d.fail(at+1, "DHT code counts", "code lengths over-subscribe the code space")
		}
		if !first && d.dht[id].defined {
			return d.fail(at, "DHT table id", "table %d defined twice in one segment", id)
		}
		t.defined = true
		d.dht[id] = t
	}
	return d.endSegment("DHT", start, end)
}

func (d *decoder) readCOM() error {
	start, end, err := d.segment("COM")
	if err != nil {
		return err
	}
	text := string(d.data[start+2 : end])
	d.pos = end
	d.info.Comments = append(d.info.Comments, text)
	if strings.HasPrefix(text, "NIST_COM") {
		for _, l := range strings.Split(text, "\n") {
			k, v, _ := strings.Cut(l, " ")
			switch k {
			case "PPI":
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && d.info.PPI == 0 {
					d.info.PPI = n
				}
			case "WSQ_BITRATE":
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && d.info.BitRate == 0 {
					d.info.BitRate = f
				}
			}
		}
	}
	return nil
}

func (d *decoder) readSOF() error {
	start, end, err := d.segment("SOF")
	if err != nil {
		return err
	}
	f := &d.info
	if f.Black, err = d.u8("SOF black"); err != nil {
		return err
	}
	if f.White, err = d.u8("SOF white"); err != nil {
		return err
	}
	h, err := d.u16("SOF height")
	if err != nil {
		return err
	}
	w, err := d.u16("SOF width")
	if err != nil {
		return err
	}
	s, err := d.u8("SOF shift scale")
	if err != nil {
		return err
	}
	v, err := d.u16("SOF shift")
	if err != nil {
		return err
	}
	d.mShift = scaled(uint32(v), s)
	if s, err = d.u8("SOF scale scale"); err != nil {
		return err
	}
	if v, err = d.u16("SOF scale"); err != nil {
		return err
	}
	d.rScale = scaled(uint32(v), s)
	if f.Encoder, err = d.u8("SOF encoder"); err != nil {
		return err
	}
	if f.Software, err = d.u16("SOF software"); err != nil {
		return err
	}
	if err := d.endSegment("SOF", start, end); err != nil {
		return err
	}
	if int(w) < MinDimension || int(h) < MinDimension {
		return d.fail(start+4, "SOF size", "%d × %d image, each side must be at least %d", w, h, MinDimension)
	}
	f.Width, f.Height = int(w), int(h)
	return nil
}

func (d *decoder) marker(field string) (uint16, int, error) {
	at := d.pos
	m, err := d.u16(field)
	if err != nil {
		return 0, at, err
	}
	return m, at, nil
}

// parseHeader reads SOI, the tables and comments before the frame, and the
// frame header.
func (d *decoder) parseHeader() error {
	d.pos = 0
	d.info = Info{}
	m, at, err := d.marker("SOI")
	if err != nil {
		return err
	}
	if m != markerSOI {
		return d.fail(at, "SOI", "no SOI marker (found %04X)", m)
	}
	for {
		m, at, err = d.marker("marker")
		if err != nil {
			return err
		}
		if m == markerSOF {
			return d.readSOF()
		}
		if err := d.table(m, at); err != nil {
			return err
		}
	}
}

func (d *decoder) decode() (*image.Gray, error) {
	if err := d.parseHeader(); err != nil {
		return nil, err
	}
	w, h := d.info.Width, d.info.Height
	if w*h > d.maxPixels {
		return nil, &FormatError{Offset: 0, Field: "SOF size", Msg: fmt.Sprintf("%d × %d pixels, limit %d", w, h, d.maxPixels), Err: ErrTooLarge}
	}
	t := buildTrees(w, h)
	sc := d.scratch
	sc.q = grow(sc.q, w*h)
	q := sc.q
	n, err := d.huffmanData(q, t)
	if err != nil {
		return nil, err
	}
	if !d.dttDefined {
		return nil, d.fail(d.pos, "DTT", "no transform table before the data")
	}
	if !d.dqtDefined {
		return nil, d.fail(d.pos, "DQT", "no quantisation table before the data")
	}
	need := 0
	for i := range numSubbands {
		if d.qbin[i] != 0 {
			need += t.q[i].lenx * t.q[i].leny
		}
	}
	if n != need {
		return nil, d.fail(d.pos, "block data", "%d coefficients coded, the subbands hold %d", n, need)
	}
	sc.f = grow(sc.f, w*h)
	f := sc.f
	clear(f) // subbands without a bin width stay zero
	d.unquantize(f, q, t, w)
	sc.tmp = grow(sc.tmp, w*h)
	reconstruct(f, sc.tmp, w, t, d.lo, d.hi)
	m := image.NewGray(image.Rect(0, 0, w, h))
	toBytes(m.Pix, f, d.mShift, d.rScale)
	return m, nil
}

// unquantize is spec 3.1 §4.2's dequantiser, with the reference's mixture
// of single- and double-precision steps.
func (d *decoder) unquantize(f []float32, q []int16, t *trees, width int) {
	c := d.binCenter
	k := 0
	for i := range numSubbands {
		qb := d.qbin[i]
		if qb == 0 {
			continue
		}
		hz := float64(d.zbin[i]) / 2.0
		n := t.q[i]
		for r := range n.leny {
			row := f[(n.y+r)*width+n.x:][:n.lenx]
			for c2 := range row {
				s := q[k]
				k++
				switch {
				case s == 0:
					row[c2] = 0
				case s > 0:
					row[c2] = float32(float64(float32(qb*float32(float32(s)-c))) + hz)
				default:
					row[c2] = float32(float64(float32(qb*float32(float32(s)+c))) - hz)
				}
			}
		}
	}
}

// toBytes undoes the encoder's shift and scale and rounds to 8 bits.
func toBytes(dst []uint8, f []float32, shift, scale float32) {
	for i, v := range f {
		p := float32(float32(v*scale) + shift)
		p = float32(p + 0.5)
		switch {
		case p < 0:
			dst[i] = 0
		case p > 255:
			dst[i] = 255
		default:
			dst[i] = uint8(p)
		}
	}
}
