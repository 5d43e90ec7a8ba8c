package emrtd

import (
	"context"
	"crypto/subtle"
	"encoding/asn1"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// PasswordKind is the PACE password reference of MSE:SET AT (ICAO Doc
// 9303-11 clause 4.4.4.1, BSI TR-03110-3 table B.1).
type PasswordKind byte

// Password kinds.
const (
	PasswordMRZ PasswordKind = 1
	PasswordCAN PasswordKind = 2
	PasswordPIN PasswordKind = 3
	PasswordPUK PasswordKind = 4
)

// String returns the name.
func (k PasswordKind) String() string {
	switch k {
	case PasswordMRZ:
		return "MRZ"
	case PasswordCAN:
		return "CAN"
	case PasswordPIN:
		return "PIN"
	case PasswordPUK:
		return "PUK"
	}
	return fmt.Sprintf("PasswordKind(%d)", byte(k))
}

// CAN is the card access number: 6 digits printed on the front of the
// CIE, the PACE password of choice. Like every secret of ciekit it is built
// on a redacting value (no digit under any fmt verb, in errors, log/slog or
// JSON, also inside other structs). The zero CAN is empty.
type CAN struct{ secret.Value }

// NewCAN returns the CAN for 6 decimal digits; otherwise an error wrapping
// [scard.ErrInvalidKey] that never contains the digits.
func NewCAN(digits string) (CAN, error) {
	if len(digits) != 6 {
		return CAN{}, fmt.Errorf("emrtd: CAN has %d characters, want 6: %w", len(digits), scard.ErrInvalidKey)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return CAN{}, fmt.Errorf("emrtd: CAN position %d is not a digit: %w", i+1, scard.ErrInvalidKey)
		}
	}
	return CAN{secret.New([]byte(digits))}, nil
}

// Equal compares two CANs in constant time.
func (c CAN) Equal(d CAN) bool { return secret.Equal(c.Value, d.Value) }

// Format prints "CAN(redacted)" for every verb.
func (CAN) Format(f fmt.State, _ rune) { io.WriteString(f, "CAN(redacted)") }

// String returns a redaction.
func (CAN) String() string { return "CAN(redacted)" }

// GoString returns a redaction.
func (CAN) GoString() string { return "emrtd.CAN{redacted}" }

// PACEPassword is a PACE password: the CAN or the MRZ information. It
// redacts itself under every fmt verb, in errors, log/slog and JSON. The
// zero value is invalid.
type PACEPassword struct {
	kind PasswordKind
	key  secret.Value // CAN as ASCII, or SHA-1 of the MRZ information
}

// CANPassword returns the PACE password for a card access number given as
// text (see [NewCAN]).
func CANPassword(can string) (PACEPassword, error) {
	c, err := NewCAN(can)
	if err != nil {
		return PACEPassword{}, err
	}
	return c.Password(), nil
}

// Password returns the PACE password of the CAN.
func (c CAN) Password() PACEPassword { return PACEPassword{kind: PasswordCAN, key: c.Value} }

// MRZPassword returns the PACE password for the MRZ information (ICAO Doc
// 9303-11 clause 9.7.3: K = SHA-1(MRZ information)).
func MRZPassword(k MRZKey) (PACEPassword, error) {
	h, err := k.hash()
	if err != nil {
		return PACEPassword{}, err
	}
	return PACEPassword{kind: PasswordMRZ, key: secret.New(h)}, nil
}

// Kind returns the password kind.
func (p PACEPassword) Kind() PasswordKind { return p.kind }

// Format prints the kind and a redaction for every verb.
func (p PACEPassword) Format(f fmt.State, _ rune) { io.WriteString(f, p.String()) }

// String returns a redaction.
func (p PACEPassword) String() string { return "PACEPassword(" + p.kind.String() + ", redacted)" }

// GoString returns a redaction.
func (p PACEPassword) GoString() string {
	return "emrtd.PACEPassword{" + p.kind.String() + ", redacted}"
}

// LogValue returns a redaction.
func (p PACEPassword) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON returns a redaction.
func (p PACEPassword) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// paceProto is what a PACE OID selects.
type paceProto struct {
	oid     asn1.ObjectIdentifier
	dh      bool
	mapping PACEMapping
	cipher  scard.Cipher
}

