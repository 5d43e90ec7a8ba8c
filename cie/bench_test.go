package cie_test

import (
	"testing"
	"time"

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

func BenchmarkComputeCodiceFiscale(b *testing.B) {
	birth := time.Date(2001, time.December, 31, 0, 0, 0, 0, time.UTC)
	milano, err := cie.LookupPlace("F205", birth)
	if err != nil {
		b.Fatal(err)
	}
	p := cie.Person{Surname: "D'Angelo", GivenNames: "Maria Teresa", Sex: cie.SexFemale, BirthDate: birth, BirthPlace: milano}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cie.ComputeCodiceFiscale(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodiceFiscaleDecode(b *testing.B) {
	today := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cie.CodiceFiscale("BNZVCNPNSMLERTPX").Decode(today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeMRZ(b *testing.B) {
	c := &cie.Card{
		Holder: cie.Person{Surname: "Müller-Lüdenscheidt", GivenNames: "Jürgen", Sex: cie.SexMale,
			BirthDate: time.Date(1970, time.February, 2, 0, 0, 0, 0, time.UTC), Citizenship: "ITA"},
		Document: cie.Document{Number: "CA12345BZ", ExpiryDate: time.Date(2036, time.February, 2, 0, 0, 0, 0, time.UTC)},
	}
	b.ReportAllocs()
	for b.Loop() {
		m, err := cie.EncodeMRZ(c, cie.MRZOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Lines(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpiry(b *testing.B) {
	birth := time.Date(1980, time.June, 10, 0, 0, 0, 0, time.UTC)
	issue := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cie.Expiry(birth, issue, cie.ExpiryOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
