package emrtd

// Regression tests for the six reader defects that real documents exposed
// (commit 17f2d29). Each case is built here with the package's own
// encoders (CreateSOD, DG11.Marshal, MarshalDG1) and then altered the way
// those documents are encoded, so the tests run without any real document.
// The real files themselves are not redistributed: vectors_test.go reads
// them from $CIEKIT_EMRTD_VECTORS when it is set.

import (
	"bytes"
	"crypto"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// derNode is one DER element held as a tree, so that a test can change an
// element of a SOD or certificate and encode the whole again, in DER or in
// BER with indefinite lengths.
type derNode struct {
	tag  cbasn1.Tag
	val  []byte     // content of a primitive element
	kids []*derNode // elements inside a constructed one
}

const constructedBit = 0x20

func parseDERNode(t testing.TB, b []byte) *derNode {
	t.Helper()
	s := cryptobyte.String(b)
	n := readDERNode(t, &s)
	require.True(t, s.Empty(), "bytes after the DER element")
	return n
}

func readDERNode(t testing.TB, s *cryptobyte.String) *derNode {
	t.Helper()
	var content cryptobyte.String
	var tag cbasn1.Tag
	require.True(t, s.ReadAnyASN1(&content, &tag), "malformed DER")
	n := &derNode{tag: tag}
	if tag&constructedBit == 0 {
		n.val = content
		return n
	}
	for !content.Empty() {
		n.kids = append(n.kids, readDERNode(t, &content))
	}
	return n
}

func (n *derNode) der() []byte {
	var b cryptobyte.Builder
	n.add(&b)
	return b.BytesOrPanic()
}

func (n *derNode) add(b *cryptobyte.Builder) {
	b.AddASN1(n.tag, func(b *cryptobyte.Builder) {
		if n.tag&constructedBit == 0 {
			b.AddBytes(n.val)
			return
		}
		for _, k := range n.kids {
			k.add(b)
		}
	})
}

// ber encodes every constructed element with the indefinite length form
// (80, the elements, then the end-of-contents octets 00 00; X.690 8.1.3.6);
// primitive elements keep their definite length.
func (n *derNode) ber() []byte {
	if n.tag&constructedBit == 0 {
		return n.der()
	}
	out := []byte{byte(n.tag), 0x80}
	for _, k := range n.kids {
		out = append(out, k.ber()...)
	}
	return append(out, 0x00, 0x00)
}

func mustDERNode(t testing.TB, v any) *derNode {
	t.Helper()
	b, err := asn1.Marshal(v)
	require.NoError(t, err)
	return parseDERNode(t, b)
}

// Elements of SignedData (RFC 5652 5.1) in the order CreateSOD writes them.
const (
	sdEncap   = 2 // encapContentInfo
	sdCerts   = 3 // [0] certificates
	sdSigners = 4 // signerInfos
)

// sodTree parses a SOD made by CreateSOD (77 wrapper) and returns its
// ContentInfo and the SignedData inside it.
func sodTree(t testing.TB, sod []byte) (ci, sd *derNode) {
	t.Helper()
	inner, err := tlv.Unwrap(sod, 0x77)
	require.NoError(t, err)
	ci = parseDERNode(t, inner)
	require.Len(t, ci.kids, 2)
	sd = ci.kids[1].kids[0]
	require.Len(t, sd.kids, 5, "SignedData as CreateSOD writes it")
	return ci, sd
}

func wrapSOD(ci []byte) []byte { return tlv.Append(nil, 0x77, ci) }

// sodWithContentType replaces the eContentType of encapContentInfo. The
// signature covers the signed attributes, not this field, so the SOD still
// verifies.
func sodWithContentType(t testing.TB, sod []byte, oid asn1.ObjectIdentifier) []byte {
	t.Helper()
	ci, sd := sodTree(t, sod)
	sd.kids[sdEncap].kids[0] = mustDERNode(t, oid)
	return wrapSOD(ci.der())
}

// sodAsBER re-encodes the ContentInfo of a DER SOD with indefinite lengths
// for every constructed element; with chunk, the eContent OCTET STRING
// becomes a constructed one (24) in pieces of 16 bytes, as BER allows
// (X.690 8.7.3).
func sodAsBER(t testing.TB, sod []byte, chunk bool) []byte {
	t.Helper()
	ci, sd := sodTree(t, sod)
	if chunk {
		wrap := sd.kids[sdEncap].kids[1]
		lds := wrap.kids[0].val
		oct := &derNode{tag: cbasn1.OCTET_STRING | constructedBit}
		for len(lds) > 0 {
			n := min(16, len(lds))
			oct.kids = append(oct.kids, &derNode{tag: cbasn1.OCTET_STRING, val: lds[:n]})
			lds = lds[n:]
		}
		wrap.kids[0] = oct
	}
	return wrapSOD(ci.ber())
}

// sodWithReorderedIssuer reverses the order of the RDNs of the issuer in
// the SignerInfo's IssuerAndSerialNumber, so that it no longer equals the
// certificate's issuer byte for byte. The SignerInfo identifier is not
// signed, so the signature still verifies.
func sodWithReorderedIssuer(t testing.TB, sod []byte) []byte {
	t.Helper()
	ci, sd := sodTree(t, sod)
	issuer := sd.kids[sdSigners].kids[0].kids[1].kids[0]
	require.GreaterOrEqual(t, len(issuer.kids), 2, "an issuer of one RDN cannot be reordered")
	slices.Reverse(issuer.kids)
	return wrapSOD(ci.der())
}

// sodWithCertificates replaces the certificate set of the SOD.
func sodWithCertificates(t testing.TB, sod []byte, certs ...[]byte) []byte {
	t.Helper()
	ci, sd := sodTree(t, sod)
	set := sd.kids[sdCerts]
	set.kids = nil
	for _, c := range certs {
		set.kids = append(set.kids, parseDERNode(t, c))
	}
	return wrapSOD(ci.der())
}

// explicitCurveCert rewrites an ECDSA P-256 certificate so that its
// subjectPublicKeyInfo names the curve by explicit ECParameters (SEC 1
// C.2, RFC 3279 2.3.5) instead of the namedCurve OID, as the document
// signer certificates of several European passports do. crypto/x509 does
// not parse such keys. The certificate's signature no longer matches; the
// reader never gets that far.
func explicitCurveCert(t testing.TB, c *x509.Certificate) []byte {
	t.Helper()
	cert := parseDERNode(t, c.Raw)
	tbs := cert.kids[0]
	spki := 5 // serial, signature, issuer, validity, subject, SPKI
	if tbs.kids[0].tag == cbasn1.Tag(0).Constructed().ContextSpecific() {
		spki++ // [0] version
	}
	alg := tbs.kids[spki].kids[0]
	require.Equal(t, mustDERNode(t, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}).der(), alg.kids[1].der(), "a P-256 key")

	p := elliptic.P256().Params()
	field := func(x []byte) []byte { return append(make([]byte, 32-len(x)), x...) }
	a := new(big.Int).Sub(p.P, big.NewInt(3)).Bytes() // the curve's a = -3 mod p
	type fieldID struct {
		Type  asn1.ObjectIdentifier
		Prime *big.Int
	}
	type curve struct{ A, B []byte }
	params := struct {
		Version  int
		FieldID  fieldID
		Curve    curve
		Base     []byte
		Order    *big.Int
		Cofactor int
	}{
		Version:  1,
		FieldID:  fieldID{asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}, p.P},
		Curve:    curve{field(a), field(p.B.Bytes())},
		Base:     append(append([]byte{0x04}, field(p.Gx.Bytes())...), field(p.Gy.Bytes())...),
		Order:    p.N,
		Cofactor: 1,
	}
	alg.kids[1] = mustDERNode(t, params)
	out := cert.der()
	_, err := x509.ParseCertificate(out)
	require.Error(t, err, "crypto/x509 parses explicit curve parameters now: the unparsable-certificate cases need another kind of certificate")
	return out
}