func paceProtocol(oid asn1.ObjectIdentifier) (paceProto, error) {
	if !hasPrefix(oid, OIDPACE) || len(oid) != 11 {
		return paceProto{}, fmt.Errorf("emrtd: %s is not a PACE protocol: %w", oid, scard.ErrNotSupported)
	}
	p := paceProto{oid: oid}
	switch oid[9] {
	case 1:
		p.dh, p.mapping = true, MappingGeneric
	case 2:
		p.mapping = MappingGeneric
	case 3:
		p.dh, p.mapping = true, MappingIntegrated
	case 4:
		p.mapping = MappingIntegrated
	case 6:
		p.mapping = MappingChipAuthentication
		if oid[10] == 1 {
			return paceProto{}, fmt.Errorf("emrtd: PACE protocol %s (Chip Authentication Mapping has no 3DES variant): %w", oid, scard.ErrNotSupported)
		}
	default:
		return paceProto{}, fmt.Errorf("emrtd: PACE mapping in %s: %w", oid, scard.ErrNotSupported)
	}
	switch oid[10] {
	case 1:
		p.cipher = scard.CipherTDES
	case 2:
		p.cipher = scard.CipherAES128
	case 3:
		p.cipher = scard.CipherAES192
	case 4:
		p.cipher = scard.CipherAES256
	default:
		return paceProto{}, fmt.Errorf("emrtd: PACE cipher in %s: %w", oid, scard.ErrNotSupported)
	}
	return p, nil
}

// PACESupported reports whether ciekit implements the protocol and domain
// parameters of info: Generic Mapping (DH and ECDH), Integrated Mapping
// (DH, and ECDH on curves whose prime is 3 mod 4: every implemented curve
// but NIST P-224) and Chip Authentication Mapping (ECDH with AES), each
// with 3DES or AES, on DH parameters 0-2 and the curves NIST P-224, P-256,
// P-384, P-521 and brainpoolP256r1.
func PACESupported(info PACEInfo) bool {
	proto, err := paceProtocol(info.Protocol)
	if err != nil {
		return false
	}
	g := group.Standard(info.ParameterID)
	return g != nil && g.IsDH() == proto.dh && (proto.mapping != MappingIntegrated || group.CanMap(g))
}

// pace holds the state shared by both sides of one PACE run.
type pace struct {
	kind    PasswordKind
	proto   paceProto
	grp     group.Group
	kpi     []byte
	rnd     io.Reader
	s       []byte
	skMap   *big.Int
	pkMap   any
	pkMapIC any      // the chip's mapping key (CAM verification, terminal side)
	cam     *CAKey   // Chip Authentication Mapping: the chip's static key (chip side)
	caIC    *big.Int // Chip Authentication Mapping: CA_IC (decrypted on the terminal side)
	mapped  group.Group
	sk      *big.Int
	pk      any
	pkPeer  any
	kEnc    []byte
	kMac    []byte
	oidDER  []byte
	step    int
	sm      *scard.SecureMessaging
	failure error
}

func newPACE(info PACEInfo, pw PACEPassword, rnd io.Reader) (*pace, error) {
	if pw.kind == 0 {
		return nil, fmt.Errorf("emrtd: zero PACEPassword: %w", scard.ErrInvalidKey)
	}
	proto, err := paceProtocol(info.Protocol)
	if err != nil {
		return nil, err
	}
	grp := group.Standard(info.ParameterID)
	if grp == nil {
		return nil, fmt.Errorf("emrtd: PACE domain parameters %d: %w", info.ParameterID, scard.ErrNotSupported)
	}
	if grp.IsDH() != proto.dh {
		return nil, fmt.Errorf("emrtd: PACE protocol %s does not match parameters %d: %w", info.Protocol, info.ParameterID, scard.ErrNotSupported)
	}
	if proto.mapping == MappingIntegrated && !group.CanMap(grp) {
		return nil, fmt.Errorf("emrtd: PACE Integrated Mapping on %s (the point encoding needs p = 3 mod 4): %w", grp.Name(), scard.ErrNotSupported)
	}
	der, err := asn1.Marshal(info.Protocol)
	if err != nil {
		return nil, fmt.Errorf("emrtd: PACE protocol OID: %v", err)
	}
	_, _, h, _ := tlv.Header(der)
	return &pace{
		kind:   pw.kind,
		proto:  proto,
		grp:    grp,
		kpi:    scard.DeriveKey(proto.cipher, secret.Reveal(pw.key), scard.KDFPassword),
		rnd:    rnd,
		oidDER: der[h:],
	}, nil
}

