package cardsim

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/sco"
)

// Retry counters of the simulated SCO (ciekit SCO profile, scard/sco.go).
const (
	SCOPINTries = 3
	SCOSOTries  = 5
)

// SCOOptions describes a simulated operator card. MasterPassword is
// required; the rest have documented defaults.
type SCOOptions struct {
	// MasterPassword is the Security Officer's password
	// ([sco.NewMasterPassword]). It is kept only inside the simulator, as a
	// hash, and compared in constant time.
	MasterPassword sco.MasterPassword
	// PIN, if set (8 digits), makes the card already active with that
	// operator PIN; otherwise the card is issued and waits for activation.
	PIN scard.PIN
	// Revoked makes the card revoked from the start.
	Revoked bool
	// Serial is the card serial. Default "SCO" and 8 digits from Rand.
	Serial string
	// Operator is the holder's codice fiscale, also in the certificates.
	Operator string
	// OperatorName is the certificate common name. Default Operator.
	OperatorName string
	// Sede is the sede the card is already associated to; "" for none.
	Sede string
	// ECDSA gives the card P-256 keys instead of RSA.
	ECDSA bool
	// KeyBits is the RSA key size (and that of a generated PKI). Default 2048.
	KeyBits int
	// PKI issues the operator certificates (from its CSCA, standing in for
	// the Ministry's CA). Nil means a new PKI from Rand.
	PKI *PKI
	// Rand is the source of keys and signatures. Nil means crypto/rand.
	Rand io.Reader
	// ATR is the answer to reset, 2 to 33 bytes starting with 3B or 3F.
	// Default: 3B DA 18 FF 81 B1 FE 75 1F 03 and the historical bytes
	// "CIEKITSCO" 00 00 (an invented contact card, T=1).
	ATR []byte
	// Latency delays every response; the wait honours ctx and removal.
	Latency time.Duration
}

// defaultSCOATR is the ATR of the simulated SCO.
var defaultSCOATR = []byte{0x3B, 0xDA, 0x18, 0xFF, 0x81, 0xB1, 0xFE, 0x75, 0x1F, 0x03, 0x43, 0x49, 0x45, 0x4B, 0x49, 0x54, 0x53, 0x43, 0x4F, 0x00, 0x00}

// SCO is a virtual operator card (Smart Card Operatore) speaking the ciekit
// SCO profile that scard defines (see sco.Client): the operator PIN
// with retry counter, activation, association to a sede and revocation by
// the Security Officer with the master password, and signing and
// authentication with operator keys and certificates generated at run
// time. The real SCO protocol is not public; this profile is ciekit's own.
//
// It implements [scard.Transmitter] and is safe for concurrent use.
type SCO struct {
	dev  device
	rand io.Reader

	state    sco.State
	serial   string
	operator string
	sede     string

	soHash secret.Value // SHA-256 of the master password
	so     *refData     // only the counter is used
	pin    *refData     // nil value until activation

	authKey, signKey   crypto.Signer
	authCert, signCert *x509.Certificate
	alg                byte

	s scoSession
}

type scoSession struct {
	selected bool
	curEF    uint16
	pinOK    bool
	soOK     bool
	mseKey   byte // 0x01 auth (41 A4) or 0x02 sign (41 B6)
	mseSign  bool
	pending  []byte
}

var _ scard.Transmitter = (*SCO)(nil)

// Format prints "cardsim.SCO(redacted)" for every verb: an SCO holds the
// operator PIN, the master password's hash, its private keys and its
// random source.
func (s *SCO) Format(f fmt.State, _ rune) { io.WriteString(f, "cardsim.SCO(redacted)") }

// LogValue returns a redaction, for log/slog.
func (s *SCO) LogValue() slog.Value { return slog.StringValue("cardsim.SCO(redacted)") }

// MarshalJSON returns a redaction.
func (s *SCO) MarshalJSON() ([]byte, error) { return []byte(`"cardsim.SCO(redacted)"`), nil }

