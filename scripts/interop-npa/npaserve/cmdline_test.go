package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/cli"
)

// TestCommandLine: a wrong flag exits 2 after the flag package printed it
// once with the usage; -h exits 0 (as every ciekit command).
func TestCommandLine(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"-addr"}, &bytes.Buffer{}, &stderr)
	if cli.ExitCode(err) != cli.ExitUsage || strings.Count(stderr.String(), "-addr") < 2 {
		t.Errorf("run(-addr) = %v, printed %q; want exit status 2, the problem and the usage", err, stderr.String())
	}
	if code := cli.ExitCode(run(t.Context(), []string{"-help"}, &bytes.Buffer{}, &bytes.Buffer{})); code != cli.ExitOK {
		t.Errorf("run(-help): exit status %d, want 0", code)
	}
}
