package cie_test

import (
	"testing"

	"github.com/ciekit/ciekit/cie"
)

const benchMRZ = "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<"

func BenchmarkParseMRZ(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchMRZ)))
	for b.Loop() {
		if _, err := cie.ParseMRZ(benchMRZ); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMRZLines(b *testing.B) {
	m := cie.MustParseMRZ(benchMRZ)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Lines(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCodiceFiscale(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cie.ParseCodiceFiscale("BNZVCNPNSMLERTPX"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodiceFiscaleValid(b *testing.B) {
	cf := cie.CodiceFiscale("RSSMRA80A01H501U")
	b.ReportAllocs()
	for b.Loop() {
		if !cf.Valid() {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkParseCardNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cie.ParseCardNumber("CA00000AA"); err != nil {
			b.Fatal(err)
		}
	}
}
