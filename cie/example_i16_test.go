package cie_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// A real code whose comune did not exist yet on the birth date (I603
// SENALE-SAN FELICE was instituted in 1974) is valid, with a finding
// naming the period in which the code was valid.
func ExampleCodiceFiscale_Decode_findings() {
	today := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	info, err := cie.CodiceFiscale("RSSMRA51H41I603T").Decode(today)
	if err != nil {
		fmt.Println("invalid:", err)
		return
	}
	c := info.Candidates[0]
	fmt.Println(c.Date.Format(time.DateOnly), c.Place, c.OutOfPeriod)
	for _, f := range info.Findings {
		fmt.Println(f.Kind, "-", f)
	}
	// Output:
	// 1951-06-01 SENALE-SAN FELICE (BZ) true
	// place out of period - codice fiscale place: code I603 not valid on the birth date; valid from 1974-09-18, nearest record SENALE-SAN FELICE (BZ)
}

// Places keeps the table in force in a long-running program: a new ANPR
// file replaces it only when the whole file is valid.
func ExamplePlaces() {
	const header = `"ID","DATAISTITUZIONE","DATACESSAZIONE","CODISTAT","CODCATASTALE","DENOMINAZIONE_IT","DENOMTRASLITTERATA","ALTRADENOMINAZIONE","ALTRADENOMTRASLITTERATA","ID_PROVINCIA","IDPROVINCIAISTAT","IDREGIONE","IDPREFETTURA","STATO","SIGLAPROVINCIA","FONTE","DATAULTIMOAGG","COD_DENOM"` + "\n"
	good := header + `1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","PD","A","PD","","2016-06-17",""` + "\n"
	bad := header + `1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","PD","A","PD","","2016-06-17",""` + "\n" +
		`2,"1866-11-19","1924-11-13","028001","A0O1","ABANO","ABANO","","",28,"028","05","","C","PD","","2016-06-17","028500"` + "\n"

	var places cie.Places // the zero value holds the embedded table
	fmt.Println("embedded snapshot:", places.Table().Snapshot().Format(time.DateOnly))
	if _, err := places.Refresh(strings.NewReader(good), nil); err != nil {
		fmt.Println(err)
	}
	fmt.Println("loaded snapshot:", places.Table().Snapshot().Format(time.DateOnly), places.Table().Len(), "records")
	if _, err := places.Refresh(strings.NewReader(bad), nil); err != nil {
		fmt.Println(err)
	}
	fmt.Println("still in force:", places.Table().Len(), "records")
	// Output:
	// embedded snapshot: 2023-05-16
	// loaded snapshot: 2016-06-17 218 records
	// cie: ANPR_archivio_comuni.csv line 3 CODCATASTALE "A0O1": invalid ANPR place data: not a comune's cadastral code
	// still in force: 218 records
}

// RepairMRZ fixes what OCR typically gets wrong, using the field types and
// the check digits, and says what it changed.
func ExampleRepairMRZ() {
	ocr := "C<ITACA00000AA4<<<<<<<<<<<<<<\n" + // a filler lost
		"64123O8F2212304ITA<<<<<<<<<<<0\n" + // O for 0 in the date of birth
		"ROSSI<<8IANCA<<<<<<<<<<<<<<<<<" // 8 for B in the name
	m, changes, err := cie.RepairMRZ(ocr, cie.RepairOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Printf("line %d position %d (%s): %q -> %q by %s\n", c.Line, c.Pos, c.Field, c.From, c.To, c.Reason)
	}
	fmt.Println(m)

	// A filler lost from the "<<" between surname and given names could
	// also have been lost from the padding: refused, not guessed.
	_, _, err = cie.RepairMRZ("C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<BIANCA<<<<<<<<<<<<<<<<<", cie.RepairOptions{})
	fmt.Println(errors.Is(err, cie.ErrAmbiguousRepair), err)
	// Output:
	// line 1 position 16 (optional data): '\x00' -> '<' by length
	// line 2 position 6 (date of birth): 'O' -> '0' by type
	// line 3 position 8 (name): '8' -> 'B' by type
	// C<ITACA00000AA4<<<<<<<<<<<<<<<
	// 6412308F2212304ITA<<<<<<<<<<<0
	// ROSSI<<BIANCA<<<<<<<<<<<<<<<<<
	// true cie: MRZ line 3: MRZ repair is ambiguous
}

func ExamplePaperCardAllowed() {
	for _, r := range []cie.PaperCardRequest{
		{Reason: cie.PaperCardElection, Documented: true},
		{AIRE: true},
		{Reason: cie.PaperCardTravel},
		{},
	} {
		fmt.Printf("%+v: %v\n", r, cie.PaperCardAllowed(r) == nil)
	}
	// Output:
	// {Reason:election Documented:true AIRE:false}: true
	// {Reason:none Documented:false AIRE:true}: true
	// {Reason:travel Documented:false AIRE:false}: false
	// {Reason:none Documented:false AIRE:false}: false
}

func ExampleDeliveryDeadline() {
	// Requested on Thursday before Easter 2017: Easter Monday and 25 April
	// are not working days.
	requested := time.Date(2017, time.April, 13, 0, 0, 0, 0, time.UTC)
	fmt.Println(cie.DeliveryDeadline(requested, cie.DeliveryOptions{}).Format(time.DateOnly))
	err := cie.CheckDelivery(requested, time.Date(2017, time.April, 26, 0, 0, 0, 0, time.UTC), cie.DeliveryOptions{})
	fmt.Println(errors.Is(err, cie.ErrLateDelivery))
	// Output:
	// 2017-04-24
	// true
}
