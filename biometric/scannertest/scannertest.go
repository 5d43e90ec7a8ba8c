package scannertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/biometric"
)

// Lifter is an optional capability of a scanner under test, found by type
// assertion: a simulator or test double whose finger can be taken off the
// sensor. After Lift, captures wait for a finger that does not come (until
// their ctx ends); after Place, captures find a finger again. Real devices
// do not implement it; TestScanner then skips the no-finger checks.
type Lifter interface {
	Lift()
	Place()
}

// Bounds of what CheckCapture accepts as a sane impression.
const (
	// MinResolution and MaxResolution bound Capture.Resolution, in pixels
	// per inch (ISO/IEC 19794-4 images run from 250 ppi to 1000 ppi and
	// more; CIE workstation scanners deliver 500).
	MinResolution = 250
	MaxResolution = 2000
	// MinSideMilliInch and MaxSideMilliInch bound each side of the image,
	// in thousandths of an inch (pixels * 1000 / Resolution): from a small
	// embedded sensor (about 0.2 inch) to a four-finger slap (about 3.2).
	MinSideMilliInch = 200
	MaxSideMilliInch = 4000
)

// grace is how long after its ctx ends a failing capture may take to
// return: "promptly", with room for a loaded machine and the race
// detector.
const grace = 2 * time.Second

// noFingerWait is how long the no-finger checks wait for a finger.
const noFingerWait = 50 * time.Millisecond

// CheckCapture checks one successful capture of finger against the
// contract of [biometric.Scanner] and [biometric.Capture]: c and its Image
// are non-nil, the image is non-empty with a consistent Stride and Pix, each
// side measures [MinSideMilliInch] to [MaxSideMilliInch] thousandths of an
// inch at a Resolution of [MinResolution] to [MaxResolution] ppi, Finger
// equals finger, Quality is at most 100, Feedback is one of the defined
// values, and an impression with FeedbackGood is not a uniform image. It
// returns nil or an error joining (errors.Join) one error per violation; it
// does not modify c.
func CheckCapture(c *biometric.Capture, finger biometric.FingerPosition) error {
	if c == nil {
		return errors.New("capture is nil")
	}
	if c.Image == nil {
		return errors.New("capture image is nil")
	}
	var errs []error
	img := c.Image
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch {
	case b.Empty():
		errs = append(errs, fmt.Errorf("image bounds %v are empty", b))
	case img.Stride < w:
		errs = append(errs, fmt.Errorf("image stride %d is less than its width %d", img.Stride, w))
	case len(img.Pix) < (h-1)*img.Stride+w:
		errs = append(errs, fmt.Errorf("image Pix holds %d bytes, want at least %d for %dx%d with stride %d",
			len(img.Pix), (h-1)*img.Stride+w, w, h, img.Stride))
	}
	if c.Resolution < MinResolution || c.Resolution > MaxResolution {
		errs = append(errs, fmt.Errorf("resolution %d ppi outside %d..%d", c.Resolution, MinResolution, MaxResolution))
	} else if !b.Empty() {
		for _, side := range []struct {
			name string
			px   int
		}{{"width", w}, {"height", h}} {
			mi := side.px * 1000 / c.Resolution
			if mi < MinSideMilliInch || mi > MaxSideMilliInch {
				errs = append(errs, fmt.Errorf("image %s %d px at %d ppi is %d.%03d inch, want %d.%03d..%d.%03d",
					side.name, side.px, c.Resolution, mi/1000, mi%1000,
					MinSideMilliInch/1000, MinSideMilliInch%1000, MaxSideMilliInch/1000, MaxSideMilliInch%1000))
			}
		}
	}
	if c.Finger != finger {
		errs = append(errs, fmt.Errorf("finger position %d, want %d as asked", c.Finger, finger))
	}
	if c.Quality > 100 {
		errs = append(errs, fmt.Errorf("quality %d outside 0..100", c.Quality))
	}
	if c.Feedback > biometric.FeedbackPoor {
		errs = append(errs, fmt.Errorf("feedback %d is not a defined biometric.Feedback value", c.Feedback))
	}
	if len(errs) == 0 && c.Feedback.OK() && uniform(img.Pix, w, h, img.Stride) {
		errs = append(errs, errors.New("feedback good for a uniform image"))
	}
	return errors.Join(errs...)
}

