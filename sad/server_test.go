package sad

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleRegistry() *MemoryRegistry {
	return NewMemoryRegistry([]Subject{subjectMaria(), subjectMinor()})
}

func newHTTPClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	host, port, _ := net.SplitHostPort(u.Host)
	p, _ := strconv.Atoi(port)
	c, err := NewClient(Config{Host: host, Port: p, Path: "/sad", HTTPClient: srv.Client(), Comune: "015146", Workstation: "POS01", Timeout: 5 * time.Second})
	require.NoError(t, err)
	return c
}

func TestHTTPEndToEnd(t *testing.T) {
	t.Parallel()
	reg := sampleRegistry()
	c := newHTTPClient(t, &Server{Registry: reg})
	ctx := t.Context()

	resp, err := c.Lookup(ctx, Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.NoError(t, err)
	require.Len(t, resp.Subjects, 1)
	assert.Equal(t, CodeOK, resp.Outcome.Code)
	assert.Equal(t, subjectMaria(), resp.Subjects[0])

	resp, err = c.Lookup(ctx, Query{Surname: "bianchi", GivenNames: "Luca", BirthDate: day(2015, 12, 10)})
	require.NoError(t, err)
	require.Len(t, resp.Subjects, 1)
	assert.Equal(t, "PAOLO", resp.Subjects[0].Parents.Father.GivenNames, "minor's parents")

	_, err = c.Lookup(ctx, Query{CodiceFiscale: "VRDGPP70M10F205O"})
	require.ErrorIs(t, err, ErrUnknownPerson)

	card := CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA12345AB", IssueDate: day(2026, 11, 23), ExpiryDate: day(2037, 1, 1), ValidForTravel: Bool(true)}
	resp, err = c.NotifyIssued(ctx, card)
	require.NoError(t, err)
	assert.Equal(t, "CA12345AB", resp.CardNumber)
	rec, ok := reg.Card("CA12345AB")
	require.True(t, ok)
	assert.Equal(t, OpIssue, rec.State)

	resp, err = c.Lookup(ctx, Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.NoError(t, err)
	assert.Equal(t, "CA12345AB", resp.Subjects[0].Document.Number, "current document after the issue notice")

	_, err = c.NotifyCancelled(ctx, CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA12345AB", EventDate: day(2026, 11, 24)})
	require.NoError(t, err)
	_, err = c.NotifyRevoked(ctx, CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA12345AB", EventDate: day(2026, 11, 25)})
	var oe *OutcomeError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, CodeNotAllowed, oe.Code)
	assert.ErrorIs(t, err, ErrNotAllowed)

	_, err = c.NotifyCancelled(ctx, CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "ZZ99999ZZ", EventDate: day(2026, 11, 24)})
	require.ErrorIs(t, err, ErrNotAllowed, "unknown card")
}

type failingRegistry struct {
	MemoryRegistry
	err  error
	subs []Subject
}

func (f *failingRegistry) Lookup(ctx context.Context, q *Query) ([]Subject, error) {
	return f.subs, f.err
}

func TestServerOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		subs []Subject
		want Code
		n    int
	}{
		{"multiple", nil, []Subject{subjectMaria(), subjectMinor()}, CodeMultiple, 2},
		{"not resident", ErrNotResident, []Subject{subjectMaria()}, CodeNotResident, 1},
		{"unknown", ErrUnknownPerson, nil, CodeNotFound, 0},
		{"invalid", ErrInvalidRequest, nil, CodeInvalidRequest, 0},
		{"internal", errors.New("db down: password=hunter2"), nil, CodeInternal, 0},
		{"explicit", &OutcomeError{Code: CodeNotAllowed, Description: "BLOCCATO"}, nil, CodeNotAllowed, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &Server{Registry: &failingRegistry{err: tc.err, subs: tc.subs}, Now: fixtureTime}
			resp := s.Answer(t.Context(), lookupByCF())
			assert.Equal(t, tc.want, resp.Outcome.Code)
			assert.Len(t, resp.Subjects, tc.n)
			assert.NotContains(t, resp.Outcome.Description, "hunter2", "registry internals leak")
			_, err := Codec{}.marshalResponse(resp)
			require.NoError(t, err, "the answer encodes")
		})
	}
}

