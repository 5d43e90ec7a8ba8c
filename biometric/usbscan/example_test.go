package usbscan_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/usbscan"
)

func ExampleKnown() {
	for _, k := range usbscan.Known()[:2] {
		fmt.Printf("%v %q %s\n", k.ID, k.Driver, k.Name)
	}
	// Output:
	// 10c4:ea60 "grow-cp210x" Silicon Labs CP210x UART bridge (Grow R30x / ZFM / AS60x module kits)
	// 05ba:0007 "" DigitalPersona U.are.U 4000
}

// Capturing from the first supported scanner attached. This example needs
// hardware, so it has no output and only compiles.
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	devs, err := usbscan.Devices(ctx)
	if errors.Is(err, errors.ErrUnsupported) {
		fmt.Println("built without USB support")
		return
	}
	for _, d := range devs {
		if d.Driver == "" {
			continue
		}
		s, err := usbscan.Open(ctx, d, usbscan.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer s.Close()
		c, err := s.Capture(ctx, biometric.RightIndex)
		if errors.Is(err, biometric.ErrNoFinger) {
			fmt.Println("no finger placed in time")
			return
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.Image.Bounds(), c.Feedback)
		return
	}
}