func uniform(pix []byte, w, h, stride int) bool {
	first := pix[0]
	for y := range h {
		for _, p := range pix[y*stride : y*stride+w] {
			if p != first {
				return false
			}
		}
	}
	return true
}

// TestScanner runs the conformance suite for a [biometric.Scanner]. It
// calls newScanner at the start of each subtest; newScanner must return a
// scanner that is open, idle and has a finger available (for a simulator,
// a new one; for a real device, the same device, with a person ready to
// touch the sensor), and may register its cleanup with t.Cleanup. The
// subtests are:
//
//   - Capture: captures of RightIndex (twice) and FingerUnknown pass
//     [CheckCapture]; the first image is not changed by the second capture
//     (the caller owns it); finger positions 11 and 255 are either
//     rejected with an error or echoed.
//   - Context: a capture with an already cancelled or expired ctx fails
//     with an error matching ctx.Err(); captures whose ctx ends after 1, 10
//     and 50 ms, or is cancelled after 5 ms, either succeed or fail with an
//     error matching ctx.Err() within 2 s of its end (an error matching
//     [biometric.ErrNoFinger] must match ctx.Err() too, unless it came
//     before ctx ended: the device's own timeout); the scanner then
//     captures again.
//   - NoFinger, for a [Lifter]: with the finger lifted, a capture whose
//     ctx expires or is cancelled fails with an error matching both
//     [biometric.ErrNoFinger] and ctx.Err(); after Place it captures again.
//   - Closed, for an io.Closer: after Close, Capture fails with an error
//     matching [biometric.ErrDeviceGone] (not by waiting for its ctx).
//   - Concurrent: four simultaneous captures each succeed or fail with
//     [biometric.ErrScannerBusy], at least one succeeds, and the scanner
//     then captures again.
func TestScanner(t *testing.T, newScanner func(t *testing.T) biometric.Scanner) {
	t.Helper()
	t.Run("Capture", func(t *testing.T) { testCapture(t, newScanner(t)) })
	t.Run("Context", func(t *testing.T) { testContext(t, newScanner(t)) })
	t.Run("NoFinger", func(t *testing.T) { testNoFinger(t, newScanner(t)) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, newScanner(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newScanner(t)) })
}

// mustCapture captures finger with t's context and checks the result.
func mustCapture(t *testing.T, s biometric.Scanner, finger biometric.FingerPosition) *biometric.Capture {
	t.Helper()
	c, err := s.Capture(t.Context(), finger)
	if err != nil {
		t.Fatalf("Capture(%d): %v", finger, err)
	}
	if err := CheckCapture(c, finger); err != nil {
		t.Fatalf("Capture(%d) violates the contract: %v", finger, err)
	}
	return c
}

