package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunExtractSynthetic(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	csvPath := filepath.Join(dir, "r.csv")
	err := run(t.Context(), []string{"extract", "-n", "2", "-size", "256x256", "-csv", csvPath}, &out, &errb)
	require.NoError(t, err, "run extract: stderr %s", errb.String())
	assert.Contains(t, out.String(), "images 2, failed 0")
	assert.Contains(t, out.String(), "against ground truth (2 images)")
	assert.Contains(t, errb.String(), "2/2", "progress bar")
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	assert.Len(t, lines, 3, "CSV lines (header + 2)")
}

func TestRunFVC(t *testing.T) {
	data, err := defaultData()
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(data, "DB3_B")); err != nil {
		t.Skipf("FVC2002 data: %v", err)
	}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	err = run(t.Context(), []string{"fvc", "-sets", "DB3_B", "-fingers", "3", "-impressions", "3", "-out", dir, "-q"}, &out, &errb)
	require.NoError(t, err, "run fvc: stderr %s", errb.String())
	assert.Contains(t, out.String(), "| DB3_B | 0 |")
	for _, f := range []string{"det.png", "det.svg", "scores.csv"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Positive(t, st.Size(), f)
	}
	b, err := os.ReadFile(filepath.Join(dir, "scores.csv"))
	require.NoError(t, err)
	// 3 fingers × 3 genuine pairs + 3·9 impostor pairs + header.
	assert.Len(t, strings.Split(strings.TrimSpace(string(b)), "\n"), 1+9+27)
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"extract"}, {"extract", "-n", "1", "-size", "x"}, {"fvc", "-templates", "x"}} {
		var out, errb bytes.Buffer
		assert.Error(t, run(t.Context(), args, &out, &errb), "run(%q)", args)
	}
}
