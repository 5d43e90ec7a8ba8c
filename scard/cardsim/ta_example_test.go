package cardsim_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
)

// Example_terminalAuthentication reads DG3 the way an inspection system
// does: the chip refuses it after PACE and chip authentication alone, and
// releases it after EAC terminal authentication with an inspection-system
// certificate issued under the CVCA the chip trusts. The terminal's key is
// any crypto.Signer (an HSM, an operator card).
func Example_terminalAuthentication() {
	pki, err := cardsim.NewEACPKI(cardsim.EACPKIOptions{Rand: cardsim.DeterministicRand(2), Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	cfg := exampleConfig()
	cfg.CVCA = [][]byte{pki.CVCA}
	cfg.Fingerprints = [2][]byte{[]byte("right index record"), []byte("left index record")}
	sim, err := cardsim.NewCIE(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	card := scard.NewCard(sim, scard.CardOptions{})
	can, _ := emrtd.NewCAN("123456")

	_, err = emrtd.Read(ctx, card, emrtd.ReadOptions{CAN: can, ChipAuthentication: true, DataGroups: []int{3}})
	fmt.Println("without TA:", errors.Is(err, scard.ErrSecurityStatus))

	chain, key, err := pki.IssueIS("WS00001", cvc.ReadDG3, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), 30)
	if err != nil {
		log.Fatal(err)
	}
	is, _ := cvc.Parse(chain[1])
	fmt.Println("IS certificate:", is.CAR, "->", is.CHR, is.Role, is.Rights)
	doc, err := emrtd.Read(ctx, card, emrtd.ReadOptions{CAN: can, Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}})
	if err != nil {
		log.Fatal(err)
	}
	recs, _ := doc.Fingerprints()
	fmt.Printf("with TA: %d finger records, first %q\n", len(recs), recs[0])
	fmt.Println("chip date:", sim.TerminalDate().Format(time.DateOnly))
	// Output:
	// without TA: true
	// IS certificate: ITDV000001 -> ITWS00001 IS DG3
	// with TA: 2 finger records, first "right index record"
	// chip date: 2024-03-01
}
