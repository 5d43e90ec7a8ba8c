package cvc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // id-TA-*-SHA-1
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// Terminal authentication object identifiers (BSI TR-03110 part 3, A.6.4
// and A.7.2.2): the algorithm of a card-verifiable certificate's public key,
// with which that key signs (certificates it issues, or the terminal's
// challenge response).
const (
	OIDTARSAv15SHA1   = "0.4.0.127.0.7.2.2.2.1.1"
	OIDTARSAv15SHA256 = "0.4.0.127.0.7.2.2.2.1.2"
	OIDTARSAPSSSHA1   = "0.4.0.127.0.7.2.2.2.1.3"
	OIDTARSAPSSSHA256 = "0.4.0.127.0.7.2.2.2.1.4"
	OIDTARSAv15SHA512 = "0.4.0.127.0.7.2.2.2.1.5"
	OIDTARSAPSSSHA512 = "0.4.0.127.0.7.2.2.2.1.6"
	OIDTAECDSASHA1    = "0.4.0.127.0.7.2.2.2.2.1"
	OIDTAECDSASHA224  = "0.4.0.127.0.7.2.2.2.2.2"
	OIDTAECDSASHA256  = "0.4.0.127.0.7.2.2.2.2.3"
	OIDTAECDSASHA384  = "0.4.0.127.0.7.2.2.2.2.4"
	OIDTAECDSASHA512  = "0.4.0.127.0.7.2.2.2.2.5"
	// OIDRoleIS is id-IS, the terminal type of inspection systems reading
	// an ePassport application (TR-03110 part 3, C.4.1), the role of
	// every certificate of the ICAO eMRTD chain.
	OIDRoleIS = "0.4.0.127.0.7.3.1.2.1"
)

// Role is the role of a card-verifiable certificate's holder, the two
// high bits of its certificate holder authorization (TR-03110 part 3,
// C.4.1, table C.4).
type Role uint8

// Roles of the ePassport (id-IS) authorization.
const (
	RoleIS         Role = 0 // inspection system (terminal)
	RoleDVForeign  Role = 1 // document verifier, foreign (official domestic's 01)
	RoleDVDomestic Role = 2 // document verifier, domestic
	RoleCVCA       Role = 3 // country verifying CA
)

// String returns "CVCA", "DV (domestic)", "DV (foreign)" or "IS".
func (r Role) String() string {
	switch r {
	case RoleCVCA:
		return "CVCA"
	case RoleDVDomestic:
		return "DV (domestic)"
	case RoleDVForeign:
		return "DV (foreign)"
	}
	return "IS"
}

// Rights are the access rights of an inspection system's authorization,
// the six low bits of its certificate holder authorization (TR-03110 part
// 3, C.4.1, table C.4): bit 0 DG3, bit 1 DG4, bits 2-4 reserved (RFU),
// bit 5 the deprecated read access to the eID application. Parse keeps all
// six, Create writes all six; the effective rights of a chain are the AND
// of its certificates'.
type Rights uint8

// Access rights of the ePassport authorization.
const (
	ReadDG3 Rights = 1 << 0 // fingerprints
	ReadDG4 Rights = 1 << 1 // iris
	// ReadEID is the deprecated read access to the eID application
	// (TR-03110 part 3, table C.4); no eMRTD chip here grants anything for it.
	ReadEID Rights = 1 << 5
	// RightsMask is the six bits of the authorization that are rights.
	RightsMask Rights = 0x3F
)

