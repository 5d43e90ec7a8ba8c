package emrtd

import (
	"crypto/elliptic"
	"fmt"
	"io"
	"math/big"
)

// group is a PACE domain: a finite-field DH group or an elliptic curve.
// Elements are *big.Int (DH) or *ecPoint (ECDH). Generic Mapping changes the
// generator, so a group value carries its generator.
type group interface {
	// order of the generator
	order() *big.Int
	gen() any
	mul(e any, k *big.Int) any
	add(a, b any) any
	equal(a, b any) bool
	encode(e any) []byte
	decode(b []byte) (any, error)
	// secret is the shared-secret encoding (DH: the element; ECDH: x).
	secret(e any) []byte
	withGen(g any) group
	isDH() bool
	name() string
}

func byteLen(n *big.Int) int { return (n.BitLen() + 7) / 8 }

// randScalar reads a private key in [1, q-1] from r, rejecting out-of-range
// values; it reads byteLen(q) bytes per attempt, masking excess top bits.
func randScalar(r io.Reader, q *big.Int) (*big.Int, error) {
	n := byteLen(q)
	excess := uint(n*8 - q.BitLen())
	for range 64 {
		b, err := readRand(r, n)
		if err != nil {
			return nil, err
		}
		b[0] &= 0xFF >> excess
		k := new(big.Int).SetBytes(b)
		if k.Sign() > 0 && k.Cmp(q) < 0 {
			return k, nil
		}
	}
	return nil, fmt.Errorf("emrtd: randomness source keeps giving out-of-range scalars")
}

func leftPad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	out := make([]byte, n)
	copy(out[n-len(b):], b)
	return out
}

// ---- finite-field DH ----

type dhGroup struct {
	label   string
	p, q, g *big.Int
}

func (d *dhGroup) order() *big.Int { return d.q }
func (d *dhGroup) gen() any        { return d.g }
func (d *dhGroup) isDH() bool      { return true }
func (d *dhGroup) name() string    { return d.label }
func (d *dhGroup) mul(e any, k *big.Int) any {
	return new(big.Int).Exp(e.(*big.Int), k, d.p)
}
func (d *dhGroup) add(a, b any) any {
	r := new(big.Int).Mul(a.(*big.Int), b.(*big.Int))
	return r.Mod(r, d.p)
}
func (d *dhGroup) equal(a, b any) bool { return a.(*big.Int).Cmp(b.(*big.Int)) == 0 }
func (d *dhGroup) encode(e any) []byte { return leftPad(e.(*big.Int).Bytes(), byteLen(d.p)) }
func (d *dhGroup) secret(e any) []byte { return d.encode(e) }
func (d *dhGroup) withGen(g any) group {
	c := *d
	c.g = g.(*big.Int)
	return &c
}

// decode checks 1 < y < p-1 and y^q = 1 (membership in the order-q subgroup).
func (d *dhGroup) decode(b []byte) (any, error) {
	if len(b) == 0 || len(b) > byteLen(d.p) {
		return nil, fmt.Errorf("DH public value of %d bytes, want at most %d", len(b), byteLen(d.p))
	}
	y := new(big.Int).SetBytes(b)
	pm1 := new(big.Int).Sub(d.p, big.NewInt(1))
	if y.Cmp(big.NewInt(1)) <= 0 || y.Cmp(pm1) >= 0 {
		return nil, fmt.Errorf("DH public value out of range")
	}
	if new(big.Int).Exp(y, d.q, d.p).Cmp(big.NewInt(1)) != 0 {
		return nil, fmt.Errorf("DH public value not in the prime-order subgroup")
	}
	return y, nil
}

// ---- elliptic curves over GF(p), y^2 = x^3 + ax + b ----

type ecPoint struct{ x, y *big.Int } // nil *ecPoint is the point at infinity

type ecGroup struct {
	label    string
	p, a, b  *big.Int
	n        *big.Int
	g        *ecPoint
	coordLen int
}

