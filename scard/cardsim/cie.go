package cardsim

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/ciekit/ciekit/scard/ias"
)

// defaultATR is the contactless pseudo-ATR of a Gemalto CIE 3.0 as a PC/SC
// reader reports it.
var defaultATR = []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x00, 0x11, 0x12, 0x0F, 0xFF, 0x82, 0x90, 0x00, 0x8A}

// Default PIN and PUK of a simulated CIE (8 digits each, as on real cards).
const (
	DefaultPIN = "12345678"
	DefaultPUK = "87654321"
)

// Retry counters of a real CIE: 3 for the PIN, 10 for the PUK.
const (
	PINTries = 3
	PUKTries = 10
)

// CIEOptions describes the simulated card. Give the personal data either as
// a cie.Card model (Card) or field by field (MRZ, Personal, Document, CAN);
// the rest have documented defaults.
type CIEOptions struct {
	// Card is the model the chip is personalised from, as the issuing
	// software does: when set, it provides MRZ (cie.EncodeMRZ), Personal
	// ([DG11From]), Document ([DG12From]) and CAN,
	// wherever those fields are left empty.
	Card *cie.Card
	// MRZ is the machine-readable zone, its lines separated by line
	// breaks or in one piece: TD1 (3 lines of 30 characters, the CIE's), or
	// TD2 (2 of 36) or TD3 (2 of 44) to play another kind of document. It
	// feeds DG1 and the BAC/PACE MRZ key. It must be one a document could
	// carry, valid for [cie.ParseAnyMRZ] (line lengths, alphabet, document
	// code, dates, every check digit); NewCIE refuses any other with an
	// error wrapping the [*cie.MRZError] that names the line, position and
	// field, and [scard.ErrInvalidKey]. Required unless Card is set.
	MRZ string
	// Personal is DG11. Document is DG12. They are encoded with the one LDS
	// model of scard/emrtd, the one the reader decodes with.
	Personal emrtd.DG11
	Document emrtd.DG12
	// CAN is the 6-digit card access number, the PACE password
	// ([emrtd.NewCAN]). Required unless Card is set.
	CAN emrtd.CAN

	// Photo is the DG2 facial image (JPEG 2000 on a real CIE; any bytes
	// here). PhotoType, PhotoWidth and PhotoHeight describe it.
	Photo                   []byte
	PhotoType               emrtd.ImageFormat
	PhotoWidth, PhotoHeight int
	// Fingerprints are the two DG3 biometric data blocks (ISO/IEC 19794-4
	// finger image records on a real CIE; stored as given). DG3 is listed
	// in EF.COM and hashed in EF.SOD but, as on a real CIE, can be read
	// only after EAC terminal authentication granting the DG3 right:
	// before, reading it gives 6982. Empty records are left out (a card
	// without fingerprints has a DG3 with no data block).
	Fingerprints [2][]byte
	// CVCA are the trust points of terminal authentication (DER CV
	// certificates of the country verifying CA, see [NewEACPKI]). Nil:
	// the card accepts no terminal, and DG3 is never readable.
	CVCA [][]byte
	// TerminalDate is the chip's initial current date for terminal
	// authentication; zero means Document.DateOfIssue.
	TerminalDate time.Time

	// NIS is the 12-digit ID_Servizi. Default: 12 digits from Rand.
	NIS string
	// SNICCWithNIS writes the NIS into EF.SN.ICC (MF D003): bytes 5 to 10
	// of its 12 hold the 12 digits in BCD (NIS 123456789012: 12 34 56 78
	// 90 12); the other 6 stay random. The official CIE middleware files a
	// card's enrolment under the NIS and looks it up under the hex of
	// those bytes, so real cards are inferred to be made so (scard/ias
	// README.md, "EF.SN.ICC and the NIS"; not confirmed by a dump of a
	// real card). Default false: all 12 bytes random, the card the
	// committed middleware sessions (scripts/interop-cie-middleware) were
	// recorded with. Either way the random bytes are drawn alike, so the
	// rest of the card does not change.
	SNICCWithNIS bool
	// PIN and PUK are 8 digits. Zero values mean DefaultPIN and DefaultPUK.
	PIN scard.PIN
	PUK scard.PUK

	// PKI signs EF.SOD and the IAS SOD and issues the CIE certificate.
	// Nil means a new PKI from Rand with KeyBits.
	PKI *PKI
	// KeyBits is the size of the chip's RSA keys (and of a generated PKI).
	// Default 2048; at least 1024.
	KeyBits int
	// Rand is the source of keys, challenges and nonces. Nil means
	// crypto/rand; [DeterministicRand] makes the card reproducible.
	Rand io.Reader
	// ECDH additionally offers PACE ECDH Generic Mapping with AES-128 and
	// P-256 in EF.CardAccess (real CIEs offer only DH).
	ECDH bool
	// PACEInfos, if set, replaces the PACE protocols the card offers in
	// EF.CardAccess and DG14 (and ECDH), to play a document other than a
	// CIE: any protocol emrtd.PACESupported accepts (Generic, Integrated
	// or Chip Authentication Mapping). [PACEIntegratedMapping] and
	// [PACEChipAuthenticationMapping] give the usual choices. With Chip
	// Authentication Mapping the card gets an ECDH chip authentication key
	// on the protocol's curve, listed in DG14 and in a signed
	// EF.CardSecurity (MF 011D, readable after PACE). Nil: the CIE's.
	PACEInfos []emrtd.PACEInfo
	// ATR is the answer to reset, 2 to 33 bytes starting with 3B or 3F.
	// Default: 3B 8F 80 01 80 31 80 65 B0 85 04 00 11 12 0F FF 82 90 00 8A,
	// the pseudo-ATR a PC/SC contactless reader reports for a Gemalto CIE.
	ATR []byte
	// Latency delays every response, like a slow contactless link. The
	// wait honours ctx and card removal.
	Latency time.Duration
	// ActiveAuthentication, if set (an *rsa.PrivateKey or
	// *ecdsa.PrivateKey), gives the eMRTD application DG15 with its public
	// key, listed in EF.COM and hashed in EF.SOD, and INTERNAL
	// AUTHENTICATE answers active authentication (ICAO Doc 9303-11 6.1)
	// there: ISO/IEC 9796-2 with SHA-1 for RSA, plain ECDSA over SHA-256.
	// The CIE itself has no active authentication; this plays other
	// documents (passports) that do.
	ActiveAuthentication crypto.Signer
	// PSS signs EF.SOD and the IAS SOD with SHA-512 and RSASSA-PSS (salt
	// 64 bytes, less with test keys under 1040 bits), as newer CIEs do; the default is SHA-256 with RSA PKCS#1
	// v1.5. PSS signatures are randomised, so such cards are not
	// byte-for-byte reproducible.
	PSS bool
	// ExactLe makes a plain READ BINARY whose Le asks for more bytes than
	// remain answer 6Cxx with the exact count (ISO/IEC 7816-4 5.1.3), as
	// some IAS chips do, instead of returning the shorter data with 9000.
	ExactLe bool
}

