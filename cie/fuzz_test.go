package cie_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ciekit/ciekit/cie"
)

func FuzzParseMRZ(f *testing.F) {
	for _, s := range []string{
		"C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
		"I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
		"I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<",
		"IDBEL600001795<0152<<<<<<<<<<<\n1301014F2311207BEL130101987398\nSPECIMEN<<SPECIMEN<<<<<<<<<<<<",
		"IDFRAX4RTBPFW46<<<<<<<<<<<<<<<9007138F3002119FRA<<<<<<<<<<<6MARTIN<<MAELYS<GAELLE<MARIE<<<",
		"", "\n\n", strings.Repeat("<", 90),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := cie.ParseMRZ(s)
		if err != nil {
			if m != nil {
				t.Fatalf("ParseMRZ returned a result with error %v", err)
			}
			var me *cie.MRZError
			if !errors.As(err, &me) {
				t.Fatalf("ParseMRZ error %T, want *cie.MRZError", err)
			}
			return
		}
		out := m.String()
		if out == "" {
			t.Fatalf("String() of a parsed MRZ is empty: %+v", m)
		}
		if want := strings.Join(strings.Fields(s), ""); strings.ReplaceAll(out, "\n", "") != want {
			t.Fatalf("String() = %q, want %q", out, want)
		}
		m2, err := cie.ParseMRZ(out)
		if err != nil {
			t.Fatalf("ParseMRZ(String()) = %v", err)
		}
		if *m2 != *m {
			t.Fatalf("round trip %+v != %+v", m2, m)
		}
	})
}

func FuzzParseCardNumber(f *testing.F) {
	for _, s := range []string{"CA00000AA", "ca12345bz", "CA0O000AA", "", "CA00000AAA", " CA00000AA\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := cie.ParseCardNumber(s)
		if err != nil {
			var ce *cie.CardNumberError
			if n != "" || !errors.As(err, &ce) {
				t.Fatalf("ParseCardNumber(%q) = %q, %v", s, n, err)
			}
			return
		}
		if !n.Valid() || !strings.EqualFold(n.String(), strings.TrimSpace(s)) {
			t.Fatalf("ParseCardNumber(%q) = %q, not valid or not the input", s, n)
		}
	})
}

func FuzzParseCodiceFiscale(f *testing.F) {
	for _, s := range []string{
		"RSSMRA80A01H501U", "BNZVCNPNSMLERTPX", "rssmra80a01h501u", "RSSMRA80B31H501W",
		"MCHFDA07A01D877A", "BLIPTR93MO4A674Q", "*RSSMRA80A01H501U*\r\n", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cf, err := cie.ParseCodiceFiscale(s)
		if bc, berr := cie.ParseCodiceFiscaleBarcode(s); err == nil && (berr != nil || bc != cf) {
			t.Fatalf("ParseCodiceFiscaleBarcode(%q) = %q, %v; ParseCodiceFiscale gave %q", s, bc, berr, cf)
		}
		if err != nil {
			var ce *cie.CodiceFiscaleError
			if cf != "" || !errors.As(err, &ce) {
				t.Fatalf("ParseCodiceFiscale(%q) = %q, %v", s, cf, err)
			}
			return
		}
		if !cf.Valid() {
			t.Fatalf("ParseCodiceFiscale(%q) = %q, not Valid", s, cf)
		}
		base := cf.Base()
		if base.OmocodiaMask() != 0 || !base.Valid() {
			t.Fatalf("Base(%q) = %q, mask %d", cf, base, base.OmocodiaMask())
		}
		n := 0
		for o := range cf.Omocodes() {
			if !o.Valid() || o.Base() != base || o.Sex() != cf.Sex() {
				t.Fatalf("omocode %q of %q: valid %v, base %q", o, cf, o.Valid(), o.Base())
			}
			n++
		}
		if n != 128 {
			t.Fatalf("%d omocodes of %q, want 128", n, cf)
		}
		// Decoding never panics; every candidate has the encoded day, month
		// and place, is not after the reference date, and the place is valid then.
		ref := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
		info, err := cf.Decode(ref)
		if err != nil {
			if info != nil {
				t.Fatalf("Decode(%q) returned a result with error %v", cf, err)
			}
			return
		}
		// A candidate out of its place's period comes with a finding, and
		// only when no candidate is in period.
		for _, c := range info.Candidates {
			if c.Date.After(ref) || c.Date.Day() != info.Day || c.Date.Month() != info.Month ||
				c.Date.Year()%100 != info.Year || c.Place.Code != info.PlaceCode || c.Place.ValidAt(c.Date) == c.OutOfPeriod ||
				c.OutOfPeriod != info.Candidates[0].OutOfPeriod {
				t.Fatalf("Decode(%q): inconsistent candidate %+v of %+v", cf, c, info)
			}
			if c.OutOfPeriod && !slices.ContainsFunc(info.Findings, func(f cie.Finding) bool {
				return f.Kind == cie.FindingPlaceOutOfPeriod && f.Date.Equal(c.Date) && f.Place == c.Place
			}) {
				t.Fatalf("Decode(%q): candidate %+v out of period without a finding", cf, c)
			}
		}
		if len(info.Candidates) == 0 || (info.OmocodiaMask != 0) != slices.ContainsFunc(info.Findings, func(f cie.Finding) bool { return f.Kind == cie.FindingOmocodia }) {
			t.Fatalf("Decode(%q): %d candidates, omocodia mask %d, findings %v", cf, len(info.Candidates), info.OmocodiaMask, info.Findings)
		}
	})
}

