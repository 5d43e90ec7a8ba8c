package cardsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
)

// EACPKIOptions configures [NewEACPKI]. The zero value is valid.
type EACPKIOptions struct {
	// Rand is the source of the keys and signatures. Nil means
	// crypto/rand; [DeterministicRand] gives reproducible keys.
	Rand io.Reader
	// Country is the ISO 3166 alpha-2 code at the head of every holder
	// reference. Default "IT".
	Country string
	// Date is the effective date of the CVCA and DV certificates. Default
	// 2020-01-01. The CVCA is valid 10 years, the DV 3.
	Date time.Time
}

// EACPKI is a test country verifying CA (CVCA) for EAC terminal
// authentication with a domestic document verifier (DV) that it
// certified, both ECDSA P-256 with SHA-256 (id-TA-ECDSA-SHA-256) and
// generated at run time. Give CVCA to [CIEOptions.CVCA]; issue inspection
// system certificates with [EACPKI.IssueIS].
type EACPKI struct {
	CVCA    []byte // DER CV certificate, self-signed
	CVCAKey *ecdsa.PrivateKey
	DV      []byte // DER CV certificate issued by the CVCA, rights DG3+DG4
	DVKey   *ecdsa.PrivateKey

	rand    io.Reader
	country string
	cvca    *cvc.Certificate
	dv      *cvc.Certificate
}

// genECDSA draws a P-256 key from r (reproducible with [DeterministicRand],
// unlike ecdsa.GenerateKey).
func genECDSA(r io.Reader) (*ecdsa.PrivateKey, error) {
	b, err := readRand(r, 40)
	if err != nil {
		return nil, err
	}
	n := elliptic.P256().Params().N
	d := new(big.Int).Mod(new(big.Int).SetBytes(b), new(big.Int).Sub(n, big.NewInt(1)))
	d.Add(d, big.NewInt(1))
	return ecdsa.ParseRawPrivateKey(elliptic.P256(), d.FillBytes(make([]byte, 32)))
}