// CIE is a virtual CIE 3.0 chip that answers command APDUs like a real
// card: the eMRTD application with BAC, PACE and secure messaging, and the
// IAS application with the NIS, internal authentication, the CIE
// certificate and PIN/PUK with retry counters.
//
// It implements [scard.Transmitter]. All keys are generated at run time.
// A CIE is safe for concurrent use by multiple goroutines; exchanges are
// serialised as on a real card.
type CIE struct {
	dev device
	aa

	mrzKey  emrtd.MRZKey
	can     emrtd.CAN
	ecdh    bool
	pace    pace // CIEOptions.PACEInfos
	exactLe bool
	// plainSMErrors: the eMRTD application answers error status words
	// under secure messaging in plain (SetPlainSMErrors).
	plainSMErrors bool
	// shortOnly: extended-length APDUs are refused before secure
	// messaging (SetShortAPDUOnly).
	shortOnly bool
	rand      io.Reader
	pki       *PKI

	mf, emrtd, ias, ciedf *df

	servKey *rsa.PrivateKey // SDO 0x83, NIS internal authentication
	ta      *emrtd.TAChip   // terminal authentication; nil without CVCA
	authKey *rsa.PrivateKey // key 0x81, behind the CIE certificate
	intKey  *rsa.PrivateKey // EF.Int.Kpub 1004
	cert    *x509.Certificate
	nis     string
	caKey   *emrtd.CAKey // chip authentication (DG14)

	pin, puk *refData

	iasca   *iasCA  // IAS external-authentication CA key, made on first use
	iasSeed [8]byte // its seed

	s session
}

// session is the volatile state lost on reset or removal.
// aa holds the active authentication key of a CIE that plays a document
// with DG15 (CIEOptions.ActiveAuthentication).
type aa struct {
	aaKey  crypto.Signer
	aaHash crypto.Hash
}

type session struct {
	cur      *df
	curEF    *ef
	sm       *scard.SecureMessaging
	nextSM   *scard.SecureMessaging // installed after answering (chip authentication)
	bac      *emrtd.BACChip
	pace     *emrtd.PACEChip
	chain    []byte
	chainINS byte
	chaining bool
	pending  []byte // data left for GET RESPONSE
	mseKey   byte   // key selected by MSE:SET AT for INTERNAL AUTHENTICATE
	pinOK    bool
	pukOK    bool
	iasc     *iasChannel // IAS secure channel (iaschannel.go)
	ta       taSession   // terminal authentication (ta.go)
}

var _ scard.Transmitter = (*CIE)(nil)

// Format prints "cardsim.CIE(redacted)" for every verb: a CIE holds the
// PIN, PUK, CAN and MRZ key, its private keys and its random source (whose
// state, with [DeterministicRand], predicts every later key and nonce).
func (c *CIE) Format(f fmt.State, _ rune) { io.WriteString(f, "cardsim.CIE(redacted)") }

// LogValue returns a redaction, for log/slog.
func (c *CIE) LogValue() slog.Value { return slog.StringValue("cardsim.CIE(redacted)") }

// MarshalJSON returns a redaction.
func (c *CIE) MarshalJSON() ([]byte, error) { return []byte(`"cardsim.CIE(redacted)"`), nil }

