package emrtd_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trustPKI is a State's PKI as ICAO Doc 9303-12 lays it out: an old CSCA
// and its successor with a link certificate (5.4), a document signer under
// the new CSCA with a document type list (7.1.1.3), a master list signer
// with id-icao-cscaMasterListSigningKey (7.1.1.4), and an unrelated CSCA.
type trustPKI struct {
	oldCSCA, newCSCA, link, ds, dsRevoked, mlSigner, foreign *x509.Certificate
	oldKey, newKey, dsKey, mlKey                             crypto.Signer
}

var (
	t2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	t2024 = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	t2030 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

func newTrustPKI(t testing.TB) *trustPKI {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	mk := func(tmpl, parent *x509.Certificate, pub any, priv crypto.Signer) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
		require.NoError(t, err)
		c, err := x509.ParseCertificate(der)
		require.NoError(t, err)
		return c
	}
	name := func(cn string) pkix.Name { return pkix.Name{Country: []string{"UT"}, CommonName: cn} }
	ca := func(serial int64, cn string, nb, na time.Time) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: name(cn), NotBefore: nb, NotAfter: na,
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	}
	p := &trustPKI{}
	oldK, newK, dsK, mlK, fK := key(), key(), key(), key(), key()
	p.oldKey, p.newKey, p.dsKey, p.mlKey = oldK, newK, dsK, mlK
	oldT := ca(1, "Utopia CSCA 1", t2020, t2030)
	p.oldCSCA = mk(oldT, oldT, oldK.Public(), oldK)
	newT := ca(2, "Utopia CSCA 2", t2020, t2030.AddDate(5, 0, 0))
	p.newCSCA = mk(newT, newT, newK.Public(), newK)
	linkT := ca(3, "Utopia CSCA 2", t2020, t2030)
	p.link = mk(linkT, p.oldCSCA, newK.Public(), oldK) // new key, signed by the old one
	docTypes, err := asn1.Marshal(struct {
		Version int
		Types   []string `asn1:"set"`
	}{0, []string{"P", "ID"}})
	require.NoError(t, err)
	dsT := &x509.Certificate{SerialNumber: big.NewInt(10), Subject: name("Utopia DS"), NotBefore: t2020, NotAfter: t2024.AddDate(1, 0, 0),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 23, 136, 1, 1, 6, 2}, Value: docTypes}}}
	p.ds = mk(dsT, p.newCSCA, dsK.Public(), newK)
	dsT.SerialNumber = big.NewInt(11)
	p.dsRevoked = mk(dsT, p.newCSCA, dsK.Public(), newK)
	mlT := &x509.Certificate{SerialNumber: big.NewInt(20), Subject: name("Utopia ML signer"), NotBefore: t2020, NotAfter: t2030,
		KeyUsage: x509.KeyUsageDigitalSignature, UnknownExtKeyUsage: []asn1.ObjectIdentifier{{2, 23, 136, 1, 1, 3}}}
	p.mlSigner = mk(mlT, p.newCSCA, mlK.Public(), newK)
	fT := ca(30, "Dystopia CSCA", t2020, t2030)
	p.foreign = mk(fT, fT, fK.Public(), fK)
	return p
}

func (p *trustPKI) crl(t testing.TB, revoked ...*x509.Certificate) []byte {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: t2020.AddDate(1, 0, 0)})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: t2024, NextUpdate: t2030,
		RevokedCertificateEntries: entries}, p.newCSCA, p.newKey)
	require.NoError(t, err)
	return der
}

func (p *trustPKI) masterList(t testing.TB, certs ...*x509.Certificate) []byte {
	t.Helper()
	ml, err := emrtd.CreateMasterList(certs, p.mlSigner, p.mlKey, emrtd.SODOptions{})
	require.NoError(t, err)
	return ml
}

func (p *trustPKI) sod(t testing.TB, ds *x509.Certificate, dgs map[int][]byte) []byte {
	t.Helper()
	sod, err := emrtd.CreateSOD(dgs, ds, p.dsKey, emrtd.SODOptions{SigningTime: t2024})
	require.NoError(t, err)
	return sod
}

