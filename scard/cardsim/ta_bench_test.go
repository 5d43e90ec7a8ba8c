package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
)

// BenchmarkReadTerminalAuthentication reads a card with the sizes of the
// workstation's CIE (DG2 18 KB, DG3 two 12 KB WSQ records) with PACE and
// chip authentication, without DG3, and with terminal authentication and
// DG3; apdus/op counts the exchanges.
func BenchmarkReadTerminalAuthentication(b *testing.B) {
	p := eacPKI(b)
	chain, key, err := p.IssueIS("WS00001", cvc.ReadDG3, issueDate, 30)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts emrtd.ReadOptions
	}{
		{"PACE+CA", emrtd.ReadOptions{CAN: mustCAN(testCAN), ChipAuthentication: true}},
		{"PACE+CA+TA+DG3", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newCIE(b, func(c *cardsim.CIEOptions) {
				c.Photo = make([]byte, 18000)
				c.Fingerprints = [2][]byte{make([]byte, 12300), make([]byte, 12300)}
				c.CVCA = [][]byte{p.CVCA}
			})
			ct := &countingTransmitter{tr: sim} // roundtrip_bench_test.go
			b.ReportAllocs()
			for b.Loop() {
				sim.Reset()
				if _, err := emrtd.Read(b.Context(), scard.NewCard(ct, scard.CardOptions{}), bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ct.n.Load())/float64(b.N), "apdus/op")
		})
	}
}
