package emrtd

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseSOD(f *testing.F) {
	pki := pkiOnce()
	sod, err := CreateSOD(map[int][]byte{1: MarshalDG1(testMRZ)}, pki.dsCert, pki.dsKey, SODOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sod)
	f.Add(sod[2:])
	// The encodings real documents use (quirks_test.go): BER with
	// indefinite lengths, id-data, a reordered signer issuer, a certificate
	// crypto/x509 cannot parse.
	for _, b := range sodQuirkSeeds(f) {
		f.Add(b)
	}
	// Real SODs, when $CIEKIT_EMRTD_VECTORS names a directory holding them
	// (vectors_test.go); they are not redistributed here.
	if dir := os.Getenv(vectorsEnv); dir != "" {
		for _, c := range []string{"NZ", "CN", "MY", "DE"} {
			if b, err := os.ReadFile(filepath.Join(dir, "sod", c+".sod.hex")); err == nil {
				if raw, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil {
					f.Add(raw)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Bounded memory: the DER form is at most a few bytes longer per
		// element than the BER it comes from (4-byte lengths instead of
		// 80 ... 00 00).
		if der, ok := berToDER(b); ok && len(der) > 2*len(b) {
			t.Fatalf("berToDER grew %d bytes to %d", len(b), len(der))
		}
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
	f.Add(MarshalDG1(testMRZ))
	f.Add(MarshalDG2(FaceImage{Format: ImageJPEG, Data: []byte{0xFF, 0xD8, 0}}))
	f.Add((&DG11{FullName: "ROSSI<<MARIO", PlaceOfBirth: "ROMA<RM"}).Marshal())
	f.Add((&DG12{IssuingAuthority: "COMUNE DI ROMA"}).Marshal())
	f.Add((&COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2}}).Marshal())
	f.Add(unhex(f, "31143012060A04007F0007020204010102010202010 2"))
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
		_, _, _, _ = ParseMSESetATPACE(b)
		_, _ = MRZKeyFromMRZ(string(b))
		_, _ = ParseDG15(b)
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