// String lists the rights joined by "+" ("DG3+DG4", "DG3", "DG4+eID",
// "RFU2" for reserved bit 2, …) or "none".
func (r Rights) String() string {
	var s []string
	for i, name := range []string{"DG3", "DG4", "RFU2", "RFU3", "RFU4", "eID"} {
		if r&(1<<i) != 0 {
			s = append(s, name)
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "+")
}

// Certificate is a card-verifiable certificate of BSI TR-03110 part 3
// appendix C (profile 0, the form of EAC version 1): the certificates of
// the CVCA -> DV -> IS chain with which an inspection system proves to an
// eMRTD chip that it may read DG3 and DG4.
//
//	7F21 { 7F4E { 5F29 profile, 42 CAR, 7F49 key, 5F20 CHR, 7F4C CHAT,
//	              5F25 effective date, 5F24 expiration date, [65 extensions] },
//	       5F37 signature }
//
// Parse fills every field; Create reads CAR,
// CHR, KeyAlgorithm, Role, Rights, EffectiveDate and ExpirationDate.
type Certificate struct {
	Raw       []byte // the whole certificate, 7F21 included
	RawBody   []byte // the signed 7F4E object, tag and length included
	Signature []byte // 5F37: PKCS#1 or PSS for RSA, plain r||s for ECDSA

	CAR string // certification authority reference (the issuer's CHR)
	CHR string // certificate holder reference: country, mnemonic, sequence
	// KeyAlgorithm is the id-TA OID of the public key (OIDTAECDSASHA256…):
	// the algorithm with which the holder signs.
	KeyAlgorithm string
	// PublicKey is an *rsa.PublicKey or *ecdsa.PublicKey. For an EC key
	// without domain parameters (DV and IS certificates omit them) it is
	// nil after parsing, and [Certificate.CheckSignatureFrom] fills it
	// from the issuer's curve.
	PublicKey crypto.PublicKey
	ecPoint   []byte // DO 86 of an EC key whose curve comes from the issuer

	Role   Role
	Rights Rights
	// EffectiveDate and ExpirationDate are dates (UTC midnight); the
	// certificate is valid through the whole expiration day.
	EffectiveDate, ExpirationDate time.Time
}

// FieldError reports a malformed card-verifiable certificate: Field names the
// data object (by its tag and name), Msg what is wrong. It unwraps to
// [scard.ErrMalformedData].
type FieldError struct {
	Field string
	Msg   string
}

// Error returns the error message.
func (e *FieldError) Error() string { return "cvc: " + e.Field + ": " + e.Msg }

// Unwrap returns [scard.ErrMalformedData].
func (e *FieldError) Unwrap() error { return scard.ErrMalformedData }

// ErrSignature reports a CV certificate (or a terminal's challenge
// response) whose signature does not verify.
var ErrSignature = errors.New("cvc: signature does not verify")

// MaxSize bounds a certificate: an RSA-4096 key with its signature and
// the other fields stays under 2 KiB.
const MaxSize = 4096

// Parse parses one DER card-verifiable certificate (7F21), or
// the body and signature a PSO:VERIFY CERTIFICATE carries (7F4E followed by
// 5F37). Errors are [*FieldError] values naming the field; unknown key
// algorithms and curves are not errors (PublicKey stays nil) until a
// signature must be checked.
func Parse(b []byte) (*Certificate, error) {
	bad := func(field, format string, a ...any) error {
		return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
	}
	if len(b) > MaxSize {
		return nil, bad("7F21 certificate", "%d bytes, more than %d", len(b), MaxSize)
	}
	raw := b
	p := tlv.Parser(b)
	var t tlv.Tag
	var v, full []byte
	if pt, ok := p.PeekTag(); ok && pt == 0x7F21 {
		if !p.ReadTag(0x7F21, &v) {
			return nil, bad("7F21 certificate", "malformed TLV")
		}
		if !p.Empty() {
			return nil, bad("7F21 certificate", "trailing bytes after the certificate")
		}
		raw = b[:len(b)-len(p)]
		p = tlv.Parser(v)
	} else {
		raw = nil
	}
	c := &Certificate{}
	if !p.ReadFull(&t, &v, &full) || t != 0x7F4E {
		return nil, bad("7F4E body", "missing or malformed")
	}
	body := v
	c.RawBody = full
	if !p.ReadTag(0x5F37, &c.Signature) || len(c.Signature) == 0 {
		return nil, bad("5F37 signature", "missing or malformed")
	}
	if !p.Empty() {
		return nil, bad("7F21 certificate", "unexpected data after the signature")
	}
	if raw == nil {
		var bld tlv.Builder
		bld.AddConstructed(0x7F21, func(bb *tlv.Builder) { bb.AddRaw(b[:len(b)-len(p)]) })
		raw = bld.Bytes()
	}
	c.Raw = raw
	bp := tlv.Parser(body)
	var prof []byte
	if !bp.ReadTag(0x5F29, &prof) || len(prof) != 1 {
		return nil, bad("5F29 profile identifier", "missing or not one byte")
	}
	if prof[0] != 0 {
		return nil, bad("5F29 profile identifier", "%d, want 0", prof[0])
	}
	var car, key, chr, chat, ced, cxd []byte
	if !bp.ReadTag(0x42, &car) || !printable(car) {
		return nil, bad("42 CAR", "missing or not 1-16 printable characters")
	}
	if !bp.ReadTag(0x7F49, &key) {
		return nil, bad("7F49 public key", "missing or malformed")
	}
	if !bp.ReadTag(0x5F20, &chr) || !printable(chr) {
		return nil, bad("5F20 CHR", "missing or not 1-16 printable characters")
	}
	if !bp.ReadTag(0x7F4C, &chat) {
		return nil, bad("7F4C CHAT", "missing or malformed")
	}
	if !bp.ReadTag(0x5F25, &ced) {
		return nil, bad("5F25 effective date", "missing or malformed")
	}
	if !bp.ReadTag(0x5F24, &cxd) {
		return nil, bad("5F24 expiration date", "missing or malformed")
	}
	if !bp.Empty() {
		var ext []byte
		if !bp.ReadTag(0x65, &ext) || !bp.Empty() {
			return nil, bad("7F4E body", "unexpected data object after the dates")
		}
	}
	c.CAR, c.CHR = string(car), string(chr)
	var err error
	if c.EffectiveDate, err = parseCVCDate(ced); err != nil {
		return nil, bad("5F25 effective date", "%v", err)
	}
	if c.ExpirationDate, err = parseCVCDate(cxd); err != nil {
		return nil, bad("5F24 expiration date", "%v", err)
	}
	if c.ExpirationDate.Before(c.EffectiveDate) {
		return nil, bad("5F24 expiration date", "before the effective date")
	}
	cp := tlv.Parser(chat)
	var oid, disc []byte
	if !cp.ReadTag(0x06, &oid) || !cp.ReadTag(0x53, &disc) || !cp.Empty() || len(disc) != 1 {
		return nil, bad("7F4C CHAT", "want 06 role OID and a 1-byte 53 authorization")
	}
	if o := oidString(oid); o != OIDRoleIS {
		return nil, bad("7F4C CHAT", "terminal type %s is not id-IS (only the ePassport authorization is implemented)", o)
	}
	c.Role, c.Rights = Role(disc[0]>>6), Rights(disc[0])&RightsMask
	if err := c.parseKey(key); err != nil {
		return nil, err
	}
	return c, nil
}

func printable(b []byte) bool {
	if len(b) == 0 || len(b) > 16 {
		return false
	}
	for _, x := range b {
		if x < 0x20 || x > 0x7E {
			return false
		}
	}
	return true
}

func oidString(der []byte) string {
	var oid asn1.ObjectIdentifier
	full := tlv.Append(nil, 0x06, der)
	if rest, err := asn1.Unmarshal(full, &oid); err != nil || len(rest) != 0 {
		return "(malformed OID)"
	}
	return oid.String()
}

func oidDER(s string) []byte {
	var oid asn1.ObjectIdentifier
	for _, f := range strings.Split(s, ".") {
		n, _ := strconv.Atoi(f)
		oid = append(oid, n)
	}
	der, _ := asn1.Marshal(oid)
	_, _, h, _ := tlv.Header(der)
	return der[h:]
}

// parseCVCDate reads the six unpacked BCD digits YYMMDD (TR-03110 part 3,
// D.2.1.3); YY is 20YY.
func parseCVCDate(b []byte) (time.Time, error) {
	if len(b) != 6 {
		return time.Time{}, fmt.Errorf("%d bytes, want 6", len(b))
	}
	var d [3]int
	for i, x := range b {
		if x > 9 {
			return time.Time{}, fmt.Errorf("byte %d is %02X, not a digit 0-9", i, x)
		}
		d[i/2] = d[i/2]*10 + int(x)
	}
	t := time.Date(2000+d[0], time.Month(d[1]), d[2], 0, 0, 0, 0, time.UTC)
	if d[1] < 1 || d[1] > 12 || t.Day() != d[2] {
		return time.Time{}, errors.New("not a calendar date")
	}
	return t, nil
}

func appendCVCDate(dst []byte, t time.Time) []byte {
	y, m, d := t.Date()
	y %= 100
	return append(dst, byte(y/10), byte(y%10), byte(m/10), byte(m%10), byte(d/10), byte(d%10))
}

func (c *Certificate) parseKey(key []byte) error {
	bad := func(format string, a ...any) error {
		return &FieldError{Field: "7F49 public key", Msg: fmt.Sprintf(format, a...)}
	}
	kp := tlv.Parser(key)
	var oid []byte
	if !kp.ReadTag(0x06, &oid) {
		return bad("missing algorithm OID")
	}
	c.KeyAlgorithm = oidString(oid)
	dos := map[tlv.Tag][]byte{}
	for !kp.Empty() {
		var t tlv.Tag
		var v []byte
		if !kp.Read(&t, &v) || t < 0x81 || t > 0x87 {
			return bad("malformed or unknown data object")
		}
		if _, dup := dos[t]; dup {
			return bad("data object %02X twice", t)
		}
		dos[t] = v
	}
	_, ecdsaAlg := taHash(c.KeyAlgorithm)
	switch {
	case isRSAAlg(c.KeyAlgorithm):
		n, e := dos[0x81], dos[0x82]
		if len(n) == 0 || len(e) == 0 || len(e) > 4 || len(dos) != 2 {
			return bad("RSA key needs 81 modulus and 82 exponent")
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n)}
		for _, x := range e {
			pub.E = pub.E<<8 | int(x)
		}
		if pub.N.BitLen() < 1024 || pub.N.BitLen() > 8192 || pub.E < 3 || pub.E&1 == 0 {
			return bad("RSA modulus of %d bits or exponent %d out of range", pub.N.BitLen(), pub.E)
		}
		c.PublicKey = pub
	case ecdsaAlg:
		y, ok := dos[0x86]
		if !ok || len(y) == 0 {
			return bad("EC key needs 86 public point")
		}
		c.ecPoint = y
		n := 0
		for t := tlv.Tag(0x81); t <= 0x85; t++ {
			if _, ok := dos[t]; ok {
				n++
			}
		}
		if n == 0 {
			return nil // DV and IS keys: the curve is the issuer's
		}
		if n != 5 {
			return bad("EC domain parameters need all of 81 prime, 82 a, 83 b, 84 generator and 85 order")
		}
		if h, ok := dos[0x87]; ok && new(big.Int).SetBytes(h).Cmp(big.NewInt(1)) != 0 {
			return nil // a cofactor other than 1: no known curve, parsed but not usable
		}
		i := func(t tlv.Tag) *big.Int { return new(big.Int).SetBytes(dos[t]) }
		known := group.MatchDomain(i(0x81), i(0x82), i(0x83), i(0x85), dos[0x84])
		if known == nil {
			return nil // an unknown curve: parsed, not usable
		}
		pub, err := ecPublicKey(known.Curve, y)
		if err != nil {
			return bad("%v", err)
		}
		c.PublicKey = pub
	}
	return nil
}