var quirkDGs = map[int][]byte{
	1: MarshalDG1(testMRZ),
	2: MarshalDG2(FaceImage{Format: ImageJPEG, Data: []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3}}),
}

// quirkSOD signs quirkDGs with the test PKI's RSA document signer.
func quirkSOD(t testing.TB, opts SODOptions) []byte {
	t.Helper()
	pki := pkiOnce()
	sod, err := CreateSOD(quirkDGs, pki.rsaCert, pki.rsaKey, opts)
	require.NoError(t, err)
	return sod
}

// requirePA checks that sod passes passive authentication to the test
// CSCA with every data group verified and the RSA signer found.
func requirePA(t *testing.T, sod []byte) {
	t.Helper()
	pki := pkiOnce()
	res, err := PassiveAuthentication(sod, quirkDGs, PAOptions{CSCA: pool(pki.csca)})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, res.Verified)
	require.NotNil(t, res.Signer)
	assert.Equal(t, pki.rsaCert.SerialNumber, res.Signer.SerialNumber)
}

// (a) eContentType id-data (RFC 5652 4, 1.2.840.113549.1.7.1) instead of
// id-icao-ldsSecurityObject (2.23.136.1.1.1; ICAO Doc 9303-10 4.6.2.2),
// as a Chinese passport writes it.
func TestSODQuirkContentTypeIDData(t *testing.T) {
	t.Parallel()
	sod := quirkSOD(t, SODOptions{})
	idData := sodWithContentType(t, sod, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1})
	require.NotEqual(t, sod, idData)
	s, err := ParseSOD(idData)
	require.NoError(t, err)
	assert.Len(t, s.Hashes, 2)
	requirePA(t, idData)

	// Any other content type is still refused.
	other := sodWithContentType(t, sod, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 5})
	_, err = ParseSOD(other)
	require.ErrorIs(t, err, scard.ErrMalformedData)
	assert.Contains(t, err.Error(), "eContentType")
}

