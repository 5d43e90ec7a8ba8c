package cardsim

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"io"
	"math/big"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/ias"
)

// The card side of the IAS secure channel (DH key agreement, DAPP device
// authentication and IAS secure messaging) as a CIE answers the public CIE
// middleware. The terminal side lives in scard/ias; this file reads the
// same commands from the card's point of view and is checked against the
// middleware's own transcripts (scard/ias/testdata).

// iasCA is the card's external-authentication CA key (key 84): the
// terminal certificate is verified with it. Its private exponent is the
// one published in the CIE middleware, so the middleware and ciekit can
// both sign terminal certificates for the simulator; the modulus is the
// simulator's own.
type iasCA struct {
	n, e     *big.Int
	chr, cha []byte
}

// caPrivateExponent is ExtAuth_PrivExp of the public CIE middleware
// (cie-pkcs11/CSP/ExtAuthKey.cpp), the CA private exponent every CIE
// terminal uses.
var caPrivateExponent = mustBig("186B31488C25DCF85D953D3630C0D073BA1C6AA24581AD254F3B6719C5D72CCA3E5CDC5A1E5316578D75954FF73B237B532C9F8DE4A2C4C911385A23E63E33E47EE45E66EFD49B18E02CFF87598C39109E8F86A66BC330249CE3FCAD655DCDBF98C9C5E479321AF53B517D041061880A647BBE0FF8136834" +
	"70E6C50094CE81D064E204E351BD3AE0A7947D8E91C3FD5C0A15233C349A5215A4E66E21C5D33498E71991EA24473B29F1475F6FD9BE3996E19BD474FAD1B41EA0DCD2FC16C9BFFA071BFEC1B224151848" +
	"11C1985FBFE3E7B4F44A4B3C8DFAB4D90CECFC5E608D673E6762C62CB798341271149BA688162EC7D0E3468F65A94AB4AD1AB67E37BFC1")

// newIASCA makes a 2048-bit modulus for which caPrivateExponent is a
// valid private exponent, and the matching public exponent.
func newIASCA(r io.Reader) (*iasCA, error) {
	one := big.NewInt(1)
	for range 200 {
		p, err := genPrime(r, 1024)
		if err != nil {
			return nil, err
		}
		q, err := genPrime(r, 1024)
		if err != nil {
			return nil, err
		}
		n := new(big.Int).Mul(p, q)
		if p.Cmp(q) == 0 || n.BitLen() != 2048 {
			continue
		}
		p1, q1 := new(big.Int).Sub(p, one), new(big.Int).Sub(q, one)
		g := new(big.Int).GCD(nil, nil, p1, q1)
		lambda := new(big.Int).Div(new(big.Int).Mul(p1, q1), g)
		e := new(big.Int).ModInverse(caPrivateExponent, lambda)
		if e == nil {
			continue
		}
		return &iasCA{
			n: n, e: e,
			chr: []byte{0, 0, 0, 0, 'I', 'T', 'C', 'I', 'E', 'S', 'I', 'M'},
			cha: []byte{0xA0, 0x00, 0x00, 0x00, 0x00, 0x39, 0x00},
		}, nil
	}
	return nil, errors.New("cardsim: no CA modulus for the published CA exponent")
}

// iasChannel is the card side of one IAS secure channel.
type iasChannel struct {
	pubIFD, pubICC []byte
	kenc, kmac     secret.Value
	pending        bool // keys agreed, SM not yet started
	installed      bool // the IAS SM is the session's SM
	dst            bool // MSE:SET DST selected the CA key 84
	ifdN, ifdE     *big.Int
	ifdCHR         []byte
	chrOK          bool
	challenge      []byte // the open challenge, single use
	lastChallenge  []byte // RND.ICC, for the SSC after DAPP
	extAuth        bool   // the terminal passed EXTERNAL AUTHENTICATE
	authenticated  bool   // DAPP complete: PIN commands allowed
}

func (ch *iasChannel) close() {
	if ch == nil {
		return
	}
	ch.kenc.Zero()
	ch.kmac.Zero()
}

// iasSeed derives the CA key's seed from the card's own DAPP key, so that
// it is fixed for a card without drawing on the card's random source.
func iasSeed(k *rsa.PrivateKey) [8]byte {
	h := sha256.Sum256(k.N.Bytes())
	return [8]byte(h[:8])
}