func (c *ecGroup) order() *big.Int { return c.n }
func (c *ecGroup) gen() any        { return c.g }
func (c *ecGroup) isDH() bool      { return false }
func (c *ecGroup) name() string    { return c.label }
func (c *ecGroup) withGen(g any) group {
	d := *c
	d.g = g.(*ecPoint)
	return &d
}

func (c *ecGroup) equal(a, b any) bool {
	pa, pb := a.(*ecPoint), b.(*ecPoint)
	if pa == nil || pb == nil {
		return pa == pb
	}
	return pa.x.Cmp(pb.x) == 0 && pa.y.Cmp(pb.y) == 0
}

func (c *ecGroup) encode(e any) []byte {
	pt := e.(*ecPoint)
	out := make([]byte, 1+2*c.coordLen)
	out[0] = 0x04
	if pt == nil {
		return out
	}
	pt.x.FillBytes(out[1 : 1+c.coordLen])
	pt.y.FillBytes(out[1+c.coordLen:])
	return out
}

func (c *ecGroup) secret(e any) []byte {
	pt := e.(*ecPoint)
	out := make([]byte, c.coordLen)
	if pt != nil {
		pt.x.FillBytes(out)
	}
	return out
}

func (c *ecGroup) onCurve(x, y *big.Int) bool {
	if x.Sign() < 0 || x.Cmp(c.p) >= 0 || y.Sign() < 0 || y.Cmp(c.p) >= 0 {
		return false
	}
	l := new(big.Int).Mul(y, y)
	l.Mod(l, c.p)
	r := new(big.Int).Mul(x, x)
	r.Add(r, c.a)
	r.Mul(r, x)
	r.Add(r, c.b)
	r.Mod(r, c.p)
	return l.Cmp(r) == 0
}

// decode accepts an uncompressed point on the curve, not at infinity.
func (c *ecGroup) decode(b []byte) (any, error) {
	if len(b) != 1+2*c.coordLen || b[0] != 0x04 {
		return nil, fmt.Errorf("EC point of %d bytes, want uncompressed %d", len(b), 1+2*c.coordLen)
	}
	x := new(big.Int).SetBytes(b[1 : 1+c.coordLen])
	y := new(big.Int).SetBytes(b[1+c.coordLen:])
	if !c.onCurve(x, y) {
		return nil, fmt.Errorf("EC point not on %s", c.label)
	}
	return &ecPoint{x, y}, nil
}

// Jacobian coordinates: (X, Y, Z) is (X/Z^2, Y/Z^3); Z = 0 is infinity.
type jac struct{ x, y, z big.Int }

// ecCalc holds scratch integers so that a scalar multiplication allocates
// little. Not safe for concurrent use; one per call.
type ecCalc struct {
	c *ecGroup
	t [12]big.Int
	q big.Int
}

// mod reduces x into [0, p) reusing the quotient's storage.
func (k *ecCalc) mod(x *big.Int) {
	k.q.QuoRem(x, k.c.p, x)
	if x.Sign() < 0 {
		x.Add(x, k.c.p)
	}
}

func (k *ecCalc) setAffine(j *jac, p *ecPoint) {
	if p == nil {
		j.z.SetInt64(0)
		return
	}
	j.x.Set(p.x)
	j.y.Set(p.y)
	j.z.SetInt64(1)
}

func (k *ecCalc) affine(j *jac) *ecPoint {
	if j.z.Sign() == 0 {
		return nil
	}
	p := k.c.p
	zi := new(big.Int).ModInverse(&j.z, p)
	zi2 := new(big.Int).Mul(zi, zi)
	zi2.Mod(zi2, p)
	x := new(big.Int).Mul(&j.x, zi2)
	x.Mod(x, p)
	zi2.Mul(zi2, zi)
	y := new(big.Int).Mul(&j.y, zi2)
	y.Mod(y, p)
	return &ecPoint{x, y}
}

