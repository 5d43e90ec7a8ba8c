package cie_test

import (
	"fmt"

	"github.com/ciekit/ciekit/cie"
)

// A passport's MRZ (TD3), the specimen of ICAO Doc 9303-4.
func ExampleParseAnyMRZ() {
	m, err := cie.ParseAnyMRZ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Format, m.DocumentNumber, m.Surname, m.GivenNames, m.Birth, m.Expiry, m.OptionalData1)
	// Output: TD3 L898902C3 ERIKSSON ANNA MARIA 740812 120415 ZE184226B
}
