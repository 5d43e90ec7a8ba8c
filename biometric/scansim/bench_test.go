package scansim_test

import (
	"testing"

	"github.com/ciekit/ciekit/biometric/scansim"
)

// BenchmarkNewFinger measures building a master pattern for a 400x500
// image (orientation, ridge growth, ground truth).
func BenchmarkNewFinger(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(400 * 500)
	seed := uint64(0)
	for b.Loop() {
		seed++
		scansim.NewFinger(seed, 400, 500)
	}
}

// BenchmarkImpress measures rendering one natural capture of a master.
func BenchmarkImpress(b *testing.B) {
	f := scansim.NewFinger(1, 400, 500)
	b.ReportAllocs()
	b.SetBytes(400 * 500)
	seed := uint64(0)
	for b.Loop() {
		seed++
		f.Impress(scansim.NaturalCondition(seed), seed)
	}
}
