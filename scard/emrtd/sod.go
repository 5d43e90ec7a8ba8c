package emrtd

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	_ "crypto/sha1"   // registered hashes for SOD digests
	_ "crypto/sha256" //
	_ "crypto/sha512" //
)

// Object identifiers used in EF.SOD (RFC 5652, RFC 8017, RFC 5758, ICAO
// Doc 9303-10 clause 4.6.2).
const (
	OIDSignedData        = "1.2.840.113549.1.7.2"
	OIDLDSSecurityObject = "2.23.136.1.1.1"
	oidContentType       = "1.2.840.113549.1.9.3"
	oidData              = "1.2.840.113549.1.7.1"
	oidMessageDigest     = "1.2.840.113549.1.9.4"
	oidRSAEncryption     = "1.2.840.113549.1.1.1"
	oidRSAPSS            = "1.2.840.113549.1.1.10"
	oidMGF1              = "1.2.840.113549.1.1.8"
	oidSHA1WithRSA       = "1.2.840.113549.1.1.5"
	oidSHA256WithRSA     = "1.2.840.113549.1.1.11"
	oidSHA384WithRSA     = "1.2.840.113549.1.1.12"
	oidSHA512WithRSA     = "1.2.840.113549.1.1.13"
	oidSHA224WithRSA     = "1.2.840.113549.1.1.14"
	oidECDSAWithSHA1     = "1.2.840.10045.4.1"
	oidECDSAWithSHA224   = "1.2.840.10045.4.3.1"
	oidECDSAWithSHA256   = "1.2.840.10045.4.3.2"
	oidECDSAWithSHA384   = "1.2.840.10045.4.3.3"
	oidECDSAWithSHA512   = "1.2.840.10045.4.3.4"
	oidECPublicKey       = "1.2.840.10045.2.1"
	oidECDSAPlainPrefix  = "0.4.0.127.0.7.1.1.4.1" // BSI TR-03111 ecdsa-plain-signatures
	oidSHA1              = "1.3.14.3.2.26"
	oidSHA224            = "2.16.840.1.101.3.4.2.4"
	oidSHA256            = "2.16.840.1.101.3.4.2.1"
	oidSHA384            = "2.16.840.1.101.3.4.2.2"
	oidSHA512            = "2.16.840.1.101.3.4.2.3"
)

func hashForOID(oid string) (crypto.Hash, bool) {
	switch oid {
	case oidECDSAPlainPrefix + ".1":
		return crypto.SHA1, true
	case oidECDSAPlainPrefix + ".2":
		return crypto.SHA224, true
	case oidECDSAPlainPrefix + ".3":
		return crypto.SHA256, true
	case oidECDSAPlainPrefix + ".4":
		return crypto.SHA384, true
	case oidECDSAPlainPrefix + ".5":
		return crypto.SHA512, true
	case oidSHA1, oidSHA1WithRSA, oidECDSAWithSHA1:
		return crypto.SHA1, true
	case oidSHA224, oidSHA224WithRSA, oidECDSAWithSHA224:
		return crypto.SHA224, true
	case oidSHA256, oidSHA256WithRSA, oidECDSAWithSHA256:
		return crypto.SHA256, true
	case oidSHA384, oidSHA384WithRSA, oidECDSAWithSHA384:
		return crypto.SHA384, true
	case oidSHA512, oidSHA512WithRSA, oidECDSAWithSHA512:
		return crypto.SHA512, true
	}
	return 0, false
}

func oidForHash(h crypto.Hash) asn1.ObjectIdentifier {
	m := map[crypto.Hash]string{crypto.SHA1: oidSHA1, crypto.SHA224: oidSHA224, crypto.SHA256: oidSHA256, crypto.SHA384: oidSHA384, crypto.SHA512: oidSHA512}
	o, _ := parseOID(m[h])
	return o
}

func parseOID(s string) (asn1.ObjectIdentifier, bool) {
	var o asn1.ObjectIdentifier
	n := 0
	digits := false
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if !digits {
				return nil, false
			}
			o = append(o, n)
			n, digits = 0, false
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		n = n*10 + int(s[i]-'0')
		digits = true
	}
	return o, len(o) >= 2
}