// (b) the ContentInfo in BER with indefinite lengths (X.690 8.1.3.6), as a
// New Zealand passport writes it, and also with the eContent as a
// constructed OCTET STRING.
func TestSODQuirkBERIndefinite(t *testing.T) {
	t.Parallel()
	sod := quirkSOD(t, SODOptions{})
	for _, chunk := range []bool{false, true} {
		ber := sodAsBER(t, sod, chunk)
		inner, err := tlv.Unwrap(ber, 0x77)
		require.NoError(t, err)
		require.Equal(t, []byte{0x30, 0x80, 0x06}, inner[:3], "ContentInfo with an indefinite length")
		require.Equal(t, []byte{0, 0}, inner[len(inner)-2:], "end-of-contents")
		s, err := ParseSOD(ber)
		require.NoError(t, err, "chunked eContent: %v", chunk)
		want, err := ParseSOD(sod)
		require.NoError(t, err)
		assert.Equal(t, want.EContent, s.EContent, "the LDS security object read from BER equals the DER one")
		requirePA(t, ber)

		// Without its last end-of-contents octets the BER is malformed:
		// a typed error, no panic.
		cut := wrapSOD(inner[:len(inner)-2])
		_, err = ParseSOD(cut)
		require.ErrorIs(t, err, scard.ErrMalformedData)
	}
}

// (c) the SignerInfo names its signer by an issuer whose RDNs come in
// another order than in the certificate's issuer, as a Malaysian passport
// does (RSASSA-PSS signer).
func TestSODQuirkSignerIssuerReordered(t *testing.T) {
	t.Parallel()
	pki := pkiOnce()
	sod := sodWithReorderedIssuer(t, quirkSOD(t, SODOptions{PSS: true}))
	s, err := ParseSOD(sod)
	require.NoError(t, err)
	require.Len(t, s.Certificates, 1)
	assert.NotContains(t, string(s.Signer.IssuerAndSerial), string(pki.rsaCert.RawIssuer), "the identifier no longer matches byte for byte")
	requirePA(t, sod)

	// The lone certificate is used only because the signature must then
	// verify with its key: another certificate in its place is refused.
	swapped := sodWithCertificates(t, sod, pki.dsCert.Raw)
	_, err = PassiveAuthentication(swapped, quirkDGs, PAOptions{CSCA: pool(pki.csca)})
	require.ErrorIs(t, err, ErrBadSignature)
}

