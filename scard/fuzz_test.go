package scard

import (
	"bytes"
	"testing"
)

func FuzzParseCommand(f *testing.F) {
	for _, h := range []string{"00A4020C02011E", "00B0000004", "10860000027C0000", "00B00000000100", "0086000000012C" + hexZeros(300) + "0000", "0CB000000D9701048E08ED6705417E96BA5500"} {
		f.Add(unhex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			if c.Data != nil || c.Ne != 0 {
				t.Fatalf("ParseCommand(%X) returned a command with error", b)
			}
			return
		}
		re, err := c.Bytes()
		if err != nil {
			t.Fatalf("ParseCommand(%X) = %+v does not re-encode: %v", b, c, err)
		}
		c2, err := ParseCommand(re)
		if err != nil || c2.CLA != c.CLA || c2.INS != c.INS || c2.Ne != c.Ne || !bytes.Equal(c2.Data, c.Data) {
			t.Fatalf("round trip of %X: %+v -> %X -> %+v, %v", b, c, re, c2, err)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Add([]byte{1, 2, 0x61, 0x10})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("ParseResponse(%X).Bytes() = %X", b, r.Bytes())
		}
	})
}

// FuzzSMUnwrap feeds arbitrary data objects to both unwrap directions of
// a 3DES session keyed as in the ICAO appendix D example.
func FuzzSMUnwrap(f *testing.F) {
	f.Add(unhex(f, icaoD.selectResp), unhex(f, icaoD.selectCmd))
	f.Add(unhex(f, icaoD.read4Resp), unhex(f, icaoD.read4Cmd))
	f.Add(unhex(f, icaoD.read18Resp), unhex(f, icaoD.read18Cmd))
	f.Fuzz(func(t *testing.T, resp, cmd []byte) {
		term, _ := NewSecureMessaging(CipherTDES, unhex(t, icaoD.ksEnc), unhex(t, icaoD.ksMac), unhex(t, icaoD.ssc))
		card, _ := NewSecureMessaging(CipherTDES, unhex(t, icaoD.ksEnc), unhex(t, icaoD.ksMac), unhex(t, icaoD.ssc))
		if r, err := ParseResponse(resp); err == nil {
			_, _ = term.UnwrapResponse(r)
		}
		if c, err := ParseCommand(cmd); err == nil {
			_, _ = card.UnwrapCommand(c)
		}
	})
}

func FuzzParseSOD(f *testing.F) {
	pki := pkiOnce()
	sod, err := CreateSOD(map[int][]byte{1: EncodeDG1(testMRZ)}, pki.dsCert, pki.dsKey, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sod)
	f.Add(sod[2:])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSOD(b)
		if err != nil {
			if s != nil {
				t.Fatal("ParseSOD returned a SOD with an error")
			}
			return
		}
		_, _ = PassiveAuthentication(b, map[int][]byte{1: {0x61}}, PAOptions{CSCA: pool(pki.csca)})
	})
}

func FuzzParseLDS(f *testing.F) {
	f.Add(EncodeDG1(testMRZ))
	f.Add(EncodeDG2(FaceImage{Format: ImageJPEG, Data: []byte{0xFF, 0xD8, 0}}))
	f.Add((&DG11{FullName: "ROSSI<<MARIO", PlaceOfBirth: "ROMA<RM"}).Marshal())
	f.Add((&DG12{IssuingAuthority: "COMUNE DI ROMA"}).Marshal())
	f.Add((&COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2}}).Marshal())
	f.Add(unhex(f, "31143012060A04007F0007020204010102010202010 2"))
	f.Add((&SCOInfo{State: SCOActive, Serial: "1"}).Marshal())
	if k, err := NewCAKey(ParamDH1024, nil); err == nil {
		if e, err := k.SecurityInfos(oid(f, OIDCADH3DES), 1); err == nil {
			f.Add(e[1])
			f.Add(e[1][14:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseDG1(b)
		if faces, err := ParseDG2(b); err != nil && faces != nil {
			t.Fatal("ParseDG2 returned faces with an error")
		}
		_, _ = ParseDG11(b)
		_, _ = ParseDG12(b)
		_, _ = ParseDG14(b)
		_, _ = ParseCOM(b)
		_, _ = ParseCardAccess(b)
		_, _ = ParseSCOInfo(b)
		_, _, _, _ = ParseMSESetATPACE(b)
		_, _ = MRZKeyFromMRZ(string(b))
		_, _ = parseCAKey(b)
	})
}

// FuzzPACEChip sends arbitrary GENERAL AUTHENTICATE data to the card side.
func FuzzPACEChip(f *testing.F) {
	f.Add([]byte{0x7C, 0x00}, []byte{0x7C, 0x03, 0x81, 0x01, 0x04})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		can, _ := CANPassword("123456")
		info := PACEInfo{Protocol: oid(t, OIDPACEECDHGMAES128), Version: 2, ParameterID: ParamP256}
		chip, err := NewPACEChip(info, can, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = chip.GeneralAuthenticate(a)
		_, _ = chip.GeneralAuthenticate(b)
		if chip.Done() {
			t.Fatal("PACE completed on fuzz input")
		}
	})
}
