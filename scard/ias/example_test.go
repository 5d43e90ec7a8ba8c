package ias_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
)

// exampleCIE returns a reproducible simulated CIE with the NIS
// 123456789012 and the default PIN, and its trust anchor. The IAS side needs
// no personal data beyond the MRZ and the CAN the simulator requires.
func exampleCIE() (*cardsim.CIE, *cardsim.PKI) {
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(7), KeyBits: 1024})
	if err != nil {
		panic(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	card, err := cardsim.NewCIE(cardsim.CIEOptions{
		MRZ: "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6408125M3310311ITA<<<<<<<<<<<0\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<",
		CAN: can, NIS: "123456789012",
		PKI: pki, KeyBits: 1024, Rand: cardsim.DeterministicRand(8),
	})
	if err != nil {
		panic(err)
	}
	return card, pki
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
