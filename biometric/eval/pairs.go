package eval

import (
	"context"
	"fmt"
)

// Sample names one impression: finger and impression numbers, both
// 0-based.
type Sample struct {
	Finger, Impression int
}

// Pair is one comparison.
type Pair struct {
	A, B    Sample
	Genuine bool
}

// GenuinePairs returns the FVC genuine comparisons of fingers × impressions:
// every impression against each later impression of the same finger.
func GenuinePairs(fingers, impressions int) []Pair {
	var ps []Pair
	for f := range max(fingers, 0) {
		for i := range max(impressions, 0) {
			for j := i + 1; j < impressions; j++ {
				ps = append(ps, Pair{A: Sample{f, i}, B: Sample{f, j}, Genuine: true})
			}
		}
	}
	return ps
}

// ImpostorPairs returns the FVC impostor comparisons: the first impression
// of every finger against the first impression of each later finger, or,
// with all set, every impression against every impression of each later
// finger.
func ImpostorPairs(fingers, impressions int, all bool) []Pair {
	var ps []Pair
	n := 1
	if all {
		n = max(impressions, 0)
	}
	for f := range max(fingers, 0) {
		for g := f + 1; g < fingers; g++ {
			for i := range n {
				for j := range n {
					ps = append(ps, Pair{A: Sample{f, i}, B: Sample{g, j}})
				}
			}
		}
	}
	return ps
}

// Score is a scored comparison.
type Score struct {
	Pair
	Score float64
}

// ScorePairs calls match for every pair, in order, and returns the scores.
// It checks ctx before each pair and returns the scores so far with
// ctx.Err() when it is done; an error from match is returned wrapped with
// the pair it concerns, with the scores before it.
func ScorePairs(ctx context.Context, pairs []Pair, match func(Pair) (float64, error)) ([]Score, error) {
	out := make([]Score, 0, len(pairs))
	for _, p := range pairs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		s, err := match(p)
		if err != nil {
			return out, fmt.Errorf("matching %d_%d with %d_%d: %w", p.A.Finger, p.A.Impression, p.B.Finger, p.B.Impression, err)
		}
		out = append(out, Score{Pair: p, Score: s})
	}
	return out, nil
}

// Split returns the genuine and impostor scores of ss.
func Split(ss []Score) (genuine, impostor []float64) {
	for _, s := range ss {
		if s.Genuine {
			genuine = append(genuine, s.Score)
		} else {
			impostor = append(impostor, s.Score)
		}
	}
	return genuine, impostor
}
