package emrtd

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
)

// ErrActiveAuthentication: the chip's answer to active authentication does
// not verify with the DG15 public key (a cloned or substituted chip).
var ErrActiveAuthentication = errors.New("emrtd: active authentication failed")

// ParseDG15 returns the active authentication public key of DG15 (tag 6F
// wrapping a SubjectPublicKeyInfo, ICAO Doc 9303-10 4.7.15): an
// *rsa.PublicKey or *ecdsa.PublicKey. Malformed input gives a
// [*scard.DataError]; an unsupported key one wrapping
// [scard.ErrNotSupported].
func ParseDG15(b []byte) (crypto.PublicKey, error) {
	v, err := tlv.Unwrap(b, 0x6F)
	if err != nil {
		return nil, &scard.DataError{File: "DG15", Msg: err.Error()}
	}
	pub, err := x509.ParsePKIXPublicKey(v)
	if err != nil {
		return nil, &scard.DataError{File: "DG15", Msg: "SubjectPublicKeyInfo: " + err.Error()}
	}
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return pub, nil
	}
	return nil, fmt.Errorf("emrtd: DG15 key %T: %w", pub, scard.ErrNotSupported)
}

// MarshalDG15 builds DG15 from an RSA or ECDSA public key.
func MarshalDG15(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("emrtd: MarshalDG15: %v", err)
	}
	return tlv.Append(nil, 0x6F, der), nil
}

// ISO/IEC 10118-3 hash identifiers in the ISO/IEC 9796-2 two-byte trailer.
var hashIDs = map[byte]crypto.Hash{0x33: crypto.SHA1, 0x34: crypto.SHA256, 0x35: crypto.SHA512, 0x36: crypto.SHA384, 0x38: crypto.SHA224}

// ActiveAuthentication runs active authentication (ICAO Doc 9303-11 6.1):
// it sends an 8-byte random challenge with INTERNAL AUTHENTICATE and
// verifies the chip's signature with pub, the key of DG15 ([ParseDG15]),
// which passive authentication must have verified first.
//
// RSA: ISO/IEC 9796-2 digital signature scheme 1 with partial message
// recovery (header 6A; trailer BC for SHA-1 or a hash identifier and CC).
// ECDSA: a plain r||s signature (BSI TR-03111 5.2.1) over the challenge
// hashed with hash (from DG14's ActiveAuthenticationInfo; 0 means
// SHA-256 for keys up to 256 bits, SHA-384 up to 384, SHA-512 above).
// rnd is the source of the challenge (nil: crypto/rand).
//
// A signature that does not verify gives an error wrapping
// [ErrActiveAuthentication]; a refused command its [*scard.StatusError].
func ActiveAuthentication(ctx context.Context, c *scard.Card, pub crypto.PublicKey, hash crypto.Hash, rnd io.Reader) error {
	if rnd == nil {
		rnd = rand.Reader
	}
	challenge := make([]byte, 8)
	if _, err := io.ReadFull(rnd, challenge); err != nil {
		return fmt.Errorf("emrtd: active authentication challenge: %v", err)
	}
	sig, err := c.Do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge, Ne: scard.MaxShortNe})
	if err != nil {
		return fmt.Errorf("active authentication: %w", err)
	}
	return VerifyActiveAuthentication(pub, hash, challenge, sig)
}

