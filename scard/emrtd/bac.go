package emrtd

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/scard"
)

// MRZKey is the MRZ information that keys BAC and serves as PACE password
// (ICAO Doc 9303-11 clause 9.7.2): document number, date of birth and date
// of expiry as printed in the MRZ. It is personal data and an access key,
// so it is opaque: it is built on a redacting value and prints no part of
// the key under any fmt verb, in errors, log/slog or JSON, also inside other
// structs. The zero MRZKey is empty ([MRZKey.IsZero]).
type MRZKey struct{ v secret.Value }

// NewMRZKey returns the key for a document number ('<' fillers optional,
// e.g. "CA00000AA"), a date of birth and a date of expiry (YYMMDD). It does
// not validate them: [MRZKey.Info] and the protocols report a malformed key
// with an error wrapping [scard.ErrInvalidKey].
func NewMRZKey(documentNumber, birthDate, expiryDate string) MRZKey {
	return MRZKey{secret.New([]byte(documentNumber + "\x00" + birthDate + "\x00" + expiryDate))}
}

// fields returns the document number, date of birth and date of expiry.
func (k MRZKey) fields() (doc, birth, expiry string) {
	doc, rest, _ := strings.Cut(string(secret.Reveal(k.v)), "\x00")
	birth, expiry, _ = strings.Cut(rest, "\x00")
	return doc, birth, expiry
}

// Equal reports whether k and l are the same key, in constant time.
func (k MRZKey) Equal(l MRZKey) bool { return secret.Equal(k.v, l.v) }

// IsZero reports whether k holds no key.
func (k MRZKey) IsZero() bool { return k.v.IsZero() }

// Format prints "MRZKey(redacted)" for every verb.
func (MRZKey) Format(f fmt.State, _ rune) { io.WriteString(f, "MRZKey(redacted)") }

// String returns a redaction.
func (MRZKey) String() string { return "MRZKey(redacted)" }

// GoString returns a redaction.
func (MRZKey) GoString() string { return "emrtd.MRZKey{redacted}" }

// LogValue returns a redaction.
func (MRZKey) LogValue() slog.Value { return slog.StringValue("redacted") }

// MarshalJSON returns a redaction.
func (MRZKey) MarshalJSON() ([]byte, error) { return []byte(`"MRZKey(redacted)"`), nil }

// mrzCheckDigit computes the ICAO 9303-3 check digit (weights 7, 3, 1).
func mrzCheckDigit(s string) (byte, bool) {
	w := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		case c == '<':
			v = 0
		default:
			return 0, false
		}
		sum += v * w[i%3]
	}
	return byte('0' + sum%10), true
}

// Info returns the MRZ information string: document number (padded with
// '<' to 9 characters) and its check digit, date of birth and check digit,
// date of expiry and check digit. It returns an error wrapping
// [ErrInvalidKey] for characters outside [0-9A-Z<] or dates that are not
// six digits; the error names the field, never its value.
func (k MRZKey) Info() (string, error) {
	doc, birth, expiry := k.fields()
	for len(doc) < 9 {
		doc += "<"
	}
	fields := []struct{ name, v string }{
		{"document number", doc}, {"date of birth", birth}, {"date of expiry", expiry},
	}
	out := make([]byte, 0, 32)
	for i, f := range fields {
		if i > 0 && len(f.v) != 6 {
			return "", fmt.Errorf("emrtd: MRZ key: %s has %d characters, want 6: %w", f.name, len(f.v), scard.ErrInvalidKey)
		}
		if i > 0 {
			for j := 0; j < 6; j++ {
				if f.v[j] < '0' || f.v[j] > '9' {
					return "", fmt.Errorf("emrtd: MRZ key: %s position %d is not a digit: %w", f.name, j+1, scard.ErrInvalidKey)
				}
			}
		}
		cd, ok := mrzCheckDigit(f.v)
		if !ok {
			return "", fmt.Errorf("emrtd: MRZ key: %s has a character outside [0-9A-Z<]: %w", f.name, scard.ErrInvalidKey)
		}
		out = append(out, f.v...)
		out = append(out, cd)
	}
	return string(out), nil
}

