package cvc

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"

	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
)

// ParsePrivateKey parses a terminal's (or an issuer's) private key as EAC
// PKI tools write it, for [Sign], [Create] and emrtd.TAOptions.Signer: a
// PKCS#8 PrivateKeyInfo, a SEC 1 ECPrivateKey or a PKCS#1 RSAPrivateKey, in
// DER or PEM. Unlike crypto/x509 it accepts EC keys on the brainpool r1
// curves and EC keys with explicit domain parameters (as OpenPACE's
// cvc-create and `openssl ecparam -param_enc explicit` write them), which
// it recognises when they are those of a NIST prime or brainpool r1 curve.
// It returns an *rsa.PrivateKey or an *ecdsa.PrivateKey. Signing on a
// brainpool curve uses math/big arithmetic that is not constant time: use
// such keys for tests, and an HSM's crypto.Signer for production keys.
//
// Errors are [*FieldError] values (Field "private key") that never
// include key material.
func ParsePrivateKey(b []byte) (crypto.Signer, error) {
	bad := func(format string, a ...any) error {
		return &FieldError{Field: "private key", Msg: fmt.Sprintf(format, a...)}
	}
	if len(b) > 4*MaxSize {
		return nil, bad("%d bytes, more than %d", len(b), 4*MaxSize)
	}
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("-----BEGIN")) {
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, bad("malformed PEM")
		}
		switch blk.Type {
		case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
		default:
			return nil, bad("PEM block %q, want PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY", blk.Type)
		}
		b = blk.Bytes
	}
	// PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm
	// AlgorithmIdentifier, privateKey OCTET STRING, ... } (RFC 5208).
	in := cryptobyte.String(b)
	var seq, alg, priv cryptobyte.String
	var ver int
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(&ver) {
		return nil, bad("not a DER SEQUENCE starting with a version")
	}
	if !seq.PeekASN1Tag(cbasn1.SEQUENCE) {
		// ECPrivateKey (version 1) or RSAPrivateKey (version 0).
		if ver == 0 {
			k, err := x509.ParsePKCS1PrivateKey(b)
			if err != nil {
				return nil, bad("RSA private key: %v", err)
			}
			return k, nil
		}
		return ecSigner(parseECPrivateKey(b, nil, bad))
	}
	if !seq.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) || !seq.ReadASN1(&priv, cbasn1.OCTET_STRING) {
		return nil, bad("malformed PKCS#8 PrivateKeyInfo")
	}
	switch {
	case oid.Equal(oidRSAEncryption):
		k, err := x509.ParsePKCS8PrivateKey(b)
		if err != nil {
			return nil, bad("RSA private key: %v", err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, bad("key of type %T cannot sign", k)
		}
		return s, nil
	case oid.Equal(oidECPublicKey):
		curve, err := parseECParams(alg, bad)
		if err != nil {
			return nil, err
		}
		return ecSigner(parseECPrivateKey(priv, curve, bad))
	}
	return nil, bad("key algorithm %s, want rsaEncryption or id-ecPublicKey", oid)
}

// ecSigner returns k as a crypto.Signer, nil (not a nil *ecdsa.PrivateKey
// inside a non-nil interface) on error.
func ecSigner(k *ecdsa.PrivateKey, err error) (crypto.Signer, error) {
	if err != nil {
		return nil, err
	}
	return k, nil
}

// parseECParams reads ECParameters (RFC 5480 2.1.1, SEC 1 C.2): a named
// curve or explicit SpecifiedECDomain parameters, those of a curve
// internal/group knows.
func parseECParams(params cryptobyte.String, bad func(string, ...any) error) (elliptic.Curve, error) {
	e, err := group.ParseECParameters(params)
	if err != nil {
		return nil, bad("%v", err) // "malformed named curve" or "malformed EC domain parameters"
	}
	k, err := e.Curve()
	switch {
	case err == nil:
		return k.Curve, nil
	case e.Named != nil:
		return nil, bad("named curve %s is not a NIST prime or brainpool r1 curve", e.Named)
	case errors.Is(err, group.ErrNotPrimeField):
		return nil, bad("EC field %s is not prime-field", e.FieldType)
	case errors.Is(err, group.ErrCofactor):
		return nil, bad("EC cofactor is not 1")
	}
	return nil, bad("explicit EC domain parameters are not those of a NIST prime or brainpool r1 curve (or the generator is not uncompressed)")
}

// parseECPrivateKey reads ECPrivateKey (SEC 1 C.4): version 1, the private
// key, [0] parameters (needed when curve is nil) and [1] the public key
// (checked when present).
func parseECPrivateKey(der []byte, curve elliptic.Curve, bad func(string, ...any) error) (*ecdsa.PrivateKey, error) {
	in := cryptobyte.String(der)
	var seq, params, pubW cryptobyte.String
	var ver int
	var d []byte
	var hasParams, hasPub bool
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(&ver) || ver != 1 ||
		!seq.ReadASN1Bytes(&d, cbasn1.OCTET_STRING) ||
		!seq.ReadOptionalASN1(&params, &hasParams, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!seq.ReadOptionalASN1(&pubW, &hasPub, cbasn1.Tag(1).Constructed().ContextSpecific()) {
		return nil, bad("malformed ECPrivateKey")
	}
	if hasParams {
		c, err := parseECParams(params, bad)
		if err != nil {
			return nil, err
		}
		if curve != nil && c != curve {
			return nil, bad("ECPrivateKey parameters differ from the algorithm's")
		}
		curve = c
	}
	if curve == nil {
		return nil, bad("EC private key without domain parameters")
	}
	cp := curve.Params()
	l := (cp.N.BitLen() + 7) / 8
	k := new(big.Int).SetBytes(d)
	if len(d) > l || k.Sign() == 0 || k.Cmp(cp.N) >= 0 {
		return nil, bad("EC private scalar out of range")
	}
	var key *ecdsa.PrivateKey
	switch curve {
	case elliptic.P224(), elliptic.P256(), elliptic.P384(), elliptic.P521():
		var err error
		if key, err = ecdsa.ParseRawPrivateKey(curve, k.FillBytes(make([]byte, l))); err != nil {
			return nil, bad("EC private key: %v", err)
		}
	default:
		key = customPrivateKey(curve, k)
	}
	if hasPub {
		var pub asn1.BitString
		if !pubW.ReadASN1BitString(&pub) || !pubW.Empty() {
			return nil, bad("malformed public key in ECPrivateKey")
		}
		want, err := ecPoint(&key.PublicKey)
		if err != nil || !bytes.Equal(pub.RightAlign(), want) {
			return nil, bad("the public key in ECPrivateKey does not match the private key")
		}
	}
	return key, nil
}
