package cardsim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
)

// ExampleCIE_SetShortAPDUOnly reads a simulated CIE that refuses
// extended-length APDUs, as some passports do. ciekit's reads in secure
// messaging use a short Le, so the chip never has to refuse one.
func ExampleCIE_SetShortAPDUOnly() {
	sim, err := cardsim.NewCIE(exampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	sim.SetShortAPDUOnly(true)
	ctx := context.Background()

	// An extended READ BINARY (Le 0000) is refused before anything else.
	r, err := sim.Transmit(ctx, []byte{0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("extended READ BINARY: %X\n", r)

	key := emrtd.NewMRZKey("CA00000AA", "850315", "340315")
	doc, err := emrtd.Read(ctx, scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: key, NoPACE: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("read:", doc.Access, doc.DataGroupNumbers())
	// Output:
	// extended READ BINARY: 6700
	// read: BAC [1 2 11 12 14]
}

// ExampleCIEOptions_sNICCWithNIS builds a card whose EF.SN.ICC carries the
// NIS, and derives from it the name the official CIE middleware gives the
// card's enrolment: the hex of bytes 5 to 10.
func ExampleCIEOptions_sNICCWithNIS() {
	cfg := exampleConfig()
	cfg.SNICCWithNIS = true
	sim, err := cardsim.NewCIE(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c := scard.NewCard(sim, scard.CardOptions{})
	if err := c.SelectAID(ctx, ias.AID()); err != nil {
		log.Fatal(err)
	}
	sn, err := c.ReadFile(ctx, ias.FIDSNICC, "EF.SN.ICC")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("EF.SN.ICC bytes 5-10: %X\nNIS:                  %s\n", sn[5:11], sim.NIS())
	// Output:
	// EF.SN.ICC bytes 5-10: 123456789012
	// NIS:                  123456789012
}
