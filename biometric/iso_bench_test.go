package biometric_test

import (
	"testing"

	"github.com/ciekit/ciekit/biometric"
)

func benchTemplate() *biometric.Template {
	t := &biometric.Template{Width: 400, Height: 500, ResolutionX: 197, ResolutionY: 197, Finger: biometric.RightIndex, Quality: 60}
	for i := range 60 {
		t.Minutiae = append(t.Minutiae, biometric.Minutia{X: uint16(7 * i % 400), Y: uint16(11 * i % 500), Angle: uint8(37 * i), Kind: biometric.MinutiaKind(1 + i%2), Quality: uint8(i)})
	}
	return t
}

// BenchmarkTemplate measures encoding and decoding a 60-minutia
// single-view record in both formats.
func BenchmarkTemplate(b *testing.B) {
	t := benchTemplate()
	iso, _ := t.MarshalISO()
	ansi, _ := t.MarshalANSI()
	buf := make([]byte, 0, 1024)
	b.Run("AppendISO", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(iso)))
		for b.Loop() {
			buf, _ = t.AppendISO(buf[:0])
		}
	})
	b.Run("AppendANSI", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(ansi)))
		for b.Loop() {
			buf, _ = t.AppendANSI(buf[:0])
		}
	})
	b.Run("ParseISO", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(iso)))
		for b.Loop() {
			if _, err := biometric.ParseISO(iso); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ParseANSI", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(ansi)))
		for b.Loop() {
			if _, err := biometric.ParseANSI(ansi); err != nil {
				b.Fatal(err)
			}
		}
	})
}
