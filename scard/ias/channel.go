package ias

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
)

// ChannelOptions configures [Client.OpenChannel]. The zero value opens the
// channel the way the middleware does for an unknown chip family, with
// crypto/rand.
type ChannelOptions struct {
	// ATR is the card's answer to reset; it gives the chip family (see
	// [ChipFromATR]) when Chip is ChipUnknown. Nil: no ATR.
	ATR []byte
	// Chip overrides the family read from ATR. With neither, the client
	// tries the IAS AID and falls back to the MF on 6A82, and reads the
	// DH parameters with one GET DATA each (all families but Gemalto).
	Chip Chip
	// Rand supplies the DH private key and the DAPP nonces. Nil means
	// crypto/rand.
	Rand io.Reader
}

// Constants of the channel, from the public CIE middleware (IAS.cpp).
const (
	keyRefDH      byte = 0x81 // CIE_KEY_DH_ID: the card's DH key for MSE:SET KAT
	keyRefExtAuth byte = 0x84 // CIE_KEY_ExtAuth_ID: the CA key that verifies the terminal certificate
	keyRefDAPP    byte = 0x82 // the card's DAPP key for INTERNAL AUTHENTICATE
	algDH         byte = 0x9B // DH and DAPP scheme byte
	algPSOVerify  byte = 0x41 // PSO:VERIFY CERTIFICATE algorithm
	maxIASFile         = 0x7FFF
)

// terminalSerial is SN.IFD, the terminal's 8-byte serial number in its
// certificate holder reference (IAS.cpp snIFD).
var terminalSerial = [8]byte{0x20, 0, 0, 0, 0, 0, 0, 1}

// certOID is the terminal certificate's algorithm object identifier with
// the SHA-256 suffix 04 (IAS.cpp baseOID || shaOID).
var certOID = []byte{0x2A, 0x81, 0x22, 0xF4, 0x2A, 0x02, 0x04, 0x01, 0x04}

// DHParams are the card's Diffie–Hellman domain parameters as the card
// returns them (big-endian, without reformatting: DAPP hashes these very
// bytes).
type DHParams struct {
	G, P, Q []byte
}

// CAKey is the card's external-authentication CA public key (GET DATA
// BF A0 04 / 7F 49): modulus (81), public exponent (82), holder reference
// (5F20) and holder authorisation (5F4C). CAR (the reference the terminal
// certificate names) is CHR without its first 4 bytes; AID is the first 6
// bytes of CHA.
type CAKey struct {
	Modulus, Exponent []byte
	CHR, CHA          []byte
}

func (k *CAKey) car() []byte { return k.CHR[4:] }
func (k *CAKey) aid() []byte { return k.CHA[:6] }

// getData sends GET DATA 00 CB 3F FF with an extended header list (IAS
// ECC 9.5.4) in plain, with no Le, as the middleware does.
func (i *Client) getData(ctx context.Context, list []byte) ([]byte, error) {
	return i.c.Do(ctx, scard.Command{INS: scard.InsGetData, P1: 0x3F, P2: 0xFF, Data: list})
}

// readDHParams reads the DH parameters: one GET DATA for the whole A3
// template on Gemalto chips, one per value (97 g, 98 p, 99 q) on the
// others (IAS::InitDHParam).
func (i *Client) readDHParams(ctx context.Context) (*DHParams, error) {
	if i.chip == ChipGemalto {
		b, err := i.getData(ctx, []byte{0x4D, 0x08, 0x70, 0x06, 0xBF, 0xA1, 0x01, 0x02, 0xA3, 0x80})
		if err != nil {
			return nil, fmt.Errorf("reading the DH parameters: %w", err)
		}
		return ParseDHParams(b)
	}
	var out DHParams
	for _, x := range []struct {
		tag byte
		dst *[]byte
	}{{0x97, &out.G}, {0x98, &out.P}, {0x99, &out.Q}} {
		b, err := i.getData(ctx, []byte{0x4D, 0x0A, 0x70, 0x08, 0xBF, 0xA1, 0x01, 0x04, 0xA3, 0x02, x.tag, 0x00})
		if err != nil {
			return nil, fmt.Errorf("reading the DH parameter %02X: %w", x.tag, err)
		}
		v, err := sdoValues(b, "DH parameters", 0xA3)
		if err != nil {
			return nil, err
		}
		if len(v) == 0 || len(v[0]) == 0 {
			return nil, &scard.DataError{File: "DH parameters", Msg: fmt.Sprintf("no value for DO %02X", x.tag)}
		}
		*x.dst = v[0]
	}
	if err := out.check(); err != nil {
		return nil, err
	}
	return &out, nil
}