func checks(r *emrtd.TrustResult) map[string]emrtd.Outcome {
	m := map[string]emrtd.Outcome{}
	for _, c := range r.Checks {
		m[c.Name] = c.Outcome
	}
	return m
}

func TestMasterListStructure(t *testing.T) {
	t.Parallel()
	p := newTrustPKI(t)
	b := p.masterList(t, p.oldCSCA, p.newCSCA, p.link, p.foreign)
	m, err := emrtd.ParseMasterList(b)
	require.NoError(t, err)
	assert.Len(t, m.Certificates, 4)
	assert.True(t, m.Signer.Equal(p.mlSigner))
	// ICAO Doc 9303-12 clause 9: ContentInfo { signedData, SignedData {
	// eContentType id-icao-cscaMasterList (2.23.136.1.1.2), eContent
	// CscaMasterList { version v0, certList SET OF Certificate } } }.
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,tag:0"`
	}
	_, err = asn1.Unmarshal(b, &ci)
	require.NoError(t, err)
	assert.Equal(t, "1.2.840.113549.1.7.2", ci.Type.String())
	var sd struct {
		Version int
		Digests asn1.RawValue `asn1:"set"`
		Encap   struct {
			Type    asn1.ObjectIdentifier
			Content []byte `asn1:"explicit,tag:0"`
		}
		Certificates asn1.RawValue `asn1:"optional,tag:0"`
		SignerInfos  asn1.RawValue `asn1:"set"`
	}
	_, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	require.NoError(t, err)
	assert.Equal(t, emrtd.OIDCSCAMasterList, sd.Encap.Type.String())
	var list struct {
		Version int
		Certs   []asn1.RawValue `asn1:"set"`
	}
	_, err = asn1.Unmarshal(sd.Encap.Content, &list)
	require.NoError(t, err)
	assert.Equal(t, 0, list.Version)
	assert.Len(t, list.Certs, 4)

	// A SOD is not a master list.
	_, err = emrtd.ParseMasterList(p.sod(t, p.ds, map[int][]byte{1: {0x61, 0}})[2:])
	require.ErrorIs(t, err, scard.ErrMalformedData)
}

