package jpeg2000

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Sentinel errors. Every error from this package wraps one of them, or
// io.ErrUnexpectedEOF for input that ends early; most arrive inside a
// *FormatError that says where.
var (
	// ErrMalformed reports a codestream or JP2 file that breaks T.800.
	ErrMalformed = errors.New("jpeg2000: malformed data")
	// ErrUnsupported reports a valid feature this decoder does not implement
	// (Part 2 extensions, palettes, PPM/PPT markers, HT code-blocks).
	// It wraps errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("jpeg2000: unsupported feature (%w)", errors.ErrUnsupported)
	// ErrTooLarge reports an image whose declared size exceeds the
	// decoder's memory limit (Decoder.MaxSamples).
	ErrTooLarge = errors.New("jpeg2000: image exceeds the memory limit")
)

// FormatError locates a problem in the input: Offset is the byte offset from
// the start of the input (file or codestream) of the marker segment, box or
// packet, Field names the syntax element (for example "SIZ Csiz" or
// "tile 3 packet header"), Detail says what is wrong with it, and Err is
// one of the package's sentinel errors or io.ErrUnexpectedEOF.
type FormatError struct {
	Offset int64
	Field  string
	Detail string
	Err    error
}

func (e *FormatError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "jpeg2000: ")
	}
	if e.Detail != "" {
		msg = e.Detail + ": " + msg
	}
	return fmt.Sprintf("jpeg2000: offset %d (%s): %s", e.Offset, e.Field, msg)
}

func (e *FormatError) Unwrap() error { return e.Err }

func malformed(off int, field string, format string, args ...any) error {
	return &FormatError{Offset: int64(off), Field: field, Detail: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

func unsupported(off int, field string, format string, args ...any) error {
	return &FormatError{Offset: int64(off), Field: field, Detail: fmt.Sprintf(format, args...), Err: ErrUnsupported}
}

func truncated(off int, field string) error {
	return &FormatError{Offset: int64(off), Field: field, Detail: "data ends early", Err: io.ErrUnexpectedEOF}
}

func tooLarge(off int, field string, format string, args ...any) error {
	return &FormatError{Offset: int64(off), Field: field, Detail: fmt.Sprintf(format, args...), Err: ErrTooLarge}
}
