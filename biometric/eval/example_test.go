package eval_test

import (
	"context"
	"fmt"
	"math"

	"github.com/ciekit/ciekit/biometric/eval"
)

// The error rates of a handful of scores.
func ExampleCompute() {
	genuine := []float64{35, 48, 52, 61, 70, 12}
	impostor := []float64{3, 8, 15, 5, 9, 2, 11, 4}
	r := eval.Compute(genuine, impostor)
	fmt.Printf("EER %.1f%%, ZeroFMR %.1f%%\n", 100*r.EER, 100*r.ZeroFMR)
	// Output:
	// EER 12.5%, ZeroFMR 16.7%
}

// Run drives the FVC protocol with any enrolment and matching functions;
// here a "template" is just a number near the finger's own value.
func ExampleRun() {
	enrol := func(s eval.Sample) (float64, bool, error) {
		if s.Finger == 3 && s.Impression == 5 {
			return 0, false, nil // a failure to enrol
		}
		return float64(s.Finger) + 0.01*float64(s.Impression), true, nil
	}
	match := func(a, b float64) float64 { return 100 - 10*math.Abs(a-b) }
	r, err := eval.Run(context.Background(), eval.Protocol{}, enrol, match)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d genuine, %d impostor scores, %d failure to enrol, EER %.2f%%\n", r.Genuine, r.Impostor, r.FTE, 100*r.EER)
	// Output:
	// 280 genuine, 45 impostor scores, 1 failure to enrol, EER 2.50%
}
