package sad

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Registry is the APR side of SAD: what a population-register vendor
// implements so that [Server] and [Spool] can answer the workstation.
//
// Lookup returns the subjects matching q: none (or [ErrUnknownPerson]) for
// outcome 01, several for 02; returning subjects together with an error
// wrapping [ErrNotResident] answers 05 with the data.
//
// The notices return nil when recorded, or an error wrapping
// [ErrNotAllowed] (04, e.g. a cancellation of an unknown card) or
// [ErrInvalidRequest] (03). Any other error answers 99, without its text.
//
// After a crash the [Spool] may deliver the same notice twice (at-least-once
// towards the Registry, exactly-once towards the workstation): a repeated
// notice for the same card and operation must succeed again without
// changing the register twice. Implementations must be safe for concurrent
// use.
type Registry interface {
	Lookup(ctx context.Context, q *Query) ([]Subject, error)
	CardIssued(ctx context.Context, c *CardData) error
	CardCancelled(ctx context.Context, c *CardData) error
	CardRevoked(ctx context.Context, c *CardData) error
}

// Server answers SAD requests from a [Registry]. It is an [http.Handler]
// for the http transport, and the engine of the [Spool] for the ftp one.
// Its fields must not change once it serves; it is then safe for concurrent
// use.
type Server struct {
	// Registry answers the requests. Required.
	Registry Registry
	// Codec decodes requests and encodes responses; the zero value is the
	// reconstruction dialect with default limits.
	Codec Codec
	// Now returns the time written in DataOraRisposta; nil means time.Now.
	Now func() time.Time
	// Logger receives, at Info level, one line per request answered over
	// http ("sad request": remote address, IdRichiesta, operation, outcome
	// or HTTP status, duration) and per request answered by a [Spool]; and
	// at Debug level the reason of each failure. No personal data is logged
	// beyond the request ID. Nil discards.
	Logger *slog.Logger
	// MaxInFlight caps the requests answered at once over http; beyond it
	// a request gets 503 Service Unavailable with "Retry-After: 1" at once,
	// without reading its body. Zero means no cap. (The cap on open
	// connections belongs to the listener: see examples/apr-server.)
	MaxInFlight int

	semOnce sync.Once
	sem     chan struct{}
}

// requestKey is the context key of the request being answered.
type requestKey struct{}

