package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// bp256 returns the ECDH PACEInfo with mapping arc m (2 GM, 4 IM, 6 CAM),
// AES-128, on brainpoolP256r1: one curve, so the mappings compare.
func bp256(m int) emrtd.PACEInfo {
	return emrtd.PACEInfo{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, m, 2}, Version: 2, ParameterID: emrtd.ParamBrainpool256}
}

// BenchmarkPACEMapping compares the three mappings on one curve, terminal
// and card in memory. CAM includes the terminal's check of the chip
// (PACEResult.VerifyCAM), which replaces a chip authentication run.
func BenchmarkPACEMapping(b *testing.B) {
	pw, err := emrtd.CANPassword(testCAN)
	if err != nil {
		b.Fatal(err)
	}
	infos := []emrtd.PACEInfo{bp256(2), bp256(4), bp256(6)}
	sim := newCIE(b, func(o *cardsim.CIEOptions) { o.PACEInfos = infos })
	dg14, err := emrtd.ParseDG14(sim.DataGroup(14))
	if err != nil {
		b.Fatal(err)
	}
	for _, info := range infos {
		b.Run("ECDH-"+info.Mapping().String()+"-AES128/brainpoolP256r1", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sim.Reset()
				res, err := emrtd.RunPACE(b.Context(), scard.NewCard(sim, scard.CardOptions{}), info, pw)
				if err != nil {
					b.Fatal(err)
				}
				if info.Mapping() == emrtd.MappingChipAuthentication {
					if err := res.VerifyCAM(dg14); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkReadChipAuthenticated is a full read (EF.COM, DG1, DG2 with a
// 15 kB photo, DG11, DG12, DG14, EF.SOD, passive authentication) with the
// chip authenticated: PACE-GM followed by EAC chip authentication with the
// CIE's DH key, against PACE-CAM (the chip checked with DG14's key, no
// chip authentication), both on brainpoolP256r1. APDUs/op counts the command
// APDUs, which decide the time on a real contactless link.
func BenchmarkReadChipAuthenticated(b *testing.B) {
	p, err := pkiOnce()
	if err != nil {
		b.Fatal(err)
	}
	pool := p.CSCAPool()
	for _, bc := range []struct {
		name string
		info emrtd.PACEInfo
		by   emrtd.ChipAuth
	}{
		{"GM+CA", bp256(2), emrtd.ChipAuthCA},
		{"CAM", bp256(6), emrtd.ChipAuthPACECAMDG14},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim := newCIE(b, func(o *cardsim.CIEOptions) {
				o.Photo = make([]byte, 15000)
				o.PACEInfos = []emrtd.PACEInfo{bc.info}
			})
			b.ReportAllocs()
			apdus := 0
			for b.Loop() {
				sim.Reset()
				log := &commandLog{t: sim}
				e, err := emrtd.Read(b.Context(), scard.NewCard(log, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN), ChipAuthentication: true})
				apdus = len(log.cmds)
				if err != nil {
					b.Fatal(err)
				}
				if e.ChipAuthenticatedBy != bc.by {
					b.Fatalf("chip authenticated by %v, want %v", e.ChipAuthenticatedBy, bc.by)
				}
				if _, err := e.Verify(emrtd.PAOptions{CSCA: pool}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(apdus), "APDUs/op")
		})
	}
}
