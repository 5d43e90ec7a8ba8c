package cardsim_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/sco"
)

// exampleConfig is the card of the examples, personalised from a cie.Card
// model. Fixed randomness makes the keys reproducible; KeyBits 1024 keeps
// the examples fast (real cards use 2048).
func exampleConfig() cardsim.CIEOptions {
	holder := cie.Person{
		Surname: "Rossi", GivenNames: "Maria Luisa", Sex: cie.SexFemale,
		BirthDate:   time.Date(1985, 3, 15, 0, 0, 0, 0, time.UTC),
		BirthPlace:  cie.Place{Code: "H501", Name: "ROMA", Province: "RM"},
		Citizenship: "ITA",
	}
	cf, err := cie.ComputeCodiceFiscale(holder)
	if err != nil {
		log.Fatal(err)
	}
	holder.CodiceFiscale = cf
	return cardsim.CIEOptions{
		Card: &cie.Card{
			Holder: holder,
			Document: cie.Document{
				Number:    "CA00000AA",
				IssueDate: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ExpiryDate: time.Date(2034, 3, 15, 0, 0, 0, 0, time.UTC),
				IssuingComune: "Roma", ValidForTravel: true, CAN: "123456",
			},
			Residence: cie.Address{Street: "Via del Corso 1", Comune: "Roma", Province: "RM"},
		},
		Photo:   []byte("JPEG 2000 bytes"),
		NIS:     "123456789012",
		KeyBits: 1024,
		Rand:    cardsim.DeterministicRand(1),
	}
}

// Example_readCIE reads a simulated CIE through BAC, as an application
// would read a real one, and checks it with passive authentication.
func Example_readCIE() {
	sim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	card := scard.NewCard(sim, scard.CardOptions{})
	doc, err := emrtd.Read(ctx, card, emrtd.ReadOptions{
		MRZ:    emrtd.NewMRZKey("CA00000AA", "850315", "340315"),
		NoPACE: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	dg11, err := doc.DG11()
	if err != nil {
		log.Fatal(err)
	}
	res, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("access:", doc.Access)
	fmt.Println("name:", dg11.FullName)
	fmt.Println("codice fiscale:", dg11.PersonalNumber)
	fmt.Println("verified data groups:", res.Verified)
	// Output:
	// access: BAC
	// name: ROSSI<<MARIA<LUISA
	// codice fiscale: RSSMLS85C55H501J
	// verified data groups: [1 2 11 12 14]
}

// Example_readCIEPACE reads the same card with PACE and the CAN printed on
// its front, as real CIEs require on most readers.
func Example_readCIEPACE() {
	sim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		log.Fatal(err)
	}
	wrong, _ := emrtd.NewCAN("000000")
	doc, err := emrtd.Read(context.Background(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: can})
	if err != nil {
		log.Fatal(err)
	}
	mrz, err := doc.MRZ()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Access, mrz.DocumentNumber, mrz.Surname, mrz.GivenNames)
	_, err = emrtd.Read(context.Background(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: wrong})
	fmt.Println("wrong CAN:", err != nil)
	// Output:
	// PACE CA00000AA ROSSI MARIA LUISA
	// wrong CAN: true
}

// ExampleCIE_Transmit reads the NIS with the raw APDUs of the public CIE
// SDKs: no authentication is needed.
func ExampleCIE_Transmit() {
	sim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, apdu := range [][]byte{
		{0x00, 0xA4, 0x04, 0x0C, 0x0D, 0xA0, 0x00, 0x00, 0x00, 0x30, 0x80, 0x00, 0x00, 0x00, 0x09, 0x81, 0x60, 0x01},
		{0x00, 0xA4, 0x04, 0x0C, 0x06, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x39},
		{0x00, 0xB0, 0x81, 0x00, 0x0C},
	} {
		r, err := sim.Transmit(ctx, apdu)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q %X\n", r[:len(r)-2], r[len(r)-2:])
	}
	// Output:
	// "" 9000
	// "" 9000
	// "123456789012" 9000
}

// ExampleCIE_Remove shows a card pulled from the reader in the middle of a
// read: the read fails with scard.ErrCardRemoved.
func ExampleCIE_Remove() {
	sim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	sim.RemoveAfter(10)
	can, _ := emrtd.NewCAN("123456")
	_, err = emrtd.Read(context.Background(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: can})
	fmt.Println(errors.Is(err, scard.ErrCardRemoved))
	// Output:
	// true
}

// ExampleNewSCO activates a simulated operator card as the Security
// Officer, associates it to a sede and signs with the operator's key.
func ExampleNewSCO() {
	so, err := sco.NewMasterPassword("S3cur1ty-Officer!")
	if err != nil {
		log.Fatal(err)
	}
	sim, err := cardsim.NewSCO(cardsim.SCOOptions{
		MasterPassword: so,
		Operator:       "BNCGNN70A01F205X",
		Serial:         "SCO00000001",
		KeyBits:        1024,
		Rand:           cardsim.DeterministicRand(2),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	oc := sco.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	pin, _ := scard.NewPIN("11112222")
	steps := []error{
		oc.Select(ctx),
		oc.Activate(ctx, so, pin),
		oc.AssociateSede(ctx, so, "H501-01"),
		oc.Login(ctx, pin),
	}
	if err := errors.Join(steps...); err != nil {
		log.Fatal(err)
	}
	digest := sha256.Sum256([]byte("richiesta CIE"))
	sig, err := oc.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	if err != nil {
		log.Fatal(err)
	}
	cert := sim.Certificate(sco.KeySignature)
	fmt.Println("signature valid:", rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig) == nil)
	info, _ := oc.Info(ctx)
	fmt.Println(info.State, info.Sede, info.Operator)
	// Output:
	// signature valid: true
	// active H501-01 BNCGNN70A01F205X
}

// Example_workstation puts the two simulators side by side, as on a
// comune's workstation: the officer logs in with the operator card, reads
// and authenticates the NIS of the citizen's CIE, and signs it.
func Example_workstation() {
	ctx := context.Background()
	cieSim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	so, _ := sco.NewMasterPassword("S3cur1ty-Officer!")
	pin, _ := scard.NewPIN("11112222")
	scoSim, err := cardsim.NewSCO(cardsim.SCOOptions{
		MasterPassword: so, PIN: pin, Sede: "H501-01",
		KeyBits: 1024, Rand: cardsim.DeterministicRand(2),
	})
	if err != nil {
		log.Fatal(err)
	}

	oc := sco.NewClient(scard.NewCard(scoSim, scard.CardOptions{}))
	if err := errors.Join(oc.Select(ctx), oc.Login(ctx, pin)); err != nil {
		log.Fatal(err)
	}
	nis, err := ias.NewClient(scard.NewCard(cieSim, scard.CardOptions{})).VerifyNIS(ctx, ias.NISOptions{CSCA: cieSim.PKI().CSCAPool()})
	if err != nil {
		log.Fatal(err)
	}
	digest := sha256.Sum256([]byte(nis.NIS))
	sig, err := oc.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	if err != nil {
		log.Fatal(err)
	}
	pub := scoSim.Certificate(sco.KeySignature).PublicKey.(*rsa.PublicKey)
	fmt.Println("NIS", nis.NIS, "authenticated")
	fmt.Println("signed by the operator:", rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil)
	// Output:
	// NIS 123456789012 authenticated
	// signed by the operator: true
}