// NewCIE builds a simulated CIE: it generates the chip keys (and a PKI if
// cfg.PKI is nil), encodes the data groups and signs EF.SOD and the IAS SOD.
// Errors name the configuration field at fault, or come from Rand.
func NewCIE(cfg CIEOptions) (*CIE, error) {
	c := &CIE{ecdh: cfg.ECDH, exactLe: cfg.ExactLe, rand: randOrDefault(cfg.Rand)}
	if cfg.Card != nil {
		if err := fromCard(&cfg); err != nil {
			return nil, err
		}
	}
	// A chip carries the MRZ printed on its document: a TD1, TD2 or TD3
	// with the right line lengths and check digits. A malformed one would
	// give the chip an access key no reader derives from the document.
	if strings.TrimSpace(cfg.MRZ) == "" {
		return nil, errors.New("cardsim: CIEOptions.MRZ (or Card) is required")
	}
	parsed, err := cie.ParseAnyMRZ(cfg.MRZ)
	if err != nil {
		return nil, fmt.Errorf("cardsim: CIEOptions.MRZ: %w (%w)", err, scard.ErrInvalidKey)
	}
	mrz := strings.Join(strings.Fields(cfg.MRZ), "")
	// The key comes from the one MRZ layout code (cie via emrtd), long
	// document numbers included.
	c.mrzKey = emrtd.MRZKeyFromCIE(parsed)
	if _, err := c.mrzKey.Info(); err != nil {
		return nil, fmt.Errorf("cardsim: CIEOptions.MRZ: %w", err)
	}
	if cfg.CAN.IsZero() {
		return nil, errors.New("cardsim: CIEOptions.CAN is required")
	}
	c.can = cfg.CAN
	pin, puk := cfg.PIN.Bytes(), cfg.PUK.Bytes()
	if cfg.PIN.IsZero() {
		pin = []byte(DefaultPIN)
	}
	if cfg.PUK.IsZero() {
		puk = []byte(DefaultPUK)
	}
	if !validPIN(pin) || !validPIN(puk) {
		return nil, errors.New("cardsim: CIEOptions.PIN and PUK must be 8 digits")
	}
	c.pin, c.puk = newRefData(pin, PINTries), newRefData(puk, PUKTries)
	bits := cfg.KeyBits
	if bits == 0 {
		bits = 2048
	}
	if bits < 1024 {
		return nil, fmt.Errorf("cardsim: CIEOptions.KeyBits %d, want at least 1024", bits)
	}
	c.pki = cfg.PKI
	if c.pki == nil {
		if c.pki, err = NewPKI(PKIOptions{Rand: c.rand, KeyBits: bits}); err != nil {
			return nil, err
		}
	}
	c.nis = cfg.NIS
	if c.nis == "" {
		b, err := readRand(c.rand, 12)
		if err != nil {
			return nil, err
		}
		for i := range b {
			b[i] = '0' + b[i]%10
		}
		c.nis = string(b)
	}
	if len(c.nis) != 12 || !digits(c.nis) {
		return nil, errors.New("cardsim: CIEOptions.NIS must be 12 digits")
	}
	serial, err := readRand(c.rand, 12)
	if err != nil {
		return nil, err
	}
	for _, k := range []**rsa.PrivateKey{&c.servKey, &c.authKey, &c.intKey} {
		if *k, err = generateRSA(c.rand, bits); err != nil {
			return nil, err
		}
	}
	if c.caKey, err = emrtd.NewCAKey(emrtd.ParamDH2048256, c.rand); err != nil {
		return nil, err
	}
	if err := c.setupPACE(cfg.PACEInfos); err != nil {
		return nil, err
	}
	cardAccess, dg14, cardSecurity, err := c.paceFiles(func(entries [][]byte) ([]byte, error) {
		return emrtd.CreateCardSecurity(entries, c.pki.DocumentSigner, c.pki.DocumentSignerKey, emrtd.SODOptions{Hash: crypto.SHA256, Rand: c.rand})
	})
	if err != nil {
		return nil, err
	}
	name := cfg.Personal.FullName
	if name == "" {
		name = "CIE " + c.nis
	}
	c.cert, err = issue(c.rand, &x509.Certificate{
		Subject:  pkix.Name{Country: []string{"IT"}, CommonName: strings.ReplaceAll(strings.ReplaceAll(name, "<<", " "), "<", " "), SerialNumber: cfg.Personal.PersonalNumber},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}, c.pki.CSCA, &c.authKey.PublicKey, c.pki.CSCAKey)
	if err != nil {
		return nil, err
	}
	atr, err := checkATR(cfg.ATR, defaultATR)
	if err != nil {
		return nil, err
	}

	// eMRTD application.
	dg, err := c.withAA(cfg, map[int][]byte{
		1:  emrtd.MarshalDG1(mrz),
		2:  emrtd.MarshalDG2(emrtd.FaceImage{Format: cfg.PhotoType, Width: cfg.PhotoWidth, Height: cfg.PhotoHeight, Data: cfg.Photo}),
		3:  emrtd.MarshalDG3(cfg.Fingerprints[0], cfg.Fingerprints[1]),
		11: cfg.Personal.Marshal(),
		12: cfg.Document.Marshal(),
		14: dg14,
	})
	if err != nil {
		return nil, err
	}
	sodOpts := emrtd.SODOptions{Hash: crypto.SHA256, Rand: c.rand}
	if cfg.PSS {
		sodOpts.Hash, sodOpts.PSS = crypto.SHA512, true
	}
	sod, err := emrtd.CreateSOD(dg, c.pki.DocumentSigner, c.pki.DocumentSignerKey, sodOpts)
	if err != nil {
		return nil, err
	}
	com := &emrtd.COM{LDSVersion: "0107", UnicodeVersion: "040000", DataGroups: []int{1, 2, 3, 11, 12, 14}}
	if dg[15] != nil {
		com.DataGroups = append(com.DataGroups, 15)
	}
	c.emrtd = &df{name: "eMRTD", aid: emrtd.AID(), efs: []*ef{
		{fid: 0x011E, sfi: 0x1E, data: com.Marshal(), read: accessSM},
		{fid: 0x0101, sfi: 0x01, data: dg[1], read: accessSM},
		{fid: 0x0102, sfi: 0x02, data: dg[2], read: accessSM},
		{fid: 0x0103, sfi: 0x03, data: dg[3], read: accessDG3},
		{fid: 0x010B, sfi: 0x0B, data: dg[11], read: accessSM},
		{fid: 0x010C, sfi: 0x0C, data: dg[12], read: accessSM},
		{fid: 0x010E, sfi: 0x0E, data: dg[14], read: accessSM},
		{fid: 0x011D, sfi: 0x1D, data: sod, read: accessSM},
	}}
	if dg[15] != nil {
		c.emrtd.efs = append(c.emrtd.efs, &ef{fid: 0x010F, sfi: 0x0F, data: dg[15], read: accessSM})
	}

	// Master file.
	dhParams, err := asn1.Marshal(struct{ P, G, Q *big.Int }{dhP, dhG, dhQ})
	if err != nil {
		return nil, err
	}
	c.mf = &df{name: "MF", fid: 0x3F00, efs: []*ef{
		{fid: 0x2F01, sfi: 0x1D, data: append([]byte(nil), atr...)},
		{fid: 0xD003, data: c.snICC(serial, cfg.SNICCWithNIS)},
		{fid: 0xD004, sfi: 0x1B, data: dhParams},
		{fid: 0x011C, sfi: 0x1C, data: cardAccess},
	}}
	if cardSecurity != nil {
		c.mf.efs = append(c.mf.efs, &ef{fid: emrtd.FIDCardSecurity, data: cardSecurity, read: accessSM})
	}

	// IAS application and CIE DF.
	servPub := x509.MarshalPKCS1PublicKey(&c.servKey.PublicKey)
	intPub := x509.MarshalPKCS1PublicKey(&c.intKey.PublicKey)
	iasSOD, err := emrtd.CreateSOD(map[int][]byte{
		0xA1: []byte(c.nis), 0xA2: serial[:9], 0xA3: c.cert.Raw, 0xA4: intPub, 0xA5: servPub, 0x1B: dhParams,
	}, c.pki.DocumentSigner, c.pki.DocumentSignerKey, sodOpts)
	if err != nil {
		return nil, err
	}
	c.ias = &df{name: "IAS", aid: ias.AID()}
	c.ciedf = &df{name: "CIE", aid: ias.AIDCIE(), efs: []*ef{
		{fid: 0x1001, sfi: 0x01, data: []byte(c.nis)},
		{fid: 0x1002, sfi: 0x02, data: serial},
		{fid: 0x1003, sfi: 0x03, data: c.cert.Raw, read: accessPIN},
		{fid: 0x1004, sfi: 0x04, data: intPub},
		{fid: 0x1005, sfi: 0x05, data: servPub},
		{fid: 0x1006, sfi: 0x06, data: iasSOD},
	}}

	c.iasSeed = iasSeed(c.intKey) // not from Rand: recorded transcripts keep their nonces
	if err := c.initTA(cfg); err != nil {
		return nil, err
	}
	c.dev.init(atr, cfg.Latency)
	c.resetSession()
	return c, nil
}

