package scansim_test

import (
	"testing"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scannertest"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// The simulator passes the conformance suite every biometric.Scanner must
// pass, no-finger checks included (it implements scannertest.Lifter).
func TestConformance(t *testing.T) {
	w, h := 0, 0
	if testing.Short() {
		w, h = 160, 200 // rendering a full print takes seconds under the race detector
	}
	scannertest.TestScanner(t, func(*testing.T) biometric.Scanner {
		return scansim.New(scansim.Options{Seed: 5, Width: w, Height: h, Latency: 2 * time.Millisecond})
	})
}

var _ scannertest.Lifter = (*scansim.Scanner)(nil)