// ParseDHParams parses the answer to the single GET DATA of Gemalto chips:
// 70 { BF A1 01 { A3 { 97 g, 98 p, 99 q } } }. As the middleware, it takes
// the three values by position. Errors are [*scard.DataError].
func ParseDHParams(b []byte) (*DHParams, error) {
	v, err := sdoValues(b, "DH parameters", 0xA3)
	if err != nil {
		return nil, err
	}
	if len(v) < 3 {
		return nil, &scard.DataError{File: "DH parameters", Msg: fmt.Sprintf("%d values, want g, p and q", len(v))}
	}
	out := &DHParams{G: v[0], P: v[1], Q: v[2]}
	if err := out.check(); err != nil {
		return nil, err
	}
	return out, nil
}

func (d *DHParams) check() error {
	p := new(big.Int).SetBytes(d.P)
	g := new(big.Int).SetBytes(d.G)
	q := new(big.Int).SetBytes(d.Q)
	switch {
	case p.BitLen() < 1024 || p.BitLen() > 4096 || p.Bit(0) == 0:
		return &scard.DataError{File: "DH parameters", Msg: fmt.Sprintf("p of %d bits, want an odd modulus of 1024 to 4096 bits", p.BitLen())}
	case g.Cmp(big.NewInt(1)) <= 0 || g.Cmp(p) >= 0:
		return &scard.DataError{File: "DH parameters", Msg: "g outside 2..p-1"}
	case q.BitLen() < 160 || q.Cmp(p) >= 0:
		return &scard.DataError{File: "DH parameters", Msg: fmt.Sprintf("q of %d bits, want 160 bits or more and below p", q.BitLen())}
	}
	return nil
}

// sdoTemplate walks 70 { <SDO tag> { <inner> { … } } } and returns the
// content of the inner template.
func sdoTemplate(b []byte, what string, inner tlv.Tag) ([]byte, error) {
	bad := func(msg string) error { return &scard.DataError{File: what, Msg: msg} }
	p := tlv.Parser(b)
	var t tlv.Tag
	var v []byte
	if !p.Read(&t, &v) || t != 0x70 {
		return nil, bad("answer is not a 70 template")
	}
	p = tlv.Parser(v)
	if !p.Read(&t, &v) || !t.Constructed() {
		return nil, bad("no security data object in the 70 template")
	}
	p = tlv.Parser(v)
	if !p.Read(&t, &v) || t != inner {
		return nil, bad(fmt.Sprintf("no %s template in the security data object", inner))
	}
	return v, nil
}

// sdoValues returns the values of the inner template of [sdoTemplate], in
// order.
func sdoValues(b []byte, what string, inner tlv.Tag) ([][]byte, error) {
	v, err := sdoTemplate(b, what, inner)
	if err != nil {
		return nil, err
	}
	p := tlv.Parser(v)
	var out [][]byte
	for !p.Empty() {
		var t tlv.Tag
		if !p.Read(&t, &v) {
			return nil, &scard.DataError{File: what, Msg: fmt.Sprintf("malformed value %d", len(out)+1)}
		}
		out = append(out, v)
	}
	return out, nil
}

// readCAKey reads the CA public key that verifies the terminal certificate
// (IAS::InitExtAuthKeyParam).
func (i *Client) readCAKey(ctx context.Context) (*CAKey, error) {
	b, err := i.getData(ctx, []byte{0x4D, 0x09, 0x70, 0x07, 0xBF, 0xA0, keyRefExtAuth & 0x7F, 0x03, 0x7F, 0x49, 0x80})
	if err != nil {
		return nil, fmt.Errorf("reading the external-authentication key: %w", err)
	}
	return ParseCAKey(b)
}

