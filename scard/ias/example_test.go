package ias_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
)

// exampleCIE returns a reproducible simulated CIE and its trust anchor.
func exampleCIE() (*cardsim.CIE, *cardsim.PKI) {
	opts := exampleOptions()
	card, err := cardsim.NewCIE(opts)
	if err != nil {
		panic(err)
	}
	return card, opts.PKI
}

// exampleOptions returns the options of [exampleCIE].
func exampleOptions() cardsim.CIEOptions {
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(7), KeyBits: 1024})
	if err != nil {
		panic(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	return cardsim.CIEOptions{
		MRZ: "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6408125M3310311ITA<<<<<<<<<<<0\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<",
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
}

// ExampleClient_VerifyNIS reads the NIS of a (simulated) CIE without PIN and
// proves it genuine with the IAS SOD and internal authentication.
func ExampleClient_VerifyNIS() {
	sim, pki := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	res, err := ic.VerifyNIS(context.Background(), ias.NISOptions{CSCA: pki.CSCAPool()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("NIS:", res.NIS)
	// Output: NIS: 123456789012
}

// ExampleClient_VerifyPIN shows how a wrong PIN surfaces the tries left.
func ExampleClient_VerifyPIN() {
	sim, _ := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	ctx := context.Background()
	if err := ic.Select(ctx); err != nil {
		fmt.Println(err)
		return
	}
	pin, _ := scard.NewPIN("00000000")
	err := ic.VerifyPIN(ctx, pin)
	var pe *scard.PINError
	if errors.As(err, &pe) {
		fmt.Println("wrong PIN, tries left:", pe.Retries)
	}
	fmt.Println(pin) // secrets redact themselves
	// Output:
	// wrong PIN, tries left: 2
	// PIN(redacted)
}

// ExampleClient_NewSigner signs with the (simulated) CIE's authentication
// key: the PIN opens the IAS secure channel, the Signer is a
// crypto.Signer with the card's certificate, and
// signer.TLSCertificate() serves as a TLS client certificate.
func ExampleClient_NewSigner() {
	sim, _ := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	ctx := context.Background()
	pin, _ := scard.NewPIN(cardsim.DefaultPIN)
	signer, err := ic.NewSigner(ctx, pin)
	if err != nil {
		fmt.Println(err)
		return
	}
	digest := sha256.Sum256([]byte("authentication challenge"))
	sig, err := signer.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = rsa.VerifyPKCS1v15(signer.Certificate().PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig)
	fmt.Println("signature verifies with EF.CertCIE:", err == nil)
	// Output: signature verifies with EF.CertCIE: true
}

// ExampleChipFromATR tells the chip family from the ATR as the CIE
// middleware does.
func ExampleChipFromATR() {
	atr := []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x00, 0x11, 0x12, 0x0F, 0xFF, 0x82, 0x90, 0x00, 0x8A}
	chip := ias.ChipFromATR(atr)
	fmt.Println(chip, "selects the MF instead of the IAS AID:", chip.SelectsMF())
	// Output: Gemalto selects the MF instead of the IAS AID: false
}
