package cardsim_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// countingTransmitter counts the APDUs that reach the card.
type countingTransmitter struct {
	tr scard.Transmitter
	n  atomic.Int64
}

func (c *countingTransmitter) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	c.n.Add(1)
	return c.tr.Transmit(ctx, capdu)
}

// BenchmarkFullReadAPDUs reports the APDUs of a full read (PACE with the
// CAN or BAC; EF.CardAccess, EF.COM, DG1, DG2 with a 15 kB face, DG11, DG12, DG14,
// EF.SOD): "extended" lets the reader use extended lengths (the default;
// since reads in secure messaging use a short Le, only EF.CardAccess and
// PACE use them), "short" is a reader without them (CardOptions.NoExtended; BAC, as PACE
// with a 2048-bit DH group needs extended lengths). The APDU count
// decides the time of a read over NFC and through pcscd (about 44 ms each
// through pcscd+vpcd, issue 24).
func BenchmarkFullReadAPDUs(b *testing.B) {
	pace := emrtd.ReadOptions{CAN: mustCAN(testCAN)}
	bac := emrtd.ReadOptions{MRZ: testKey, NoPACE: true}
	for _, bc := range []struct {
		name string
		opts scard.CardOptions
		read emrtd.ReadOptions
	}{
		{"PACE/extended", scard.CardOptions{}, pace},
		{"BAC/extended", scard.CardOptions{}, bac},
		{"BAC/short", scard.CardOptions{NoExtended: true}, bac},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newCIE(b, func(c *cardsim.CIEOptions) { c.Photo = make([]byte, 15000) })
			ct := &countingTransmitter{tr: sim}
			b.ReportAllocs()
			runs := 0
			for b.Loop() {
				sim.Reset()
				if _, err := emrtd.Read(b.Context(), scard.NewCard(ct, bc.opts), bc.read); err != nil {
					b.Fatal(err)
				}
				runs++
			}
			b.ReportMetric(float64(ct.n.Load())/float64(runs), "APDUs/op")
		})
	}
}