// NewSCO builds a simulated operator card, generating its two key pairs
// and certificates. Errors name the configuration field at fault, never
// its value, or come from Rand.
func NewSCO(cfg SCOOptions) (*SCO, error) {
	s := &SCO{rand: randOrDefault(cfg.Rand), state: sco.Issued, operator: cfg.Operator, sede: cfg.Sede}
	if cfg.MasterPassword.IsZero() {
		return nil, errors.New("cardsim: SCOOptions.MasterPassword is required")
	}
	soHash := sha256.Sum256(cfg.MasterPassword.Bytes())
	s.soHash = secret.New(soHash[:])
	s.so = newRefData(nil, SCOSOTries)
	if !cfg.PIN.IsZero() {
		if !validPIN(cfg.PIN.Bytes()) {
			return nil, errors.New("cardsim: SCOOptions.PIN must be 8 digits")
		}
		s.pin = newRefData(cfg.PIN.Bytes(), SCOPINTries)
		s.state = sco.Active
	}
	if cfg.Revoked {
		s.state = sco.Revoked
	}
	if len(cfg.Sede) > 32 || !printable(cfg.Sede) {
		return nil, errors.New("cardsim: SCOOptions.Sede must be at most 32 printable ASCII characters")
	}
	s.serial = cfg.Serial
	if s.serial == "" {
		b, err := readRand(s.rand, 8)
		if err != nil {
			return nil, err
		}
		for i := range b {
			b[i] = '0' + b[i]%10
		}
		s.serial = "SCO" + string(b)
	}
	bits := cfg.KeyBits
	if bits == 0 {
		bits = 2048
	}
	if bits < 1024 {
		return nil, fmt.Errorf("cardsim: SCOOptions.KeyBits %d, want at least 1024", bits)
	}
	p := cfg.PKI
	if p == nil {
		var err error
		if p, err = NewPKI(PKIOptions{Rand: s.rand, KeyBits: bits}); err != nil {
			return nil, err
		}
	}
	name := cfg.OperatorName
	if name == "" {
		name = cfg.Operator
	}
	if name == "" {
		name = "Operatore " + s.serial
	}
	s.alg = sco.AlgRSA
	if cfg.ECDSA {
		s.alg = sco.AlgECDSA
	}
	for _, k := range []struct {
		key  *crypto.Signer
		cert **x509.Certificate
		use  x509.KeyUsage
		ext  []x509.ExtKeyUsage
		cn   string
	}{
		{&s.authKey, &s.authCert, x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, name + " (autenticazione)"},
		{&s.signKey, &s.signCert, x509.KeyUsageContentCommitment | x509.KeyUsageDigitalSignature, nil, name + " (firma)"},
	} {
		key, err := s.generateKey(bits)
		if err != nil {
			return nil, err
		}
		*k.key = key
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{Country: []string{"IT"}, Organization: []string{"ciekit cardsim SCO (TEST ONLY)"}, CommonName: k.cn, SerialNumber: cfg.Operator},
			KeyUsage:    k.use,
			ExtKeyUsage: k.ext,
		}
		if *k.cert, err = issueAny(s.rand, tmpl, p.CSCA, key.Public(), p.CSCAKey); err != nil {
			return nil, err
		}
	}
	atr, err := checkATR(cfg.ATR, defaultSCOATR)
	if err != nil {
		return nil, err
	}
	s.dev.init(atr, cfg.Latency)
	return s, nil
}

