package cardsim

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"
)

// Validity of every certificate the simulators make: wide and fixed, so that
// seeded simulators are byte-for-byte reproducible and never expire in tests.
var (
	certNotBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	certNotAfter  = time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC)
)

// PKIOptions configures [NewPKI]. The zero value is valid.
type PKIOptions struct {
	// Rand is the source of the keys and serial numbers. Nil means
	// crypto/rand; use [DeterministicRand] for reproducible keys.
	Rand io.Reader
	// Country is the ISO 3166 alpha-2 code in the subject names. Default "IT".
	Country string
	// KeyBits is the RSA modulus size of both keys. Default 2048; at least 1024.
	KeyBits int
}

// PKI is a test country signing CA (CSCA) and a document signer (DS) that it
// issued, both generated at run time: the simulators sign their security
// objects (EF.SOD, the IAS SOD) with the DS. Tests hand [PKI.CSCA] (or
// [PKI.CSCAPool]) to passive authentication as the trust anchor.
//
// The certificates are valid from 2000-01-01 to 2099-12-31. The keys are
// RSA with PKCS#1 v1.5 signatures (SHA-256), so everything signed is
// deterministic for a deterministic Rand.
type PKI struct {
	CSCA              *x509.Certificate
	CSCAKey           *rsa.PrivateKey
	DocumentSigner    *x509.Certificate
	DocumentSignerKey *rsa.PrivateKey
}

// NewPKI generates a CSCA and a document signer; the zero PKIOptions is
// valid. Errors come only from the randomness source.
func NewPKI(opts PKIOptions) (*PKI, error) {
	c := opts
	r := randOrDefault(c.Rand)
	if c.Country == "" {
		c.Country = "IT"
	}
	if c.KeyBits == 0 {
		c.KeyBits = 2048
	}
	if c.KeyBits < 1024 {
		return nil, fmt.Errorf("cardsim: PKI key size %d bits, want at least 1024", c.KeyBits)
	}
	cscaKey, err := generateRSA(r, c.KeyBits)
	if err != nil {
		return nil, err
	}
	dsKey, err := generateRSA(r, c.KeyBits)
	if err != nil {
		return nil, err
	}
	cscaName := pkix.Name{Country: []string{c.Country}, Organization: []string{"ciekit cardsim (TEST ONLY)"}, CommonName: "cardsim CSCA " + c.Country}
	csca, err := issue(r, &x509.Certificate{
		Subject:               cscaName,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}, nil, &cscaKey.PublicKey, cscaKey)
	if err != nil {
		return nil, err
	}
	ds, err := issue(r, &x509.Certificate{
		Subject:  pkix.Name{Country: []string{c.Country}, Organization: []string{"ciekit cardsim (TEST ONLY)"}, CommonName: "cardsim Document Signer " + c.Country},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}, csca, &dsKey.PublicKey, cscaKey)
	if err != nil {
		return nil, err
	}
	return &PKI{CSCA: csca, CSCAKey: cscaKey, DocumentSigner: ds, DocumentSignerKey: dsKey}, nil
}

// CSCAPool returns a new pool holding only the CSCA certificate.
func (p *PKI) CSCAPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CSCA)
	return pool
}

// issue signs tmpl with signer (self-signed when parent is nil), filling the
// serial number and validity.
func issue(r io.Reader, tmpl, parent *x509.Certificate, pub *rsa.PublicKey, signer *rsa.PrivateKey) (*x509.Certificate, error) {
	sn, err := readRand(r, 8)
	if err != nil {
		return nil, err
	}
	sn[0] &= 0x7F
	sn[0] |= 0x01
	tmpl.SerialNumber = new(big.Int).SetBytes(sn)
	tmpl.NotBefore, tmpl.NotAfter = certNotBefore, certNotAfter
	tmpl.SignatureAlgorithm = x509.SHA256WithRSA
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(r, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("cardsim: issuing certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// String names the two certificates; the keys are never printed.
func (p PKI) String() string {
	return fmt.Sprintf("cardsim.PKI(CSCA %q, document signer %q, keys redacted)", subjectCN(p.CSCA), subjectCN(p.DocumentSigner))
}

// Format prints [PKI.String] under every verb.
func (p PKI) Format(f fmt.State, _ rune) { io.WriteString(f, p.String()) }

// GoString is [PKI.String], for %#v.
func (p PKI) GoString() string { return p.String() }

// LogValue is [PKI.String], for log/slog.
func (p PKI) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON encodes [PKI.String], so that encoding/json (and slog's
// JSON handler) cannot reach the keys through the exported fields.
func (p PKI) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

func subjectCN(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.CommonName
}
