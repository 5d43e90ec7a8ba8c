package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/ftpsim"
	"github.com/ciekit/ciekit/sad/sadcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type server struct {
	port           int
	stdout, stderr *syncBuffer
}

// start runs apr-server with args until the test ends; it returns the http
// port when -http is served.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "run after cancellation")
		case <-time.After(10 * time.Second):
			t.Error("run did not return after cancellation")
		}
	})
	// Ready when every side asked for says so: the http address, and the
	// ftp spool once it has made its directories.
	re := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`)
	require.Eventually(t, func() bool {
		out := s.stdout.String()
		if contains(args, "-http") {
			m := re.FindStringSubmatch(out)
			if m == nil {
				return false
			}
			s.port, _ = strconv.Atoi(m[1])
		}
		return !contains(args, "-upload") || strings.Contains(out, "ftp: watching")
	}, 10*time.Second, 10*time.Millisecond, "server did not start: %s", s.stderr.String())
	return s
}

func contains(args []string, a string) bool {
	for i, x := range args {
		if x == a && i+1 < len(args) && args[i+1] != "" {
			return true
		}
	}
	return false
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	up, down := filepath.Join(dir, "upload"), filepath.Join(dir, "download")
	s := start(t, "-http", "127.0.0.1:0", "-upload", up, "-download", down, "-state", filepath.Join(dir, "state"), "-poll", "20ms", "-pair", "VERO/FALSO")
	assert.Contains(t, s.stdout.String(), "register: 7 subjects")

	d := sad.DefaultDialect()
	d.Espatrio = sad.PairVEROFALSO
	c, err := sad.NewClient(sad.Config{Host: "127.0.0.1", Port: s.port, Path: "/sad", Codec: sad.Codec{Dialect: d}, Comune: "015146", Workstation: "T1", Timeout: 5 * time.Second})
	require.NoError(t, err)
	resp, err := c.Lookup(t.Context(), sad.Query{Surname: "D'Angelo", GivenNames: "Giuseppe", BirthDate: time.Date(1955, 3, 12, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.Len(t, resp.Subjects, 1)
	assert.Equal(t, "DNGGPP55C12L219W", resp.Subjects[0].CodiceFiscale)
	assert.True(t, *resp.Subjects[0].ValidForTravel)

	// The ftp spool: a request file in, a response file out.
	req := &sad.Request{ID: "T1_FTP_1", Op: sad.OpLookup, Query: &sad.Query{CodiceFiscale: "BNCLCU15T10Z110Y"}}
	var b bytes.Buffer
	require.NoError(t, sad.Codec{Dialect: d}.EncodeRequest(&b, req))
	require.NoError(t, os.WriteFile(filepath.Join(up, "T1_FTP_1.tmp"), b.Bytes(), 0o644))
	require.NoError(t, os.Rename(filepath.Join(up, "T1_FTP_1.tmp"), filepath.Join(up, "T1_FTP_1.xml")))
	var out []byte
	require.Eventually(t, func() bool {
		out, err = os.ReadFile(filepath.Join(down, "T1_FTP_1.xml"))
		return err == nil
	}, 10*time.Second, 10*time.Millisecond)
	got, err := sad.Codec{Dialect: d}.DecodeResponse(bytes.NewReader(out))
	require.NoError(t, err)
	require.Len(t, got.Subjects, 1)
	assert.Equal(t, "PAOLO", got.Subjects[0].Parents.Father.GivenNames)
	assert.Contains(t, string(out), "<ValiditaEspatrio>FALSO</ValiditaEspatrio>")
}

// TestHelp: -h prints the usage with the wire format, the ftp file naming,
// an example and the exit codes on stdout, and exits 0.
func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &stdout, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, exitOK, exitCode(err, &stderr))
	for _, want := range []string{"Usage:", "Inputs:\n  the register:", "Examples:", "curl --data-binary @req.xml", "POST a RichiestaSAD",
		"MUST be named after the\n        IdRichiesta", "Exit status: 0", "-mapping", "-max-conns"} {
		assert.Contains(t, stdout.String(), want)
	}
	assert.Empty(t, stderr.String())
}

// TestFlagErrors: each bad command line exits 2 with one message naming
// the flag at fault and what it accepts.
func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-pair", "Y/N"}, "-pair \"Y/N\": want one of S/N"},
		{[]string{"-http", "", "-upload", "u", "-download", "d"}, "-upload needs -download DIR and -state DIR"},
		{[]string{"-http", ""}, "nothing to serve"},
		{[]string{"-db", "pgx"}, "-db needs -dsn and -mapping"},
		{[]string{"-db", "oracle", "-dsn", "x", "-mapping", "m"}, "-db \"oracle\": want pgx (PostgreSQL) or sqlite"},
		{[]string{"-dsn", "x"}, "-dsn and -mapping need -db"},
		{[]string{"-max-conns", "0"}, "-max-conns 0"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-nope"}, "-nope"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), tc.args, &stdout, &stderr)
		code := exitCode(err, &stderr)
		assert.Equal(t, exitUsage, code, "run(%q): %v", tc.args, err)
		assert.Contains(t, stderr.String(), tc.want, "run(%q)", tc.args)
		assert.Equal(t, 1, strings.Count(stderr.String(), tc.want), "run(%q) says it once: %s", tc.args, stderr.String())
	}
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"-http", "", "-upload", "u", "-download", "d", "-state", "s", "-db", "sqlite", "-dsn", "x", "-mapping", "/nonexistent.json"}, io.Discard, &stderr)
	assert.Equal(t, exitError, exitCode(err, &stderr))
	assert.Contains(t, stderr.String(), "-mapping")
}

func post(t *testing.T, port int, ctype, body string) (int, string) {
	t.Helper()
	res, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/sad", port), ctype, strings.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

const lookupDoc = `<?xml version="1.0" encoding="UTF-8"?>
<RichiestaSAD versione="2.8"><IdRichiesta>CURL_1</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>
<CriteriRicerca><CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale></CriteriRicerca></RichiestaSAD>`

// TestRawXMLWhateverContentType: `curl --data-binary @req.xml` sends
// application/x-www-form-urlencoded; the XML is still the request.
func TestRawXMLWhateverContentType(t *testing.T) {
	s := start(t, "-http", "127.0.0.1:0")
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/xml", "application/octet-stream", "text/plain"} {
		code, body := post(t, s.port, ct, lookupDoc)
		assert.Equal(t, http.StatusOK, code, "Content-Type %s: %s", ct, body)
		assert.Contains(t, body, "<Codice>00</Codice>", "Content-Type %s", ct)
	}
}

// TestRequestLog: one line per request with time, remote, IdRichiesta,
// operation, outcome and duration, and no personal data.
func TestRequestLog(t *testing.T) {
	s := start(t, "-http", "127.0.0.1:0")
	post(t, s.port, "text/xml", lookupDoc)
	post(t, s.port, "text/xml", "not xml")
	require.Eventually(t, func() bool { return strings.Count(s.stderr.String(), "sad request") == 2 }, 5*time.Second, 10*time.Millisecond)
	lines := strings.Split(strings.TrimSpace(s.stderr.String()), "\n")
	for _, want := range []string{"time=", "msg=\"sad request\"", "remote=127.0.0.1:", "id=CURL_1", "op=lookup", "outcome=ok", "duration="} {
		assert.Contains(t, lines[0], want)
	}
	assert.Contains(t, lines[1], "status=400")
	assert.NotContains(t, s.stderr.String(), "RSSMRA80A41H501Y", "no codice fiscale in the log")
	assert.NotContains(t, s.stderr.String(), "ROSSI", "no name in the log")
}

// TestConnectionCap measures the cap on open connections: 40 slow clients
// that never finish their request, against -max-conns 8, leave at most 8
// connections accepted at once; the rest wait in the backlog and are
// served when slots free up.
func TestConnectionCap(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ll := newLimitListener(l, 8)
	var mu sync.Mutex
	active, peak := 0, 0
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ConnState: func(c net.Conn, st http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			switch st {
			case http.StateNew:
				active++
				peak = max(peak, active)
			case http.StateClosed, http.StateHijacked:
				active--
			}
		}}
	go hs.Serve(ll)
	defer hs.Close()
	var slow []net.Conn
	for range 40 {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		c.Write([]byte("POST /sad HTTP/1.1\r\nHost: x\r\n")) // never finished
		slow = append(slow, c)
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	p := peak
	mu.Unlock()
	t.Logf("40 slow clients, cap 8: %d connections accepted at once", p)
	assert.Equal(t, 8, p, "connections accepted at once")
	assert.Equal(t, 8, ll.open())
	for _, c := range slow {
		c.Close()
	}
	// Slots free: a normal client is served.
	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + l.Addr().String() + "/")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	}, 5*time.Second, 20*time.Millisecond)
	// (The server's ConnState may report a new connection before the closed
	// one it replaces, so the count after the closes is the listener's.)
	assert.LessOrEqual(t, ll.open(), 8)
}

// ftpTree starts ftpsim over a root with upload and download directories
// and returns the root, the two directories and the ftp port.
func ftpTree(t *testing.T) (root, up, down string, port int) {
	root = t.TempDir()
	up, down = filepath.Join(root, "ftp", "upload"), filepath.Join(root, "ftp", "download")
	require.NoError(t, os.MkdirAll(up, 0o755))
	require.NoError(t, os.MkdirAll(down, 0o755))
	fs, err := ftpsim.NewServer(filepath.Join(root, "ftp"))
	require.NoError(t, err)
	t.Cleanup(func() { fs.Close() })
	return root, up, down, fs.Port()
}

func check(t *testing.T, cfg sad.Config, cfs []string) {
	t.Helper()
	rep, err := sadcheck.Run(t.Context(), sadcheck.Options{Config: cfg, CodiciFiscali: cfs, Concurrency: 8})
	require.NoError(t, err)
	var table bytes.Buffer
	rep.WriteTable(&table)
	t.Logf("\n%s", table.String())
	assert.True(t, rep.Passed(), "sadcheck failed: %v", rep.Failed())
}

// TestSadcheckMemory: apr-server with its in-memory register passes the
// conformance suite over http and over ftp.
func TestSadcheckMemory(t *testing.T) {
	root, up, down, ftpPort := ftpTree(t)
	s := start(t, "-http", "127.0.0.1:0", "-upload", up, "-download", down, "-state", filepath.Join(root, "state"), "-poll", "20ms")
	t.Run("http", func(t *testing.T) { check(t, sad.Config{Host: "127.0.0.1", Port: s.port, Path: "/sad"}, nil) })
	t.Run("ftp", func(t *testing.T) {
		check(t, sad.Config{Transport: sad.FTP, Host: "127.0.0.1", Port: ftpPort, UploadDir: "upload", DownloadDir: "download", PollInterval: 20 * time.Millisecond}, nil)
	})
}

const sqlFiles = "../../sad/sqlregistry/testdata/"

// conformanceCFs are the codici fiscali of the sample register plus those
// of conformance.sql, so that every case of the suite runs.
func conformanceCFs(t *testing.T) []string {
	var cfs []string
	for _, s := range sad.SampleSubjects() {
		cfs = append(cfs, s.CodiceFiscale)
	}
	b, err := os.ReadFile(sqlFiles + "conformance.sql")
	require.NoError(t, err)
	m := regexp.MustCompile(`Codici fiscali: ([A-Z0-9,]+)`).FindSubmatch(b)
	require.NotNil(t, m)
	return append(cfs, strings.Split(string(m[1]), ",")...)
}

func loadSQL(t *testing.T, db *sql.DB) {
	for _, f := range []string{"schema.sql", "sample.sql", "conformance.sql"} {
		b, err := os.ReadFile(sqlFiles + f)
		require.NoError(t, err)
		for _, st := range strings.Split(string(b), ";") {
			if strings.TrimSpace(strings.Join(nonComment(st), "")) == "" {
				continue
			}
			_, err := db.Exec(st)
			require.NoError(t, err, "%s", st)
		}
	}
}

func nonComment(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return out
}

// TestSadcheckSQL: apr-server over the SQL register (SQLite, and
// PostgreSQL when the setup script started it) passes every case of the
// suite, none skipped, over http and ftp.
func TestSadcheckSQL(t *testing.T) {
	cfs := conformanceCFs(t)
	t.Run("sqlite", func(t *testing.T) {
		dsn := "file:" + filepath.Join(t.TempDir(), "apr.db")
		db, err := sql.Open("sqlite", dsn)
		require.NoError(t, err)
		loadSQL(t, db)
		db.Close()
		sadcheckSQL(t, "sqlite", dsn, cfs)
	})
	t.Run("postgresql", func(t *testing.T) {
		dsn := postgres(t)
		sadcheckSQL(t, "pgx", dsn, cfs)
	})
}

func sadcheckSQL(t *testing.T, driver, dsn string, cfs []string) {
	root, up, down, ftpPort := ftpTree(t)
	s := start(t, "-http", "127.0.0.1:0", "-upload", up, "-download", down, "-state", filepath.Join(root, "state"), "-poll", "20ms",
		"-db", driver, "-dsn", dsn, "-mapping", sqlFiles+"mapping.json")
	for _, tr := range []string{"http", "ftp"} {
		t.Run(tr, func(t *testing.T) {
			cfg := sad.Config{Host: "127.0.0.1", Port: s.port, Path: "/sad"}
			if tr == "ftp" {
				cfg = sad.Config{Transport: sad.FTP, Host: "127.0.0.1", Port: ftpPort, UploadDir: "upload", DownloadDir: "download", PollInterval: 20 * time.Millisecond}
			}
			rep, err := sadcheck.Run(t.Context(), sadcheck.Options{Config: cfg, CodiciFiscali: cfs, Concurrency: 8})
			require.NoError(t, err)
			var table bytes.Buffer
			rep.WriteTable(&table)
			t.Logf("\n%s", table.String())
			for _, r := range rep.Results {
				assert.Equal(t, sadcheck.Pass, r.Outcome, "%s: %s", r.Case, r.Detail)
			}
		})
	}
}

// postgres returns the DSN of a fresh database on the test server, or
// skips with the reason.
func postgres(t *testing.T) string {
	base := os.Getenv("CIEKIT_POSTGRES_DSN")
	if base == "" {
		base = "host=/var/run/postgresql port=55432 user=postgres dbname=postgres sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Skipf("postgresql not reachable at %q (run scripts/setup.d/40-postgresql.sh as root, or set CIEKIT_POSTGRES_DSN): %v", base, err)
	}
	name := fmt.Sprintf("ciekit_apr_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Skipf("postgresql: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	dsn := base + " dbname=" + name
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	loadSQL(t, db)
	return dsn
}
