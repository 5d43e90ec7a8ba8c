package cardsim

import (
	"encoding/asn1"
	"math/big"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// PACE and CA object identifiers (BSI TR-03110-3, ICAO 9303-11 9.2).
var (
	oidPACEDHGM3DES     = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 1, 1}
	oidPACEECDHGMAES128 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 2, 2}
	oidCADH3DES         = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 1, 1}
)

func mustBig(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("cardsim: bad constant")
	}
	return n
}

// RFC 5114 clause 2.3: 2048-bit MODP group with a 256-bit prime-order subgroup.
var (
	dhP = mustBig("87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597")
	dhG = mustBig("3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659")
	dhQ = mustBig("8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3")
)

// MarshalCardAccess returns EF.CardAccess: a SET of PACEInfo. The first is
// id-PACE-DH-GM-3DES-CBC-CBC version 2 with parameter 2, byte for byte what
// real CIEs carry; with ecdh, a second PACEInfo offers
// id-PACE-ECDH-GM-AES-CBC-CMAC-128 with parameter 12 (NIST P-256).
func MarshalCardAccess(ecdh bool) []byte {
	return emrtd.MarshalSecurityInfos(marshalPACEInfos(offeredPACE(ecdh))...)
}

// marshalPACEInfos encodes PACEInfos whose protocols are known (constant
// or checked with emrtd.PACESupported), which cannot fail.
func marshalPACEInfos(infos []emrtd.PACEInfo) [][]byte {
	out := make([][]byte, len(infos))
	for i, info := range infos {
		b, err := info.Marshal()
		if err != nil {
			panic("cardsim: encoding a checked PACEInfo: " + err.Error())
		}
		out[i] = b
	}
	return out
}

// encodeDG14 returns DG14 (tag 6E): the chip authentication key's
// ChipAuthenticationInfo (id-CA-DH-3DES-CBC-CBC, version 1) and
// ChipAuthenticationPublicKeyInfo (id-PK-DH, RFC 5114 2.3 group) as
// scard encodes them, plus entries: the PACEInfo entries (ICAO 9303-11
// 9.2) and, for PACE-CAM, the ECDH keys' entries.
func encodeDG14(key *emrtd.CAKey, entries [][]byte) ([]byte, error) {
	ca, err := key.SecurityInfos(oidCADH3DES, -1)
	if err != nil {
		return nil, err
	}
	return tlv.Append(nil, tlv.Tag(emrtd.DataGroupTag(14)), emrtd.MarshalSecurityInfos(append(ca, entries...)...)), nil
}
