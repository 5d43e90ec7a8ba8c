package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
)

// FuzzIASCommand sends arbitrary commands to the simulated CIE's IAS side,
// in plain and inside an open IAS secure channel. The simulator turns a
// panic into 6F00, so 6F00 is a failure here; every answer must carry a
// status word.
func FuzzIASCommand(f *testing.F) {
	for _, s := range [][]byte{
		{0x00, 0xCB, 0x3F, 0xFF, 0x06, 0x4D, 0x04, 0xA6, 0x02, 0x91, 0x00},
		{0x00, 0x22, 0x41, 0xA6, 0x06, 0x80, 0x01, 0x9B, 0x83, 0x01, 0x81},
		{0x00, 0x2A, 0x00, 0xAE, 0x05, 0x7F, 0x21, 0x02, 0x42, 0x00},
		{0x00, 0x22, 0x81, 0xB6, 0x06, 0x80, 0x01, 0x41, 0x83, 0x01, 0x84},
		{0x00, 0x82, 0x00, 0x00, 0x09, 0x20, 0, 0, 0, 0, 0, 0, 1, 5},
		{0x00, 0x88, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8},
		{0x00, 0x20, 0x00, 0x81, 0x08, '1', '2', '3', '4', '5', '6', '7', '8'},
		{0x00, 0x2C, 0x03, 0x81},
		{0x0C, 0xC0, 0x00, 0x00, 0x00},
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	sim := newCIE(f)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	f.Fuzz(func(t *testing.T, capdu []byte, inChannel bool) {
		ctx := t.Context()
		if !inChannel {
			r, err := sim.Transmit(ctx, capdu)
			if err != nil || len(r) < 2 || (r[len(r)-2] == 0x6F && r[len(r)-1] == 0x00) {
				t.Fatalf("Transmit(%X) = %X, %v", capdu, r, err)
			}
			ic.CloseChannel() // a plain command ends the card's channel
			return
		}
		cmd, err := scard.ParseCommand(capdu)
		if err != nil || cmd.Ne > 256 {
			return
		}
		if !ic.ChannelOpen() {
			sim.Reset()
			if err := ic.OpenChannel(ctx, ias.ChannelOptions{Rand: cardsim.DeterministicRand(3)}); err != nil {
				t.Fatalf("OpenChannel: %v", err)
			}
		}
		r, err := ic.Send(ctx, cmd)
		if err == nil && r.SW == 0x6F00 {
			t.Fatalf("Send(%X) = 6F00 (simulator panic)", capdu)
		}
	})
}
