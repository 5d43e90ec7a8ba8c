package sadcheck

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciekit/ciekit/sad"
)

// Options configure a run. The zero value of each optional field is
// documented.
type Options struct {
	// Config is the endpoint, as a workstation is configured: Transport,
	// Host, Port, Path (http), UploadDir and DownloadDir, User and Password
	// (ftp), PollInterval (ftp; default 200ms), HTTPClient, and Codec for
	// the dialect (expatriation pair, charset). Timeout is ignored: see
	// CaseTimeout.
	Config sad.Config
	// CodiciFiscali are the codici fiscali the register under test holds.
	// Default: those of [sad.SampleSubjects].
	CodiciFiscali []string
	// CaseTimeout bounds each case. Default 10s.
	CaseTimeout time.Duration
	// Concurrency is the number of simultaneous lookups of the concurrency
	// case. Default 16.
	Concurrency int
	// Now returns the current time, for request timestamps and minors' age;
	// nil means time.Now.
	Now func() time.Time
	// Progress, when set, receives each result as soon as it is known.
	Progress func(Result)
}

// Outcome is a case's result.
type Outcome int

// Outcomes.
const (
	Pass Outcome = iota + 1
	Fail
	Skip // not applicable to this register; Detail says why
)

// String returns "pass", "FAIL" or "skip".
func (o Outcome) String() string {
	switch o {
	case Pass:
		return "pass"
	case Fail:
		return "FAIL"
	case Skip:
		return "skip"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Result is the outcome of one case.
type Result struct {
	Case     string
	Outcome  Outcome
	Detail   string // why it failed or was skipped; what was seen when it passed
	Duration time.Duration
}

// Report is the outcome of a run, in the order of [Cases].
type Report struct {
	Results []Result
}

// Passed reports whether no case failed (skipped cases do not fail a run).
func (r *Report) Passed() bool {
	for _, x := range r.Results {
		if x.Outcome == Fail {
			return false
		}
	}
	return true
}

// Failed returns the names of the failed cases.
func (r *Report) Failed() []string {
	var out []string
	for _, x := range r.Results {
		if x.Outcome == Fail {
			out = append(out, x.Case)
		}
	}
	return out
}

// Result returns the result of the named case.
func (r *Report) Result(name string) (Result, bool) {
	for _, x := range r.Results {
		if x.Case == name {
			return x, true
		}
	}
	return Result{}, false
}

// Cases are the names of the suite's cases, in the order they run.
var Cases = []string{
	"lookup/found", "lookup/by-name", "lookup/not-found", "lookup/ambiguous",
	"lookup/minor-with-parents", "lookup/aire", "lookup/not-resident",
	"notice/issued", "notice/issued-repeat", "notice/cancelled", "notice/cancelled-repeat",
	"notice/revoked", "notice/revoked-repeat", "notice/unknown-card",
	"invalid/field", "malformed/not-xml", "malformed/missing-element",
	"hostile/entity-expansion", "hostile/external-entity", "hostile/deep-nesting",
	"oversize", "charset/unsupported", "charset/invalid-utf8", "charset/latin1",
	"concurrency",
}

// suite is one run's state.
type suite struct {
	opts  Options
	codec sad.Codec
	ex    exchanger
	now   func() time.Time
	seq   atomic.Int64
	runID string

	found      []sad.Subject       // subjects answered by lookup/found
	codes      map[string]sad.Code // CF -> outcome of lookup/found
	cardNumber string              // the card of notice/issued
	holder     *sad.Subject        // its holder
	issueReq   []byte              // the raw notices, for the repeats
	cancelReq  []byte
	revokeReq  []byte
	revokeCard string
}

// Run runs every case against the endpoint in opts.Config and returns the
// report. The error is non-nil only for an unusable configuration
// (wrapping [sad.ErrConfig]) or a ctx that ends; endpoint failures are
// failed cases.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Config.Host == "" {
		return nil, fmt.Errorf("%w: no endpoint host", sad.ErrConfig)
	}
	if opts.Config.Transport == sad.FTP && (opts.Config.UploadDir == "" || opts.Config.DownloadDir == "") {
		return nil, fmt.Errorf("%w: ftp needs the upload and download directories", sad.ErrConfig)
	}
	ex, err := newExchanger(opts.Config)
	if err != nil {
		return nil, err
	}
	if len(opts.CodiciFiscali) == 0 {
		for _, s := range sad.SampleSubjects() {
			opts.CodiciFiscali = append(opts.CodiciFiscali, s.CodiceFiscale)
		}
	}
	if opts.CaseTimeout <= 0 {
		opts.CaseTimeout = 10 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	s := &suite{opts: opts, codec: opts.Config.Codec, ex: ex, now: opts.Now, codes: map[string]sad.Code{}}
	if s.now == nil {
		s.now = time.Now
	}
	var rb [3]byte
	crand.Read(rb[:])
	s.runID = fmt.Sprintf("%X", rb)
	steps := map[string]func(context.Context) (string, error){
		"lookup/found": s.lookupFound, "lookup/by-name": s.lookupByName, "lookup/not-found": s.lookupNotFound,
		"lookup/ambiguous": s.lookupAmbiguous, "lookup/minor-with-parents": s.lookupMinor, "lookup/aire": s.lookupAIRE,
		"lookup/not-resident": s.lookupNotResident,
		"notice/issued":       s.noticeIssued, "notice/issued-repeat": s.repeat(&s.issueReq, "notice/issued"),
		"notice/cancelled": s.noticeCancelled, "notice/cancelled-repeat": s.repeat(&s.cancelReq, "notice/cancelled"),
		"notice/revoked": s.noticeRevoked, "notice/revoked-repeat": s.repeat(&s.revokeReq, "notice/revoked"),
		"notice/unknown-card": s.noticeUnknown, "invalid/field": s.invalidField,
		"malformed/not-xml": s.refuse(func(id string) []byte { return []byte("this is not XML: " + id) }),
		"malformed/missing-element": s.refuse(func(id string) []byte {
			return []byte(`<?xml version="1.0" encoding="UTF-8"?><RichiestaSAD versione="2.8"><IdRichiesta>` + id +
				`</IdRichiesta><CriteriRicerca><CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale></CriteriRicerca></RichiestaSAD>`)
		}),
		"hostile/entity-expansion": s.refuse(billionLaughs),
		"hostile/external-entity":  s.refuse(externalEntity),
		"hostile/deep-nesting":     s.refuse(deepNesting),
		"oversize":                 s.refuse(oversize),
		"charset/unsupported": s.refuse(func(id string) []byte {
			return []byte(`<?xml version="1.0" encoding="KOI8-R"?><RichiestaSAD versione="2.8"><IdRichiesta>` + id +
				`</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta><CriteriRicerca><CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale></CriteriRicerca></RichiestaSAD>`)
		}),
		"charset/invalid-utf8": s.refuse(func(id string) []byte {
			return []byte(`<?xml version="1.0" encoding="UTF-8"?><RichiestaSAD versione="2.8"><IdRichiesta>` + id +
				`</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta><CriteriRicerca><Cognome>ROSS` + "\xc3\x28" +
				`</Cognome><Nome>MARIA</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>`)
		}),
		"charset/latin1": s.latin1,
		"concurrency":    s.concurrency,
	}
	rep := &Report{}
	for _, name := range Cases {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		cctx, cancel := context.WithTimeout(ctx, opts.CaseTimeout)
		start := time.Now()
		detail, err := steps[name](cctx)
		d := time.Since(start)
		timedOut := cctx.Err() != nil && ctx.Err() == nil
		cancel()
		r := Result{Case: name, Outcome: Pass, Detail: detail, Duration: d}
		var skip *skipError
		switch {
		case errors.As(err, &skip):
			r.Outcome, r.Detail = Skip, skip.reason
		case err != nil && timedOut:
			r.Outcome, r.Detail = Fail, fmt.Sprintf("no answer within %v: %v", opts.CaseTimeout, err)
		case err != nil:
			r.Outcome, r.Detail = Fail, err.Error()
		}
		rep.Results = append(rep.Results, r)
		if opts.Progress != nil {
			opts.Progress(r)
		}
	}
	return rep, ctx.Err()
}

type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

func skipf(format string, a ...any) error { return &skipError{fmt.Sprintf(format, a...)} }

// id returns a fresh IdRichiesta, unique across runs: SADCHECK_<run>_<n>.
func (s *suite) id() string {
	return fmt.Sprintf("SADCHECK_%s_%d", s.runID, s.seq.Add(1))
}

func (s *suite) request(op sad.Operation) *sad.Request {
	return &sad.Request{ID: s.id(), Op: op, Time: s.now(), Comune: "015146", Workstation: "CHECK"}
}

// send encodes req, exchanges it and decodes the answer, checking the
// transport-level rules: HTTP 200, a RispostaSAD that decodes, the
// IdRichiesta echoed, and TipoRichiesta echoed when present.
func (s *suite) send(ctx context.Context, req *sad.Request) (*sad.Response, []byte, error) {
	var doc bytes.Buffer
	if err := s.codec.EncodeRequest(&doc, req); err != nil {
		return nil, nil, fmt.Errorf("sadcheck: building the request: %w", err)
	}
	resp, err := s.sendRaw(ctx, req.ID, doc.Bytes())
	if err != nil {
		return nil, doc.Bytes(), err
	}
	if resp.Op != 0 && resp.Op != req.Op {
		return nil, doc.Bytes(), fmt.Errorf("TipoRichiesta echoed as %v, want %v", resp.Op, req.Op)
	}
	return resp, doc.Bytes(), nil
}

func (s *suite) sendRaw(ctx context.Context, id string, doc []byte) (*sad.Response, error) {
	rep, err := s.ex.exchange(ctx, id, doc)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d, want 200 with a RispostaSAD (%s)", rep.status, clip(rep.body))
	}
	resp, err := s.codec.DecodeResponse(bytes.NewReader(rep.body))
	if err != nil {
		return nil, fmt.Errorf("the answer does not decode: %v", err)
	}
	if resp.ID != id {
		return nil, fmt.Errorf("IdRichiesta echoed as %q, want %q", clip([]byte(resp.ID)), id)
	}
	return resp, nil
}

