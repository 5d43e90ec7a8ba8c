package scansim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ciekit/ciekit/biometric"
)

// Default image size of a [Scanner], in pixels at 500 ppi.
const (
	DefaultWidth  = 400
	DefaultHeight = 500
)

// Options configures a [Scanner]. The zero value is valid.
type Options struct {
	// Seed selects the simulated person: the same seed gives the same
	// fingers and the same sequence of captures.
	Seed uint64
	// Width and Height are the size in pixels of the 500-ppi image the
	// simulator renders; zero means 400 x 500.
	Width, Height int
	// Resolution, when not zero or 500, is the resolution in pixels per
	// inch the captures are resampled to (250..1000): a 569-ppi scanner
	// like FVC2002 DB2's, for instance. The delivered image is then
	// Width*Resolution/500 pixels wide.
	Resolution int
	// Latency is how long each capture takes (the finger placement and
	// the sensor read-out); zero means none. Capture honours ctx during it.
	Latency time.Duration
	// Script lists what the first captures do, one step per capture, in
	// order; captures after the script are natural, usable impressions.
	Script []Step
	// Ideal makes unscripted captures use the zero Condition (upright,
	// centred, full contact, no noise) instead of NaturalCondition.
	Ideal bool
}

// Step scripts one capture of a [Scanner].
type Step struct {
	// Err, when non-nil, is returned by the capture (after the latency)
	// instead of an image: biometric.ErrDeviceGone, a custom error...
	Err error
	// NoFinger makes the capture wait for a finger that never comes: it
	// returns an error matching biometric.ErrNoFinger and ctx.Err() when
	// ctx ends.
	NoFinger bool
	// Feedback, when not FeedbackGood, makes the capture a poor impression
	// earning that feedback (see PoorCondition).
	Feedback biometric.Feedback
}

// PoorFirst returns a script in which the first n captures are poor
// impressions, cycling through too light, partial, too dark and moved:
// the workstation's retry path.
func PoorFirst(n int) []Step {
	kinds := []biometric.Feedback{biometric.FeedbackTooLight, biometric.FeedbackPartial,
		biometric.FeedbackTooDark, biometric.FeedbackMoved}
	s := make([]Step, n)
	for i := range s {
		s[i].Feedback = kinds[i%len(kinds)]
	}
	return s
}

// Scanner is a simulated fingerprint scanner. It implements
// [biometric.Scanner]: each finger position has its own master pattern
// (built on first use and cached), and every capture renders a new
// impression of it.
//
// A Scanner is safe for concurrent use by multiple goroutines; like a
// device it serves one capture at a time, and a capture started while
// another is running fails with [biometric.ErrScannerBusy].
type Scanner struct {
	opts Options

	busy sync.Mutex // held during a capture

	mu      sync.Mutex // guards the fields below
	fingers map[biometric.FingerPosition]*Finger
	n       int // captures started
	closed  bool
	lifted  chan struct{} // non-nil while the finger is off the sensor; Place closes it
}

var _ biometric.Scanner = (*Scanner)(nil)

// New returns a simulated scanner.
func New(opts Options) *Scanner {
	if opts.Width <= 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height <= 0 {
		opts.Height = DefaultHeight
	}
	return &Scanner{opts: opts, fingers: map[biometric.FingerPosition]*Finger{}}
}

// Finger returns the master pattern of finger position p: the ground
// truth behind every capture of that finger.
func (s *Scanner) Finger(p biometric.FingerPosition) *Finger {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fingerLocked(p)
}

func (s *Scanner) fingerLocked(p biometric.FingerPosition) *Finger {
	f, ok := s.fingers[p]
	if !ok {
		f = NewFinger(mix(s.opts.Seed, uint64(p)+1), s.opts.Width, s.opts.Height)
		s.fingers[p] = f
	}
	return f
}

// Captures returns the number of captures started so far.
func (s *Scanner) Captures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Close disconnects the simulated device: later captures fail with
// [biometric.ErrDeviceGone]. It always returns nil.
func (s *Scanner) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Lift takes the finger off the sensor: captures then wait for it (until
// their ctx ends, with an error matching [biometric.ErrNoFinger]) until
// [Scanner.Place]. It implements scannertest.Lifter.
func (s *Scanner) Lift() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lifted == nil {
		s.lifted = make(chan struct{})
	}
}

// Place puts the finger back on the sensor; a waiting capture goes on.
func (s *Scanner) Place() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lifted != nil {
		close(s.lifted)
		s.lifted = nil
	}
}

// Capture implements [biometric.Scanner]: see [Scanner.CaptureImpression].
func (s *Scanner) Capture(ctx context.Context, finger biometric.FingerPosition) (*biometric.Capture, error) {
	im, err := s.CaptureImpression(ctx, finger)
	if err != nil {
		return nil, err
	}
	return im.Capture(), nil
}

// CaptureImpression captures finger and returns the impression with its
// ground truth. It follows the script, waits for the latency, and renders
// a natural (or, with Options.Ideal, ideal) impression. Errors:
// [biometric.ErrDeviceGone] after Close; [biometric.ErrScannerBusy] while
// another capture runs; an error matching ctx.Err() if ctx ends during the
// latency, also matching [biometric.ErrNoFinger] for a NoFinger step or
// while the finger is lifted ([Scanner.Lift]); a scripted Err; an error
// for an invalid finger position.
func (s *Scanner) CaptureImpression(ctx context.Context, finger biometric.FingerPosition) (*Impression, error) {
	if !finger.Valid() {
		return nil, fmt.Errorf("scansim: finger position %d out of range 0..10", finger)
	}
	if !s.busy.TryLock() {
		return nil, biometric.ErrScannerBusy
	}
	defer s.busy.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, biometric.ErrDeviceGone
	}
	idx := s.n
	s.n++
	var step Step
	if idx < len(s.opts.Script) {
		step = s.opts.Script[idx]
	}
	lifted := s.lifted
	s.mu.Unlock()

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if lifted != nil {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", biometric.ErrNoFinger, ctx.Err())
		case <-lifted:
		}
	}
	if step.NoFinger {
		<-ctx.Done()
		return nil, fmt.Errorf("%w: %w", biometric.ErrNoFinger, ctx.Err())
	}
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if step.Err != nil {
		return nil, step.Err
	}
	s.mu.Lock()
	f := s.fingerLocked(finger)
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, biometric.ErrDeviceGone
	}
	seed := mix(s.opts.Seed, uint64(finger)<<32|uint64(idx))
	var c Condition
	switch {
	case step.Feedback != biometric.FeedbackGood:
		c = PoorCondition(step.Feedback, seed)
	case !s.opts.Ideal:
		c = NaturalCondition(seed)
	}
	im := f.Impress(c, seed)
	if s.opts.Resolution != 0 && s.opts.Resolution != im.Resolution {
		im = im.Resample(s.opts.Resolution)
	}
	im.Finger = finger
	return im, nil
}

// Generate returns a natural impression of a new finger drawn from seed, in
// a width x height image (zero means 400 x 500): the one-call way to get a
// synthetic print with ground truth.
func Generate(seed uint64, width, height int) *Impression {
	if width <= 0 {
		width = DefaultWidth
	}
	if height <= 0 {
		height = DefaultHeight
	}
	return NewFinger(seed, width, height).Impress(NaturalCondition(seed), seed)
}

// mix derives a seed from two values (SplitMix64 finaliser).
func mix(a, b uint64) uint64 {
	z := a + 0x9e3779b97f4a7c15*(b+1)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