// snICC returns the content of EF.SN.ICC: a copy of the 12 random bytes
// r, with bytes 5 to 10 replaced by the NIS in BCD when withNIS is set
// (CIEOptions.SNICCWithNIS).
func (c *CIE) snICC(r []byte, withNIS bool) []byte {
	sn := append([]byte(nil), r...)
	if withNIS {
		for i := range 6 {
			sn[5+i] = (c.nis[2*i]-'0')<<4 | (c.nis[2*i+1] - '0')
		}
	}
	return sn
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (c *CIE) resetSession() {
	c.s.iasc.close()
	c.s = session{cur: c.mf}
	c.newSM(nil)
}

// Transmit sends one command APDU to the card and returns the response
// APDU. It returns [scard.ErrCardRemoved] if the card is out of the reader
// or is pulled before the answer, and ctx.Err() if ctx ends first. Card
// errors are status words in the response, never Go errors.
func (c *CIE) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	return c.dev.transmit(ctx, capdu, c.process)
}

// ATR returns a copy of the answer to reset.
func (c *CIE) ATR() []byte { return c.dev.atrCopy() }

// Reset is a warm reset: secure messaging, selections and verified PINs
// are lost; retry counters persist.
func (c *CIE) Reset() {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	c.resetSession()
}

// Remove pulls the card from the reader: a Transmit waiting for its answer
// and every later one return [scard.ErrCardRemoved] until Insert.
func (c *CIE) Remove() { c.dev.remove() }

// RemoveAfter arranges for the card to be pulled while it processes the
// n-th next command (n >= 1), so that tests can cut a read at an exact
// point. n <= 0 cancels.
func (c *CIE) RemoveAfter(n int) { c.dev.setRemoveAfter(n) }

// Insert puts the card back and powers it: a fresh session.
func (c *CIE) Insert() {
	c.dev.insert()
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	c.resetSession()
}

