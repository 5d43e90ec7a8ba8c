package emrtd

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testPKI struct {
	csca    *x509.Certificate
	dsCert  *x509.Certificate
	dsKey   crypto.Signer
	rsaCert *x509.Certificate
	rsaKey  crypto.Signer
	other   *x509.Certificate // an unrelated CSCA
}

var pkiOnce = sync.OnceValue(func() *testPKI {
	mk := func(tmpl, parent *x509.Certificate, pub any, priv crypto.Signer) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
		if err != nil {
			panic(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		return c
	}
	nb := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	na := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	cscaKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"IT"}, CommonName: "Test CSCA"},
		NotBefore: nb, NotAfter: na, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	csca := mk(caT, caT, cscaKey.Public(), cscaKey)
	dsKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dsT := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{Country: []string{"IT"}, CommonName: "Test DS"},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature}
	ds := mk(dsT, csca, dsKey.Public(), cscaKey)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaT := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{Country: []string{"IT"}, CommonName: "Test DS RSA"},
		NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature}
	rsaDS := mk(rsaT, csca, rsaKey.Public(), cscaKey)
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	oT := &x509.Certificate{SerialNumber: big.NewInt(4), Subject: pkix.Name{Country: []string{"IT"}, CommonName: "Other CSCA"},
		NotBefore: nb, NotAfter: na, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	return &testPKI{csca: csca, dsCert: ds, dsKey: dsKey, rsaCert: rsaDS, rsaKey: rsaKey, other: mk(oT, oT, otherKey.Public(), otherKey)}
})

func pool(c *x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

func TestPassiveAuthentication(t *testing.T) {
	t.Parallel()
	pki := pkiOnce()
	dgs := map[int][]byte{1: MarshalDG1("I<ITACA00000AA4<<<<<<<<<<<<<<<\n6408125F3310318ITA<<<<<<<<<<<6\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<"), 2: MarshalDG2(FaceImage{Format: ImageJPEG, Data: []byte{0xFF, 0xD8, 1, 2}})}
	cases := []struct {
		name string
		cert *x509.Certificate
		key  crypto.Signer
		opts SODOptions
	}{
		{"ECDSA-SHA256", pki.dsCert, pki.dsKey, SODOptions{}},
		{"RSA-PKCS1-SHA256", pki.rsaCert, pki.rsaKey, SODOptions{}},
		{"RSA-PSS-SHA512", pki.rsaCert, pki.rsaKey, SODOptions{PSS: true, Hash: crypto.SHA512}},
		{"ECDSA-SHA1-bare", pki.dsCert, pki.dsKey, SODOptions{Hash: crypto.SHA1, Bare: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sod, err := CreateSOD(dgs, tc.cert, tc.key, tc.opts)
			require.NoError(t, err)
			res, err := PassiveAuthentication(sod, dgs, PAOptions{CSCA: pool(pki.csca)})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2}, res.Verified)
			assert.Equal(t, tc.cert.SerialNumber, res.Signer.SerialNumber)

			// Tampered DG2.
			bad := map[int][]byte{1: dgs[1], 2: append([]byte(nil), dgs[2]...)}
			bad[2][len(bad[2])-1] ^= 1
			_, err = PassiveAuthentication(sod, bad, PAOptions{CSCA: pool(pki.csca)})
			require.ErrorIs(t, err, ErrHashMismatch)
			he, ok := errors.AsType[*HashMismatchError](err)
			require.True(t, ok)
			assert.Equal(t, 2, he.DG)
			assert.Contains(t, err.Error(), "DG2")

			// Wrong CSCA.
			_, err = PassiveAuthentication(sod, dgs, PAOptions{CSCA: pool(pki.other)})
			require.ErrorIs(t, err, ErrUntrustedSigner)
			assert.NotErrorIs(t, err, ErrHashMismatch)

			// Bad signature: flip the last byte of the SOD (inside the signature).
			sod2 := append([]byte(nil), sod...)
			sod2[len(sod2)-1] ^= 0x55
			_, err = PassiveAuthentication(sod2, dgs, PAOptions{CSCA: pool(pki.csca)})
			require.ErrorIs(t, err, ErrBadSignature)
		})
	}
}

func TestParseSODMalformed(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{nil, {0x77}, {0x77, 0x02, 0x30, 0x00}, {0x30, 0x03, 0x06, 0x01, 0x00}} {
		_, err := ParseSOD(b)
		require.ErrorIs(t, err, scard.ErrMalformedData, "ParseSOD(%X)", b)
	}
}

func TestVerifySignaturePlainECDSA(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	msg := []byte("LDS security object")
	h := crypto.SHA256.New()
	h.Write(msg)
	r, s, err := ecdsa.Sign(rand.Reader, key, h.Sum(nil))
	require.NoError(t, err)
	plain := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	require.NoError(t, verifySignature(&key.PublicKey, "0.4.0.127.0.7.1.1.4.1.3", nil, 0, msg, plain))
	plain[5] ^= 1
	require.ErrorIs(t, verifySignature(&key.PublicKey, "0.4.0.127.0.7.1.1.4.1.3", nil, 0, msg, plain), ErrBadSignature)
}
