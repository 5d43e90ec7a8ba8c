package biometric

import "math"

// Scores.
//
// A score is -10·log10 of the estimated false-match rate of a decision
// that accepts it: a score of 30 is passed by about one impostor pair in
// 1,000, 40 by about one in 10,000. The estimate is meant for a sensor
// the calibration has not seen (an upper prediction bound over sensors,
// see calibrate), so on sensors like those it was fitted on the rates are
// lower, and the genuine pairs rejected at a threshold more. Scores are 0
// for pairs that share no structure and grow without a fixed bound with
// the number of paired minutiae.
const (
	ThresholdFMR100   = 20.0 // false-match rate about 1 %
	ThresholdFMR1000  = 30.0 // false-match rate about 0.1 %
	ThresholdFMR10000 = 40.0 // false-match rate about 0.01 %
)

// FMR returns the false-match rate that the calibration assigns to a
// decision threshold equal to score: 10^(-score/10), capped at 1.
func FMR(score float64) float64 {
	if score <= 0 {
		return 1
	}
	return math.Pow(10, -score/10)
}

// calibrate maps a raw score to the false-match-rate scale through a
// piecewise-linear table of raw scores at which 10^-k of impostor pairs
// scored higher (k = 0, 0.5, 1, ...); beyond the table the last slope is
// extended.
//
// The table is meant to hold on a sensor it was not fitted on. It is
// fitted on FVC2002 DB1..4_B impostor pairs (all cross-finger pairs of our
// templates and of the reference ISO templates, 5,760 per set), treating
// the sensor as a random effect: for each k, the four sets' own quantiles
// are a sample of all sensors' quantiles, and the table holds the
// one-sided 95 % upper prediction bound for one more sensor's quantile
// (on the log scale: mean + t·sd·sqrt(1+1/n), t of Student's distribution
// with n-1 degrees of freedom), never less than the highest of the four.
// Fitted that way on three sets, the held-out fourth reaches at most
// 1.02 % false matches at ThresholdFMR100 and 0.000 % at ThresholdFMR1000
// (the highest quantile alone, the former rule: 1.86 % and 0.19 %). The
// price is paid on the sensors that are like the ones seen: there the
// thresholds are stricter than promised (0.04-0.14 % at ThresholdFMR100).
// Conditioning the raw score on the overlap's minutia counts, their
// quality weights or its area did not make the sets' impostor scores
// agree (TestDiagCalibrationCovariates). See
// TestMatchCalibrationLeaveOneSetOut and biometric/eval/RESULTS.md.
//
// Images degraded beyond FVC2002's (noise, wet skin) breed false minutiae
// that pair by chance, and their impostor scores exceed the promise: on
// the robustness sweep, with both prints degraded, 1.1-1.6 % pass
// ThresholdFMR100 under noise of σ 20-40 gray levels, 1.4 % with wet skin
// (ridges dilated 1 px), 4.3 % at 2 px. Prepare's weight floor
// (floorWeights) took noise σ 20 from 1.4 % to 1.1 %; chance-pair
// corrections that went further all cost FVC2002 DB3_B genuine pairs,
// whose weakest are between cluttered prints too (RESULTS.md, "late
// morning").
func calibrate(raw float64) float64 { return calibrateTable(calibRaw[:], raw) }

func calibrateTable(t []float64, raw float64) float64 {
	if raw <= t[0] {
		return 0
	}
	for k := 1; k < len(t); k++ {
		if raw <= t[k] {
			f := (raw - t[k-1]) / (t[k] - t[k-1])
			return 5 * (float64(k-1) + f)
		}
	}
	n := len(t) - 1
	slope := 5 / (t[n] - t[n-1])
	return 5*float64(n) + (raw-t[n])*slope
}

// calibRaw is fitted by TestMatchCalibrationLeaveOneSetOut (go test -run
// TestMatchCalibrationLeaveOneSetOut -v ./biometric prints a fresh table).
var calibRaw = [...]float64{0.013, 0.467, 0.798, 1.070, 1.369, 1.787, 2.150, 2.397, 2.498}
