package biometric

import "testing"

// TestQualityScoreMapping checks the documented mapping: 100 for a print
// at or above every "good" level, 1 for a foreground with nothing usable,
// and never falling when one feature improves.
func TestQualityScoreMapping(t *testing.T) {
	good := qualityFeatures{area: qAreaHi, coherence: qCohHi, clarity: qClarHi, period: qPerHi, minutiae: qMinHi, minQ: qMinQHi}
	if q := good.score(); q != 100 {
		t.Errorf("score at the good levels = %d, want 100", q)
	}
	if q := (&qualityFeatures{area: 64}).score(); q != 1 {
		t.Errorf("score of a featureless foreground = %d, want 1", q)
	}
	// Each feature swept alone from its low to its high level, the others
	// at a middling value.
	mid := qualityFeatures{area: 60000, coherence: 0.7, clarity: 2.8, period: 0.9, minutiae: 9, minQ: 0.6}
	sweeps := []struct {
		name   string
		lo, hi float32
		set    func(*qualityFeatures, float32)
	}{
		{"area", qAreaLo - 5000, qAreaHi + 5000, func(f *qualityFeatures, v float32) { f.area = v }},
		{"coherence", qCohLo - 0.1, qCohHi + 0.05, func(f *qualityFeatures, v float32) { f.coherence = v }},
		{"clarity", qClarLo - 0.5, qClarHi + 0.5, func(f *qualityFeatures, v float32) { f.clarity = v }},
		{"period", qPerLo - 0.1, qPerHi, func(f *qualityFeatures, v float32) { f.period = v }},
		{"minutiae", 0, qMinHi + 10, func(f *qualityFeatures, v float32) { f.minutiae = int(v) }},
		{"minutia quality", qMinQLo - 0.1, qMinQHi + 0.1, func(f *qualityFeatures, v float32) { f.minQ = v }},
	}
	for _, sw := range sweeps {
		prev := -1
		var first, last int
		for i := range 21 {
			f := mid
			sw.set(&f, sw.lo+(sw.hi-sw.lo)*float32(i)/20)
			q := int(f.score())
			if q < prev {
				t.Errorf("%s step %d: score falls %d -> %d", sw.name, i, prev, q)
			}
			if i == 0 {
				first = q
			}
			last, prev = q, q
		}
		if first >= last {
			t.Errorf("%s: score %d at the low end, %d at the high end, want a rise", sw.name, first, last)
		}
	}
}