// NewEACPKI generates a CVCA and a domestic DV (holder references
// "<country>CVCA00001" and "<country>DV000001").
func NewEACPKI(opts EACPKIOptions) (*EACPKI, error) {
	p := &EACPKI{rand: randOrDefault(opts.Rand), country: opts.Country}
	if p.country == "" {
		p.country = "IT"
	}
	date := opts.Date
	if date.IsZero() {
		date = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var err error
	if p.CVCAKey, err = genECDSA(p.rand); err != nil {
		return nil, err
	}
	if p.DVKey, err = genECDSA(p.rand); err != nil {
		return nil, err
	}
	cvca := &cvc.Certificate{
		CAR: p.country + "CVCA00001", CHR: p.country + "CVCA00001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleCVCA, Rights: cvc.ReadDG3 | cvc.ReadDG4,
		EffectiveDate: date, ExpirationDate: date.AddDate(10, 0, -1),
	}
	if p.CVCA, err = cvc.Create(p.rand, cvca, &p.CVCAKey.PublicKey, nil, p.CVCAKey); err != nil {
		return nil, err
	}
	if p.cvca, err = cvc.Parse(p.CVCA); err != nil {
		return nil, err
	}
	dv := &cvc.Certificate{
		CAR: cvca.CHR, CHR: p.country + "DV000001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleDVDomestic, Rights: cvc.ReadDG3 | cvc.ReadDG4,
		EffectiveDate: date, ExpirationDate: date.AddDate(3, 0, -1),
	}
	if p.DV, err = cvc.Create(p.rand, dv, &p.DVKey.PublicKey, p.cvca, p.CVCAKey); err != nil {
		return nil, err
	}
	if p.dv, err = cvc.Parse(p.DV); err != nil {
		return nil, err
	}
	if err := p.dv.CheckSignatureFrom(p.cvca); err != nil {
		return nil, err
	}
	return p, nil
}

// IssueIS generates an inspection system key and has the DV certify it
// with holder reference "<country><mnemonic>" (mnemonic up to 14
// characters, e.g. "WS00001"), the given rights, effective on from and
// valid for days days (TR-03110 suggests 1 to 31). It returns the
// terminal's chain for [emrtd.TAOptions.Certificates] (DV, IS) and its key.
func (p *EACPKI) IssueIS(mnemonic string, rights cvc.Rights, from time.Time, days int) ([][]byte, *ecdsa.PrivateKey, error) {
	if days < 1 {
		return nil, nil, errors.New("cardsim: IssueIS: days must be at least 1")
	}
	key, err := genECDSA(p.rand)
	if err != nil {
		return nil, nil, err
	}
	is := &cvc.Certificate{
		CAR: p.dv.CHR, CHR: p.country + mnemonic, KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleIS, Rights: rights,
		EffectiveDate: from, ExpirationDate: from.AddDate(0, 0, days-1),
	}
	der, err := cvc.Create(p.rand, is, &key.PublicKey, p.dv, p.DVKey)
	if err != nil {
		return nil, nil, err
	}
	return [][]byte{p.DV, der}, key, nil
}

// taSession is the part of a session terminal authentication binds to.
type taSession struct {
	idPICC []byte // ID_PICC: document number (BAC) or Comp of the PACE key
	caComp []byte // Comp of the terminal's chip authentication key; nil before CA
}

// newSM records a new BAC or PACE session: terminal authentication starts
// over.
func (c *CIE) newSM(idPICC []byte) {
	c.s.ta = taSession{idPICC: idPICC}
	if c.ta != nil {
		c.ta.Reset()
	}
}

// taRights returns the rights terminal authentication granted in this
// secure-messaging session.
func (c *CIE) taRights() cvc.Rights {
	if c.ta == nil || c.s.sm == nil || c.s.ta.caComp == nil {
		return 0
	}
	return c.ta.Rights()
}

// taReady reports whether terminal authentication may run: in the eMRTD
// application, under the secure messaging of chip authentication.
func (c *CIE) taReady() bool {
	return c.ta != nil && c.s.sm != nil && c.s.cur == c.emrtd && c.s.ta.caComp != nil
}

// taMSE handles MSE:SET DST (81 B6) and MSE:SET AT for external
// authentication (81 A4).
func (c *CIE) taMSE(cmd scard.Command) scard.Response {
	if !c.taReady() {
		return sw(scard.SWConditionsNotSatisfied)
	}
	var err error
	if cmd.P2 == 0xB6 {
		err = c.ta.SetDST(cmd.Data)
	} else {
		err = c.ta.SetAT(cmd.Data)
	}
	return taStatus(err)
}

// pso handles PSO:VERIFY CERTIFICATE (00 2A 00 BE).
func (c *CIE) pso(cmd scard.Command) scard.Response {
	if cmd.P1 != 0x00 || cmd.P2 != 0xBE {
		return sw(scard.SWIncorrectP1P2)
	}
	if !c.taReady() {
		return sw(scard.SWConditionsNotSatisfied)
	}
	return taStatus(c.ta.VerifyCertificate(cmd.Data))
}

// taChallenge answers GET CHALLENGE inside terminal authentication.
func (c *CIE) taChallenge(cmd scard.Command) (scard.Response, bool) {
	if !c.taReady() {
		return scard.Response{}, false
	}
	if cmd.Ne != 8 {
		return scard.Response{}, false
	}
	r, ok1, err := c.ta.Challenge(c.rand)
	if !ok1 {
		return scard.Response{}, false
	}
	if err != nil {
		return sw(scard.SWUnknown), true
	}
	return ok(r), true
}

// taExternalAuthenticate handles EXTERNAL AUTHENTICATE with the terminal's
// signature.
func (c *CIE) taExternalAuthenticate(cmd scard.Command) scard.Response {
	if !c.taReady() {
		return sw(scard.SWConditionsNotSatisfied)
	}
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	return taStatus(c.ta.ExternalAuthenticate(cmd.Data, c.s.ta.idPICC, c.s.ta.caComp))
}

// taStatus maps the TA chip's errors to the status words of an eMRTD
// chip (TR-03110 part 3, B.11; ISO/IEC 7816-4 5.6).
func taStatus(err error) scard.Response {
	switch {
	case err == nil:
		return ok(nil)
	case errors.Is(err, emrtd.ErrTAReference):
		return sw(scard.SWRefDataNotFound) // 6A88
	case errors.Is(err, emrtd.ErrTAOrder):
		return sw(scard.SWConditionsNotSatisfied) // 6985
	case errors.Is(err, cvc.ErrSignature):
		return sw(scard.SWNoInformation) // 6300: verification failed
	case errors.Is(err, emrtd.ErrTACertificate):
		return sw(scard.SWWrongData) // 6A80
	}
	return sw(scard.SWUnknown)
}

// TerminalDate returns the chip's current date for terminal
// authentication (TR-03110 part 3, 2.5), which accepted domestic
// certificates move forward; zero if the card has no CVCA.
func (c *CIE) TerminalDate() time.Time {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	if c.ta == nil {
		return time.Time{}
	}
	return c.ta.Date()
}

func (c *CIE) initTA(cfg CIEOptions) error {
	if len(cfg.CVCA) == 0 {
		return nil
	}
	date := cfg.TerminalDate
	if date.IsZero() {
		date = cfg.Document.DateOfIssue
	}
	ta, err := emrtd.NewTAChip(date, cfg.CVCA...)
	if err != nil {
		return fmt.Errorf("cardsim: CIEOptions.CVCA: %w", err)
	}
	c.ta = ta
	return nil
}

// String names the CVCA; the keys are never printed.
func (p EACPKI) String() string {
	car := ""
	if p.cvca != nil {
		car = p.cvca.CHR
	}
	return fmt.Sprintf("cardsim.EACPKI(CVCA %q, keys redacted)", car)
}

// Format prints [EACPKI.String] under every verb.
func (p EACPKI) Format(f fmt.State, _ rune) { io.WriteString(f, p.String()) }

// GoString is [EACPKI.String], for %#v.
func (p EACPKI) GoString() string { return p.String() }

// LogValue is [EACPKI.String], for log/slog.
func (p EACPKI) LogValue() slog.Value { return slog.StringValue(p.String()) }

// MarshalJSON encodes [EACPKI.String], so that encoding/json (and slog's
// JSON handler) cannot reach the keys through the exported fields.
func (p EACPKI) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }
