package sadcheck

import (
	"bytes"
	"context"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/ftpsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func httpConfig(t *testing.T, h http.Handler) sad.Config {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	p, _ := strconv.Atoi(port)
	return sad.Config{Host: host, Port: p, Path: "/sad"}
}

func reference() *sad.Server {
	return &sad.Server{Registry: sad.NewMemoryRegistry(sad.SampleSubjects())}
}

func run(t *testing.T, opts Options) *Report {
	t.Helper()
	if opts.CaseTimeout == 0 {
		opts.CaseTimeout = 10 * time.Second
	}
	rep, err := Run(t.Context(), opts)
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, rep.WriteTable(&table))
	t.Logf("\n%s", table.String())
	return rep
}

// TestReferenceHTTP: the reference server (sad.Server over a
// MemoryRegistry) passes every case that its register allows.
func TestReferenceHTTP(t *testing.T) {
	t.Parallel()
	rep := run(t, Options{Config: httpConfig(t, reference())})
	assert.True(t, rep.Passed(), "failed: %v", rep.Failed())
	assert.Len(t, rep.Results, len(Cases))
	for _, name := range []string{"lookup/ambiguous", "lookup/aire", "lookup/not-resident"} {
		r, _ := rep.Result(name)
		assert.Equal(t, Skip, r.Outcome, "%s on the sample register", name)
	}
	r, _ := rep.Result("lookup/minor-with-parents")
	assert.Equal(t, Pass, r.Outcome)
}

// TestReferenceFTP: the same over ftp (ftpsim serving the tree, the Spool
// answering in it), with the T/F pair.
func TestReferenceFTP(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	up, down := filepath.Join(root, "ftp", "upload"), filepath.Join(root, "ftp", "download")
	require.NoError(t, os.MkdirAll(up, 0o755))
	require.NoError(t, os.MkdirAll(down, 0o755))
	fs, err := ftpsim.NewServer(filepath.Join(root, "ftp"))
	require.NoError(t, err)
	t.Cleanup(func() { fs.Close() })
	d := sad.DefaultDialect()
	d.Espatrio = sad.PairTF
	srv := reference()
	srv.Codec = sad.Codec{Dialect: d}
	sp := &sad.Spool{Server: srv, UploadDir: up, DownloadDir: down, StateDir: filepath.Join(root, "state"), PollInterval: 20 * time.Millisecond, NoSync: true}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); sp.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	rep := run(t, Options{Config: sad.Config{Transport: sad.FTP, Host: "127.0.0.1", Port: fs.Port(), UploadDir: "upload", DownloadDir: "download",
		PollInterval: 20 * time.Millisecond, Codec: sad.Codec{Dialect: d}}, Concurrency: 8})
	assert.True(t, rep.Passed(), "failed: %v", rep.Failed())
}

// rewrite is an http middleware that lets a broken server edit answers.
type rewrite struct {
	h    http.Handler
	edit func(body []byte) []byte
}

func (rw rewrite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	rw.h.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	body := rw.edit(rec.Body.Bytes())
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	w.Write(body)
}

// forgetful answers 04 to a notice whose IdRichiesta it has seen: not
// idempotent.
type forgetful struct {
	sad.Registry
	mu   sync.Mutex
	seen map[string]bool
}

func (f *forgetful) CardIssued(ctx context.Context, c *sad.CardData) error {
	req, _ := sad.RequestFromContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[req.ID] {
		return sad.ErrNotAllowed
	}
	f.seen[req.ID] = true
	return f.Registry.CardIssued(ctx, c)
}

type slow struct {
	h     http.Handler
	delay time.Duration
}

func (s slow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(s.delay):
	case <-r.Context().Done():
		return
	}
	s.h.ServeHTTP(w, r)
}

// TestBrokenServers: each deliberately broken server fails, naming the
// case, and only where it is broken.
func TestBrokenServers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		handler  func() http.Handler
		failing  []string
		timeout  time.Duration
		anyOther bool
	}{
		{"wrong code for not found", func() http.Handler {
			return rewrite{reference(), func(b []byte) []byte {
				return bytes.Replace(b, []byte("<Codice>01</Codice>"), []byte("<Codice>00</Codice>"), 1)
			}}
		}, []string{"lookup/not-found"}, 0, false},
		{"missing element", func() http.Handler {
			return rewrite{reference(), func(b []byte) []byte {
				s := string(b)
				if i := strings.Index(s, "<Nome>"); i >= 0 {
					if j := strings.Index(s[i:], "</Nome>"); j >= 0 {
						s = s[:i] + s[i+j+len("</Nome>"):]
					}
				}
				return []byte(s)
			}}
		}, []string{"lookup/found"}, 0, true},
		{"not idempotent", func() http.Handler {
			return &sad.Server{Registry: &forgetful{Registry: sad.NewMemoryRegistry(sad.SampleSubjects()), seen: map[string]bool{}}}
		}, []string{"notice/issued-repeat"}, 0, false},
		{"wrong request ID echoed", func() http.Handler {
			return rewrite{reference(), func(b []byte) []byte {
				return bytes.Replace(b, []byte("<IdRichiesta>SADCHECK_"), []byte("<IdRichiesta>OTHER_"), 1)
			}}
		}, []string{"lookup/found", "concurrency"}, 0, true},
		{"accepts invalid requests", func() http.Handler {
			return rewrite{reference(), func(b []byte) []byte {
				return bytes.Replace(b, []byte("<Codice>03</Codice>"), []byte("<Codice>00</Codice>"), 1)
			}}
		}, []string{"invalid/field", "malformed/missing-element"}, 0, false},
		{"slow", func() http.Handler { return slow{reference(), 600 * time.Millisecond} },
			[]string{"lookup/found", "concurrency"}, 400 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			to := tc.timeout
			if to == 0 {
				to = 10 * time.Second
			}
			rep := run(t, Options{Config: httpConfig(t, tc.handler()), CaseTimeout: to})
			require.False(t, rep.Passed())
			failed := rep.Failed()
			for _, name := range tc.failing {
				assert.Contains(t, failed, name, "%s must fail", name)
			}
			if !tc.anyOther {
				assert.ElementsMatch(t, tc.failing, failed, "only the broken cases fail")
			}
		})
	}
}

func TestReportFormats(t *testing.T) {
	rep := &Report{Results: []Result{
		{Case: "lookup/found", Outcome: Pass, Detail: "7 subjects", Duration: 12 * time.Millisecond},
		{Case: "notice/issued-repeat", Outcome: Fail, Detail: "outcome \"not allowed\" <04>", Duration: time.Second},
		{Case: "lookup/aire", Outcome: Skip, Detail: "no AIRE subject"},
	}}
	var table bytes.Buffer
	require.NoError(t, rep.WriteTable(&table))
	assert.Contains(t, table.String(), "notice/issued-repeat  FAIL")
	assert.Contains(t, table.String(), "1 passed, 1 failed, 1 skipped")
	var ju bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&ju))
	var got junitSuites
	require.NoError(t, xml.Unmarshal(ju.Bytes(), &got), "%s", ju.String())
	require.Len(t, got.Suites, 1)
	s := got.Suites[0]
	assert.Equal(t, 3, s.Tests)
	assert.Equal(t, 1, s.Failures)
	assert.Equal(t, 1, s.Skipped)
	require.NotNil(t, s.Cases[1].Failure)
	assert.Equal(t, "outcome \"not allowed\" <04>", s.Cases[1].Failure.Message)
	assert.False(t, rep.Passed())
	assert.Equal(t, []string{"notice/issued-repeat"}, rep.Failed())
}

func TestRunConfig(t *testing.T) {
	_, err := Run(t.Context(), Options{})
	require.ErrorIs(t, err, sad.ErrConfig)
	_, err = Run(t.Context(), Options{Config: sad.Config{Transport: sad.FTP, Host: "h"}})
	require.ErrorIs(t, err, sad.ErrConfig)
}

// TestOptionsRedactPassword: the ftp password given to the suite prints
// nowhere, in Options or in the suite's ftp transport.
func TestOptionsRedactPassword(t *testing.T) {
	pw := []byte("Zq8#vL!m2Wx@")
	o := Options{Config: sad.Config{Transport: sad.FTP, Host: "h", UploadDir: "u", DownloadDir: "d", User: "apr", Password: sad.NewPassword(string(pw))}}
	ex, err := newExchanger(o.Config)
	require.NoError(t, err)
	for _, v := range []any{o, &o, ex} {
		secrettest.Check(t, v, pw)
	}
}