// FuzzMRZLines renders arbitrary field values: rendering never panics, the
// lines are 30 characters, and whatever renders and parses round-trips.
func FuzzMRZLines(f *testing.F) {
	f.Add("CA00000AA", "641230", "221230", "ROSSI", "BIANCA", "", "")
	f.Add("D23145890734", "7408<<", "120415", "DELLA VALLE DI SANTA CROCE", "MARIA ANTONIETTA GIUSEPPINA", "ABC", "12345678901")
	f.Add("X", "000229", "000229", "A B C D E F G H I J K L M N O P", "Q", "<A", "")
	f.Fuzz(func(t *testing.T, number, birth, expiry, surname, given, opt1, opt2 string) {
		m := &cie.MRZ{DocumentCode: "C<", IssuingState: "ITA", DocumentNumber: number, OptionalData1: opt1,
			Birth: birth, Sex: cie.SexFemale, Expiry: expiry, Nationality: "ITA", OptionalData2: opt2,
			Surname: surname, GivenNames: given}
		lines, err := m.Lines()
		if err != nil {
			if m.String() != "" {
				t.Fatalf("String() not empty for an MRZ that does not render: %v", err)
			}
			return
		}
		for i, l := range lines {
			if len(l) != 30 {
				t.Fatalf("line %d has %d characters", i+1, len(l))
			}
		}
		full := strings.ReplaceAll(surname, " ", "<")
		if g := strings.ReplaceAll(strings.TrimRight(given, " "), " ", "<"); g != "" {
			full += "<<" + g
		}
		if len(full) > 30 && lines[2][29] == '<' {
			t.Fatalf("truncated name line %q ends with a filler", lines[2])
		}
		p, err := cie.ParseMRZ(strings.Join(lines[:], "\n"))
		if err != nil {
			return // e.g. an impossible date: rendering does not validate dates
		}
		l2, err := p.Lines()
		if err != nil || l2 != lines {
			t.Fatalf("re-rendering the parsed MRZ: %q, %v; want %q", l2, err, lines)
		}
	})
}

// FuzzEncodeMRZ encodes arbitrary Unicode names: never a panic, and every
// encoded MRZ parses back to itself.
func FuzzEncodeMRZ(f *testing.F) {
	f.Add("D'Angelo", "Maria Teresa", uint8(0))
	f.Add("Müller-Lüdenscheidt", "Jürgen", uint8(1))
	f.Add("Della Valle di Santa Croce e Monteleone", "Maria Antonietta Giuseppina", uint8(0))
	f.Add("Иванов", "Ivan", uint8(0))
	f.Fuzz(func(t *testing.T, surname, given string, policy uint8) {
		c := &cie.Card{
			Holder: cie.Person{Surname: surname, GivenNames: given, Sex: cie.SexMale,
				BirthDate: time.Date(1970, time.February, 2, 0, 0, 0, 0, time.UTC), Citizenship: "ITA"},
			Document: cie.Document{Number: "CA12345BZ", ExpiryDate: time.Date(2036, time.February, 2, 0, 0, 0, 0, time.UTC)},
		}
		m, err := cie.EncodeMRZ(c, cie.MRZOptions{Umlauts: cie.UmlautPolicy(policy % 2)})
		if err != nil {
			if m != nil {
				t.Fatalf("EncodeMRZ returned a result with error %v", err)
			}
			return
		}
		back, err := cie.ParseMRZ(m.String())
		if err != nil {
			t.Fatalf("ParseMRZ(EncodeMRZ(%q, %q)): %v", surname, given, err)
		}
		if *back != *m {
			t.Fatalf("round trip of %q, %q: %+v != %+v", surname, given, back, m)
		}
		if err := back.CheckCard(c, cie.MRZOptions{Umlauts: cie.UmlautPolicy(policy % 2)}); err != nil {
			t.Fatalf("CheckCard: %v", err)
		}
	})
}

