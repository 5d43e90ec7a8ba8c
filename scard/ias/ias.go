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
	"time"

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
// internal authentication and PIN/PUK management. Not safe for concurrent
// use (it shares the [Card]).
//
// # Compatibility
//
// Real CIEs require the IAS secure channel (DH key agreement and DAPP
// device authentication) before VERIFY PIN and before reading EF 1003;
// ciekit does not implement that channel (its terminal keys are only
// published inside third-party code that may not be copied). The PIN
// methods therefore work with the simulator and with cards or channels
// that accept them in the clear; the NIS path needs no PIN and works with
// real cards.
type Client struct {
	c *scard.Card
}

// NewClient returns an IAS client over c.
func NewClient(c *scard.Card) *Client { return &Client{c: c} }

// Select selects the IAS application (or, on chips that do not know its
// AID, the MF, as the CIE middleware does for NXP chips) and then the CIE DF.
func (i *Client) Select(ctx context.Context) error {
	if err := i.c.SelectAID(ctx, AID()); err != nil {
		// NXP and newer chips: the CIE middleware selects the MF instead.
		if !errors.Is(err, scard.ErrNotFound) {
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
// gives a [*DataError].
func (i *Client) ReadNIS(ctx context.Context) (string, error) {
	r, err := i.c.Send(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, P2: 0x00, Ne: 12})
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

// ReadSerial reads EF.Serial (1002) whole.
func (i *Client) ReadSerial(ctx context.Context) ([]byte, error) {
	return i.c.ReadFile(ctx, FIDSerial, "EF.Serial")
}

// ReadServicesKey reads EF.Servizi_Int.Kpub (1005): the RSA public key of
// the NIS internal authentication, as PKCS#1 RSAPublicKey or
// SubjectPublicKeyInfo DER. It returns the key and the raw file.
func (i *Client) ReadServicesKey(ctx context.Context) (*rsa.PublicKey, []byte, error) {
	raw, err := i.c.ReadTLVFile(ctx, FIDServiziKpub, "EF.Servizi_Int.Kpub", nil)
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

// ReadCertificate reads the CIE authentication certificate (EF 1003). The
// card releases it only after [Client.VerifyPIN]; before, the error unwraps to
// [ErrSecurityStatus].
func (i *Client) ReadCertificate(ctx context.Context) (*x509.Certificate, error) {
	der, err := i.c.ReadTLVFile(ctx, FIDCertCIE, "EF.CertCIE", nil)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &scard.DataError{File: "EF.CertCIE", Msg: err.Error()}
	}
	return cert, nil
}

// ReadSOD reads the IAS document security object (EF 1006).
func (i *Client) ReadSOD(ctx context.Context) ([]byte, error) {
	return i.c.ReadTLVFile(ctx, FIDSOD, "IAS EF.SOD", nil)
}

// InternalAuthenticate has the card sign challenge with the NIS
// internal-authentication key (SDO 0x83, RSA PKCS#1 v1.5 without
// DigestInfo): MSE:SET 00 22 41 A4 [80 01 02 84 01 83], then INTERNAL
// AUTHENTICATE 00 88 00 00. It returns the signature.
func (i *Client) InternalAuthenticate(ctx context.Context, challenge []byte) ([]byte, error) {
	mse := scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, KeyRefServiziInt}}
	if _, err := i.c.Do(ctx, mse); err != nil {
		return nil, fmt.Errorf("internal authentication: MSE:SET: %w", err)
	}
	sig, err := i.c.Do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge, Ne: scard.MaxShortNe})
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

// pinErr converts the status of a PIN command into the documented errors.
func pinErr(r scard.Response, ins byte) error {
	return r.Err(ins)
}

func need8(kind string, n int) error {
	if n != 8 {
		return fmt.Errorf("ias: the CIE %s has 8 digits, got %d: %w", kind, n, scard.ErrInvalidKey)
	}
	return nil
}

// VerifyPIN verifies the user PIN (VERIFY 00 20 00 81). A wrong PIN gives
// a [*PINError] with the tries left (unwrapping to [ErrWrongPIN], and to
// [ErrAuthBlocked] at zero); an already blocked PIN a [*StatusError]
// unwrapping to [ErrAuthBlocked]. The CIE PIN has 8 digits.
func (i *Client) VerifyPIN(ctx context.Context, pin scard.PIN) error {
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	r, err := i.c.Send(ctx, scard.Command{INS: scard.InsVerify, P2: PINRefUser, Data: pin.Bytes()})
	if err != nil {
		return err
	}
	return pinErr(r, scard.InsVerify)
}

// PINRetries asks how many PIN tries are left (VERIFY without data, ISO/IEC
// 7816-4 clause 11.5.6). It returns 0 with a [*StatusError] unwrapping to
// [ErrAuthBlocked] when blocked, and -1 with nil if the PIN is already
// verified in this session.
func (i *Client) PINRetries(ctx context.Context) (int, error) {
	return i.c.PINRetries(ctx, PINRefUser)
}

// VerifyPUK verifies the PUK (VERIFY 00 20 00 82); errors as [Client.VerifyPIN].
func (i *Client) VerifyPUK(ctx context.Context, puk scard.PUK) error {
	if err := need8("PUK", puk.Len()); err != nil {
		return err
	}
	r, err := i.c.Send(ctx, scard.Command{INS: scard.InsVerify, P2: PINRefPUK, Data: puk.Bytes()})
	if err != nil {
		return err
	}
	return pinErr(r, scard.InsVerify)
}

// ChangePIN replaces the PIN (CHANGE REFERENCE DATA 00 24 00 81 with
// old||new); errors as [Client.VerifyPIN].
func (i *Client) ChangePIN(ctx context.Context, old, pin scard.PIN) error {
	if err := need8("PIN", old.Len()); err != nil {
		return err
	}
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	data := append(append(make([]byte, 0, 16), old.Bytes()...), pin.Bytes()...)
	defer clear(data)
	r, err := i.c.Send(ctx, scard.Command{INS: scard.InsChangeReferenceData, P2: PINRefUser, Data: data})
	if err != nil {
		return err
	}
	return pinErr(r, scard.InsChangeReferenceData)
}

// UnblockPIN verifies the PUK and resets the PIN retry counter (RESET
// RETRY COUNTER 00 2C 03 81), or, when pin is non-nil, also sets a new PIN
// (00 2C 02 81 with the new PIN). A wrong PUK gives a [*PINError] for the
// PUK's counter.
func (i *Client) UnblockPIN(ctx context.Context, puk scard.PUK, pin *scard.PIN) error {
	if err := i.VerifyPUK(ctx, puk); err != nil {
		return err
	}
	cmd := scard.Command{INS: scard.InsResetRetryCounter, P1: 0x03, P2: PINRefUser}
	if pin != nil {
		if err := need8("PIN", pin.Len()); err != nil {
			return err
		}
		cmd.P1, cmd.Data = 0x02, pin.Bytes()
	}
	r, err := i.c.Send(ctx, cmd)
	if err != nil {
		return err
	}
	return pinErr(r, scard.InsResetRetryCounter)
}
