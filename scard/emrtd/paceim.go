package emrtd

import (
	"bytes"
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// PACEMapping is the way a PACE protocol maps the nonce to the ephemeral
// generator (ICAO Doc 9303-11 4.4.3.3), the 10th arc of its OID.
type PACEMapping int

// PACE mappings.
const (
	// MappingGeneric is Generic Mapping (GM): an anonymous Diffie-Hellman
	// exchange gives H, and the generator is s*G + H.
	MappingGeneric PACEMapping = iota + 1
	// MappingIntegrated is Integrated Mapping (IM): the terminal sends a
	// second nonce t, and both sides map R(s,t) into the group.
	MappingIntegrated
	// MappingChipAuthentication is Chip Authentication Mapping (CAM):
	// Generic Mapping, after which the chip proves that it holds its
	// static chip authentication key (ECDH with AES only).
	MappingChipAuthentication
)

// String returns "GM", "IM" or "CAM".
func (m PACEMapping) String() string {
	switch m {
	case MappingGeneric:
		return "GM"
	case MappingIntegrated:
		return "IM"
	case MappingChipAuthentication:
		return "CAM"
	}
	return fmt.Sprintf("PACEMapping(%d)", int(m))
}

// Mapping returns the mapping of the PACE protocol in info, or 0 if
// info.Protocol is not a PACE protocol ciekit knows.
func (info PACEInfo) Mapping() PACEMapping {
	p, err := paceProtocol(info.Protocol)
	if err != nil {
		return 0
	}
	return p.mapping
}

// nonceLen is the length l of the nonce s in bytes: one block for Generic
// and Chip Authentication Mapping; for Integrated Mapping the smallest
// multiple of the block size not shorter than the key (ICAO Doc 9303-11
// 4.4.3.3; 3DES counts as a 128-bit key), so 16 bytes with 3DES and
// AES-128 and 32 with AES-192 and AES-256.
func (p *pace) nonceLen() int {
	bs := p.proto.cipher.BlockSize()
	if p.proto.mapping != MappingIntegrated {
		return bs
	}
	k := p.proto.cipher.KeyLen()
	return (k + bs - 1) / bs * bs
}

// Constants of the pseudo-random function (ICAO Doc 9303-11 4.4.3.3.2).
var (
	imC0L128 = []byte{0xa6, 0x68, 0x89, 0x2a, 0x7c, 0x41, 0xe3, 0xca, 0x73, 0x9f, 0x40, 0xb0, 0x57, 0xd8, 0x59, 0x04}
	imC1L128 = []byte{0xa4, 0xe1, 0x36, 0xac, 0x72, 0x5f, 0x73, 0x8b, 0x01, 0xc1, 0xf6, 0x02, 0x17, 0xc1, 0x88, 0xad}
	imC0L256 = []byte{
		0xd4, 0x63, 0xd6, 0x52, 0x34, 0x12, 0x4e, 0xf7, 0x89, 0x70, 0x54, 0x98, 0x6d, 0xca, 0x0a, 0x17,
		0x4e, 0x28, 0xdf, 0x75, 0x8c, 0xba, 0xa0, 0x3f, 0x24, 0x06, 0x16, 0x41, 0x4d, 0x5a, 0x16, 0x76}
	imC1L256 = []byte{
		0x54, 0xbd, 0x72, 0x55, 0xf0, 0xaa, 0xf8, 0x31, 0xbe, 0xc3, 0x42, 0x3f, 0xcf, 0x39, 0xd6, 0x9b,
		0x6c, 0xbf, 0x06, 0x66, 0x77, 0xd0, 0xfa, 0xae, 0x5a, 0xad, 0xd9, 0x9d, 0xf8, 0xe5, 0x35, 0x17}
)

// imPRF is the pseudo-random function R(s,t) of PACE Integrated Mapping
// (ICAO Doc 9303-11 4.4.3.3.2, figure 2): with the block cipher E in CBC
// mode and a zero IV, k0 = E(t, s), then for i = 0..n-1 x(i+1) = E(ki, c1)
// and k(i+1) = E(ki, c0), each ki cut to the key length (AES-192 keeps 24
// of 32 octets). n is the smallest count with n*l >= log2(p) + 64. It
// returns x1 || ... || xn; R_p(s,t) is that number modulo p.
func imPRF(c scard.Cipher, s, t []byte, p *big.Int) ([]byte, error) {
	var c0, c1 []byte
	switch len(s) {
	case 16:
		c0, c1 = imC0L128, imC1L128
	case 32:
		c0, c1 = imC0L256, imC1L256
	default:
		return nil, fmt.Errorf("emrtd: PACE integrated mapping: nonce s of %d bytes, want 16 or 32", len(s))
	}
	if len(t) != c.KeyLen() {
		return nil, fmt.Errorf("emrtd: PACE integrated mapping: nonce t of %d bytes, want %d", len(t), c.KeyLen())
	}
	l := 8 * len(s)
	n := (p.BitLen() + 64 + l - 1) / l
	k, err := c.Encrypt(t, nil, s)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, n*len(s))
	for range n {
		key := k[:c.KeyLen()]
		x, err := c.Encrypt(key, nil, c1)
		if err != nil {
			return nil, err
		}
		out = append(out, x...)
		if k, err = c.Encrypt(key, nil, c0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mapIntegrated sets the mapped group to f_G(R_p(s,t)).
func (p *pace) mapIntegrated(t []byte) error {
	r, err := imPRF(p.proto.cipher, p.s, t, group.Field(p.grp))
	if err != nil {
		return fmt.Errorf("%v: %w", err, scard.ErrAuthentication)
	}
	x := new(big.Int).SetBytes(r)
	x.Mod(x, group.Field(p.grp))
	g, err := group.Map(p.grp, x)
	if err != nil {
		return fmt.Errorf("emrtd: PACE integrated mapping: %v: %w", err, scard.ErrAuthentication)
	}
	p.mapped = p.grp.WithGen(g)
	return nil
}

// checkIMReply checks the chip's reply to the Integrated Mapping step:
// DO 82 empty (ICAO Doc 9303-11 4.4.5.2.2), or absent.
func checkIMReply(inner []byte) error {
	if v, ok := tlv.Find(inner, 0x82); ok && len(v) != 0 {
		return fmt.Errorf("emrtd: PACE integrated mapping: the chip sent %d bytes of mapping data, want none: %w", len(v), scard.ErrAuthentication)
	}
	return nil
}

// caIV is IV = E(KS_Enc, -1) of the encrypted chip authentication data
// (ICAO Doc 9303-11 4.4.3.5.4): the all-ones block encrypted with KS_Enc.
func caIV(c scard.Cipher, kEnc []byte) ([]byte, error) {
	return c.Encrypt(kEnc, nil, bytes.Repeat([]byte{0xFF}, c.BlockSize()))
}

// encryptCAData computes A_IC = E(KS_Enc, CA_IC) with CA_IC =
// SK_IC^-1 * SK_Map,IC mod n encoded with FE2OS on the length of n, padded
// with ISO/IEC 9797-1 method 2 (ICAO Doc 9303-11 4.4.3.5).
func encryptCAData(c scard.Cipher, kEnc []byte, skIC, skMap, n *big.Int) ([]byte, error) {
	inv := new(big.Int).ModInverse(skIC, n)
	if inv == nil {
		return nil, fmt.Errorf("emrtd: chip authentication key not invertible")
	}
	ca := inv.Mul(inv, skMap)
	ca.Mod(ca, n)
	buf := make([]byte, (n.BitLen()+7)/8, (n.BitLen()+7)/8+c.BlockSize())
	ca.FillBytes(buf)
	buf = append(buf, 0x80)
	for len(buf)%c.BlockSize() != 0 {
		buf = append(buf, 0)
	}
	iv, err := caIV(c, kEnc)
	if err != nil {
		return nil, err
	}
	return c.Encrypt(kEnc, iv, buf)
}

// decryptCAData recovers CA_IC from the content of DO 8A: AES-CBC with
// IV = E(KS_Enc, -1), ISO/IEC 9797-1 padding method 2, FE2OS on the length
// of the group order n, and 0 < CA_IC < n. Any other content gives an
// error wrapping [ErrAuthentication].
func decryptCAData(c scard.Cipher, kEnc, a []byte, n *big.Int) (*big.Int, error) {
	bs, size := c.BlockSize(), (n.BitLen()+7)/8
	if len(a) == 0 || len(a)%bs != 0 || len(a) > size+bs {
		return nil, fmt.Errorf("emrtd: PACE-CAM: encrypted chip authentication data of %d bytes, want %d: %w", len(a), (size/bs+1)*bs, scard.ErrAuthentication)
	}
	iv, err := caIV(c, kEnc)
	if err != nil {
		return nil, err
	}
	pt, err := c.Decrypt(kEnc, iv, a)
	if err != nil {
		return nil, err
	}
	ca, err := unpadCAData(pt, size)
	if err != nil {
		return nil, err
	}
	x := new(big.Int).SetBytes(ca)
	if x.Sign() == 0 || x.Cmp(n) >= 0 {
		return nil, fmt.Errorf("emrtd: PACE-CAM: chip authentication data out of range: %w", scard.ErrAuthentication)
	}
	return x, nil
}

// unpadCAData removes ISO/IEC 9797-1 padding method 2 and checks the FE2OS
// length.
func unpadCAData(pt []byte, size int) ([]byte, error) {
	i := len(pt) - 1
	for i >= 0 && pt[i] == 0 {
		i--
	}
	if i < 0 || pt[i] != 0x80 {
		return nil, fmt.Errorf("emrtd: PACE-CAM: chip authentication data badly padded (wrong session key?): %w", scard.ErrAuthentication)
	}
	if i != size {
		return nil, fmt.Errorf("emrtd: PACE-CAM: chip authentication data of %d bytes, want %d: %w", i, size, scard.ErrAuthentication)
	}
	return pt[:i], nil
}

// PACEResult is what a completed PACE run tells the terminal besides the
// secure messaging it installs: the protocol, its mapping and, after
// Chip Authentication Mapping, whether the chip proved its static key.
// It holds no secret: its unexported fields are the chip's public mapping
// key and the (public once decrypted) chip authentication data.
type PACEResult struct {
	Protocol    asn1.ObjectIdentifier
	ParameterID int
	Mapping     PACEMapping
	// ChipAuthenticated is set by [PACEResult.VerifyCAM] when the chip
	// proved that it holds the private half of ChipAuthenticationKey.
	ChipAuthenticated bool
	// ChipAuthenticationKey is the ChipAuthenticationPublicKeyInfo that
	// [PACEResult.VerifyCAM] verified the chip against (from DG14 or
	// EF.CardSecurity); passive authentication of that file completes
	// the chip's authentication (ICAO Doc 9303-11 4.4.3.5.2, J.1).
	ChipAuthenticationKey *ChipAuthenticationPublicKeyInfo

	grp     group.Group
	pkMapIC any
	caIC    *big.Int
	idPICC  []byte
}

// RunPACE is [PACE], returning what the run established: the mapping
// used and, for Chip Authentication Mapping, the data that
// [PACEResult.VerifyCAM] checks against the chip's static key.
func RunPACE(ctx context.Context, c *scard.Card, info PACEInfo, pw PACEPassword) (*PACEResult, error) {
	p, err := runPACE(ctx, c, info, pw)
	if err != nil {
		return nil, err
	}
	return p.result(info), nil
}

func (p *pace) result(info PACEInfo) *PACEResult {
	r := &PACEResult{Protocol: info.Protocol, ParameterID: info.ParameterID, Mapping: p.proto.mapping,
		grp: p.grp, idPICC: compKey(p.mapped, p.pkPeer)}
	if p.proto.mapping == MappingChipAuthentication {
		r.pkMapIC, r.caIC = p.pkMapIC, p.caIC
	}
	return r
}

// VerifyCAM completes PACE with Chip Authentication Mapping on the
// terminal side (ICAO Doc 9303-11 4.4.3.5.2): it checks PK_Map,IC =
// CA_IC * PK_IC for an ECDH chip authentication key (id-PK-ECDH) of infos
// on the PACE domain parameters, taken from DG14 ([ParseDG14]) or
// EF.CardSecurity. On success it sets ChipAuthenticated and
// ChipAuthenticationKey. The key proves something only once passive
// authentication has verified the file it came from.
//
// Errors: [ErrNotSupported] when the run was not PACE-CAM or infos has no
// usable ECDH key; [ErrAuthentication] when no key matches (a cloned chip,
// or a key that is not the chip's).
func (r *PACEResult) VerifyCAM(infos *SecurityInfos) error {
	if r.Mapping != MappingChipAuthentication || r.caIC == nil {
		return fmt.Errorf("emrtd: PACE ran with %s, not Chip Authentication Mapping: %w", r.Mapping, scard.ErrNotSupported)
	}
	if infos == nil {
		return fmt.Errorf("emrtd: PACE-CAM: no SecurityInfos to take the chip's key from: %w", scard.ErrNotSupported)
	}
	tried := 0
	var lastErr error
	for i := range infos.ChipAuthenticationPublicKeys {
		ki := &infos.ChipAuthenticationPublicKeys[i]
		if ki.Protocol.String() != OIDPKECDH {
			continue
		}
		curve, pk, err := parseECCAKey(ki.SubjectPublicKeyInfo)
		if err != nil {
			lastErr = err
			continue
		}
		if curve.Name() != r.grp.Name() {
			continue
		}
		tried++
		if r.grp.Equal(r.grp.Mul(pk, r.caIC), r.pkMapIC) {
			r.ChipAuthenticated, r.ChipAuthenticationKey = true, ki
			return nil
		}
	}
	if tried == 0 {
		if lastErr != nil {
			return lastErr
		}
		return fmt.Errorf("emrtd: PACE-CAM: no ECDH chip authentication key on %s: %w", r.grp.Name(), scard.ErrNotSupported)
	}
	return fmt.Errorf("emrtd: PACE-CAM: the chip does not hold the chip authentication key (PK_Map,IC != CA_IC * PK_IC): %w", scard.ErrAuthentication)
}

// Format prints the protocol, the mapping and the CAM outcome.
func (r *PACEResult) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "PACE(%s, %s, parameters %d, chip authenticated %t)", r.Protocol, r.Mapping, r.ParameterID, r.ChipAuthenticated)
}

// parseECCAKey reads the SubjectPublicKeyInfo of an id-PK-ECDH chip
// authentication key: BSI standardized domain parameters (as in ICAO Doc
// 9303-11 appendix I), or id-ecPublicKey with a named curve or explicit
// prime-curve parameters equal to an implemented curve. It returns the
// curve and the point. Malformed input gives a [*DataError]; other curves
// [ErrNotSupported].
func parseECCAKey(spki []byte) (*group.EC, *group.Point, error) {
	bad := func(msg string) error {
		return &scard.DataError{File: "chip authentication public key", Msg: msg}
	}
	var info struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params asn1.RawValue `asn1:"optional"`
		}
		Key asn1.BitString
	}
	if rest, err := asn1.Unmarshal(spki, &info); err != nil || len(rest) != 0 {
		return nil, nil, bad("malformed SubjectPublicKeyInfo")
	}
	var curve *group.EC
	switch info.Alg.OID.String() {
	case oidStandardizedDP:
		var id int
		if rest, err := asn1.Unmarshal(info.Alg.Params.FullBytes, &id); err != nil || len(rest) != 0 {
			return nil, nil, bad("malformed standardized domain parameter ID")
		}
		g, ok := group.Standard(id).(*group.EC)
		if !ok {
			return nil, nil, fmt.Errorf("emrtd: chip authentication key on standardized domain parameters %d: %w", id, scard.ErrNotSupported)
		}
		curve = g
	case oidECPublicKey:
		e, err := group.ParseECParameters(info.Alg.Params.FullBytes)
		if err != nil {
			return nil, nil, bad("malformed elliptic-curve parameters")
		}
		k, err := e.Curve()
		var ok bool
		if err == nil {
			// Only the curves of standardized domain parameters ciekit
			// implements: the key shares PACE's group.
			curve, ok = group.Standard(k.ParamID).(*group.EC)
		}
		switch {
		case ok:
		case e.Named != nil:
			return nil, nil, fmt.Errorf("emrtd: chip authentication key on curve %s: %w", e.Named, scard.ErrNotSupported)
		case errors.Is(err, group.ErrNotPrimeField):
			return nil, nil, fmt.Errorf("emrtd: chip authentication key on a curve that is not over a prime field: %w", scard.ErrNotSupported)
		case errors.Is(err, group.ErrCofactor):
			return nil, nil, fmt.Errorf("emrtd: chip authentication key on a curve with cofactor %s: %w", e.H, scard.ErrNotSupported)
		default:
			return nil, nil, fmt.Errorf("emrtd: chip authentication key on explicit curve parameters ciekit does not implement: %w", scard.ErrNotSupported)
		}
	default:
		return nil, nil, fmt.Errorf("emrtd: chip authentication key algorithm %s: %w", info.Alg.OID, scard.ErrNotSupported)
	}
	if info.Key.BitLength%8 != 0 {
		return nil, nil, bad("subjectPublicKey is not whole octets")
	}
	pt, err := curve.Decode(info.Key.Bytes)
	if err != nil {
		return nil, nil, bad(err.Error())
	}
	return curve, pt.(*group.Point), nil
}