func isRSAAlg(oid string) bool {
	switch oid {
	case OIDTARSAv15SHA1, OIDTARSAv15SHA256, OIDTARSAv15SHA512, OIDTARSAPSSSHA1, OIDTARSAPSSSHA256, OIDTARSAPSSSHA512:
		return true
	}
	return false
}

// taHash returns the hash of an id-TA algorithm and whether it is ECDSA.
func taHash(oid string) (crypto.Hash, bool) {
	switch oid {
	case OIDTARSAv15SHA1, OIDTARSAPSSSHA1:
		return crypto.SHA1, false
	case OIDTARSAv15SHA256, OIDTARSAPSSSHA256:
		return crypto.SHA256, false
	case OIDTARSAv15SHA512, OIDTARSAPSSSHA512:
		return crypto.SHA512, false
	case OIDTAECDSASHA1:
		return crypto.SHA1, true
	case OIDTAECDSASHA224:
		return crypto.SHA224, true
	case OIDTAECDSASHA256:
		return crypto.SHA256, true
	case OIDTAECDSASHA384:
		return crypto.SHA384, true
	case OIDTAECDSASHA512:
		return crypto.SHA512, true
	}
	return 0, false
}

// CheckSignatureFrom verifies that parent (the certificate whose CHR is
// c's CAR, or c itself for a self-signed CVCA certificate) signed c with
// parent's key and algorithm. An EC key of c without domain parameters
// takes parent's curve. Errors: [ErrSignature] for a wrong signature or
// issuer, an error wrapping [scard.ErrNotSupported] for a key algorithm or
// curve this package cannot verify.
func (c *Certificate) CheckSignatureFrom(parent *Certificate) error {
	if c.CAR != parent.CHR {
		return fmt.Errorf("%w: CAR %q is not the issuer's CHR %q", ErrSignature, c.CAR, parent.CHR)
	}
	if c.PublicKey == nil && c.ecPoint != nil {
		if pk, ok := parent.PublicKey.(*ecdsa.PublicKey); ok {
			pub, err := ecPublicKey(pk.Curve, c.ecPoint)
			if err != nil {
				return &FieldError{Field: "7F49 public key", Msg: err.Error()}
			}
			c.PublicKey = pub
		}
	}
	return Verify(parent.KeyAlgorithm, parent.PublicKey, c.RawBody, c.Signature)
}

