package biometric_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMatchFormatsAndResolution checks that the score does not depend on
// how a template is stored: an ANSI 378 record (2-degree angles) of an
// ISO template, and the same minutiae at 1000 ppi, match it like itself.
func TestMatchFormatsAndResolution(t *testing.T) {
	ts := benchTemplates(t)
	for k, iso := range ts[:16] {
		raw, err := iso.MarshalANSI()
		require.NoError(t, err)
		ansi, err := biometric.ParseANSI(raw)
		require.NoError(t, err)
		hi := *iso
		hi.Minutiae = nil
		hi.ResolutionX, hi.ResolutionY = biometric.PxPerCM(1000), biometric.PxPerCM(1000)
		hi.Width, hi.Height = 2*iso.Width, 2*iso.Height
		for _, m := range iso.Minutiae {
			m.X, m.Y = 2*m.X, 2*m.Y
			hi.Minutiae = append(hi.Minutiae, m)
		}
		self := biometric.Match(iso, iso)
		require.Greater(t, self, biometric.ThresholdFMR10000, "Match(t%d, t%d)", k, k)
		assert.Greater(t, biometric.Match(iso, ansi), 0.8*self, "Match(ISO t%d, ANSI t%d), self %.1f", k, k, self)
		assert.Greater(t, biometric.Match(&hi, iso), 0.8*self, "Match(1000 ppi t%d, 500 ppi t%d), self %.1f", k, k, self)
	}
}

// TestMatchEmptyAndTiny checks the degenerate templates.
func TestMatchEmptyAndTiny(t *testing.T) {
	t.Parallel()
	one := &biometric.Template{Minutiae: []biometric.Minutia{{X: 10, Y: 10}}}
	tests := []struct {
		name string
		a, b *biometric.Template
	}{
		{"both empty", &biometric.Template{}, &biometric.Template{}},
		{"one minutia", one, one},
		{"empty vs one", &biometric.Template{}, one},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, 0.0, biometric.Match(tc.a, tc.b), "Match")
			same, _ := biometric.SameFinger(tc.a, tc.b)
			assert.False(t, same, "SameFinger")
		})
	}
}

// TestGallerySearchFVC identifies every later impression of the
// reference templates of FVC2002 DB1_B in a gallery of first impressions.
func TestGallerySearchFVC(t *testing.T) {
	dir := filepath.Join(fvcDir(t), "DB1_B")
	var g biometric.Gallery
	for f := range 10 {
		g.Add(fmt.Sprint(101+f), loadReferenceISO(t, dir, fmt.Sprintf("%d_1", 101+f), 500))
	}
	require.Equal(t, 10, g.Len())
	rank1, n := 0, 0
	var hits []biometric.Hit
	for f := range 10 {
		for i := 2; i <= 8; i++ {
			p := biometric.NewProbe(loadReferenceISO(t, dir, fmt.Sprintf("%d_%d", 101+f, i), 500))
			hits = g.Search(p, hits[:0], 0)
			require.Len(t, hits, 10, "Search with threshold 0 returns the whole gallery")
			for k := 1; k < len(hits); k++ {
				require.GreaterOrEqual(t, hits[k-1].Score, hits[k].Score, "hits sorted by score")
			}
			n++
			if hits[0].ID == fmt.Sprint(101+f) {
				rank1++
			}
		}
	}
	t.Logf("rank-1 identification: %d of %d", rank1, n)
	assert.GreaterOrEqual(t, rank1, n*85/100, "rank-1 identifications")
}

// TestMatchWeightFloor checks that Prepare lifts the minutia weights of a
// template of uniformly low quality to the floor's mean weight and leaves
// a template above the floor alone.
func TestMatchWeightFloor(t *testing.T) {
	mk := func(q uint8) *biometric.Template {
		tp := &biometric.Template{Width: 300, Height: 300}
		for i := range 30 {
			tp.Minutiae = append(tp.Minutiae, biometric.Minutia{X: uint16(20 + 40*(i%6)), Y: uint16(20 + 50*(i/6)), Angle: uint8(37 * i), Quality: q})
		}
		return tp
	}
	_, low := biometric.Density(biometric.Prepare(mk(5)))
	assert.InDelta(t, 0.2, low, 1e-6, "quality 5 (weight 0.088) floored at 0.2")
	_, mid := biometric.Density(biometric.Prepare(mk(60)))
	assert.InDelta(t, 0.05+0.95*59.0/99, mid, 1e-6, "quality 60 untouched")
	restore := biometric.SetMatchParam("wFloor", 0)
	defer restore()
	_, raw := biometric.Density(biometric.Prepare(mk(5)))
	assert.InDelta(t, 0.05+0.95*4.0/99, raw, 1e-6, "no floor")
}
