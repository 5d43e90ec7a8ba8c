package cardsim

import (
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard/emrtd"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Data-group tags of ICAO Doc 9303-10 clause 4.6 (table 33).
const (
	tagCOM  = 0x60
	tagDG1  = 0x61
	tagDG2  = 0x75
	tagDG3  = 0x63
	tagDG11 = 0x6B
	tagDG12 = 0x6C
	tagDG14 = 0x6E
	tagSOD  = 0x77
)

// PACE and CA object identifiers (BSI TR-03110-3, ICAO 9303-11 9.2).
var (
	oidPACEDHGM3DES     = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 1, 1}
	oidPACEECDHGMAES128 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 2, 2}
	oidCADH3DES         = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 1, 1}
)

// PACE standardized domain parameter IDs (ICAO 9303-11 table 6).
const (
	paramDH2048_256 = 2  // RFC 5114 2.3, the one real CIEs offer
	paramP256       = 12 // NIST P-256
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

// EncodeDG1 returns DG1 (tag 61) holding the MRZ in DO 5F1F (ICAO 9303-10
// 4.7.1). mrz is the 90 MRZ characters of a TD1 document, with or without
// the line breaks, which are dropped.
func EncodeDG1(mrz string) []byte {
	b := make([]byte, 0, 90)
	for i := 0; i < len(mrz); i++ {
		if c := mrz[i]; c != '\n' && c != '\r' {
			b = append(b, c)
		}
	}
	return tlv.Append(nil, tagDG1, tlv.Append(nil, 0x5F1F, b))
}

// ImageType is the image data type of an ISO/IEC 19794-5 facial record.
type ImageType byte

// Image data types (ISO/IEC 19794-5:2005 table 10).
const (
	ImageJPEG     ImageType = 0
	ImageJPEG2000 ImageType = 1
)

// EncodeDG2 returns DG2 (tag 75) holding one facial image in the biometric
// information template of ICAO 9303-10 4.7.2: 7F61 { 02 count, 7F60 { A1
// header, 5F2E ISO/IEC 19794-5 facial record } }. img is stored as the image
// data as is (the simulator does not decode it); width and height are
// recorded in the image information block.
func EncodeDG2(img []byte, typ ImageType, width, height int) []byte {
	// ISO/IEC 19794-5:2005: general header (14), facial information (20),
	// image information (12), image data.
	rec := make([]byte, 0, 46+len(img))
	rec = append(rec, "FAC\x00010\x00"...)
	rec = binary.BigEndian.AppendUint32(rec, uint32(46+len(img)))
	rec = binary.BigEndian.AppendUint16(rec, 1) // one facial image
	rec = binary.BigEndian.AppendUint32(rec, uint32(32+len(img)))
	rec = binary.BigEndian.AppendUint16(rec, 0) // feature points
	rec = append(rec, 0, 0, 0)                  // gender, eye, hair unspecified
	rec = append(rec, 0, 0, 0)                  // feature mask
	rec = append(rec, 0, 0)                     // expression
	rec = append(rec, 0, 0, 0, 0, 0, 0)         // pose angles and uncertainties
	rec = append(rec, 1, byte(typ))             // full frontal; data type
	rec = binary.BigEndian.AppendUint16(rec, uint16(width))
	rec = binary.BigEndian.AppendUint16(rec, uint16(height))
	rec = append(rec, 1, 2)                     // 24-bit RGB; digital camera
	rec = binary.BigEndian.AppendUint16(rec, 0) // device type
	rec = binary.BigEndian.AppendUint16(rec, 0) // quality
	rec = append(rec, img...)
	return biometricGroup(tagDG2, []byte{0x02}, 0x0008, [][]byte{rec})
}

// EncodeDG3 returns DG3 (tag 63) with one biometric data block per
// non-empty finger template (ISO/IEC 19794-4 records on a real CIE; stored
// as given). With no template, as for a card issued without fingerprints
// (under 12, or fingerprints impossible), the group has a count of 0.
func EncodeDG3(fingers ...[]byte) []byte {
	var recs [][]byte
	for _, f := range fingers {
		if len(f) > 0 {
			recs = append(recs, f)
		}
	}
	return biometricGroup(tagDG3, []byte{0x08}, 0x0007, recs)
}

// biometricGroup builds tag { 7F61 { 02 n, 7F60 { A1 {...}, 5F2E rec } ... } }.
func biometricGroup(tag tlv.Tag, bioType []byte, format uint16, recs [][]byte) []byte {
	var b tlv.Builder
	b.AddConstructed(tag, func(b *tlv.Builder) {
		b.AddConstructed(0x7F61, func(b *tlv.Builder) {
			b.Add(0x02, []byte{byte(len(recs))})
			for _, r := range recs {
				b.AddConstructed(0x7F60, func(b *tlv.Builder) {
					b.AddConstructed(0xA1, func(b *tlv.Builder) {
						b.Add(0x80, []byte{0x01, 0x01})                      // patron header version
						b.Add(0x81, bioType)                                 // biometric type
						b.Add(0x87, []byte{0x01, 0x01})                      // format owner ISO/IEC JTC 1 SC 37
						b.Add(0x88, []byte{byte(format >> 8), byte(format)}) // format type
					})
					b.Add(0x5F2E, r)
				})
			}
		})
	})
	return b.Bytes()
}

// PersonalDetails is the content of DG11, additional personal details
// (ICAO 9303-10 4.7.11), as the CIE fills it. Empty fields are omitted.
type PersonalDetails struct {
	// FullName is the name in MRZ style, "SURNAME<<GIVEN<NAMES" (DO 5F0E).
	FullName string
	// PersonalNumber is the codice fiscale (DO 5F10).
	PersonalNumber string
	// BirthDate is the full date of birth, written YYYYMMDD (DO 5F2B).
	BirthDate time.Time
	// PlaceOfBirth is "COMUNE<PROVINCIA" on real cards (DO 5F11).
	PlaceOfBirth string
	// Address is "STREET<COMUNE<PROVINCIA" (DO 5F42).
	Address string
}

// EncodeDG11 returns DG11 (tag 6B) with a tag list (DO 5C) and the
// non-empty fields of d.
func EncodeDG11(d PersonalDetails) []byte {
	var birth string
	if !d.BirthDate.IsZero() {
		birth = d.BirthDate.Format("20060102")
	}
	return textGroup(tagDG11, []textField{
		{0x5F0E, d.FullName}, {0x5F10, d.PersonalNumber}, {0x5F2B, birth}, {0x5F11, d.PlaceOfBirth}, {0x5F42, d.Address},
	})
}

// DocumentDetails is the content of DG12, additional document details
// (ICAO 9303-10 4.7.12). Empty fields are omitted.
type DocumentDetails struct {
	// IssuingAuthority is the issuing comune or authority (DO 5F19).
	IssuingAuthority string
	// IssueDate is written YYYYMMDD (DO 5F26).
	IssueDate time.Time
}

// EncodeDG12 returns DG12 (tag 6C) with a tag list (DO 5C) and the
// non-empty fields of d.
func EncodeDG12(d DocumentDetails) []byte {
	var issue string
	if !d.IssueDate.IsZero() {
		issue = d.IssueDate.Format("20060102")
	}
	return textGroup(tagDG12, []textField{{0x5F19, d.IssuingAuthority}, {0x5F26, issue}})
}

type textField struct {
	tag tlv.Tag
	v   string
}

func textGroup(tag tlv.Tag, fields []textField) []byte {
	var list []byte
	for _, f := range fields {
		if f.v != "" {
			list = tlv.AppendTag(list, f.tag)
		}
	}
	var b tlv.Builder
	b.AddConstructed(tag, func(b *tlv.Builder) {
		b.Add(0x5C, list)
		for _, f := range fields {
			if f.v != "" {
				b.Add(f.tag, []byte(f.v))
			}
		}
	})
	return b.Bytes()
}

// EncodeCOM returns EF.COM (tag 60) with LDS version 0107 and Unicode
// version 040000, as on the CIE, and the list of data-group tags present.
func EncodeCOM(tags []byte) []byte {
	var b tlv.Builder
	b.AddConstructed(tagCOM, func(b *tlv.Builder) {
		b.Add(0x5F01, []byte("0107"))
		b.Add(0x5F36, []byte("040000"))
		b.Add(0x5C, tags)
	})
	return b.Bytes()
}

// EncodeCardAccess returns EF.CardAccess: a SET of PACEInfo. The first is
// id-PACE-DH-GM-3DES-CBC-CBC version 2 with parameter 2, byte for byte what
// real CIEs carry; with ecdh, a second PACEInfo offers
// id-PACE-ECDH-GM-AES-CBC-CMAC-128 with parameter 12 (NIST P-256).
func EncodeCardAccess(ecdh bool) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		paceInfo(b, oidPACEDHGM3DES, paramDH2048_256)
		if ecdh {
			paceInfo(b, oidPACEECDHGMAES128, paramP256)
		}
	})
	return b.BytesOrPanic()
}

func paceInfo(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, param int64) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1Int64(2)
		b.AddASN1Int64(param)
	})
}

// encodeDG14 returns DG14 (tag 6E): the chip authentication key's
// ChipAuthenticationInfo (id-CA-DH-3DES-CBC-CBC, version 1) and
// ChipAuthenticationPublicKeyInfo (id-PK-DH, RFC 5114 2.3 group) as
// scard encodes them, plus the PACEInfo entries (ICAO 9303-11 9.2).
func encodeDG14(key *emrtd.CAKey, ecdh bool) ([]byte, error) {
	entries, err := key.SecurityInfos(oidCADH3DES, -1)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct {
		oid   asn1.ObjectIdentifier
		param int64
		on    bool
	}{{oidPACEDHGM3DES, paramDH2048_256, true}, {oidPACEECDHGMAES128, paramP256, ecdh}} {
		if p.on {
			var b cryptobyte.Builder
			paceInfo(&b, p.oid, p.param)
			entries = append(entries, b.BytesOrPanic())
		}
	}
	return tlv.Append(nil, tagDG14, emrtd.MarshalSecurityInfos(entries...)), nil
}
