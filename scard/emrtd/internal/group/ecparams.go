package group

import (
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// This file is the one place that recognises elliptic-curve domain
// parameters, however a key or certificate names them: a namedCurve OID
// (RFC 5480 clause 2.1.1.1, RFC 5639 clause 4.1), explicit
// SpecifiedECDomain parameters (SEC 1 clause C.2, as many passports
// publish their chip authentication key), explicit parameters as CV
// certificate data objects (BSI TR-03110-3 clause D.3.1) or a
// standardized domain parameter ID (ICAO Doc 9303-11 table 6).

// KnownCurve is an elliptic curve ciekit recognises: the NIST prime curves
// P-224 to P-521 (Go's own arithmetic) and the brainpool r1 curves of RFC
// 5639 (a [*Curve]), all with cofactor 1. The values are shared: never
// modify one.
type KnownCurve struct {
	Name string
	// OID is the namedCurve object identifier.
	OID asn1.ObjectIdentifier
	// ParamID is the standardized domain parameter ID of ICAO Doc 9303-11
	// table 6 (BSI TR-03110-3 table 4). [Standard] implements only some of
	// them.
	ParamID int
	// Curve is crypto/elliptic's curve for the NIST curves, a [*Curve]
	// (always the same one for a name) for the brainpool curves.
	Curve elliptic.Curve
	// A is the coefficient a of y^2 = x^3 + ax + b (p-3 for the NIST
	// curves).
	A *big.Int
}

var knownCurves = sync.OnceValue(func() []*KnownCurve {
	nist := func(name string, c elliptic.Curve, id int, oid asn1.ObjectIdentifier) *KnownCurve {
		return &KnownCurve{Name: name, OID: oid, ParamID: id, Curve: c, A: new(big.Int).Sub(c.Params().P, big.NewInt(3))}
	}
	cs := []*KnownCurve{
		nist("NIST P-224", elliptic.P224(), 10, asn1.ObjectIdentifier{1, 3, 132, 0, 33}),
		nist("NIST P-256", elliptic.P256(), 12, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}),
		nist("NIST P-384", elliptic.P384(), 15, asn1.ObjectIdentifier{1, 3, 132, 0, 34}),
		nist("NIST P-521", elliptic.P521(), 18, asn1.ObjectIdentifier{1, 3, 132, 0, 35}),
	}
	// RFC 5639 clause 4.1: brainpoolPXXXr1 is 1.3.36.3.3.2.8.1.1.{5,7,9,11,13};
	// ICAO Doc 9303-11 table 6 numbers them 11, 13, 14, 16 and 17.
	ids := []int{11, 13, 14, 16, 17}
	for i, name := range BrainpoolNames {
		c := Brainpool(name)
		cs = append(cs, &KnownCurve{Name: name, OID: asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 5 + 2*i},
			ParamID: ids[i], Curve: c, A: c.A()})
	}
	return cs
})

// KnownCurves returns every curve ciekit recognises, the NIST curves
// first. The slice is shared: never modify it.
func KnownCurves() []*KnownCurve { return knownCurves() }

// CurveByOID returns the known curve whose namedCurve OID is oid, or nil.
func CurveByOID(oid asn1.ObjectIdentifier) *KnownCurve {
	for _, k := range knownCurves() {
		if k.OID.Equal(oid) {
			return k
		}
	}
	return nil
}

// CurveOf returns the known curve whose crypto/elliptic value is c, or nil.
func CurveOf(c elliptic.Curve) *KnownCurve {
	for _, k := range knownCurves() {
		if k.Curve == c {
			return k
		}
	}
	return nil
}

// MatchDomain returns the known curve with field prime p, coefficients a
// and b, base point g (an uncompressed point, coordinates padded to the
// size of p) and order n, or nil when any of them differs from every known
// curve's. The caller checks the cofactor.
func MatchDomain(p, a, b, n *big.Int, g []byte) *KnownCurve {
	if p == nil || a == nil || b == nil || n == nil {
		return nil
	}
	for _, k := range knownCurves() {
		cp := k.Curve.Params()
		if p.Cmp(cp.P) != 0 || a.Cmp(k.A) != 0 || b.Cmp(cp.B) != 0 || n.Cmp(cp.N) != 0 {
			continue
		}
		l := byteLen(cp.P)
		if len(g) != 1+2*l || g[0] != 4 ||
			new(big.Int).SetBytes(g[1:1+l]).Cmp(cp.Gx) != 0 || new(big.Int).SetBytes(g[1+l:]).Cmp(cp.Gy) != 0 {
			continue
		}
		return k
	}
	return nil
}

