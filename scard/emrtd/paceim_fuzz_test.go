package emrtd

import (
	"bytes"
	"context"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// FuzzPACEChipIM sends arbitrary mapping and key agreement data to the
// card side of PACE Integrated Mapping (ECDH and DH): the nonce t of DO 81
// goes through the pseudo-random function and the point encoding.
func FuzzPACEChipIM(f *testing.F) {
	f.Add(false, dynAuth(0x81, bytes.Repeat([]byte{0x5D}, 16)), dynAuth(0x83, group.Standard(ParamBrainpool256).Encode(group.Standard(ParamBrainpool256).Gen())))
	f.Add(true, dynAuth(0x81, bytes.Repeat([]byte{0xB3}, 16)), dynAuth(0x83, []byte{2}))
	f.Add(false, dynAuth(0x81, []byte{1, 2, 3}), []byte{0x7C, 0x00})
	f.Fuzz(func(t *testing.T, dh bool, mapping, agree []byte) {
		can, _ := CANPassword("123456")
		info := PACEInfo{Protocol: oid(t, OIDPACEECDHIMAES128), Version: 2, ParameterID: ParamBrainpool256}
		if dh {
			info = PACEInfo{Protocol: oid(t, OIDPACEDHIMAES128), Version: 2, ParameterID: ParamDH1024}
		}
		chip, err := NewPACEChip(info, can, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chip.GeneralAuthenticate([]byte{0x7C, 0x00}); err != nil {
			t.Fatal(err)
		}
		r, err := chip.GeneralAuthenticate(mapping)
		if err == nil && !bytes.Equal(r, []byte{0x7C, 0x02, 0x82, 0x00}) {
			t.Fatalf("integrated mapping reply %X, want an empty DO 82", r)
		}
		_, _ = chip.GeneralAuthenticate(agree)
		if chip.Done() {
			t.Fatal("PACE completed on fuzz input")
		}
	})
}

// fuzzChip answers MSE:SET AT with 9000 and each GENERAL AUTHENTICATE with
// the next reply of the fuzz input.
type fuzzChip struct{ replies [][]byte }

func (c *fuzzChip) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	if len(capdu) > 1 && capdu[1] == scard.InsManageSecurityEnvironment || len(c.replies) == 0 {
		return []byte{0x90, 0x00}, nil
	}
	r := c.replies[0]
	c.replies = c.replies[1:]
	return append(append([]byte(nil), r...), 0x90, 0x00), nil
}

// FuzzPACETerminalIMCAM runs the terminal side of PACE-IM and PACE-CAM
// against arbitrary chip replies (encrypted nonce, mapping reply with DO
// 82, ephemeral key, token and DO 8A).
func FuzzPACETerminalIMCAM(f *testing.F) {
	bp := group.Standard(ParamBrainpool256)
	f.Add(false, dynAuth(0x80, make([]byte, 16)), []byte{0x7C, 0x02, 0x82, 0x00}, dynAuth(0x84, bp.Encode(bp.Gen())), dynAuth(0x86, make([]byte, 8)))
	f.Add(true, dynAuth(0x80, make([]byte, 16)), dynAuth(0x82, bp.Encode(bp.Gen())), dynAuth(0x84, bp.Encode(bp.Gen())),
		[]byte{0x7C, 0x3C, 0x86, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x8A, 0x30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, cam bool, nonce, mapping, agree, token []byte) {
		info := PACEInfo{Protocol: oid(t, OIDPACEECDHIMAES128), Version: 2, ParameterID: ParamBrainpool256}
		if cam {
			info.Protocol = oid(t, OIDPACEECDHCAMAES128)
		}
		can, _ := CANPassword("123456")
		c := scard.NewCard(&fuzzChip{replies: [][]byte{nonce, mapping, agree, token}}, scard.CardOptions{Rand: bytes.NewReader(bytes.Repeat([]byte{0x42}, 256))})
		res, err := RunPACE(t.Context(), c, info, can)
		if err == nil {
			t.Fatalf("PACE completed against fuzz replies: %v", res)
		}
	})
}

// FuzzCAMData decrypts arbitrary DO 8A content: anything but well padded
// data of the length of the group order in range is refused.
func FuzzCAMData(f *testing.F) {
	key := make([]byte, 16)
	n := group.Standard(ParamBrainpool256).Order()
	good, err := encryptCAData(scard.CipherAES128, key, big.NewInt(3), big.NewInt(12), n)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:32])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, a []byte) {
		ca, err := decryptCAData(scard.CipherAES128, key, a, n)
		if err != nil {
			return
		}
		if ca.Sign() <= 0 || ca.Cmp(n) >= 0 {
			t.Fatalf("CA_IC %s out of range", ca)
		}
		if len(a) != 48 {
			t.Fatalf("accepted %d bytes of chip authentication data", len(a))
		}
	})
}

// FuzzParseECCAKey parses arbitrary SubjectPublicKeyInfo as an ECDH chip
// authentication key; an accepted key is a point of an implemented curve.
func FuzzParseECCAKey(f *testing.F) {
	k, err := NewCAKey(ParamBrainpool256, nil)
	if err != nil {
		f.Fatal(err)
	}
	ent, err := k.SecurityInfos(oid(f, OIDCAECDHAES128), 13)
	if err != nil {
		f.Fatal(err)
	}
	si, err := ParseSecurityInfos("DG14", MarshalSecurityInfos(ent...))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(si.ChipAuthenticationPublicKeys[0].SubjectPublicKeyInfo)
	f.Add(hxSeed("3059301306072A8648CE3D020106082A8648CE3D03010703420004" +
		"6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296" +
		"4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"))
	f.Fuzz(func(t *testing.T, spki []byte) {
		curve, pt, err := parseECCAKey(spki)
		if err != nil {
			return
		}
		if _, err := curve.Decode(curve.Encode(pt)); err != nil {
			t.Fatalf("accepted a point that does not round-trip: %v", err)
		}
	})
}

// FuzzParseCardSecurity parses arbitrary EF.CardSecurity files.
func FuzzParseCardSecurity(f *testing.F) {
	pki := pkiOnce()
	k, err := NewCAKey(ParamP256, nil)
	if err != nil {
		f.Fatal(err)
	}
	ent, err := k.SecurityInfos(oid(f, OIDCAECDHAES128), 12)
	if err != nil {
		f.Fatal(err)
	}
	cs, err := CreateCardSecurity(ent, pki.dsCert, pki.dsKey, SODOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cs)
	f.Add(cs[:len(cs)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := ParseCardSecurity(b)
		if err != nil {
			if cs != nil {
				t.Fatal("ParseCardSecurity returned a value with an error")
			}
			return
		}
		_, _ = cs.Verify(PAOptions{CSCA: pool(pki.csca)})
	})
}

func hxSeed(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