func testCapture(t *testing.T, s biometric.Scanner) {
	a := mustCapture(t, s, biometric.RightIndex)
	b := mustCapture(t, s, biometric.RightIndex)
	if a == b {
		t.Errorf("Capture returned the same *biometric.Capture twice")
	}
	// The caller owns the images: overwriting a must not change b, and a
	// third capture must not write into a.
	snapB := append([]byte(nil), b.Image.Pix...)
	for i := range a.Image.Pix {
		a.Image.Pix[i] ^= 0xA5
	}
	for i := range snapB {
		if b.Image.Pix[i] != snapB[i] {
			t.Errorf("writing into the first capture's image changed the second capture's image at Pix[%d]: the images share memory", i)
			break
		}
	}
	snapA := append([]byte(nil), a.Image.Pix...)
	mustCapture(t, s, biometric.FingerUnknown)
	for i := range snapA {
		if a.Image.Pix[i] != snapA[i] {
			t.Errorf("a later capture wrote into an earlier capture's image at Pix[%d]: the caller does not own it", i)
			break
		}
	}
	for _, p := range []biometric.FingerPosition{11, 255} {
		c, err := s.Capture(t.Context(), p)
		if err != nil {
			t.Logf("Capture(%d) = %v (the contract allows rejecting positions outside 0..10)", p, err)
			continue
		}
		if c == nil || c.Finger != p {
			got := "nil capture"
			if c != nil {
				got = fmt.Sprintf("Finger %d", c.Finger)
			}
			t.Errorf("Capture(%d) = %s, nil error; want the position echoed or an error", p, got)
		}
	}
}

// checkCtxResult checks the outcome of a capture whose ctx has ended by
// the time it returned (or may have): success is accepted, an error must
// match ctx.Err() and come within grace of ctx's end.
func checkCtxResult(t *testing.T, what string, ctx context.Context, c *biometric.Capture, err error, returned time.Time, ended func() time.Time) {
	t.Helper()
	if err == nil {
		t.Logf("%s: succeeded", what)
		if cerr := CheckCapture(c, biometric.RightIndex); cerr != nil {
			t.Errorf("%s: capture violates the contract: %v", what, cerr)
		}
		return
	}
	t.Logf("%s: %v", what, err)
	cerr := ctx.Err()
	if cerr == nil {
		// The device's own timeout may give up first (biometric.ErrNoFinger
		// allows it); any other early error is a device failure.
		if !errors.Is(err, biometric.ErrNoFinger) {
			t.Errorf("%s: error %v before its ctx ended, want success or an error matching ctx.Err() after it", what, err)
		}
		return
	}
	if !errors.Is(err, cerr) {
		t.Errorf("%s: error %v, want one matching ctx.Err() (%v)", what, err, cerr)
	}
	if end := ended(); returned.Sub(end) > grace {
		t.Errorf("%s: returned %v after its ctx ended, want within %v", what, returned.Sub(end).Round(time.Millisecond), grace)
	}
}

func testContext(t *testing.T, s biometric.Scanner) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	c, err := s.Capture(ctx, biometric.RightIndex)
	switch {
	case err == nil:
		t.Errorf("Capture(cancelled ctx) = %v, nil error; want an error matching context.Canceled", c)
	case !errors.Is(err, context.Canceled):
		t.Errorf("Capture(cancelled ctx) error = %v, want one matching context.Canceled", err)
	case time.Since(start) > grace:
		t.Errorf("Capture(cancelled ctx) took %v, want within %v", time.Since(start).Round(time.Millisecond), grace)
	}

	ctx, cancel = context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	start = time.Now()
	c, err = s.Capture(ctx, biometric.RightIndex)
	switch {
	case err == nil:
		t.Errorf("Capture(expired ctx) = %v, nil error; want an error matching context.DeadlineExceeded", c)
	case !errors.Is(err, context.DeadlineExceeded):
		t.Errorf("Capture(expired ctx) error = %v, want one matching context.DeadlineExceeded", err)
	case time.Since(start) > grace:
		t.Errorf("Capture(expired ctx) took %v, want within %v", time.Since(start).Round(time.Millisecond), grace)
	}

	for _, d := range []time.Duration{time.Millisecond, 10 * time.Millisecond, 50 * time.Millisecond} {
		deadline := time.Now().Add(d)
		ctx, cancel := context.WithDeadline(t.Context(), deadline)
		c, err := s.Capture(ctx, biometric.RightIndex)
		returned := time.Now()
		cancel()
		checkCtxResult(t, fmt.Sprintf("Capture(ctx with a %v deadline)", d), ctx, c, err, returned,
			func() time.Time { return deadline })
	}

	ctx, cancel = context.WithCancel(t.Context())
	var (
		mu       sync.Mutex
		canceled time.Time
	)
	timer := time.AfterFunc(5*time.Millisecond, func() {
		mu.Lock()
		canceled = time.Now()
		mu.Unlock()
		cancel()
	})
	c, err = s.Capture(ctx, biometric.RightIndex)
	returned := time.Now()
	timer.Stop()
	checkCtxResult(t, "Capture(ctx cancelled after 5ms)", ctx, c, err, returned, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return canceled
	})
	cancel()

	mustCapture(t, s, biometric.RightIndex)
}

