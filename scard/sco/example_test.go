package sco_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"fmt"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/sco"
)

// Example_operatorCard activates a (simulated) operator card with the
// Security Officer's master password, associates it to a sede, logs in
// and signs. The APDU profile is ciekit's own: the real SCO protocol is
// not public (see the package documentation).
func Example_operatorCard() {
	so, err := sco.NewMasterPassword("Password-SO-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := cardsim.NewSCO(cardsim.SCOOptions{
		MasterPassword: so,
		Operator:       "RSSMRA64M12H501R",
		Serial:         "SCO00000001",
		ECDSA:          true,
		Rand:           cardsim.DeterministicRand(3),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	oc := sco.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	if err := oc.Select(ctx); err != nil {
		fmt.Println(err)
		return
	}
	pin, _ := scard.NewPIN("24681357")
	if err := oc.Activate(ctx, so, pin); err != nil {
		fmt.Println(err)
		return
	}
	if err := oc.AssociateSede(ctx, so, "H501"); err != nil {
		fmt.Println(err)
		return
	}
	info, _ := oc.Info(ctx)
	fmt.Println(info.Serial, info.State, info.Sede)

	if err := oc.Login(ctx, pin); err != nil {
		fmt.Println(err)
		return
	}
	digest := sha256.Sum256([]byte("richiesta di emissione CIE"))
	sig, err := oc.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	if err != nil {
		fmt.Println(err)
		return
	}
	cert, _ := oc.Certificate(ctx, sco.KeySignature)
	fmt.Println("signature verifies:", ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], sig))
	// Output:
	// SCO00000001 active H501
	// signature verifies: true
}
