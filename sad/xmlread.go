package sad

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/beevik/etree"
)

// Limits bound what a decoder accepts, so that hostile input cannot exhaust
// memory or time. The zero value of each field selects its default.
type Limits struct {
	// MaxBytes is the largest document accepted, in bytes as received
	// (before charset conversion). Default 1 MiB.
	MaxBytes int64
	// MaxDepth is the deepest element nesting accepted (the root is depth
	// 1). Default 16; the reconstruction needs 5.
	MaxDepth int
	// MaxElements is the largest number of elements accepted. Default 20000,
	// about 400 subjects.
	MaxElements int
}

const (
	defaultMaxBytes    = 1 << 20
	defaultMaxDepth    = 16
	defaultMaxElements = 20000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = defaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = defaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = defaultMaxElements
	}
	return l
}

// tree is a parsed document: an etree element tree plus the line of each
// element's start tag.
type tree struct {
	root  *etree.Element
	lines map[*etree.Element]int
}

// limitReader returns ErrTooLarge instead of reading past n bytes.
type limitReader struct {
	r   io.Reader
	n   int64
	hit bool  // the limit was exceeded (decoders may report another error)
	err error // the first read error other than io.EOF
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// At the limit: the document is acceptable only if nothing follows.
		var one [1]byte
		for {
			k, err := l.r.Read(one[:])
			if k > 0 {
				l.hit = true
				return 0, ErrTooLarge
			}
			if err != nil {
				l.note(err)
				return 0, err
			}
		}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	l.note(err)
	return k, err
}

func (l *limitReader) note(err error) {
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
}

// readTree parses untrusted bytes into a tree. It enforces the limits while
// tokenising, rejects any DOCTYPE or other directive (and so every entity
// declaration), converts ISO-8859-1 explicitly, and never expands entities
// beyond the five predefined ones.
func readTree(r io.Reader, lim Limits) (*tree, error) {
	lim = lim.withDefaults()
	lr := &limitReader{r: r, n: lim.MaxBytes}
	br := bufio.NewReader(lr)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) // UTF-8 byte-order mark
	}
	dec := xml.NewDecoder(br)
	dec.Strict = true
	dec.CharsetReader = charsetReader
	t := &tree{lines: make(map[*etree.Element]int)}
	var stack []*etree.Element
	count := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		line, _ := dec.InputPos()
		if err != nil {
			switch {
			case lr.hit:
				err = fmt.Errorf("%w (limit %d bytes)", ErrTooLarge, lim.MaxBytes)
			case lr.err != nil:
				return nil, fmt.Errorf("reading the document: %w", lr.err)
			}
			return nil, &SyntaxError{Line: line, Path: pathOf(stack), Err: classify(err)}
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			count++
			if count > lim.MaxElements {
				return nil, &SyntaxError{Line: line, Path: pathOf(stack), Err: fmt.Errorf("%w (limit %d)", ErrTooManyElements, lim.MaxElements)}
			}
			if len(stack) >= lim.MaxDepth {
				return nil, &SyntaxError{Line: line, Path: pathOf(stack), Err: fmt.Errorf("%w (limit %d)", ErrTooDeep, lim.MaxDepth)}
			}
			el := etree.NewElement(tok.Name.Local)
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue // namespaces are ignored
				}
				el.CreateAttr(a.Name.Local, a.Value)
			}
			if len(stack) == 0 {
				if t.root != nil {
					return nil, &SyntaxError{Line: line, Err: fmt.Errorf("%w: a second root element", ErrMalformed)}
				}
				t.root = el
			} else {
				stack[len(stack)-1].AddChild(el)
			}
			t.lines[el] = line
			stack = append(stack, el)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].CreateText(string(tok))
			} else if len(bytes.TrimSpace(tok)) > 0 {
				return nil, &SyntaxError{Line: line, Err: fmt.Errorf("%w: text outside the root element", ErrMalformed)}
			}
		case xml.Directive:
			return nil, &SyntaxError{Line: line, Path: pathOf(stack), Err: ErrDTD}
		case xml.ProcInst, xml.Comment:
			// The xml declaration was handled by the decoder; others are ignored.
		}
	}
	if t.root == nil {
		return nil, &SyntaxError{Err: fmt.Errorf("%w: no root element", ErrMalformed)}
	}
	return t, nil
}

// classify maps decoder errors onto the package's sentinels.
func classify(err error) error {
	switch {
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrCharset):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: unexpected end of document", ErrMalformed)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Msg, "entity") {
			return fmt.Errorf("%w: %s", ErrDTD, se.Msg)
		}
		return fmt.Errorf("%w: %s", ErrMalformed, se.Msg)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// pathOf renders the open elements as a path.
func pathOf(stack []*etree.Element) string {
	var b strings.Builder
	for _, e := range stack {
		b.WriteByte('/')
		b.WriteString(e.Tag)
	}
	return b.String()
}

// charsetReader converts the charsets SAD peers use into UTF-8. UTF-8
// itself never reaches it (encoding/xml handles it).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
		"us-ascii", "ascii":
		return &latin1Reader{r: in}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrCharset, clip(label))
}

// headerCharset applies the charset of an HTTP Content-Type header to a
// body whose XML declaration names no encoding: a legacy peer may send
// ISO-8859-1 declared only in the header. A declared encoding always wins.
func headerCharset(contentType string, r io.Reader) io.Reader {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return r
	}
	cs := strings.ToLower(params["charset"])
	if cs == "" || cs == "utf-8" || cs == "utf8" {
		return r
	}
	if _, err := charsetReader(cs, strings.NewReader("")); err != nil {
		return r // unknown: let the decoder judge the bytes
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(200)
	if end := bytes.Index(head, []byte("?>")); bytes.HasPrefix(head, []byte("<?xml")) && end > 0 && bytes.Contains(head[:end], []byte("encoding")) {
		return br
	}
	return &latin1Reader{r: br}
}
