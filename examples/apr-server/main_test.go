package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sad"
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

func TestRun(t *testing.T) {
	dir := t.TempDir()
	up, down := filepath.Join(dir, "upload"), filepath.Join(dir, "download")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-http", "127.0.0.1:0", "-upload", up, "-download", down, "-state", filepath.Join(dir, "state"), "-poll", "20ms", "-pair", "VERO/FALSO"}, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/sad`)
	var port int
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(stdout.String())
		if m == nil {
			return false
		}
		port, _ = strconv.Atoi(m[1])
		return true
	}, 10*time.Second, 10*time.Millisecond, "server did not start: %s", stderr.String())
	assert.Contains(t, stdout.String(), "register: 7 subjects")

	d := sad.DefaultDialect()
	d.Espatrio = sad.PairVEROFALSO
	c, err := sad.NewClient(sad.Config{Host: "127.0.0.1", Port: port, Path: "/sad", Codec: sad.Codec{Dialect: d}, Comune: "015146", Workstation: "T1", Timeout: 5 * time.Second})
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

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
}

func TestRunFlags(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(t.Context(), []string{"-pair", "Y/N"}, &stdout, &stderr)
	require.ErrorIs(t, err, sad.ErrUnknownValue)
	err = run(t.Context(), []string{"-http", "", "-upload", "u", "-download", "d"}, &stdout, &stderr)
	require.ErrorContains(t, err, "-state")
	err = run(t.Context(), []string{"-http", ""}, &stdout, &stderr)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "nothing to serve"))
}