// pubKeyDO builds the public key data object that the authentication tokens
// MAC (ICAO Doc 9303-11 clause 4.4.3.4, 9.4.2).
func (p *pace) pubKeyDO(pk any) []byte {
	var b tlv.Builder
	b.AddConstructed(0x7F49, func(b *tlv.Builder) {
		b.Add(0x06, p.oidDER)
		if p.proto.dh {
			// An unsigned integer without leading zero octets (BSI
			// TR-03110-3 D.3.4; as BouncyCastle's UnsignedInteger used by
			// the reference implementations encodes it).
			y := p.mapped.Encode(pk)
			for len(y) > 1 && y[0] == 0 {
				y = y[1:]
			}
			b.Add(0x84, y)
		} else {
			b.Add(0x86, p.mapped.Encode(pk))
		}
	})
	return b.Bytes()
}

func (p *pace) nonceCipher() (func(dst, src []byte), func(dst, src []byte), error) {
	c, key := p.proto.cipher, p.kpi
	if _, err := c.Encrypt(key, nil, nil); err != nil {
		return nil, nil, err
	}
	enc := func(dst, src []byte) { e, _ := c.Encrypt(key, nil, src); copy(dst, e) }
	dec := func(dst, src []byte) { d, _ := c.Decrypt(key, nil, src); copy(dst, d) }
	return enc, dec, nil
}

// mapGenerator performs Generic Mapping: G~ = s*G + H, H = sk_map * PK_map,peer.
func (p *pace) mapGenerator(peerMap []byte) error {
	pk, err := p.grp.Decode(peerMap)
	if err != nil {
		return fmt.Errorf("emrtd: PACE mapping data: %v: %w", err, scard.ErrAuthentication)
	}
	if p.grp.Equal(pk, p.pkMap) {
		return fmt.Errorf("emrtd: PACE mapping data: peer echoed our key: %w", scard.ErrAuthentication)
	}
	p.pkMapIC = pk
	h := p.grp.Mul(pk, p.skMap)
	g := p.grp.Add(p.grp.Mul(p.grp.Gen(), new(big.Int).SetBytes(p.s)), h)
	if p.grp.IsDH() && g.(*big.Int).Cmp(big.NewInt(1)) == 0 {
		return fmt.Errorf("emrtd: PACE mapping: degenerate generator: %w", scard.ErrAuthentication)
	}
	if !p.grp.IsDH() && g.(*group.Point) == nil {
		return fmt.Errorf("emrtd: PACE mapping: degenerate generator: %w", scard.ErrAuthentication)
	}
	p.mapped = p.grp.WithGen(g)
	return nil
}

func (p *pace) genMapKey() error {
	k, err := randScalar(p.rnd, p.grp.Order())
	if err != nil {
		return err
	}
	p.skMap, p.pkMap = k, p.grp.Mul(p.grp.Gen(), k)
	return nil
}

func (p *pace) genEphemeral() error {
	k, err := randScalar(p.rnd, p.mapped.Order())
	if err != nil {
		return err
	}
	p.sk, p.pk = k, p.mapped.Mul(p.mapped.Gen(), k)
	return nil
}

// agree computes K and the session keys from the peer's ephemeral key.
func (p *pace) agree(peer []byte) error {
	pk, err := p.mapped.Decode(peer)
	if err != nil {
		return fmt.Errorf("emrtd: PACE key agreement: %v: %w", err, scard.ErrAuthentication)
	}
	if p.mapped.Equal(pk, p.pk) {
		return fmt.Errorf("emrtd: PACE key agreement: peer echoed our key: %w", scard.ErrAuthentication)
	}
	p.pkPeer = pk
	k := p.mapped.Secret(p.mapped.Mul(pk, p.sk))
	p.kEnc = scard.DeriveKey(p.proto.cipher, k, scard.KDFEnc)
	p.kMac = scard.DeriveKey(p.proto.cipher, k, scard.KDFMAC)
	return nil
}

