package ias

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

var (
	aidIAS = [...]byte{0xA0, 0x00, 0x00, 0x00, 0x30, 0x80, 0x00, 0x00, 0x00, 0x09, 0x81, 0x60, 0x01}
	aidCIE = [...]byte{0xA0, 0x00, 0x00, 0x00, 0x00, 0x39}
)

// AID returns the IAS-ECC application identifier of the CIE.
func AID() []byte { return append([]byte(nil), aidIAS[:]...) }

// AIDCIE returns the identifier of the CIE DF inside the IAS application.
func AIDCIE() []byte { return append([]byte(nil), aidCIE[:]...) }

// File identifiers in the CIE DF (from the public CIE middleware; see the
// package spec sheet).
const (
	FIDNIS           uint16 = 0x1001 // EF.ID_Servizi: 12 ASCII digits, SFI 01
	FIDSerial        uint16 = 0x1002 // EF.Serial
	FIDCertCIE       uint16 = 0x1003 // authentication certificate (after PIN)
	FIDIntKpub       uint16 = 0x1004 // ICC DAPP public key
	FIDServiziKpub   uint16 = 0x1005 // public key of the NIS internal authentication
	FIDSOD           uint16 = 0x1006 // IAS document security object
	FIDSNICC         uint16 = 0xD003 // MF: EF.SN.ICC
	FIDDH            uint16 = 0xD004 // MF: DH domain parameters
	KeyRefServiziInt byte   = 0x83   // SDO of the NIS internal-authentication key
	PINRefUser       byte   = 0x81   // CIE PIN reference
	PINRefPUK        byte   = 0x82   // CIE PUK reference
)

// Numbers under which the IAS SOD (EF 1006) hashes the CIE files. They are
// not ICAO data group numbers; reconstructed from the CIE middleware
// (AbilitaCIE.cpp).
const (
	SODNIS         = 0xA1 // EF 1001, first 12 bytes
	SODSerial      = 0xA2 // EF 1002, first 9 bytes
	SODCertCIE     = 0xA3 // EF 1003
	SODIntKpub     = 0xA4 // EF 1004
	SODServiziKpub = 0xA5 // EF 1005
	SODDH          = 0x1B // EF D004
)

// Client drives the IAS-ECC ("CIE PKI") side of the CIE: NIS, serial,
// internal authentication, the IAS secure channel, PIN and PUK
// management, the authentication certificate and signing. Not safe for
// concurrent use (it shares the [scard.Card]); [Signer] adds the locking
// a crypto.Signer needs.
//
// # Compatibility
//
// Real CIEs answer VERIFY PIN, the PUK commands, the certificate and the
// signature only inside the IAS secure channel ([Client.OpenChannel]);
// the PIN methods open it on first use. The channel follows the public
// CIE middleware byte for byte (see the package documentation for what
// has and has not been checked against physical cards).
type Client struct {
	c    *scard.Card
	chip Chip
	sm   *session
}

// NewClient returns an IAS client over c. c must not use secure messaging
// of its own (the client keeps the IAS session itself).
func NewClient(c *scard.Card) *Client { return &Client{c: c} }

// SetChip sets the chip family used by [Client.Select] and by a channel
// opened implicitly by the PIN methods (see [ChipFromATR]).
func (i *Client) SetChip(c Chip) { i.chip = c }

// Chip returns the chip family in use (ChipUnknown if none was given).
func (i *Client) Chip() Chip { return i.chip }

// Select selects the IAS application and then the CIE DF, in plain. On
// NXP and later chips ([Chip.SelectsMF]) it selects the MF (00 A4 00 00)
// instead of the IAS AID, as the CIE middleware does; with an unknown
// chip it tries the AID and falls back to the MF on 6A82.
func (i *Client) Select(ctx context.Context) error {
	if i.chip.SelectsMF() {
		if _, err := i.c.Do(ctx, scard.Command{INS: scard.InsSelect}); err != nil {
			return fmt.Errorf("selecting the MF: %w", err)
		}
	} else if err := i.c.SelectAID(ctx, AID()); err != nil {
		if i.chip != ChipUnknown || !errors.Is(err, scard.ErrNotFound) {
			return fmt.Errorf("selecting the IAS application: %w", err)
		}
		if _, err := i.c.Do(ctx, scard.Command{INS: scard.InsSelect}); err != nil {
			return fmt.Errorf("selecting the IAS application or the MF: %w", err)
		}
	}
	if err := i.c.SelectAID(ctx, AIDCIE()); err != nil {
		return fmt.Errorf("selecting the CIE DF: %w", err)
	}
	return nil
}

