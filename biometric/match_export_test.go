package biometric

// RawScore exposes the uncalibrated score to the calibration test.
func RawScore(p *Probe, c *Prepared) float64 { return p.rawScore(c) }
