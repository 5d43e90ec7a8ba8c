package eval

import (
	"math"
	"slices"
)

// Fold is one round of a leave-one-set-out evaluation: tune on the Train
// sets, report on the Test set. Sets are numbered 0..n-1.
type Fold struct {
	Test  int
	Train []int
}

// LeaveOneOut returns the n folds of a leave-one-set-out evaluation over n
// sets (n ≥ 2): fold k holds set k out and trains on the others. Anything
// fitted (thresholds, calibration tables, parameters) must be fitted on
// Train only, and the figure reported for a set is the one from the fold
// that held it out. It returns nil for n < 2.
func LeaveOneOut(n int) []Fold {
	if n < 2 {
		return nil
	}
	fs := make([]Fold, n)
	for k := range fs {
		fs[k].Test = k
		for j := range n {
			if j != k {
				fs[k].Train = append(fs[k].Train, j)
			}
		}
	}
	return fs
}

// FMRAt returns the share of impostor scores at or above threshold (the
// false-match rate of accepting scores ≥ threshold), or NaN with no
// scores.
func FMRAt(impostor []float64, threshold float64) float64 {
	if len(impostor) == 0 {
		return math.NaN()
	}
	n := 0
	for _, s := range impostor {
		if s >= threshold {
			n++
		}
	}
	return float64(n) / float64(len(impostor))
}

// FNMRAt returns the share of genuine scores below threshold, or NaN with
// no scores.
func FNMRAt(genuine []float64, threshold float64) float64 {
	if len(genuine) == 0 {
		return math.NaN()
	}
	n := 0
	for _, s := range genuine {
		if s < threshold {
			n++
		}
	}
	return float64(n) / float64(len(genuine))
}

// Quantile returns the score that a share fmr (0 < fmr ≤ 1) of the
// scores reach or exceed: the threshold at which accepting scores ≥ it
// gives a false-match rate of about fmr on these impostor scores. The
// scores need not be sorted; s is not modified. It returns NaN for no
// scores.
func Quantile(scores []float64, fmr float64) float64 {
	if len(scores) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(scores))
	i := int(float64(len(s)) * (1 - fmr))
	return s[min(max(i, 0), len(s)-1)]
}