func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

func want(resp *sad.Response, codes ...sad.Code) error {
	if slices.Contains(codes, resp.Outcome.Code) {
		return nil
	}
	var names []string
	for _, c := range codes {
		names = append(names, c.String())
	}
	return fmt.Errorf("outcome %q (%s), want %s", resp.Outcome.Code.String(), clip([]byte(resp.Outcome.Description)), strings.Join(names, " or "))
}

func (s *suite) lookupFound(ctx context.Context) (string, error) {
	var errs []error
	for _, cf := range s.opts.CodiciFiscali {
		req := s.request(sad.OpLookup)
		req.Query = &sad.Query{CodiceFiscale: cf}
		resp, _, err := s.send(ctx, req)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", cf, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if err := want(resp, sad.CodeOK, sad.CodeNotResident); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", cf, err))
			continue
		}
		if len(resp.Subjects) != 1 || !strings.EqualFold(resp.Subjects[0].CodiceFiscale, cf) {
			errs = append(errs, fmt.Errorf("%s: %d subjects, want exactly the one with this codice fiscale", cf, len(resp.Subjects)))
			continue
		}
		s.codes[cf] = resp.Outcome.Code
		s.found = append(s.found, resp.Subjects[0])
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return fmt.Sprintf("%d subjects", len(s.found)), nil
}

