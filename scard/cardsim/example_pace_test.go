package cardsim_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// ExamplePACEChipAuthenticationMapping plays a document that offers PACE
// with Chip Authentication Mapping and reads it: the chip proves its key
// within PACE, so no chip authentication follows.
func ExamplePACEChipAuthenticationMapping() {
	cfg := exampleConfig()
	cfg.PACEInfos = cardsim.PACEChipAuthenticationMapping()
	sim, err := cardsim.NewCIE(cfg)
	if err != nil {
		log.Fatal(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		log.Fatal(err)
	}
	doc, err := emrtd.Read(context.Background(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: can, ChipAuthentication: true})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.PACE.Mapping, doc.PACE.Protocol)
	fmt.Println("chip authenticated by", doc.ChipAuthenticatedBy)
	// Output:
	// CAM 0.4.0.127.0.7.2.2.4.6.2
	// chip authenticated by PACE-CAM/DG14
}

// ExamplePACEIntegratedMapping plays a document that offers only PACE
// with Integrated Mapping and runs PACE with it.
func ExamplePACEIntegratedMapping() {
	cfg := exampleConfig()
	cfg.PACEInfos = cardsim.PACEIntegratedMapping()
	sim, err := cardsim.NewCIE(cfg)
	if err != nil {
		log.Fatal(err)
	}
	can, err := emrtd.NewCAN("123456")
	if err != nil {
		log.Fatal(err)
	}
	c := scard.NewCard(sim, scard.CardOptions{})
	res, err := emrtd.RunPACE(context.Background(), c, cfg.PACEInfos[0], can.Password())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Mapping, res.ParameterID, c.SecureMessaging() != nil)
	// Output: IM 13 true
}