func testNoFinger(t *testing.T, s biometric.Scanner) {
	l, ok := s.(Lifter)
	if !ok {
		t.Skip("the scanner does not implement scannertest.Lifter")
	}
	l.Lift()

	deadline := time.Now().Add(noFingerWait)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	_, err := s.Capture(ctx, biometric.RightIndex)
	returned := time.Now()
	cancel()
	checkNoFinger(t, "Capture(no finger, ctx deadline)", err, context.DeadlineExceeded, returned.Sub(deadline))

	ctx, cancel = context.WithCancel(t.Context())
	start := time.Now()
	timer := time.AfterFunc(noFingerWait, cancel)
	_, err = s.Capture(ctx, biometric.RightIndex)
	returned = time.Now()
	timer.Stop()
	cancel()
	// The cancel fired no earlier than start+noFingerWait.
	checkNoFinger(t, "Capture(no finger, ctx cancelled)", err, context.Canceled, returned.Sub(start.Add(noFingerWait)))

	l.Place()
	mustCapture(t, s, biometric.RightIndex)
}

func checkNoFinger(t *testing.T, what string, err, ctxErr error, late time.Duration) {
	t.Helper()
	if !errors.Is(err, biometric.ErrNoFinger) || !errors.Is(err, ctxErr) {
		t.Errorf("%s: error %v, want one matching biometric.ErrNoFinger and %v", what, err, ctxErr)
	}
	if late > grace {
		t.Errorf("%s: returned about %v after its ctx ended, want within %v", what, late.Round(time.Millisecond), grace)
	}
}

func testClosed(t *testing.T, s biometric.Scanner) {
	cl, ok := s.(io.Closer)
	if !ok {
		t.Skip("the scanner does not implement io.Closer")
	}
	if err := cl.Close(); err != nil {
		t.Logf("Close() = %v", err)
	}
	// A closed scanner must say so, not wait for a finger until ctx ends:
	// give it time enough for any device timeout, and a limit.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	c, err := s.Capture(ctx, biometric.RightIndex)
	switch {
	case err == nil:
		t.Errorf("Capture after Close = %+v, nil error; want an error matching biometric.ErrDeviceGone", c)
	case !errors.Is(err, biometric.ErrDeviceGone):
		t.Errorf("Capture after Close error = %v, want one matching biometric.ErrDeviceGone", err)
	}
}

func testConcurrent(t *testing.T, s biometric.Scanner) {
	const n = 4
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		caps  [n]*biometric.Capture
		errs  [n]error
	)
	for i := range n {
		wg.Go(func() {
			<-start
			caps[i], errs[i] = s.Capture(t.Context(), biometric.RightIndex)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i := range n {
		switch {
		case errs[i] == nil:
			ok++
			if err := CheckCapture(caps[i], biometric.RightIndex); err != nil {
				t.Errorf("concurrent Capture %d violates the contract: %v", i, err)
			}
		case !errors.Is(errs[i], biometric.ErrScannerBusy):
			t.Errorf("concurrent Capture %d error = %v, want success or one matching biometric.ErrScannerBusy", i, errs[i])
		}
	}
	if ok == 0 {
		t.Errorf("all %d concurrent captures failed, want at least one to succeed", n)
	}
	mustCapture(t, s, biometric.RightIndex)
}
