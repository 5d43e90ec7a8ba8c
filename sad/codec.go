package sad

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/beevik/etree"
)

// Codec encodes and decodes SAD messages with a [Dialect] and decoding
// [Limits]. The zero value uses [DefaultDialect] and the default limits.
// Its four methods work on streams: Decode reads a [Request] or [Response]
// from an [io.Reader], Encode writes one to an [io.Writer].
// A Codec is safe for concurrent use as long as its Dialect is not modified.
type Codec struct {
	// Dialect is the layout; nil selects the reconstruction ([DefaultDialect]).
	Dialect *Dialect
	// Limits bound what the decoders accept.
	Limits Limits
}

// defaultDialect is the shared default, never handed out, so never modified.
var defaultDialect = sync.OnceValue(DefaultDialect)

func (c Codec) dialect() *Dialect {
	if c.Dialect == nil {
		return defaultDialect()
	}
	return c.Dialect
}

// DecodeRequest reads one RichiestaSAD from r. It reads at most
// Limits.MaxBytes. Errors are [*SyntaxError] values wrapping ErrMalformed,
// ErrTooLarge, ErrTooDeep, ErrTooManyElements, ErrDTD, ErrCharset,
// ErrWrongRoot, ErrMissingElement, ErrDuplicateElement,
// ErrUnexpectedElement, ErrInvalidValue or ErrUnknownValue, or the
// reader's own error wrapped as "reading the document: %w". A document held
// in memory is decoded with bytes.NewReader.
func (c Codec) DecodeRequest(r io.Reader) (*Request, error) {
	t, err := readTree(r, c.Limits)
	if err != nil {
		return nil, err
	}
	x := &decoder{d: c.dialect(), lines: t.lines}
	return x.request(t)
}

// DecodeResponse reads one RispostaSAD from r, with the errors of
// [Codec.DecodeRequest].
func (c Codec) DecodeResponse(r io.Reader) (*Response, error) {
	t, err := readTree(r, c.Limits)
	if err != nil {
		return nil, err
	}
	x := &decoder{d: c.dialect(), lines: t.lines}
	return x.response(t)
}

// EncodeRequest validates req and writes it to w as an XML document in the
// dialect's charset, indented by two spaces and ending with a newline, in
// one Write call. The output is stable byte for byte. An invalid request
// returns a [*ValidationError] and writes nothing; otherwise the error is
// w's.
func (c Codec) EncodeRequest(w io.Writer, req *Request) error {
	b, err := c.marshalRequest(req)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// EncodeResponse validates resp and writes it to w, as
// [Codec.EncodeRequest] does.
func (c Codec) EncodeResponse(w io.Writer, resp *Response) error {
	b, err := c.marshalResponse(resp)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (c Codec) unmarshalRequest(b []byte) (*Request, error) {
	return c.DecodeRequest(bytes.NewReader(b))
}

func (c Codec) unmarshalResponse(b []byte) (*Response, error) {
	return c.DecodeResponse(bytes.NewReader(b))
}

func (c Codec) marshalRequest(req *Request) ([]byte, error) {
	if req == nil {
		return nil, &ValidationError{Path: "/", Err: fmt.Errorf("%w: nil request", ErrMissingElement)}
	}
	b := &builder{d: c.dialect()}
	root := b.request(req)
	if err := checkBuilt(b, root, (*decoder).request); err != nil {
		return nil, err
	}
	return c.write(nil, root)
}

func (c Codec) marshalResponse(resp *Response) ([]byte, error) {
	if resp == nil {
		return nil, &ValidationError{Path: "/", Err: fmt.Errorf("%w: nil response", ErrMissingElement)}
	}
	b := &builder{d: c.dialect()}
	root := b.response(resp)
	if err := checkBuilt(b, root, (*decoder).response); err != nil {
		return nil, err
	}
	return c.write(nil, root)
}

// writeSettings are pinned so that goldens are stable: only &, < and > are
// escaped in text (apostrophes in names such as D'ANGELO stay literal, as
// APR software expects), and empty elements are self-closed.
func writeSettings() etree.WriteSettings {
	return etree.WriteSettings{
		CanonicalEndTags: false,
		CanonicalText:    true,
		CanonicalAttrVal: true,
		AttrSingleQuote:  false,
	}
}

func (c Codec) write(dst []byte, root *etree.Element) ([]byte, error) {
	d := c.dialect()
	doc := etree.NewDocument()
	doc.WriteSettings = writeSettings()
	doc.CreateProcInst("xml", `version="1.0" encoding="`+d.Charset.String()+`"`)
	doc.SetRoot(root)
	doc.IndentWithSettings(&etree.IndentSettings{Spaces: 2})
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return dst, err
	}
	if d.Charset == Latin1 {
		return toLatin1(dst, buf.Bytes())
	}
	return append(dst, buf.Bytes()...), nil
}

// requestID returns the IdRichiesta of a request that does not decode, when
// the document is well-formed, has the request root and a valid ID; else "".
func (c Codec) requestID(data []byte) string {
	t, err := readTree(bytes.NewReader(data), c.Limits)
	if err != nil {
		return ""
	}
	x := &decoder{d: c.dialect(), lines: t.lines}
	root, err := x.root(t, x.d.Names.RequestRoot)
	if err != nil {
		return ""
	}
	id, err := x.check(root, x.d.Names.RequestID, true, false, checkRequestID)
	if err != nil {
		return ""
	}
	return id
}
