package emrtd

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ciekit/ciekit/scard"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ICAO Doc 9303-12 object identifiers (id-icao-mrtd-security = 2.23.136.1.1).
const (
	// OIDCSCAMasterList is id-icao-cscaMasterList, the eContentType of a
	// CSCA master list (9303-12 clause 9).
	OIDCSCAMasterList = "2.23.136.1.1.2"
	// OIDMasterListSigningKey is id-icao-cscaMasterListSigningKey, the
	// extended key usage of a master list signer certificate.
	OIDMasterListSigningKey = "2.23.136.1.1.3"
	// OIDDocumentTypeList is the document type list extension of document
	// signer certificates (9303-12 7.1.1.3).
	OIDDocumentTypeList = "2.23.136.1.1.6.2"
	oidSigningTime      = "1.2.840.113549.1.9.5"
)

// Trust-store errors, wrapped by [*CheckError] and the Add methods.
var (
	// ErrRevoked: a certificate of the document signer's chain is on a
	// CRL of its issuer.
	ErrRevoked = errors.New("emrtd: certificate revoked")
	// ErrNoCRL: revocation could not be checked (no valid CRL of the
	// issuer) and [VerifyOptions.RequireCRL] is set.
	ErrNoCRL = errors.New("emrtd: no CRL for the issuer")
	// ErrKeyUsage: a certificate is not allowed to do what it did.
	ErrKeyUsage = errors.New("emrtd: key usage not allowed")
	// ErrDocumentType: the document signer may not sign this type of
	// document.
	ErrDocumentType = errors.New("emrtd: document type not allowed for the signer")
)

// MasterList is a parsed CSCA master list (ICAO Doc 9303-12 clause 9): a
// CMS SignedData whose content, of type id-icao-cscaMasterList, is
//
//	CscaMasterList ::= SEQUENCE {
//	    version  CscaMasterListVersion,  -- v0(0)
//	    certList SET OF Certificate }
//
// signed by a master list signer whose certificate is embedded.
type MasterList struct {
	// Certificates are the CSCA and link certificates of the list.
	Certificates []*x509.Certificate
	// Unparsed are the listed certificates crypto/x509 could not parse
	// (explicit elliptic-curve parameters), kept with the reason.
	Unparsed []UnparsedCertificate
	// Signer is the master list signer certificate, nil if not embedded.
	Signer *x509.Certificate
	signed *SOD
}

func mlErr(format string, a ...any) error {
	return &scard.DataError{File: "master list", Msg: fmt.Sprintf(format, a...)}
}

// ParseMasterList parses a CSCA master list (DER or BER ContentInfo, as
// published in .ml files). Nothing is verified; see
// [TrustStore.AddMasterList]. Malformed input gives a [*scard.DataError].
func ParseMasterList(b []byte) (*MasterList, error) {
	ci := b
	if der, ok := berToDER(ci); ok {
		ci = der
	}
	s, eType, err := parseSignedData(ci)
	if err != nil {
		var de *scard.DataError
		if errors.As(err, &de) {
			return nil, mlErr("%s", de.Msg)
		}
		return nil, err
	}
	if eType.String() != OIDCSCAMasterList {
		return nil, mlErr("eContentType %s is not id-icao-cscaMasterList", eType)
	}
	in := cryptobyte.String(s.EContent)
	var seq, set cryptobyte.String
	var version int64
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(&version) || !seq.ReadASN1(&set, cbasn1.SET) || !seq.Empty() {
		return nil, mlErr("malformed CscaMasterList")
	}
	if version != 0 {
		return nil, mlErr("CscaMasterList version %d, want 0", version)
	}
	m := &MasterList{signed: s}
	for !set.Empty() {
		var der cryptobyte.String
		if !set.ReadASN1Element(&der, cbasn1.SEQUENCE) {
			return nil, mlErr("malformed certificate %d", len(m.Certificates)+len(m.Unparsed)+1)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			m.Unparsed = append(m.Unparsed, UnparsedCertificate{Raw: der, Err: err})
			continue
		}
		m.Certificates = append(m.Certificates, c)
	}
	m.Signer = s.signerCert()
	return m, nil
}