// RequestFromContext returns the request that a [Server] or [Spool] is
// answering, from the ctx it passes to the [Registry]. A registry uses it
// to make notices idempotent on the IdRichiesta (Request.ID), which
// [CardData] does not carry. The Request must not be modified.
func RequestFromContext(ctx context.Context) (*Request, bool) {
	r, ok := ctx.Value(requestKey{}).(*Request)
	return r, ok
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Answer runs req against the Registry and returns the response to send.
// It never fails: registry errors become outcome codes.
func (s *Server) Answer(ctx context.Context, req *Request) *Response {
	ctx = context.WithValue(ctx, requestKey{}, req)
	resp := &Response{ID: req.ID, Op: req.Op, Time: s.now()}
	var err error
	switch req.Op {
	case OpLookup:
		var subs []Subject
		subs, err = s.Registry.Lookup(ctx, req.Query)
		switch {
		case errors.Is(err, ErrNotResident):
			resp.Outcome.Code = CodeNotResident
			resp.Subjects = subs
			err = nil
		case err == nil && len(subs) == 0:
			resp.Outcome.Code = CodeNotFound
		case err == nil && len(subs) == 1:
			resp.Outcome.Code = CodeOK
			resp.Subjects = subs
		case err == nil:
			resp.Outcome.Code = CodeMultiple
			resp.Subjects = subs
		}
	case OpIssue:
		err = s.Registry.CardIssued(ctx, req.Card)
	case OpCancel:
		err = s.Registry.CardCancelled(ctx, req.Card)
	case OpRevoke:
		err = s.Registry.CardRevoked(ctx, req.Card)
	default:
		err = ErrInvalidRequest
	}
	if err == nil {
		if resp.Outcome.Code == 0 {
			resp.Outcome.Code = CodeOK
			if req.Card != nil {
				resp.CardNumber = req.Card.Number
			}
		}
		resp.Outcome.Description = describe(resp.Outcome.Code)
		return resp
	}
	resp.Subjects = nil
	var oe *OutcomeError
	switch {
	case errors.As(err, &oe) && oe.Code != CodeOK && oe.Code != CodeMultiple:
		resp.Outcome = Outcome{Code: oe.Code, Description: oe.Description}
	case errors.Is(err, ErrUnknownPerson):
		resp.Outcome.Code = CodeNotFound
	case errors.Is(err, ErrNotAllowed):
		resp.Outcome.Code = CodeNotAllowed
	case errors.Is(err, ErrInvalidRequest):
		resp.Outcome.Code = CodeInvalidRequest
	default:
		resp.Outcome.Code = CodeInternal
		s.logger().Debug("sad: registry error", "id", req.ID, "op", req.Op.String(), "err", err)
	}
	if resp.Outcome.Description == "" {
		resp.Outcome.Description = describe(resp.Outcome.Code)
	}
	return resp
}

// describeErr renders a decoding error for Esito/Descrizione (at most 240
// characters; the message names the element and never holds personal data).
func describeErr(err error) string {
	r := []rune(err.Error())
	if len(r) > 240 {
		r = r[:240]
	}
	return string(r)
}

// describe is the default Esito/Descrizione of each code.
func describe(c Code) string {
	switch c {
	case CodeOK:
		return "OK"
	case CodeNotFound:
		return "SOGGETTO NON TROVATO"
	case CodeMultiple:
		return "PIU' SOGGETTI TROVATI"
	case CodeInvalidRequest:
		return "RICHIESTA NON VALIDA"
	case CodeNotAllowed:
		return "OPERAZIONE NON CONSENTITA"
	case CodeNotResident:
		return "SOGGETTO NON RESIDENTE"
	}
	return "ERRORE INTERNO APR"
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// ServeHTTP implements the http binding: POST a RichiestaSAD as the raw
// body, receive 200 with a RispostaSAD. A body that starts with '<' (after
// spaces and a byte-order mark) is taken as the XML whatever the
// Content-Type says, so a plain `curl --data-binary @req.xml` (sent as a
// form) works; a form-encoded body with the XML in a field named "xml" is
// accepted from legacy workstations. The body is limited to
// Codec.Limits.MaxBytes (413 beyond). A well-formed request with an invalid
// field and a readable IdRichiesta is answered 200 with outcome 03
// (CodeInvalidRequest) and the reason in Esito/Descrizione; a body that is
// not a SAD request at all gets 400 with a plain-text reason naming the
// element; other methods get 405; requests beyond MaxInFlight get 503.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	lw := &statusWriter{ResponseWriter: w}
	var req *Request
	defer func() {
		if !s.logger().Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		attrs := []slog.Attr{slog.String("remote", r.RemoteAddr)}
		if req != nil {
			attrs = append(attrs, slog.String("id", req.ID), slog.String("op", req.Op.String()))
		}
		if lw.outcome != "" {
			attrs = append(attrs, slog.String("outcome", lw.outcome))
		} else {
			attrs = append(attrs, slog.Int("status", lw.status))
		}
		attrs = append(attrs, slog.Duration("duration", time.Since(start)))
		s.logger().LogAttrs(r.Context(), slog.LevelInfo, "sad request", attrs...)
	}()
	if r.Method != http.MethodPost {
		lw.Header().Set("Allow", http.MethodPost)
		http.Error(lw, "sad: POST a RichiestaSAD", http.StatusMethodNotAllowed)
		return
	}
	if !s.acquire() {
		lw.Header().Set("Retry-After", "1")
		http.Error(lw, "sad: too many requests in progress", http.StatusServiceUnavailable)
		return
	}
	defer s.release()
	lim := s.Codec.Limits.withDefaults()
	body := http.MaxBytesReader(lw, r.Body, lim.MaxBytes)
	codec := s.Codec
	ct := r.Header.Get("Content-Type")
	data, err := io.ReadAll(headerCharset(ct, body))
	if err == nil && strings.HasPrefix(ct, "application/x-www-form-urlencoded") && !looksXML(data) {
		var form url.Values
		if form, err = url.ParseQuery(string(data)); err == nil {
			data = []byte(form.Get("xml"))
			if len(data) == 0 {
				err = fmt.Errorf("%w: a form body without a field named xml (post the XML as the raw body)", ErrMalformed)
			}
		}
	}
	if err == nil {
		req, err = codec.DecodeRequest(bytes.NewReader(data))
	}
	if err != nil {
		var mbe *http.MaxBytesError
		code := http.StatusBadRequest
		if errors.As(err, &mbe) || errors.Is(err, ErrTooLarge) {
			code = http.StatusRequestEntityTooLarge
		}
		s.logger().Debug("sad: rejected request", "err", err)
		if code == http.StatusBadRequest {
			if id := codec.requestID(data); id != "" {
				req = &Request{ID: id}
				s.write(lw, &Response{ID: id, Time: s.now(), Outcome: Outcome{Code: CodeInvalidRequest, Description: describeErr(err)}})
				return
			}
		}
		http.Error(lw, err.Error(), code)
		return
	}
	s.write(lw, s.Answer(r.Context(), req))
}

// looksXML reports whether a body starts, after spaces and a UTF-8
// byte-order mark, with '<'.
func looksXML(b []byte) bool {
	b = bytes.TrimPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

func (s *Server) acquire() bool {
	if s.MaxInFlight <= 0 {
		return true
	}
	s.semOnce.Do(func() { s.sem = make(chan struct{}, s.MaxInFlight) })
	select {
	case s.sem <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Server) release() {
	if s.MaxInFlight > 0 {
		<-s.sem
	}
}

// statusWriter remembers the status and the Esito code sent, for the
// request log.
type statusWriter struct {
	http.ResponseWriter
	status  int
	outcome string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// write encodes and sends a response, replacing one that the layout cannot
// carry (invalid registry data) with outcome 99.
func (s *Server) write(w http.ResponseWriter, resp *Response) {
	codec := s.Codec
	out, err := codec.marshalResponse(resp)
	if err != nil {
		// The registry returned data the layout cannot carry.
		s.logger().Debug("sad: unencodable response", "id", resp.ID, "err", err)
		resp = &Response{ID: resp.ID, Op: resp.Op, Time: resp.Time, Outcome: Outcome{Code: CodeInternal, Description: describe(CodeInternal)}}
		if out, err = codec.marshalResponse(resp); err != nil {
			http.Error(w, "sad: cannot encode the response", http.StatusInternalServerError)
			return
		}
	}
	if sw, ok := w.(*statusWriter); ok {
		sw.outcome = resp.Outcome.Code.String()
	}
	w.Header().Set("Content-Type", "text/xml; charset="+codec.dialect().Charset.String())
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}
