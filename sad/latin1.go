package sad

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// latin1Reader decodes ISO-8859-1 into UTF-8. Every byte is a code point,
// so the conversion is exact; bytes 0x80-0xFF become two UTF-8 bytes.
type latin1Reader struct {
	r       io.Reader
	pending byte // second byte of a sequence that did not fit
	has     bool
	buf     []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	if l.has {
		if len(p) == 0 {
			return 0, nil
		}
		p[0], l.has = l.pending, false
		n = 1
	}
	room := len(p) - n
	if room == 0 {
		return n, nil
	}
	// Read at most room/2 source bytes so that every expansion fits; with
	// room 1, one byte is read and its second half may be kept pending.
	want := max(room/2, 1)
	if cap(l.buf) < want {
		l.buf = make([]byte, want)
	}
	k, err := l.r.Read(l.buf[:want])
	for _, c := range l.buf[:k] {
		if c < 0x80 {
			p[n] = c
			n++
			continue
		}
		p[n] = 0xC0 | c>>6
		n++
		if n < len(p) {
			p[n] = 0x80 | c&0x3F
			n++
		} else {
			l.pending, l.has = 0x80|c&0x3F, true
		}
	}
	return n, err
}

// toLatin1 converts UTF-8 markup to ISO-8859-1. Characters above U+00FF
// become numeric character references, which is valid XML in text and
// attribute values; it returns an error wrapping ErrCharset for invalid
// UTF-8.
func toLatin1(dst, src []byte) ([]byte, error) {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrCharset, i)
		}
		if r <= 0xFF {
			dst = append(dst, byte(r))
		} else {
			dst = append(dst, "&#"...)
			dst = strconv.AppendInt(dst, int64(r), 10)
			dst = append(dst, ';')
		}
		i += size
	}
	return dst, nil
}
