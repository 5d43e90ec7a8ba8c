package group

import (
	"crypto/elliptic"
	"math/big"
	"sync"
)

// Curve adapts an [EC] to the crypto/elliptic Curve interface, so that
// crypto/ecdsa verifies (and, for test keys, signs) on curves Go does not
// implement, such as the brainpool curves of TR-03110 terminal
// authentication: crypto/ecdsa takes its generic path for any curve other
// than the four NIST ones. The point at infinity is (0, 0), as crypto/ecdsa
// expects. The arithmetic is [EC]'s: math/big, not constant time, so a
// private key on such a curve should be a test key (production keys live in
// an HSM behind a crypto.Signer).
type Curve struct {
	ec     *EC
	params *elliptic.CurveParams
}

func newCurve(ec *EC) *Curve {
	return &Curve{ec: ec, params: &elliptic.CurveParams{
		P: ec.p, N: ec.n, B: ec.b, Gx: ec.g.X, Gy: ec.g.Y,
		BitSize: ec.p.BitLen(), Name: ec.label,
	}}
}

// Params returns the curve's parameters. B is the curve's b; the curve's a
// is [Curve.A], not -3 as CurveParams' own methods would assume, so never
// call those methods on the result.
func (c *Curve) Params() *elliptic.CurveParams { return c.params }

// A returns a copy of the coefficient a of y^2 = x^3 + ax + b.
func (c *Curve) A() *big.Int { return new(big.Int).Set(c.ec.a) }

// IsOnCurve reports whether (x, y) is an affine point of the curve.
func (c *Curve) IsOnCurve(x, y *big.Int) bool { return c.ec.onCurve(x, y) }

func (c *Curve) point(x, y *big.Int) *Point {
	if x.Sign() == 0 && y.Sign() == 0 {
		return nil
	}
	return &Point{X: x, Y: y}
}

func (c *Curve) coords(e any) (x, y *big.Int) {
	p := e.(*Point)
	if p == nil {
		return new(big.Int), new(big.Int)
	}
	return p.X, p.Y
}

// Add returns (x1, y1) + (x2, y2).
func (c *Curve) Add(x1, y1, x2, y2 *big.Int) (x, y *big.Int) {
	return c.coords(c.ec.Add(c.point(x1, y1), c.point(x2, y2)))
}

// Double returns 2(x1, y1).
func (c *Curve) Double(x1, y1 *big.Int) (x, y *big.Int) {
	p := c.point(x1, y1)
	return c.coords(c.ec.Add(p, p))
}

// ScalarMult returns k(x1, y1), k a big-endian integer.
func (c *Curve) ScalarMult(x1, y1 *big.Int, k []byte) (x, y *big.Int) {
	return c.coords(c.ec.Mul(c.point(x1, y1), new(big.Int).SetBytes(k)))
}

// ScalarBaseMult returns kG, k a big-endian integer.
func (c *Curve) ScalarBaseMult(k []byte) (x, y *big.Int) {
	return c.coords(c.ec.Mul(c.ec.g, new(big.Int).SetBytes(k)))
}

// brainpoolHex holds the domain parameters of RFC 5639 clause 3 (p, a, b,
// Gx, Gy, n; cofactor 1) of the brainpool r1 curves other than P256r1, which
// group.go defines for PACE.
var brainpoolHex = map[string][6]string{
	"brainpoolP224r1": {
		"D7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF",
		"68A5E62CA9CE6C1C299803A6C1530B514E182AD8B0042A59CAD29F43",
		"2580F63CCFE44138870713B1A92369E33E2135D266DBB372386C400B",
		"0D9029AD2C7E5CF4340823B2A87DC68C9E4CE3174C1E6EFDEE12C07D",
		"58AA56F772C0726F24C6B89E4ECDAC24354B9E99CAA3F6D3761402CD",
		"D7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F"},
	"brainpoolP320r1": {
		"D35E472036BC4FB7E13C785ED201E065F98FCFA6F6F40DEF4F92B9EC7893EC28FCD412B1F1B32E27",
		"3EE30B568FBAB0F883CCEBD46D3F3BB8A2A73513F5EB79DA66190EB085FFA9F492F375A97D860EB4",
		"520883949DFDBC42D3AD198640688A6FE13F41349554B49ACC31DCCD884539816F5EB4AC8FB1F1A6",
		"43BD7E9AFB53D8B85289BCC48EE5BFE6F20137D10A087EB6E7871E2A10A599C710AF8D0D39E20611",
		"14FDD05545EC1CC8AB4093247F77275E0743FFED117182EAA9C77877AAAC6AC7D35245D1692E8EE1",
		"D35E472036BC4FB7E13C785ED201E065F98FCFA5B68F12A32D482EC7EE8658E98691555B44C59311"},
	"brainpoolP384r1": {
		"8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53",
		"7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826",
		"04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11",
		"1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E",
		"8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315",
		"8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565"},
	"brainpoolP512r1": {
		"AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
		"7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA",
		"3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723",
		"81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822",
		"7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892",
		"AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069"},
}

// BrainpoolNames lists the brainpool r1 curves [Brainpool] knows, by size.
var BrainpoolNames = []string{"brainpoolP224r1", "brainpoolP256r1", "brainpoolP320r1", "brainpoolP384r1", "brainpoolP512r1"}

var brainpoolCurves = sync.OnceValue(func() map[string]*Curve {
	m := map[string]*Curve{"brainpoolP256r1": newCurve(brainpoolP256r1())}
	for name, h := range brainpoolHex {
		p := mustHex(h[0])
		m[name] = newCurve(&EC{label: name, p: p, a: mustHex(h[1]), b: mustHex(h[2]),
			g: &Point{mustHex(h[3]), mustHex(h[4])}, n: mustHex(h[5]), coordLen: byteLen(p)})
	}
	return m
})

// Brainpool returns the brainpool r1 curve of RFC 5639 named name (one of
// [BrainpoolNames]), or nil. Each name always gives the same *Curve, so
// that crypto/ecdsa's PublicKey.Equal works on its keys.
func Brainpool(name string) *Curve { return brainpoolCurves()[name] }
