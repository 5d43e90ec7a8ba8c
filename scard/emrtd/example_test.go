package emrtd_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// exampleCIE returns a reproducible simulated CIE and its trust anchor;
// mods change its options.
func exampleCIE(mods ...func(*cardsim.CIEOptions)) (*cardsim.CIE, *cardsim.PKI) {
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(7), KeyBits: 1024})
	if err != nil {
		panic(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	opts := cardsim.CIEOptions{
		MRZ: simMRZ, // a valid TD1 MRZ built in sim_test.go
		Personal: emrtd.DG11{FullName: "ROSSI<<MARIO", PersonalNumber: "RSSMRA64M12H501R",
			PlaceOfBirth: "ROMA<RM", FullDateOfBirth: time.Date(1964, 8, 12, 0, 0, 0, 0, time.UTC)},
		Document: emrtd.DG12{IssuingAuthority: "COMUNE DI ROMA", DateOfIssue: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)},
		CAN:      can,
		Photo:    []byte{0xFF, 0xD8, 0xFF, 0xE0}, PhotoType: emrtd.ImageJPEG, PhotoWidth: 480, PhotoHeight: 640,
		NIS:     "123456789012",
		PKI:     pki,
		KeyBits: 1024,
		Rand:    cardsim.DeterministicRand(8),
	}
	for _, m := range mods {
		m(&opts)
	}
	card, err := cardsim.NewCIE(opts)
	if err != nil {
		panic(err)
	}
	return card, pki
}

// Example_readCIE reads the eMRTD application of a (simulated) CIE with
// PACE and the CAN, and runs passive authentication.
func Example_readCIE() {
	sim, pki := exampleCIE()
	ctx := context.Background()
	card := scard.NewCard(sim, scard.CardOptions{})

	can, err := emrtd.NewCAN("123456") // printed on the front of the card
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := emrtd.Read(ctx, card, emrtd.ReadOptions{CAN: can})
	if err != nil {
		fmt.Println(err)
		return
	}
	mrz, err := doc.MRZ()
	if err != nil {
		fmt.Println(err)
		return
	}
	dg11, _ := doc.DG11()
	res, err := doc.Verify(emrtd.PAOptions{CSCA: pki.CSCAPool()})
	fmt.Println("access:", doc.Access)
	fmt.Println("card number:", mrz.DocumentNumber)
	fmt.Println("name:", mrz.Surname, mrz.GivenNames)
	fmt.Println("place of birth:", dg11.PlaceOfBirthParts())
	fmt.Println("passive authentication:", err == nil, res.Verified)
	// Output:
	// access: PACE
	// card number: CA00000AA
	// name: ROSSI MARIO
	// place of birth: [ROMA RM]
	// passive authentication: true [1 2 11 12 14]
}

// ExampleChipAuth reads a simulated CIE with chip authentication and
// tells how the chip was authenticated: the CIE offers PACE with Generic
// Mapping, so [emrtd.Read] runs EAC chip authentication with DG14's key.
func ExampleChipAuth() {
	sim, _ := exampleCIE()
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := emrtd.Read(context.Background(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: can, ChipAuthentication: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("chip authenticated by", doc.ChipAuthenticatedBy)
	fmt.Println("PACE-CAM:", doc.ChipAuthenticatedBy == emrtd.ChipAuthPACECAMDG14 || doc.ChipAuthenticatedBy == emrtd.ChipAuthPACECAMCardSecurity)
	fmt.Println("zero value:", emrtd.ChipAuth(0))
	// Output:
	// chip authenticated by CA
	// PACE-CAM: false
	// zero value: none
}

// ExampleMRZKey_BACKeys derives the BAC keys of the ICAO Doc 9303-11
// appendix D worked example.
func ExampleMRZKey_BACKeys() {
	key := emrtd.NewMRZKey("L898902C", "690806", "940623")
	info, _ := key.Info()
	kEnc, kMac, _ := key.BACKeys()
	fmt.Println(info)
	fmt.Printf("K_enc %X\nK_mac %X\n", kEnc, kMac)
	fmt.Println(key) // the key redacts itself
	// Output:
	// L898902C<369080619406236
	// K_enc AB94FDECF2674FDFB9B391F85D7F76F2
	// K_mac 7962D9ECE03D1ACD4C76089DCE131543
	// MRZKey(redacted)
}