func (p *pace) token(pk any) ([]byte, error) {
	return p.proto.cipher.MAC(p.kMac, p.pubKeyDO(pk))
}

func (p *pace) startSM() error {
	sm, err := scard.NewSecureMessaging(p.proto.cipher, p.kEnc, p.kMac, nil)
	if err != nil {
		return err
	}
	p.sm = sm
	return nil
}

func dynAuth(tag tlv.Tag, v []byte) []byte {
	var b tlv.Builder
	b.AddConstructed(0x7C, func(b *tlv.Builder) {
		if v != nil || tag != 0 {
			b.Add(tag, v)
		}
	})
	return b.Bytes()
}

func parseDynAuth(data []byte, tag tlv.Tag) ([]byte, error) {
	inner, err := tlv.Unwrap(data, 0x7C)
	if err != nil {
		return nil, fmt.Errorf("dynamic authentication data: %v: %w", err, scard.ErrAuthentication)
	}
	v, ok := tlv.Find(inner, tag)
	if !ok {
		return nil, fmt.Errorf("dynamic authentication data: no DO %s: %w", tag, scard.ErrAuthentication)
	}
	return v, nil
}

// MSESetATPACE returns the data field of MSE:SET AT for PACE (ICAO Doc
// 9303-11 clause 4.4.4.1): DO 80 the protocol OID, DO 83 the password
// reference, and DO 84 the parameter ID when parameterID >= 0 (needed only
// when the card offers several domain parameters for the protocol).
func MSESetATPACE(protocol asn1.ObjectIdentifier, kind PasswordKind, parameterID int) ([]byte, error) {
	der, err := asn1.Marshal(protocol)
	if err != nil {
		return nil, fmt.Errorf("emrtd: PACE protocol OID: %v", err)
	}
	_, _, h, _ := tlv.Header(der)
	var b tlv.Builder
	b.Add(0x80, der[h:])
	b.Add(0x83, []byte{byte(kind)})
	if parameterID >= 0 {
		b.Add(0x84, []byte{byte(parameterID)})
	}
	return b.Bytes(), nil
}

// ParseMSESetATPACE decodes the MSE:SET AT data field of a PACE request
// (card side). parameterID is -1 when DO 84 is absent. Malformed data gives
// a [*DataError].
func ParseMSESetATPACE(data []byte) (protocol asn1.ObjectIdentifier, kind PasswordKind, parameterID int, err error) {
	bad := func(msg string) error { return &scard.DataError{File: "MSE:SET AT", Msg: msg} }
	parameterID = -1
	if _, derr := tlv.Decode(data); derr != nil {
		return nil, 0, -1, bad(derr.Error())
	}
	o, ok := tlv.Find(data, 0x80)
	if !ok || len(o) == 0 || len(o) > 64 {
		return nil, 0, -1, bad("missing or bad protocol DO 80")
	}
	full := tlv.Append(nil, 0x06, o)
	if rest, uerr := asn1.Unmarshal(full, &protocol); uerr != nil || len(rest) != 0 {
		return nil, 0, -1, bad("protocol DO 80 is not an OID")
	}
	r, ok := tlv.Find(data, 0x83)
	if !ok || len(r) != 1 {
		return nil, 0, -1, bad("missing or bad password reference DO 83")
	}
	kind = PasswordKind(r[0])
	if v, ok := tlv.Find(data, 0x84); ok {
		if len(v) != 1 {
			return nil, 0, -1, bad("bad parameter DO 84")
		}
		parameterID = int(v[0])
	}
	return protocol, kind, parameterID, nil
}