// dhBytes returns g, p and q as the card sends them.
func dhBytes() (g, p, q []byte) {
	n := (dhP.BitLen() + 7) / 8
	return dhG.FillBytes(make([]byte, n)), dhP.FillBytes(make([]byte, n)), dhQ.FillBytes(make([]byte, (dhQ.BitLen()+7)/8))
}

// inIAS reports whether the IAS application or the CIE DF is selected
// (or the MF, which NXP chips use in its place).
func (c *CIE) inIAS() bool { return c.s.cur == c.ias || c.s.cur == c.ciedf || c.s.cur == c.mf }

// iasCAKey returns the card's CA key, made on first use from the seed
// drawn at NewCIE (the search for a modulus takes a while; most tests
// never open the channel).
func (c *CIE) iasCAKey() (*iasCA, error) {
	if c.iasca == nil {
		ca, err := newIASCA(DeterministicRand(binary.BigEndian.Uint64(c.iasSeed[:])))
		if err != nil {
			return nil, err
		}
		c.iasca = ca
	}
	return c.iasca, nil
}

// iasGetData answers GET DATA 00 CB 3F FF with the extended header lists
// the middleware sends: the DH parameters (BF A1 01), the CA key (BF A0
// 04) and the card's DH public key (A6 / 91).
func (c *CIE) iasGetData(cmd scard.Command) scard.Response {
	if cmd.P1 != 0x3F || cmd.P2 != 0xFF {
		return sw(scard.SWIncorrectP1P2)
	}
	if !c.inIAS() {
		return sw(scard.SWConditionsNotSatisfied)
	}
	g, p, q := dhBytes()
	sdo := func(tag tlv.Tag, inner tlv.Tag, values func(*tlv.Builder)) []byte {
		var b tlv.Builder
		b.AddConstructed(0x70, func(b *tlv.Builder) {
			b.AddConstructed(tag, func(b *tlv.Builder) { b.AddConstructed(inner, values) })
		})
		return b.Bytes()
	}
	switch string(cmd.Data) {
	case "\x4D\x08\x70\x06\xBF\xA1\x01\x02\xA3\x80": // DH parameters, all at once
		return ok(sdo(0xBFA101, 0xA3, func(b *tlv.Builder) { b.Add(0x97, g); b.Add(0x98, p); b.Add(0x99, q) }))
	case "\x4D\x0A\x70\x08\xBF\xA1\x01\x04\xA3\x02\x97\x00":
		return ok(sdo(0xBFA101, 0xA3, func(b *tlv.Builder) { b.Add(0x97, g) }))
	case "\x4D\x0A\x70\x08\xBF\xA1\x01\x04\xA3\x02\x98\x00":
		return ok(sdo(0xBFA101, 0xA3, func(b *tlv.Builder) { b.Add(0x98, p) }))
	case "\x4D\x0A\x70\x08\xBF\xA1\x01\x04\xA3\x02\x99\x00":
		return ok(sdo(0xBFA101, 0xA3, func(b *tlv.Builder) { b.Add(0x99, q) }))
	case "\x4D\x09\x70\x07\xBF\xA0\x04\x03\x7F\x49\x80": // CA key for the terminal certificate
		ca, err := c.iasCAKey()
		if err != nil {
			return sw(scard.SWUnknown)
		}
		return ok(sdo(0xBFA004, 0x7F49, func(b *tlv.Builder) {
			b.Add(0x81, ca.n.Bytes())
			b.Add(0x82, ca.e.Bytes())
			b.Add(0x5F20, ca.chr)
			b.Add(0x5F4C, ca.cha)
		}))
	case "\x4D\x04\xA6\x02\x91\x00": // the card's DH public key
		if c.s.iasc == nil || c.s.iasc.pubICC == nil {
			return sw(scard.SWConditionsNotSatisfied)
		}
		var b tlv.Builder
		b.AddConstructed(0xA6, func(b *tlv.Builder) { b.Add(0x91, c.s.iasc.pubICC) })
		return ok(b.Bytes())
	}
	return sw(scard.SWRefDataNotFound)
}

