package biometric

// RawScore exposes the uncalibrated score to the calibration test.
func RawScore(p *Probe, c *Prepared) float64 { return p.rawScore(c) }

// CalibrateWith maps raw through the calibration table tab, as the
// matcher does with calibRaw.
func CalibrateWith(tab []float64, raw float64) float64 { return calibrateTable(tab, raw) }