// hash returns SHA-1 of the MRZ information (ICAO 9303-11 9.7.2, 9.7.3).
func (k MRZKey) hash() ([]byte, error) {
	info, err := k.Info()
	if err != nil {
		return nil, err
	}
	h := sha1.Sum([]byte(info))
	return h[:], nil
}

// BACKeys derives the BAC document basic access keys K_enc and K_mac
// (16 bytes each, two-key 3DES) from the MRZ information (ICAO Doc 9303-11
// clause 9.7.2 and appendix D.1). Card emulators use it too.
func (k MRZKey) BACKeys() (kEnc, kMac []byte, err error) {
	h, err := k.hash()
	if err != nil {
		return nil, nil, err
	}
	seed := h[:16]
	return scard.DeriveKey(scard.CipherTDES, seed, scard.KDFEnc), scard.DeriveKey(scard.CipherTDES, seed, scard.KDFMAC), nil
}

func readRand(r io.Reader, n int) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("emrtd: reading randomness: %v", err)
	}
	return b, nil
}

// randScalar reads a private key in [1, q-1] from r, rejecting out-of-range
// values; it reads byteLen(q) bytes per attempt, masking excess top bits.
func randScalar(r io.Reader, q *big.Int) (*big.Int, error) {
	n := (q.BitLen() + 7) / 8
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

// bacSessionKeys derives the session keys and the SSC (ICAO 9303-11 9.7.4).
func bacSession(kIFD, kICC, rndICC, rndIFD []byte) (*scard.SecureMessaging, error) {
	seed := make([]byte, 16)
	subtle.XORBytes(seed, kIFD, kICC)
	ssc := append(append([]byte(nil), rndICC[4:8]...), rndIFD[4:8]...)
	return scard.NewSecureMessaging(scard.CipherTDES, scard.DeriveKey(scard.CipherTDES, seed, scard.KDFEnc), scard.DeriveKey(scard.CipherTDES, seed, scard.KDFMAC), ssc)
}

// BAC runs Basic Access Control (ICAO Doc 9303-11 clause 4.3) with the MRZ
// key and installs the resulting 3DES secure messaging on the card. The
// eMRTD application must be selected. Randomness comes from
// CardOptions.Rand: 8 bytes RND.IFD, then 16 bytes K.IFD.
//
// A wrong key gives an error wrapping [ErrAuthentication]; an invalid key
// [ErrInvalidKey]; other errors are transport or status errors.
func BAC(ctx context.Context, c *scard.Card, key MRZKey) error {
	kEnc, kMac, err := key.BACKeys()
	if err != nil {
		return err
	}
	c.SetSecureMessaging(nil)
	rndICC, err := c.GetChallenge(ctx, 8)
	if err != nil {
		return fmt.Errorf("BAC: %w", err)
	}
	rndIFD, err := readRand(c.Options().Rand, 8)
	if err != nil {
		return err
	}
	kIFD, err := readRand(c.Options().Rand, 16)
	if err != nil {
		return err
	}
	s := make([]byte, 0, 32)
	s = append(append(append(s, rndIFD...), rndICC...), kIFD...)
	eIFD := tdesEncrypt(kEnc, s)
	data := append(eIFD, tdesMAC(kMac, eIFD)...)
	r, err := c.Send(ctx, scard.Command{INS: scard.InsExternalAuthenticate, Data: data, Ne: 40})
	if err != nil {
		return fmt.Errorf("BAC: %w", err)
	}
	if r.SW != scard.SWSuccess {
		return fmt.Errorf("BAC: wrong MRZ key or card refused (%w): %w", r.Err(scard.InsExternalAuthenticate), scard.ErrAuthentication)
	}
	if len(r.Data) != 40 {
		return fmt.Errorf("BAC: MUTUAL AUTHENTICATE returned %d bytes, want 40: %w", len(r.Data), scard.ErrAuthentication)
	}
	if subtle.ConstantTimeCompare(tdesMAC(kMac, r.Data[:32]), r.Data[32:]) != 1 {
		return fmt.Errorf("BAC: card MAC mismatch: %w", scard.ErrAuthentication)
	}
	plain := tdesDecrypt(kEnc, r.Data[:32])
	if subtle.ConstantTimeCompare(plain[0:8], rndICC) != 1 || subtle.ConstantTimeCompare(plain[8:16], rndIFD) != 1 {
		return fmt.Errorf("BAC: card nonces do not match: %w", scard.ErrAuthentication)
	}
	sm, err := bacSession(kIFD, plain[16:32], rndICC, rndIFD)
	if err != nil {
		return err
	}
	c.SetSecureMessaging(sm)
	return nil
}

// BACChip is the card side of BAC, for card emulators. Create one per
// session; call Challenge for GET CHALLENGE and MutualAuthenticate for
// the EXTERNAL/MUTUAL AUTHENTICATE command.
type BACChip struct {
	kEnc, kMac secret.Value
	rand       io.Reader
	rndICC     []byte
}

// Format prints "emrtd.BACChip(redacted)" for every verb.
func (b *BACChip) Format(f fmt.State, _ rune) { io.WriteString(f, "emrtd.BACChip(redacted)") }

// LogValue returns a redaction, for log/slog.
func (b *BACChip) LogValue() slog.Value { return slog.StringValue("emrtd.BACChip(redacted)") }

// NewBACChip returns the card side of BAC for the document's MRZ key.
// rnd supplies RND.ICC and K.ICC (nil means crypto/rand).
func NewBACChip(key MRZKey, rnd io.Reader) (*BACChip, error) {
	kEnc, kMac, err := key.BACKeys()
	if err != nil {
		return nil, err
	}
	return &BACChip{kEnc: secret.New(kEnc), kMac: secret.New(kMac), rand: rnd}, nil
}

// Challenge returns a fresh 8-byte RND.ICC and remembers it.
func (b *BACChip) Challenge() ([]byte, error) {
	r, err := readRand(b.rand, 8)
	if err != nil {
		return nil, err
	}
	b.rndICC = r
	return append([]byte(nil), r...), nil
}

// MutualAuthenticate checks the terminal's E.IFD||M.IFD (40 bytes) and
// returns the card's E.ICC||M.ICC with the new secure-messaging session. An
// error wrapping [ErrAuthentication] means the card must answer 6300 (or
// 6982); the challenge is consumed either way.
func (b *BACChip) MutualAuthenticate(data []byte) ([]byte, *scard.SecureMessaging, error) {
	rndICC := b.rndICC
	b.rndICC = nil
	if rndICC == nil {
		return nil, nil, fmt.Errorf("BAC: no challenge issued: %w", scard.ErrAuthentication)
	}
	if len(data) != 40 {
		return nil, nil, fmt.Errorf("BAC: MUTUAL AUTHENTICATE data of %d bytes, want 40: %w", len(data), scard.ErrAuthentication)
	}
	if subtle.ConstantTimeCompare(tdesMAC(secret.Reveal(b.kMac), data[:32]), data[32:]) != 1 {
		return nil, nil, fmt.Errorf("BAC: terminal MAC mismatch: %w", scard.ErrAuthentication)
	}
	plain := tdesDecrypt(secret.Reveal(b.kEnc), data[:32])
	if subtle.ConstantTimeCompare(plain[8:16], rndICC) != 1 {
		return nil, nil, fmt.Errorf("BAC: terminal did not echo RND.ICC: %w", scard.ErrAuthentication)
	}
	rndIFD, kIFD := plain[0:8], plain[16:32]
	kICC, err := readRand(b.rand, 16)
	if err != nil {
		return nil, nil, err
	}
	r := make([]byte, 0, 32)
	r = append(append(append(r, rndICC...), rndIFD...), kICC...)
	eICC := tdesEncrypt(secret.Reveal(b.kEnc), r)
	resp := append(eICC, tdesMAC(secret.Reveal(b.kMac), eICC)...)
	sm, err := bacSession(kIFD, kICC, rndICC, rndIFD)
	if err != nil {
		return nil, nil, err
	}
	return resp, sm, nil
}

// MRZKeyFromMRZ extracts the BAC/PACE key fields from MRZ lines (TD1,
// 3×30 characters as on the CIE, TD2, 2×36, or TD3, 2×44; newlines
// optional). A valid MRZ is read with [cie.ParseAnyMRZ]; one that fails its
// checks (documents in circulation have wrong check digits, and the key is
// made from the characters as printed) falls back to the field positions
// alone. Malformed input gives an error wrapping [ErrInvalidKey] that never
// repeats the MRZ.
func MRZKeyFromMRZ(mrz string) (MRZKey, error) {
	if p, err := cie.ParseAnyMRZ(mrz); err == nil {
		return MRZKeyFromCIE(p), nil
	}
	m := make([]byte, 0, 90)
	for i := 0; i < len(mrz); i++ {
		if mrz[i] != '\n' && mrz[i] != '\r' {
			m = append(m, mrz[i])
		}
	}
	trim := func(s []byte) string {
		e := len(s)
		for e > 0 && s[e-1] == '<' {
			e--
		}
		return string(s[:e])
	}
	switch len(m) {
	case 90: // TD1
		doc := trim(m[5:14])
		if m[14] == '<' && len(trim(m[15:30])) > 0 {
			// Long document number continued in the optional field
			// (ICAO 9303-5 4.2.4): the last digit there is its check digit.
			ext := trim(m[15:30])
			doc = string(m[5:14]) + ext[:len(ext)-1]
		}
		return NewMRZKey(doc, string(m[30:36]), string(m[38:44])), nil
	case 88: // TD3
		return NewMRZKey(trim(m[44:53]), string(m[57:63]), string(m[65:71])), nil
	case 72: // TD2
		doc := trim(m[36:45])
		if m[45] == '<' && len(trim(m[64:71])) > 0 {
			// Long document number continued in the optional data, as
			// for TD1 (ICAO Doc 9303-6, the TD2 counterpart of 9303-5
			// 4.2.4).
			ext := trim(m[64:71])
			doc = string(m[36:45]) + ext[:len(ext)-1]
		}
		return NewMRZKey(doc, string(m[49:55]), string(m[57:63])), nil
	}
	return MRZKey{}, fmt.Errorf("emrtd: MRZ of %d characters, want 90 (TD1), 72 (TD2) or 88 (TD3): %w", len(m), scard.ErrInvalidKey)
}

// MRZKeyFromCIE returns the access key of a parsed MRZ.
func MRZKeyFromCIE(m *cie.MRZ) MRZKey {
	return NewMRZKey(m.DocumentNumber, m.Birth, m.Expiry)
}

// tdesEncrypt, tdesDecrypt and tdesMAC are the BAC cryptogram primitives
// (ICAO Doc 9303-11 clause 9.7.1.1). The keys come from [MRZKey.BACKeys]
// and have the right length, so errors cannot occur.
func tdesEncrypt(key, data []byte) []byte {
	out, _ := scard.CipherTDES.Encrypt(key, nil, data)
	return out
}

func tdesDecrypt(key, data []byte) []byte {
	out, _ := scard.CipherTDES.Decrypt(key, nil, data)
	return out
}

func tdesMAC(key, data []byte) []byte {
	out, _ := scard.CipherTDES.MAC(key, data)
	return out
}
