package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/cli"
)

// TestCommandLine: -h exits 0 and a wrong flag 2, whatever tools are
// installed, and both print the flags (-driver among them) on stderr.
func TestCommandLine(t *testing.T) {
	for args, want := range map[string]int{"-h": cli.ExitOK, "-no-such-flag": cli.ExitUsage} {
		var stdout, stderr bytes.Buffer
		if got := cli.ExitCode(run(t.Context(), []string{args}, &stdout, &stderr)); got != want {
			t.Errorf("run(%s): exit status %d, want %d", args, got, want)
		}
		if !strings.Contains(stderr.String(), "-driver") {
			t.Errorf("run(%s) printed %q, want the usage with -driver", args, stderr.String())
		}
	}
}
