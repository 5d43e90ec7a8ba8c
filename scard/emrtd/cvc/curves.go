//lint:file-ignore SA1019 crypto/ecdsa holds a key on a curve other than the NIST ones (brainpool) only through elliptic.Curve and the X, Y and D fields deprecated in Go 1.26; this file is where ciekit touches them.

package cvc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"

	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// knownCurve is an elliptic curve CV certificates and terminal keys may
// use: the NIST prime curves (Go's own arithmetic) and the brainpool r1
// curves of RFC 5639 (internal/group's), all with cofactor 1.
type knownCurve struct {
	curve elliptic.Curve
	a     *big.Int
	oid   asn1.ObjectIdentifier // namedCurve of RFC 5480 / RFC 5639
}

var knownCurves = sync.OnceValue(func() []knownCurve {
	nist := func(c elliptic.Curve, oid asn1.ObjectIdentifier) knownCurve {
		return knownCurve{curve: c, a: new(big.Int).Sub(c.Params().P, big.NewInt(3)), oid: oid}
	}
	cs := []knownCurve{
		nist(elliptic.P224(), asn1.ObjectIdentifier{1, 3, 132, 0, 33}),
		nist(elliptic.P256(), asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}),
		nist(elliptic.P384(), asn1.ObjectIdentifier{1, 3, 132, 0, 34}),
		nist(elliptic.P521(), asn1.ObjectIdentifier{1, 3, 132, 0, 35}),
	}
	// RFC 5639 clause 4.1: brainpoolPXXXr1 is 1.3.36.3.3.2.8.1.1.{5,7,9,11,13}.
	for i, name := range group.BrainpoolNames {
		c := group.Brainpool(name)
		cs = append(cs, knownCurve{curve: c, a: c.A(), oid: asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 5 + 2*i}})
	}
	return cs
})

// curveA returns the coefficient a of a known curve (p-3 for the NIST
// ones), nil for any other.
func curveA(c elliptic.Curve) *big.Int {
	for _, k := range knownCurves() {
		if k.curve == c {
			return k.a
		}
	}
	return nil
}

func curveByOID(oid asn1.ObjectIdentifier) elliptic.Curve {
	for _, k := range knownCurves() {
		if k.oid.Equal(oid) {
			return k.curve
		}
	}
	return nil
}

// curveByDomain recognises explicit domain parameters: prime p,
// coefficients a and b, the generator g (an uncompressed point) and the
// order n, as big-endian integers (leading zeros allowed). Every one must
// match a known curve; the caller checks the cofactor. Nil for an unknown
// curve.
func curveByDomain(p, a, b, g, n []byte) elliptic.Curve {
	eq := func(x []byte, y *big.Int) bool { return new(big.Int).SetBytes(x).Cmp(y) == 0 }
	for _, k := range knownCurves() {
		cp := k.curve.Params()
		if !eq(p, cp.P) || !eq(a, k.a) || !eq(b, cp.B) || !eq(n, cp.N) {
			continue
		}
		l := (cp.BitSize + 7) / 8
		if len(g) != 1+2*l || g[0] != 4 || !eq(g[1:1+l], cp.Gx) || !eq(g[1+l:], cp.Gy) {
			continue
		}
		return k.curve
	}
	return nil
}

// ecPublicKey decodes an uncompressed point of a known curve.
func ecPublicKey(curve elliptic.Curve, b []byte) (*ecdsa.PublicKey, error) {
	n := (curve.Params().BitSize + 7) / 8
	if len(b) != 1+2*n || b[0] != 4 {
		return nil, errors.New("public point is not an uncompressed point of the curve")
	}
	if _, custom := curve.(*group.Curve); !custom {
		k, err := ecdsa.ParseUncompressedPublicKey(curve, b)
		if err != nil {
			return nil, errors.New("public point is not on the curve")
		}
		return k, nil
	}
	x, y := new(big.Int).SetBytes(b[1:1+n]), new(big.Int).SetBytes(b[1+n:])
	if !curve.IsOnCurve(x, y) {
		return nil, errors.New("public point is not on the curve")
	}
	return &ecdsa.PublicKey{Curve: curve, X: x, Y: y}, nil
}

// ecPoint encodes the uncompressed point 04 || X || Y of an ECDSA key.
func ecPoint(k *ecdsa.PublicKey) ([]byte, error) {
	if _, custom := k.Curve.(*group.Curve); !custom {
		return k.Bytes()
	}
	n := (k.Curve.Params().BitSize + 7) / 8
	if k.X == nil || k.Y == nil || !k.Curve.IsOnCurve(k.X, k.Y) {
		return nil, errors.New("public point is not on the curve")
	}
	out := make([]byte, 1+2*n)
	out[0] = 4
	k.X.FillBytes(out[1 : 1+n])
	k.Y.FillBytes(out[1+n:])
	return out, nil
}

// customPrivateKey builds the private key d on a curve other than the NIST
// ones (for which crypto/ecdsa has ParseRawPrivateKey); d is in [1, n).
func customPrivateKey(curve elliptic.Curve, d *big.Int) *ecdsa.PrivateKey {
	x, y := curve.ScalarBaseMult(d.Bytes())
	return &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: curve, X: x, Y: y}, D: d}
}