func (s *suite) first(pred func(*sad.Subject) bool) *sad.Subject {
	for i := range s.found {
		if pred(&s.found[i]) {
			return &s.found[i]
		}
	}
	return nil
}

func (s *suite) lookupByName(ctx context.Context) (string, error) {
	sub := s.first(func(*sad.Subject) bool { return true })
	if sub == nil {
		return "", errors.New("no subject found by codice fiscale to look up by name")
	}
	req := s.request(sad.OpLookup)
	req.Query = &sad.Query{Surname: sub.Surname, GivenNames: sub.GivenNames, BirthDate: sub.BirthDate}
	resp, _, err := s.send(ctx, req)
	if err != nil {
		return "", err
	}
	if err := want(resp, sad.CodeOK, sad.CodeMultiple, sad.CodeNotResident); err != nil {
		return "", err
	}
	for _, x := range resp.Subjects {
		if x.CodiceFiscale == sub.CodiceFiscale {
			return fmt.Sprintf("%d subjects", len(resp.Subjects)), nil
		}
	}
	return "", fmt.Errorf("the subject with codice fiscale #1 of -cf is not among the %d answered", len(resp.Subjects))
}

// absent are valid codici fiscali of synthetic people; the first not in
// the register under test is looked up.
var absent = []string{"RSSMRA80A01H501U", "VRDLGU75B12F205Z", "BNCGLI90C50L219Q"}

