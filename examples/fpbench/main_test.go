package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunExtractSynthetic(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	csvPath := filepath.Join(dir, "r.csv")
	err := run(t.Context(), []string{"extract", "-n", "3", "-size", "256x256", "-workers", "2", "-latency", "2", "-csv", csvPath}, &out, &errb)
	require.NoError(t, err, "run extract: stderr %s", errb.String())
	assert.Contains(t, out.String(), "images 3, failed 0")
	assert.Contains(t, out.String(), "single-thread latency (2 prints")
	assert.Contains(t, out.String(), "batch on 2 workers")
	assert.Contains(t, out.String(), "prints/s per core")
	assert.Contains(t, out.String(), "against ground truth (3 images)")
	assert.Contains(t, errb.String(), "3/3", "progress report")
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	assert.Len(t, lines, 4, "CSV lines (header + 3)")
	assert.NotContains(t, lines[1], "synthetic-0", "rows in input order from seed 1")
}

// fvcData returns the FVC2002 folder, skipping t when it (or one of sets)
// is not on this machine.
func fvcData(t *testing.T, sets ...string) string {
	t.Helper()
	data, err := defaultData()
	if err != nil {
		t.Skipf("FVC2002 data: %v", err)
	}
	for _, set := range sets {
		if _, err := os.Stat(filepath.Join(data, set)); err != nil {
			t.Skipf("FVC2002 data: %v", err)
		}
	}
	return data
}

func TestRunFVC(t *testing.T) {
	fvcData(t, "DB3_B")
	dir := t.TempDir()
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"fvc", "-sets", "DB3_B", "-fingers", "3", "-impressions", "3", "-out", dir, "-q"}, &out, &errb)
	require.NoError(t, err, "run fvc: stderr %s", errb.String())
	assert.Contains(t, out.String(), "| DB3_B | 0 |")
	for _, f := range []string{"det.png", "det.svg", "scores.csv"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Positive(t, st.Size(), f)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "det.svg"))
	require.NoError(t, err)
	assert.Contains(t, string(svg), "FVC2002 B sets: ours templates", "DET title")
	assert.Contains(t, string(svg), "DB3_B", "DET legend")
	b, err := os.ReadFile(filepath.Join(dir, "scores.csv"))
	require.NoError(t, err)
	// 3 fingers × 3 genuine pairs + 3·9 impostor pairs + header.
	assert.Len(t, strings.Split(strings.TrimSpace(string(b)), "\n"), 1+9+27)
}

// TestExitCodes: -h exits 0 with the usage, an example and the exit codes
// on stdout; command-line mistakes exit 2; failures exit 1.
func TestExitCodes(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"extract", "-h"}, {"fvc", "-h"}, {"xyt", "-h"}, {"rates", "-h"}} {
		var out, errb bytes.Buffer
		err := run(t.Context(), args, &out, &errb)
		assert.Equal(t, 0, exitCode(err, &errb), "exit status of fpbench %q", args)
		assert.Contains(t, out.String(), "usage", "fpbench %q", args)
		assert.Contains(t, out.String(), "example", "fpbench %q", args)
		assert.Contains(t, out.String(), "exit status: 0 success, 1 failure, 2 usage error", "fpbench %q", args)
		assert.NotContains(t, errb.String(), "help requested", "fpbench %q", args)
	}
	for _, args := range [][]string{nil, {"nope"}, {"-x"}, {"extract"}, {"extract", "-n", "1", "-size", "x"}, {"extract", "-bogus"},
		{"extract", "-n", "1", "-workers", "0"}, {"fvc", "-templates", "x"}, {"fvc", "-fingers", "1"}, {"fvc", "-ppi", "DB2_B"}, {"xyt"}, {"rates"}, {"fvc", "stray"}} {
		var out, errb bytes.Buffer
		err := run(t.Context(), args, &out, &errb)
		require.Error(t, err, "fpbench %q", args)
		assert.Equal(t, 2, exitCode(err, &errb), "exit status of fpbench %q (%v)", args, err)
		assert.Equal(t, 1, strings.Count(errb.String(), err.Error()), "fpbench %q: error printed once", args)
	}
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"extract", "-dir", t.TempDir()}, &out, &errb)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err, &errb), "exit status of a failure (empty folder)")
	assert.Equal(t, 0, exitCode(flag.ErrHelp, &errb))
}

// TestFingersHelp: -fingers and -impressions say what they select.
func TestFingersHelp(t *testing.T) {
	var out, errb bytes.Buffer
	require.ErrorIs(t, run(t.Context(), []string{"fvc", "-h"}, &out, &errb), flag.ErrHelp)
	assert.Contains(t, out.String(), "how many fingers of each set to use, 2..100: N finger numbers from the first")
	assert.Contains(t, out.String(), "1 in its A sets")
	assert.Contains(t, out.String(), "how many impressions of each finger to use")
}

// TestProgressPlain: a progress report on something that is not a terminal
// writes plain lines, never carriage returns, at most one per interval
// plus the final one.
func TestProgressPlain(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 1000, "extract")
	require.False(t, p.live, "a bytes.Buffer is not a terminal")
	p.interval = time.Hour
	for range 1000 {
		p.add(1)
	}
	assert.NotContains(t, b.String(), "\r")
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 2, "first line and final line: %q", b.String())
	assert.True(t, strings.HasPrefix(lines[1], "extract: 1000/1000 (100%"), lines[1])
	var nilp *progress
	nilp.add(1) // no report: no panic
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, newProgress(f, 1, "x").live, "a regular file is not a terminal")
}

// TestDefaultDataAnywhere: the default FVC folder is found from outside
// the module (via the program's source location), and the variable
// overrides it.
func TestDefaultDataAnywhere(t *testing.T) {
	t.Chdir(t.TempDir())
	d, err := defaultData()
	if err != nil {
		assert.Contains(t, err.Error(), "pass -data DIR", "the error says what to pass")
		t.Skipf("no FVC2002 data on this machine: %v", err)
	}
	_, err = os.Stat(filepath.Join(d, "DB1_B"))
	assert.NoError(t, err, "defaultData() = %s", d)
	t.Setenv(dataEnv, "/somewhere/else")
	d, err = defaultData()
	require.NoError(t, err)
	assert.Equal(t, "/somewhere/else", d)
}
