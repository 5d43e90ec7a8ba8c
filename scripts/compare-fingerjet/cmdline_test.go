package main

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/internal/cli"
)

// TestCommandLine: the flags are checked before any tool is looked for: a
// wrong flag exits 2, printed once with the usage (-fjfx among the flags).
func TestCommandLine(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"-reps", "many"}, &bytes.Buffer{}, &stderr)
	if got := cli.ExitCode(err); got != cli.ExitUsage {
		t.Errorf("run(-reps many): exit status %d (%v), want 2", got, err)
	}
	out := stderr.Bytes()
	if bytes.Count(out, []byte(`invalid value "many"`)) != 1 || !bytes.Contains(out, []byte("-fjfx")) {
		t.Errorf("run(-reps many) printed %q, want the problem once and the usage", out)
	}
}