// SOD is a parsed document security object: a CMS SignedData (RFC 5652)
// whose content is an LDSSecurityObject (ICAO Doc 9303-10 clause 4.6.2).
// Byte slices alias the parsed input.
type SOD struct {
	// HashAlgorithm is the LDSSecurityObject digest algorithm.
	HashAlgorithm crypto.Hash
	// Hashes maps data group numbers to hash values. The CIE IAS SOD uses
	// the same structure with its own numbers (see IASSODNIS etc.).
	Hashes map[int][]byte
	// Certificates are the certificates embedded in SignedData (normally the
	// document signer certificate).
	Certificates []*x509.Certificate
	// Unparsed are the embedded certificates that crypto/x509 could not
	// parse (for example keys with explicit elliptic-curve parameters).
	Unparsed []UnparsedCertificate
	// Signer is the signer information.
	Signer SignerInfo
	// EContent is the encapsulated LDSSecurityObject DER.
	EContent []byte
}

// UnparsedCertificate is a certificate embedded in a SOD that crypto/x509
// could not parse, with the reason.
type UnparsedCertificate struct {
	Raw []byte
	Err error
}

// SignerInfo is the part of a CMS SignerInfo needed for verification.
type SignerInfo struct {
	IssuerAndSerial    []byte // DER of IssuerAndSerialNumber, or nil
	SubjectKeyID       []byte // or nil
	DigestAlgorithm    crypto.Hash
	SignedAttrs        []byte // DER re-tagged as SET (what is signed), or nil
	MessageDigest      []byte // from the signed attributes
	SignatureAlgorithm string // OID
	SignatureParams    []byte // DER of the parameters, for RSASSA-PSS
	Signature          []byte
}

func sodErr(format string, a ...any) error {
	return &scard.DataError{File: "EF.SOD", Msg: fmt.Sprintf(format, a...)}
}

// maxDG bounds data group numbers (the IAS SOD uses values up to 0xFF).
const maxDG = 255

// ParseSOD parses EF.SOD: tag 77 wrapping a CMS ContentInfo with
// SignedData. The bare ContentInfo (as in the CIE IAS SOD, EF 1006) is
// accepted too. Malformed input gives a [*DataError]; nothing is verified.
func ParseSOD(b []byte) (*SOD, error) {
	ci := b
	if len(b) > 0 && b[0] == 0x77 {
		v, err := tlv.Unwrap(b, 0x77)
		if err != nil {
			return nil, sodErr("%v", err)
		}
		ci = v
	}
	s, eTypeOID, err := parseSignedData(ci)
	if err != nil {
		return nil, err
	}
	if err := s.parseLDS(eTypeOID); err != nil {
		return nil, err
	}
	return s, nil
}

// parseSignedData parses a CMS ContentInfo holding SignedData (RFC 5652
// 5.1) into a SOD without its LDS fields, and returns the eContentType.
// Errors are [*scard.DataError] for "EF.SOD".
func parseSignedData(ci []byte) (*SOD, asn1.ObjectIdentifier, error) {
	if der, ok := berToDER(ci); ok {
		// Indefinite lengths or constructed strings (BER, which CMS allows
		// and some issuers, New Zealand among them, use): read the DER form.
		ci = der
	}
	in := cryptobyte.String(ci)
	var content, sd cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !in.ReadASN1(&content, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, nil, sodErr("ContentInfo is not a single SEQUENCE")
	}
	if !content.ReadASN1ObjectIdentifier(&ctype) || ctype.String() != OIDSignedData {
		return nil, nil, sodErr("content type is not signedData")
	}
	if !content.ReadASN1(&sd, cbasn1.Tag(0).Constructed().ContextSpecific()) || !content.Empty() {
		return nil, nil, sodErr("missing [0] SignedData")
	}
	var body cryptobyte.String
	if !sd.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, nil, sodErr("SignedData is not a SEQUENCE")
	}
	var version int64
	var digestAlgs, encap, eType, eContentWrap, eContent cryptobyte.String
	if !body.ReadASN1Integer(&version) || !body.ReadASN1(&digestAlgs, cbasn1.SET) {
		return nil, nil, sodErr("malformed SignedData version or digestAlgorithms")
	}
	if !body.ReadASN1(&encap, cbasn1.SEQUENCE) {
		return nil, nil, sodErr("malformed encapContentInfo")
	}
	var eTypeOID asn1.ObjectIdentifier
	if !encap.ReadASN1ObjectIdentifier(&eTypeOID) {
		return nil, nil, sodErr("malformed eContentType")
	}
	_ = eType
	if !encap.ReadASN1(&eContentWrap, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!eContentWrap.ReadASN1(&eContent, cbasn1.OCTET_STRING) {
		return nil, nil, sodErr("missing eContent")
	}
	s := &SOD{EContent: eContent}
	if body.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var certs cryptobyte.String
		body.ReadASN1(&certs, cbasn1.Tag(0).Constructed().ContextSpecific())
		for !certs.Empty() {
			var der cryptobyte.String
			if !certs.ReadASN1Element(&der, cbasn1.SEQUENCE) {
				return nil, nil, sodErr("malformed certificate %d", len(s.Certificates)+1)
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				// Kept aside: Go's x509 refuses, for example, document
				// signer keys with explicit elliptic-curve parameters
				// (Austria, Germany, Finland, Russia, the United Kingdom).
				// The LDS hashes are still usable; passive
				// authentication reports the certificate as unsupported.
				s.Unparsed = append(s.Unparsed, UnparsedCertificate{Raw: der, Err: err})
				continue
			}
			s.Certificates = append(s.Certificates, c)
		}
	}
	if body.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		var crls cryptobyte.String
		body.ReadASN1(&crls, cbasn1.Tag(1).Constructed().ContextSpecific())
	}
	var signers cryptobyte.String
	if !body.ReadASN1(&signers, cbasn1.SET) {
		return nil, nil, sodErr("missing signerInfos")
	}
	if signers.Empty() {
		return nil, nil, sodErr("no signerInfo")
	}
	si, err := parseSignerInfo(&signers)
	if err != nil {
		return nil, nil, err
	}
	s.Signer = si
	return s, eTypeOID, nil
}

