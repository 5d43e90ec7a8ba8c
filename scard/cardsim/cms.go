package cardsim

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"slices"

	"github.com/ciekit/ciekit/internal/tlv"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers of the security objects (RFC 5652, ICAO Doc 9303-10
// clause 4.6.2, RFC 4055).
var (
	oidSignedData        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidLDSSecurityObject = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}
	oidContentType       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSHA256            = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA256WithRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA512            = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSASSAPSS         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
)

// sodProfile is the signature profile of a security object: SHA-256 with
// RSA PKCS#1 v1.5 (older CIEs), or SHA-512 with RSASSA-PSS (newer ones).
type sodProfile struct {
	pss  bool
	rand io.Reader // PSS salt
}

func (p sodProfile) hash() crypto.Hash {
	if p.pss {
		return crypto.SHA512
	}
	return crypto.SHA256
}

func (p sodProfile) hashOID() asn1.ObjectIdentifier {
	if p.pss {
		return oidSHA512
	}
	return oidSHA256
}

func (p sodProfile) digest(b []byte) []byte {
	h := p.hash().New()
	h.Write(b)
	return h.Sum(nil)
}

// dgHash is one entry of an LDS security object.
type dgHash struct {
	n    int
	hash []byte
}

// ldsSecurityObject encodes LDSSecurityObject version 0 (ICAO 9303-10
// 4.6.2.2) with SHA-256 hashes of the given files, in ascending order of n.
func ldsSecurityObject(files map[int][]byte, p sodProfile) []byte {
	var hs []dgHash
	for n, data := range files {
		hs = append(hs, dgHash{n, p.digest(data)})
	}
	slices.SortFunc(hs, func(a, b dgHash) int { return a.n - b.n })
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(p.hashOID()) })
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, h := range hs {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1Int64(int64(h.n))
					b.AddASN1OctetString(h.hash)
				})
			}
		})
	})
	return b.BytesOrPanic()
}

// signedAttrs encodes the SET OF Attribute (contentType, messageDigest) in
// DER order, as the signature input (tag 31).
func signedAttrs(contentType asn1.ObjectIdentifier, digest []byte) []byte {
	attr := func(oid asn1.ObjectIdentifier, val func(*cryptobyte.Builder)) []byte {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(cbasn1.SET, val)
		})
		return b.BytesOrPanic()
	}
	attrs := [][]byte{
		attr(oidContentType, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(contentType) }),
		attr(oidMessageDigest, func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) }),
	}
	slices.SortFunc(attrs, bytes.Compare) // DER: SET OF sorted by encoding
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, a := range attrs {
			b.AddBytes(a)
		}
	})
	return b.BytesOrPanic()
}

// signedData wraps content (of type contentType) in a CMS ContentInfo with
// SignedData version 3, signed by key whose certificate is cert (RFC 5652
// clause 5; ICAO 9303-10 4.6.2 profile: one signer, signed attributes,
// certificate included, sid = issuerAndSerialNumber).
func signedData(contentType asn1.ObjectIdentifier, content []byte, cert *x509.Certificate, key *rsa.PrivateKey, p sodProfile) ([]byte, error) {
	attrs := signedAttrs(contentType, p.digest(content))
	ad := p.digest(attrs)
	var (
		sig []byte
		err error
	)
	salt := pssSalt(key)
	if p.pss {
		sig, err = rsa.SignPSS(randOrDefault(p.rand), key, crypto.SHA512, ad, &rsa.PSSOptions{SaltLength: salt, Hash: crypto.SHA512})
	} else {
		sig, err = rsa.SignPKCS1v15(nil, key, crypto.SHA256, ad)
	}
	if err != nil {
		return nil, fmt.Errorf("cardsim: signing security object: %v", err)
	}
	hashAlg := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(p.hashOID()) })
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(3)
				b.AddASN1(cbasn1.SET, hashAlg)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
					b.AddASN1ObjectIdentifier(contentType)
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(content)
					})
				})
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddBytes(cert.Raw)
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { // SignerInfos
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
							b.AddBytes(cert.RawIssuer)
							b.AddASN1BigInt(cert.SerialNumber)
						})
						hashAlg(b)
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							// [0] IMPLICIT SET OF Attribute: the SET's contents
							b.AddBytes(attrs[setHeaderLen(attrs):])
						})
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							if !p.pss {
								b.AddASN1ObjectIdentifier(oidSHA256WithRSA)
								b.AddASN1NULL()
								return
							}
							// RFC 4055 RSASSA-PSS-params: SHA-512, MGF1 with SHA-512, salt 64.
							b.AddASN1ObjectIdentifier(oidRSASSAPSS)
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
								b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
									b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
										b.AddASN1ObjectIdentifier(oidSHA512)
										b.AddASN1NULL()
									})
								})
								b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
									b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
										b.AddASN1ObjectIdentifier(oidMGF1)
										b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
											b.AddASN1ObjectIdentifier(oidSHA512)
											b.AddASN1NULL()
										})
									})
								})
								b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
									b.AddASN1Int64(int64(salt))
								})
							})
						})
						b.AddASN1OctetString(sig)
					})
				})
			})
		})
	})
	return b.Bytes()
}

// setHeaderLen returns the length of the tag and length octets of a DER object.
func setHeaderLen(der []byte) int {
	if len(der) < 2 || der[1] < 0x80 {
		return 2
	}
	return 2 + int(der[1]&0x7F)
}

// pssSalt is the RSASSA-PSS salt length: 64 bytes (the SHA-512 size), or
// as much as fits in smaller test keys (RFC 8017 9.1.1: emLen >= hLen +
// sLen + 2).
func pssSalt(k *rsa.PrivateKey) int {
	return max(0, min(64, (k.N.BitLen()-1+7)/8-64-2))
}

// securityObject makes an EF.SOD-style file: tag 77 around the CMS
// SignedData over an LDSSecurityObject of files.
func securityObject(files map[int][]byte, p *PKI, prof sodProfile) ([]byte, error) {
	cms, err := signedData(oidLDSSecurityObject, ldsSecurityObject(files, prof), p.DocumentSigner, p.DocumentSignerKey, prof)
	if err != nil {
		return nil, err
	}
	return tlv.Append(nil, 0x77, cms), nil
}
