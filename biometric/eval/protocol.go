package eval

import (
	"context"
	"fmt"
	"time"
)

// Protocol is an FVC evaluation over Fingers × Impressions samples. The
// zero Protocol means the FVC2002 B sets: 10 fingers, 8 impressions,
// first-impression impostors only.
type Protocol struct {
	Fingers, Impressions int  // 0 means 10 and 8
	AllImpostors         bool // all cross-finger impostor pairs instead of first impressions
}

// Report is the outcome of [Run].
type Report struct {
	Rates
	Scores      []Score       // every comparison, genuine first, in protocol order
	Samples     int           // samples enrolled or attempted
	FTE         int           // failures to enrol (their pairs score 0)
	MeanEnrol   time.Duration // mean time of one enrol call
	MeanMatch   time.Duration // mean time of one match call
	Comparisons int           // match calls (pairs where both samples enrolled)
}

// Run enrols every sample (enrol returns ok = false for a failure to
// enrol, which FVC counts by scoring its pairs 0), then matches the FVC
// pairs with match(a, b) where a is the earlier sample, and computes the
// error rates. It checks ctx between samples and between pairs, and
// returns ctx.Err() or enrol's error (wrapped with the sample) at once,
// with no partial report.
func Run[T any](ctx context.Context, p Protocol, enrol func(Sample) (t T, ok bool, err error), match func(a, b T) float64) (*Report, error) {
	if p.Fingers == 0 {
		p.Fingers = 10
	}
	if p.Impressions == 0 {
		p.Impressions = 8
	}
	if p.Fingers < 2 || p.Impressions < 2 {
		return nil, fmt.Errorf("eval: protocol needs at least 2 fingers and 2 impressions, have %d and %d", p.Fingers, p.Impressions)
	}
	ts := make([]T, p.Fingers*p.Impressions)
	ok := make([]bool, len(ts))
	r := &Report{Samples: len(ts)}
	var enrolTime time.Duration
	for f := range p.Fingers {
		for i := range p.Impressions {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			s := Sample{f, i}
			start := time.Now()
			t, good, err := enrol(s)
			enrolTime += time.Since(start)
			if err != nil {
				return nil, fmt.Errorf("enrolling finger %d impression %d: %w", f+1, i+1, err)
			}
			k := f*p.Impressions + i
			ts[k], ok[k] = t, good
			if !good {
				r.FTE++
			}
		}
	}
	r.MeanEnrol = enrolTime / time.Duration(len(ts))
	pairs := append(GenuinePairs(p.Fingers, p.Impressions), ImpostorPairs(p.Fingers, p.Impressions, p.AllImpostors)...)
	var matchTime time.Duration
	ss, err := ScorePairs(ctx, pairs, func(q Pair) (float64, error) {
		a, b := q.A.Finger*p.Impressions+q.A.Impression, q.B.Finger*p.Impressions+q.B.Impression
		if !ok[a] || !ok[b] {
			return 0, nil
		}
		start := time.Now()
		s := match(ts[a], ts[b])
		matchTime += time.Since(start)
		r.Comparisons++
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	if r.Comparisons > 0 {
		r.MeanMatch = matchTime / time.Duration(r.Comparisons)
	}
	r.Scores = ss
	r.Rates = Compute(Split(ss))
	return r, nil
}
