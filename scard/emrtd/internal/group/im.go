package group

import (
	"errors"
	"math/big"
)

// Field returns the modulus of the field the group lives in: p of a DH
// group, the field prime of a curve. PACE Integrated Mapping reduces its
// pseudo-random number modulo this prime (ICAO Doc 9303-11 4.4.3.3.2).
func Field(g Group) *big.Int {
	switch g := g.(type) {
	case *DH:
		return g.P
	case *EC:
		return g.p
	}
	return nil
}

// CanMap reports whether [Map] works on g: every DH group, and the curves
// whose field prime is 3 mod 4 (the point encoding of ICAO Doc 9303-11
// appendix B needs it; NIST P-224 does not qualify).
func CanMap(g Group) bool {
	switch g := g.(type) {
	case *DH:
		return true
	case *EC:
		return g.p.Bit(0) == 1 && g.p.Bit(1) == 1
	}
	return false
}

// ErrDegenerate is returned by [Map] when the mapped generator is the
// identity (or the input is out of range), which the protocol must refuse.
var ErrDegenerate = errors.New("group: integrated mapping gives a degenerate generator")

// Map is the function f_G of PACE Integrated Mapping (ICAO Doc 9303-11
// 4.4.3.3.2): for DH, f_g(x) = x^((p-1)/q) mod p; for a curve, the point
// encoding of Brier, Coron, Icart, Madore, Randriam and Tibouchi in the
// affine form of ICAO Doc 9303-11 appendix B.2 (cofactor 1 for every curve
// this package implements). x must be in [1, p-1].
func Map(g Group, x *big.Int) (any, error) {
	switch g := g.(type) {
	case *DH:
		if x.Sign() <= 0 || x.Cmp(g.P) >= 0 {
			return nil, ErrDegenerate
		}
		a := new(big.Int).Sub(g.P, big.NewInt(1))
		a.Div(a, g.Q)
		r := new(big.Int).Exp(x, a, g.P)
		if r.Cmp(big.NewInt(1)) == 0 {
			return nil, ErrDegenerate
		}
		return r, nil
	case *EC:
		if !CanMap(g) {
			return nil, errors.New("group: point encoding needs p = 3 mod 4")
		}
		return g.encodePoint(x)
	}
	return nil, errors.New("group: unknown group")
}

// encodePoint is ICAO Doc 9303-11 appendix B.2 with 0 < t < p.
func (c *EC) encodePoint(t *big.Int) (*Point, error) {
	p := c.p
	if t.Sign() <= 0 || t.Cmp(p) >= 0 {
		return nil, ErrDegenerate
	}
	mod := func(z *big.Int) *big.Int { return z.Mod(z, p) }
	// 1. alpha = -t^2
	alpha := new(big.Int).Mul(t, t)
	alpha.Neg(alpha)
	mod(alpha)
	// 2. X2 = -b * a^-1 * (1 + (alpha + alpha^2)^-1)
	aa := new(big.Int).Mul(alpha, alpha)
	aa.Add(aa, alpha)
	mod(aa)
	if aa.Sign() == 0 || c.a.Sign() == 0 {
		return nil, ErrDegenerate
	}
	inv := new(big.Int).ModInverse(aa, p)
	inv.Add(inv, big.NewInt(1))
	ainv := new(big.Int).ModInverse(c.a, p)
	x2 := new(big.Int).Neg(c.b)
	x2.Mul(x2, ainv)
	mod(x2)
	x2.Mul(x2, inv)
	mod(x2)
	// 3. X3 = alpha * X2
	x3 := new(big.Int).Mul(alpha, x2)
	mod(x3)
	rhs := func(x *big.Int) *big.Int {
		r := new(big.Int).Mul(x, x)
		r.Add(r, c.a)
		r.Mul(r, x)
		r.Add(r, c.b)
		return mod(r)
	}
	// 4-6. h2 = X2^3 + a X2 + b; U = t^3 h2
	h2 := rhs(x2)
	u := new(big.Int).Mul(t, t)
	u.Mul(u, t)
	u.Mul(u, h2)
	mod(u)
	// 7. A = h2^(p-1-(p+1)/4)
	e := new(big.Int).Add(p, big.NewInt(1))
	e.Rsh(e, 2)
	e.Sub(new(big.Int).Sub(p, big.NewInt(1)), e)
	a := new(big.Int).Exp(h2, e, p)
	// 8-9.
	chk := new(big.Int).Mul(a, a)
	chk.Mul(chk, h2)
	mod(chk)
	var pt *Point
	if chk.Cmp(big.NewInt(1)) == 0 {
		y := new(big.Int).Mul(a, h2)
		pt = &Point{x2, mod(y)}
	} else {
		y := new(big.Int).Mul(a, u)
		pt = &Point{x3, mod(y)}
	}
	if !c.onCurve(pt.X, pt.Y) {
		return nil, ErrDegenerate
	}
	return pt, nil
}