// ParseCAKey parses the answer to GET DATA of the external-authentication
// key: 70 { BF A0 04 { 7F 49 { 81 modulus, 82 exponent, 5F20 CHR, 5F4C CHA } } }.
// Errors are [*scard.DataError].
func ParseCAKey(b []byte) (*CAKey, error) {
	bad := func(msg string) error { return &scard.DataError{File: "external-authentication key", Msg: msg} }
	v, err := sdoTemplate(b, "external-authentication key", 0x7F49)
	if err != nil {
		return nil, err
	}
	var t tlv.Tag
	k := &CAKey{}
	p := tlv.Parser(v)
	for !p.Empty() {
		if !p.Read(&t, &v) {
			return nil, bad("malformed 7F49 template")
		}
		switch t {
		case 0x81:
			k.Modulus = v
		case 0x82:
			k.Exponent = v
		case 0x5F20:
			k.CHR = v
		case 0x5F4C:
			k.CHA = v
		}
	}
	switch {
	case len(k.Modulus) < 128 || len(k.Modulus) > 512 || k.Modulus[0] == 0:
		return nil, bad(fmt.Sprintf("modulus of %d bytes, want 128 to 512 without leading zero", len(k.Modulus)))
	case len(k.Exponent) == 0 || len(k.Exponent) > len(k.Modulus):
		return nil, bad("missing or oversized public exponent")
	case len(k.CHR) < 5:
		return nil, bad(fmt.Sprintf("holder reference of %d bytes, want at least 5", len(k.CHR)))
	case len(k.CHA) < 6:
		return nil, bad(fmt.Sprintf("holder authorisation of %d bytes, want at least 6", len(k.CHA)))
	}
	return k, nil
}

// DAPPKey is the card's DAPP public key from EF.Int.Kpub (1004).
type DAPPKey struct {
	Modulus, Exponent []byte
}

// ParseDAPPKey parses EF.Int.Kpub: a constructed TLV whose first two
// values are the modulus and the public exponent (a PKCS#1
// RSAPublicKey), leading zeros dropped as the middleware does. Errors are
// [*scard.DataError].
func ParseDAPPKey(b []byte) (*DAPPKey, error) {
	bad := func(msg string) error { return &scard.DataError{File: "EF.Int.Kpub", Msg: msg} }
	p := tlv.Parser(b)
	var t tlv.Tag
	var v []byte
	if !p.Read(&t, &v) || !t.Constructed() {
		return nil, bad("not a constructed TLV")
	}
	p = tlv.Parser(v)
	var mod, exp []byte
	if !p.Read(&t, &mod) || !p.Read(&t, &exp) {
		return nil, bad("want modulus and exponent")
	}
	mod, exp = trimZero(mod), trimZero(exp)
	if len(mod) < 64 || len(mod) > 512 || len(exp) == 0 || len(exp) > 8 {
		return nil, bad(fmt.Sprintf("modulus of %d bytes and exponent of %d bytes", len(mod), len(exp)))
	}
	return &DAPPKey{Modulus: mod, Exponent: exp}, nil
}