func (s *suite) lookupNotFound(ctx context.Context) (string, error) {
	cf := ""
	for _, c := range absent {
		if !slices.Contains(s.opts.CodiciFiscali, c) {
			cf = c
			break
		}
	}
	req := s.request(sad.OpLookup)
	req.Query = &sad.Query{CodiceFiscale: cf}
	resp, _, err := s.send(ctx, req)
	if err != nil {
		return "", err
	}
	if err := want(resp, sad.CodeNotFound); err != nil {
		return "", err
	}
	if len(resp.Subjects) != 0 {
		return "", fmt.Errorf("%d subjects with outcome 01, want none", len(resp.Subjects))
	}
	return "", nil
}

func (s *suite) lookupAmbiguous(ctx context.Context) (string, error) {
	for i := range s.found {
		for j := i + 1; j < len(s.found); j++ {
			a, b := &s.found[i], &s.found[j]
			if !strings.EqualFold(a.Surname, b.Surname) || !strings.EqualFold(a.GivenNames, b.GivenNames) || !a.BirthDate.Equal(b.BirthDate) {
				continue
			}
			req := s.request(sad.OpLookup)
			req.Query = &sad.Query{Surname: a.Surname, GivenNames: a.GivenNames, BirthDate: a.BirthDate}
			resp, _, err := s.send(ctx, req)
			if err != nil {
				return "", err
			}
			if err := want(resp, sad.CodeMultiple); err != nil {
				return "", err
			}
			if len(resp.Subjects) < 2 {
				return "", fmt.Errorf("outcome 02 with %d subjects, want at least 2", len(resp.Subjects))
			}
			return fmt.Sprintf("%d homonyms", len(resp.Subjects)), nil
		}
	}
	return "", skipf("no two subjects of the register share names and birth date (add a homonym pair to -cf)")
}

func (s *suite) lookupMinor(context.Context) (string, error) {
	now := s.now()
	minor := s.first(func(x *sad.Subject) bool { return x.BirthDate.AddDate(18, 0, 0).After(now) })
	if minor == nil {
		return "", skipf("no minor in the register (add one to -cf)")
	}
	if minor.Parents == nil || (minor.Parents.Father == nil && minor.Parents.Mother == nil) {
		return "", errors.New("a minor is answered without Genitori (CieOnline needs the parents of minors)")
	}
	return "", nil
}

