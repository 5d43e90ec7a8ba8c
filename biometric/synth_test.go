package biometric

import (
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ciekit/ciekit/internal/amfm"
)

// synthPrint is a synthetic fingerprint with exact ground truth.
type synthPrint struct {
	img   *image.Gray
	truth []Minutia
}

// synthAMFM renders an AM-FM fingerprint with exact ground truth
// (internal/amfm, shared with scripts/compare-mindtct).
func synthAMFM(seed uint64, w, h, n int, period, noise float64) synthPrint {
	img, planted := amfm.Generate(seed, w, h, n, period, noise)
	truth := make([]Minutia, len(planted))
	for i, m := range planted {
		truth[i] = Minutia{X: m.X, Y: m.Y, Angle: m.Angle}
	}
	return synthPrint{img: img, truth: truth}
}

// matchStats pairs detected minutiae with reference ones one to one,
// closest pairs first, within maxDist pixels.
type matchStats struct {
	ref, det, matched int
	angleOK           int // matched pairs within 30 degrees
	flipped           int // matched pairs about 180 degrees apart
	posErr            float64
}

func (m matchStats) precision() float64 { return float64(m.matched) / max(float64(m.det), 1) }
func (m matchStats) recall() float64    { return float64(m.matched) / max(float64(m.ref), 1) }

func (m *matchStats) add(o matchStats) {
	m.ref += o.ref
	m.det += o.det
	m.matched += o.matched
	m.angleOK += o.angleOK
	m.flipped += o.flipped
	m.posErr += o.posErr
}

func angleDiffDeg(a, b uint8) float64 {
	d := math.Abs(float64(a)-float64(b)) * 360 / 256
	if d > 180 {
		d = 360 - d
	}
	return d
}

func matchMinutiae(ref, det []Minutia, maxDist float64) matchStats {
	type pair struct {
		i, j int
		d    float64
	}
	var ps []pair
	for i, r := range ref {
		for j, d := range det {
			dd := math.Hypot(float64(r.X)-float64(d.X), float64(r.Y)-float64(d.Y))
			if dd <= maxDist {
				ps = append(ps, pair{i, j, dd})
			}
		}
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	usedR := make([]bool, len(ref))
	usedD := make([]bool, len(det))
	st := matchStats{ref: len(ref), det: len(det)}
	for _, p := range ps {
		if usedR[p.i] || usedD[p.j] {
			continue
		}
		usedR[p.i], usedD[p.j] = true, true
		st.matched++
		st.posErr += p.d
		switch ad := angleDiffDeg(ref[p.i].Angle, det[p.j].Angle); {
		case ad <= 30:
			st.angleOK++
		case ad >= 150:
			st.flipped++
		}
	}
	return st
}

// sharedDir returns ../shared relative to the module root, or skips.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("test data absent: %v", err)
	}
	return p
}