// ReadNIS reads the NIS (Numero Identificativo per i Servizi, EF.ID_Servizi)
// with READ BINARY by SFI (00 B0 81 00 0C) and returns its 12 digits. The
// CIE DF must be selected ([Client.Select]). A file that is not 12 digits
// gives a [*DataError]. Like every read of the Client, it goes in the
// secure channel when that is open: a plain command would end the card's
// secure-messaging session.
func (i *Client) ReadNIS(ctx context.Context) (string, error) {
	r, err := i.send(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, P2: 0x00, Ne: 12})
	if err != nil {
		return "", fmt.Errorf("reading the NIS: %w", err)
	}
	if r.SW != scard.SWSuccess {
		return "", fmt.Errorf("reading the NIS: %w", r.Err(scard.InsReadBinary))
	}
	return parseNIS(r.Data)
}

func parseNIS(b []byte) (string, error) {
	if len(b) < 12 {
		return "", &scard.DataError{File: "EF.ID_Servizi", Msg: fmt.Sprintf("%d bytes, want 12", len(b))}
	}
	for k := 0; k < 12; k++ {
		if b[k] < '0' || b[k] > '9' {
			return "", &scard.DataError{File: "EF.ID_Servizi", Msg: fmt.Sprintf("position %d is not a digit", k+1)}
		}
	}
	return string(b[:12]), nil
}

// ReadSerial reads EF.Serial (1002) whole, in the secure channel when it
// is open (the middleware reads it there after VERIFY PIN).
func (i *Client) ReadSerial(ctx context.Context) ([]byte, error) {
	return i.readEF(ctx, FIDSerial, "EF.Serial", false)
}

// readEF reads a transparent EF in plain, or, when the secure channel is
// open, in secure messaging as the middleware's IAS::readfile does
// (readfile_SM): a plain command would end the card's SM session and the
// next protected command would fail. tlvFile cuts the content at the
// length of its first TLV object.
func (i *Client) readEF(ctx context.Context, fid uint16, name string, tlvFile bool) ([]byte, error) {
	if i.sm == nil {
		if tlvFile {
			return i.c.ReadTLVFile(ctx, fid, name, nil)
		}
		return i.c.ReadFile(ctx, fid, name)
	}
	b, err := i.readFile(ctx, fid, name)
	if err != nil || !tlvFile {
		return b, err
	}
	_, l, h, ok := tlv.Header(b)
	if !ok || h+l > len(b) {
		return nil, &scard.DataError{File: name, Msg: fmt.Sprintf("%d bytes hold no whole TLV object", len(b))}
	}
	return b[:h+l], nil
}

// ReadServicesKey reads EF.Servizi_Int.Kpub (1005): the RSA public key of
// the NIS internal authentication, as PKCS#1 RSAPublicKey or
// SubjectPublicKeyInfo DER. It returns the key and the raw file.
func (i *Client) ReadServicesKey(ctx context.Context) (*rsa.PublicKey, []byte, error) {
	raw, err := i.readEF(ctx, FIDServiziKpub, "EF.Servizi_Int.Kpub", true)
	if err != nil {
		return nil, nil, err
	}
	pub, err := parseRSAPublicKey(raw)
	if err != nil {
		return nil, nil, &scard.DataError{File: "EF.Servizi_Int.Kpub", Msg: err.Error()}
	}
	return pub, raw, nil
}

func parseRSAPublicKey(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errors.New("not an RSA public key (PKCS#1 or SubjectPublicKeyInfo)")
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %T, want RSA", k)
	}
	return rk, nil
}

// ReadCertificate reads the CIE authentication certificate (EF 1003) in
// the secure channel. The card releases it only after [Client.VerifyPIN];
// before, the error unwraps to [scard.ErrSecurityStatus] (also when the
// channel is not open: a real card refuses the read in plain).
func (i *Client) ReadCertificate(ctx context.Context) (*x509.Certificate, error) {
	if i.sm == nil {
		return nil, fmt.Errorf("reading EF.CertCIE: the secure channel is not open: %w", scard.ErrSecurityStatus)
	}
	der, err := i.readFile(ctx, FIDCertCIE, "EF.CertCIE")
	if err != nil {
		return nil, err
	}
	if _, l, h, ok := tlv.Header(der); ok && h+l <= len(der) {
		der = der[:h+l] // the file may be longer than the certificate
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &scard.DataError{File: "EF.CertCIE", Msg: err.Error()}
	}
	return cert, nil
}

// ReadSOD reads the IAS document security object (EF 1006), in the secure
// channel when it is open.
func (i *Client) ReadSOD(ctx context.Context) ([]byte, error) {
	return i.readEF(ctx, FIDSOD, "IAS EF.SOD", true)
}

