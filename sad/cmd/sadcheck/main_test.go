package main

import (
	"bytes"
	"encoding/xml"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/sad"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noenv(string) string { return "" }

func TestHelp(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"-h"}, noenv, &out, &errb)
	assert.Equal(t, exitOK, code)
	for _, want := range []string{"Usage:", "Inputs:\n  the endpoint under test", "Example", "Exit status: 0", "-junit", "SADCHECK_FTP_PASSWORD"} {
		assert.Contains(t, out.String(), want)
	}
	assert.Empty(t, errb.String())
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "give -url"},
		{[]string{"-url", "ftp://x"}, "-url"},
		{[]string{"-url", "http://h:1/sad", "-ftp", "h:21"}, "exclude"},
		{[]string{"-ftp", "h:21"}, "-upload"},
		{[]string{"-ftp", "h:99999", "-upload", "u", "-download", "d"}, "-ftp"},
		{[]string{"-url", "http://h:1/sad", "-pair", "Y/N"}, "-pair"},
		{[]string{"-url", "http://h:1/sad", "-cf", "RSSMRA"}, "-cf"},
		{[]string{"-url", "http://h:1/sad", "-concurrency", "0"}, "-concurrency"},
		{[]string{"-url", "http://h:1/sad", "extra"}, "unexpected arguments"},
		{[]string{"-nope"}, "-nope"},
	} {
		var out, errb bytes.Buffer
		code := run(t.Context(), tc.args, noenv, &out, &errb)
		assert.Equal(t, exitUsage, code, "run(%q)", tc.args)
		assert.Contains(t, errb.String(), tc.want, "run(%q)", tc.args)
		assert.Equal(t, 1, strings.Count(errb.String(), tc.want), "run(%q) names the problem once: %s", tc.args, errb.String())
	}
}

func TestRunAgainstReference(t *testing.T) {
	srv := httptest.NewServer(&sad.Server{Registry: sad.NewMemoryRegistry(sad.SampleSubjects())})
	defer srv.Close()
	junit := filepath.Join(t.TempDir(), "out.xml")
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"-url", srv.URL + "/sad", "-junit", junit, "-concurrency", "4"}, noenv, &out, &errb)
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	assert.Contains(t, out.String(), "lookup/found")
	assert.Contains(t, out.String(), "0 failed")
	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	var v struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b, &v))
	require.Len(t, v.Suites, 1)
	assert.Equal(t, 0, v.Suites[0].Failures)
	assert.Positive(t, v.Suites[0].Tests)
}

// TestStrict: the sample register lacks homonyms, an AIRE subject and a
// former resident; with -strict those skips fail the run.
func TestStrict(t *testing.T) {
	srv := httptest.NewServer(&sad.Server{Registry: sad.NewMemoryRegistry(sad.SampleSubjects())})
	defer srv.Close()
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"-url", srv.URL + "/sad", "-strict", "-concurrency", "2"}, noenv, &out, &errb)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errb.String(), "-strict: skipped: lookup/ambiguous, lookup/aire, lookup/not-resident")
}

func TestRunFailingEndpoint(t *testing.T) {
	// Nothing listens there: every case fails, exit status 1.
	l := httptest.NewServer(nil)
	addr := l.URL
	l.Close()
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"-url", addr + "/sad", "-timeout", "2s"}, noenv, &out, &errb)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errb.String(), "failed: lookup/found")
}