// Present reports whether the card is in the reader.
func (c *CIE) Present() bool { return c.dev.isPresent() }

// SetLatency changes the delay before each response.
func (c *CIE) SetLatency(d time.Duration) { c.dev.setLatency(d) }

// PKI returns the CSCA and document signer that signed the card's security
// objects.
func (c *CIE) PKI() *PKI { return c.pki }

// NIS returns the card's 12-digit ID_Servizi.
func (c *CIE) NIS() string { return c.nis }

// Certificate returns the CIE authentication certificate (EF 1003).
func (c *CIE) Certificate() *x509.Certificate { return c.cert }

// NISPublicKey returns the public half of the internal-authentication key
// 0x83, whose DER form is EF 1005.
func (c *CIE) NISPublicKey() *rsa.PublicKey { return &c.servKey.PublicKey }

// Retries returns the tries left for the PIN and the PUK.
func (c *CIE) Retries() (pin, puk int) {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	return c.pin.left, c.puk.left
}

// DataGroup returns a copy of the stored content of data group n (1, 2, 3,
// 11, 12, 14), or nil if the card has no such group.
func (c *CIE) DataGroup(n int) []byte {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	if e := c.emrtd.byFID(0x0100 | uint16(n)); n > 0 && n < 32 && e != nil {
		return append([]byte(nil), e.data...)
	}
	return nil
}

// SetDataGroup replaces the content of data group n without re-signing
// EF.SOD, as a forged chip would: passive authentication must then fail
// for that group. It returns an error if the card has no such group.
func (c *CIE) SetDataGroup(n int, data []byte) error {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	if n <= 0 || n >= 32 || n == 0x1D || n == 0x1E {
		return fmt.Errorf("cardsim: no data group %d", n)
	}
	e := c.emrtd.byFID(0x0100 | uint16(n))
	if e == nil {
		return fmt.Errorf("cardsim: no data group %d", n)
	}
	e.data = append([]byte(nil), data...)
	return nil
}

// CloneFrom turns c into a clone of src as a skimmer would make one: it
// copies the eMRTD files (EF.COM, the data groups, EF.SOD) and the access
// keys (MRZ, CAN) but keeps c's own chip authentication key, which cannot
// be read out of a chip. Passive authentication of the clone passes; chip
// authentication fails. Cloning a card from itself does nothing.
func (c *CIE) CloneFrom(src *CIE) {
	if src == c {
		return
	}
	src.dev.xmu.Lock()
	files := make([]*ef, len(src.emrtd.efs))
	for i, e := range src.emrtd.efs {
		cp := *e
		cp.data = append([]byte(nil), e.data...)
		files[i] = &cp
	}
	key, can := src.mrzKey, src.can
	src.dev.xmu.Unlock()
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	c.emrtd.efs = files
	c.mrzKey, c.can = key, can
	c.resetSession()
}

// maxChain bounds the data accumulated over a command chain.
const maxChain = 1 << 16

// process handles one command APDU with the device lock held. It never
// panics and always answers with at least a status word.
func (c *CIE) process(capdu []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			// A bug in the simulator must not take the test process down;
			// a real card answers 6F00 to whatever confuses it.
			c.s.sm = nil
			out = []byte{0x6F, 0x00}
		}
	}()
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return sw(scard.SWWrongLength).Bytes()
	}
	if c.shortOnly && extendedAPDU(capdu) {
		// Refused by the transport layer: no SM check, no SSC step,
		// the session and the selection stay as they were.
		return sw(scard.SWWrongLength).Bytes()
	}
	if cmd.CLA == 0xFF || cmd.CLA&0x80 != 0 {
		return sw(scard.SWClaNotSupported).Bytes()
	}
	if cmd.CLA&0x03 != 0 || cmd.CLA&0x60 != 0 {
		return sw(0x6881).Bytes() // logical channel not supported
	}
	// GET RESPONSE is never protected; the middleware sends it with CLA 0C
	// after 6100 (IAS::getResp_SM).
	if cmd.INS == scard.InsGetResponse && cmd.CLA&^scard.ClaSM == 0 && len(cmd.Data) == 0 {
		return getResponse(&c.s.pending, cmd)
	}
	c.s.pending = nil
	var r scard.Response
	if cmd.CLA&scard.ClaSM != 0 {
		c.iasStartSM()
		if c.s.sm == nil {
			return sw(scard.SWSMObjectsIncorrect).Bytes()
		}
		plain, err := c.s.sm.UnwrapCommand(cmd)
		if err != nil {
			c.s.sm = nil
			return sw(scard.SWSMObjectsIncorrect).Bytes()
		}
		sm := c.s.sm
		r = c.exec(plain)
		if c.s.sm != sm || sm == nil || c.iasPlainStatus(r.SW) || c.emrtdPlainStatus(r) {
			// The command replaced or ended the session: answer in plain.
			return c.outer(cmd, r)
		}
		w, err := sm.WrapResponse(r)
		if err != nil {
			c.s.sm = nil
			return sw(scard.SWUnknown).Bytes()
		}
		r = w
		if c.s.nextSM != nil {
			// Chip authentication: answered under the old session, the
			// new one starts with the next command.
			c.s.sm, c.s.nextSM = c.s.nextSM, nil
		}
	} else {
		// A plain command ends any secure-messaging session (ICAO 9303-11 9.8.6).
		c.s.sm = nil
		c.iasPlainCommand()
		r = c.exec(cmd)
	}
	return c.outer(cmd, r)
}

