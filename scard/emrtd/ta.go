package emrtd

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/ciekit/ciekit/scard/emrtd/internal/group"
)

// TAOptions configures terminal authentication.
type TAOptions struct {
	// Certificates are the DER CV certificates (7F21) the chip must verify,
	// in order: any CVCA link certificates, the DV certificate and the
	// inspection system's certificate last. The first is issued by a CVCA
	// key the chip trusts (EF.CVCA names it).
	Certificates [][]byte
	// Signer holds the private key of the last certificate; it may live in
	// an HSM or an operator card. It signs the chip's challenge with the
	// algorithm of that certificate.
	Signer crypto.Signer
	// Rand is given to Signer; nil means crypto/rand.
	Rand io.Reader
}

// Format prints the number of certificates and never the signer, whose
// private key fmt would otherwise print.
func (o TAOptions) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "emrtd.TAOptions{Certificates: %d, Signer: redacted}", len(o.Certificates))
}

// String returns what Format prints.
func (o TAOptions) String() string { return fmt.Sprint(o) }

// GoString returns what Format prints.
func (o TAOptions) GoString() string { return fmt.Sprint(o) }

// LogValue returns a redaction, for log/slog.
func (o TAOptions) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(o)) }

// MarshalJSON returns a redaction.
func (o TAOptions) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(fmt.Sprint(o))), nil }

// DocumentID returns ID_PICC for a chip accessed with BAC: the document
// number and its check digit, as the MRZ holds them (TR-03110 part 3, B.11.1;
// ICAO 9303-11 7.1). After PACE, ID_PICC is Comp of the chip's ephemeral
// PACE key instead; [Read] chooses.
func DocumentID(number string) []byte {
	for len(number) < 9 {
		number += "<"
	}
	cd, _ := mrzCheckDigit(number)
	return append([]byte(number), cd)
}

// compKey is Comp() of TR-03110 part 3, A.2.2.3: SHA-1 of the encoded
// public value for DH, the x-coordinate for ECDH.
func compKey(g group.Group, pk any) []byte {
	if g.IsDH() {
		h := sha1.Sum(g.Encode(pk))
		return h[:]
	}
	return g.Secret(pk)
}

// compDH is Comp() of an encoded DH public value.
func compDH(encoded []byte) []byte {
	h := sha1.Sum(encoded)
	return h[:]
}

// TerminalAuthentication runs EAC terminal authentication version 1 (BSI
// TR-03110 part 3, B.3 and B.11; ICAO 9303-11 7.1) on a chip where chip
// authentication has just run: MSE:SET DST and PSO:VERIFY CERTIFICATE for
// each certificate, MSE:SET AT with the terminal's CHR, GET CHALLENGE and
// EXTERNAL AUTHENTICATE with the signature over ID_PICC || r_PICC ||
// Comp(PK_PCD), where PK_PCD is the terminal's ephemeral chip
// authentication key. idPICC and compPCD bind the signature to this
// session; [Read] computes both (use it, or [EAC]).
//
// Errors: a [*scard.StatusError] naming the refused command (a certificate
// the chip does not accept, or a refused signature), [*cvc.FieldError] for a
// malformed certificate in opts, or the signer's error.
func TerminalAuthentication(ctx context.Context, c *scard.Card, opts TAOptions, idPICC, compPCD []byte) error {
	if len(opts.Certificates) == 0 || opts.Signer == nil {
		return fmt.Errorf("emrtd: terminal authentication needs certificates and a signer: %w", scard.ErrInvalidKey)
	}
	if c.SecureMessaging() == nil {
		return fmt.Errorf("emrtd: terminal authentication needs chip authentication first: %w", scard.ErrConditionsNotSatisfied)
	}
	var last *cvc.Certificate
	for i, raw := range opts.Certificates {
		cert, err := cvc.Parse(raw)
		if err != nil {
			return fmt.Errorf("terminal authentication: certificate %d: %w", i+1, err)
		}
		if _, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x81, P2: 0xB6, Data: tlv.Append(nil, 0x83, []byte(cert.CAR))}); err != nil {
			return fmt.Errorf("terminal authentication: MSE:SET DST %s: %w", cert.CAR, err)
		}
		data := append(append([]byte(nil), cert.RawBody...), tlv.Append(nil, 0x5F37, cert.Signature)...)
		if _, err := c.Do(ctx, scard.Command{INS: scard.InsPerformSecurityOperation, P1: 0x00, P2: 0xBE, Data: data}); err != nil {
			return fmt.Errorf("terminal authentication: PSO:VERIFY CERTIFICATE %s: %w", cert.CHR, err)
		}
		last = cert
	}
	if _, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x81, P2: 0xA4, Data: tlv.Append(nil, 0x83, []byte(last.CHR))}); err != nil {
		return fmt.Errorf("terminal authentication: MSE:SET AT: %w", err)
	}
	r, err := c.Do(ctx, scard.Command{INS: scard.InsGetChallenge, Ne: 8})
	if err != nil {
		return fmt.Errorf("terminal authentication: GET CHALLENGE: %w", err)
	}
	if len(r) != 8 {
		return &scard.DataError{File: "GET CHALLENGE", Msg: fmt.Sprintf("challenge of %d bytes, want 8", len(r))}
	}
	msg := append(append(append([]byte(nil), idPICC...), r...), compPCD...)
	sig, err := cvc.Sign(opts.Rand, opts.Signer, last.KeyAlgorithm, msg)
	if err != nil {
		return err
	}
	if _, err := c.Do(ctx, scard.Command{INS: scard.InsExternalAuthenticate, Data: sig}); err != nil {
		return fmt.Errorf("terminal authentication: EXTERNAL AUTHENTICATE: %w", err)
	}
	return nil
}

