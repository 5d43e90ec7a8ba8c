package scannertest_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scannertest"
)

// fake is a small hand-written scanner that follows the contract unless
// told to break one rule (bug). It draws a striped 200x250 image, so the
// suite's own behaviour can be tested without the cost of scansim.
type fake struct {
	bug string

	busy sync.Mutex

	mu     sync.Mutex
	lifted bool
	closed bool
	shared *image.Gray // for bug "shared-image"

	ignored bool // for bug "ignore-ctx"; guarded by busy
}

func (f *fake) Lift()  { f.mu.Lock(); f.lifted = true; f.mu.Unlock() }
func (f *fake) Place() { f.mu.Lock(); f.lifted = false; f.mu.Unlock() }

func (f *fake) Close() error {
	if f.bug != "close-noop" {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
	}
	return nil
}

func (f *fake) Capture(ctx context.Context, finger biometric.FingerPosition) (*biometric.Capture, error) {
	if !f.busy.TryLock() {
		if f.bug == "busy-error" {
			return nil, errors.New("fake: in use")
		}
		return nil, biometric.ErrScannerBusy
	}
	defer f.busy.Unlock()
	f.mu.Lock()
	lifted, closed := f.lifted, f.closed
	f.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("fake: %w", biometric.ErrDeviceGone)
	}
	if lifted {
		<-ctx.Done()
		if f.bug == "no-finger-bare" {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("fake: %w: %w", biometric.ErrNoFinger, ctx.Err())
	}
	wait := 20 * time.Millisecond
	ignoreCtx := f.bug == "ignore-ctx" && !f.ignored // once, to keep the child quick
	if ignoreCtx {
		f.ignored = true
		wait = 2500 * time.Millisecond // beyond the suite's 2 s grace
	}
	t := time.NewTimer(wait)
	select {
	case <-t.C:
	case <-ctx.Done():
		if ignoreCtx {
			<-t.C // finish the read-out, then report the ctx error late
			return nil, fmt.Errorf("fake: late: %w", ctx.Err())
		}
		t.Stop()
		if f.bug == "ctx-unwrapped" {
			return nil, errors.New("fake: capture interrupted")
		}
		return nil, fmt.Errorf("fake: read-out: %w", ctx.Err())
	}
	img := image.NewGray(image.Rect(0, 0, 200, 250))
	if f.bug == "shared-image" {
		f.mu.Lock()
		if f.shared == nil {
			f.shared = img
		}
		img = f.shared
		f.mu.Unlock()
	}
	for i := range img.Pix {
		img.Pix[i] = byte(40 + 180*((i/5)%2))
	}
	c := &biometric.Capture{Image: img, Resolution: 500, Finger: finger, Quality: 80}
	if f.bug == "wrong-finger" {
		c.Finger = biometric.FingerUnknown
	}
	return c, nil
}

func TestFakeConforms(t *testing.T) {
	t.Parallel()
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner { return &fake{} })
}

// TestSuiteCatches runs the suite on fakes that each break one rule, in a
// child process (a failing suite fails its *testing.T, which cannot be
// observed in-process), and checks that the suite fails with the message
// naming the broken rule.
func TestSuiteCatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bug, subtest, want string
	}{
		{"wrong-finger", "Capture", "finger position 0, want 2 as asked"},
		{"shared-image", "Capture", "the images share memory"},
		{"ctx-unwrapped", "Context", "want one matching ctx.Err()"},
		{"ignore-ctx", "Context", "want within 2s"},
		{"no-finger-bare", "NoFinger", "want one matching biometric.ErrNoFinger"},
		{"close-noop", "Closed", "want an error matching biometric.ErrDeviceGone"},
		{"busy-error", "Concurrent", "want success or one matching biometric.ErrScannerBusy"},
	} {
		t.Run(tc.bug, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBrokenFake$/^"+tc.subtest+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), "SCANNERTEST_BUG="+tc.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("suite passed a fake with bug %q, want a %s failure:\n%s", tc.bug, tc.subtest, out)
			}
			if !strings.Contains(string(out), "--- FAIL: TestBrokenFake/"+tc.subtest) || !strings.Contains(string(out), tc.want) {
				t.Errorf("suite on a fake with bug %q: output lacks a %s failure with %q:\n%s", tc.bug, tc.subtest, tc.want, out)
			}
		})
	}
}

// TestBrokenFake is the child process of TestSuiteCatches.
func TestBrokenFake(t *testing.T) {
	bug := os.Getenv("SCANNERTEST_BUG")
	if bug == "" {
		t.Skip("run by TestSuiteCatches")
	}
	scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner { return &fake{bug: bug} })
}
