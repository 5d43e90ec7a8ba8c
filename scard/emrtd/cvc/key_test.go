package cvc_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePrivateKeyForms(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	sec1, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pkcs1 := x509.MarshalPKCS1PrivateKey(rk)
	for name, in := range map[string][]byte{
		"SEC 1":      sec1,
		"PKCS#8":     pkcs8,
		"PEM SEC 1":  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}),
		"PKCS#1":     pkcs1,
		"PEM PKCS#1": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: pkcs1}),
	} {
		k, err := cvc.ParsePrivateKey(in)
		require.NoError(t, err, name)
		if strings.Contains(name, "PKCS#1") {
			assert.True(t, rk.Equal(k), name)
		} else {
			assert.True(t, ec.Equal(k), name)
		}
	}
	// An OpenSSL brainpool key with explicit parameters signs a
	// certificate that verifies.
	der, err := os.ReadFile("testdata/openpace/bp256/IS-TEST-KEY.pkcs8")
	require.NoError(t, err)
	bp, err := cvc.ParsePrivateKey(der)
	require.NoError(t, err)
	assert.Equal(t, "brainpoolP256r1", bp.Public().(*ecdsa.PublicKey).Curve.Params().Name)
	cert, err := cvc.Create(nil, &cvc.Certificate{CAR: "UTCVCA00001", CHR: "UTCVCA00001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleCVCA, Rights: cvc.ReadDG3, EffectiveDate: day(2026, 1, 1), ExpirationDate: day(2026, 12, 31)}, bp.Public(), nil, bp)
	require.NoError(t, err)
	c, err := cvc.Parse(cert)
	require.NoError(t, err)
	require.NoError(t, c.CheckSignatureFrom(c))
}

func TestParsePrivateKeyErrors(t *testing.T) {
	der, err := os.ReadFile("testdata/openpace/bp256/IS-TEST-KEY.pkcs8")
	require.NoError(t, err)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	sec1Other, _ := x509.MarshalECPrivateKey(other)
	// Splice the other key's public point into this key's SEC 1 encoding.
	pt, _ := ec.PublicKey.Bytes()
	ptOther, _ := other.PublicKey.Bytes()
	i, j := bytes.Index(sec1, pt), bytes.Index(sec1Other, ptOther)
	mismatch := append(bytes.Clone(sec1[:i]), sec1Other[j:]...)
	brainpoolPrime := []byte{0xA9, 0xFB, 0x57, 0xDB}
	tests := []struct {
		name, want string
		in         []byte
	}{
		{"empty", "not a DER SEQUENCE", nil},
		{"PEM certificate", "PEM block \"CERTIFICATE\"", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})},
		{"public point of another key", "does not match", mismatch},
		{"explicit parameters of no known curve", "not those of a NIST prime or brainpool", bytes.Replace(bytes.Clone(der), brainpoolPrime, []byte{0xA9, 0xFB, 0x57, 0xDC}, 1)},
		{"truncated", "not a DER SEQUENCE", der[:len(der)-10]},
		{"secp256k1", "named curve 1.3.132.0.10 is not a NIST prime or brainpool r1 curve", secp256k1Key},
		{"huge", "more than", make([]byte, 5*cvc.MaxSize)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := cvc.ParsePrivateKey(tc.in)
			require.Error(t, err)
			assert.Nil(t, k)
			var fe *cvc.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, "private key", fe.Field)
			assert.Contains(t, err.Error(), tc.want)
			assert.ErrorIs(t, err, scard.ErrMalformedData)
		})
	}
}

// secp256k1Key is `openssl ecparam -name secp256k1 -genkey | openssl pkcs8
// -topk8 -nocrypt -outform DER`: a named curve ciekit does not know.
var secp256k1Key = mustHex("308184020100301006072a8648ce3d020106052b8104000a046d306b0201010420" +
	"1b9c2f9e1d2a4e7c7b5d8f0a3c6e9b2d4f1a8c7e5b3d9f2a6c4e8b1d7f3a5c9e" +
	"a14403420004" + strings.Repeat("11", 64))

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestRightsString(t *testing.T) {
	for r, want := range map[cvc.Rights]string{
		0: "none", cvc.ReadDG3: "DG3", cvc.ReadDG3 | cvc.ReadDG4: "DG3+DG4",
		cvc.ReadDG4 | cvc.ReadEID: "DG4+eID", cvc.RightsMask: "DG3+DG4+RFU2+RFU3+RFU4+eID",
	} {
		assert.Equal(t, want, r.String())
	}
}

// TestDomainParameters: a CVCA key is usable only when all of p, a, b, G
// and n are those of a known curve; matching the prime alone (as ciekit
// did before OpenPACE's brainpool certificates) is not enough.
func TestDomainParameters(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := cvc.Create(nil, &cvc.Certificate{CAR: "UTCVCA00001", CHR: "UTCVCA00001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleCVCA, EffectiveDate: day(2026, 1, 1), ExpirationDate: day(2026, 12, 31)}, &ec.PublicKey, nil, ec)
	require.NoError(t, err)
	c, err := cvc.Parse(der)
	require.NoError(t, err)
	require.NotNil(t, c.PublicKey)
	aP256 := mustHex("8220FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC")
	require.True(t, bytes.Contains(der, aP256), "a = p-3 written for P-256")
	otherA := bytes.Replace(bytes.Clone(der), aP256, append(bytes.Clone(aP256[:len(aP256)-1]), 0xFD), 1)
	c, err = cvc.Parse(otherA)
	require.NoError(t, err, "an unknown curve parses")
	assert.Nil(t, c.PublicKey, "P-256's prime with another a is no known curve")
	assert.ErrorIs(t, c.CheckSignatureFrom(c), scard.ErrNotSupported)
}