// EAC runs chip authentication with the key of dg14 and then terminal
// authentication (BSI TR-03110 EAC version 1), under the secure messaging
// of BAC or PACE. idPICC is [DocumentID] after BAC; [Read] passes Comp of
// the chip's PACE key after PACE. Errors are those of [ChipAuthentication]
// and [TerminalAuthentication].
func EAC(ctx context.Context, c *scard.Card, dg14 *SecurityInfos, idPICC []byte, opts TAOptions) error {
	pk, err := chipAuthentication(ctx, c, dg14)
	if err != nil {
		return err
	}
	return TerminalAuthentication(ctx, c, opts, idPICC, compDH(pk))
}

// TA chip errors, for card emulators to map to status words.
var (
	// ErrTAReference: MSE:SET DST or SET AT names a key the chip does not
	// hold (6A88).
	ErrTAReference = errors.New("emrtd: terminal authentication: referenced key not found")
	// ErrTACertificate: a certificate is malformed, expired, of the wrong
	// role or badly signed (6300 for the signature, 6A80 otherwise).
	ErrTACertificate = errors.New("emrtd: terminal authentication: certificate refused")
	// ErrTAOrder: a step out of order (6985).
	ErrTAOrder = errors.New("emrtd: terminal authentication: conditions of use not satisfied")
)

// TAChip is the card side of terminal authentication version 1, for card
// emulators: the chip's trust points (CVCA public keys), its current date
// and the state of one session. It implements the certificate checks of
// TR-03110 part 3, 2.5 and 2.6: each certificate must be issued by the
// referenced key, unexpired on the chip's current date, and of the next
// role (CVCA -> CVCA link or DV -> IS); the effective access rights are
// the AND of the chain's; the current date moves forward to the effective
// date of every accepted CVCA, domestic DV and domestic IS certificate
// (foreign ones do not change it), and a CVCA link certificate becomes a
// new trust point.
//
// Not safe for concurrent use.
type TAChip struct {
	trust []*taKey // persistent
	date  time.Time

	session map[string]*taKey // keys imported in this session, by CHR
	dst     *taKey
	term    *taKey
	chal    []byte
	rights  cvc.Rights
	done    bool
}

type taKey struct {
	cert     *cvc.Certificate
	eff      cvc.Rights // rights of the chain up to here
	domestic bool
}

// Format prints "emrtd.TAChip(redacted)" (the state holds challenges).
func (t *TAChip) Format(f fmt.State, _ rune) { io.WriteString(f, "emrtd.TAChip(redacted)") }

// LogValue returns a redaction, for log/slog.
func (t *TAChip) LogValue() slog.Value { return slog.StringValue("emrtd.TAChip(redacted)") }

// NewTAChip returns the terminal authentication state of a chip that
// trusts the CVCA certificates cvca (DER, self-signed or link) and whose
// current date is date (the date of personalisation).
func NewTAChip(date time.Time, cvca ...[]byte) (*TAChip, error) {
	t := &TAChip{date: date.UTC().Truncate(24 * time.Hour)}
	for i, raw := range cvca {
		c, err := cvc.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("trust point %d: %w", i+1, err)
		}
		if c.Role != cvc.RoleCVCA || c.PublicKey == nil {
			return nil, fmt.Errorf("emrtd: trust point %d (%s) is not a usable CVCA certificate: %w", i+1, c.CHR, ErrTACertificate)
		}
		t.trust = append(t.trust, &taKey{cert: c, eff: c.Rights, domestic: true})
	}
	t.Reset()
	return t, nil
}

// Reset ends the session (a new BAC/PACE or a reset); trust points and the
// current date persist.
func (t *TAChip) Reset() {
	t.session, t.dst, t.term, t.chal, t.rights, t.done = map[string]*taKey{}, nil, nil, nil, 0, false
}

// Date returns the chip's current date.
func (t *TAChip) Date() time.Time { return t.date }

// Rights returns the access rights granted by a completed terminal
// authentication in this session (0 before).
func (t *TAChip) Rights() cvc.Rights {
	if !t.done {
		return 0
	}
	return t.rights
}

func (t *TAChip) lookup(ref string) *taKey {
	if k, ok := t.session[ref]; ok {
		return k
	}
	for i := len(t.trust) - 1; i >= 0; i-- {
		if t.trust[i].cert.CHR == ref {
			return t.trust[i]
		}
	}
	return nil
}