func readAlgID(s *cryptobyte.String) (string, []byte, bool) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return "", nil, false
	}
	return oid.String(), alg, true
}

func parseSignerInfo(signers *cryptobyte.String) (SignerInfo, error) {
	var si SignerInfo
	var seq cryptobyte.String
	var version int64
	if !signers.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(&version) {
		return si, sodErr("malformed SignerInfo")
	}
	switch {
	case seq.PeekASN1Tag(cbasn1.SEQUENCE):
		var ias cryptobyte.String
		seq.ReadASN1Element(&ias, cbasn1.SEQUENCE)
		si.IssuerAndSerial = ias
	case seq.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()):
		var ski cryptobyte.String
		seq.ReadASN1(&ski, cbasn1.Tag(0).ContextSpecific())
		si.SubjectKeyID = ski
	default:
		return si, sodErr("malformed SignerIdentifier")
	}
	dig, _, ok := readAlgID(&seq)
	if !ok {
		return si, sodErr("malformed SignerInfo digestAlgorithm")
	}
	h, ok := hashForOID(dig)
	if !ok {
		return si, sodErr("unsupported digest algorithm %s", dig)
	}
	si.DigestAlgorithm = h
	if seq.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var attrs cryptobyte.String
		seq.ReadASN1(&attrs, cbasn1.Tag(0).Constructed().ContextSpecific())
		// What is signed is the DER of the attributes with a SET tag.
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(attrs) })
		si.SignedAttrs, _ = b.Bytes()
		for !attrs.Empty() {
			var attr, vals cryptobyte.String
			var t asn1.ObjectIdentifier
			if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&t) || !attr.ReadASN1(&vals, cbasn1.SET) {
				return si, sodErr("malformed signed attribute")
			}
			if t.String() == oidMessageDigest {
				var md cryptobyte.String
				if !vals.ReadASN1(&md, cbasn1.OCTET_STRING) {
					return si, sodErr("malformed message-digest attribute")
				}
				si.MessageDigest = md
			}
		}
		if si.MessageDigest == nil {
			return si, sodErr("signed attributes without message-digest")
		}
	}
	sigAlg, params, ok := readAlgID(&seq)
	if !ok {
		return si, sodErr("malformed signatureAlgorithm")
	}
	si.SignatureAlgorithm, si.SignatureParams = sigAlg, params
	var sig cryptobyte.String
	if !seq.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return si, sodErr("malformed signature")
	}
	si.Signature = sig
	return si, nil
}

