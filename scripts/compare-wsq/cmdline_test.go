package main

import (
	"io"
	"testing"

	"github.com/ciekit/ciekit/internal/cli"
)

// TestCommandLine: -h exits 0 and a wrong flag 2, whatever tools are installed.
func TestCommandLine(t *testing.T) {
	for args, want := range map[string]int{"-h": cli.ExitOK, "-no-such-flag": cli.ExitUsage} {
		if got := cli.ExitCode(run([]string{args}, io.Discard)); got != want {
			t.Errorf("run(%s): exit status %d, want %d", args, got, want)
		}
	}
}