// InternalAuthenticate has the card sign challenge with the NIS
// internal-authentication key (SDO 0x83, RSA PKCS#1 v1.5 without
// DigestInfo): MSE:SET 00 22 41 A4 [80 01 02 84 01 83], then INTERNAL
// AUTHENTICATE 00 88 00 00. It returns the signature. With the secure
// channel open both go in secure messaging, as the middleware's
// IAS::InitEncKey sends them then.
func (i *Client) InternalAuthenticate(ctx context.Context, challenge []byte) ([]byte, error) {
	mse := scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, KeyRefServiziInt}}
	if _, err := i.do(ctx, mse); err != nil {
		return nil, fmt.Errorf("internal authentication: MSE:SET: %w", err)
	}
	sig, err := i.do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge, Ne: scard.MaxShortNe})
	if err != nil {
		return nil, fmt.Errorf("internal authentication: %w", err)
	}
	return sig, nil
}

// NISOptions configures [Client.VerifyNIS].
type NISOptions struct {
	// CSCA is the trust anchor for the IAS SOD signer. Required.
	CSCA *x509.CertPool
	// CurrentTime for certificate validity; zero means time.Now().
	CurrentTime time.Time
	// Rand supplies the 8-byte challenge; nil means crypto/rand.
	Rand io.Reader
}

// NISResult is the outcome of [Client.VerifyNIS].
type NISResult struct {
	NIS       string
	PublicKey *rsa.PublicKey
	PA        *emrtd.PAResult
}

// VerifyNIS reads and authenticates the NIS as the CIE "pinless"
// procedure describes: it selects IAS and the CIE DF, reads the NIS
// (1001), the internal-authentication public key (1005) and the IAS SOD
// (1006), checks the SOD signature and chain and that it hashes the NIS
// and the key, then runs INTERNAL AUTHENTICATE on a fresh challenge and
// checks the signature with that key (anti-cloning).
//
// Errors: those of [PassiveAuthentication] ([ErrHashMismatch],
// [ErrBadSignature], [ErrUntrustedSigner]); an error wrapping
// [ErrAuthentication] if the challenge signature is wrong; card and
// transport errors. The result is returned only when everything verified.
func (i *Client) VerifyNIS(ctx context.Context, opts NISOptions) (*NISResult, error) {
	if err := i.Select(ctx); err != nil {
		return nil, err
	}
	nis, err := i.ReadNIS(ctx)
	if err != nil {
		return nil, err
	}
	pub, rawKey, err := i.ReadServicesKey(ctx)
	if err != nil {
		return nil, err
	}
	sod, err := i.ReadSOD(ctx)
	if err != nil {
		return nil, err
	}
	pa, err := emrtd.PassiveAuthentication(sod, map[int][]byte{SODNIS: []byte(nis), SODServiziKpub: rawKey}, emrtd.PAOptions{CSCA: opts.CSCA, CurrentTime: opts.CurrentTime})
	if err != nil {
		return nil, fmt.Errorf("verifying the IAS SOD: %w", err)
	}
	challenge := make([]byte, 8)
	if _, err := io.ReadFull(cmp.Or(opts.Rand, rand.Reader), challenge); err != nil {
		return nil, fmt.Errorf("ias: reading randomness: %v", err)
	}
	sig, err := i.InternalAuthenticate(ctx, challenge)
	if err != nil {
		return nil, err
	}
	if err := rsa.VerifyPKCS1v15(pub, 0, challenge, sig); err != nil {
		return nil, fmt.Errorf("internal authentication signature does not verify with EF 1005: %w", scard.ErrAuthentication)
	}
	return &NISResult{NIS: nis, PublicKey: pub, PA: pa}, nil
}

func need8(kind string, n int) error {
	if n != 8 {
		return fmt.Errorf("ias: the CIE %s has 8 digits, got %d: %w", kind, n, scard.ErrInvalidKey)
	}
	return nil
}

// ensureChannel opens the secure channel with default options if needed.
func (i *Client) ensureChannel(ctx context.Context) error {
	if i.sm != nil {
		return nil
	}
	return i.OpenChannel(ctx, ChannelOptions{Chip: i.chip})
}

// pinCommand sends a PIN command in the secure channel (opened if needed)
// and converts its status.
func (i *Client) pinCommand(ctx context.Context, cmd scard.Command) error {
	if err := i.ensureChannel(ctx); err != nil {
		return err
	}
	r, err := i.smSend(ctx, cmd)
	if err != nil {
		return err
	}
	return r.Err(cmd.INS)
}