// VerifyActiveAuthentication checks the chip's answer sig to challenge
// with pub, as [ActiveAuthentication] does.
func VerifyActiveAuthentication(pub crypto.PublicKey, hash crypto.Hash, challenge, sig []byte) error {
	bad := func(msg string) error { return fmt.Errorf("emrtd: %s: %w", msg, ErrActiveAuthentication) }
	switch k := pub.(type) {
	case *rsa.PublicKey:
		kLen := (k.N.BitLen() + 7) / 8
		s := new(big.Int).SetBytes(sig)
		if len(sig) != kLen || s.Cmp(k.N) >= 0 {
			return bad("RSA signature of the wrong size")
		}
		f := new(big.Int).Exp(s, big.NewInt(int64(k.E)), k.N).FillBytes(make([]byte, kLen))
		var h crypto.Hash
		var tLen int
		switch {
		case f[len(f)-1] == 0xBC:
			h, tLen = crypto.SHA1, 1
		case f[len(f)-1] == 0xCC && hashIDs[f[len(f)-2]] != 0:
			h, tLen = hashIDs[f[len(f)-2]], 2
		default:
			return bad("ISO/IEC 9796-2 trailer not recognised")
		}
		if !h.Available() || f[0] != 0x6A || len(f) < 1+h.Size()+tLen {
			return bad("ISO/IEC 9796-2 header is not 6A (partial recovery)")
		}
		m1 := f[1 : len(f)-tLen-h.Size()]
		d := h.New()
		d.Write(m1)
		d.Write(challenge)
		if subtle.ConstantTimeCompare(d.Sum(nil), f[len(f)-tLen-h.Size():len(f)-tLen]) != 1 {
			return bad("ISO/IEC 9796-2 hash mismatch")
		}
		return nil
	case *ecdsa.PublicKey:
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return bad("ECDSA signature of the wrong size")
		}
		h := aaHash(hash, k)
		d := h.New()
		d.Write(challenge)
		r, s := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
		if !ecdsa.Verify(k, d.Sum(nil), r, s) {
			return bad("ECDSA signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("emrtd: active authentication key %T: %w", pub, scard.ErrNotSupported)
}

func aaHash(h crypto.Hash, k *ecdsa.PublicKey) crypto.Hash {
	if h != 0 {
		return h
	}
	switch bits := k.Curve.Params().BitSize; {
	case bits <= 256:
		return crypto.SHA256
	case bits <= 384:
		return crypto.SHA384
	}
	return crypto.SHA512
}

// SignActiveAuthentication is the chip's side of active authentication:
// the answer to INTERNAL AUTHENTICATE with challenge, made with key (an
// *rsa.PrivateKey, signing with ISO/IEC 9796-2 scheme 1 and SHA-1 or, with
// hash set, its trailer CC; or an *ecdsa.PrivateKey). For card emulators.
func SignActiveAuthentication(key crypto.Signer, hash crypto.Hash, challenge []byte, rnd io.Reader) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		h, trailer := crypto.SHA1, []byte{0xBC}
		if hash != 0 && hash != crypto.SHA1 {
			h = hash
			for id, hh := range hashIDs {
				if hh == hash {
					trailer = []byte{id, 0xCC}
				}
			}
			if len(trailer) != 2 {
				return nil, fmt.Errorf("emrtd: no ISO/IEC 9796-2 identifier for %v: %w", hash, scard.ErrNotSupported)
			}
		}
		kLen := (k.N.BitLen() + 7) / 8
		if k.N.BitLen()%8 != 0 || kLen < 1+h.Size()+len(trailer)+1 {
			return nil, fmt.Errorf("emrtd: RSA key of %d bits for ISO/IEC 9796-2: %w", k.N.BitLen(), scard.ErrNotSupported)
		}
		m1 := make([]byte, kLen-1-h.Size()-len(trailer))
		if _, err := io.ReadFull(rnd, m1); err != nil {
			return nil, err
		}
		d := h.New()
		d.Write(m1)
		d.Write(challenge)
		f := append(append(append([]byte{0x6A}, m1...), d.Sum(nil)...), trailer...)
		s := new(big.Int).Exp(new(big.Int).SetBytes(f), k.D, k.N)
		return s.FillBytes(make([]byte, kLen)), nil
	case *ecdsa.PrivateKey:
		h := aaHash(hash, &k.PublicKey)
		d := h.New()
		d.Write(challenge)
		r, s, err := ecdsa.Sign(rnd, k, d.Sum(nil))
		if err != nil {
			return nil, err
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*n)
		r.FillBytes(out[:n])
		s.FillBytes(out[n:])
		return out, nil
	}
	return nil, fmt.Errorf("emrtd: active authentication key %T: %w", key, scard.ErrNotSupported)
}
