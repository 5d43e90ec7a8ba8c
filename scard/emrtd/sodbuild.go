package emrtd

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SODOptions configures [CreateSOD]. The zero value is valid.
type SODOptions struct {
	// Hash is the digest for data groups and signature; default SHA-256.
	Hash crypto.Hash
	// PSS signs with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys only).
	PSS bool
	// Bare omits the 77 wrapper (the CIE IAS SOD in EF 1006 is bare CMS).
	Bare bool
	// Rand is the randomness for signing; nil means crypto/rand.
	Rand io.Reader
	// SigningTime, if set, is written as the CMS signing-time signed
	// attribute (RFC 5652 11.3), which [TrustStore.Verify] checks the
	// document signer's chain at.
	SigningTime time.Time
}

// CreateSOD builds and signs a document security object over the data
// groups dgs (raw files by number) with the document signer key and its
// certificate (ICAO Doc 9303-10 clause 4.6.2, RFC 5652). It is for card
// emulators and tests: real SODs are made by the issuing state.
func CreateSOD(dgs map[int][]byte, cert *x509.Certificate, key crypto.Signer, opts SODOptions) ([]byte, error) {
	o := opts
	if o.Hash == 0 {
		o.Hash = crypto.SHA256
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if !o.Hash.Available() {
		return nil, fmt.Errorf("emrtd: CreateSOD: hash %v unavailable", o.Hash)
	}
	hashOID := oidForHash(o.Hash)
	if hashOID == nil {
		return nil, fmt.Errorf("emrtd: CreateSOD: unsupported hash %v", o.Hash)
	}
	ldsOID, _ := parseOID(OIDLDSSecurityObject)
	nums := make([]int, 0, len(dgs))
	for n := range dgs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	hashAlg := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(hashOID) })
	}
	var lds cryptobyte.Builder
	lds.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		hashAlg(b)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, n := range nums {
				h := o.Hash.New()
				h.Write(dgs[n])
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1Int64(int64(n))
					b.AddASN1OctetString(h.Sum(nil))
				})
			}
		})
	})
	eContent, err := lds.Bytes()
	if err != nil {
		return nil, fmt.Errorf("emrtd: CreateSOD: %v", err)
	}
	out, err := signCMS(ldsOID, eContent, cert, key, o)
	if err != nil {
		return nil, fmt.Errorf("emrtd: CreateSOD: %v", err)
	}
	if o.Bare {
		return out, nil
	}
	return tlv.Append(nil, 0x77, out), nil
}

// signCMS builds a CMS ContentInfo with SignedData (RFC 5652) over eContent
// of type eType, signed by key with signed attributes (content type and
// message digest), the certificate embedded. o has its defaults set.
func signCMS(eType asn1.ObjectIdentifier, eContent []byte, cert *x509.Certificate, key crypto.Signer, o SODOptions) ([]byte, error) {
	ldsOID := eType
	hashOID := oidForHash(o.Hash)
	algID := func(b *cryptobyte.Builder, oid string, params func(*cryptobyte.Builder)) {
		o, _ := parseOID(oid)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(o)
			if params != nil {
				params(b)
			}
		})
	}
	hashAlg := func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(hashOID) })
	}
	var err error
	h := o.Hash.New()
	h.Write(eContent)
	md := h.Sum(nil)
	var attrs cryptobyte.Builder
	attrs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		ct, _ := parseOID(oidContentType)
		b.AddASN1ObjectIdentifier(ct)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(ldsOID) })
	})
	// DER orders the SET OF attributes by encoding: content type (30 15),
	// signing time (30 1C), message digest (30 1F and longer).
	if !o.SigningTime.IsZero() {
		attrs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5})
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1UTCTime(o.SigningTime.UTC()) })
		})
	}
	attrs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		mdo, _ := parseOID(oidMessageDigest)
		b.AddASN1ObjectIdentifier(mdo)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1OctetString(md) })
	})
	attrBytes, _ := attrs.Bytes()
	var signedB cryptobyte.Builder
	signedB.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(attrBytes) })
	signed, _ := signedB.Bytes()
	h = o.Hash.New()
	h.Write(signed)
	digest := h.Sum(nil)

	var sigAlg string
	var sigParams func(*cryptobyte.Builder)
	var sig []byte
	switch key.Public().(type) {
	case *rsa.PublicKey:
		if o.PSS {
			// RFC 4055 RSASSA-PSS-params, with the hash identifiers of its
			// ASN.1 module (parameters NULL), MGF1 over the same hash, and
			// a salt as long as the hash or as fits a small test key
			// (RFC 8017 9.1.1: emLen >= hLen + sLen + 2).
			pub := key.Public().(*rsa.PublicKey)
			salt := max(0, min(o.Hash.Size(), (pub.N.BitLen()-1+7)/8-o.Hash.Size()-2))
			hashNull := func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(hashOID)
					b.AddASN1NULL()
				})
			}
			sigAlg = oidRSAPSS
			sigParams = func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), hashNull)
					b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						algID(b, oidMGF1, hashNull)
					})
					b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1Int64(int64(salt))
					})
				})
			}
			sig, err = key.Sign(o.Rand, digest, &rsa.PSSOptions{SaltLength: salt, Hash: o.Hash})
		} else {
			sigAlg = map[crypto.Hash]string{crypto.SHA1: oidSHA1WithRSA, crypto.SHA224: oidSHA224WithRSA, crypto.SHA256: oidSHA256WithRSA, crypto.SHA384: oidSHA384WithRSA, crypto.SHA512: oidSHA512WithRSA}[o.Hash]
			sigParams = func(b *cryptobyte.Builder) { b.AddASN1NULL() }
			sig, err = key.Sign(o.Rand, digest, o.Hash)
		}
	case *ecdsa.PublicKey:
		sigAlg = map[crypto.Hash]string{crypto.SHA1: oidECDSAWithSHA1, crypto.SHA224: oidECDSAWithSHA224, crypto.SHA256: oidECDSAWithSHA256, crypto.SHA384: oidECDSAWithSHA384, crypto.SHA512: oidECDSAWithSHA512}[o.Hash]
		sig, err = key.Sign(o.Rand, digest, o.Hash)
	default:
		return nil, fmt.Errorf("unsupported key type %T", key.Public())
	}
	if err != nil {
		return nil, fmt.Errorf("signing: %v", err)
	}
	sdOID, _ := parseOID(OIDSignedData)
	var ci cryptobyte.Builder
	ci.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(sdOID)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(3)
				b.AddASN1(cbasn1.SET, hashAlg)
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(ldsOID)
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(eContent)
					})
				})
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(cert.Raw) })
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1Int64(1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddBytes(cert.RawIssuer)
							b.AddASN1BigInt(cert.SerialNumber)
						})
						hashAlg(b)
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(attrBytes) })
						algID(b, sigAlg, sigParams)
						b.AddASN1OctetString(sig)
					})
				})
			})
		})
	})
	return ci.Bytes()
}