func (s *suite) lookupAIRE(context.Context) (string, error) {
	if s.first(func(x *sad.Subject) bool { return x.AIRE != nil && *x.AIRE }) == nil {
		return "", skipf("no subject with IscrittoAIRE true in the register (add one to -cf)")
	}
	return "IscrittoAIRE decoded", nil
}

func (s *suite) lookupNotResident(context.Context) (string, error) {
	for _, code := range s.codes {
		if code == sad.CodeNotResident {
			return "outcome 05 with the subject's data", nil
		}
	}
	return "", skipf("no subject of the register answered 05 (add a former resident to -cf)")
}

// cardNumber returns a random CIE 3.0 number, CA12345AB-shaped.
func cardNumber() string {
	var b [9]byte
	crand.Read(b[:])
	out := make([]byte, 9)
	for i, c := range b {
		if i >= 2 && i <= 6 {
			out[i] = '0' + c%10
		} else {
			out[i] = 'A' + c%26
		}
	}
	return string(out)
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

func (s *suite) issue(ctx context.Context, holder *sad.Subject) (string, []byte, error) {
	req := s.request(sad.OpIssue)
	today := day(s.now())
	number := cardNumber()
	req.Card = &sad.CardData{CodiceFiscale: holder.CodiceFiscale, APRID: holder.APRID, Number: number,
		IssueDate: today, ExpiryDate: today.AddDate(10, 0, 0), ValidForTravel: sad.Bool(true),
		IssuingComune: &sad.Place{IstatCode: "015146", Description: "MILANO"}}
	resp, doc, err := s.send(ctx, req)
	if err != nil {
		return "", nil, err
	}
	return number, doc, want(resp, sad.CodeOK)
}

func (s *suite) noticeIssued(ctx context.Context) (string, error) {
	now := s.now()
	s.holder = s.first(func(x *sad.Subject) bool {
		return s.codes[x.CodiceFiscale] == sad.CodeOK && !x.BirthDate.AddDate(18, 0, 0).After(now)
	})
	if s.holder == nil {
		return "", errors.New("no adult resident among the subjects found to issue a card to")
	}
	var err error
	s.cardNumber, s.issueReq, err = s.issue(ctx, s.holder)
	if err != nil {
		return "", err
	}
	// The register now knows the card as the subject's current document.
	req := s.request(sad.OpLookup)
	req.Query = &sad.Query{CodiceFiscale: s.holder.CodiceFiscale}
	resp, _, err := s.send(ctx, req)
	if err != nil {
		return "", fmt.Errorf("looking the holder up after the notice: %w", err)
	}
	if len(resp.Subjects) == 1 && resp.Subjects[0].Document != nil && resp.Subjects[0].Document.Number != s.cardNumber {
		return "", errors.New("after the notice, CartaIdentita is another card")
	}
	return "card " + s.cardNumber, nil
}

// repeat resends a notice's exact bytes (the same IdRichiesta): the answer
// must be the same 00, and the register must not change twice.
func (s *suite) repeat(doc *[]byte, of string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		if *doc == nil {
			return "", fmt.Errorf("%s did not run to completion", of)
		}
		id := extractID(*doc)
		resp, err := s.sendRaw(ctx, id, *doc)
		if err != nil {
			return "", err
		}
		if err := want(resp, sad.CodeOK); err != nil {
			return "", fmt.Errorf("the same notice again (same IdRichiesta): %w", err)
		}
		return "", nil
	}
}

func extractID(doc []byte) string {
	_, after, _ := bytes.Cut(doc, []byte("<IdRichiesta>"))
	id, _, _ := bytes.Cut(after, []byte("</IdRichiesta>"))
	return string(id)
}

func (s *suite) end(ctx context.Context, op sad.Operation, number string) ([]byte, error) {
	req := s.request(op)
	req.Card = &sad.CardData{CodiceFiscale: s.holder.CodiceFiscale, Number: number, EventDate: day(s.now()), Reason: "VERIFICA SADCHECK"}
	resp, doc, err := s.send(ctx, req)
	if err != nil {
		return nil, err
	}
	return doc, want(resp, sad.CodeOK)
}

