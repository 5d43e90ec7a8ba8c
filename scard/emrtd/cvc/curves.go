//lint:file-ignore SA1019 crypto/ecdsa holds a key on a curve other than the NIST ones (brainpool) only through elliptic.Curve and the X, Y and D fields deprecated in Go 1.26; this file is where ciekit touches them.

package cvc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"math/big"

	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// curveA returns the coefficient a of a curve internal/group knows (p-3
// for the NIST ones), nil for any other.
func curveA(c elliptic.Curve) *big.Int {
	if k := group.CurveOf(c); k != nil {
		return k.A
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
