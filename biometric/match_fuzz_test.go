package biometric_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/ciekit/ciekit/biometric"
)

// templateFromBytes builds a template from fuzz input: a header of
// resolutions and size, then 5 bytes per minutia (x, y as uint16 masked
// to 14 bits as ISO allows, angle); counts are whatever the input holds.
func templateFromBytes(b []byte) *biometric.Template {
	t := &biometric.Template{}
	if len(b) >= 4 {
		t.ResolutionX = binary.BigEndian.Uint16(b[0:])
		t.ResolutionY = binary.BigEndian.Uint16(b[2:])
		b = b[4:]
	}
	for len(b) >= 5 {
		t.Minutiae = append(t.Minutiae, biometric.Minutia{
			X:       binary.BigEndian.Uint16(b[0:]) & 0x3FFF,
			Y:       binary.BigEndian.Uint16(b[2:]) & 0x3FFF,
			Angle:   b[4],
			Quality: b[4] ^ b[0],
			Kind:    biometric.MinutiaKind(b[1] & 3),
		})
		b = b[5:]
	}
	return t
}

// FuzzMatch feeds the matcher hostile templates (any minutiae count,
// coordinates, duplicates, resolutions): it must not panic and must return
// a finite non-negative score.
func FuzzMatch(f *testing.F) {
	f.Add([]byte{0, 197, 0, 197, 0, 10, 0, 10, 7, 0, 50, 0, 60, 100}, []byte{})
	f.Add([]byte{0, 0, 0, 0, 0x3F, 0xFF, 0x3F, 0xFF, 255, 0x3F, 0xFF, 0x3F, 0xFF, 255}, []byte{0, 1, 0, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{0xFF, 0xFF, 0, 1}, []byte{0, 1, 0xFF, 0xFF})
	seed := make([]byte, 4+5*60)
	for i := range seed {
		seed[i] = byte(i * 37)
	}
	f.Add(seed, seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ta, tb := templateFromBytes(a), templateFromBytes(b)
		p := biometric.NewProbe(ta)
		for _, s := range []float64{p.Match(tb), p.Match(ta), biometric.Match(tb, ta)} {
			if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
				t.Fatalf("Match = %v, want a finite score ≥ 0", s)
			}
		}
		var g biometric.Gallery
		g.Add("a", ta)
		g.Add("b", tb)
		_ = g.Search(p, nil, 0)
	})
}