func trimZero(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// rsaRaw computes m^e mod n and returns it left-padded to size bytes.
func rsaRaw(m []byte, e, n *big.Int, size int) []byte {
	c := new(big.Int).Exp(new(big.Int).SetBytes(m), e, n)
	return c.FillBytes(make([]byte, size))
}

// ErrChannel is returned (wrapped) when the IAS secure channel cannot be
// opened or breaks: the card's answer to the DAPP internal authentication
// does not verify, or its CA key does not pair with the published
// terminal CA key.
var ErrChannel = errors.New("ias: secure channel")

// OpenChannel opens the IAS secure channel as the public CIE middleware
// does before VERIFY PIN (PKCS#11 login: CIEtemplateLogin): it selects
// the IAS application (the MF on NXP and later chips) and the CIE DF,
// reads the DH parameters and EF.Int.Kpub (1004), reads the CA key,
// agrees 3DES session keys with the card (MSE:SET KAT, DH over the card's
// group, K = SHA-256(secret || counter)[:16], SSC 00..01), then runs DAPP
// in secure messaging: the terminal certificate (ISO 9796-2 signed with
// the CA private exponent published in the middleware), external
// authentication with the published terminal key, and the card's
// internal authentication, checked against EF 1004. The SSC then becomes
// RND.ICC[4:8] || RND.IFD[4:8], and every later command of this client
// goes in secure messaging.
//
// Errors: card status errors ([*scard.StatusError]), [*scard.DataError]
// for malformed card data, errors wrapping [ErrChannel] when the card's
// answers do not verify, ctx.Err(). On error the channel stays closed.
func (i *Client) OpenChannel(ctx context.Context, opts ChannelOptions) (err error) {
	i.CloseChannel()
	defer func() {
		if err != nil {
			i.CloseChannel()
		}
	}()
	i.chip = opts.Chip
	if i.chip == ChipUnknown && opts.ATR != nil {
		i.chip = ChipFromATR(opts.ATR)
	}
	rnd := cmp.Or(opts.Rand, rand.Reader)
	if err := i.Select(ctx); err != nil {
		return err
	}
	dh, err := i.readDHParams(ctx)
	if err != nil {
		return err
	}
	raw, err := i.readFile(ctx, FIDIntKpub, "EF.Int.Kpub")
	if err != nil {
		return err
	}
	dapp, err := ParseDAPPKey(raw)
	if err != nil {
		return err
	}
	ca, err := i.readCAKey(ctx)
	if err != nil {
		return err
	}
	pubIFD, pubICC, err := i.keyAgreement(ctx, dh, rnd)
	if err != nil {
		return err
	}
	return i.dapp(ctx, dh, pubIFD, pubICC, dapp, ca, rnd)
}

// CloseChannel forgets the session keys; later commands go in plain. The
// card keeps its own state until it is reset or sees a plain command.
func (i *Client) CloseChannel() {
	i.sm.close()
	i.sm = nil
}

// ChannelOpen reports whether the secure channel is open.
func (i *Client) ChannelOpen() bool { return i.sm != nil }

// keyAgreement runs the DH exchange (IAS::DHKeyExchange): MSE:SET KAT
// 00 22 41 A6 [80 01 9B 83 01 81 91 PK.IFD] in plain (chained in pieces
// of 255 bytes), GET DATA [4D 04 A6 02 91 00] for PK.ICC, and derives the
// session keys.
func (i *Client) keyAgreement(ctx context.Context, dh *DHParams, rnd io.Reader) (pubIFD, pubICC []byte, err error) {
	p := new(big.Int).SetBytes(dh.P)
	q := new(big.Int).SetBytes(dh.Q)
	g := new(big.Int).SetBytes(dh.G)
	x, err := rand.Int(rnd, new(big.Int).Sub(q, big.NewInt(3)))
	if err != nil {
		return nil, nil, fmt.Errorf("ias: reading randomness: %v", err)
	}
	x.Add(x, big.NewInt(2))
	defer x.SetInt64(0)
	size := len(dh.P)
	pubIFD = new(big.Int).Exp(g, x, p).FillBytes(make([]byte, size))
	data := []byte{0x80, 0x01, algDH, 0x83, 0x01, keyRefDH}
	data = tlv.Append(data, 0x91, pubIFD)
	if err := i.plainChained(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA6, Data: data}); err != nil {
		return nil, nil, fmt.Errorf("DH key agreement: MSE:SET KAT: %w", err)
	}
	b, err := i.getData(ctx, []byte{0x4D, 0x04, 0xA6, 0x02, 0x91, 0x00})
	if err != nil {
		return nil, nil, fmt.Errorf("DH key agreement: reading the card's public key: %w", err)
	}
	pubICC, err = ParseICCPublicKey(b)
	if err != nil {
		return nil, nil, err
	}
	y := new(big.Int).SetBytes(pubICC)
	if y.Cmp(big.NewInt(1)) <= 0 || y.Cmp(new(big.Int).Sub(p, big.NewInt(1))) >= 0 {
		return nil, nil, &scard.DataError{File: "DH public key", Msg: "outside 2..p-2"}
	}
	z := new(big.Int).Exp(y, x, p)
	sec := z.FillBytes(make([]byte, size))
	z.SetInt64(0)
	defer clear(sec)
	i.sm = &session{kenc: secret.New(kdf(sec, 1)), kmac: secret.New(kdf(sec, 2))}
	i.sm.ssc[7] = 1
	return pubIFD, pubICC, nil
}

