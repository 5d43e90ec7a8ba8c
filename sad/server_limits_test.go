package sad

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeHTTPRawXMLAnyContentType: `curl --data-binary @req.xml` sends
// the raw XML as application/x-www-form-urlencoded; the server takes a body
// that starts with '<' as the XML whatever the content type, and still
// accepts the legacy xml= form field.
func TestServeHTTPRawXMLAnyContentType(t *testing.T) {
	var doc bytes.Buffer
	require.NoError(t, Codec{}.EncodeRequest(&doc, lookupByCF()))
	srv := &Server{Registry: sampleRegistry()}
	for _, tc := range []struct{ name, ctype, body string }{
		{"form content type, raw XML", "application/x-www-form-urlencoded", doc.String()},
		{"no content type", "", doc.String()},
		{"text/plain with BOM", "text/plain", "\xef\xbb\xbf" + doc.String()},
		{"legacy xml= field", "application/x-www-form-urlencoded", "xml=" + url.QueryEscape(doc.String())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/sad", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			require.Equal(t, http.StatusOK, w.Code, "body: %s", w.Body)
			resp, err := Codec{}.DecodeResponse(w.Body)
			require.NoError(t, err)
			assert.Equal(t, CodeOK, resp.Outcome.Code)
		})
	}
	r := httptest.NewRequest(http.MethodPost, "/sad", strings.NewReader("request=1"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, w.Body.String(), "field named xml", "a form without xml= says what is expected")
}

// blockingRegistry holds every lookup until released.
type blockingRegistry struct {
	Registry
	entered chan struct{}
	release chan struct{}
}

func (b *blockingRegistry) Lookup(ctx context.Context, q *Query) ([]Subject, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.Registry.Lookup(ctx, q)
}

// TestServeHTTPMaxInFlight: with MaxInFlight 3, three requests in progress
// make the fourth answer 503 with Retry-After at once; once they finish,
// requests are served again.
func TestServeHTTPMaxInFlight(t *testing.T) {
	reg := &blockingRegistry{Registry: sampleRegistry(), entered: make(chan struct{}, 8), release: make(chan struct{})}
	srv := &Server{Registry: reg, MaxInFlight: 3}
	var doc bytes.Buffer
	require.NoError(t, Codec{}.EncodeRequest(&doc, lookupByCF()))
	post := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/sad", bytes.NewReader(doc.Bytes())))
		return w
	}
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range 3 {
		wg.Go(func() { codes[i] = post().Code })
	}
	for range 3 {
		<-reg.entered
	}
	w := post()
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	close(reg.release)
	wg.Wait()
	assert.Equal(t, []int{200, 200, 200}, codes)
	go func() { <-reg.entered }()
	assert.Equal(t, http.StatusOK, post().Code)
}

// TestServeHTTPLogsRequests: one Info line per request, with remote, ID,
// operation, outcome and duration, and no personal data.
func TestServeHTTPLogsRequests(t *testing.T) {
	var logs bytes.Buffer
	srv := &Server{Registry: sampleRegistry(), Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	var doc bytes.Buffer
	req := lookupByCF()
	require.NoError(t, Codec{}.EncodeRequest(&doc, req))
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/sad", &doc))
	require.Equal(t, http.StatusOK, w.Code)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/sad", strings.NewReader("<nope")))
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2, "%s", logs.String())
	for _, want := range []string{"msg=\"sad request\"", "remote=192.0.2.1:1234", "id=" + req.ID, "op=lookup", "outcome=ok", "duration="} {
		assert.Contains(t, lines[0], want)
	}
	assert.Contains(t, lines[1], "status=400")
	assert.NotContains(t, logs.String(), req.Query.CodiceFiscale, "no personal data in the log")
}
