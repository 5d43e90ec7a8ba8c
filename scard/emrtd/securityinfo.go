package emrtd

import (
	"encoding/asn1"
	"fmt"
	"slices"
	"strings"

	"github.com/ciekit/ciekit/scard"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Protocol object identifiers (ICAO Doc 9303-11 clause 9.2, BSI TR-03110-3
// appendix A), in dotted form as returned by asn1.ObjectIdentifier.String.
const (
	OIDPACE                 = "0.4.0.127.0.7.2.2.4"
	OIDPACEDHGM3DES         = "0.4.0.127.0.7.2.2.4.1.1" // id-PACE-DH-GM-3DES-CBC-CBC, the CIE's
	OIDPACEDHGMAES128       = "0.4.0.127.0.7.2.2.4.1.2"
	OIDPACEDHGMAES192       = "0.4.0.127.0.7.2.2.4.1.3"
	OIDPACEDHGMAES256       = "0.4.0.127.0.7.2.2.4.1.4"
	OIDPACEECDHGM3DES       = "0.4.0.127.0.7.2.2.4.2.1"
	OIDPACEECDHGMAES128     = "0.4.0.127.0.7.2.2.4.2.2"
	OIDPACEECDHGMAES192     = "0.4.0.127.0.7.2.2.4.2.3"
	OIDPACEECDHGMAES256     = "0.4.0.127.0.7.2.2.4.2.4"
	OIDPACEDHIM3DES         = "0.4.0.127.0.7.2.2.4.3.1" // id-PACE-DH-IM-3DES-CBC-CBC
	OIDPACEDHIMAES128       = "0.4.0.127.0.7.2.2.4.3.2"
	OIDPACEDHIMAES192       = "0.4.0.127.0.7.2.2.4.3.3"
	OIDPACEDHIMAES256       = "0.4.0.127.0.7.2.2.4.3.4"
	OIDPACEECDHIM3DES       = "0.4.0.127.0.7.2.2.4.4.1" // id-PACE-ECDH-IM-3DES-CBC-CBC
	OIDPACEECDHIMAES128     = "0.4.0.127.0.7.2.2.4.4.2"
	OIDPACEECDHIMAES192     = "0.4.0.127.0.7.2.2.4.4.3"
	OIDPACEECDHIMAES256     = "0.4.0.127.0.7.2.2.4.4.4"
	OIDPACEECDHCAMAES128    = "0.4.0.127.0.7.2.2.4.6.2" // id-PACE-ECDH-CAM-AES-CBC-CMAC-128
	OIDPACEECDHCAMAES192    = "0.4.0.127.0.7.2.2.4.6.3"
	OIDPACEECDHCAMAES256    = "0.4.0.127.0.7.2.2.4.6.4"
	OIDChipAuthentication   = "0.4.0.127.0.7.2.2.3"
	OIDChipAuthPublicKey    = "0.4.0.127.0.7.2.2.1"
	OIDTerminalAuth         = "0.4.0.127.0.7.2.2.2"
	OIDActiveAuthentication = "2.23.136.1.1.5"
)

// Standardized PACE domain parameter identifiers (ICAO Doc 9303-11 clause
// 9.5.1, table 6) that ciekit implements.
const (
	ParamDH1024       = 0  // RFC 5114 1024-bit MODP, 160-bit subgroup
	ParamDH2048224    = 1  // RFC 5114 2048-bit MODP, 224-bit subgroup
	ParamDH2048256    = 2  // RFC 5114 2048-bit MODP, 256-bit subgroup (the CIE's)
	ParamP224         = 10 // NIST P-224
	ParamP256         = 12 // NIST P-256 (secp256r1)
	ParamBrainpool256 = 13 // brainpoolP256r1
	ParamP384         = 15 // NIST P-384
	ParamP521         = 18 // NIST P-521
)

// SecurityInfo is one entry of a SecurityInfos set: its protocol OID and
// its complete DER encoding (aliasing the parsed input).
type SecurityInfo struct {
	Protocol asn1.ObjectIdentifier
	Raw      []byte
}

// PACEInfo announces one PACE protocol (ICAO Doc 9303-11 clause 9.2.1).
// ParameterID is -1 when absent.
type PACEInfo struct {
	Protocol    asn1.ObjectIdentifier
	Version     int
	ParameterID int
}

// ChipAuthenticationInfo (clause 9.2.5). KeyID is -1 when absent.
type ChipAuthenticationInfo struct {
	Protocol asn1.ObjectIdentifier
	Version  int
	KeyID    int
}

// ChipAuthenticationPublicKeyInfo (clause 9.2.6): the chip's static key as a
// DER SubjectPublicKeyInfo (aliasing the input). KeyID is -1 when absent.
type ChipAuthenticationPublicKeyInfo struct {
	Protocol             asn1.ObjectIdentifier
	SubjectPublicKeyInfo []byte
	KeyID                int
}

// SecurityInfos is the parsed content of EF.CardAccess or DG14.
type SecurityInfos struct {
	PACE                         []PACEInfo
	ChipAuthentication           []ChipAuthenticationInfo
	ChipAuthenticationPublicKeys []ChipAuthenticationPublicKeyInfo
	TerminalAuthentication       bool
	ActiveAuthentication         bool
	All                          []SecurityInfo // every entry, known or not, in order
}

func hasPrefix(oid asn1.ObjectIdentifier, prefix string) bool {
	s := oid.String()
	return s == prefix || strings.HasPrefix(s, prefix+".")
}

// ParseSecurityInfos parses a DER SET OF SecurityInfo (ICAO Doc 9303-11
// clause 9.2), the content of EF.CardAccess and of DG14 inside its 6E
// wrapper. file names the source in errors. Unknown entries are kept in All.
// Malformed input gives a [*DataError].
func ParseSecurityInfos(file string, der []byte) (*SecurityInfos, error) {
	bad := func(format string, a ...any) error {
		return &scard.DataError{File: file, Msg: fmt.Sprintf(format, a...)}
	}
	in := cryptobyte.String(der)
	var set cryptobyte.String
	if !in.ReadASN1(&set, cbasn1.SET) {
		return nil, bad("not a DER SET OF SecurityInfo")
	}
	if !in.Empty() {
		return nil, bad("%d trailing bytes", len(in))
	}
	out := &SecurityInfos{}
	for i := 0; !set.Empty(); i++ {
		var full, seq cryptobyte.String
		if !set.ReadASN1Element(&full, cbasn1.SEQUENCE) {
			return nil, bad("SecurityInfo %d: not a SEQUENCE", i)
		}
		seq = full
		var oid asn1.ObjectIdentifier
		if !seq.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&oid) {
			return nil, bad("SecurityInfo %d: missing protocol OID", i)
		}
		out.All = append(out.All, SecurityInfo{Protocol: oid, Raw: full})
		readInt := func(v *int) bool {
			var n int64
			if !seq.ReadASN1Int64WithTag(&n, cbasn1.INTEGER) || n < 0 || n > 1<<20 {
				return false
			}
			*v = int(n)
			return true
		}
		optInt := func(v *int) bool {
			*v = -1
			if seq.Empty() {
				return true
			}
			return readInt(v)
		}
		switch {
		case hasPrefix(oid, OIDPACE) && len(oid) == 11:
			p := PACEInfo{Protocol: oid}
			if !readInt(&p.Version) || !optInt(&p.ParameterID) {
				return nil, bad("PACEInfo %s: malformed version or parameterId", oid)
			}
			out.PACE = append(out.PACE, p)
		case hasPrefix(oid, OIDChipAuthentication) && len(oid) == 11:
			ca := ChipAuthenticationInfo{Protocol: oid}
			if !readInt(&ca.Version) || !optInt(&ca.KeyID) {
				return nil, bad("ChipAuthenticationInfo %s: malformed version or keyId", oid)
			}
			out.ChipAuthentication = append(out.ChipAuthentication, ca)
		case hasPrefix(oid, OIDChipAuthPublicKey):
			var spki cryptobyte.String
			pk := ChipAuthenticationPublicKeyInfo{Protocol: oid}
			if !seq.ReadASN1Element(&spki, cbasn1.SEQUENCE) || !optInt(&pk.KeyID) {
				return nil, bad("ChipAuthenticationPublicKeyInfo %s: malformed", oid)
			}
			pk.SubjectPublicKeyInfo = spki
			out.ChipAuthenticationPublicKeys = append(out.ChipAuthenticationPublicKeys, pk)
		case oid.String() == OIDTerminalAuth:
			out.TerminalAuthentication = true
		case oid.String() == OIDActiveAuthentication:
			out.ActiveAuthentication = true
		}
	}
	return out, nil
}

// ParseCardAccess parses the content of EF.CardAccess (FID 011C).
func ParseCardAccess(b []byte) (*SecurityInfos, error) {
	return ParseSecurityInfos("EF.CardAccess", b)
}

// Marshal returns the DER encoding of the PACEInfo (omitting a negative
// ParameterID). It fails only for an invalid Protocol OID.
func (p PACEInfo) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(p.Protocol)
		b.AddASN1Int64(int64(p.Version))
		if p.ParameterID >= 0 {
			b.AddASN1Int64(int64(p.ParameterID))
		}
	})
	return b.Bytes()
}

// MarshalSecurityInfos returns the DER SET OF the given encoded
// SecurityInfo entries (sorted, as DER requires). It is the content of
// EF.CardAccess; card emulators use it.
func MarshalSecurityInfos(entries ...[]byte) []byte {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b []byte) int { return slices.Compare(a, b) })
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, e := range sorted {
			b.AddBytes(e)
		}
	})
	out, _ := b.Bytes() // cannot fail: only raw bytes are added
	return out
}
