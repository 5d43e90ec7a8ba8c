package scansim_test

import (
	"context"
	"fmt"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// A workstation's capture loop: retry until the scanner is satisfied. The
// simulator is scripted to give two poor impressions first.
func Example_retry() {
	var s biometric.Scanner = scansim.New(scansim.Options{Seed: 1, Width: 200, Height: 250, Script: scansim.PoorFirst(2)})
	for attempt := 1; ; attempt++ {
		c, err := s.Capture(context.Background(), biometric.RightIndex)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("attempt %d: %v\n", attempt, c.Feedback)
		if c.Feedback.OK() {
			break
		}
	}
	// Output:
	// attempt 1: press harder or moisten the finger
	// attempt 2: place the finger flat and centred
	// attempt 3: good
}

func ExampleGenerate() {
	im := scansim.Generate(42, 240, 300)
	b := im.Image.Bounds()
	fmt.Println(b.Dx(), b.Dy(), len(im.Minutiae) > 20)
	t := im.Template()
	rec, err := t.MarshalISO()
	if err != nil {
		panic(err)
	}
	fmt.Println(len(rec) == 24+4+6*len(im.Minutiae)+2)
	// Output:
	// 240 300 true
	// true
}
