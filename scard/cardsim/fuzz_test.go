package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
)

// FuzzCIETransmit feeds arbitrary bytes to a simulated CIE in one of four
// states (mode%4: fresh, after BAC, in the middle of PACE after step 1,
// IAS application selected), refusing extended lengths when mode&4 is set
// (SetShortAPDUOnly): it must never panic and must always answer with a
// status word.
func FuzzCIETransmit(f *testing.F) {
	for _, s := range [][]byte{
		{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01},
		{0x00, 0xB0, 0x81, 0x00, 0x0C},
		{0x00, 0xB0, 0x9C, 0x00, 0x00},
		{0x00, 0x84, 0x00, 0x00, 0x08},
		{0x0C, 0xB0, 0x81, 0x00, 0x0D, 0x97, 0x01, 0x04, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00},
		{0x00, 0x22, 0xC1, 0xA4, 0x0F, 0x80, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x01, 0x83, 0x01, 0x02},
		{0x10, 0x86, 0x00, 0x00, 0x02, 0x7C, 0x00, 0x00},
		{0x00, 0x20, 0x00, 0x81, 0x08, '1', '2', '3', '4', '5', '6', '7', '8'},
		{0x00, 0xB1, 0x01, 0x01, 0x03, 0x54, 0x01, 0x00, 0x00},
		{0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00},
		{0x10, 0x2C, 0x00, 0x81, 0x02, 0x31, 0x32},
		{0x0C, 0x22, 0x41, 0xA6, 0x0D, 0x87, 0x09, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8},
	} {
		for mode := range byte(8) {
			f.Add(s, mode)
		}
	}
	sim := newCIE(f)
	f.Fuzz(func(t *testing.T, capdu []byte, mode byte) {
		sim.Insert()
		sim.Reset()
		sim.SetShortAPDUOnly(mode&4 != 0)
		c := scard.NewCard(sim, scard.CardOptions{})
		ctx := t.Context()
		var err error
		switch mode % 4 {
		case 1:
			if err = c.SelectAID(ctx, emrtd.AID()); err == nil {
				err = emrtd.BAC(ctx, c, testKey)
			}
		case 2:
			_, err = c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0xC1, P2: 0xA4,
				Data: []byte{0x80, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x01, 0x83, 0x01, 0x02}})
			if err == nil {
				_, err = c.Do(ctx, scard.Command{CLA: 0x10, INS: scard.InsGeneralAuthenticate, Data: []byte{0x7C, 0x00}, Ne: 256})
			}
		case 3:
			if err = c.SelectAID(ctx, ias.AID()); err == nil {
				err = c.SelectAID(ctx, ias.AIDCIE())
			}
		}
		if err != nil {
			t.Fatalf("setting up mode %d: %v", mode%4, err)
		}
		r, err := sim.Transmit(t.Context(), capdu)
		if err != nil {
			t.Fatalf("Transmit(%X): %v", capdu, err)
		}
		if len(r) < 2 {
			t.Fatalf("Transmit(%X) = %X, want a status word", capdu, r)
		}
		if r[len(r)-2] == 0x6F && r[len(r)-1] == 0x00 {
			t.Fatalf("Transmit(%X) = 6F00: the simulator recovered from a panic", capdu)
		}
	})
}
