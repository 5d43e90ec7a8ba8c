package emrtd

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"fmt"

	"github.com/ciekit/ciekit/scard"
)

// OIDSecurityObject is id-SecurityObject, the eContentType of
// EF.CardSecurity (BSI TR-03110-3 A.1.2.5, ICAO Doc 9303-11 9.2.11).
const OIDSecurityObject = "0.4.0.127.0.7.3.2.1"

// FIDCardSecurity is the file identifier of EF.CardSecurity in the master
// file, readable after PACE.
const FIDCardSecurity = 0x011D

// CardSecurity is EF.CardSecurity: SecurityInfos (among them the chip
// authentication public keys PACE-CAM needs) signed by the document
// signer as a CMS SignedData, like EF.SOD.
type CardSecurity struct {
	// SecurityInfos is the signed content.
	SecurityInfos *SecurityInfos
	// Signed is the signature part (SignerInfo, certificates, EContent);
	// its LDS fields (Hashes) are empty.
	Signed *SOD
}

// ParseCardSecurity parses EF.CardSecurity (a CMS ContentInfo with
// SignedData whose eContentType is id-SecurityObject). Nothing is
// verified: see [CardSecurity.VerifySignature]. Malformed input gives a
// [*DataError].
func ParseCardSecurity(b []byte) (*CardSecurity, error) {
	s, eType, err := parseSignedData(b)
	if err != nil {
		return nil, err
	}
	if eType.String() != OIDSecurityObject {
		return nil, &scard.DataError{File: "EF.CardSecurity", Msg: "eContentType " + eType.String() + " is not id-SecurityObject"}
	}
	si, err := ParseSecurityInfos("EF.CardSecurity", s.EContent)
	if err != nil {
		return nil, err
	}
	return &CardSecurity{SecurityInfos: si, Signed: s}, nil
}

// VerifySignature checks the message digest and the signature of
// EF.CardSecurity with the document signer certificate it embeds, and
// returns that certificate; the caller still checks its chain to a CSCA
// (for example with [TrustStore]). Errors are a [*SignatureError], or wrap
// [ErrNotSupported] when crypto/x509 cannot parse the certificate
// (explicit curve parameters).
func (cs *CardSecurity) VerifySignature() (*x509.Certificate, error) {
	return cs.Signed.verifySignature()
}

// CreateCardSecurity builds and signs EF.CardSecurity over the encoded
// SecurityInfo entries (for example [CAKey.SecurityInfos] and
// [PACEInfo.Marshal]) with the document signer key and certificate: a CMS
// SignedData of type id-SecurityObject (BSI TR-03110-3 A.1.2.5). opts.Bare
// is ignored (the file is a bare ContentInfo). It is for card emulators
// and tests.
func CreateCardSecurity(entries [][]byte, cert *x509.Certificate, key crypto.Signer, opts SODOptions) ([]byte, error) {
	o := opts
	if o.Hash == 0 {
		o.Hash = crypto.SHA256
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if !o.Hash.Available() || oidForHash(o.Hash) == nil {
		return nil, fmt.Errorf("emrtd: CreateCardSecurity: unsupported hash %v", o.Hash)
	}
	eType, _ := parseOID(OIDSecurityObject)
	out, err := signCMS(eType, MarshalSecurityInfos(entries...), cert, key, o)
	if err != nil {
		return nil, fmt.Errorf("emrtd: CreateCardSecurity: %v", err)
	}
	return out, nil
}

// Verify is passive authentication of EF.CardSecurity: the signature
// ([CardSecurity.VerifySignature]) and the document signer's chain to
// opts.CSCA. It returns the chain, signer first, when both hold; errors
// as [PassiveAuthentication] gives them for EF.SOD.
func (cs *CardSecurity) Verify(opts PAOptions) ([]*x509.Certificate, error) {
	signer, err := cs.VerifySignature()
	if err != nil {
		return nil, err
	}
	return cs.Signed.verifyChain(signer, opts)
}