func (s *SOD) parseLDS(eType asn1.ObjectIdentifier) error {
	// Some issuers (China among them) label the LDSSecurityObject with the
	// generic id-data content type; its content is the same.
	if t := eType.String(); t != OIDLDSSecurityObject && t != oidData {
		return sodErr("eContentType %s is not an LDSSecurityObject", eType)
	}
	in := cryptobyte.String(s.EContent)
	var so, hashes cryptobyte.String
	var version int64
	if !in.ReadASN1(&so, cbasn1.SEQUENCE) || !so.ReadASN1Integer(&version) {
		return sodErr("malformed LDSSecurityObject")
	}
	alg, _, ok := readAlgID(&so)
	if !ok {
		return sodErr("malformed LDSSecurityObject hashAlgorithm")
	}
	h, ok := hashForOID(alg)
	if !ok {
		return sodErr("unsupported LDS hash algorithm %s", alg)
	}
	s.HashAlgorithm = h
	if !so.ReadASN1(&hashes, cbasn1.SEQUENCE) {
		return sodErr("malformed dataGroupHashValues")
	}
	s.Hashes = map[int][]byte{}
	for !hashes.Empty() {
		var dgh, val cryptobyte.String
		var n int64
		if !hashes.ReadASN1(&dgh, cbasn1.SEQUENCE) || !dgh.ReadASN1Integer(&n) || !dgh.ReadASN1(&val, cbasn1.OCTET_STRING) {
			return sodErr("malformed DataGroupHash %d", len(s.Hashes)+1)
		}
		if n < 0 || n > maxDG {
			return sodErr("data group number %d out of range", n)
		}
		if _, dup := s.Hashes[int(n)]; dup {
			return sodErr("duplicate hash for data group %d", n)
		}
		if len(val) != h.Size() {
			return sodErr("hash of data group %d has %d bytes, want %d", n, len(val), h.Size())
		}
		s.Hashes[int(n)] = val
	}
	return nil
}

// Passive-authentication errors. The typed errors [*HashMismatchError],
// [*SignatureError] and [*ChainError] unwrap to them.
var (
	// ErrHashMismatch: a data group does not match its hash in the SOD
	// (tampered or substituted data).
	ErrHashMismatch = errors.New("emrtd: data group hash mismatch")
	// ErrBadSignature: the SOD signature does not verify.
	ErrBadSignature = errors.New("emrtd: bad SOD signature")
	// ErrUntrustedSigner: the document signer certificate does not chain to
	// a trusted CSCA.
	ErrUntrustedSigner = errors.New("emrtd: document signer not trusted")
)

// HashMismatchError names the data group whose hash does not match.
type HashMismatchError struct {
	DG int // data group number (or IAS SOD number)
}

// Error returns the error message.
func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("emrtd: %s does not match its hash in the SOD", dgName(e.DG))
}

// Unwrap returns [ErrHashMismatch].
func (e *HashMismatchError) Unwrap() error { return ErrHashMismatch }

// SignatureError reports why the SOD signature failed.
type SignatureError struct{ Msg string }

// Error returns the error message.
func (e *SignatureError) Error() string { return "emrtd: " + e.Msg }

// Unwrap returns [ErrBadSignature].
func (e *SignatureError) Unwrap() error { return ErrBadSignature }

// ChainError reports that the document signer certificate does not chain
// to the CSCA pool; Err is the x509 verification error.
type ChainError struct{ Err error }

// Error returns the error message.
func (e *ChainError) Error() string {
	return fmt.Sprintf("emrtd: document signer certificate: %v", e.Err)
}

// Unwrap returns [ErrUntrustedSigner] and the x509 error.
func (e *ChainError) Unwrap() []error { return []error{ErrUntrustedSigner, e.Err} }

// PAOptions configures [PassiveAuthentication]. CSCA is required.
type PAOptions struct {
	// CSCA holds the trusted country signing CA certificates (for Italy,
	// from https://csca-ita.interno.gov.it/).
	CSCA *x509.CertPool
	// CurrentTime is the time at which certificate validity is checked; zero
	// means time.Now(). Pass the signing date to accept documents whose
	// signer certificate has since expired (ICAO allows this).
	CurrentTime time.Time
}

// PAResult is the outcome of [PassiveAuthentication].
type PAResult struct {
	SOD      *SOD
	Signer   *x509.Certificate   // the document signer certificate
	Chain    []*x509.Certificate // signer to CSCA, when the chain verified
	Verified []int               // data groups whose hash matched
	NotRead  []int               // data groups hashed in the SOD but not supplied
	Unhashed []int               // data groups supplied but absent from the SOD
}