// kdf is K = SHA-256(secret || counter)[:16] (IAS.cpp DHKeyExchange).
func kdf(sec []byte, counter uint32) []byte {
	h := sha256.New()
	h.Write(sec)
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], counter)
	h.Write(c[:])
	return h.Sum(nil)[:16]
}

// ParseICCPublicKey parses the answer to GET DATA [4D 04 A6 02 91 00]: a
// template whose first value (DO 91) is the card's DH public key. Errors
// are [*scard.DataError].
func ParseICCPublicKey(b []byte) ([]byte, error) {
	p := tlv.Parser(b)
	var t tlv.Tag
	var v []byte
	if !p.Read(&t, &v) || !t.Constructed() {
		return nil, &scard.DataError{File: "DH public key", Msg: "not a constructed TLV"}
	}
	p = tlv.Parser(v)
	if !p.Read(&t, &v) || len(v) == 0 {
		return nil, &scard.DataError{File: "DH public key", Msg: "no public value"}
	}
	return v, nil
}

// TerminalCertificate builds the terminal's card-verifiable certificate
// for the card's CA key as the middleware does (IAS::DAPP): the body is
// CPI 8A || CAR || CHR (00000000 || SN.IFD) || CHA (CA AID || 01) || OID ||
// the published terminal modulus || exponent 00010001, signed with ISO
// 9796-2 scheme 1 (6A || body head || SHA-256(body) || BC) under the
// published CA private exponent; the result is 7F21 { 5F37 signature,
// 5F38 rest of the body, 42 CAR }. It returns an error wrapping
// [ErrChannel] if the card's CA key does not undo that signature.
func TerminalCertificate(ca *CAKey) ([]byte, error) {
	k := len(ca.Modulus)
	chr := append([]byte{0, 0, 0, 0}, terminalSerial[:]...)
	body := []byte{0x8A}
	body = append(body, ca.car()...)
	body = append(body, chr...)
	body = append(body, ca.aid()...)
	body = append(body, 0x01)
	body = append(body, certOID...)
	body = append(body, mustHex(terminalModulusHex)...)
	body = append(body, mustHex(terminalPublicExponentHex)...)
	if len(body) < k-34 {
		return nil, fmt.Errorf("CA modulus of %d bytes is too long for the certificate body: %w", k, ErrChannel)
	}
	h := sha256.Sum256(body)
	m := make([]byte, 0, k)
	m = append(m, 0x6A)
	m = append(m, body[:k-34]...)
	m = append(m, h[:]...)
	m = append(m, 0xBC)
	n := new(big.Int).SetBytes(ca.Modulus)
	if new(big.Int).SetBytes(m).Cmp(n) >= 0 {
		return nil, fmt.Errorf("CA modulus smaller than the signed block: %w", ErrChannel)
	}
	sig := rsaRaw(m, new(big.Int).SetBytes(mustHex(caPrivateExponentHex)), n, k)
	if subtle.ConstantTimeCompare(rsaRaw(sig, new(big.Int).SetBytes(ca.Exponent), n, k), m) != 1 {
		return nil, fmt.Errorf("the card's CA key does not pair with the published CA private exponent: %w", ErrChannel)
	}
	var cert tlv.Builder
	cert.AddConstructed(0x7F21, func(b *tlv.Builder) {
		b.Add(0x5F37, sig)
		b.Add(0x5F38, body[k-34:])
		b.Add(0x42, ca.car())
	})
	return cert.Bytes(), nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("ias: bad constant")
	}
	return b
}

