package emrtd

import (
	"context"
	"encoding/asn1"
	"fmt"
	"io"
	"log/slog"
	"math/big"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Chip Authentication object identifiers (ICAO Doc 9303-11 clause 9.2.7).
const (
	OIDCADH3DES       = "0.4.0.127.0.7.2.2.3.1.1" // id-CA-DH-3DES-CBC-CBC (the CIE's)
	OIDCADHAES128     = "0.4.0.127.0.7.2.2.3.1.2"
	OIDCADHAES192     = "0.4.0.127.0.7.2.2.3.1.3"
	OIDCADHAES256     = "0.4.0.127.0.7.2.2.3.1.4"
	OIDCAECDHAES128   = "0.4.0.127.0.7.2.2.3.2.2" // id-CA-ECDH-AES-CBC-CMAC-128
	OIDPKDH           = "0.4.0.127.0.7.2.2.1.1"   // id-PK-DH
	OIDPKECDH         = "0.4.0.127.0.7.2.2.1.2"   // id-PK-ECDH
	oidDHPublicNumber = "1.2.840.10046.2.1"       // ANSI X9.42
	oidStandardizedDP = "0.4.0.127.0.7.1.2"       // BSI standardized domain parameters
)

// CAKey is a chip's static key for Chip Authentication, as DG14 (or
// EF.CardSecurity) publishes it: a Diffie-Hellman key for EAC chip
// authentication, or an ECDH key for PACE with Chip Authentication Mapping
// ([NewPACEChipCAM]). Card emulators create one with [NewCAKey]; terminals
// get the public part from DG14 through [ChipAuthentication] and
// [PACEResult.VerifyCAM].
type CAKey struct {
	grp  *group.DH // DH keys
	priv *big.Int  // nil on the terminal side
	pub  *big.Int
	id   int // standardized parameter ID, or -1

	ec     *group.EC // ECDH keys
	ecPriv *big.Int
	ecPub  *group.Point
}

// Format prints "emrtd.CAKey(redacted)" for every verb: a card-side key
// holds the private exponent.
func (k *CAKey) Format(f fmt.State, _ rune) { io.WriteString(f, "emrtd.CAKey(redacted)") }

// LogValue returns a redaction, for log/slog.
func (k *CAKey) LogValue() slog.Value { return slog.StringValue("emrtd.CAKey(redacted)") }

// NewCAKey generates a chip authentication key on the standardized domain
// parameters paramID, for card emulators: DH on 0, 1 or 2 (the CIE uses
// DH parameter 2, for EAC chip authentication), ECDH on the implemented
// curves (10, 12, 13, 15, 18; for PACE-CAM only: ECDH EAC chip
// authentication is not implemented). rnd nil means crypto/rand.
func NewCAKey(paramID int, rnd io.Reader) (*CAKey, error) {
	if ec, ok := group.Standard(paramID).(*group.EC); ok {
		x, err := randScalar(rnd, ec.Order())
		if err != nil {
			return nil, err
		}
		return &CAKey{ec: ec, ecPriv: x, ecPub: ec.Mul(ec.Gen(), x).(*group.Point), id: paramID}, nil
	}
	g := group.RFC5114(paramID)
	if g == nil {
		return nil, fmt.Errorf("emrtd: chip authentication with DH parameters %d: %w", paramID, scard.ErrNotSupported)
	}
	x, err := randScalar(rnd, g.Q)
	if err != nil {
		return nil, err
	}
	return &CAKey{grp: g, priv: x, pub: new(big.Int).Exp(g.G, x, g.P), id: paramID}, nil
}

// SecurityInfos returns the DER ChipAuthenticationInfo (protocol, version
// 1, keyID) and ChipAuthenticationPublicKeyInfo entries for DG14: id-PK-DH
// with the key as an X9.42 SubjectPublicKeyInfo, or id-PK-ECDH with BSI
// standardized domain parameters and the uncompressed point (as in ICAO
// Doc 9303-11 appendix I). keyID < 0 omits it.
func (k *CAKey) SecurityInfos(protocol asn1.ObjectIdentifier, keyID int) ([][]byte, error) {
	if k.ec != nil {
		return marshalCAInfos(protocol, keyID, OIDPKECDH, func(b *cryptobyte.Builder) {
			sdp, _ := parseOID(oidStandardizedDP)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(sdp)
				b.AddASN1Int64(int64(k.id))
			})
			b.AddASN1BitString(k.ec.Encode(k.ecPub))
		})
	}
	return marshalCAInfos(protocol, keyID, OIDPKDH, func(b *cryptobyte.Builder) {
		dhpn, _ := parseOID(oidDHPublicNumber)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(dhpn)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1BigInt(k.grp.P)
				b.AddASN1BigInt(k.grp.G)
				b.AddASN1BigInt(k.grp.Q)
			})
		})
		var y cryptobyte.Builder
		y.AddASN1BigInt(k.pub)
		yb, _ := y.Bytes()
		b.AddASN1BitString(yb)
	})
}