func TestHandlerRejects(t *testing.T) {
	t.Parallel()
	s := &Server{Registry: sampleRegistry(), Codec: Codec{Limits: Limits{MaxBytes: 4096}}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, ctype, body string
		want                      int
	}{
		{"get", http.MethodGet, "", "", http.StatusMethodNotAllowed},
		{"garbage", http.MethodPost, "text/xml", "not xml", http.StatusBadRequest},
		{"doctype", http.MethodPost, "text/xml", `<!DOCTYPE x [<!ENTITY a "b">]><RichiestaSAD/>`, http.StatusBadRequest},
		{"too large", http.MethodPost, "text/xml", "<RichiestaSAD>" + strings.Repeat("x", 5000), http.StatusRequestEntityTooLarge},
		{"invalid field, readable ID", http.MethodPost, "text/xml", strings.Replace(string(mustMarshal(t, lookupByCF())), "RSSMRA80A41H501Y", "RSSMRA80A41H501X", 1), http.StatusOK},
		{"form", http.MethodPost, "application/x-www-form-urlencoded", "xml=" + url.QueryEscape(string(mustMarshal(t, lookupByCF()))), http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL, strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, tc.want, res.StatusCode, "%s %s", tc.method, tc.name)
		})
	}
}

func TestHandlerInvalidFieldAnswers03(t *testing.T) {
	t.Parallel()
	s := &Server{Registry: sampleRegistry()}
	body := strings.Replace(string(mustMarshal(t, issueNotice())), "CA12345AB", "CA1234XAB", 1)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/sad", strings.NewReader(body)))
	require.Equal(t, http.StatusOK, w.Code)
	resp, err := Codec{}.DecodeResponse(w.Body)
	require.NoError(t, err)
	assert.Equal(t, issueNotice().ID, resp.ID)
	assert.Equal(t, CodeInvalidRequest, resp.Outcome.Code)
	assert.Contains(t, resp.Outcome.Description, "/RichiestaSAD/DatiCarta/NumeroCarta")
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	t.Run("status", func(t *testing.T) {
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusServiceUnavailable) }))
		_, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		var he *HTTPStatusError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, http.StatusServiceUnavailable, he.StatusCode)
	})
	t.Run("mismatched ID", func(t *testing.T) {
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Codec{}.EncodeResponse(w, responseNotFound())
		}))
		_, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		require.ErrorIs(t, err, ErrMismatchedID)
	})
	t.Run("garbage answer", func(t *testing.T) {
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }))
		_, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		var se *SyntaxError
		require.ErrorAs(t, err, &se)
	})
	t.Run("timeout", func(t *testing.T) {
		block := make(chan struct{})
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(func() { close(block) }) // runs before the server's Close
		c.cfg.Timeout = 100 * time.Millisecond
		_, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("cancel", func(t *testing.T) {
		block := make(chan struct{})
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(func() { close(block) }) // runs before the server's Close
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := c.Lookup(ctx, Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("config", func(t *testing.T) {
		_, err := NewClient(Config{})
		require.ErrorIs(t, err, ErrConfig)
		_, err = NewClient(Config{Host: "x", Transport: FTP})
		require.ErrorIs(t, err, ErrConfig)
		_, err = ParseTransport("smtp")
		require.ErrorIs(t, err, ErrConfig)
	})
	t.Run("form body", func(t *testing.T) {
		c := newHTTPClient(t, &Server{Registry: sampleRegistry()})
		c.cfg.Form = true
		resp, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		require.NoError(t, err)
		assert.Len(t, resp.Subjects, 1)
	})
	t.Run("latin1 by header only", func(t *testing.T) {
		c := newHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req, err := Codec{}.DecodeRequest(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			resp := responseOne()
			resp.ID = req.ID
			resp.Subjects[0].GivenNames = "MARÌA"
			b, _ := Codec{Dialect: latin1Dialect()}.marshalResponse(resp)
			b = b[bytes.Index(b, []byte("?>"))+2:] // no declaration: the header carries the charset
			w.Header().Set("Content-Type", "text/xml; charset=ISO-8859-1")
			w.Write(b)
		}))
		c.cfg.Codec = Codec{Dialect: latin1Dialect()}
		resp, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
		require.NoError(t, err)
		assert.Equal(t, "MARÌA", resp.Subjects[0].GivenNames)
	})
	t.Run("invalid request", func(t *testing.T) {
		c := newHTTPClient(t, &Server{Registry: sampleRegistry()})
		_, err := c.Lookup(t.Context(), Query{Surname: "ROSSI"})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
	})
}