func (s *SCO) generateKey(bits int) (crypto.Signer, error) {
	if s.alg == sco.AlgRSA {
		return generateRSA(s.rand, bits)
	}
	// A P-256 scalar drawn from Rand (rejection sampling), so that seeded
	// cards are reproducible.
	for range 64 {
		b, err := readRand(s.rand, 32)
		if err != nil {
			return nil, err
		}
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("cardsim: ECDSA key generation failed")
}

// issueAny is issue for any public key type.
func issueAny(r io.Reader, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer *rsa.PrivateKey) (*x509.Certificate, error) {
	if rp, ok := pub.(*rsa.PublicKey); ok {
		return issue(r, tmpl, parent, rp, signer)
	}
	sn, err := readRand(r, 8)
	if err != nil {
		return nil, err
	}
	sn[0] = sn[0]&0x7F | 0x01
	tmpl.SerialNumber = newBig(sn)
	tmpl.NotBefore, tmpl.NotAfter = certNotBefore, certNotAfter
	tmpl.SignatureAlgorithm = x509.SHA256WithRSA
	der, err := x509.CreateCertificate(r, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("cardsim: issuing certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// Transmit sends one command APDU to the card and returns the response
// APDU; see [CIE.Transmit] for the transport errors.
func (s *SCO) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	return s.dev.transmit(ctx, capdu, s.process)
}

// ATR returns a copy of the answer to reset.
func (s *SCO) ATR() []byte { return s.dev.atrCopy() }

// Reset is a warm reset: selections and verified PIN and master password
// are lost; counters and the card state persist.
func (s *SCO) Reset() {
	s.dev.xmu.Lock()
	defer s.dev.xmu.Unlock()
	s.s = scoSession{}
}

// Remove pulls the card from the reader (see [CIE.Remove]).
func (s *SCO) Remove() { s.dev.remove() }

// RemoveAfter pulls the card while it processes the n-th next command
// (see [CIE.RemoveAfter]).
func (s *SCO) RemoveAfter(n int) { s.dev.setRemoveAfter(n) }

// SetLatency changes the delay before each response.
func (s *SCO) SetLatency(d time.Duration) { s.dev.setLatency(d) }

// Insert puts the card back: a fresh session.
func (s *SCO) Insert() {
	s.dev.insert()
	s.Reset()
}

// Present reports whether the card is in the reader.
func (s *SCO) Present() bool { return s.dev.isPresent() }

// State returns the life-cycle state.
func (s *SCO) State() sco.State {
	s.dev.xmu.Lock()
	defer s.dev.xmu.Unlock()
	return s.state
}

// Sede returns the associated sede code, "" if none.
func (s *SCO) Sede() string {
	s.dev.xmu.Lock()
	defer s.dev.xmu.Unlock()
	return s.sede
}

// Retries returns the tries left for the operator PIN (0 before
// activation) and the master password.
func (s *SCO) Retries() (pin, so int) {
	s.dev.xmu.Lock()
	defer s.dev.xmu.Unlock()
	if s.pin != nil {
		pin = s.pin.left
	}
	return pin, s.so.left
}

// Certificate returns the certificate of an operator key, nil for an
// unknown key.
func (s *SCO) Certificate(key sco.Key) *x509.Certificate {
	switch key {
	case sco.KeyAuthentication:
		return s.authCert
	case sco.KeySignature:
		return s.signCert
	}
	return nil
}

func (s *SCO) process(capdu []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = []byte{0x6F, 0x00}
		}
	}()
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return sw(scard.SWWrongLength).Bytes()
	}
	if cmd.CLA != 0x00 {
		if cmd.CLA&0x80 != 0 || cmd.CLA&0x0C != 0 {
			return sw(scard.SWClaNotSupported).Bytes()
		}
		return sw(0x6884).Bytes() // chaining not supported
	}
	if cmd.INS == scard.InsGetResponse {
		return getResponse(&s.s.pending, cmd)
	}
	s.s.pending = nil
	return outerResponse(&s.s.pending, cmd, s.exec(cmd))
}

func (s *SCO) exec(cmd scard.Command) scard.Response {
	if cmd.INS == scard.InsSelect {
		return s.selectFile(cmd)
	}
	if !s.s.selected {
		if cmd.INS == scard.InsGetChallenge {
			return sw(scard.SWConditionsNotSatisfied)
		}
		return sw(scard.SWInsNotSupported)
	}
	if s.state == sco.Revoked && cmd.INS != scard.InsReadBinary && cmd.INS != scard.InsVerify {
		return sw(scard.SWConditionsNotSatisfied)
	}
	switch cmd.INS {
	case scard.InsReadBinary:
		return s.readBinary(cmd)
	case scard.InsVerify:
		return s.verify(cmd)
	case scard.InsResetRetryCounter:
		return s.activate(cmd)
	case scard.InsChangeReferenceData:
		return s.changePIN(cmd)
	case scard.InsPutData:
		return s.putData(cmd)
	case scard.InsTerminateDF:
		return s.terminate(cmd)
	case scard.InsManageSecurityEnvironment:
		return s.mse(cmd)
	case scard.InsPerformSecurityOperation:
		if cmd.P1 != 0x9E || cmd.P2 != 0x9A {
			return sw(scard.SWIncorrectP1P2)
		}
		return s.sign(cmd, true)
	case scard.InsInternalAuthenticate:
		if cmd.P1 != 0 || cmd.P2 != 0 {
			return sw(scard.SWIncorrectP1P2)
		}
		return s.sign(cmd, false)
	}
	return sw(scard.SWInsNotSupported)
}

