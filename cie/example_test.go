package cie_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/cie"
)

func ExampleParseMRZ() {
	// The MRZ of the Italian specimen card (2022 back).
	m, err := cie.ParseMRZ(`C<ITACA00000AA4<<<<<<<<<<<<<<<
6412308F2212304ITA<<<<<<<<<<<0
ROSSI<<BIANCA<<<<<<<<<<<<<<<<<`)
	if err != nil {
		fmt.Println(err)
		return
	}
	issue := time.Date(2012, time.December, 30, 0, 0, 0, 0, time.UTC)
	birth, _ := m.BirthDate(issue)
	expiry, _ := m.ExpiryDate()
	fmt.Println(m.DocumentCode, m.IssuingState, m.DocumentNumber)
	fmt.Println(m.Surname, "/", m.GivenNames, m.Sex)
	fmt.Println(birth.Format(time.DateOnly), expiry.Format(time.DateOnly))
	// Output:
	// C< ITA CA00000AA
	// ROSSI / BIANCA F
	// 1964-12-30 2022-12-30
}

func ExampleMRZError() {
	// The composite check digit (line 2, position 30) was misread.
	_, err := cie.ParseMRZ("C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<1\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<")
	fmt.Println(err)
	var me *cie.MRZError
	if errors.As(err, &me) {
		fmt.Println(me.Line, me.Pos, errors.Is(err, cie.ErrCheckDigit))
	}
	// Output:
	// cie: MRZ line 2, position 30 (composite check digit): check digit mismatch
	// 2 30 true
}

func ExampleMRZ_Lines() {
	m := &cie.MRZ{
		DocumentCode:   "C<",
		IssuingState:   "ITA",
		DocumentNumber: "CA00000AA",
		Birth:          "641230",
		Sex:            cie.SexFemale,
		Expiry:         "221230",
		Nationality:    "ITA",
		Surname:        "ROSSI",
		GivenNames:     "BIANCA",
	}
	lines, err := m.Lines()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// C<ITACA00000AA4<<<<<<<<<<<<<<<
	// 6412308F2212304ITA<<<<<<<<<<<0
	// ROSSI<<BIANCA<<<<<<<<<<<<<<<<<
}

func ExampleParseCodiceFiscale() {
	cf, err := cie.ParseCodiceFiscale("bnzvcnpnsmlertpx") // an omocodic form, lower case
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cf, cf.Base(), cf.Sex(), cf.OmocodiaMask())

	_, err = cie.ParseCodiceFiscale("RSSMRA80B31H501W") // 31 February
	fmt.Println(err)
	// Output:
	// BNZVCNPNSMLERTPX BNZVCN32S10E573Z M 127
	// cie: codice fiscale position 10 (day): invalid date
}

func ExampleParseCodiceFiscaleBarcode() {
	// A keyboard-wedge reader sent the Code 39 start/stop characters and CR LF.
	cf, err := cie.ParseCodiceFiscaleBarcode("*RSSMRA80A01H501U*\r\n")
	fmt.Println(cf, err)
	// Output:
	// RSSMRA80A01H501U <nil>
}

func ExampleCodiceFiscale_Omocodes() {
	n := 0
	for cf := range cie.CodiceFiscale("RSSMRA80A01H501U").Omocodes() {
		if n < 3 {
			fmt.Println(cf)
		}
		n++
	}
	fmt.Println(n, "forms")
	// Output:
	// RSSMRA80A01H501U
	// RSSMRA80A01H50MM
	// RSSMRA80A01H5L1F
	// 128 forms
}

func ExampleParseCardNumber() {
	n, err := cie.ParseCardNumber("ca00000aa")
	fmt.Println(n, err)
	_, err = cie.ParseCardNumber("CA0O000AA")
	fmt.Println(err)
	// Output:
	// CA00000AA <nil>
	// cie: card number position 4 ('O'): invalid character
}

