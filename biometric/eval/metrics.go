package eval

import (
	"math"
	"slices"
)

// Rates are the FVC error rates of a set of scores, as fractions (0.05
// is 5 %).
type Rates struct {
	Genuine, Impostor int     // number of scores
	EER               float64 // equal error rate
	EERThreshold      float64 // threshold at the EER
	FMR100            float64 // lowest FNMR with FMR ≤ 1 %
	FMR1000           float64 // lowest FNMR with FMR ≤ 0.1 %
	ZeroFMR           float64 // lowest FNMR with FMR = 0
}

// Point is one threshold on a DET curve.
type Point struct {
	Threshold, FMR, FNMR float64
}

// Curve returns FMR and FNMR at every distinct score used as a threshold
// (accept when score ≥ threshold), by increasing threshold, starting with
// FMR = 1 at the lowest score and ending with FMR = 0.
func Curve(genuine, impostor []float64) []Point {
	g := slices.Sorted(slices.Values(genuine))
	im := slices.Sorted(slices.Values(impostor))
	ts := append(slices.Clone(g), im...)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	ts = append(ts, math.Inf(1))
	pts := make([]Point, 0, len(ts))
	gi, ii := 0, 0
	for _, t := range ts {
		for gi < len(g) && g[gi] < t {
			gi++
		}
		for ii < len(im) && im[ii] < t {
			ii++
		}
		p := Point{Threshold: t}
		if len(im) > 0 {
			p.FMR = float64(len(im)-ii) / float64(len(im))
		}
		if len(g) > 0 {
			p.FNMR = float64(gi) / float64(len(g))
		}
		pts = append(pts, p)
	}
	return pts
}

// Compute returns the error rates of the genuine and impostor scores.
// With no scores on one side, the rates are NaN.
func Compute(genuine, impostor []float64) Rates {
	r := Rates{Genuine: len(genuine), Impostor: len(impostor)}
	if len(genuine) == 0 || len(impostor) == 0 {
		nan := math.NaN()
		r.EER, r.EERThreshold, r.FMR100, r.FMR1000, r.ZeroFMR = nan, nan, nan, nan, nan
		return r
	}
	pts := Curve(genuine, impostor)
	r.FMR100, r.FMR1000, r.ZeroFMR = 1, 1, 1
	for _, p := range pts {
		if p.FMR <= 0.01 {
			r.FMR100 = min(r.FMR100, p.FNMR)
		}
		if p.FMR <= 0.001 {
			r.FMR1000 = min(r.FMR1000, p.FNMR)
		}
		if p.FMR == 0 {
			r.ZeroFMR = min(r.ZeroFMR, p.FNMR)
		}
	}
	// EER: FMR falls and FNMR rises with the threshold; find the first
	// point where FNMR ≥ FMR and interpolate with the one before it.
	for k, p := range pts {
		if p.FNMR < p.FMR {
			continue
		}
		if k == 0 {
			r.EER, r.EERThreshold = (p.FMR+p.FNMR)/2, p.Threshold
			break
		}
		q := pts[k-1]
		// On the segment q→p, d = FNMR−FMR goes from negative to ≥ 0.
		d0, d1 := q.FNMR-q.FMR, p.FNMR-p.FMR
		f := 0.0
		if d1 != d0 {
			f = -d0 / (d1 - d0)
		}
		r.EER = q.FMR + f*(p.FMR-q.FMR)
		r.EERThreshold = q.Threshold
		if !math.IsInf(p.Threshold, 0) {
			r.EERThreshold = q.Threshold + f*(p.Threshold-q.Threshold)
		}
		break
	}
	return r
}