// marshalCAInfos encodes ChipAuthenticationInfo (protocol, version 1,
// keyID) and ChipAuthenticationPublicKeyInfo (pkOID, the
// SubjectPublicKeyInfo whose content spki adds, keyID).
func marshalCAInfos(protocol asn1.ObjectIdentifier, keyID int, pkOID string, spki func(*cryptobyte.Builder)) ([][]byte, error) {
	pk, _ := parseOID(pkOID)
	optKeyID := func(b *cryptobyte.Builder) {
		if keyID >= 0 {
			b.AddASN1Int64(int64(keyID))
		}
	}
	var ca, pki cryptobyte.Builder
	ca.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(protocol)
		b.AddASN1Int64(1)
		optKeyID(b)
	})
	pki.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(pk)
		b.AddASN1(cbasn1.SEQUENCE, spki)
		optKeyID(b)
	})
	a, err := ca.Bytes()
	if err != nil {
		return nil, fmt.Errorf("emrtd: encoding ChipAuthenticationInfo: %v", err)
	}
	p, err := pki.Bytes()
	if err != nil {
		return nil, fmt.Errorf("emrtd: encoding ChipAuthenticationPublicKeyInfo: %v", err)
	}
	return [][]byte{a, p}, nil
}

// parseCAKey reads an id-PK-DH SubjectPublicKeyInfo: X9.42 dhpublicnumber
// with explicit (p, g, q), or BSI standardized domain parameters.
func parseCAKey(spki []byte) (*CAKey, error) {
	bad := func(msg string) error {
		return &scard.DataError{File: "DG14", Msg: "chip authentication public key: " + msg}
	}
	in := cryptobyte.String(spki)
	var seq, alg cryptobyte.String
	var algOID asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&algOID) {
		return nil, bad("malformed SubjectPublicKeyInfo")
	}
	k := &CAKey{id: -1}
	switch algOID.String() {
	case oidDHPublicNumber:
		var params cryptobyte.String
		p, g, q := new(big.Int), new(big.Int), new(big.Int)
		if !alg.ReadASN1(&params, cbasn1.SEQUENCE) || !params.ReadASN1Integer(p) || !params.ReadASN1Integer(g) || !params.ReadASN1Integer(q) {
			return nil, bad("malformed X9.42 domain parameters")
		}
		if p.BitLen() < 1024 || p.BitLen() > 4096 || q.Sign() <= 0 || q.BitLen() >= p.BitLen() || g.Cmp(big.NewInt(1)) <= 0 || g.Cmp(p) >= 0 {
			return nil, bad("DH domain parameters out of range")
		}
		k.grp = &group.DH{Label: "DG14 DH parameters", P: p, G: g, Q: q}
	case oidStandardizedDP:
		var id int64
		if !alg.ReadASN1Integer(&id) || group.RFC5114(int(id)) == nil {
			return nil, fmt.Errorf("emrtd: DG14 standardized DH parameters: %w", scard.ErrNotSupported)
		}
		k.grp, k.id = group.RFC5114(int(id)), int(id)
	default:
		return nil, fmt.Errorf("emrtd: DG14 chip authentication key algorithm %s (only DH is implemented): %w", algOID, scard.ErrNotSupported)
	}
	var bs asn1.BitString
	if !seq.ReadASN1BitString(&bs) || bs.BitLength%8 != 0 {
		return nil, bad("malformed subjectPublicKey")
	}
	bits := cryptobyte.String(bs.Bytes)
	y := new(big.Int)
	if !bits.ReadASN1Integer(y) {
		return nil, bad("subjectPublicKey is not an INTEGER")
	}
	if _, err := k.grp.Decode(y.Bytes()); err != nil {
		return nil, bad(err.Error())
	}
	k.pub = y
	return k, nil
}

// caProto returns the cipher of a chip authentication protocol.
func caProto(oid asn1.ObjectIdentifier) (scard.Cipher, bool) {
	switch oid.String() {
	case OIDCADH3DES:
		return scard.CipherTDES, true
	case OIDCADHAES128:
		return scard.CipherAES128, true
	case OIDCADHAES192:
		return scard.CipherAES192, true
	case OIDCADHAES256:
		return scard.CipherAES256, true
	}
	return 0, false
}

// Agree is the card side of Chip Authentication: from the terminal's
// ephemeral public value (DO 91 of MSE:SET KAT, or DO 80 of GENERAL
// AUTHENTICATE) it derives the new session. The card answers the command
// under the old session and then switches to the returned one (SSC 0).
// A bad public value gives an error wrapping [ErrAuthentication].
func (k *CAKey) Agree(c scard.Cipher, pkIFD []byte) (*scard.SecureMessaging, error) {
	if k.grp == nil {
		return nil, fmt.Errorf("emrtd: ECDH chip authentication: %w", scard.ErrNotSupported)
	}
	if k.priv == nil {
		return nil, fmt.Errorf("emrtd: CAKey without private key")
	}
	y, err := k.grp.Decode(pkIFD)
	if err != nil {
		return nil, fmt.Errorf("chip authentication: %v: %w", err, scard.ErrAuthentication)
	}
	return caSession(c, k.grp, y.(*big.Int), k.priv)
}