// PACE runs PACE (ICAO Doc 9303-11 clause 4.4) with the password pw and
// installs the resulting secure messaging (SSC zero): Generic, Integrated
// or Chip Authentication Mapping, DH or ECDH, 3DES or AES, as info
// announces (see [PACESupported]). Take info from [ParseCardAccess] of
// EF.CardAccess; on the CIE it is id-PACE-DH-GM-3DES-CBC-CBC with
// parameter 2, whose 2048-bit public keys need extended-length APDUs.
// After Chip Authentication Mapping the chip is authenticated only once
// [PACEResult.VerifyCAM] has checked it: use [RunPACE].
//
// Randomness comes from CardOptions.Rand: for Generic and Chip
// Authentication Mapping the mapping private key, then the ephemeral
// private key (each byteLen(q) bytes, redrawn if out of range); for
// Integrated Mapping the nonce t (the key length of the cipher), then the
// ephemeral private key. A wrong password gives an error wrapping
// [ErrAuthentication]; unsupported protocols or parameters wrap
// [ErrNotSupported].
func PACE(ctx context.Context, c *scard.Card, info PACEInfo, pw PACEPassword) error {
	_, err := runPACE(ctx, c, info, pw)
	return err
}

// runPACE is [PACE], returning the protocol state for the known-answer tests.
func runPACE(ctx context.Context, c *scard.Card, info PACEInfo, pw PACEPassword) (*pace, error) {
	p, err := newPACE(info, pw, c.Options().Rand)
	if err != nil {
		return nil, err
	}
	return p.run(ctx, c)
}

// run is the terminal side of a PACE run prepared by newPACE.
func (p *pace) run(ctx context.Context, c *scard.Card) (*pace, error) {
	c.SetSecureMessaging(nil)
	set, err := MSESetATPACE(p.proto.oid, p.kind, -1)
	if err != nil {
		return nil, err
	}
	if _, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0xC1, P2: 0xA4, Data: set}); err != nil {
		return nil, fmt.Errorf("emrtd: PACE: MSE:SET AT: %w", err)
	}
	// ga sends one GENERAL AUTHENTICATE step and returns the content of
	// the 7C template of the reply.
	ga := func(last bool, tag tlv.Tag, v []byte) ([]byte, error) {
		data := dynAuth(tag, v)
		if c.Options().NoExtended && len(data) > scard.MaxShortData {
			return nil, fmt.Errorf("emrtd: PACE with %s needs extended-length APDUs (CardOptions.NoExtended is set): %w", p.grp.Name(), scard.ErrNotSupported)
		}
		cmd := scard.Command{CLA: scard.ClaChaining, INS: scard.InsGeneralAuthenticate, Data: data, Ne: scard.MaxShortNe}
		if last {
			cmd.CLA = 0
		}
		if len(data) > scard.MaxShortData {
			cmd.Ne = scard.MaxExtendedNe
		}
		r, err := c.Send(ctx, cmd)
		if err != nil {
			return nil, fmt.Errorf("emrtd: PACE: %w", err)
		}
		if r.SW != scard.SWSuccess {
			serr := r.Err(scard.InsGeneralAuthenticate)
			if last || r.SW == scard.SWNoInformation || r.SW&0xFFF0 == 0x63C0 {
				return nil, fmt.Errorf("emrtd: PACE: wrong password or token (%w): %w", serr, scard.ErrAuthentication)
			}
			return nil, fmt.Errorf("emrtd: PACE: %w", serr)
		}
		inner, err := tlv.Unwrap(r.Data, 0x7C)
		if err != nil {
			return nil, fmt.Errorf("emrtd: PACE: dynamic authentication data: %v: %w", err, scard.ErrAuthentication)
		}
		return inner, nil
	}
	find := func(inner []byte, tag tlv.Tag) ([]byte, error) {
		v, ok := tlv.Find(inner, tag)
		if !ok {
			return nil, fmt.Errorf("emrtd: PACE: dynamic authentication data: no DO %s: %w", tag, scard.ErrAuthentication)
		}
		return v, nil
	}
	// Step 1: encrypted nonce.
	inner, err := ga(false, 0, nil)
	if err != nil {
		return nil, err
	}
	z, err := find(inner, 0x80)
	if err != nil {
		return nil, err
	}
	if n := p.nonceLen(); len(z) != n {
		return nil, fmt.Errorf("emrtd: PACE: encrypted nonce of %d bytes, want %d: %w", len(z), n, scard.ErrAuthentication)
	}
	_, dec, err := p.nonceCipher()
	if err != nil {
		return nil, err
	}
	p.s = make([]byte, len(z))
	dec(p.s, z)
	// Step 2: mapping.
	if p.proto.mapping == MappingIntegrated {
		t, err := readRand(p.rnd, p.proto.cipher.KeyLen())
		if err != nil {
			return nil, err
		}
		inner, err := ga(false, 0x81, t)
		if err != nil {
			return nil, err
		}
		if err := checkIMReply(inner); err != nil {
			return nil, err
		}
		if err := p.mapIntegrated(t); err != nil {
			return nil, err
		}
	} else {
		if err := p.genMapKey(); err != nil {
			return nil, err
		}
		inner, err := ga(false, 0x81, p.grp.Encode(p.pkMap))
		if err != nil {
			return nil, err
		}
		peerMap, err := find(inner, 0x82)
		if err != nil {
			return nil, err
		}
		if err := p.mapGenerator(peerMap); err != nil {
			return nil, err
		}
	}
	// Step 3: key agreement.
	if err := p.genEphemeral(); err != nil {
		return nil, err
	}
	inner, err = ga(false, 0x83, p.mapped.Encode(p.pk))
	if err != nil {
		return nil, err
	}
	peer, err := find(inner, 0x84)
	if err != nil {
		return nil, err
	}
	if err := p.agree(peer); err != nil {
		return nil, err
	}
	// Step 4: mutual authentication.
	tIFD, err := p.token(p.pkPeer)
	if err != nil {
		return nil, err
	}
	inner, err = ga(true, 0x85, tIFD)
	if err != nil {
		return nil, err
	}
	tIC, err := find(inner, 0x86)
	if err != nil {
		return nil, err
	}
	want, err := p.token(p.pk)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(tIC, want) != 1 {
		return nil, fmt.Errorf("emrtd: PACE: chip authentication token mismatch: %w", scard.ErrAuthentication)
	}
	if p.proto.mapping == MappingChipAuthentication {
		a, err := find(inner, 0x8A)
		if err != nil {
			return nil, fmt.Errorf("emrtd: PACE-CAM: no encrypted chip authentication data: %w", err)
		}
		if p.caIC, err = decryptCAData(p.proto.cipher, p.kEnc, a, p.grp.Order()); err != nil {
			return nil, err
		}
	}
	if err := p.startSM(); err != nil {
		return nil, err
	}
	c.SetSecureMessaging(p.sm)
	return p, nil
}