func (s *suite) noticeCancelled(ctx context.Context) (string, error) {
	if s.cardNumber == "" {
		return "", errors.New("notice/issued did not run to completion")
	}
	var err error
	s.cancelReq, err = s.end(ctx, sad.OpCancel, s.cardNumber)
	if err != nil {
		s.cancelReq = nil
		return "", err
	}
	return "card " + s.cardNumber, nil
}

func (s *suite) noticeRevoked(ctx context.Context) (string, error) {
	if s.holder == nil {
		return "", errors.New("notice/issued did not run to completion")
	}
	number, _, err := s.issue(ctx, s.holder)
	if err != nil {
		return "", fmt.Errorf("issuing a card to revoke: %w", err)
	}
	s.revokeCard = number
	s.revokeReq, err = s.end(ctx, sad.OpRevoke, number)
	if err != nil {
		s.revokeReq = nil
		return "", err
	}
	return "card " + number, nil
}

func (s *suite) noticeUnknown(ctx context.Context) (string, error) {
	sub := s.holder
	if sub == nil {
		return "", errors.New("notice/issued did not run to completion")
	}
	req := s.request(sad.OpCancel)
	req.Card = &sad.CardData{CodiceFiscale: sub.CodiceFiscale, Number: cardNumber(), EventDate: day(s.now())}
	resp, _, err := s.send(ctx, req)
	if err != nil {
		return "", err
	}
	return "", want(resp, sad.CodeNotAllowed)
}

// invalidField sends a well-formed request whose codice fiscale has a
// wrong check character: outcome 03, with the IdRichiesta echoed.
func (s *suite) invalidField(ctx context.Context) (string, error) {
	id := s.id()
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<RichiestaSAD versione="2.8"><IdRichiesta>` + id +
		`</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta><CriteriRicerca><CodiceFiscale>RSSMRA80A41H501X</CodiceFiscale></CriteriRicerca></RichiestaSAD>`)
	resp, err := s.sendRaw(ctx, id, doc)
	if err != nil {
		return "", err
	}
	return "", want(resp, sad.CodeInvalidRequest)
}

// refuse sends a bad document: the endpoint must answer, in time, with a
// 4xx status or outcome 03, and echo nothing it should not have read.
func (s *suite) refuse(build func(id string) []byte) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		id := s.id()
		rep, err := s.ex.exchange(ctx, id, build(id))
		if err != nil {
			return "", err
		}
		if bytes.Contains(rep.body, []byte("root:")) {
			return "", errors.New("the answer contains the content of a local file: external entities are resolved")
		}
		if rep.status >= 400 && rep.status < 500 {
			return fmt.Sprintf("HTTP %d", rep.status), nil
		}
		if rep.status != http.StatusOK {
			return "", fmt.Errorf("HTTP %d, want 4xx or 200 with outcome 03", rep.status)
		}
		resp, err := s.codec.DecodeResponse(bytes.NewReader(rep.body))
		if err != nil {
			return "", fmt.Errorf("the answer does not decode: %v", err)
		}
		if err := want(resp, sad.CodeInvalidRequest); err != nil {
			return "", err
		}
		return "outcome 03", nil
	}
}

func billionLaughs(id string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE RichiestaSAD [<!ENTITY a0 "ha">`)
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, `<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">`, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString(`]><RichiestaSAD versione="2.8"><IdRichiesta>` + id + `</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>` +
		`<CriteriRicerca><Cognome>&a9;</Cognome><Nome>X</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>`)
	return []byte(b.String())
}