// (d) a certificate crypto/x509 cannot parse (explicit elliptic-curve
// parameters, as in the document signer certificates of Austria, Germany,
// Finland, Russia and the United Kingdom) in the certificate set.
func TestSODQuirkUnparsableCertificate(t *testing.T) {
	t.Parallel()
	pki := pkiOnce()
	explicit := explicitCurveCert(t, pki.dsCert)

	// Besides the signer's: the SOD verifies with the signer found by its
	// issuer and serial number, and the other is kept aside.
	sod := sodWithCertificates(t, quirkSOD(t, SODOptions{}), explicit, pki.rsaCert.Raw)
	s, err := ParseSOD(sod)
	require.NoError(t, err)
	require.Len(t, s.Certificates, 1)
	require.Len(t, s.Unparsed, 1)
	assert.Equal(t, explicit, s.Unparsed[0].Raw)
	require.Error(t, s.Unparsed[0].Err)
	requirePA(t, sod)

	// As the signer's own: the LDS hashes are read, and passive
	// authentication says the signer is not supported rather than forged
	// or malformed.
	ecSOD, err := CreateSOD(quirkDGs, pki.dsCert, pki.dsKey, SODOptions{Hash: crypto.SHA384})
	require.NoError(t, err)
	ecSOD = sodWithCertificates(t, ecSOD, explicit)
	s, err = ParseSOD(ecSOD)
	require.NoError(t, err)
	assert.Empty(t, s.Certificates)
	require.Len(t, s.Unparsed, 1)
	assert.Equal(t, crypto.SHA384, s.HashAlgorithm)
	for n, dg := range quirkDGs {
		h := crypto.SHA384.New()
		h.Write(dg)
		assert.Equal(t, h.Sum(nil), s.Hashes[n], "DG%d hash", n)
	}
	_, err = PassiveAuthentication(ecSOD, quirkDGs, PAOptions{CSCA: pool(pki.csca)})
	require.ErrorIs(t, err, scard.ErrNotSupported)
	assert.NotErrorIs(t, err, ErrBadSignature)
	assert.NotErrorIs(t, err, scard.ErrMalformedData)
}

// (e) DG11 other names: listed as 5F0F in the tag list and stored as
// A0 { 02 count, 5F0F name, ... } (ICAO Doc 9303-10 4.7.11); also as bare
// 5F0F entries without A0, as a Chinese passport writes them.
func TestDG11QuirkOtherNames(t *testing.T) {
	t.Parallel()
	names := []string{"ROSSI<<MARIO<LUIGI", "BIANCHI<<MARIO"}
	d := &DG11{FullName: "ROSSI<<MARIO", OtherNames: names}
	b := d.Marshal()
	// The A0 template typed from 9303-10 4.7.11, independently of the encoder.
	a0 := "020102"
	for _, n := range names {
		a0 += "5F0F" + hex.EncodeToString([]byte{byte(len(n))}) + hex.EncodeToString([]byte(n))
	}
	a0 = "A0" + hex.EncodeToString([]byte{byte(len(a0) / 2)}) + a0
	assert.Contains(t, strings.ToUpper(hex.EncodeToString(b)), strings.ToUpper(a0), "other names in template A0")
	list, ok := tlv.Find(b[2:], 0x5C)
	require.True(t, ok)
	assert.True(t, bytes.Contains(list, []byte{0x5F, 0x0F}), "tag list names 5F0F")
	got, err := ParseDG11(b)
	require.NoError(t, err)
	assert.Equal(t, names, got.OtherNames)

	var bare tlv.Builder
	bare.AddConstructed(0x6B, func(b *tlv.Builder) {
		b.Add(0x5C, []byte{0x5F, 0x0E, 0x5F, 0x0F})
		b.Add(0x5F0E, []byte("ROSSI<<MARIO"))
		b.Add(0x5F0F, []byte(names[1]))
	})
	got, err = ParseDG11(bare.Bytes())
	require.NoError(t, err)
	assert.Equal(t, names[1:], got.OtherNames, "5F0F outside A0")
}

