package biometric

import (
	"context"
	"errors"
	"image"
)

// Scanner captures fingerprint images. It is the consumer-side interface
// the workstation and the examples accept; biometric/scansim (a simulator)
// and biometric/usbscan (USB devices) provide implementations, which
// return concrete types with more methods (Close, device information).
//
// Capture waits for a finger to be placed on the sensor, captures one
// impression and returns it with quality feedback. The finger position is
// a hint for the device and the simulator and is copied into the result;
// FingerUnknown is allowed. A poor impression is not an error: Capture
// returns it with [Capture.Feedback] saying what to tell the user, so that
// the caller can retry. Errors:
//   - ctx expiring while no finger is placed: an error matching both
//     [ErrNoFinger] and ctx.Err() (context.DeadlineExceeded or
//     context.Canceled);
//   - ctx expiring during a transfer: an error matching ctx.Err();
//   - the device unplugged or closed: [ErrDeviceGone];
//   - other device failures: implementation-specific errors.
type Scanner interface {
	Capture(ctx context.Context, finger FingerPosition) (*Capture, error)
}

// Capture is one fingerprint impression as a scanner delivers it.
type Capture struct {
	// Image is the 8-bit grayscale impression, dark ridges on a light
	// background, owned by the caller.
	Image *image.Gray
	// Resolution is the image resolution in pixels per inch (500 for the
	// CIE workstation scanners).
	Resolution int
	// Finger is the position asked for in Scanner.Capture.
	Finger FingerPosition
	// Quality is the device's or the driver's quality estimate, 0..100
	// (0 when unknown).
	Quality uint8
	// Feedback says whether the impression is usable and, if not, what the
	// user should change.
	Feedback Feedback
}

// Feedback is a scanner's verdict on an impression, meant to be shown to
// the person being enrolled.
type Feedback uint8

// Feedback values.
const (
	FeedbackGood     Feedback = iota // usable impression
	FeedbackTooLight                 // faint ridges: dry finger or too little pressure
	FeedbackTooDark                  // merged ridges: wet finger or too much pressure
	FeedbackPartial                  // too little of the finger on the sensor, or off-centre
	FeedbackMoved                    // smeared: the finger moved during capture
	FeedbackPoor                     // unusable for another or unknown reason
)

var feedbackText = [...]string{
	FeedbackGood:     "good",
	FeedbackTooLight: "press harder or moisten the finger",
	FeedbackTooDark:  "press lighter or dry the finger",
	FeedbackPartial:  "place the finger flat and centred",
	FeedbackMoved:    "keep the finger still",
	FeedbackPoor:     "poor impression, try again",
}

// String returns a short English instruction for the user ("good" for
// FeedbackGood).
func (f Feedback) String() string {
	if int(f) < len(feedbackText) {
		return feedbackText[f]
	}
	return "unknown feedback"
}

// OK reports whether f is FeedbackGood.
func (f Feedback) OK() bool { return f == FeedbackGood }

// Scanner errors. Implementations wrap them with details; callers test
// them with errors.Is.
var (
	// ErrNoFinger means no finger was placed before the capture gave up
	// (the context expired, or the device's own timeout fired).
	ErrNoFinger = errors.New("biometric: no finger on the scanner")
	// ErrDeviceGone means the scanner was unplugged or closed.
	ErrDeviceGone = errors.New("biometric: scanner disconnected")
	// ErrScannerBusy means another capture is in progress on the device.
	ErrScannerBusy = errors.New("biometric: scanner busy")
)