func ExampleExpiry() {
	birth := time.Date(1980, time.June, 10, 0, 0, 0, 0, time.UTC)
	issue := time.Date(2023, time.March, 15, 0, 0, 0, 0, time.UTC)
	exp, _ := cie.Expiry(birth, issue, cie.ExpiryOptions{})
	fmt.Println("adult:", exp.Format(time.DateOnly)) // last birthday within 10 years

	child := time.Date(2018, time.June, 10, 0, 0, 0, 0, time.UTC)
	exp, _ = cie.Expiry(child, issue, cie.ExpiryOptions{})
	fmt.Println("child:", exp.Format(time.DateOnly)) // first birthday after 5 years

	exp, _ = cie.Expiry(birth, issue, cie.ExpiryOptions{NoFingerprints: true})
	fmt.Println("no fingerprints:", exp.Format(time.DateOnly))
	// Output:
	// adult: 2032-06-10
	// child: 2028-06-10
	// no fingerprints: 2024-03-15
}

func ExampleFeeSchedule() {
	var state cie.FeeSchedule // zero value: the State fee only
	fmt.Println(state.StateFee())
	comune := cie.FeeSchedule{MunicipalFixed: 516, Secretariat: 26}
	fmt.Println(comune.Total(cie.IssueFirst), comune.Total(cie.IssueDuplicate))
	// Output:
	// 16.79
	// 22.21 27.37
}

func ExampleComputeCodiceFiscale() {
	birth := time.Date(2001, time.December, 31, 0, 0, 0, 0, time.UTC)
	milano, err := cie.LookupPlace("F205", birth)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := cie.Person{
		Surname:    "D'Angelo",
		GivenNames: "Maria Teresa",
		Sex:        cie.SexFemale,
		BirthDate:  birth,
		BirthPlace: milano,
	}
	cf, err := cie.ComputeCodiceFiscale(p)
	fmt.Println(cf, err)
	fmt.Println(cf.Check(p))
	// Output:
	// DNGMTR01T71F205U <nil>
	// <nil>
}

func ExampleCodiceFiscale_Decode() {
	today := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	// Born in Gallico, a comune that ceased in 1927: only 1907 fits.
	info, err := cie.CodiceFiscale("MCHFDA07A01D877A").Decode(today)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range info.Candidates {
		fmt.Println(info.Sex, c.Date.Format(time.DateOnly), c.Place.Name, c.Place.Code)
	}
	// Output:
	// M 1907-01-01 GALLICO D877
}

func ExampleEncodeMRZ() {
	birth := time.Date(1970, time.February, 2, 0, 0, 0, 0, time.UTC)
	c := &cie.Card{
		Holder: cie.Person{
			Surname: "Müller-Lüdenscheidt", GivenNames: "Jürgen", Sex: cie.SexMale,
			BirthDate: birth, Citizenship: "ITA",
		},
		Document: cie.Document{
			Number:     "CA12345BZ",
			IssueDate:  time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC),
			ExpiryDate: time.Date(2036, time.February, 2, 0, 0, 0, 0, time.UTC),
		},
	}
	m, err := cie.EncodeMRZ(c, cie.MRZOptions{}) // Italian table: Ü → UE
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m)
	m, _ = cie.EncodeMRZ(c, cie.MRZOptions{Umlauts: cie.UmlautBase}) // ICAO option: Ü → U
	l, _ := m.Lines()
	fmt.Println(l[2])
	// Output:
	// C<ITACA12345BZ5<<<<<<<<<<<<<<<
	// 7002025M3602025ITA<<<<<<<<<<<4
	// MUELLER<LUEDENSCHEIDT<<JUERGEN
	// MULLER<LUDENSCHEIDT<<JURGEN<<<
}

func ExampleEspatrioEligible() {
	today := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	child := cie.Person{BirthDate: time.Date(2016, time.May, 4, 0, 0, 0, 0, time.UTC), Citizenship: "ITA"}

	_, err := cie.EspatrioEligible(child, today, cie.EspatrioRequest{})
	fmt.Println(err) // no default: the operator must record the parents' choice

	ok, _ := cie.EspatrioEligible(child, today, cie.EspatrioRequest{ParentsConsent: cie.ConsentGiven})
	fmt.Println(ok)

	foreign := cie.Person{BirthDate: time.Date(1990, time.May, 4, 0, 0, 0, 0, time.UTC), Citizenship: "DEU"}
	ok, _ = cie.EspatrioEligible(foreign, today, cie.EspatrioRequest{Declaration: cie.ConsentGiven})
	fmt.Println(ok)
	// Output:
	// cie: parents' consent: required value missing
	// true
	// false
}
