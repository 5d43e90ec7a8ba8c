package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
)

// shared returns the ANPR comuni archive of ../shared, or skips.
func shared(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "data", "anpr", cie.ANPRComuniFile))
	if err != nil {
		t.Skipf("ANPR archive absent: %v", err)
	}
	return b
}

// TestRun edits three rows of the real archive as ANPR would publish a
// new comune, a merger and a rename, and wants exactly those reported.
func TestRun(t *testing.T) {
	src := string(shared(t))
	edit := func(old, new string) {
		t.Helper()
		require.Equal(t, 1, strings.Count(src, old), "row to edit: %s", old)
		src = strings.Replace(src, old, new, 1)
	}
	// ABANO TERME (ID 1) ceases; VO' (ID 10999) is renamed; a new comune.
	edit(`1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","PD","A","PD","","2016-06-17",""`,
		`1,"1924-11-14","2025-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","","C","PD","","2026-01-02",""`)
	edit(`10999,"1866-11-19","9999-12-31","028105","M103","VO'","VO'","","",28,"028","05","PD","A","PD","","2016-06-17",""`,
		`10999,"1866-11-19","9999-12-31","028105","M103","VO' EUGANEO","VO' EUGANEO","","",28,"028","05","PD","A","PD","","2026-01-02",""`)
	src += `99999,"2026-01-01","9999-12-31","028999","M999","NUOVO COMUNE","NUOVO COMUNE","","",28,"028","05","PD","A","PD","","2026-01-02",""` + "\n"
	dir := t.TempDir()
	in := filepath.Join(dir, cie.ANPRComuniFile)
	require.NoError(t, os.WriteFile(in, []byte(src), 0o644))
	out := filepath.Join(dir, "places.tsv.gz")

	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"-comuni", in, "-o", out}, &stdout, &stderr)
	require.ErrorIs(t, err, errChanged)
	var code bytes.Buffer
	assert.Equal(t, cli.ExitFailure, cli.Report(&code, "anprdiff", err), "changes: exit status 1")
	assert.Empty(t, code.String(), "the changes are the report: no error line after them")
	got := stdout.String()
	for _, want := range []string{
		"loaded:   19542 records, snapshot 2026-01-02\n",
		"added    M999 NUOVO COMUNE (PD) from 2026-01-01\n",
		"ceased   A001 ABANO TERME (PD) on 2025-12-31\n",
		"renamed  M103 VO' (PD) -> VO' EUGANEO (PD) from 1866-11-19\n",
		"1 added, 1 ceased, 1 renamed, 0 moved, 0 revised, 0 removed\n",
	} {
		assert.Contains(t, got, want)
	}
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	tab, err := cie.ReadANPRFiles(in, "")
	require.NoError(t, err)
	var want bytes.Buffer
	_, err = tab.WriteTo(&want)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), written), "-o writes the loaded table in the embedded format")

	// The unchanged archive: no change.
	stdout.Reset()
	require.NoError(t, run(t.Context(), []string{"-comuni", filepath.Join("..", "..", "..", "..", "shared", "data", "anpr", cie.ANPRComuniFile)}, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "0 added, 0 ceased, 0 renamed, 0 moved, 0 revised, 0 removed\n")
}

func TestRunErrors(t *testing.T) {
	src := shared(t)
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.csv")
	require.NoError(t, os.WriteFile(cut, src[:len(src)/2], 0o644))
	out := filepath.Join(dir, "places.tsv.gz")
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"-comuni", cut, "-o", out}, &stdout, &stderr)
	require.ErrorIs(t, err, cie.ErrPlaceData)
	assert.Contains(t, err.Error(), "cut.csv line ")
	_, statErr := os.Stat(out)
	assert.True(t, os.IsNotExist(statErr), "nothing written on error")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "-comuni is required"},
		{[]string{"-nonsense"}, "flag provided but not defined: -nonsense"},
		{[]string{"-comuni", "x.csv", "extra"}, `unexpected arguments ["extra"]`},
	} {
		stdout.Reset()
		stderr.Reset()
		err = run(t.Context(), tc.args, &stdout, &stderr)
		assert.ErrorContains(t, err, tc.want, "run(%q)", tc.args)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), "run(%q): exit status", tc.args)
		assert.Empty(t, stdout.String()+stderr.String(), "run(%q) prints (main prints the error once)", tc.args)
	}
	stdout.Reset()
	stderr.Reset()
	err = run(t.Context(), []string{"-h"}, &stdout, &stderr)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, cli.ExitOK, cli.ExitCode(err), "-h exits 0")
	assert.Empty(t, stderr.String(), "-h prints on stdout")
	for _, want := range []string{"Usage: anprdiff -comuni", "Inputs:\n", "Examples:\n", "Exit status:\n  0  the files load and nothing changed\n  1  something changed"} {
		assert.Contains(t, stdout.String(), want)
	}
	err = run(t.Context(), []string{"-comuni", filepath.Join(dir, "absent.csv")}, &stdout, &stderr)
	assert.ErrorIs(t, err, os.ErrNotExist)
}