// outer applies the transport rules to the final response (see
// outerResponse).
func (c *CIE) outer(cmd scard.Command, r scard.Response) []byte {
	return outerResponse(&c.s.pending, cmd, r)
}

// exec runs a plain (or unwrapped) command.
func (c *CIE) exec(cmd scard.Command) scard.Response {
	if cmd.INS == scard.InsGeneralAuthenticate {
		// PACE steps are chained one per command, not split data.
		c.s.chain, c.s.chaining = nil, false
		return c.generalAuthenticate(cmd, cmd.CLA&scard.ClaChaining != 0)
	}
	if cmd.CLA&scard.ClaChaining != 0 {
		if c.s.chaining && c.s.chainINS != cmd.INS {
			c.s.chain, c.s.chaining = nil, false
			return sw(0x6883) // last command of the chain expected
		}
		if len(c.s.chain)+len(cmd.Data) > maxChain {
			c.s.chain, c.s.chaining = nil, false
			return sw(scard.SWWrongLength)
		}
		c.s.chain = append(c.s.chain, cmd.Data...)
		c.s.chainINS, c.s.chaining = cmd.INS, true
		return ok(nil)
	}
	if c.s.chaining {
		if c.s.chainINS == cmd.INS {
			cmd.Data = append(c.s.chain, cmd.Data...)
		}
		c.s.chain, c.s.chaining = nil, false
	}
	switch cmd.INS {
	case scard.InsSelect:
		return c.selectFile(cmd)
	case scard.InsReadBinary, scard.InsReadBinaryOdd:
		return c.readBinary(cmd)
	case scard.InsGetChallenge:
		return c.getChallenge(cmd)
	case scard.InsExternalAuthenticate:
		if c.iasSM() {
			return c.iasExternalAuthenticate(cmd)
		}
		return c.mutualAuthenticate(cmd)
	case scard.InsManageSecurityEnvironment:
		return c.mse(cmd)
	case scard.InsInternalAuthenticate:
		if c.s.cur == c.emrtd && c.aaKey != nil {
			return c.activeAuthenticate(cmd)
		}
		return c.internalAuthenticate(cmd)
	case scard.InsGetData:
		return c.iasGetData(cmd)
	case scard.InsPerformSecurityOperation:
		if c.s.cur == c.emrtd { // terminal authentication (ta.go)
			return c.pso(cmd)
		}
		return c.iasVerifyCertificate(cmd) // IAS DAPP (iaschannel.go)
	case scard.InsVerify:
		if !c.iasAuthenticated() && c.s.cur != c.emrtd {
			return sw(scard.SWSecurityStatusNotSatisfied) // PIN commands only in the IAS channel
		}
		return c.verify(cmd)
	case scard.InsChangeReferenceData, scard.InsResetRetryCounter:
		if !c.iasAuthenticated() {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
		if cmd.INS == scard.InsChangeReferenceData {
			return c.changeReference(cmd)
		}
		return c.resetRetryCounter(cmd)
	case scard.InsUpdateBinary:
		return sw(scard.SWSecurityStatusNotSatisfied)
	case scard.InsGetResponse:
		return sw(scard.SWConditionsNotSatisfied)
	}
	return sw(scard.SWInsNotSupported)
}

func (c *CIE) selectFile(cmd scard.Command) scard.Response {
	var (
		d *df
		e *ef
	)
	switch cmd.P1 {
	case 0x00: // MF or EF/DF by FID
		if len(cmd.Data) == 0 || (len(cmd.Data) == 2 && cmd.Data[0] == 0x3F && cmd.Data[1] == 0x00) {
			d = c.mf
			break
		}
		if len(cmd.Data) != 2 {
			return sw(scard.SWWrongLength)
		}
		e = c.findEF(uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1]))
	case 0x02: // EF under the current DF
		if len(cmd.Data) != 2 {
			return sw(scard.SWWrongLength)
		}
		e = c.findEF(uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1]))
	case 0x04: // DF name (AID)
		for _, x := range []*df{c.emrtd, c.ias, c.ciedf} {
			if string(x.aid) == string(cmd.Data) {
				d = x
			}
		}
	case 0x08: // path from the MF
		if len(cmd.Data) != 2 && len(cmd.Data) != 4 {
			return sw(scard.SWWrongLength)
		}
		fid := uint16(cmd.Data[len(cmd.Data)-2])<<8 | uint16(cmd.Data[len(cmd.Data)-1])
		if len(cmd.Data) == 4 && (cmd.Data[0] != 0x3F || cmd.Data[1] != 0x00) {
			return sw(scard.SWFileNotFound)
		}
		if len(cmd.Data) == 4 || fid != 0x3F00 {
			e = c.mf.byFID(fid)
		} else {
			d = c.mf
		}
	default:
		return sw(scard.SWIncorrectP1P2)
	}
	if d == nil && e == nil {
		return sw(scard.SWFileNotFound)
	}
	if d != nil {
		c.s.cur, c.s.curEF = d, nil
		if d != c.emrtd {
			c.s.bac = nil
		}
	} else {
		c.s.curEF = e
	}
	switch cmd.P2 &^ 0x03 {
	case 0x0C:
		return ok(nil)
	case 0x00, 0x04:
		if cmd.Ne == 0 {
			return ok(nil) // no Le: the control parameters are not sent
		}
		if d != nil {
			return ok(d.fcp())
		}
		return ok(e.fcp())
	}
	return sw(scard.SWIncorrectP1P2)
}