// dapp runs the device authentication with privacy protection in secure
// messaging (IAS::DAPP).
func (i *Client) dapp(ctx context.Context, dh *DHParams, pubIFD, pubICC []byte, key *DAPPKey, ca *CAKey, rnd io.Reader) error {
	cert, err := TerminalCertificate(ca)
	if err != nil {
		return err
	}
	step := func(what string, cmd scard.Command) ([]byte, error) {
		r, err := i.smSend(ctx, cmd)
		if err != nil {
			return nil, fmt.Errorf("DAPP: %s: %w", what, err)
		}
		if err := r.Err(cmd.INS); err != nil {
			return nil, fmt.Errorf("DAPP: %s: %w", what, err)
		}
		return r.Data, nil
	}
	// MSE:SET DST: the CA key verifies the certificate. The middleware
	// passes Le 00 here, so DO 97 00 is sent.
	if _, err := step("MSE:SET DST", scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x81, P2: 0xB6,
		Data: []byte{0x80, 0x01, algPSOVerify, 0x83, 0x01, keyRefExtAuth}, Ne: scard.MaxShortNe}); err != nil {
		return err
	}
	if _, err := step("PSO:VERIFY CERTIFICATE", scard.Command{INS: scard.InsPerformSecurityOperation, P1: 0x00, P2: 0xAE, Data: cert}); err != nil {
		return err
	}
	chr := append([]byte{0, 0, 0, 0}, terminalSerial[:]...)
	if _, err := step("MSE:SET AT", scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x81, P2: 0xA4, Data: tlv.Append(nil, 0x83, chr)}); err != nil {
		return err
	}
	challenge, err := step("GET CHALLENGE", scard.Command{INS: scard.InsGetChallenge, Ne: 8})
	if err != nil {
		return err
	}
	if len(challenge) != 8 {
		return fmt.Errorf("DAPP: GET CHALLENGE returned %d bytes, want 8: %w", len(challenge), ErrChannel)
	}
	// External authentication: 6A || PRND || SHA-256(PRND || PK.IFD ||
	// SN.IFD || RND.ICC || PK.ICC || g || p || q) || BC under the terminal key.
	mod := mustHex(terminalModulusHex)
	prnd := make([]byte, len(mod)-34)
	if _, err := io.ReadFull(rnd, prnd); err != nil {
		return fmt.Errorf("ias: reading randomness: %v", err)
	}
	h := sha256.New()
	for _, b := range [][]byte{prnd, pubIFD, terminalSerial[:], challenge, pubICC, dh.G, dh.P, dh.Q} {
		h.Write(b)
	}
	m := append(append(append([]byte{0x6A}, prnd...), h.Sum(nil)...), 0xBC)
	sig := rsaRaw(m, new(big.Int).SetBytes(mustHex(terminalPrivateExponentHex)), new(big.Int).SetBytes(mod), len(mod))
	if _, err := step("EXTERNAL AUTHENTICATE", scard.Command{INS: scard.InsExternalAuthenticate, Data: append(terminalSerial[:], sig...)}); err != nil {
		return err
	}
	if _, err := step("MSE:SET AT (internal authentication)", scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4,
		Data: []byte{0x84, 0x01, keyRefDAPP, 0x80, 0x01, algDH}}); err != nil {
		return err
	}
	rndIFD := make([]byte, 8)
	if _, err := io.ReadFull(rnd, rndIFD); err != nil {
		return fmt.Errorf("ias: reading randomness: %v", err)
	}
	resp, err := step("INTERNAL AUTHENTICATE", scard.Command{INS: scard.InsInternalAuthenticate, Data: rndIFD})
	if err != nil {
		return err
	}
	if err := CheckDAPPResponse(resp, key, dh, pubIFD, pubICC, rndIFD); err != nil {
		return err
	}
	copy(i.sm.ssc[:4], challenge[4:])
	copy(i.sm.ssc[4:], rndIFD[4:])
	return nil
}