// iasKeyAgreement handles MSE:SET KAT 00 22 41 A6 [80 9B, 83 81, 91 PK.IFD]
// in the IAS application: it agrees the 3DES session keys, which take
// effect with the first secure-messaging command (SSC 00..01).
func (c *CIE) iasKeyAgreement(cmd scard.Command) scard.Response {
	if alg, ok1 := tlv.Find(cmd.Data, 0x80); ok1 && (len(alg) != 1 || alg[0] != 0x9B) {
		return sw(scard.SWWrongData)
	}
	if ref, ok1 := tlv.Find(cmd.Data, 0x83); !ok1 || len(ref) != 1 || ref[0] != 0x81 {
		return sw(scard.SWRefDataNotFound)
	}
	pk, ok1 := tlv.Find(cmd.Data, 0x91)
	g, p, _ := dhBytes()
	y := new(big.Int).SetBytes(pk)
	if !ok1 || len(pk) > len(p) || y.Cmp(big.NewInt(1)) <= 0 || y.Cmp(new(big.Int).Sub(dhP, big.NewInt(1))) >= 0 {
		return sw(scard.SWWrongData)
	}
	x, err := readRand(c.rand, 32)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	xi := new(big.Int).SetBytes(x)
	xi.Mod(xi, new(big.Int).Sub(dhQ, big.NewInt(2))).Add(xi, big.NewInt(2))
	clear(x)
	pub := new(big.Int).Exp(new(big.Int).SetBytes(g), xi, dhP).FillBytes(make([]byte, len(p)))
	z := new(big.Int).Exp(y, xi, dhP).FillBytes(make([]byte, len(p)))
	xi.SetInt64(0)
	c.s.iasc.close()
	c.s.iasc = &iasChannel{
		pubIFD: append([]byte(nil), pk...), pubICC: pub,
		kenc: secret.New(iasKDF(z, 1)), kmac: secret.New(iasKDF(z, 2)),
		pending: true,
	}
	clear(z)
	return ok(nil)
}

func iasKDF(z []byte, counter byte) []byte {
	h := sha256.New()
	h.Write(z)
	h.Write([]byte{0, 0, 0, counter})
	return h.Sum(nil)[:16]
}

// iasStartSM installs the agreed session for a secure-messaging command
// that arrives while no SM session is running.
func (c *CIE) iasStartSM() {
	ch := c.s.iasc
	if c.s.sm != nil || ch == nil || !ch.pending {
		return
	}
	ssc := []byte{0, 0, 0, 0, 0, 0, 0, 1}
	sm, err := scard.NewSecureMessaging(scard.CipherTDES, secret.Reveal(ch.kenc), secret.Reveal(ch.kmac), ssc)
	if err != nil {
		return
	}
	c.s.sm = sm
	ch.pending, ch.installed = false, true
}

// iasSM reports whether the running SM session is the IAS channel's.
func (c *CIE) iasSM() bool { return c.s.sm != nil && c.s.iasc != nil && c.s.iasc.installed }

// iasPlainStatus reports whether, in the IAS session, a response with
// this status word goes back unprotected: the middleware unwraps only
// 9000, 6282 and 6B00 and reads every other status word in the clear,
// leaving its SSC alone, and the card does not count them either. These
// are the status words of scard.PlainSMStatus but 6B00, plus the warnings
// 62xx other than 6282; ias.Client reads them as the middleware does.
func (c *CIE) iasPlainStatus(sw uint16) bool {
	return c.iasSM() && sw != scard.SWSuccess && sw != scard.SWEndOfFile && sw != scard.SWWrongP1P2
}

// iasPlainCommand is called for every plain command: it ends an
// installed IAS channel and the security status it carried (a pending key
// agreement survives: the middleware reads PK.ICC in plain).
func (c *CIE) iasPlainCommand() {
	if c.s.iasc != nil && c.s.iasc.installed {
		c.s.iasc.close()
		c.s.iasc = nil
		c.s.pinOK, c.s.pukOK = false, false
	}
}

// iasAuthenticated reports whether PIN commands are allowed: in the IAS
// secure messaging after DAPP, as on a real CIE.
func (c *CIE) iasAuthenticated() bool { return c.iasSM() && c.s.iasc.authenticated }

