package pcsc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/pcsc"
)

// Example reads the NIS of the CIE in the first reader. It needs a reader
// and a card, so it only compiles here (no Output).
func Example() {
	ctx := context.Background()
	pc, err := pcsc.Open()
	if err != nil {
		log.Fatal(err) // errors.Is(err, scard.ErrNoService): start pcscd
	}
	defer pc.Close()
	readers, err := pc.Readers()
	if err != nil {
		log.Fatal(err)
	}
	if err := pc.WaitForCard(ctx, readers[0]); err != nil {
		log.Fatal(err)
	}
	card, err := pc.Connect(ctx, readers[0], nil)
	if err != nil {
		log.Fatal(err)
	}
	defer card.Close()
	ic := ias.NewClient(scard.NewCard(card, scard.CardOptions{}))
	if err := ic.Select(ctx); err != nil {
		log.Fatal(err)
	}
	nis, err := ic.ReadNIS(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("NIS:", nis)
}