func TestTrustStoreMasterList(t *testing.T) {
	t.Parallel()
	p := newTrustPKI(t)
	ml := p.masterList(t, p.oldCSCA, p.newCSCA, p.link)

	var s emrtd.TrustStore
	// Without an anchor the list cannot be trusted.
	_, err := s.AddMasterList(ml, nil, t2024)
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
	assert.Empty(t, s.CSCAs())
	// Signed by a foreign CSCA's anchor: refused.
	_, err = s.AddMasterList(ml, []*x509.Certificate{p.foreign}, t2024)
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
	// Tampered signature.
	bad := append([]byte(nil), ml...)
	bad[len(bad)-3] ^= 1
	_, err = s.AddMasterList(bad, []*x509.Certificate{p.newCSCA}, t2024)
	require.Error(t, err, "tampered signature")
	assert.Empty(t, s.CSCAs())
	// Signer without the master list EKU.
	wrong, err := emrtd.CreateMasterList([]*x509.Certificate{p.newCSCA}, p.ds, p.dsKey, emrtd.SODOptions{})
	require.NoError(t, err)
	_, err = s.AddMasterList(wrong, []*x509.Certificate{p.newCSCA}, t2024)
	require.ErrorIs(t, err, emrtd.ErrKeyUsage)

	m, err := s.AddMasterList(ml, []*x509.Certificate{p.newCSCA}, t2024)
	require.NoError(t, err)
	assert.Len(t, m.Certificates, 3)
	assert.Len(t, s.CSCAs(), 3)
	require.NoError(t, s.AddCRL(p.crl(t, p.dsRevoked)))

	dgs := map[int][]byte{1: emrtd.MarshalDG1(specimenTD3), 2: {0x75, 0x01, 0x00}}
	res, err := s.Verify(p.sod(t, p.ds, dgs), dgs, emrtd.VerifyOptions{DocumentCode: "P<", RequireCRL: true})
	require.NoError(t, err)
	assert.True(t, res.Passed())
	assert.Equal(t, t2024, res.SigningTime)
	assert.Equal(t, map[string]emrtd.Outcome{"SOD signature": emrtd.Passed, "DS chain": emrtd.Passed, "DS key usage": emrtd.Passed,
		"document type": emrtd.Passed, "revocation": emrtd.Passed, "DG1 hash": emrtd.Passed, "DG2 hash": emrtd.Passed}, checks(res))
	assert.Len(t, res.Chain, 2)

	t.Run("revoked", func(t *testing.T) {
		res, err := s.Verify(p.sod(t, p.dsRevoked, dgs), dgs, emrtd.VerifyOptions{})
		require.ErrorIs(t, err, emrtd.ErrRevoked)
		assert.Equal(t, emrtd.Failed, checks(res)["revocation"])
		assert.Equal(t, emrtd.Passed, checks(res)["DG1 hash"])
	})
	t.Run("document type", func(t *testing.T) {
		res, err := s.Verify(p.sod(t, p.ds, dgs), dgs, emrtd.VerifyOptions{DocumentCode: "C<"})
		require.ErrorIs(t, err, emrtd.ErrDocumentType)
		assert.Equal(t, emrtd.Failed, checks(res)["document type"])
	})
	t.Run("altered DG2", func(t *testing.T) {
		sod := p.sod(t, p.ds, dgs)
		alt := map[int][]byte{1: dgs[1], 2: {0x75, 0x01, 0x01}}
		res, err := s.Verify(sod, alt, emrtd.VerifyOptions{})
		require.ErrorIs(t, err, emrtd.ErrHashMismatch)
		c := checks(res)
		assert.Equal(t, emrtd.Failed, c["DG2 hash"])
		assert.Equal(t, emrtd.Passed, c["DG1 hash"])
		assert.Equal(t, emrtd.Passed, c["DS chain"])
	})
	t.Run("signing time outside the signer's validity", func(t *testing.T) {
		sod, err := emrtd.CreateSOD(dgs, p.ds, p.dsKey, emrtd.SODOptions{SigningTime: t2030})
		require.NoError(t, err)
		res, err := s.Verify(sod, dgs, emrtd.VerifyOptions{})
		require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
		assert.Equal(t, emrtd.Failed, checks(res)["DS chain"])
	})
}

func TestTrustStoreLinkAndCRL(t *testing.T) {
	t.Parallel()
	p := newTrustPKI(t)
	var s emrtd.TrustStore
	// Only the old CSCA as root, the new key through the link certificate.
	require.NoError(t, s.AddCSCA(p.oldCSCA, p.link))
	dgs := map[int][]byte{1: emrtd.MarshalDG1(specimenTD3)}
	res, err := s.Verify(p.sod(t, p.ds, dgs), dgs, emrtd.VerifyOptions{})
	require.NoError(t, err, "DS under the new CSCA, reached through the link")
	assert.Len(t, res.Chain, 3)
	assert.Equal(t, emrtd.Skipped, checks(res)["revocation"], "no CRL loaded")
	assert.Equal(t, emrtd.Skipped, checks(res)["document type"], "no document code given")
	_, err = s.Verify(p.sod(t, p.ds, dgs), dgs, emrtd.VerifyOptions{RequireCRL: true})
	require.ErrorIs(t, err, emrtd.ErrNoCRL)

	// A CRL no CSCA of the store signed is refused.
	var s2 emrtd.TrustStore
	require.NoError(t, s2.AddCSCA(p.foreign))
	require.ErrorIs(t, s2.AddCRL(p.crl(t)), emrtd.ErrUntrustedSigner)
	// A DS certificate is not a CSCA.
	require.ErrorIs(t, s2.AddCSCA(p.ds), emrtd.ErrKeyUsage)
	// An unknown DS.
	res, err = s2.Verify(p.sod(t, p.ds, dgs), dgs, emrtd.VerifyOptions{})
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
	assert.Equal(t, emrtd.Passed, checks(res)["SOD signature"])
}