// PassiveAuthentication verifies the document security object sod (raw
// EF.SOD) and the data groups dgs (raw files, by number) as ICAO Doc
// 9303-11 clause 5.1 describes: the CMS signature with the document signer
// certificate (RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA), the certificate chain
// to opts.CSCA, and the hash of every supplied data group.
//
// It returns every failure joined (errors.Join): a [*DataError] for a
// malformed SOD, [*SignatureError] (ErrBadSignature), an error wrapping
// [scard.ErrNotSupported] when crypto/x509 cannot parse the document signer
// certificate (explicit elliptic-curve parameters), [*ChainError]
// (ErrUntrustedSigner), and one [*HashMismatchError] (ErrHashMismatch)
// per altered data group, and also a data group supplied but not hashed.
// The result is non-nil whenever the SOD parsed, so callers can show what
// did verify; trust the document only if the error is nil.
func PassiveAuthentication(sod []byte, dgs map[int][]byte, opts PAOptions) (*PAResult, error) {
	s, err := ParseSOD(sod)
	if err != nil {
		return nil, err
	}
	res := &PAResult{SOD: s}
	var errs []error
	signer, err := s.verifySignature()
	res.Signer = signer
	if err != nil {
		errs = append(errs, err)
	}
	if signer != nil {
		if res.Chain, err = s.verifyChain(signer, opts); err != nil {
			errs = append(errs, err)
		}
	}
	nums := make([]int, 0, len(dgs))
	for n := range dgs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		want, ok := s.Hashes[n]
		if !ok {
			res.Unhashed = append(res.Unhashed, n)
			errs = append(errs, &HashMismatchError{DG: n})
			continue
		}
		h := s.HashAlgorithm.New()
		h.Write(dgs[n])
		if subtle.ConstantTimeCompare(h.Sum(nil), want) != 1 {
			errs = append(errs, &HashMismatchError{DG: n})
			continue
		}
		res.Verified = append(res.Verified, n)
	}
	for n := range s.Hashes {
		if _, ok := dgs[n]; !ok {
			res.NotRead = append(res.NotRead, n)
		}
	}
	slices.Sort(res.NotRead)
	return res, errors.Join(errs...)
}

