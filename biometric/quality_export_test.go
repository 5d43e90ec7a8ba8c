package biometric

// QualityFeatures exposes the statistics behind the finger quality of the
// last image to the calibration tests: area (px), coherence, clarity,
// period share, minutiae count, mean minutia quality.
func (e *Extractor) QualityFeatures() [6]float64 {
	f := e.qf
	return [6]float64{float64(f.area), float64(f.coherence), float64(f.clarity), float64(f.period), float64(f.minutiae), float64(f.minQ)}
}