func (s *SCO) selectFile(cmd scard.Command) scard.Response {
	switch cmd.P1 {
	case 0x00:
		if len(cmd.Data) == 0 || (len(cmd.Data) == 2 && cmd.Data[0] == 0x3F && cmd.Data[1] == 0x00) {
			s.s.selected, s.s.curEF = false, 0
			return ok(nil)
		}
	case 0x04:
		if string(cmd.Data) == string(sco.AID()) {
			s.s.selected, s.s.curEF = true, 0
			return ok(nil)
		}
	case 0x02:
		if len(cmd.Data) != 2 {
			return sw(scard.SWWrongLength)
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		if s.s.selected && s.file(fid) != nil {
			s.s.curEF = fid
			return ok(nil)
		}
	default:
		return sw(scard.SWIncorrectP1P2)
	}
	return sw(scard.SWFileNotFound)
}

func (s *SCO) file(fid uint16) []byte {
	switch fid {
	case sco.FIDInfo:
		info := sco.Info{State: s.state, Serial: s.serial, Sede: s.sede, Operator: s.operator}
		return info.Marshal()
	case sco.FIDAuthCert:
		return s.authCert.Raw
	case sco.FIDSignCert:
		return s.signCert.Raw
	}
	return nil
}

func (s *SCO) readBinary(cmd scard.Command) scard.Response {
	if cmd.P1&0x80 != 0 {
		return sw(scard.SWFunctionNotSupported) // no SFIs in the profile
	}
	data := s.file(s.s.curEF)
	if data == nil {
		return sw(0x6986)
	}
	if cmd.Ne == 0 {
		return sw(scard.SWWrongLength)
	}
	off := int(cmd.P1)<<8 | int(cmd.P2)
	if off > len(data) {
		return sw(scard.SWWrongOffset)
	}
	if off == len(data) {
		return sw(scard.SWEndOfFile)
	}
	n := min(cmd.Ne, len(data)-off)
	return ok(append([]byte(nil), data[off:off+n]...))
}

// checkSO verifies the master password in constant time (over SHA-256
// digests, so that the length does not leak either).
func (s *SCO) checkSO(pw []byte) uint16 {
	if s.so.left == 0 {
		return 0x6983
	}
	h := sha256.Sum256(pw)
	if secret.Equal(secret.New(h[:]), s.soHash) {
		s.so.left = s.so.max
		return scard.SWSuccess
	}
	s.so.left--
	return 0x63C0 | uint16(s.so.left)
}

func (s *SCO) verify(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	switch cmd.P2 {
	case sco.RefPIN:
		if s.pin == nil {
			return sw(scard.SWConditionsNotSatisfied) // not activated: no PIN yet
		}
		if len(cmd.Data) == 0 {
			return sw(s.pin.status(s.s.pinOK))
		}
		if !validPIN(cmd.Data) {
			return sw(scard.SWWrongLength)
		}
		r := s.pin.verify(cmd.Data)
		s.s.pinOK = r == scard.SWSuccess
		return sw(r)
	case sco.RefSO:
		if len(cmd.Data) == 0 {
			return sw(s.so.status(s.s.soOK))
		}
		if len(cmd.Data) < 8 || len(cmd.Data) > 32 {
			return sw(scard.SWWrongLength)
		}
		r := s.checkSO(cmd.Data)
		s.s.soOK = r == scard.SWSuccess
		return sw(r)
	}
	return sw(scard.SWRefDataNotFound)
}

// activate is RESET RETRY COUNTER 00 2C 02 81 <PIN> by the Security
// Officer: it sets the operator PIN of an issued card (issued -> active).
// On an active card it only unblocks a blocked PIN (a simulator extension
// of the profile); otherwise 6985.
func (s *SCO) activate(cmd scard.Command) scard.Response {
	if cmd.P1 != 0x02 || cmd.P2 != sco.RefPIN {
		return sw(scard.SWIncorrectP1P2)
	}
	if !s.s.soOK {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	if !validPIN(cmd.Data) {
		return sw(scard.SWWrongLength)
	}
	switch {
	case s.state == sco.Issued:
		s.pin = newRefData(cmd.Data, SCOPINTries)
		s.state = sco.Active
	case s.pin != nil && s.pin.left == 0:
		s.pin.set(cmd.Data)
	default:
		return sw(scard.SWConditionsNotSatisfied)
	}
	s.s.pinOK = false
	return ok(nil)
}

func (s *SCO) changePIN(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 || cmd.P2 != sco.RefPIN {
		return sw(scard.SWIncorrectP1P2)
	}
	if s.pin == nil {
		return sw(scard.SWConditionsNotSatisfied)
	}
	if len(cmd.Data) != 16 || !validPIN(cmd.Data[:8]) || !validPIN(cmd.Data[8:]) {
		return sw(scard.SWWrongLength)
	}
	if r := s.pin.verify(cmd.Data[:8]); r != scard.SWSuccess {
		s.s.pinOK = false
		return sw(r)
	}
	s.pin.set(cmd.Data[8:])
	return ok(nil)
}

func (s *SCO) putData(cmd scard.Command) scard.Response {
	if cmd.P1 != 0x00 || cmd.P2 != 0x82 {
		return sw(scard.SWRefDataNotFound)
	}
	if !s.s.soOK {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	if len(cmd.Data) < 1 || len(cmd.Data) > 32 || !printable(string(cmd.Data)) {
		return sw(scard.SWWrongData)
	}
	s.sede = string(cmd.Data)
	return ok(nil)
}

func (s *SCO) terminate(cmd scard.Command) scard.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	if !s.s.soOK {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	s.state = sco.Revoked
	s.s.pinOK = false
	return ok(nil)
}

// mse handles MSE:SET 41 B6 (signature, key 02) and 41 A4
// (authentication, key 01) with DO 80 algorithm and DO 84 key reference.
func (s *SCO) mse(cmd scard.Command) scard.Response {
	if cmd.P1 != 0x41 || (cmd.P2 != 0xB6 && cmd.P2 != 0xA4) {
		return sw(scard.SWIncorrectP1P2)
	}
	alg, ok1 := tlv.Find(cmd.Data, 0x80)
	ref, ok2 := tlv.Find(cmd.Data, 0x84)
	if !ok1 || !ok2 || len(alg) != 1 || len(ref) != 1 {
		return sw(scard.SWWrongData)
	}
	want := byte(sco.KeyAuthentication)
	if cmd.P2 == 0xB6 {
		want = byte(sco.KeySignature)
	}
	if ref[0] != want {
		return sw(scard.SWRefDataNotFound)
	}
	if alg[0] != s.alg {
		return sw(scard.SWWrongData)
	}
	s.s.mseKey, s.s.mseSign = ref[0], cmd.P2 == 0xB6
	return ok(nil)
}

// sign computes PSO:COMPUTE DIGITAL SIGNATURE (pso) or INTERNAL
// AUTHENTICATE with the key chosen by the matching MSE:SET.
func (s *SCO) sign(cmd scard.Command, pso bool) scard.Response {
	if s.state != sco.Active {
		return sw(scard.SWConditionsNotSatisfied)
	}
	if s.s.mseKey == 0 || s.s.mseSign != pso {
		return sw(scard.SWConditionsNotSatisfied)
	}
	if !s.s.pinOK {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	key := s.authKey
	if pso {
		key = s.signKey
	}
	var (
		sig []byte
		err error
	)
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if len(cmd.Data) == 0 || len(cmd.Data) > k.Size()-11 {
			return sw(scard.SWWrongLength)
		}
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.Hash(0), cmd.Data)
	case *ecdsa.PrivateKey:
		if len(cmd.Data) < 16 || len(cmd.Data) > 64 {
			return sw(scard.SWWrongLength)
		}
		sig, err = ecdsa.SignASN1(s.rand, k, cmd.Data)
	}
	if err != nil {
		return sw(scard.SWUnknown)
	}
	return ok(sig)
}