// PACEChip is the card side of PACE (Generic, Integrated and Chip
// Authentication Mapping), for card emulators.
// Create one per MSE:SET AT; feed each GENERAL AUTHENTICATE data field to
// [PACEChip.GeneralAuthenticate] and answer with its result. After the
// fourth step, [PACEChip.SecureMessaging] returns the session.
//
// Not safe for concurrent use.
type PACEChip struct {
	p *pace
}

// Format prints "emrtd.PACEChip(redacted)" for every verb: the state holds
// the password key, the ephemeral keys and the session keys.
func (c *PACEChip) Format(f fmt.State, _ rune) { io.WriteString(f, "emrtd.PACEChip(redacted)") }

// LogValue returns a redaction, for log/slog.
func (c *PACEChip) LogValue() slog.Value { return slog.StringValue("emrtd.PACEChip(redacted)") }

// NewPACEChip prepares the card side for the protocol and parameters in
// info and the document's password pw. rnd supplies the nonce and private
// keys (nil means crypto/rand). Unsupported protocols wrap [ErrNotSupported].
//
// Chip Authentication Mapping needs the chip's static key: use
// [NewPACEChipCAM] for those protocols.
func NewPACEChip(info PACEInfo, pw PACEPassword, rnd io.Reader) (*PACEChip, error) {
	return NewPACEChipCAM(info, pw, nil, rnd)
}

// NewPACEChipCAM is [NewPACEChip] with the chip's static chip authentication
// key, which PACE with Chip Authentication Mapping (ICAO Doc 9303-11
// 4.4.3.5) proves possession of: an ECDH key ([NewCAKey]) on the domain
// parameters of info. key may be nil for the other mappings, where it is
// not used.
func NewPACEChipCAM(info PACEInfo, pw PACEPassword, key *CAKey, rnd io.Reader) (*PACEChip, error) {
	p, err := newPACE(info, pw, rnd)
	if err != nil {
		return nil, err
	}
	if p.proto.mapping == MappingChipAuthentication {
		if key == nil || key.ec == nil || key.ecPriv == nil {
			return nil, fmt.Errorf("emrtd: PACE %s needs the chip's ECDH chip authentication key: %w", info.Protocol, scard.ErrInvalidKey)
		}
		if key.ec.Name() != p.grp.Name() {
			return nil, fmt.Errorf("emrtd: chip authentication key on %s, PACE on %s: %w", key.ec.Name(), p.grp.Name(), scard.ErrInvalidKey)
		}
		p.cam = key
	}
	return &PACEChip{p: p}, nil
}

