package emrtd_test

import (
	"context"
	"fmt"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// ExampleRunPACE runs PACE with Chip Authentication Mapping on a
// (simulated) document that offers it, then completes the chip's
// authentication: the chip's key comes from EF.CardSecurity, which passive
// authentication verifies, and VerifyCAM checks that the chip holds it.
// [emrtd.Read] does all of this by itself; this is the step by step.
func ExampleRunPACE() {
	sim, pki := exampleCIE(func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEChipAuthenticationMapping() })
	ctx := context.Background()
	card := scard.NewCard(sim, scard.CardOptions{})

	access, err := card.ReadTLVFile(ctx, emrtd.FIDCardAccess, "EF.CardAccess", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	infos, err := emrtd.ParseCardAccess(access)
	if err != nil || len(infos.PACE) == 0 {
		fmt.Println("no PACE in EF.CardAccess:", err)
		return
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := emrtd.RunPACE(ctx, card, infos.PACE[0], can.Password())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("PACE:", res.Mapping, res.Protocol)

	// EF.CardSecurity, in the master file, is readable once PACE runs.
	raw, err := card.ReadTLVFile(ctx, emrtd.FIDCardSecurity, "EF.CardSecurity", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cs, err := emrtd.ParseCardSecurity(raw)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := cs.Verify(emrtd.PAOptions{CSCA: pki.CSCAPool()}); err != nil {
		fmt.Println("EF.CardSecurity:", err)
		return
	}
	if err := res.VerifyCAM(cs.SecurityInfos); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("chip authenticated:", res.ChipAuthenticated)
	// Output:
	// PACE: CAM 0.4.0.127.0.7.2.2.4.6.2
	// chip authenticated: true
}
