package main

import (
	"image"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/internal/amfm"
)

// synthPrint is a synthetic fingerprint with exact ground truth.
type synthPrint struct {
	img   *image.Gray
	truth []biometric.Minutia
}

// synthAMFM renders an AM-FM fingerprint with exact ground truth, the same
// prints as biometric's tests (internal/amfm).
func synthAMFM(seed uint64, w, h, n int, period, noise float64) synthPrint {
	img, planted := amfm.Generate(seed, w, h, n, period, noise)
	truth := make([]biometric.Minutia, len(planted))
	for i, m := range planted {
		truth[i] = biometric.Minutia{X: m.X, Y: m.Y, Angle: m.Angle}
	}
	return synthPrint{img: img, truth: truth}
}