// GeneralAuthenticate processes one GENERAL AUTHENTICATE command data field
// (a 7C template) and returns the response data field. Errors wrapping
// [ErrAuthentication] (bad token, bad public key, protocol out of order)
// mean the card must answer 6300 and forget the run; other errors are
// randomness failures.
func (c *PACEChip) GeneralAuthenticate(data []byte) ([]byte, error) {
	p := c.p
	if p.failure != nil {
		return nil, p.failure
	}
	fail := func(err error) ([]byte, error) {
		p.failure = fmt.Errorf("emrtd: PACE run aborted: %w", scard.ErrAuthentication)
		return nil, err
	}
	switch p.step {
	case 0:
		inner, err := tlv.Unwrap(data, 0x7C)
		if err != nil || len(inner) != 0 {
			return fail(fmt.Errorf("emrtd: PACE step 1: want an empty 7C template: %w", scard.ErrAuthentication))
		}
		s, err := readRand(p.rnd, p.nonceLen())
		if err != nil {
			return nil, err
		}
		p.s = s
		enc, _, err := p.nonceCipher()
		if err != nil {
			return nil, err
		}
		z := make([]byte, len(s))
		enc(z, s)
		p.step++
		return dynAuth(0x80, z), nil
	case 1:
		peer, err := parseDynAuth(data, 0x81)
		if err != nil {
			return fail(err)
		}
		if p.proto.mapping == MappingIntegrated {
			// mapIntegrated refuses a nonce t of the wrong length.
			if err := p.mapIntegrated(peer); err != nil {
				return fail(err)
			}
			p.step++
			return dynAuth(0x82, nil), nil
		}
		if err := p.genMapKey(); err != nil {
			return nil, err
		}
		if err := p.mapGenerator(peer); err != nil {
			return fail(err)
		}
		p.step++
		return dynAuth(0x82, p.grp.Encode(p.pkMap)), nil
	case 2:
		peer, err := parseDynAuth(data, 0x83)
		if err != nil {
			return fail(err)
		}
		if err := p.genEphemeral(); err != nil {
			return nil, err
		}
		if err := p.agree(peer); err != nil {
			return fail(err)
		}
		p.step++
		return dynAuth(0x84, p.mapped.Encode(p.pk)), nil
	case 3:
		t, err := parseDynAuth(data, 0x85)
		if err != nil {
			return fail(err)
		}
		want, err := p.token(p.pk)
		if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare(t, want) != 1 {
			return fail(fmt.Errorf("emrtd: PACE: terminal authentication token mismatch: %w", scard.ErrAuthentication))
		}
		tIC, err := p.token(p.pkPeer)
		if err != nil {
			return nil, err
		}
		var caData []byte
		if p.cam != nil {
			if caData, err = encryptCAData(p.proto.cipher, p.kEnc, p.cam.ecPriv, p.skMap, p.grp.Order()); err != nil {
				return nil, err
			}
		}
		if err := p.startSM(); err != nil {
			return nil, err
		}
		p.step++
		if caData == nil {
			return dynAuth(0x86, tIC), nil
		}
		var b tlv.Builder
		b.AddConstructed(0x7C, func(b *tlv.Builder) {
			b.Add(0x86, tIC)
			b.Add(0x8A, caData)
		})
		return b.Bytes(), nil
	}
	return fail(fmt.Errorf("emrtd: PACE: GENERAL AUTHENTICATE after completion: %w", scard.ErrAuthentication))
}

// Done reports whether the run completed successfully.
func (c *PACEChip) Done() bool { return c.p.step == 4 && c.p.sm != nil }

// SecureMessaging returns the session established by a completed run, or
// nil.
func (c *PACEChip) SecureMessaging() *scard.SecureMessaging {
	if !c.Done() {
		return nil
	}
	return c.p.sm
}