// CheckDAPPResponse verifies the card's answer to the DAPP internal
// authentication, SN.ICC (8 bytes) || signature: the signature, opened
// with the EF 1004 key, must be 6A || PRND2 || SHA-256(PRND2 || PK.ICC ||
// SN.ICC || RND.IFD || PK.IFD || g || p || q) || BC. Errors wrap
// [ErrChannel].
func CheckDAPPResponse(resp []byte, key *DAPPKey, dh *DHParams, pubIFD, pubICC, rndIFD []byte) error {
	k := len(key.Modulus)
	if len(resp) < 8+1 || len(resp)-8 > k {
		return fmt.Errorf("DAPP: internal authentication answer of %d bytes, want 8 + up to %d: %w", len(resp), k, ErrChannel)
	}
	n := new(big.Int).SetBytes(key.Modulus)
	s := new(big.Int).SetBytes(resp[8:])
	if s.Cmp(n) >= 0 {
		return fmt.Errorf("DAPP: internal authentication signature not below the modulus: %w", ErrChannel)
	}
	m := rsaRaw(resp[8:], new(big.Int).SetBytes(key.Exponent), n, k)
	if k < 34+1 || m[0] != 0x6A || m[k-1] != 0xBC {
		return fmt.Errorf("DAPP: the card's internal authentication does not verify with EF 1004: %w", ErrChannel)
	}
	prnd2, hash := m[1:k-33], m[k-33:k-1]
	h := sha256.New()
	for _, b := range [][]byte{prnd2, pubICC, resp[:8], rndIFD, pubIFD, dh.G, dh.P, dh.Q} {
		h.Write(b)
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), hash) != 1 {
		return fmt.Errorf("DAPP: the card's internal authentication hash does not match: %w", ErrChannel)
	}
	return nil
}

// plainChained sends cmd in plain, split into a chain of commands of at
// most 255 data bytes (CLA 10 on all but the last), as IAS::SendAPDU does.
func (i *Client) plainChained(ctx context.Context, cmd scard.Command) error {
	data := cmd.Data
	for len(data) > scard.MaxShortData {
		part := cmd
		part.CLA |= scard.ClaChaining
		part.Data = data[:scard.MaxShortData]
		if _, err := i.c.Do(ctx, part); err != nil {
			return err
		}
		data = data[scard.MaxShortData:]
	}
	last := cmd
	last.Data = data
	_, err := i.c.Do(ctx, last)
	return err
}

// smSend sends cmd in secure messaging, split into a chain of commands of
// at most 0xE7 plain data bytes. It returns the (unwrapped) response of
// the last command, or the first response in the chain that is not 9000.
// A secure-messaging error closes the channel.
func (i *Client) smSend(ctx context.Context, cmd scard.Command) (scard.Response, error) {
	if i.sm == nil {
		return scard.Response{}, fmt.Errorf("ias: the secure channel is not open: %w", scard.ErrSecurityStatus)
	}
	data := cmd.Data
	for {
		part := cmd
		part.Data = data
		last := len(data) <= smChunk
		if !last {
			part.CLA |= scard.ClaChaining
			part.Data = data[:smChunk]
			part.Ne = 0
		}
		w, err := i.sm.wrap(part)
		if err != nil {
			return scard.Response{}, err
		}
		r, err := i.c.Send(ctx, w)
		if err != nil {
			i.CloseChannel()
			return scard.Response{}, err
		}
		u, err := i.sm.unwrap(r)
		if err != nil {
			i.CloseChannel()
			return scard.Response{}, fmt.Errorf("%s: %w", insText(cmd.INS), err)
		}
		if last || u.SW != scard.SWSuccess {
			return u, nil
		}
		data = data[smChunk:]
	}
}