// findEF looks in the current DF, then in the MF (where EF.CardAccess lives).
func (c *CIE) findEF(fid uint16) *ef {
	if e := c.s.cur.byFID(fid); e != nil {
		return e
	}
	return c.mf.byFID(fid)
}

func (c *CIE) findSFI(sfi byte) *ef {
	if e := c.s.cur.bySFI(sfi); e != nil {
		return e
	}
	return c.mf.bySFI(sfi)
}

func (c *CIE) readBinary(cmd scard.Command) scard.Response {
	var (
		e   *ef
		off int
	)
	odd := cmd.INS == scard.InsReadBinaryOdd
	if odd {
		// Offset in DO 54; P1-P2 a FID (0000: current EF) or 00 + SFI.
		v, ok := tlv.Find(cmd.Data, 0x54)
		if !ok || len(v) == 0 || len(v) > 3 {
			return sw(scard.SWWrongData)
		}
		for _, x := range v {
			off = off<<8 | int(x)
		}
		switch {
		case cmd.P1 == 0 && cmd.P2 == 0:
			e = c.s.curEF
		case cmd.P1 == 0 && cmd.P2&0xE0 == 0:
			e = c.findSFI(cmd.P2 & 0x1F)
		default:
			e = c.findEF(uint16(cmd.P1)<<8 | uint16(cmd.P2))
		}
		if e == nil {
			return sw(scard.SWFileNotFound)
		}
	} else if cmd.P1&0x80 != 0 {
		if cmd.P1&0x60 != 0 {
			return sw(scard.SWIncorrectP1P2)
		}
		if e = c.findSFI(cmd.P1 & 0x1F); e == nil {
			return sw(scard.SWFileNotFound)
		}
		off = int(cmd.P2)
	} else {
		if e = c.s.curEF; e == nil {
			return sw(0x6986) // command not allowed: no current EF
		}
		off = int(cmd.P1)<<8 | int(cmd.P2)
	}
	switch e.read {
	case accessSM:
		if c.s.sm == nil {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
	case accessPIN:
		if !c.s.pinOK {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
	case accessNever:
		return sw(scard.SWSecurityStatusNotSatisfied)
	case accessDG3:
		if c.taRights()&cvc.ReadDG3 == 0 {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
	}
	c.s.curEF = e
	if cmd.Ne == 0 {
		return sw(scard.SWWrongLength)
	}
	if off > len(e.data) {
		return sw(scard.SWWrongOffset)
	}
	n := min(cmd.Ne, len(e.data)-off)
	if odd {
		// The response is DO 53; fit the whole object in Ne.
		for n > 0 && n+1+len(tlv.AppendLength(nil, n)) > cmd.Ne {
			n--
		}
		return ok(tlv.Append(nil, 0x53, e.data[off:off+n]))
	}
	if off == len(e.data) {
		return sw(scard.SWEndOfFile)
	}
	if c.exactLe && c.s.sm == nil && n < cmd.Ne && n < 256 {
		return sw(0x6C00 | uint16(n))
	}
	return ok(append([]byte(nil), e.data[off:off+n]...))
}

func (c *CIE) getChallenge(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	if r, ok := c.taChallenge(cmd); ok {
		return r
	}
	if c.s.cur == c.emrtd && c.s.sm == nil {
		if cmd.Ne != 8 {
			return sw(scard.SWWrongLength)
		}
		chip, err := emrtd.NewBACChip(c.mrzKey, c.rand)
		if err != nil {
			return sw(scard.SWUnknown)
		}
		r, err := chip.Challenge()
		if err != nil {
			return sw(scard.SWUnknown)
		}
		c.s.bac = chip
		return ok(r)
	}
	if cmd.Ne == 0 || cmd.Ne > 32 {
		return sw(scard.SWWrongLength)
	}
	r, err := readRand(c.rand, cmd.Ne)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	c.iasGetChallenge(r)
	return ok(r)
}

func (c *CIE) mutualAuthenticate(cmd scard.Command) scard.Response {
	chip := c.s.bac
	c.s.bac = nil
	if chip == nil {
		return c.taExternalAuthenticate(cmd)
	}
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	resp, sm, err := chip.MutualAuthenticate(cmd.Data)
	if err != nil {
		return sw(scard.SWNoInformation) // 6300: authentication failed
	}
	c.s.sm = sm
	info, _ := c.mrzKey.Info()
	c.newSM([]byte(info[:10]))
	return ok(resp)
}

func (c *CIE) mse(cmd scard.Command) scard.Response {
	switch {
	case cmd.P1 == 0xC1 && cmd.P2 == 0xA4: // MSE:SET AT for PACE (ICAO 9303-11 4.4.4.1)
		return c.paceMSE(cmd)
	case cmd.P1 == 0x41 && cmd.P2 == 0xA6 && c.s.cur != c.emrtd: // MSE:SET KAT, IAS DH key agreement
		return c.iasKeyAgreement(cmd)
	case cmd.P1 == 0x41 && cmd.P2 == 0xA6: // MSE:SET KAT, chip authentication v1 (ICAO 9303-11 6.2.4.1)
		return c.chipAuthentication(cmd)
	case cmd.P1 == 0x81 && (cmd.P2 == 0xB6 || cmd.P2 == 0xA4) && c.s.cur == c.emrtd: // terminal authentication (TR-03110 part 3, B.11.1; ta.go)
		return c.taMSE(cmd)
	case cmd.P1 == 0x41 && cmd.P2 == 0xA4, cmd.P1 == 0x81 && (cmd.P2 == 0xA4 || cmd.P2 == 0xB6): // IAS (iaschannel.go)
		return c.iasMSE(cmd)
	}
	return sw(scard.SWIncorrectP1P2)
}

// chipAuthentication handles MSE:SET KAT with the terminal's ephemeral DH
// public value in DO 91 (and an optional key reference in DO 84), under
// the secure messaging of BAC or PACE in the eMRTD application.
func (c *CIE) chipAuthentication(cmd scard.Command) scard.Response {
	if c.s.sm == nil || c.s.cur != c.emrtd {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	pk, ok1 := tlv.Find(cmd.Data, 0x91)
	if !ok1 {
		return sw(scard.SWWrongData)
	}
	if ref, ok2 := tlv.Find(cmd.Data, 0x84); ok2 && (len(ref) != 1 || ref[0] != 0) {
		return sw(scard.SWRefDataNotFound) // the card's only key has no key ID
	}
	next, err := c.caKey.Agree(scard.CipherTDES, pk)
	if err != nil {
		return sw(scard.SWWrongData)
	}
	c.s.nextSM = next
	c.s.ta.caComp = emrtd.CAKeyComp(pk)
	return ok(nil)
}

func (c *CIE) internalAuthenticate(cmd scard.Command) scard.Response {
	var key *rsa.PrivateKey
	switch c.s.mseKey {
	case 0x83:
		key = c.servKey
	case 0x82:
		return c.iasInternalAuthenticate(cmd)
	case 0x81:
		if !c.iasAuthenticated() || !c.s.pinOK {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
		key = c.authKey
	default:
		return sw(scard.SWConditionsNotSatisfied)
	}
	if len(cmd.Data) == 0 || len(cmd.Data) > key.Size()-11 {
		return sw(scard.SWWrongLength)
	}
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.Hash(0), cmd.Data)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	return ok(sig)
}

// pinRef returns the secret named by P2 (81 PIN, 82 PUK).
func (c *CIE) pinRef(p2 byte) (*refData, bool) {
	switch p2 {
	case 0x81:
		return c.pin, true
	case 0x82:
		return c.puk, true
	}
	return nil, false
}

func (c *CIE) verify(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	s, found := c.pinRef(cmd.P2)
	if !found {
		return sw(scard.SWRefDataNotFound)
	}
	if c.s.cur == c.emrtd {
		return sw(scard.SWConditionsNotSatisfied)
	}
	flag := &c.s.pinOK
	if s == c.puk {
		flag = &c.s.pukOK
	}
	if len(cmd.Data) == 0 {
		return sw(s.status(*flag))
	}
	if !validPIN(cmd.Data) {
		return sw(scard.SWWrongLength)
	}
	r := s.verify(cmd.Data)
	*flag = r == scard.SWSuccess
	return sw(r)
}

func (c *CIE) changeReference(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	s, found := c.pinRef(cmd.P2)
	if !found {
		return sw(scard.SWRefDataNotFound)
	}
	if len(cmd.Data) != 16 || !validPIN(cmd.Data[:8]) || !validPIN(cmd.Data[8:]) {
		return sw(scard.SWWrongLength)
	}
	r := s.verify(cmd.Data[:8])
	if r != scard.SWSuccess {
		return sw(r)
	}
	s.set(cmd.Data[8:])
	return ok(nil)
}

// resetRetryCounter implements RESET RETRY COUNTER on the PIN (P2 81):
// P1 00 data PUK||new PIN; 01 data PUK (unblock only); 02 data new PIN and
// 03 no data, both after VERIFY PUK in the session (ISO/IEC 7816-4 11.5.10).
func (c *CIE) resetRetryCounter(cmd scard.Command) scard.Response {
	if cmd.P2 != 0x81 {
		return sw(scard.SWRefDataNotFound)
	}
	var newPIN []byte
	switch cmd.P1 {
	case 0x00, 0x01:
		want := 8
		if cmd.P1 == 0x00 {
			want = 16
		}
		if len(cmd.Data) != want || !validPIN(cmd.Data[:8]) {
			return sw(scard.SWWrongLength)
		}
		r := c.puk.verify(cmd.Data[:8])
		c.s.pukOK = r == scard.SWSuccess
		if r != scard.SWSuccess {
			return sw(r)
		}
		if cmd.P1 == 0x00 {
			newPIN = cmd.Data[8:]
		}
	case 0x02, 0x03:
		if !c.s.pukOK {
			return sw(scard.SWSecurityStatusNotSatisfied)
		}
		if cmd.P1 == 0x02 {
			newPIN = cmd.Data
		} else if len(cmd.Data) != 0 {
			return sw(scard.SWWrongLength)
		}
	default:
		return sw(scard.SWIncorrectP1P2)
	}
	if newPIN != nil {
		if !validPIN(newPIN) {
			return sw(scard.SWWrongLength)
		}
		c.pin.set(newPIN)
	} else {
		c.pin.left = c.pin.max
	}
	c.s.pinOK = false
	return ok(nil)
}