func caSession(c scard.Cipher, g *group.DH, peer, priv *big.Int) (*scard.SecureMessaging, error) {
	secret := g.Encode(new(big.Int).Exp(peer, priv, g.P))
	return scard.NewSecureMessaging(c, scard.DeriveKey(c, secret, scard.KDFEnc), scard.DeriveKey(c, secret, scard.KDFMAC), nil)
}

// ChipAuthentication runs EAC Chip Authentication (ICAO Doc 9303-11
// clause 6.2) with the chip's DH key from DG14: it proves the chip holds
// the private key whose public half the SOD signs (anti-cloning) and
// replaces the BAC/PACE session with a new one. It must run under the
// secure messaging of BAC or PACE. With 3DES it uses MSE:SET KAT (CA
// version 1, as the CIE); with AES, MSE:SET AT and GENERAL AUTHENTICATE.
// Run [PassiveAuthentication] on DG14 too, or the key proves nothing.
//
// Errors: [ErrNotSupported] (no DH chip authentication in dg14), a
// [*DataError] for a malformed key, a [*StatusError] if the card refuses,
// and [ErrSecureMessaging] if the new session does not work (a cloned chip
// cannot derive it).
func ChipAuthentication(ctx context.Context, c *scard.Card, dg14 *SecurityInfos) error {
	_, err := chipAuthentication(ctx, c, dg14)
	return err
}

// chipAuthentication is [ChipAuthentication], returning the terminal's
// encoded ephemeral public value (for terminal authentication).
func chipAuthentication(ctx context.Context, c *scard.Card, dg14 *SecurityInfos) ([]byte, error) {
	if c.SecureMessaging() == nil {
		return nil, fmt.Errorf("emrtd: chip authentication needs BAC or PACE first: %w", scard.ErrConditionsNotSatisfied)
	}
	var pkInfo *ChipAuthenticationPublicKeyInfo
	for i := range dg14.ChipAuthenticationPublicKeys {
		if dg14.ChipAuthenticationPublicKeys[i].Protocol.String() == OIDPKDH {
			pkInfo = &dg14.ChipAuthenticationPublicKeys[i]
			break
		}
	}
	if pkInfo == nil {
		return nil, fmt.Errorf("emrtd: DG14 has no DH chip authentication key: %w", scard.ErrNotSupported)
	}
	cipher := scard.CipherTDES // CA version 1 default when no ChipAuthenticationInfo
	var proto asn1.ObjectIdentifier
	proto, _ = parseOID(OIDCADH3DES)
	for _, ca := range dg14.ChipAuthentication {
		if ci, ok := caProto(ca.Protocol); ok && (ca.KeyID == pkInfo.KeyID || ca.KeyID < 0 || pkInfo.KeyID < 0) {
			cipher, proto = ci, ca.Protocol
			break
		}
	}
	key, err := parseCAKey(pkInfo.SubjectPublicKeyInfo)
	if err != nil {
		return nil, err
	}
	priv, err := randScalar(c.Options().Rand, key.grp.Q)
	if err != nil {
		return nil, err
	}
	pub := key.grp.Encode(new(big.Int).Exp(key.grp.G, priv, key.grp.P))
	var keyRef []byte
	if pkInfo.KeyID >= 0 {
		keyRef = big.NewInt(int64(pkInfo.KeyID)).Bytes()
		if len(keyRef) == 0 {
			keyRef = []byte{0}
		}
	}
	if cipher == scard.CipherTDES {
		data := tlv.Append(nil, 0x91, pub)
		if keyRef != nil {
			data = tlv.Append(data, 0x84, keyRef)
		}
		if _, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA6, Data: data}); err != nil {
			return nil, fmt.Errorf("chip authentication: MSE:SET KAT: %w", err)
		}
	} else {
		der, _ := asn1.Marshal(proto)
		_, _, h, _ := tlv.Header(der)
		data := tlv.Append(nil, 0x80, der[h:])
		if keyRef != nil {
			data = tlv.Append(data, 0x84, keyRef)
		}
		if _, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: data}); err != nil {
			return nil, fmt.Errorf("chip authentication: MSE:SET AT: %w", err)
		}
		if _, err := c.Do(ctx, scard.Command{INS: scard.InsGeneralAuthenticate, Data: dynAuth(0x80, pub), Ne: scard.MaxShortNe}); err != nil {
			return nil, fmt.Errorf("chip authentication: GENERAL AUTHENTICATE: %w", err)
		}
	}
	sm, err := caSession(cipher, key.grp, key.pub, priv)
	if err != nil {
		return nil, err
	}
	c.SetSecureMessaging(sm)
	return pub, nil
}