func externalEntity(id string) []byte {
	return []byte(`<?xml version="1.0"?><!DOCTYPE RichiestaSAD [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
		`<RichiestaSAD versione="2.8"><IdRichiesta>` + id + `</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>` +
		`<CriteriRicerca><Cognome>&x;</Cognome><Nome>X</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>`)
}

func deepNesting(id string) []byte {
	return []byte(`<RichiestaSAD versione="2.8"><IdRichiesta>` + id + `</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>` +
		strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + `</RichiestaSAD>`)
}

// oversize is an 8 MiB request (a SAD request is a few hundred bytes).
func oversize(id string) []byte {
	return []byte(`<RichiestaSAD versione="2.8"><IdRichiesta>` + id + `</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta><!--` +
		strings.Repeat("x", 8<<20) + `--><CriteriRicerca><CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale></CriteriRicerca></RichiestaSAD>`)
}

// latin1 looks a subject up by name in an ISO-8859-1 document (a name with
// an accent when the register has one): it must be answered, not refused.
func (s *suite) latin1(ctx context.Context) (string, error) {
	sub := s.first(func(x *sad.Subject) bool {
		return strings.ContainsFunc(x.Surname+x.GivenNames, func(r rune) bool { return r > 0x7f && r <= 0xff })
	})
	if sub == nil {
		sub = &sad.Subject{Surname: "NICOLÒ", GivenNames: "ANNA", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	d := sad.DefaultDialect()
	if s.codec.Dialect != nil {
		c := *s.codec.Dialect
		d = &c
	}
	d.Charset = sad.Latin1
	req := s.request(sad.OpLookup)
	req.Query = &sad.Query{Surname: sub.Surname, GivenNames: sub.GivenNames, BirthDate: sub.BirthDate}
	var doc bytes.Buffer
	if err := (sad.Codec{Dialect: d}).EncodeRequest(&doc, req); err != nil {
		return "", err
	}
	resp, err := s.sendRaw(ctx, req.ID, doc.Bytes())
	if err != nil {
		return "", err
	}
	return "", want(resp, sad.CodeOK, sad.CodeNotFound, sad.CodeMultiple, sad.CodeNotResident)
}

func (s *suite) concurrency(ctx context.Context) (string, error) {
	if len(s.found) == 0 {
		return "", errors.New("no subject found by codice fiscale to look up concurrently")
	}
	n := s.opts.Concurrency
	errs := make([]error, n)
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sub := s.found[i%len(s.found)]
			req := s.request(sad.OpLookup)
			req.Query = &sad.Query{CodiceFiscale: sub.CodiceFiscale}
			start := time.Now()
			resp, _, err := s.send(ctx, req)
			lat[i] = time.Since(start)
			switch {
			case err != nil:
				errs[i] = err
			case len(resp.Subjects) != 1 || resp.Subjects[0].CodiceFiscale != sub.CodiceFiscale:
				errs[i] = fmt.Errorf("lookup %d answered another subject", i+1)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	slices.Sort(lat)
	return fmt.Sprintf("%d at once, slowest %v", n, lat[n-1].Round(time.Millisecond)), nil
}

// WriteTable writes the results as an aligned table (case, outcome, time,
// detail) and a summary line.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	width := len("CASE")
	for _, x := range r.Results {
		width = max(width, len(x.Case))
	}
	fmt.Fprintf(&b, "%-*s  %-7s %9s  %s\n", width, "CASE", "OUTCOME", "TIME", "DETAIL")
	var pass, fail, skip int
	for _, x := range r.Results {
		switch x.Outcome {
		case Pass:
			pass++
		case Fail:
			fail++
		case Skip:
			skip++
		}
		detail := strings.ReplaceAll(x.Detail, "\n", "; ")
		fmt.Fprintf(&b, "%-*s  %-7s %9s  %s\n", width, x.Case, x.Outcome, x.Duration.Round(time.Millisecond), detail)
	}
	fmt.Fprintf(&b, "%d passed, %d failed, %d skipped\n", pass, fail, skip)
	_, err := io.WriteString(w, b.String())
	return err
}