// Verify checks an id-TA signature sig over msg with pub: RSA PKCS#1 v1.5
// or PSS (any salt length), or ECDSA in the plain r||s form of TR-03111 on
// a NIST prime or brainpool r1 curve. It returns [ErrSignature] for a
// wrong signature and an error wrapping [scard.ErrNotSupported] for an
// unknown algorithm or a key that does not fit it.
func Verify(alg string, pub crypto.PublicKey, msg, sig []byte) error {
	h, isEC := taHash(alg)
	if h == 0 || pub == nil {
		return fmt.Errorf("cvc: signature algorithm %s or its key: %w", alg, scard.ErrNotSupported)
	}
	hh := h.New()
	hh.Write(msg)
	digest := hh.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if isEC {
			break
		}
		var err error
		switch alg {
		case OIDTARSAPSSSHA1, OIDTARSAPSSSHA256, OIDTARSAPSSSHA512:
			err = rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		default:
			err = rsa.VerifyPKCS1v15(k, h, digest, sig)
		}
		if err != nil {
			return ErrSignature
		}
		return nil
	case *ecdsa.PublicKey:
		if !isEC {
			break
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return ErrSignature
		}
		r, s := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
		if !ecdsa.Verify(k, digest, r, s) {
			return ErrSignature
		}
		return nil
	}
	return fmt.Errorf("cvc: key of type %T for %s: %w", pub, alg, scard.ErrNotSupported)
}

