// Package tlv reads and writes BER-TLV data objects as smart cards use them
// (ISO/IEC 7816-4 clause 5.2 and annex D; the subset of ITU-T X.690 BER that
// ICAO Doc 9303 data groups, PACE dynamic authentication data and secure
// messaging data objects use).
//
// Reading follows golang.org/x/crypto/cryptobyte: a [Parser] is a byte
// slice and every read returns ok=false instead of panicking on truncated
// or hostile input. [Decode] and [Find] wrap this with a typed
// [*SyntaxError]. A [Builder] writes definite-length objects.
//
// Tags are kept in their encoded form as an unsigned integer: 0x5F1F is
// the two-byte tag 5F 1F, 0x7F49 is 7F 49, 0x61 is 61. Tags of up to four
// bytes are accepted. Lengths use the short form or the long forms 81 to 84;
// the indefinite form (80) is rejected.
package tlv

import (
	"errors"
	"fmt"
)

// Tag is a BER tag in its encoded big-endian form, e.g. 0x5F1F.
type Tag uint32

// Constructed reports whether the tag has the constructed bit (b6 of its
// first byte) set.
func (t Tag) Constructed() bool {
	first := t
	for first > 0xFF {
		first >>= 8
	}
	return first&0x20 != 0
}

// Len returns the number of bytes of the encoded tag (1 to 4).
func (t Tag) Len() int {
	switch {
	case t <= 0xFF:
		return 1
	case t <= 0xFFFF:
		return 2
	case t <= 0xFFFFFF:
		return 3
	default:
		return 4
	}
}

// String formats the tag as upper-case hex, e.g. "5F1F".
func (t Tag) String() string {
	return fmt.Sprintf("%0*X", t.Len()*2, uint32(t))
}

// ErrSyntax is the sentinel that every [*SyntaxError] unwraps to.
var ErrSyntax = errors.New("tlv: malformed BER-TLV")

// SyntaxError reports malformed TLV input. Offset is the 0-based byte offset
// in the input where the bad object starts.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error returns the error message.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("tlv: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns [ErrSyntax].
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// maxLen bounds a single object's length; no card object comes close.
const maxLen = 1 << 24

// Parser reads consecutive TLV objects from a byte slice. The zero value is
// an empty parser. Values returned alias the underlying slice.
type Parser []byte

// Empty reports whether all input has been consumed.
func (p *Parser) Empty() bool { return len(*p) == 0 }

// readTag reads one tag from b, returning the tag and its encoded length.
func readTag(b []byte) (Tag, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	t := Tag(b[0])
	n := 1
	// ISO/IEC 7816-4: 00 and FF are not valid first tag bytes (padding).
	if b[0]&0x1F != 0x1F {
		return t, 1, true
	}
	for {
		if n >= len(b) || n >= 4 {
			return 0, 0, false
		}
		c := b[n]
		t = t<<8 | Tag(c)
		n++
		if c&0x80 == 0 {
			return t, n, true
		}
	}
}

// readLen reads a definite length.
func readLen(b []byte) (int, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	c := b[0]
	if c < 0x80 {
		return int(c), 1, true
	}
	n := int(c & 0x7F)
	if n == 0 || n > 4 || len(b) < 1+n {
		return 0, 0, false
	}
	l := 0
	for _, x := range b[1 : 1+n] {
		l = l<<8 | int(x)
	}
	if l > maxLen {
		return 0, 0, false
	}
	return l, 1 + n, true
}

// Header parses the tag and length at the start of b and returns the
// tag, the value length and the header length.
func Header(b []byte) (tag Tag, length, headerLen int, ok bool) {
	t, tn, ok := readTag(b)
	if !ok {
		return 0, 0, 0, false
	}
	l, ln, ok := readLen(b[tn:])
	if !ok {
		return 0, 0, 0, false
	}
	return t, l, tn + ln, true
}

// Read reads the next object, storing its tag and value. It returns false,
// consuming nothing, if the input is truncated or malformed.
func (p *Parser) Read(tag *Tag, value *[]byte) bool {
	var full []byte
	return p.ReadFull(tag, value, &full)
}

// ReadFull is like [Parser.Read] and also stores the complete encoding
// (tag, length and value) in full.
func (p *Parser) ReadFull(tag *Tag, value, full *[]byte) bool {
	b := *p
	t, l, h, ok := Header(b)
	if !ok || len(b)-h < l {
		return false
	}
	*tag = t
	*value = b[h : h+l : h+l]
	*full = b[: h+l : h+l]
	*p = b[h+l:]
	return true
}

// ReadTag reads the next object if its tag is want, storing its value.
// It returns false, consuming nothing, otherwise.
func (p *Parser) ReadTag(want Tag, value *[]byte) bool {
	save := *p
	var t Tag
	if !p.Read(&t, value) {
		return false
	}
	if t != want {
		*p = save
		return false
	}
	return true
}

// PeekTag reports the tag of the next object without consuming it.
func (p *Parser) PeekTag() (Tag, bool) {
	t, _, ok := readTag(*p)
	return t, ok
}

