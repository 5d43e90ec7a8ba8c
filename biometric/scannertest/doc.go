// Package scannertest is the conformance suite for implementations of
// [biometric.Scanner], in the spirit of testing/fstest's TestFS and
// scard/scardtest's TestTransmitter. It imports testing and is meant for
// _test.go files.
//
// [TestScanner] holds every scanner (the biometric/scansim simulator, the
// biometric/usbscan driver over a recorded or emulated transport, a real
// device) to the contract written in the doc comment of
// [biometric.Scanner]:
//
//   - a capture is a non-nil 8-bit image of sane size, with a plausible
//     resolution, the finger position echoed, a quality in 0..100 and a
//     known [biometric.Feedback] ([CheckCapture] checks one capture);
//   - the returned image is owned by the caller: later captures do not
//     write into it;
//   - a cancelled or expired ctx ends a capture promptly with an error
//     matching ctx.Err(), and, when no finger is on the sensor, also
//     [biometric.ErrNoFinger];
//   - a closed scanner (one that implements io.Closer) fails with
//     [biometric.ErrDeviceGone];
//   - concurrent captures either wait for each other or fail with
//     [biometric.ErrScannerBusy], and the scanner keeps working.
//
// Scanners that can take the finger off the sensor on request (simulators
// and test doubles) implement [Lifter]; the suite then also checks the
// no-finger case, which it cannot provoke on a real device.
//
// # What the contract leaves open
//
// The suite does not require what [biometric.Scanner] does not say: it
// accepts any error type besides the sentinels it names, accepts or
// rejects finger positions outside 0..10 (but a capture that succeeds must
// echo them), does not tie Quality to Feedback (Quality 0 means unknown),
// accepts a capture that completes although its ctx expired meanwhile, and
// does not judge ridge polarity or image quality.
//
// One requirement is inferred rather than written: the interface doc does
// not say that Capture may be called from several goroutines at once, but
// [biometric.ErrScannerBusy] ("another capture is in progress") only makes
// sense if it may, and both implementations in this module document it;
// the Concurrent subtest holds scanners to that reading (run it with
// -race).
package scannertest
