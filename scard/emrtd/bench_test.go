package emrtd_test

import (
	"encoding/asn1"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

func mustOID(b *testing.B, s string) asn1.ObjectIdentifier {
	var o asn1.ObjectIdentifier
	n := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			o = append(o, n)
			n = 0
			continue
		}
		n = n*10 + int(s[i]-'0')
	}
	return o
}

// BenchmarkBAC measures one BAC handshake (SELECT, GET CHALLENGE, MUTUAL
// AUTHENTICATE) against the in-memory simulator.
func BenchmarkBAC(b *testing.B) {
	sim := newSimCIE(b, false)
	card := scard.NewCard(sim, scard.CardOptions{})
	key := simKey(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := card.SelectAID(ctx, emrtd.AID()); err != nil {
			b.Fatal(err)
		}
		if err := emrtd.BAC(ctx, card, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPACE measures one PACE handshake (both sides' arithmetic) with
// the CIE's DH parameters and with ECDH P-256.
func BenchmarkPACE(b *testing.B) {
	can, err := emrtd.CANPassword(simCAN)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		info emrtd.PACEInfo
	}{
		{"DH-GM-3DES-2048", emrtd.PACEInfo{Protocol: mustOID(b, emrtd.OIDPACEDHGM3DES), Version: 2, ParameterID: emrtd.ParamDH2048256}},
		{"ECDH-GM-AES128-P256", emrtd.PACEInfo{Protocol: mustOID(b, emrtd.OIDPACEECDHGMAES128), Version: 2, ParameterID: emrtd.ParamP256}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newSimCIE(b, true)
			card := scard.NewCard(sim, scard.CardOptions{})
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if err := emrtd.PACE(ctx, card, bc.info, can); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadEMRTD measures a full read (access control, EF.COM, DG1,
// DG2, DG11, DG12, DG14, EF.SOD) plus passive authentication.
func BenchmarkReadEMRTD(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts emrtd.ReadOptions
	}{
		{"BAC", emrtd.ReadOptions{MRZ: simKey(b), NoPACE: true}},
		{"PACE", emrtd.ReadOptions{CAN: mustCAN(simCAN)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newSimCIE(b, false)
			card := scard.NewCard(sim, scard.CardOptions{})
			ctx := b.Context()
			pool := simPKI().CSCAPool()
			var n int64
			b.ReportAllocs()
			for b.Loop() {
				e, err := emrtd.Read(ctx, card, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Verify(emrtd.PAOptions{CSCA: pool}); err != nil {
					b.Fatal(err)
				}
				n = int64(len(e.SOD))
				for _, d := range e.DataGroups {
					n += int64(len(d))
				}
			}
			b.SetBytes(n)
		})
	}
}