// Sign signs msg with signer for the id-TA algorithm alg, converting an
// ECDSA signature from ASN.1 to the plain r||s form TR-03110 uses.
func Sign(rnd io.Reader, signer crypto.Signer, alg string, msg []byte) ([]byte, error) {
	h, isEC := taHash(alg)
	if h == 0 {
		return nil, fmt.Errorf("cvc: signature algorithm %s: %w", alg, scard.ErrNotSupported)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	hh := h.New()
	hh.Write(msg)
	var opts crypto.SignerOpts = h
	switch alg {
	case OIDTARSAPSSSHA1, OIDTARSAPSSSHA256, OIDTARSAPSSSHA512:
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
	}
	sig, err := signer.Sign(rnd, hh.Sum(nil), opts)
	if err != nil {
		return nil, fmt.Errorf("cvc: signing with the terminal key: %w", err)
	}
	if !isEC {
		return sig, nil
	}
	pk, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("cvc: %s needs an ECDSA key, the signer has %T: %w", alg, signer.Public(), scard.ErrInvalidKey)
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("cvc: the signer returned a malformed ECDSA signature")
	}
	n := (pk.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*n)
	rs.R.FillBytes(out[:n])
	rs.S.FillBytes(out[n:])
	return out, nil
}

// Create encodes and signs a card-verifiable certificate for
// pub (an *rsa.PublicKey or *ecdsa.PublicKey) from tmpl's CAR, CHR,
// KeyAlgorithm, Role, Rights and dates. The issuer signs with its key
// (signer) and its certificate's algorithm: parent nil means a
// self-signed CVCA certificate signed with tmpl.KeyAlgorithm. EC domain
// parameters are written for CVCA certificates only, as TR-03110 part 3
// C.3 prescribes; EC keys must be on a NIST prime or brainpool r1 curve
// (a brainpool key comes from [ParsePrivateKey]). rnd nil means
// crypto/rand. It returns the DER certificate (7F21); parse it with
// [Parse].
func Create(rnd io.Reader, tmpl *Certificate, pub crypto.PublicKey, parent *Certificate, signer crypto.Signer) ([]byte, error) {
	alg := tmpl.KeyAlgorithm
	if parent != nil {
		alg = parent.KeyAlgorithm
		if tmpl.CAR != parent.CHR {
			return nil, fmt.Errorf("cvc: Create: CAR %q is not the issuer's CHR %q", tmpl.CAR, parent.CHR)
		}
	}
	if !printable([]byte(tmpl.CAR)) || !printable([]byte(tmpl.CHR)) {
		return nil, errors.New("cvc: Create: CAR and CHR must be 1-16 printable characters")
	}
	if tmpl.ExpirationDate.Before(tmpl.EffectiveDate) || tmpl.EffectiveDate.Year() < 2000 || tmpl.ExpirationDate.Year() > 2099 {
		return nil, errors.New("cvc: Create: dates out of order or outside 2000-2099")
	}
	if h, _ := taHash(tmpl.KeyAlgorithm); h == 0 {
		return nil, fmt.Errorf("cvc: Create: key algorithm %q: %w", tmpl.KeyAlgorithm, scard.ErrNotSupported)
	}
	var body tlv.Builder
	var keyErr error
	body.AddConstructed(0x7F4E, func(b *tlv.Builder) {
		b.Add(0x5F29, []byte{0})
		b.Add(0x42, []byte(tmpl.CAR))
		b.AddConstructed(0x7F49, func(b *tlv.Builder) {
			b.Add(0x06, oidDER(tmpl.KeyAlgorithm))
			switch k := pub.(type) {
			case *rsa.PublicKey:
				b.Add(0x81, k.N.Bytes())
				b.Add(0x82, big.NewInt(int64(k.E)).Bytes())
			case *ecdsa.PublicKey:
				p := k.Curve.Params()
				n := (p.BitSize + 7) / 8
				fill := func(x *big.Int) []byte { return x.FillBytes(make([]byte, n)) }
				a := curveA(k.Curve)
				if a == nil {
					keyErr = fmt.Errorf("cvc: Create: curve %s: %w", p.Name, scard.ErrNotSupported)
					return
				}
				if tmpl.Role == RoleCVCA {
					b.Add(0x81, fill(p.P))
					b.Add(0x82, fill(a))
					b.Add(0x83, fill(p.B))
					b.Add(0x84, append(append([]byte{4}, fill(p.Gx)...), fill(p.Gy)...))
					b.Add(0x85, fill(p.N))
				}
				point, err := ecPoint(k) // the uncompressed point 04 || X || Y
				if err != nil {
					keyErr = fmt.Errorf("cvc: Create: public key: %w", err)
					return
				}
				b.Add(0x86, point)
				if tmpl.Role == RoleCVCA {
					b.Add(0x87, []byte{1})
				}
			default:
				keyErr = fmt.Errorf("cvc: Create: public key of type %T: %w", pub, scard.ErrNotSupported)
			}
		})
		b.Add(0x5F20, []byte(tmpl.CHR))
		b.AddConstructed(0x7F4C, func(b *tlv.Builder) {
			b.Add(0x06, oidDER(OIDRoleIS))
			b.Add(0x53, []byte{byte(tmpl.Role)<<6 | byte(tmpl.Rights&RightsMask)})
		})
		b.Add(0x5F25, appendCVCDate(nil, tmpl.EffectiveDate))
		b.Add(0x5F24, appendCVCDate(nil, tmpl.ExpirationDate))
	})
	if keyErr != nil {
		return nil, keyErr
	}
	raw := body.Bytes()
	sig, err := Sign(rnd, signer, alg, raw)
	if err != nil {
		return nil, err
	}
	var out tlv.Builder
	out.AddConstructed(0x7F21, func(b *tlv.Builder) {
		b.AddRaw(raw)
		b.Add(0x5F37, sig)
	})
	return out.Bytes(), nil
}

// ValidAt reports whether the certificate has not expired on date (the
// chip's current date): TR-03110 part 3, 2.5 checks the expiration date
// only, because a chip's date lags behind the real one.
func (c *Certificate) ValidAt(date time.Time) bool {
	return !date.After(c.ExpirationDate.Add(24*time.Hour - time.Nanosecond))
}