// VerifyPIN verifies the user PIN (VERIFY 00 20 00 81) in the secure
// channel, opening it first if needed. A wrong PIN gives a
// [*scard.PINError] with the tries left (unwrapping to
// [scard.ErrWrongPIN], and to [scard.ErrAuthBlocked] at zero); a blocked
// PIN a [*scard.StatusError] unwrapping to [scard.ErrAuthBlocked]; a PIN
// that is not 8 digits an error wrapping [scard.ErrInvalidKey] before
// anything is sent; channel errors as [Client.OpenChannel].
func (i *Client) VerifyPIN(ctx context.Context, pin scard.PIN) error {
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	return i.pinCommand(ctx, scard.Command{INS: scard.InsVerify, P2: PINRefUser, Data: pin.Bytes()})
}

// PINRetries asks how many PIN tries are left (VERIFY without data, ISO/IEC
// 7816-4 11.5.6, in the secure channel). It returns 0 with a
// [*scard.StatusError] unwrapping to [scard.ErrAuthBlocked] when blocked,
// and -1 with nil if the PIN is already verified in this session.
func (i *Client) PINRetries(ctx context.Context) (int, error) {
	return i.retries(ctx, PINRefUser)
}

// PUKRetries is [Client.PINRetries] for the PUK.
func (i *Client) PUKRetries(ctx context.Context) (int, error) {
	return i.retries(ctx, PINRefPUK)
}

func (i *Client) retries(ctx context.Context, ref byte) (int, error) {
	if err := i.ensureChannel(ctx); err != nil {
		return 0, err
	}
	r, err := i.smSend(ctx, scard.Command{INS: scard.InsVerify, P2: ref})
	if err != nil {
		return 0, err
	}
	switch {
	case r.SW == scard.SWSuccess:
		return -1, nil
	case r.SW&0xFFF0 == 0x63C0:
		return int(r.SW & 0x0F), nil
	}
	return 0, r.Err(scard.InsVerify)
}

// VerifyPUK verifies the PUK (VERIFY 00 20 00 82); errors as [Client.VerifyPIN].
func (i *Client) VerifyPUK(ctx context.Context, puk scard.PUK) error {
	if err := need8("PUK", puk.Len()); err != nil {
		return err
	}
	return i.pinCommand(ctx, scard.Command{INS: scard.InsVerify, P2: PINRefPUK, Data: puk.Bytes()})
}

// ChangePIN replaces the PIN: VERIFY of the old PIN, then CHANGE
// REFERENCE DATA 00 24 00 81 with old || new, as the middleware's
// C_SetPIN does; errors as [Client.VerifyPIN].
func (i *Client) ChangePIN(ctx context.Context, old, pin scard.PIN) error {
	if err := need8("PIN", old.Len()); err != nil {
		return err
	}
	if err := need8("new PIN", pin.Len()); err != nil {
		return err
	}
	if err := i.VerifyPIN(ctx, old); err != nil {
		return err
	}
	data := append(append(make([]byte, 0, 16), old.Bytes()...), pin.Bytes()...)
	defer clear(data)
	return i.pinCommand(ctx, scard.Command{INS: scard.InsChangeReferenceData, P2: PINRefUser, Data: data})
}

// UnblockPIN verifies the PUK, resets the PIN retry counter (RESET RETRY
// COUNTER 00 2C 03 81) and, when pin is non-nil, sets a new PIN (00 2C 02
// 81 with the new PIN), the sequence of the middleware's C_InitPIN. A
// wrong PUK gives a [*scard.PINError] for the PUK's counter; errors
// otherwise as [Client.VerifyPIN].
func (i *Client) UnblockPIN(ctx context.Context, puk scard.PUK, pin *scard.PIN) error {
	if pin != nil {
		if err := need8("new PIN", pin.Len()); err != nil {
			return err
		}
	}
	if err := i.VerifyPUK(ctx, puk); err != nil {
		return err
	}
	// The middleware sends this case-1 command with Le 00 (DO 97 00).
	if err := i.pinCommand(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x03, P2: PINRefUser, Ne: scard.MaxShortNe}); err != nil {
		return err
	}
	if pin == nil {
		return nil
	}
	return i.pinCommand(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x02, P2: PINRefUser, Data: pin.Bytes()})
}

// Format prints a redaction for every verb: a Client may hold the keys of
// an open secure channel with the PIN verified.
func (i *Client) Format(f fmt.State, _ rune) { io.WriteString(f, "ias.Client(redacted)") }

// LogValue returns a redaction, for log/slog.
func (i *Client) LogValue() slog.Value { return slog.StringValue("ias.Client(redacted)") }