func FuzzParseANSCActID(f *testing.F) {
	for _, s := range []string{"2022-1002-10-043023", "", "2022--1-043023", "9999-999999999-1-000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := cie.ParseANSCActID(s)
		if err != nil {
			if a != (cie.ANSCActID{}) {
				t.Fatalf("ParseANSCActID(%q) returned %+v with error %v", s, a, err)
			}
			return
		}
		b, err := cie.ParseANSCActID(a.String())
		if err != nil || b != a {
			t.Fatalf("ParseANSCActID(%q).String() = %q does not round-trip: %+v, %v", s, a.String(), b, err)
		}
	})
}

// FuzzForeignStateByISO (issue 25): no panic; a result is the foreign
// state with that ISO code valid at the date; an error is a
// *cie.PlaceError with a zero Place.
func FuzzForeignStateByISO(f *testing.F) {
	for _, s := range []string{"DEU", "csk", " ita ", "", "ÀÀÀ", "\xff\xfeA", "ZZZZ"} {
		f.Add(s, int64(0))
		f.Add(s, int64(700000000))
	}
	f.Fuzz(func(t *testing.T, iso string, unix int64) {
		var at time.Time
		if unix != 0 {
			at = time.Unix(unix%(1<<40), 0).UTC()
		}
		p, err := cie.ForeignStateByISO(iso, at)
		if err != nil {
			if _, ok := errors.AsType[*cie.PlaceError](err); !ok || p != (cie.Place{}) {
				t.Fatalf("ForeignStateByISO(%q, %v) = %v, %v", iso, at, p, err)
			}
			return
		}
		if !p.Foreign || !strings.EqualFold(p.ISO3166, strings.TrimSpace(iso)) || (!at.IsZero() && !p.ValidAt(at)) {
			t.Fatalf("ForeignStateByISO(%q, %v) = %+v", iso, at, p)
		}
	})
}

// FuzzPlaceHistory (issue 25): no panic; the records of one code, in
// time order, consistent with LookupPlace; nil for an unknown code.
func FuzzPlaceHistory(f *testing.F) {
	for _, s := range []string{"H501", "a001", " D588 ", "Z105", "", "ND", "H50\u00e9", "\xff\xff\xff\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		h := cie.PlaceHistory(code)
		latest, err := cie.LookupPlace(code, time.Time{})
		if len(h) == 0 {
			if h != nil || err == nil {
				t.Fatalf("PlaceHistory(%q) = %v (non-nil empty or LookupPlace %v found it)", code, h, latest)
			}
			return
		}
		if err != nil || latest != h[len(h)-1] {
			t.Fatalf("PlaceHistory(%q) ends with %v; LookupPlace = %v, %v", code, h[len(h)-1], latest, err)
		}
		for i, p := range h {
			if !strings.EqualFold(p.Code, strings.TrimSpace(code)) || p.From.IsZero() || (!p.To.IsZero() && p.To.Before(p.From)) {
				t.Fatalf("PlaceHistory(%q)[%d] = %+v", code, i, p)
			}
			if i > 0 && p.From.Before(h[i-1].From) {
				t.Fatalf("PlaceHistory(%q) not in time order at %d", code, i)
			}
			if got, err := cie.LookupPlace(code, p.From); err != nil || !got.ValidAt(p.From) {
				t.Fatalf("LookupPlace(%q, %v) = %v, %v", code, p.From, got, err)
			}
		}
	})
}
