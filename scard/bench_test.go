package scard_test

import (
	"encoding/asn1"
	"testing"

	"github.com/ciekit/ciekit/scard"
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
	card := scard.NewCard(sim, nil)
	key := simKey(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := card.SelectAID(ctx, scard.AIDeMRTD()); err != nil {
			b.Fatal(err)
		}
		if err := card.BAC(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPACE measures one PACE handshake (both sides' arithmetic) with
// the CIE's DH parameters and with ECDH P-256.
func BenchmarkPACE(b *testing.B) {
	can, err := scard.CANPassword(simCAN)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		info scard.PACEInfo
	}{
		{"DH-GM-3DES-2048", scard.PACEInfo{Protocol: mustOID(b, scard.OIDPACEDHGM3DES), Version: 2, ParameterID: scard.ParamDH2048256}},
		{"ECDH-GM-AES128-P256", scard.PACEInfo{Protocol: mustOID(b, scard.OIDPACEECDHGMAES128), Version: 2, ParameterID: scard.ParamP256}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newSimCIE(b, true)
			card := scard.NewCard(sim, nil)
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if err := card.PACE(ctx, bc.info, can); err != nil {
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
		opts scard.EMRTDOptions
	}{
		{"BAC", scard.EMRTDOptions{MRZ: simKey(b), NoPACE: true}},
		{"PACE", scard.EMRTDOptions{CAN: simCAN}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newSimCIE(b, false)
			card := scard.NewCard(sim, nil)
			ctx := b.Context()
			pool := simPKI().CSCAPool()
			var n int64
			b.ReportAllocs()
			for b.Loop() {
				e, err := scard.ReadEMRTD(ctx, card, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Verify(scard.PAOptions{CSCA: pool}); err != nil {
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
