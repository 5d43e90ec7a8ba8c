package sad

import (
	"errors"
	"fmt"
	"strconv"
)

// Errors of the XML layer. A decoder returns them wrapped in a
// [*SyntaxError] that names the element and line.
var (
	// ErrMalformed: the document is not well-formed XML.
	ErrMalformed = errors.New("sad: malformed XML")
	// ErrTooLarge: the document exceeds [Limits.MaxBytes].
	ErrTooLarge = errors.New("sad: document too large")
	// ErrTooDeep: elements are nested deeper than [Limits.MaxDepth].
	ErrTooDeep = errors.New("sad: document nested too deeply")
	// ErrTooManyElements: the document has more than [Limits.MaxElements] elements.
	ErrTooManyElements = errors.New("sad: too many elements")
	// ErrDTD: the document has a DOCTYPE, an entity declaration or an entity
	// reference; SAD documents never need one and they are rejected.
	ErrDTD = errors.New("sad: DTD and entities not allowed")
	// ErrCharset: the declared charset is not UTF-8, ISO-8859-1 or US-ASCII,
	// or a character cannot be written in the dialect's charset.
	ErrCharset = errors.New("sad: unsupported charset")
	// ErrWrongRoot: the root element is not the one expected.
	ErrWrongRoot = errors.New("sad: unexpected root element")
	// ErrMissingElement: a mandatory element is absent or empty.
	ErrMissingElement = errors.New("sad: missing element")
	// ErrDuplicateElement: an element allowed once appears more than once.
	ErrDuplicateElement = errors.New("sad: duplicate element")
	// ErrUnexpectedElement: an element holds child elements where text is
	// expected, or two mutually exclusive elements are both present.
	ErrUnexpectedElement = errors.New("sad: unexpected element")
	// ErrInvalidValue: a value is not valid for its element (codice
	// fiscale, card number, date, ISTAT code, length, ...).
	ErrInvalidValue = errors.New("sad: invalid value")
	// ErrUnknownValue: a coded value (expatriation constant, operation,
	// outcome code) is not one the dialect knows. There is no silent default.
	ErrUnknownValue = errors.New("sad: unknown value")
)

// Outcome errors: what an APR answered, as a Go error. [*OutcomeError]
// unwraps to one of them; a [Registry] returns them to choose the outcome.
var (
	// ErrUnknownPerson: no subject matches (code 01).
	ErrUnknownPerson = errors.New("sad: unknown person")
	// ErrInvalidRequest: the request is formally invalid (code 03).
	ErrInvalidRequest = errors.New("sad: invalid request")
	// ErrNotAllowed: the operation is not allowed, e.g. the card is unknown
	// or already cancelled (code 04).
	ErrNotAllowed = errors.New("sad: operation not allowed")
	// ErrNotResident: the subject is not resident or was deleted (code 05).
	// A Registry's Lookup returns it together with the subjects found.
	ErrNotResident = errors.New("sad: subject not resident")
	// ErrAPR: the APR failed internally (code 99).
	ErrAPR = errors.New("sad: internal APR error")
)

// Transport errors of the [Client] and the [Spool].
var (
	// ErrMismatchedID: the response echoes a different IdRichiesta.
	ErrMismatchedID = errors.New("sad: response for another request")
	// ErrConfig: the client or spool configuration is incomplete or invalid.
	ErrConfig = errors.New("sad: invalid configuration")
	// ErrDuplicateRequest: the spool already answered a request with this ID.
	ErrDuplicateRequest = errors.New("sad: duplicate request ID")
)

// SyntaxError reports a document that cannot be decoded: XML that is not
// well-formed or breaks a limit, or an element whose content is invalid. It
// names the element by path (e.g. "/RispostaSAD/Soggetto[2]/CodiceFiscale",
// 1-based indexes for repeated elements) and its 1-based line, 0 when not
// known. Err wraps one of the sentinels above (ErrMalformed, ErrTooLarge,
// ErrMissingElement, ErrInvalidValue, ...). Personal data is never copied
// into the message. Decoders return it as a pointer.
type SyntaxError struct {
	Line int
	Path string
	Err  error
}

// Error renders "sad: line N: /path: reason".
func (e *SyntaxError) Error() string {
	s := "sad: "
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + trimPrefix(e.Err)
}

// Unwrap returns the underlying error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// ValidationError reports a message that cannot be encoded because a field
// is missing or invalid. Path names the element that would hold it. Err wraps
// ErrMissingElement, ErrInvalidValue, ErrUnexpectedElement or ErrCharset.
// Encoders return it as a pointer.
type ValidationError struct {
	Path string
	Err  error
}

// Error renders "sad: invalid message: /path: reason".
func (e *ValidationError) Error() string {
	return "sad: invalid message: " + e.Path + ": " + trimPrefix(e.Err)
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() error { return e.Err }

// OutcomeError is a response whose outcome is not a success: the APR
// answered, and said no. It unwraps to ErrUnknownPerson, ErrInvalidRequest,
// ErrNotAllowed, ErrNotResident or ErrAPR according to Code. Client methods
// return it as a pointer.
type OutcomeError struct {
	Code        Code
	Description string // Esito/Descrizione as sent by the APR
}

// Error renders the outcome and the APR's description, clipped.
func (e *OutcomeError) Error() string {
	s := "sad: APR answered " + e.Code.String()
	if e.Description != "" {
		s += " (" + clip(e.Description) + ")"
	}
	return s
}

// Unwrap returns the sentinel matching Code, or nil.
func (e *OutcomeError) Unwrap() error { return codeErr(e.Code) }

func codeErr(c Code) error {
	switch c {
	case CodeNotFound:
		return ErrUnknownPerson
	case CodeInvalidRequest:
		return ErrInvalidRequest
	case CodeNotAllowed:
		return ErrNotAllowed
	case CodeNotResident:
		return ErrNotResident
	case CodeInternal:
		return ErrAPR
	}
	return nil
}

// HTTPStatusError is a non-2xx HTTP answer from the APR. Client methods
// return it as a pointer.
type HTTPStatusError struct {
	StatusCode int
}

// Error renders the status code.
func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("sad: APR answered HTTP %d", e.StatusCode)
}

// trimPrefix drops the "sad: " of a wrapped message so that chains read once.
func trimPrefix(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	if len(s) > 5 && s[:5] == "sad: " {
		return s[5:]
	}
	return s
}