// ECParameters is a parsed ECParameters value (RFC 5480 clause 2.1.1, SEC 1
// clause C.2): a namedCurve OID, or explicit SpecifiedECDomain parameters.
type ECParameters struct {
	// Named is the namedCurve OID; nil for explicit parameters.
	Named asn1.ObjectIdentifier

	// The explicit parameters: the field type (prime-field,
	// 1.2.840.10045.1.1, is the only one [ECParameters.Curve] accepts)
	// and its prime, the coefficients a and b, the base point as encoded
	// (uncompressed or not), the order and the cofactor (nil when absent).
	FieldType  asn1.ObjectIdentifier
	P, A, B, N *big.Int
	G          []byte
	H          *big.Int
}

// Errors of [ParseECParameters] and [ECParameters.Curve]. The callers turn
// them into their own package's errors.
var (
	ErrMalformedNamedCurve = errors.New("malformed named curve")
	ErrMalformedDomain     = errors.New("malformed EC domain parameters")
	ErrUnknownCurve        = errors.New("not a known curve")
	ErrNotPrimeField       = errors.New("not a prime field")
	ErrCofactor            = errors.New("cofactor other than 1")
)

var oidPrimeField = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}

// ParseECParameters parses the DER ECParameters der, which must be
// exactly one element: a namedCurve OBJECT IDENTIFIER or a
// SpecifiedECDomain SEQUENCE { version, fieldID SEQUENCE { fieldType,
// parameters }, curve SEQUENCE { a, b, ... }, base, order, cofactor
// OPTIONAL, ... }. Elements the ellipses stand for (the curve seed, the
// hash and later extensions) are skipped, as is anything after the
// field's INTEGER parameter (the prime of a prime field; a field whose
// parameters are not an INTEGER is malformed here); an element after the
// order that is not an INTEGER leaves the cofactor absent. The explicit parameters are not checked
// here: [ECParameters.Curve] does that.
//
// It returns [ErrMalformedNamedCurve] or [ErrMalformedDomain] (unwrapped)
// for bytes it cannot read. The returned slices alias der.
func ParseECParameters(der []byte) (*ECParameters, error) {
	in := cryptobyte.String(der)
	if in.PeekASN1Tag(cbasn1.OBJECT_IDENTIFIER) {
		var named asn1.ObjectIdentifier
		if !in.ReadASN1ObjectIdentifier(&named) || !in.Empty() {
			return nil, ErrMalformedNamedCurve
		}
		return &ECParameters{Named: named}, nil
	}
	var dom, field, crv cryptobyte.String
	var ver int
	e := &ECParameters{P: new(big.Int), N: new(big.Int)}
	var a, b []byte
	if !in.ReadASN1(&dom, cbasn1.SEQUENCE) || !in.Empty() ||
		!dom.ReadASN1Integer(&ver) ||
		!dom.ReadASN1(&field, cbasn1.SEQUENCE) || !field.ReadASN1ObjectIdentifier(&e.FieldType) || !field.ReadASN1Integer(e.P) ||
		!dom.ReadASN1(&crv, cbasn1.SEQUENCE) ||
		!crv.ReadASN1Bytes(&a, cbasn1.OCTET_STRING) || !crv.ReadASN1Bytes(&b, cbasn1.OCTET_STRING) ||
		!dom.ReadASN1Bytes(&e.G, cbasn1.OCTET_STRING) || !dom.ReadASN1Integer(e.N) {
		return nil, ErrMalformedDomain
	}
	if dom.PeekASN1Tag(cbasn1.INTEGER) {
		e.H = new(big.Int)
		if !dom.ReadASN1Integer(e.H) {
			return nil, ErrMalformedDomain
		}
	}
	e.A, e.B = new(big.Int).SetBytes(a), new(big.Int).SetBytes(b)
	return e, nil
}

// Curve returns the known curve e names or spells out. It returns
// [ErrUnknownCurve] for a named curve or explicit parameters that are not
// those of a known curve (or whose base point is not uncompressed),
// [ErrNotPrimeField] for a field other than a prime field, and
// [ErrCofactor] for a cofactor other than 1, in this order of checking
// (all unwrapped).
func (e *ECParameters) Curve() (*KnownCurve, error) {
	if e.Named != nil {
		if k := CurveByOID(e.Named); k != nil {
			return k, nil
		}
		return nil, ErrUnknownCurve
	}
	if !e.FieldType.Equal(oidPrimeField) {
		return nil, ErrNotPrimeField
	}
	if e.H != nil && e.H.Cmp(big.NewInt(1)) != 0 {
		return nil, ErrCofactor
	}
	if k := MatchDomain(e.P, e.A, e.B, e.N, e.G); k != nil {
		return k, nil
	}
	return nil, ErrUnknownCurve
}