// CreateMasterList builds a CSCA master list of certs signed by the master
// list signer key and its certificate. It is for tests and test PKIs.
func CreateMasterList(certs []*x509.Certificate, signer *x509.Certificate, key crypto.Signer, opts SODOptions) ([]byte, error) {
	if opts.Hash == 0 {
		opts.Hash = crypto.SHA256
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		// DER SET OF: elements sorted by their encodings.
		ders := make([][]byte, len(certs))
		for i, c := range certs {
			ders[i] = c.Raw
		}
		slices.SortFunc(ders, bytes.Compare)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, d := range ders {
				b.AddBytes(d)
			}
		})
	})
	content, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("emrtd: CreateMasterList: %v", err)
	}
	oid, _ := parseOID(OIDCSCAMasterList)
	out, err := signCMS(oid, content, signer, key, opts)
	if err != nil {
		return nil, fmt.Errorf("emrtd: CreateMasterList: %v", err)
	}
	return out, nil
}

// TrustStore holds what passive authentication trusts: CSCA certificates
// (self-signed roots), link certificates (a new CSCA key signed by the old
// one, ICAO Doc 9303-12 5.4) and CRLs. The zero value is empty and ready.
// It is not safe for concurrent modification; once filled, Verify may be
// called from several goroutines.
type TrustStore struct {
	roots []*x509.Certificate // self-signed CSCAs
	links []*x509.Certificate // CSCA link certificates
	crls  []*x509.RevocationList
}

// AddCSCA adds CSCA certificates: self-signed ones become roots, the
// others link certificates, usable only through a root. A certificate
// without the keyCertSign key usage gives an error wrapping [ErrKeyUsage]
// and none of the certificates is added.
func (t *TrustStore) AddCSCA(certs ...*x509.Certificate) error {
	for _, c := range certs {
		if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			return fmt.Errorf("emrtd: CSCA %q without keyCertSign: %w", c.Subject.CommonName, ErrKeyUsage)
		}
	}
	for _, c := range certs {
		if t.has(c) {
			continue
		}
		if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
			t.roots = append(t.roots, c)
		} else {
			t.links = append(t.links, c)
		}
	}
	return nil
}

func (t *TrustStore) has(c *x509.Certificate) bool {
	for _, l := range [2][]*x509.Certificate{t.roots, t.links} {
		for _, o := range l {
			if o.Equal(c) {
				return true
			}
		}
	}
	return false
}

// CSCAs returns the root and link certificates, roots first.
func (t *TrustStore) CSCAs() []*x509.Certificate {
	return append(slices.Clone(t.roots), t.links...)
}

// AddMasterList verifies a CSCA master list and adds its certificates.
// The master list signer certificate must carry the signature, have the
// id-icao-cscaMasterListSigningKey extended key usage (the master list
// signer profile of 9303-12 7.1.1), and chain, at time at (zero: now), to
// one of anchors; with anchors empty, to a CSCA already in the store (the
// CSCA of the State that publishes the list, loaded by the caller from a
// source it trusts). The error wraps [ErrBadSignature],
// [ErrUntrustedSigner] or [ErrKeyUsage], or is a [*scard.DataError] for a
// malformed list; nothing is added on error.
func (t *TrustStore) AddMasterList(b []byte, anchors []*x509.Certificate, at time.Time) (*MasterList, error) {
	m, err := ParseMasterList(b)
	if err != nil {
		return nil, err
	}
	signer, err := m.signed.verifySignature()
	if err != nil {
		return nil, fmt.Errorf("verifying the master list signature: %w", err)
	}
	ok := false
	for _, u := range signer.UnknownExtKeyUsage {
		ok = ok || u.String() == OIDMasterListSigningKey
	}
	if !ok {
		return nil, fmt.Errorf("emrtd: master list signer without id-icao-cscaMasterListSigningKey: %w", ErrKeyUsage)
	}
	roots := x509.NewCertPool()
	if len(anchors) == 0 {
		anchors = t.roots
	}
	for _, a := range anchors {
		roots.AddCert(a)
	}
	inter := x509.NewCertPool()
	for _, c := range t.links {
		inter.AddCert(c)
	}
	if _, err := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("master list signer: %w", &ChainError{Err: err})
	}
	if err := t.AddCSCA(m.Certificates...); err != nil {
		return nil, err
	}
	return m, nil
}