// SkipPadding consumes 00 and FF filler bytes that ISO/IEC 7816-4 allows
// between objects.
func (p *Parser) SkipPadding() {
	b := *p
	for len(b) > 0 && (b[0] == 0x00 || b[0] == 0xFF) {
		b = b[1:]
	}
	*p = b
}

// Object is one decoded TLV object. For constructed tags [Decode] fills
// Children, and the value must itself parse as TLV.
type Object struct {
	Tag      Tag
	Value    []byte // aliases the input
	Children []Object
}

// maxDepth bounds nesting in Decode.
const maxDepth = 32

// Decode parses b as a sequence of TLV objects, descending into constructed
// ones. It returns a [*SyntaxError] for truncated or malformed input or
// trailing garbage. Values alias b.
func Decode(b []byte) ([]Object, error) {
	objs, err := decode(b, 0, 0)
	if err != nil {
		return nil, err
	}
	return objs, nil
}

func decode(b []byte, base, depth int) ([]Object, error) {
	if depth > maxDepth {
		return nil, &SyntaxError{Offset: base, Msg: "nesting too deep"}
	}
	var out []Object
	p := Parser(b)
	for !p.Empty() {
		off := base + len(b) - len(p)
		var o Object
		var full []byte
		if !p.ReadFull(&o.Tag, &o.Value, &full) {
			return nil, &SyntaxError{Offset: off, Msg: describe(p)}
		}
		if o.Tag.Constructed() {
			kids, err := decode(o.Value, off+len(full)-len(o.Value), depth+1)
			if err != nil {
				return nil, err
			}
			o.Children = kids
		}
		out = append(out, o)
	}
	return out, nil
}

// describe says why the object at the start of b does not parse.
func describe(b []byte) string {
	t, tn, ok := readTag(b)
	if !ok {
		return "truncated or over-long tag"
	}
	if tn < len(b) && b[tn] == 0x80 {
		return fmt.Sprintf("tag %s: indefinite length not supported", t)
	}
	l, ln, ok := readLen(b[tn:])
	if !ok {
		return fmt.Sprintf("tag %s: malformed length", t)
	}
	return fmt.Sprintf("tag %s: length %d exceeds the %d bytes available", t, l, len(b)-tn-ln)
}

// Find returns the value of the first top-level object with the given tag
// in b. It returns ok=false if b is malformed before the tag is found or the
// tag is absent.
func Find(b []byte, tag Tag) (value []byte, ok bool) {
	p := Parser(b)
	for !p.Empty() {
		var t Tag
		var v []byte
		if !p.Read(&t, &v) {
			return nil, false
		}
		if t == tag {
			return v, true
		}
	}
	return nil, false
}

// Unwrap parses b as exactly one object with the given tag and returns its
// value. It returns a [*SyntaxError] otherwise.
func Unwrap(b []byte, tag Tag) ([]byte, error) {
	p := Parser(b)
	var t Tag
	var v []byte
	if !p.Read(&t, &v) {
		return nil, &SyntaxError{Offset: 0, Msg: describe(b)}
	}
	if t != tag {
		return nil, &SyntaxError{Offset: 0, Msg: fmt.Sprintf("tag %s, want %s", t, tag)}
	}
	if !p.Empty() {
		return nil, &SyntaxError{Offset: len(b) - len(p), Msg: fmt.Sprintf("%d trailing bytes after tag %s", len(p), tag)}
	}
	return v, nil
}

// AppendTag appends the encoding of t.
func AppendTag(dst []byte, t Tag) []byte {
	for i := t.Len() - 1; i >= 0; i-- {
		dst = append(dst, byte(t>>(8*i)))
	}
	return dst
}

// AppendLength appends a definite length in the shortest form.
func AppendLength(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n <= 0xFF:
		return append(dst, 0x81, byte(n))
	case n <= 0xFFFF:
		return append(dst, 0x82, byte(n>>8), byte(n))
	case n <= 0xFFFFFF:
		return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(dst, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// Append appends one object with the given tag and value.
func Append(dst []byte, t Tag, value []byte) []byte {
	dst = AppendTag(dst, t)
	dst = AppendLength(dst, len(value))
	return append(dst, value...)
}

// Builder builds a sequence of TLV objects. The zero value is ready to use.
// It never fails: lengths are computed when a constructed object is closed.
type Builder struct {
	buf []byte
}

// Add appends a primitive (or pre-encoded constructed) object.
func (b *Builder) Add(t Tag, value []byte) { b.buf = Append(b.buf, t, value) }

// AddRaw appends already encoded bytes.
func (b *Builder) AddRaw(raw []byte) { b.buf = append(b.buf, raw...) }

// AddConstructed appends an object whose value is built by f.
func (b *Builder) AddConstructed(t Tag, f func(*Builder)) {
	var child Builder
	f(&child)
	b.buf = Append(b.buf, t, child.buf)
}

// Bytes returns the encoding built so far. The slice aliases the builder.
func (b *Builder) Bytes() []byte { return b.buf }
