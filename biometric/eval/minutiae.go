package eval

import (
	"math"
	"slices"

	"github.com/ciekit/ciekit/biometric"
)

// Tolerance bounds the distance between a found minutia and the
// ground-truth minutia it is paired with. The zero Tolerance means 12
// pixels and 45 degrees (360/256-degree angle units: 32).
type Tolerance struct {
	Distance float64 // pixels
	Angle    float64 // degrees; negative disables the angle check
}

// Accuracy counts the result of comparing found minutiae with the truth.
type Accuracy struct {
	Truth, Found, Paired int
}

// Precision is Paired/Found (1 when nothing was found).
func (a Accuracy) Precision() float64 {
	if a.Found == 0 {
		return 1
	}
	return float64(a.Paired) / float64(a.Found)
}

// Recall is Paired/Truth (1 when there is no truth).
func (a Accuracy) Recall() float64 {
	if a.Truth == 0 {
		return 1
	}
	return float64(a.Paired) / float64(a.Truth)
}

// Add returns the sum of a and b, to pool several images.
func (a Accuracy) Add(b Accuracy) Accuracy {
	return Accuracy{a.Truth + b.Truth, a.Found + b.Found, a.Paired + b.Paired}
}

// CompareMinutiae pairs found minutiae with ground-truth ones one to one,
// closest pairs first, within tol (kind is ignored), and counts them.
func CompareMinutiae(truth, found []biometric.Minutia, tol Tolerance) Accuracy {
	if tol.Distance == 0 {
		tol.Distance = 12
	}
	if tol.Angle == 0 {
		tol.Angle = 45
	}
	type cand struct {
		d    float64
		i, j int
	}
	var cs []cand
	for i, t := range truth {
		for j, f := range found {
			dx, dy := float64(t.X)-float64(f.X), float64(t.Y)-float64(f.Y)
			d := math.Hypot(dx, dy)
			if d > tol.Distance {
				continue
			}
			if tol.Angle >= 0 {
				da := math.Abs(float64(int8(t.Angle-f.Angle))) * 360 / 256
				if da > tol.Angle {
					continue
				}
			}
			cs = append(cs, cand{d, i, j})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	usedT := make([]bool, len(truth))
	usedF := make([]bool, len(found))
	acc := Accuracy{Truth: len(truth), Found: len(found)}
	for _, c := range cs {
		if usedT[c.i] || usedF[c.j] {
			continue
		}
		usedT[c.i], usedF[c.j] = true, true
		acc.Paired++
	}
	return acc
}
