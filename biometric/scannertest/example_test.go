package scannertest_test

import (
	"context"
	"fmt"
	"image"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scannertest"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// CheckCapture holds one capture to the contract; TestScanner applies it
// to every capture it makes. In a test, a new scanner is checked with
//
//	func TestMyScanner(t *testing.T) {
//		scannertest.TestScanner(t, func(t *testing.T) biometric.Scanner {
//			return myscan.New(myscan.Options{})
//		})
//	}
func ExampleCheckCapture() {
	s := scansim.New(scansim.Options{Seed: 1, Width: 160, Height: 200})
	c, err := s.Capture(context.Background(), biometric.LeftIndex)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scannertest.CheckCapture(c, biometric.LeftIndex))

	// A capture no scanner should deliver: a 50-pixel square, the wrong
	// finger, a quality above 100.
	bad := &biometric.Capture{
		Image:      image.NewGray(image.Rect(0, 0, 50, 50)),
		Resolution: 500,
		Finger:     biometric.RightThumb,
		Quality:    120,
	}
	fmt.Println(scannertest.CheckCapture(bad, biometric.LeftIndex))
	// Output:
	// <nil>
	// image width 50 px at 500 ppi is 0.100 inch, want 0.200..4.000
	// image height 50 px at 500 ppi is 0.100 inch, want 0.200..4.000
	// finger position 1, want 7 as asked
	// quality 120 outside 0..100
}
