package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// Benchmarks of the terminal (scard) and the card (cardsim) together, in
// memory: the cost of the protocol arithmetic without a radio link.

func BenchmarkBAC(b *testing.B) {
	sim := newCIE(b)
	b.ReportAllocs()
	for b.Loop() {
		sim.Reset()
		c := scard.NewCard(sim, scard.CardOptions{})
		if err := c.SelectAID(b.Context(), emrtd.AID()); err != nil {
			b.Fatal(err)
		}
		if err := emrtd.BAC(b.Context(), c, testKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPACE(b *testing.B) {
	pw, err := emrtd.CANPassword(testCAN)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		info emrtd.PACEInfo
	}{
		{"DH-GM-3DES/param2", emrtd.PACEInfo{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, 1, 1}, Version: 2, ParameterID: 2}},
		{"ECDH-GM-AES128/P256", emrtd.PACEInfo{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, 2, 2}, Version: 2, ParameterID: 12}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newCIE(b)
			b.ReportAllocs()
			for b.Loop() {
				sim.Reset()
				if err := emrtd.PACE(b.Context(), scard.NewCard(sim, scard.CardOptions{}), bc.info, pw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFullRead(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts emrtd.ReadOptions
	}{
		{"BAC", emrtd.ReadOptions{MRZ: testKey, NoPACE: true}},
		{"PACE", emrtd.ReadOptions{CAN: mustCAN(testCAN)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newCIE(b, func(c *cardsim.CIEOptions) { c.Photo = make([]byte, 15000) }) // a typical JPEG 2000 face
			p, err := pkiOnce()
			if err != nil {
				b.Fatal(err)
			}
			pool := p.CSCAPool()
			b.ReportAllocs()
			for b.Loop() {
				sim.Reset()
				e, err := emrtd.Read(b.Context(), scard.NewCard(sim, scard.CardOptions{}), bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Verify(emrtd.PAOptions{CSCA: pool}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewCIE(b *testing.B) {
	p, err := pkiOnce()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cfg := testConfig(3)
		cfg.PKI = p
		if _, err := cardsim.NewCIE(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