// (f) a TD2 document number of more than 9 characters: the first 9 in
// positions 1-9 of the second line, a filler instead of the check digit in
// position 10, and the rest at the start of the optional data (positions
// 29-35) followed by the check digit of the whole number (ICAO Doc 9303-6,
// data structure of the lower MRZ line, the TD2 counterpart of 9303-5
// 4.2.4; the worked example of 9303-10 A.2.2 is in vectors_test.go). The
// BAC/PACE key uses the whole number and that check digit (9303-11
// 9.7.2). Check digits computed by hand with 7-3-1 weights (9303-3 4.9).
func TestTD2QuirkLongDocumentNumber(t *testing.T) {
	t.Parallel()
	const line1 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
	for _, tc := range []struct {
		line2, doc, info string
	}{
		{"D23145890<UTO7408122F12041597349<<<2", "D23145890734", "D23145890734974081221204159"},
		{"D23145890<UTO7408122F120415976<<<<<4", "D231458907", "D231458907674081221204159"},
		// 9 characters with optional data: nothing to continue.
		{"D231458907UTO7408122F1204159ABC<<<<1", "D23145890", "D23145890774081221204159"},
	} {
		mrz, err := ParseDG1(MarshalDG1(line1 + "\n" + tc.line2))
		require.NoError(t, err)
		key, err := MRZKeyFromMRZ(mrz)
		require.NoError(t, err)
		info, err := key.Info()
		require.NoError(t, err)
		assert.Equal(t, tc.info, info, tc.line2)

		kEnc, kMac, err := key.BACKeys()
		require.NoError(t, err)
		wEnc, wMac, err := NewMRZKey(tc.doc, "740812", "120415").BACKeys()
		require.NoError(t, err)
		assert.Equal(t, wEnc, kEnc, "K_enc from the whole document number")
		assert.Equal(t, wMac, kMac, "K_mac from the whole document number")
	}
}

// TestCOMQuirkEPassEmulator: the EF.COM that vsmartcard's ePass emulator
// serves (read live, scripts/interop-vicc): its tag list 5C declares two
// bytes but holds the four ASCII characters "6175" (CardGenerator.py packs
// b"6175" with length 2), so the tag list is 36 31 and two bytes 37 35
// follow inside 60. ParseCOM names the first bad entry.
func TestCOMQuirkEPassEmulator(t *testing.T) {
	com := []byte{0x60, 0x16, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0', 0x5C, 0x02, '6', '1', '7', '5'}
	_, err := ParseCOM(com)
	var de *scard.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "EF.COM", de.File)
	assert.Equal(t, "tag list entry 1: unknown data group tag 36", de.Msg)
	assert.ErrorIs(t, err, scard.ErrMalformedData)
}

// sodQuirkSeeds are the altered SODs above, for the fuzzers' corpus.
func sodQuirkSeeds(t testing.TB) [][]byte {
	sod := quirkSOD(t, SODOptions{})
	return [][]byte{
		sodWithContentType(t, sod, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}),
		sodAsBER(t, sod, false),
		sodAsBER(t, sod, true),
		sodWithReorderedIssuer(t, sod),
		sodWithCertificates(t, sod, explicitCurveCert(t, pkiOnce().dsCert), pkiOnce().rsaCert.Raw),
	}
}

// vectorsEnv names the environment variable holding the directory of the
// real-document files that vectors_test.go and the SOD fuzzer read.
const vectorsEnv = "CIEKIT_EMRTD_VECTORS"