// AddCRL adds a CRL (DER or PEM) after checking its signature against a
// CSCA of the store with its issuer's name: the CSCA must be added first.
// The error wraps [ErrUntrustedSigner] for a CRL no CSCA signed, or is the
// parse error of crypto/x509.
func (t *TrustStore) AddCRL(b []byte) error {
	if p, _ := pem.Decode(b); p != nil {
		b = p.Bytes
	}
	crl, err := x509.ParseRevocationList(b)
	if err != nil {
		return fmt.Errorf("emrtd: CRL: %v: %w", err, scard.ErrMalformedData)
	}
	for _, c := range t.CSCAs() {
		if bytes.Equal(c.RawSubject, crl.RawIssuer) && crl.CheckSignatureFrom(c) == nil {
			t.crls = append(t.crls, crl)
			return nil
		}
	}
	return fmt.Errorf("emrtd: CRL of %q not signed by a CSCA of the store: %w", crl.Issuer.CommonName, ErrUntrustedSigner)
}

// LoadTrustStore fills a trust store from the files of fsys, by extension
// (case-insensitive): first certificates (.cer, .crt, .der, .pem: CSCA and
// link certificates, DER or PEM), then master lists (.ml, verified against
// the certificates loaded so far, see [TrustStore.AddMasterList]), then
// CRLs (.crl). Other files are ignored. The error names the file.
func LoadTrustStore(fsys fs.FS, at time.Time) (*TrustStore, error) {
	var certs, mls, crls []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".cer", ".crt", ".der", ".pem":
			certs = append(certs, p)
		case ".ml":
			mls = append(mls, p)
		case ".crl":
			crls = append(crls, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := &TrustStore{}
	for _, p := range certs {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		cs, err := parseCertificates(b)
		if err == nil {
			err = t.AddCSCA(cs...)
		}
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", p, err)
		}
	}
	for _, p := range mls {
		b, err := fs.ReadFile(fsys, p)
		if err == nil {
			_, err = t.AddMasterList(b, nil, at)
		}
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", p, err)
		}
	}
	for _, p := range crls {
		b, err := fs.ReadFile(fsys, p)
		if err == nil {
			err = t.AddCRL(b)
		}
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", p, err)
		}
	}
	return t, nil
}

// parseCertificates reads one DER certificate or any number of PEM ones.
func parseCertificates(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		p, rest := pem.Decode(b)
		if p == nil {
			break
		}
		b = rest
		if p.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if out != nil {
		return out, nil
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return nil, err
	}
	return []*x509.Certificate{c}, nil
}

// VerifyOptions configures [TrustStore.Verify]. The zero value checks
// revocation where a CRL is loaded and skips it elsewhere.
type VerifyOptions struct {
	// Time is when the document signer's chain must have been valid when
	// the SOD has no signing-time attribute; zero means now. ICAO Doc
	// 9303-11 5.1 checks the chain at signing: a document stays valid
	// after its signer certificate's private-key period.
	Time time.Time
	// RequireCRL fails the revocation check when a certificate's issuer
	// has no CRL in the store (default: the check is skipped).
	RequireCRL bool
	// DocumentCode is the MRZ document code ("P<", "ID", "C<"); when set
	// and the signer certificate has a document type list, the code must
	// be in it. Empty skips the check.
	DocumentCode string
}

// Outcome is the result of one check.
type Outcome int

// Outcomes.
const (
	Passed  Outcome = iota + 1 // the check ran and succeeded
	Failed                     // the check ran and failed; Err says why
	Skipped                    // the check could not run; Err says why
)