// double sets r = 2a; r may alias a.
func (k *ecCalc) double(r, a *jac) {
	if a.z.Sign() == 0 || a.y.Sign() == 0 {
		r.z.SetInt64(0)
		return
	}
	xx, yy, yyyy, zz, s, m, x3, y3, z3 := &k.t[0], &k.t[1], &k.t[2], &k.t[3], &k.t[4], &k.t[5], &k.t[6], &k.t[7], &k.t[8]
	xx.Mul(&a.x, &a.x)
	k.mod(xx)
	yy.Mul(&a.y, &a.y)
	k.mod(yy)
	yyyy.Mul(yy, yy)
	k.mod(yyyy)
	zz.Mul(&a.z, &a.z)
	k.mod(zz)
	s.Mul(&a.x, yy)
	s.Lsh(s, 2)
	k.mod(s)
	m.Mul(zz, zz)
	k.mod(m)
	m.Mul(m, k.c.a)
	xx.Mul(xx, big3)
	m.Add(m, xx)
	k.mod(m)
	x3.Mul(m, m)
	x3.Sub(x3, s)
	x3.Sub(x3, s)
	k.mod(x3)
	y3.Sub(s, x3)
	y3.Mul(y3, m)
	yyyy.Lsh(yyyy, 3)
	y3.Sub(y3, yyyy)
	k.mod(y3)
	z3.Mul(&a.y, &a.z)
	z3.Lsh(z3, 1)
	k.mod(z3)
	r.x.Set(x3)
	r.y.Set(y3)
	r.z.Set(z3)
}

var big3 = big.NewInt(3)

// add sets r = a + b; r may alias a.
func (k *ecCalc) add(r, a, b *jac) {
	if a.z.Sign() == 0 {
		r.x.Set(&b.x)
		r.y.Set(&b.y)
		r.z.Set(&b.z)
		return
	}
	if b.z.Sign() == 0 {
		if r != a {
			r.x.Set(&a.x)
			r.y.Set(&a.y)
			r.z.Set(&a.z)
		}
		return
	}
	z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, x3 := &k.t[0], &k.t[1], &k.t[2], &k.t[3], &k.t[4], &k.t[5], &k.t[6], &k.t[7], &k.t[8], &k.t[9], &k.t[10], &k.t[11]
	z1z1.Mul(&a.z, &a.z)
	k.mod(z1z1)
	z2z2.Mul(&b.z, &b.z)
	k.mod(z2z2)
	u1.Mul(&a.x, z2z2)
	k.mod(u1)
	u2.Mul(&b.x, z1z1)
	k.mod(u2)
	s1.Mul(&b.z, z2z2)
	k.mod(s1)
	s1.Mul(s1, &a.y)
	k.mod(s1)
	s2.Mul(&a.z, z1z1)
	k.mod(s2)
	s2.Mul(s2, &b.y)
	k.mod(s2)
	if u1.Cmp(u2) == 0 {
		if s1.Cmp(s2) != 0 {
			r.z.SetInt64(0)
			return
		}
		k.double(r, a)
		return
	}
	h.Sub(u2, u1)
	k.mod(h)
	rr.Sub(s2, s1)
	k.mod(rr)
	hh.Mul(h, h)
	k.mod(hh)
	hhh.Mul(hh, h)
	k.mod(hhh)
	v.Mul(u1, hh)
	k.mod(v)
	x3.Mul(rr, rr)
	x3.Sub(x3, hhh)
	x3.Sub(x3, v)
	x3.Sub(x3, v)
	k.mod(x3)
	// y3 = r*(v - x3) - s1*hhh, reusing u2 and s2
	u2.Sub(v, x3)
	u2.Mul(u2, rr)
	s2.Mul(s1, hhh)
	u2.Sub(u2, s2)
	k.mod(u2)
	// z3 = z1*z2*h, reusing z1z1
	z1z1.Mul(&a.z, &b.z)
	k.mod(z1z1)
	z1z1.Mul(z1z1, h)
	k.mod(z1z1)
	r.x.Set(x3)
	r.y.Set(u2)
	r.z.Set(z1z1)
}