// verifyChain checks the signer certificate's chain to opts.CSCA, with
// the other embedded certificates as intermediates; errors are a
// [*ChainError].
func (s *SOD) verifyChain(signer *x509.Certificate, opts PAOptions) ([]*x509.Certificate, error) {
	if opts.CSCA == nil {
		return nil, &ChainError{Err: errors.New("no CSCA pool supplied")}
	}
	inter := x509.NewCertPool()
	for _, c := range s.Certificates {
		if c != signer {
			inter.AddCert(c)
		}
	}
	chains, err := signer.Verify(x509.VerifyOptions{
		Roots: opts.CSCA, Intermediates: inter, CurrentTime: opts.CurrentTime,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return nil, &ChainError{Err: err}
	}
	return chains[0], nil
}

// signerCert finds the certificate named by the SignerInfo.
func (s *SOD) signerCert() *x509.Certificate {
	for _, c := range s.Certificates {
		if s.Signer.SubjectKeyID != nil && bytes.Equal(c.SubjectKeyId, s.Signer.SubjectKeyID) {
			return c
		}
		if s.Signer.IssuerAndSerial != nil {
			in := cryptobyte.String(s.Signer.IssuerAndSerial)
			var seq, issuer cryptobyte.String
			serial := new(big.Int)
			if in.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.ReadASN1Element(&issuer, cbasn1.SEQUENCE) && seq.ReadASN1Integer(serial) {
				if bytes.Equal(issuer, c.RawIssuer) && serial.Cmp(c.SerialNumber) == 0 {
					return c
				}
			}
		}
	}
	// No identifier matched. With a single embedded certificate, use it:
	// some issuers (Malaysia) write the issuer's attributes in a different
	// order in the SignerInfo than in the certificate. This is safe because
	// the signature must then verify with that certificate's key.
	if len(s.Certificates) == 1 && len(s.Unparsed) == 0 {
		return s.Certificates[0]
	}
	return nil
}

// verifySignature checks the message digest and the signature; it returns
// the signer certificate when found.
func (s *SOD) verifySignature() (*x509.Certificate, error) {
	cert := s.signerCert()
	if cert == nil && len(s.Unparsed) > 0 {
		return nil, fmt.Errorf("emrtd: document signer certificate: %v: %w", s.Unparsed[0].Err, scard.ErrNotSupported)
	}
	if cert == nil {
		return nil, &SignatureError{Msg: "document signer certificate not found in the SOD"}
	}
	si := s.Signer
	signed := s.EContent
	if si.SignedAttrs != nil {
		h := si.DigestAlgorithm.New()
		h.Write(s.EContent)
		if subtle.ConstantTimeCompare(h.Sum(nil), si.MessageDigest) != 1 {
			return cert, &SignatureError{Msg: "message-digest attribute does not match the LDS security object"}
		}
		signed = si.SignedAttrs
	}
	if err := verifySignature(cert.PublicKey, si.SignatureAlgorithm, si.SignatureParams, si.DigestAlgorithm, signed, si.Signature); err != nil {
		return cert, err
	}
	return cert, nil
}

// verifySignature verifies sig over data with pub (*rsa.PublicKey or
// *ecdsa.PublicKey) for the CMS signature algorithm OID alg (with DER
// parameters params, used by RSASSA-PSS). digest is the SignerInfo digest
// algorithm, used when alg does not name a hash (rsaEncryption, PSS). It
// returns a [*SignatureError].
func verifySignature(pub crypto.PublicKey, alg string, params []byte, digest crypto.Hash, data, sig []byte) error {
	h, ok := hashForOID(alg)
	if !ok {
		h = digest
	}
	if alg == oidRSAPSS {
		if ph, ok := pssHash(params); ok {
			h = ph
		}
	}
	if !h.Available() {
		return &SignatureError{Msg: fmt.Sprintf("hash for signature algorithm %s unavailable", alg)}
	}
	hh := h.New()
	hh.Write(data)
	sum := hh.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		var err error
		switch alg {
		case oidRSAPSS:
			err = rsa.VerifyPSS(k, h, sum, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		case oidRSAEncryption, oidSHA1WithRSA, oidSHA224WithRSA, oidSHA256WithRSA, oidSHA384WithRSA, oidSHA512WithRSA:
			err = rsa.VerifyPKCS1v15(k, h, sum, sig)
		default:
			return &SignatureError{Msg: fmt.Sprintf("signature algorithm %s does not fit an RSA key", alg)}
		}
		if err != nil {
			return &SignatureError{Msg: "RSA signature does not verify"}
		}
		return nil
	case *ecdsa.PublicKey:
		switch alg {
		case oidECDSAWithSHA1, oidECDSAWithSHA224, oidECDSAWithSHA256, oidECDSAWithSHA384, oidECDSAWithSHA512, oidECPublicKey:
		case oidECDSAPlainPrefix + ".1", oidECDSAPlainPrefix + ".2", oidECDSAPlainPrefix + ".3", oidECDSAPlainPrefix + ".4", oidECDSAPlainPrefix + ".5":
			// Plain r||s (BSI TR-03111 5.2.1): convert to ASN.1.
			if len(sig) == 0 || len(sig)%2 != 0 {
				return &SignatureError{Msg: "plain ECDSA signature of odd length"}
			}
			half := len(sig) / 2
			var b cryptobyte.Builder
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1BigInt(new(big.Int).SetBytes(sig[:half]))
				b.AddASN1BigInt(new(big.Int).SetBytes(sig[half:]))
			})
			der, err := b.Bytes()
			if err != nil {
				return &SignatureError{Msg: "plain ECDSA signature does not convert"}
			}
			sig = der
		default:
			return &SignatureError{Msg: fmt.Sprintf("signature algorithm %s does not fit an ECDSA key", alg)}
		}
		if !ecdsa.VerifyASN1(k, sum, sig) {
			return &SignatureError{Msg: "ECDSA signature does not verify"}
		}
		return nil
	case ed25519.PublicKey:
		return &SignatureError{Msg: "Ed25519 document signers are not used by ICAO"}
	}
	return &SignatureError{Msg: fmt.Sprintf("unsupported public key type %T", pub)}
}