// String returns "passed", "failed" or "skipped".
func (o Outcome) String() string {
	switch o {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Check is one step of passive authentication and its outcome.
type Check struct {
	// Name is "SOD signature", "DS chain", "DS key usage",
	// "document type", "revocation" or "DGn hash".
	Name    string
	Outcome Outcome
	Err     error // nil when Passed
}

// TrustResult lists every check of [TrustStore.Verify] in order.
type TrustResult struct {
	PA          *PAResult // the hashes and signer, as [PassiveAuthentication] reports them
	SigningTime time.Time // from the SOD's signing-time attribute, zero if absent
	Chain       []*x509.Certificate
	Checks      []Check
}

// Passed reports whether every check passed (skipped ones excepted).
func (r *TrustResult) Passed() bool {
	for _, c := range r.Checks {
		if c.Outcome == Failed {
			return false
		}
	}
	return true
}

// Verify runs passive authentication of sod and dgs (ICAO Doc 9303-11 5.1)
// against the store: the SOD signature; the document signer chain to a
// CSCA root, through link certificates, at the SOD's signing time (or
// opts.Time); the signer's digitalSignature key usage; the document type
// list; revocation of every certificate of the chain below the root by the
// CRLs of the store; and each data group hash. The result lists every
// check with its outcome; the error joins the failures (each a wrapped
// [ErrBadSignature], [ErrUntrustedSigner], [ErrKeyUsage],
// [ErrDocumentType], [ErrRevoked], [ErrNoCRL] or [*HashMismatchError]),
// nil when the document can be trusted. A malformed SOD gives a
// [*scard.DataError] and a nil result.
func (t *TrustStore) Verify(sod []byte, dgs map[int][]byte, opts VerifyOptions) (*TrustResult, error) {
	s, err := ParseSOD(sod)
	if err != nil {
		return nil, err
	}
	res := &TrustResult{}
	add := func(name string, o Outcome, err error) {
		res.Checks = append(res.Checks, Check{Name: name, Outcome: o, Err: err})
	}
	at := opts.Time
	if st, ok := signingTime(s.Signer.SignedAttrs); ok {
		res.SigningTime, at = st, st
	}
	roots := x509.NewCertPool()
	for _, c := range t.roots {
		roots.AddCert(c)
	}
	pa, paErr := PassiveAuthentication(sod, dgs, PAOptions{CSCA: roots})
	res.PA = pa
	signer, sigErr := s.verifySignature()
	switch {
	case sigErr != nil:
		add("SOD signature", Failed, sigErr)
	default:
		add("SOD signature", Passed, nil)
	}
	if signer == nil {
		for _, n := range []string{"DS chain", "DS key usage", "document type", "revocation"} {
			add(n, Skipped, errors.New("emrtd: no document signer certificate"))
		}
	} else {
		inter := x509.NewCertPool()
		for _, c := range t.links {
			inter.AddCert(c)
		}
		for _, c := range s.Certificates {
			if c != signer {
				inter.AddCert(c)
			}
		}
		chains, verr := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if verr != nil {
			add("DS chain", Failed, &ChainError{Err: verr})
		} else {
			res.Chain = chains[0]
			add("DS chain", Passed, nil)
		}
		if signer.KeyUsage != 0 && signer.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			add("DS key usage", Failed, fmt.Errorf("emrtd: document signer without digitalSignature: %w", ErrKeyUsage))
		} else {
			add("DS key usage", Passed, nil)
		}
		t.checkDocType(signer, opts, add)
		if res.Chain == nil {
			add("revocation", Skipped, errors.New("emrtd: no verified chain"))
		} else {
			t.checkRevocation(res.Chain, at, opts, add)
		}
	}
	// Hashes, one check per data group, from the PassiveAuthentication run.
	var mism []int
	var hm *HashMismatchError
	for e := range unjoin(paErr) {
		if errors.As(e, &hm) {
			mism = append(mism, hm.DG)
		}
	}
	nums := make([]int, 0, len(dgs))
	for n := range dgs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for _, n := range nums {
		if slices.Contains(mism, n) {
			add(dgName(n)+" hash", Failed, &HashMismatchError{DG: n})
		} else {
			add(dgName(n)+" hash", Passed, nil)
		}
	}
	var errs []error
	for _, c := range res.Checks {
		if c.Outcome == Failed {
			errs = append(errs, fmt.Errorf("%s: %w", c.Name, c.Err))
		}
	}
	return res, errors.Join(errs...)
}

// unjoin iterates over the errors joined in err (or err alone).
func unjoin(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				if !yield(e) {
					return
				}
			}
			return
		}
		yield(err)
	}
}

