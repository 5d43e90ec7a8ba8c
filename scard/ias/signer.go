package ias

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ciekit/ciekit/scard"
)

// KeyRefAuth is the CIE authentication key (CIE_KEY_Sign_ID), the private
// key behind EF.CertCIE.
const KeyRefAuth byte = 0x81

// ErrUnsupportedSignature is returned (wrapped) for signature options the
// card cannot produce: the CIE key signs only RSA PKCS#1 v1.5 (the card
// adds the block-type-1 padding to what it is given), so RSA-PSS is out.
var ErrUnsupportedSignature = fmt.Errorf("ias: the CIE signs only RSA PKCS#1 v1.5: %w", errors.ErrUnsupported)

// digestInfoPrefix is the DER prefix of the PKCS#1 v1.5 DigestInfo for each
// hash (RFC 8017 9.2 note 1). MD5SHA1 (TLS 1.0/1.1) and the zero hash
// (data signed as given) have none.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA1:    {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA224:  {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c},
	crypto.SHA256:  {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384:  {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512:  {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
	crypto.MD5SHA1: {},
}

// DigestInfo returns the PKCS#1 v1.5 DigestInfo of digest for hash h (the
// bytes the card pads and signs). hash 0 returns digest itself. It fails
// for other hashes and for a digest of the wrong length.
func DigestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	if h == 0 {
		return append([]byte(nil), digest...), nil
	}
	prefix, ok := digestInfoPrefix[h]
	if !ok {
		return nil, fmt.Errorf("ias: hash %v: %w", h, ErrUnsupportedSignature)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("ias: %v digest of %d bytes, want %d", h, len(digest), h.Size())
	}
	return append(append([]byte(nil), prefix...), digest...), nil
}

// SignPKCS1 has the card sign data with its authentication key in the
// secure channel: MSE:SET 00 22 41 A4 [80 01 02 84 01 81] (RSA PKCS#1 with
// no data formatting), then INTERNAL AUTHENTICATE 00 88 00 00 with data;
// the card applies the PKCS#1 v1.5 type-1 padding. data is normally a
// [DigestInfo]. The PIN must have been verified on this channel, or the
// card answers 6982 ([scard.ErrSecurityStatus]).
func (i *Client) SignPKCS1(ctx context.Context, data []byte) ([]byte, error) {
	if i.sm == nil {
		return nil, fmt.Errorf("signing: the secure channel is not open: %w", scard.ErrSecurityStatus)
	}
	mse := scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, KeyRefAuth}}
	if _, err := i.do(ctx, mse); err != nil {
		return nil, fmt.Errorf("signing: MSE:SET: %w", err)
	}
	sig, err := i.do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: data})
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return sig, nil
}

// Signer is a crypto.Signer over the CIE authentication key, with its
// certificate (EF.CertCIE). It is safe for concurrent use by multiple
// goroutines (signatures are serialised on the card), and usable as
// tls.Certificate{PrivateKey: signer} (see [Signer.TLSCertificate]).
type Signer struct {
	mu   sync.Mutex
	cl   *Client
	cert *x509.Certificate
	pub  *rsa.PublicKey
}

// NewSigner opens the secure channel if needed, verifies pin and reads the
// certificate. The Signer then uses that channel: the card must stay in
// the reader and nothing else may use the [Client] meanwhile. Errors as
// [Client.VerifyPIN] and [Client.ReadCertificate]; a certificate whose key
// is not RSA gives a [*scard.DataError].
func (i *Client) NewSigner(ctx context.Context, pin scard.PIN) (*Signer, error) {
	if err := i.VerifyPIN(ctx, pin); err != nil {
		return nil, err
	}
	cert, err := i.ReadCertificate(ctx)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, &scard.DataError{File: "EF.CertCIE", Msg: fmt.Sprintf("public key is %T, want RSA", cert.PublicKey)}
	}
	return &Signer{cl: i, cert: cert, pub: pub}, nil
}

// Public returns the certificate's *rsa.PublicKey.
func (s *Signer) Public() crypto.PublicKey { return s.pub }

// Certificate returns the CIE authentication certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Sign signs digest (the hash of the message, as crypto.Signer wants) with
// RSA PKCS#1 v1.5 for opts.HashFunc() (SHA-1, SHA-224, SHA-256, SHA-384,
// SHA-512, MD5SHA1 or 0 for data signed as given). It cannot be
// cancelled; use [Signer.SignContext] for that. rand is ignored (the card
// has its own). *rsa.PSSOptions gives an error wrapping
// [ErrUnsupportedSignature]. The signature is checked against the
// certificate before it is returned.
func (s *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return s.SignContext(context.Background(), digest, opts)
}

// SignContext is [Signer.Sign] with a context that cancels the exchange
// between APDUs.
func (s *Signer) SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, ok := opts.(*rsa.PSSOptions); ok {
		return nil, ErrUnsupportedSignature
	}
	h := crypto.Hash(0)
	if opts != nil {
		h = opts.HashFunc()
	}
	data, err := DigestInfo(h, digest)
	if err != nil {
		return nil, err
	}
	if len(data) > s.pub.Size()-11 {
		return nil, fmt.Errorf("ias: %d bytes to sign, the %d-bit key takes at most %d", len(data), s.pub.N.BitLen(), s.pub.Size()-11)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sig, err := s.cl.SignPKCS1(ctx, data)
	if err != nil {
		return nil, err
	}
	if err := rsa.VerifyPKCS1v15(s.pub, h, digest, sig); err != nil {
		return nil, fmt.Errorf("signing: the card's signature does not verify with EF.CertCIE: %w", scard.ErrAuthentication)
	}
	return sig, nil
}

// TLSCertificate returns a tls.Certificate for client authentication with
// the CIE: the certificate, the Signer as private key, and the PKCS#1 v1.5
// signature schemes only (the card cannot sign RSA-PSS, so the TLS
// connection must be TLS 1.2: set tls.Config.MaxVersion to
// tls.VersionTLS12 — TLS 1.3 requires RSA-PSS).
func (s *Signer) TLSCertificate() tls.Certificate {
	return tls.Certificate{
		Certificate:                  [][]byte{s.cert.Raw},
		PrivateKey:                   s,
		Leaf:                         s.cert,
		SupportedSignatureAlgorithms: []tls.SignatureScheme{tls.PKCS1WithSHA256, tls.PKCS1WithSHA384, tls.PKCS1WithSHA512, tls.PKCS1WithSHA1},
	}
}

// Format prints the certificate subject only.
func (s *Signer) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "ias.Signer(%s)", s.cert.Subject.CommonName)
}