// pssHash reads the hashAlgorithm of RSASSA-PSS-params (RFC 8017 A.2.3);
// absent means SHA-1.
func pssHash(params []byte) (crypto.Hash, bool) {
	in := cryptobyte.String(params)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return crypto.SHA1, true
	}
	if !seq.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return crypto.SHA1, true
	}
	var h cryptobyte.String
	seq.ReadASN1(&h, cbasn1.Tag(0).Constructed().ContextSpecific())
	oid, _, ok := readAlgID(&h)
	if !ok {
		return 0, false
	}
	return hashForOID(oid)
}

// maxBERDepth bounds the nesting berToDER follows.
const maxBERDepth = 32

// berToDER rewrites BER with indefinite lengths or constructed OCTET STRINGs
// into definite-length DER form, so that the cryptobyte parser can read it.
// It reports false when b needs no rewriting or is not well-formed BER; the
// caller then parses b as it is and reports what is wrong.
func berToDER(b []byte) ([]byte, bool) {
	if !needsBERRewrite(b, 0) {
		return nil, false
	}
	out, rest, ok := berElement(nil, b, 0)
	if !ok || len(rest) != 0 {
		return nil, false
	}
	return out, true
}

// needsBERRewrite reports whether an indefinite length (80) or a
// constructed OCTET STRING (24) appears in the TLV structure of b.
func needsBERRewrite(b []byte, depth int) bool {
	for len(b) > 0 && depth < maxBERDepth {
		if len(b) < 2 {
			return false
		}
		tag := b[0]
		if tag&0x1F == 0x1F || b[1] == 0x80 || tag == 0x24 {
			return b[1] == 0x80 || tag == 0x24
		}
		l, h, ok := berLength(b[1:])
		if !ok || 1+h+l > len(b) {
			return false
		}
		if tag&0x20 != 0 && needsBERRewrite(b[1+h:1+h+l], depth+1) {
			return true
		}
		b = b[1+h+l:]
	}
	return false
}

// berLength decodes a definite length: the length, the bytes it took.
func berLength(b []byte) (int, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, true
	}
	n := int(b[0] & 0x7F)
	if n == 0 || n > 3 || len(b) < 1+n {
		return 0, 0, false
	}
	l := 0
	for _, c := range b[1 : 1+n] {
		l = l<<8 | int(c)
	}
	return l, 1 + n, true
}

// berElement appends the DER form of the first element of b (single-byte
// tags only, as in CMS) to dst and returns the rest of b.
func berElement(dst, b []byte, depth int) ([]byte, []byte, bool) {
	if depth > maxBERDepth || len(b) < 2 || b[0]&0x1F == 0x1F {
		return nil, nil, false
	}
	tag := b[0]
	var content []byte
	var rest []byte
	if b[1] == 0x80 { // indefinite: children up to 00 00
		if tag&0x20 == 0 {
			return nil, nil, false
		}
		body := b[2:]
		for {
			if len(body) >= 2 && body[0] == 0 && body[1] == 0 {
				rest = body[2:]
				break
			}
			var ok bool
			if content, body, ok = berElement(content, body, depth+1); !ok {
				return nil, nil, false
			}
		}
	} else {
		l, h, ok := berLength(b[1:])
		if !ok || 1+h+l > len(b) {
			return nil, nil, false
		}
		inner := b[1+h : 1+h+l]
		rest = b[1+h+l:]
		if tag&0x20 == 0 {
			content = inner
		} else {
			for len(inner) > 0 {
				if content, inner, ok = berElement(content, inner, depth+1); !ok {
					return nil, nil, false
				}
			}
		}
	}
	if tag == 0x24 { // constructed OCTET STRING: concatenate the chunks
		var joined []byte
		in := content
		for len(in) > 0 {
			if in[0] != 0x04 {
				return nil, nil, false
			}
			l, h, ok := berLength(in[1:])
			if !ok || 1+h+l > len(in) {
				return nil, nil, false
			}
			joined = append(joined, in[1+h:1+h+l]...)
			in = in[1+h+l:]
		}
		tag, content = 0x04, joined
	}
	dst = append(dst, tag)
	dst = appendDERLength(dst, len(content))
	return append(dst, content...), rest, true
}

func appendDERLength(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n))
	case n < 0x100:
		return append(dst, 0x81, byte(n))
	case n < 0x10000:
		return append(dst, 0x82, byte(n>>8), byte(n))
	}
	return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n))
}