func insText(ins byte) string {
	switch ins {
	case scard.InsSelect:
		return "SELECT"
	case scard.InsReadBinary:
		return "READ BINARY"
	case scard.InsVerify:
		return "VERIFY"
	case scard.InsChangeReferenceData:
		return "CHANGE REFERENCE DATA"
	case scard.InsResetRetryCounter:
		return "RESET RETRY COUNTER"
	case scard.InsManageSecurityEnvironment:
		return "MANAGE SECURITY ENVIRONMENT"
	case scard.InsInternalAuthenticate:
		return "INTERNAL AUTHENTICATE"
	case scard.InsExternalAuthenticate:
		return "EXTERNAL AUTHENTICATE"
	case scard.InsPerformSecurityOperation:
		return "PERFORM SECURITY OPERATION"
	case scard.InsGetChallenge:
		return "GET CHALLENGE"
	}
	return fmt.Sprintf("INS %02X", ins)
}

// send sends cmd in secure messaging when the channel is open, in plain
// otherwise.
func (i *Client) send(ctx context.Context, cmd scard.Command) (scard.Response, error) {
	if i.sm != nil {
		return i.smSend(ctx, cmd)
	}
	return i.c.Send(ctx, cmd)
}

// do is [scard.Card.Do] through send: the response data, or the status
// word as an error; in the secure channel when it is open.
func (i *Client) do(ctx context.Context, cmd scard.Command) ([]byte, error) {
	r, err := i.send(ctx, cmd)
	if err != nil {
		return nil, err
	}
	if err := r.Err(cmd.INS); err != nil {
		return nil, err
	}
	return r.Data, nil
}

// readFile reads a transparent EF the way the middleware does
// (IAS::readfile and readfile_SM): SELECT 00 A4 02 04 <FID>, then READ
// BINARY in chunks of 128 bytes until 6282 or 6B00, re-sending with the
// exact Le on 6Cxx; in secure messaging when the channel is open.
func (i *Client) readFile(ctx context.Context, fid uint16, name string) ([]byte, error) {
	r, err := i.send(ctx, scard.Command{INS: scard.InsSelect, P1: 0x02, P2: 0x04, Data: []byte{byte(fid >> 8), byte(fid)}})
	if err != nil {
		return nil, fmt.Errorf("selecting %s: %w", name, err)
	}
	if err := r.Err(scard.InsSelect); err != nil {
		return nil, fmt.Errorf("selecting %s: %w", name, err)
	}
	var out []byte
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(out) > maxIASFile {
			return nil, &scard.DataError{File: name, Msg: fmt.Sprintf("file exceeds %d bytes", maxIASFile)}
		}
		cmd := scard.Command{INS: scard.InsReadBinary, P1: byte(len(out) >> 8), P2: byte(len(out)), Ne: 0x80}
		r, err := i.send(ctx, cmd)
		if err != nil {
			return nil, fmt.Errorf("reading %s at offset %d: %w", name, len(out), err)
		}
		if r.SW1() == 0x6C && i.sm != nil {
			cmd.Ne = int(r.SW2())
			if cmd.Ne == 0 {
				cmd.Ne = scard.MaxShortNe
			}
			if r, err = i.send(ctx, cmd); err != nil {
				return nil, fmt.Errorf("reading %s at offset %d: %w", name, len(out), err)
			}
		}
		switch r.SW {
		case scard.SWSuccess:
			if len(r.Data) == 0 {
				return out, nil
			}
			out = append(out, r.Data...)
			continue
		case scard.SWEndOfFile:
			return append(out, r.Data...), nil
		case scard.SWWrongP1P2:
			return out, nil
		}
		return nil, fmt.Errorf("reading %s at offset %d: %w", name, len(out), r.Err(scard.InsReadBinary))
	}
}

// Send sends one command to the card, in the secure channel when it is
// open (chained in pieces of 0xE7 bytes, as the middleware does) and in
// plain otherwise, and returns the response. Card errors are status words
// in the response, not Go errors; a broken channel gives an error
// wrapping [scard.ErrSecureMessaging] and closes it.
func (i *Client) Send(ctx context.Context, cmd scard.Command) (scard.Response, error) {
	return i.send(ctx, cmd)
}
