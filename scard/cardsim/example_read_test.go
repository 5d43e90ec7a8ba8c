package cardsim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// Example_passportTrustStore plays a passport (TD3 MRZ), reads it with a
// partial read, and verifies it against a trust store holding the
// simulator's CSCA, listing every check.
func Example_passportTrustStore() {
	cfg := exampleConfig()
	cfg.Card = nil
	cfg.MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
	cfg.CAN, _ = emrtd.NewCAN("123456")
	sim, err := cardsim.NewCIE(cfg)
	if err != nil {
		log.Fatal(err)
	}
	key, err := emrtd.MRZKeyFromMRZ(cfg.MRZ)
	if err != nil {
		log.Fatal(err)
	}
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(2)})
	doc, err := emrtd.Read(context.Background(), c, emrtd.ReadOptions{MRZ: key, Partial: true, DataGroups: []int{1, 2, 5}})
	if err != nil {
		log.Fatal(err)
	}
	m, err := doc.MRZ()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Access, m.Format, m.Surname, "read:", doc.DataGroupNumbers(), "missing:", doc.Checks().Missing)

	var ts emrtd.TrustStore
	if err := ts.AddCSCA(sim.PKI().CSCA); err != nil {
		log.Fatal(err)
	}
	res, err := ts.Verify(doc.SOD, doc.DataGroups, emrtd.VerifyOptions{DocumentCode: m.DocumentCode})
	for _, ch := range res.Checks {
		fmt.Println(ch.Name, ch.Outcome)
	}
	fmt.Println("trusted:", err == nil)
	// Output:
	// PACE TD3 ERIKSSON read: [1 2] missing: [DG5]
	// SOD signature passed
	// DS chain passed
	// DS key usage passed
	// document type skipped
	// revocation skipped
	// DG1 hash passed
	// DG2 hash passed
	// trusted: true
}
