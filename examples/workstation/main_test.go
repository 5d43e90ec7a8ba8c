package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/cie"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-issue", "2026-11-23"}, &out, &errOut))
	got := out.String()
	for _, want := range []string{
		"ROSSI", "Rossi Bianca",
		"Code:                      RSSBNC64T70H501",
		"Expires:                   30.12.2035", // last birthday within 10 years (adult, issued after 2022-09-19)
		"valid for travel abroad",
		"C<ITACA00000AA4<<<<<<<<<<<<<<<",
		"ROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
		"16.79", "22.21", "27.37",
	} {
		assert.Contains(t, got, want, "run output")
	}
	// The MRZ in the report parses and carries the computed expiry.
	var mrz []string
	for _, l := range strings.Split(got, "\n") {
		if l = strings.TrimSpace(l); len(l) == 30 && strings.Count(l, "<") > 0 && !strings.Contains(l, " ") {
			mrz = append(mrz, l)
		}
	}
	require.Len(t, mrz, 3, "MRZ lines in the report")
	m, err := cie.ParseMRZ(strings.Join(mrz, "\n"))
	require.NoError(t, err)
	assert.Equal(t, "351230", m.Expiry)
	assert.Empty(t, errOut.String())
}

var update = flag.Bool("update", false, "rewrite testdata/report.golden")

// TestRunGolden compares the whole report with testdata/report.golden
// (go test ./examples/workstation -update rewrites it).
func TestRunGolden(t *testing.T) {
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-issue", "2026-11-23"}, &out, &errOut))
	golden := filepath.Join("testdata", "report.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String(), "run report differs from %s (rerun with -update if intended)", golden)
}

func TestRunFlags(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-issue", "23/11/2026"}, &out, &errOut)
	require.Error(t, err)
	err = run(context.Background(), []string{"-umlauts", "x"}, &out, &errOut)
	require.Error(t, err)
	err = run(context.Background(), []string{"-h"}, &out, &errOut)
	require.ErrorIs(t, err, flag.ErrHelp)
	err = run(context.Background(), []string{"extra"}, &out, &errOut)
	require.Error(t, err)
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	require.ErrorIs(t, run(ctx, nil, &out, &errOut), context.Canceled)
}