func TestLoadTrustStore(t *testing.T) {
	t.Parallel()
	p := newTrustPKI(t)
	fsys := fstest.MapFS{
		"csca/utopia.pem":   {Data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.newCSCA.Raw})},
		"ml/icao.ml":        {Data: p.masterList(t, p.oldCSCA, p.link, p.foreign)},
		"crl/utopia.crl":    {Data: p.crl(t, p.dsRevoked)},
		"README.txt":        {Data: []byte("ignored")},
		"csca/old/csca.DER": {Data: p.oldCSCA.Raw},
	}
	s, err := emrtd.LoadTrustStore(fsys, t2024)
	require.NoError(t, err)
	assert.Len(t, s.CSCAs(), 4)
	dgs := map[int][]byte{1: emrtd.MarshalDG1(specimenTD3)}
	_, err = s.Verify(p.sod(t, p.dsRevoked, dgs), dgs, emrtd.VerifyOptions{})
	require.ErrorIs(t, err, emrtd.ErrRevoked)

	fsys["crl/bad.crl"] = &fstest.MapFile{Data: []byte("not a CRL")}
	_, err = emrtd.LoadTrustStore(fsys, t2024)
	require.ErrorIs(t, err, scard.ErrMalformedData)
	assert.Contains(t, err.Error(), "crl/bad.crl")
}

const specimenTD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"

// FuzzParseMasterList: no panic, no result with an error; AddMasterList
// accepts nothing ParseMasterList refuses; AddCRL takes any bytes. The
// seeds are built once, outside the fuzz target, so that the fuzzing
// workers do no key generation (testdata/fuzz holds no generated keys).
func FuzzParseMasterList(f *testing.F) {
	p := newTrustPKI(f)
	f.Add(p.masterList(f, p.oldCSCA, p.newCSCA))
	f.Add(p.sod(f, p.ds, map[int][]byte{1: {0x61, 0}}))
	f.Add(p.crl(f, p.dsRevoked))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := emrtd.ParseMasterList(b)
		if err != nil && m != nil {
			t.Fatalf("ParseMasterList: result with error %v", err)
		}
		var s emrtd.TrustStore
		if err := s.AddCSCA(p.newCSCA); err != nil {
			t.Fatal(err)
		}
		if m != nil {
			if _, err := s.AddMasterList(b, nil, t2024); err == nil && len(s.CSCAs()) < 1 {
				t.Fatalf("AddMasterList lost the store")
			}
		}
		_ = s.AddCRL(b)
	})
}

// FuzzTrustVerify: Verify on any SOD bytes never panics, returns a result
// whenever it returns no error, and never trusts what does not parse.
func FuzzTrustVerify(f *testing.F) {
	p := newTrustPKI(f)
	var s emrtd.TrustStore
	if err := s.AddCSCA(p.newCSCA); err != nil {
		f.Fatal(err)
	}
	if err := s.AddCRL(p.crl(f, p.dsRevoked)); err != nil {
		f.Fatal(err)
	}
	dgs := map[int][]byte{1: emrtd.MarshalDG1(specimenTD3)}
	f.Add(p.sod(f, p.ds, dgs))
	f.Add(p.sod(f, p.dsRevoked, dgs))
	f.Fuzz(func(t *testing.T, sod []byte) {
		res, err := s.Verify(sod, dgs, emrtd.VerifyOptions{DocumentCode: "P<"})
		if res == nil && err == nil {
			t.Fatal("Verify: no result and no error")
		}
		if err == nil && !res.Passed() {
			t.Fatal("Verify: no error but a failed check")
		}
		if _, perr := emrtd.ParseSOD(sod); perr != nil && err == nil {
			t.Fatalf("Verify trusted a SOD ParseSOD refuses: %v", perr)
		}
	})
}