// SetDST handles MSE:SET DST (data: DO 83 with the CAR).
func (t *TAChip) SetDST(data []byte) error {
	ref, ok := tlv.Find(data, 0x83)
	if !ok || t.done {
		return ErrTAOrder
	}
	if t.dst = t.lookup(string(ref)); t.dst == nil {
		return ErrTAReference
	}
	return nil
}

// VerifyCertificate handles PSO:VERIFY CERTIFICATE (data: the body 7F4E and
// the signature 5F37) with the key MSE:SET DST selected.
func (t *TAChip) VerifyCertificate(data []byte) error {
	issuer := t.dst
	t.dst = nil
	if issuer == nil || t.done {
		return ErrTAOrder
	}
	c, err := cvc.Parse(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrTACertificate, err)
	}
	if err := c.CheckSignatureFrom(issuer.cert); err != nil {
		return fmt.Errorf("%w: %w", ErrTACertificate, err)
	}
	if !c.ValidAt(t.date) {
		return fmt.Errorf("%w: %s expired on %s", ErrTACertificate, c.CHR, c.ExpirationDate.Format(time.DateOnly))
	}
	k := &taKey{cert: c, eff: issuer.eff & c.Rights}
	switch issuer.cert.Role {
	case cvc.RoleCVCA:
		switch c.Role {
		case cvc.RoleCVCA: // link certificate: a new trust point
			k.domestic = true
		case cvc.RoleDVDomestic:
			k.domestic = true
		case cvc.RoleDVForeign:
		default:
			return fmt.Errorf("%w: a CVCA issued an %s certificate", ErrTACertificate, c.Role)
		}
	case cvc.RoleDVDomestic, cvc.RoleDVForeign:
		if c.Role != cvc.RoleIS {
			return fmt.Errorf("%w: a DV issued a %s certificate", ErrTACertificate, c.Role)
		}
		k.domestic = issuer.domestic
	default:
		return fmt.Errorf("%w: an inspection system cannot issue certificates", ErrTACertificate)
	}
	if c.PublicKey == nil {
		return fmt.Errorf("%w: %s: key algorithm %s: %w", ErrTACertificate, c.CHR, c.KeyAlgorithm, scard.ErrNotSupported)
	}
	if k.domestic && c.EffectiveDate.After(t.date) {
		t.date = c.EffectiveDate // TR-03110 part 3, 2.5: current date update
	}
	if c.Role == cvc.RoleCVCA {
		t.trust = append(t.trust, k)
	} else {
		t.session[c.CHR] = k
	}
	return nil
}

// SetAT handles MSE:SET AT for external authentication (data: DO 83 with
// the terminal's CHR, verified in this session).
func (t *TAChip) SetAT(data []byte) error {
	ref, ok := tlv.Find(data, 0x83)
	if !ok || t.done {
		return ErrTAOrder
	}
	k, ok := t.session[string(ref)]
	if !ok || k.cert.Role != cvc.RoleIS {
		return ErrTAReference
	}
	t.term, t.chal = k, nil
	return nil
}

// Challenge returns the 8-byte r_PICC of GET CHALLENGE, read from rnd,
// when MSE:SET AT selected a terminal key; ok false otherwise (then the
// card answers its usual GET CHALLENGE).
func (t *TAChip) Challenge(rnd io.Reader) (r []byte, ok bool, err error) {
	if t.term == nil || t.done {
		return nil, false, nil
	}
	t.chal = make([]byte, 8)
	if _, err := io.ReadFull(rnd, t.chal); err != nil {
		return nil, true, err
	}
	return t.chal, true, nil
}

// ExternalAuthenticate checks the terminal's signature over idPICC ||
// r_PICC || compPCD (the chip's identifier in this session and Comp of the
// terminal's chip authentication key). On success the session's rights are
// granted; a wrong signature gives [cvc.ErrSignature] and ends the attempt.
func (t *TAChip) ExternalAuthenticate(sig, idPICC, compPCD []byte) error {
	k, chal := t.term, t.chal
	t.chal = nil
	if k == nil || chal == nil || t.done {
		return ErrTAOrder
	}
	msg := bytes.Join([][]byte{idPICC, chal, compPCD}, nil)
	if err := cvc.Verify(k.cert.KeyAlgorithm, k.cert.PublicKey, msg, sig); err != nil {
		t.term = nil
		return err
	}
	t.rights, t.done = k.eff, true
	return nil
}

// ID returns ID_PICC for terminal authentication after PACE: Comp
// of the chip's ephemeral PACE public key (TR-03110 part 3, B.11.1); nil
// before the key agreement step.
func (c *PACEChip) ID() []byte {
	if c.p.pk == nil {
		return nil
	}
	return compKey(c.p.mapped, c.p.pk)
}

// CAKeyComp returns Comp(PK_PCD) of a terminal's chip authentication
// public value as MSE:SET KAT carries it (DO 91), for [TAChip.ExternalAuthenticate].
func CAKeyComp(pkPCD []byte) []byte { return compDH(pkPCD) }