// iasMSE handles the MSE:SET variants of the IAS channel and of signing:
// 81 B6 (DST for the terminal certificate), 81 A4 (the terminal's CHR),
// 41 A4 (the key for INTERNAL AUTHENTICATE: 82 DAPP, 83 NIS, 81 the
// authentication key).
func (c *CIE) iasMSE(cmd scard.Command) scard.Response {
	ch := c.s.iasc
	switch {
	case cmd.P1 == 0x81 && cmd.P2 == 0xB6:
		if !c.iasSM() {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
		ref, ok1 := tlv.Find(cmd.Data, 0x83)
		if !ok1 || len(ref) != 1 || ref[0] != 0x84 {
			return sw(scard.SWRefDataNotFound)
		}
		if alg, ok2 := tlv.Find(cmd.Data, 0x80); !ok2 || len(alg) != 1 || alg[0] != 0x41 {
			return sw(scard.SWWrongData)
		}
		ch.dst = true
		return ok(nil)
	case cmd.P1 == 0x81 && cmd.P2 == 0xA4:
		if !c.iasSM() {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
		chr, ok1 := tlv.Find(cmd.Data, 0x83)
		if !ok1 || ch.ifdCHR == nil || subtle.ConstantTimeCompare(chr, ch.ifdCHR) != 1 {
			return sw(scard.SWRefDataNotFound)
		}
		ch.chrOK = true
		return ok(nil)
	case cmd.P1 == 0x41 && cmd.P2 == 0xA4:
		if !c.inIAS() {
			return sw(scard.SWConditionsNotSatisfied)
		}
		ref, ok1 := tlv.Find(cmd.Data, 0x84)
		if !ok1 || len(ref) != 1 {
			return sw(scard.SWWrongData)
		}
		alg, hasAlg := tlv.Find(cmd.Data, 0x80)
		switch ref[0] {
		case 0x82:
			if !c.iasSM() || !ch.extAuth {
				return sw(scard.SWSecurityStatusNotSatisfied)
			}
			if !hasAlg || len(alg) != 1 || alg[0] != 0x9B {
				return sw(scard.SWWrongData)
			}
		case 0x83, 0x81:
			if hasAlg && (len(alg) != 1 || alg[0] != 0x02) {
				return sw(scard.SWWrongData)
			}
		default:
			return sw(scard.SWRefDataNotFound)
		}
		c.s.mseKey = ref[0]
		return ok(nil)
	}
	return sw(scard.SWIncorrectP1P2)
}

// iasVerifyCertificate handles PSO:VERIFY CERTIFICATE 00 2A 00 AE with the
// terminal's card-verifiable certificate 7F21 {5F37 signature, 5F38
// remainder, 42 CAR}: ISO 9796-2 scheme 1 with SHA-256 under the CA key.
func (c *CIE) iasVerifyCertificate(cmd scard.Command) scard.Response {
	ch := c.s.iasc
	if cmd.P1 != 0x00 || cmd.P2 != 0xAE {
		return sw(scard.SWIncorrectP1P2)
	}
	if !c.iasSM() || !ch.dst {
		return sw(scard.SWConditionsNotSatisfied)
	}
	ca, err := c.iasCAKey()
	if err != nil {
		return sw(scard.SWUnknown)
	}
	body, err := iasOpenCertificate(cmd.Data, ca)
	if err != nil {
		return sw(scard.SWWrongData)
	}
	car := ca.chr[4:]
	// CPI 8A || CAR || CHR(12) || CHA(7) || OID(9) || modulus || exponent(4)
	fixed := 1 + len(car) + 12 + 7 + 9
	if len(body) < fixed+64+4 || body[0] != 0x8A || subtle.ConstantTimeCompare(body[1:1+len(car)], car) != 1 {
		return sw(scard.SWWrongData)
	}
	ch.ifdCHR = append([]byte(nil), body[1+len(car):1+len(car)+12]...)
	key := body[fixed:]
	ch.ifdN = new(big.Int).SetBytes(key[:len(key)-4])
	ch.ifdE = new(big.Int).SetBytes(key[len(key)-4:])
	ch.chrOK = false
	return ok(nil)
}

// iasOpenCertificate checks the certificate's signature and returns its
// body.
func iasOpenCertificate(cert []byte, ca *iasCA) ([]byte, error) {
	v, err := tlv.Unwrap(cert, 0x7F21)
	if err != nil {
		return nil, err
	}
	sig, ok1 := tlv.Find(v, 0x5F37)
	rem, ok2 := tlv.Find(v, 0x5F38)
	car, ok3 := tlv.Find(v, 0x42)
	k := (ca.n.BitLen() + 7) / 8
	if !ok1 || !ok2 || !ok3 || len(sig) > k || subtle.ConstantTimeCompare(car, ca.chr[4:]) != 1 {
		return nil, errors.New("bad certificate")
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(ca.n) >= 0 {
		return nil, errors.New("bad signature")
	}
	m := new(big.Int).Exp(s, ca.e, ca.n).FillBytes(make([]byte, k))
	if m[0] != 0x6A || m[k-1] != 0xBC {
		return nil, errors.New("bad signature")
	}
	body := append(append([]byte(nil), m[1:k-33]...), rem...)
	h := sha256.Sum256(body)
	if subtle.ConstantTimeCompare(h[:], m[k-33:k-1]) != 1 {
		return nil, errors.New("bad signature")
	}
	return body, nil
}

// iasExternalAuthenticate checks the terminal's answer to the challenge:
// SN.IFD (8) || ISO 9796-2 signature of SHA-256(PRND || PK.IFD || SN.IFD ||
// RND.ICC || PK.ICC || g || p || q).
func (c *CIE) iasExternalAuthenticate(cmd scard.Command) scard.Response {
	ch := c.s.iasc
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	if !c.iasSM() || !ch.chrOK || len(ch.challenge) != 8 {
		return sw(scard.SWConditionsNotSatisfied)
	}
	challenge := ch.challenge
	ch.challenge = nil // one try per challenge
	k := (ch.ifdN.BitLen() + 7) / 8
	if len(cmd.Data) < 9 || len(cmd.Data)-8 > k {
		return sw(scard.SWWrongLength)
	}
	sn, sig := cmd.Data[:8], cmd.Data[8:]
	s := new(big.Int).SetBytes(sig)
	if subtle.ConstantTimeCompare(sn, ch.ifdCHR[4:]) != 1 || s.Cmp(ch.ifdN) >= 0 {
		return sw(scard.SWNoInformation)
	}
	m := new(big.Int).Exp(s, ch.ifdE, ch.ifdN).FillBytes(make([]byte, k))
	if k < 35 || m[0] != 0x6A || m[k-1] != 0xBC {
		return sw(scard.SWNoInformation)
	}
	g, p, q := dhBytes()
	h := sha256.New()
	for _, b := range [][]byte{m[1 : k-33], ch.pubIFD, sn, challenge, ch.pubICC, g, p, q} {
		h.Write(b)
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), m[k-33:k-1]) != 1 {
		return sw(scard.SWNoInformation)
	}
	ch.extAuth = true
	return ok(nil)
}

// iasInternalAuthenticate answers the DAPP internal authentication:
// SN.ICC (8) || ISO 9796-2 signature of SHA-256(PRND2 || PK.ICC || SN.ICC ||
// RND.IFD || PK.IFD || g || p || q) under the EF 1004 key; the next
// command starts with SSC = RND.ICC[4:8] || RND.IFD[4:8].
func (c *CIE) iasInternalAuthenticate(cmd scard.Command) scard.Response {
	ch := c.s.iasc
	if !c.iasSM() || !ch.extAuth {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	if len(cmd.Data) != 8 {
		return sw(scard.SWWrongLength)
	}
	k := c.intKey.Size()
	prnd, err := readRand(c.rand, k-34)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	sn := c.mf.byFID(ias.FIDSNICC).data
	sn = sn[len(sn)-8:]
	g, p, q := dhBytes()
	h := sha256.New()
	for _, b := range [][]byte{prnd, ch.pubICC, sn, cmd.Data, ch.pubIFD, g, p, q} {
		h.Write(b)
	}
	m := append(append(append([]byte{0x6A}, prnd...), h.Sum(nil)...), 0xBC)
	s := new(big.Int).Exp(new(big.Int).SetBytes(m), c.intKey.D, c.intKey.N).FillBytes(make([]byte, k))
	ssc := append(append([]byte(nil), c.s.iasChallenge()...), cmd.Data[4:]...)
	next, err := scard.NewSecureMessaging(scard.CipherTDES, secret.Reveal(ch.kenc), secret.Reveal(ch.kmac), ssc)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	c.s.nextSM = next
	ch.authenticated = true
	return ok(append(append([]byte(nil), sn...), s...))
}

// iasChallenge returns the last 4 bytes of the challenge the terminal
// answered in EXTERNAL AUTHENTICATE.
func (s *session) iasChallenge() []byte { return s.iasc.lastChallenge[4:] }

// iasGetChallenge records a challenge given in the IAS session.
func (c *CIE) iasGetChallenge(r []byte) {
	if c.iasSM() && len(r) == 8 {
		c.s.iasc.challenge = append([]byte(nil), r...)
		c.s.iasc.lastChallenge = c.s.iasc.challenge
	}
}
