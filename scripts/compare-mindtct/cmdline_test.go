package main

import (
	"errors"
	"flag"
	"io"
	"testing"
)

// TestCommandLine: -h is not an error (exit status 0) and a wrong flag is a
// flagError (exit status 2), whatever tools are installed.
func TestCommandLine(t *testing.T) {
	if err := run(t.Context(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
	var fe flagError
	if err := run(t.Context(), []string{"-no-such-flag"}, io.Discard, io.Discard); !errors.As(err, &fe) {
		t.Errorf("run(-no-such-flag) = %v, want a flagError", err)
	}
}
