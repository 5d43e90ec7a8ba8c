package scannertest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scannertest"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// simSize returns the image size for the simulator: growing a master
// print is the slow part (seconds at 400x500 under the race detector), so
// -short uses a 160x200 sensor, which is still 0.32 x 0.4 inch at 500 ppi.
func simSize() (w, h int) {
	if testing.Short() {
		return 160, 200
	}
	return 0, 0 // scansim's default 400x500
}

func TestScanSimDefault(t *testing.T) {
	t.Parallel()
	w, h := simSize()
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner {
		return scansim.New(scansim.Options{Seed: 1, Width: w, Height: h})
	})
}

func TestScanSimLatency(t *testing.T) {
	t.Parallel()
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner {
		return newLiftableSim(scansim.Options{Seed: 2, Width: 160, Height: 200, Latency: 20 * time.Millisecond})
	})
}

func TestScanSimPoorFirst(t *testing.T) {
	t.Parallel()
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner {
		return scansim.New(scansim.Options{Seed: 3, Width: 160, Height: 200, Script: scansim.PoorFirst(3)})
	})
}

func TestScanSimResampled(t *testing.T) {
	t.Parallel()
	// A 569-ppi sensor like FVC2002 DB2's: the delivered image is larger
	// and its Resolution says so.
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner {
		return scansim.New(scansim.Options{Seed: 4, Width: 160, Height: 200, Resolution: 569})
	})
}

// liftableSim gives a scansim.Scanner the scannertest.Lifter capability,
// which scansim lacks: while lifted, captures go to a second simulator
// whose script is all NoFinger steps. The two share nothing else, so only
// the no-finger behaviour of scansim is tested through it.
type liftableSim struct {
	*scansim.Scanner
	empty *scansim.Scanner

	mu     sync.Mutex
	lifted bool
}

func newLiftableSim(opts scansim.Options) *liftableSim {
	empty := opts
	empty.Script = make([]scansim.Step, 64)
	for i := range empty.Script {
		empty.Script[i].NoFinger = true
	}
	return &liftableSim{Scanner: scansim.New(opts), empty: scansim.New(empty)}
}

func (s *liftableSim) Lift()  { s.setLifted(true) }
func (s *liftableSim) Place() { s.setLifted(false) }

func (s *liftableSim) setLifted(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifted = v
}

func (s *liftableSim) Capture(ctx context.Context, f biometric.FingerPosition) (*biometric.Capture, error) {
	s.mu.Lock()
	lifted := s.lifted
	s.mu.Unlock()
	if lifted {
		return s.empty.Capture(ctx, f)
	}
	return s.Scanner.Capture(ctx, f)
}

func (s *liftableSim) Close() error {
	s.empty.Close()
	return s.Scanner.Close()
}

var (
	_ scannertest.Lifter = (*liftableSim)(nil)
	_ biometric.Scanner  = (*liftableSim)(nil)
)