func (c *ecGroup) add(a, b any) any {
	k := &ecCalc{c: c}
	var ja, jb jac
	k.setAffine(&ja, a.(*ecPoint))
	k.setAffine(&jb, b.(*ecPoint))
	k.add(&ja, &ja, &jb)
	return k.affine(&ja)
}

// mul computes k*e with a 4-bit fixed window.
func (c *ecGroup) mul(e any, n *big.Int) any {
	k := &ecCalc{c: c}
	var table [16]jac
	k.setAffine(&table[1], e.(*ecPoint))
	for i := 2; i < 16; i++ {
		k.add(&table[i], &table[i-1], &table[1])
	}
	var acc jac
	acc.z.SetInt64(0)
	words := (n.BitLen() + 3) / 4
	for i := words - 1; i >= 0; i-- {
		for range 4 {
			k.double(&acc, &acc)
		}
		w := n.Bit(4*i) | n.Bit(4*i+1)<<1 | n.Bit(4*i+2)<<2 | n.Bit(4*i+3)<<3
		if w != 0 {
			k.add(&acc, &acc, &table[w])
		}
	}
	return k.affine(&acc)
}

// ---- standardized domain parameters (ICAO Doc 9303-11 clause 9.5.1) ----

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("emrtd: bad built-in constant")
	}
	return n
}

// RFC 5114 clause 2.1, 2.2, 2.3.
func rfc5114(id int) *dhGroup {
	switch id {
	case 0:
		return &dhGroup{label: "1024-bit MODP group with 160-bit prime order subgroup (RFC 5114 2.1)",
			p: mustHex("B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371"),
			g: mustHex("A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5"),
			q: mustHex("F518AA8781A8DF278ABA4E7D64B7CB9D49462353")}
	case 1:
		return &dhGroup{label: "2048-bit MODP group with 224-bit prime order subgroup (RFC 5114 2.2)",
			p: mustHex("AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A66D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A317091883681286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A07415987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F"),
			g: mustHex("AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98AE247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D119529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8ACB70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA"),
			q: mustHex("801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB")}
	case 2:
		return &dhGroup{label: "2048-bit MODP group with 256-bit prime order subgroup (RFC 5114 2.3)",
			p: mustHex("87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597"),
			g: mustHex("3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659"),
			q: mustHex("8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3")}
	}
	return nil
}

func nistCurve(label string, c elliptic.Curve) *ecGroup {
	p := c.Params()
	return &ecGroup{label: label, p: p.P, a: new(big.Int).Sub(p.P, big.NewInt(3)), b: p.B, n: p.N,
		g: &ecPoint{p.Gx, p.Gy}, coordLen: byteLen(p.P)}
}

// brainpoolP256r1 (RFC 5639 clause 3.4).
func brainpoolP256r1() *ecGroup {
	p := mustHex("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377")
	return &ecGroup{label: "brainpoolP256r1", p: p,
		a:        mustHex("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
		b:        mustHex("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
		n:        mustHex("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
		g:        &ecPoint{mustHex("8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"), mustHex("547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997")},
		coordLen: 32}
}

// standardGroup returns the standardized domain parameters for id, or nil
// if ciekit does not implement them. Each call returns a fresh value.
func standardGroup(id int) group {
	switch id {
	case 0, 1, 2:
		return rfc5114(id)
	case 10:
		return nistCurve("NIST P-224", elliptic.P224())
	case 12:
		return nistCurve("NIST P-256", elliptic.P256())
	case 13:
		return brainpoolP256r1()
	case 15:
		return nistCurve("NIST P-384", elliptic.P384())
	case 18:
		return nistCurve("NIST P-521", elliptic.P521())
	}
	return nil
}