// checkDocType applies the document type list extension of the signer.
func (t *TrustStore) checkDocType(signer *x509.Certificate, opts VerifyOptions, add func(string, Outcome, error)) {
	var list []string
	found := false
	for _, e := range signer.Extensions {
		if e.Id.String() != OIDDocumentTypeList {
			continue
		}
		found = true
		var v struct {
			Version int
			Types   []string `asn1:"set"`
		}
		if rest, err := asn1.Unmarshal(e.Value, &v); err != nil || len(rest) > 0 {
			add("document type", Failed, fmt.Errorf("emrtd: malformed document type list: %w", ErrDocumentType))
			return
		}
		list = v.Types
	}
	switch {
	case !found:
		add("document type", Skipped, errors.New("emrtd: signer certificate has no document type list"))
	case opts.DocumentCode == "":
		add("document type", Skipped, errors.New("emrtd: no document code given"))
	default:
		code := strings.TrimRight(opts.DocumentCode, "<")
		for _, d := range list {
			if d == code || len(d) == 1 && code != "" && d[0] == code[0] {
				add("document type", Passed, nil)
				return
			}
		}
		add("document type", Failed, fmt.Errorf("emrtd: document code %q not in the signer's list %q: %w", code, list, ErrDocumentType))
	}
}

// checkRevocation looks up each certificate of chain below the root in the
// CRLs of its issuer current at time at.
func (t *TrustStore) checkRevocation(chain []*x509.Certificate, at time.Time, opts VerifyOptions, add func(string, Outcome, error)) {
	if at.IsZero() {
		at = time.Now()
	}
	var missing []string
	for i := 0; i+1 < len(chain); i++ {
		c, issuer := chain[i], chain[i+1]
		have := false
		for _, crl := range t.crls {
			if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			have = true
			for _, r := range crl.RevokedCertificateEntries {
				if r.SerialNumber.Cmp(c.SerialNumber) == 0 && !r.RevocationTime.After(at) {
					add("revocation", Failed, fmt.Errorf("emrtd: %q revoked on %s: %w", c.Subject.CommonName, r.RevocationTime.Format(time.DateOnly), ErrRevoked))
					return
				}
			}
		}
		if !have {
			missing = append(missing, issuer.Subject.CommonName)
		}
	}
	switch {
	case missing == nil:
		add("revocation", Passed, nil)
	case opts.RequireCRL:
		add("revocation", Failed, fmt.Errorf("emrtd: no CRL of %q: %w", missing, ErrNoCRL))
	default:
		add("revocation", Skipped, fmt.Errorf("emrtd: no CRL of %q: %w", missing, ErrNoCRL))
	}
}

// signingTime reads the signing-time attribute (RFC 5652 11.3) from the
// DER signed attributes.
func signingTime(attrs []byte) (time.Time, bool) {
	in := cryptobyte.String(attrs)
	var set cryptobyte.String
	if !in.ReadASN1(&set, cbasn1.SET) {
		return time.Time{}, false
	}
	for !set.Empty() {
		var a, vals cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !set.ReadASN1(&a, cbasn1.SEQUENCE) || !a.ReadASN1ObjectIdentifier(&oid) || !a.ReadASN1(&vals, cbasn1.SET) {
			return time.Time{}, false
		}
		if oid.String() != oidSigningTime {
			continue
		}
		var tm time.Time
		switch {
		case vals.PeekASN1Tag(cbasn1.UTCTime):
			if !vals.ReadASN1UTCTime(&tm) {
				return time.Time{}, false
			}
		case vals.PeekASN1Tag(cbasn1.GeneralizedTime):
			if !vals.ReadASN1GeneralizedTime(&tm) {
				return time.Time{}, false
			}
		default:
			return time.Time{}, false
		}
		return tm, true
	}
	return time.Time{}, false
}
