package sco

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
)

// Key names an operator key.
type Key byte

// Operator keys of the ciekit SCO profile.
const (
	KeyAuthentication Key = 0x01 // TLS client authentication to CIEOnline
	KeySignature      Key = 0x02 // digital signature of requests
)

// String returns the name.
func (k Key) String() string {
	switch k {
	case KeyAuthentication:
		return "authentication"
	case KeySignature:
		return "signature"
	}
	return fmt.Sprintf("Key(%d)", byte(k))
}

// State is the life-cycle state of an operator card.
type State byte

// SCO states.
const (
	Issued  State = 1 // personalised, not yet activated by the Security Officer
	Active  State = 2 // activated: the operator PIN is set
	Revoked State = 3 // revoked for good
)

// String returns the name.
func (s State) String() string {
	switch s {
	case Issued:
		return "issued"
	case Active:
		return "active"
	case Revoked:
		return "revoked"
	}
	return fmt.Sprintf("State(%d)", byte(s))
}

// Profile constants of the ciekit SCO profile.
const (
	FIDInfo     uint16 = 0x0101
	FIDAuthCert uint16 = 0x0102
	FIDSignCert uint16 = 0x0103
	RefPIN      byte   = 0x81
	RefSO       byte   = 0x83
	AlgRSA      byte   = 0x02
	AlgECDSA    byte   = 0x04
)

var aidSCO = [...]byte{0xF0, 0x43, 0x49, 0x45, 0x4B, 0x49, 0x54, 0x53, 0x43, 0x4F}

// AID returns the application identifier of the ciekit SCO profile:
// F0 "CIEKITSCO" (proprietary, unregistered RID category F).
func AID() []byte { return append([]byte(nil), aidSCO[:]...) }

// Info is the card information file (FID 0101): template E1 with DO 80
// state (1 byte), 81 serial, 82 sede, 83 operator (codice fiscale), all
// ASCII.
type Info struct {
	State    State
	Serial   string
	Sede     string // "" until associated
	Operator string
}

// Marshal encodes the information file; card emulators use it.
func (i *Info) Marshal() []byte {
	var b tlv.Builder
	b.AddConstructed(0xE1, func(b *tlv.Builder) {
		b.Add(0x80, []byte{byte(i.State)})
		b.Add(0x81, []byte(i.Serial))
		if i.Sede != "" {
			b.Add(0x82, []byte(i.Sede))
		}
		b.Add(0x83, []byte(i.Operator))
	})
	return b.Bytes()
}

// ParseInfo decodes the information file. Malformed input gives a
// [*DataError].
func ParseInfo(b []byte) (*Info, error) {
	v, err := tlv.Unwrap(b, 0xE1)
	if err != nil {
		return nil, &scard.DataError{File: "SCO info", Msg: err.Error()}
	}
	if _, err := tlv.Decode(v); err != nil {
		return nil, &scard.DataError{File: "SCO info", Msg: err.Error()}
	}
	st, ok := tlv.Find(v, 0x80)
	if !ok || len(st) != 1 || st[0] < 1 || st[0] > 3 {
		return nil, &scard.DataError{File: "SCO info", Msg: "missing or bad state (DO 80)"}
	}
	i := &Info{State: State(st[0])}
	if x, ok := tlv.Find(v, 0x81); ok {
		i.Serial = string(x)
	}
	if x, ok := tlv.Find(v, 0x82); ok {
		i.Sede = string(x)
	}
	if x, ok := tlv.Find(v, 0x83); ok {
		i.Operator = string(x)
	}
	return i, nil
}

// Client speaks the ciekit SCO profile to an operator card. It
// caches certificates; it is not safe for concurrent use.
//
// This profile is ciekit's invention, so that the operator-card flows can
// be built and tested end to end; the real SCO's wire protocol is not
// public and a real SCO will not answer it.
//
// The ciekit SCO profile (all commands CLA 00, short APDUs; status words
// as in ISO/IEC 7816-4: 63Cx wrong PIN or password with x tries left,
// 6983 blocked, 6982 security status not satisfied, 6985 conditions of use
// not satisfied, 6A82 not found):
//
//	SELECT application      00 A4 04 0C 0A F0 43 49 45 4B 49 54 53 43 4F   (AID F0 "CIEKITSCO", see AID)
//	SELECT EF               00 A4 02 0C 02 <FID>
//	                        FID 0101 card information (TLV, see Info)
//	                        FID 0102 authentication certificate (X.509 DER)
//	                        FID 0103 signature certificate (X.509 DER)
//	READ BINARY             00 B0 <offset> <Le>
//	VERIFY operator PIN     00 20 00 81 <PIN, 8 ASCII digits>         3 tries
//	VERIFY master password  00 20 00 83 <8..32 ASCII characters>     5 tries; the Security Officer role
//	VERIFY (no data)        00 20 00 81 / 83                         63Cx: tries left, 9000: verified
//	activate (SO)           00 2C 02 81 <new PIN>                    RESET RETRY COUNTER: sets the PIN,
//	                                                                 state issued -> active
//	change PIN (operator)   00 24 00 81 <old PIN || new PIN>
//	associate sede (SO)     00 DA 00 82 <sede code, 1..32 ASCII>     PUT DATA of DO 82
//	revoke (SO)             00 E6 00 00                              TERMINATE DF: state -> revoked, for good
//	MSE:SET for signing     00 22 41 B6 06 80 01 <alg> 84 01 02      key 02 = signature key
//	sign (PIN)              00 2A 9E 9A <input> 00                   PSO: COMPUTE DIGITAL SIGNATURE
//	MSE:SET for auth        00 22 41 A4 06 80 01 <alg> 84 01 01      key 01 = authentication key
//	authenticate (PIN)      00 88 00 00 <input> 00                   INTERNAL AUTHENTICATE
//
// alg is 02 for RSA PKCS#1 v1.5 (input: the DER DigestInfo; the card adds
// the type-1 padding) or 04 for ECDSA (input: the hash; output: the DER
// ECDSA-Sig-Value). Signing and authentication need the operator PIN
// verified in the session and the card active; the SO operations need the
// master password verified in the session. A revoked card answers 6985 to
// everything but SELECT, READ BINARY and VERIFY.
type Client struct {
	c     *scard.Card
	certs map[Key]*x509.Certificate
}

// NewClient returns a client for the operator card behind c. Call
// [Client.Select] first (every method assumes the application is
// selected).
func NewClient(c *scard.Card) *Client {
	return &Client{c: c, certs: map[Key]*x509.Certificate{}}
}

// Select selects the SCO application. A card that is not an SCO of the
// ciekit profile gives an error unwrapping to [ErrNotFound].
func (s *Client) Select(ctx context.Context) error {
	if err := s.c.SelectAID(ctx, AID()); err != nil {
		return fmt.Errorf("selecting the SCO application: %w", err)
	}
	return nil
}

// Info reads the card information file.
func (s *Client) Info(ctx context.Context) (*Info, error) {
	b, err := s.c.ReadTLVFile(ctx, FIDInfo, "SCO info", nil)
	if err != nil {
		return nil, err
	}
	return ParseInfo(b)
}

func (s *Client) verify(ctx context.Context, ref byte, secret []byte) error {
	r, err := s.c.Send(ctx, scard.Command{INS: scard.InsVerify, P2: ref, Data: secret})
	if err != nil {
		return err
	}
	return r.Err(scard.InsVerify)
}

// Login verifies the operator PIN (8 digits). A wrong PIN gives a
// [*PINError] with the tries left; a blocked PIN a [*StatusError]
// unwrapping to [ErrAuthBlocked].
func (s *Client) Login(ctx context.Context, pin scard.PIN) error {
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	return s.verify(ctx, RefPIN, pin.Bytes())
}

// PINRetries returns the operator PIN tries left (-1 if verified in this
// session).
func (s *Client) PINRetries(ctx context.Context) (int, error) {
	return s.c.PINRetries(ctx, RefPIN)
}

// ChangePIN changes the operator PIN.
func (s *Client) ChangePIN(ctx context.Context, old, pin scard.PIN) error {
	if err := need8("PIN", old.Len()); err != nil {
		return err
	}
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	data := append(append(make([]byte, 0, 16), old.Bytes()...), pin.Bytes()...)
	defer clear(data)
	r, err := s.c.Send(ctx, scard.Command{INS: scard.InsChangeReferenceData, P2: RefPIN, Data: data})
	if err != nil {
		return err
	}
	return r.Err(scard.InsChangeReferenceData)
}

func (s *Client) so(ctx context.Context, pw MasterPassword) error {
	if err := s.verify(ctx, RefSO, pw.Bytes()); err != nil {
		return fmt.Errorf("verifying the master password: %w", err)
	}
	return nil
}

// Activate verifies the master password and sets the operator PIN; the
// card goes from issued to active. A wrong master password gives a
// [*PINError]; an already active or revoked card a [*StatusError]
// unwrapping to [ErrConditionsNotSatisfied].
func (s *Client) Activate(ctx context.Context, so MasterPassword, pin scard.PIN) error {
	if err := need8("PIN", pin.Len()); err != nil {
		return err
	}
	if err := s.so(ctx, so); err != nil {
		return err
	}
	r, err := s.c.Send(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x02, P2: RefPIN, Data: pin.Bytes()})
	if err != nil {
		return err
	}
	return r.Err(scard.InsResetRetryCounter)
}

// AssociateSede verifies the master password and records the sede code
// (1 to 32 printable ASCII characters) on the card.
func (s *Client) AssociateSede(ctx context.Context, so MasterPassword, sede string) error {
	if len(sede) < 1 || len(sede) > 32 {
		return fmt.Errorf("sco: sede code of %d characters, want 1 to 32: %w", len(sede), scard.ErrWrongData)
	}
	for i := 0; i < len(sede); i++ {
		if sede[i] < 0x20 || sede[i] > 0x7E {
			return fmt.Errorf("sco: sede code position %d is not printable ASCII: %w", i+1, scard.ErrWrongData)
		}
	}
	if err := s.so(ctx, so); err != nil {
		return err
	}
	r, err := s.c.Send(ctx, scard.Command{INS: scard.InsPutData, P1: 0x00, P2: 0x82, Data: []byte(sede)})
	if err != nil {
		return err
	}
	return r.Err(scard.InsPutData)
}

// Revoke verifies the master password and terminates the application:
// the card can no longer log in, sign or authenticate.
func (s *Client) Revoke(ctx context.Context, so MasterPassword) error {
	if err := s.so(ctx, so); err != nil {
		return err
	}
	r, err := s.c.Send(ctx, scard.Command{INS: scard.InsTerminateDF})
	if err != nil {
		return err
	}
	return r.Err(scard.InsTerminateDF)
}

// Certificate reads (once, then from cache) the certificate of key.
func (s *Client) Certificate(ctx context.Context, key Key) (*x509.Certificate, error) {
	if c, ok := s.certs[key]; ok {
		return c, nil
	}
	var fid uint16
	switch key {
	case KeyAuthentication:
		fid = FIDAuthCert
	case KeySignature:
		fid = FIDSignCert
	default:
		return nil, fmt.Errorf("sco: unknown SCO key %d: %w", byte(key), scard.ErrWrongParameters)
	}
	der, err := s.c.ReadTLVFile(ctx, fid, "SCO "+key.String()+" certificate", nil)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &scard.DataError{File: "SCO " + key.String() + " certificate", Msg: err.Error()}
	}
	s.certs[key] = cert
	return cert, nil
}

// digestInfo prefixes (RFC 8017 section 9.2 note 1).
var digestInfoOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   {1, 3, 14, 3, 2, 26},
	crypto.SHA224: {2, 16, 840, 1, 101, 3, 4, 2, 4},
	crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
}

func digestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	oid, ok := digestInfoOIDs[h]
	if !ok {
		return nil, fmt.Errorf("sco: hash %v not supported for RSA signatures", h)
	}
	type algID struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}
	type di struct {
		Alg    algID
		Digest []byte
	}
	return asn1.Marshal(di{Alg: algID{oid, asn1.RawValue{Tag: asn1.TagNull}}, Digest: digest})
}

// Sign signs digest (the hash of the message under opts.HashFunc()) with
// key, which must be logged in ([Client.Login]). RSA keys give PKCS#1
// v1.5 signatures (PSS options are refused); ECDSA keys give DER
// signatures. Without login the error unwraps to [ErrSecurityStatus].
func (s *Client) Sign(ctx context.Context, key Key, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	cert, err := s.Certificate(ctx, key)
	if err != nil {
		return nil, err
	}
	h := opts.HashFunc()
	if h != 0 && len(digest) != h.Size() {
		return nil, fmt.Errorf("sco: digest of %d bytes for %v: %w", len(digest), h, scard.ErrWrongData)
	}
	var alg byte
	input := digest
	switch cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if _, pss := opts.(*rsa.PSSOptions); pss {
			return nil, fmt.Errorf("sco: SCO profile signs with PKCS#1 v1.5 only: %w", scard.ErrNotSupported)
		}
		alg = AlgRSA
		if h != 0 {
			if input, err = digestInfo(h, digest); err != nil {
				return nil, err
			}
		}
	case *ecdsa.PublicKey:
		alg = AlgECDSA
	default:
		return nil, fmt.Errorf("sco: SCO certificate key %T: %w", cert.PublicKey, scard.ErrNotSupported)
	}
	var mse, op scard.Command
	if key == KeySignature {
		mse = scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xB6, Data: []byte{0x80, 0x01, alg, 0x84, 0x01, byte(key)}}
		op = scard.Command{INS: scard.InsPerformSecurityOperation, P1: 0x9E, P2: 0x9A, Data: input, Ne: scard.MaxShortNe}
	} else {
		mse = scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, alg, 0x84, 0x01, byte(key)}}
		op = scard.Command{INS: scard.InsInternalAuthenticate, Data: input, Ne: scard.MaxShortNe}
	}
	if _, err := s.c.Do(ctx, mse); err != nil {
		return nil, fmt.Errorf("signing with the SCO %v key: %w", key, err)
	}
	sig, err := s.c.Do(ctx, op)
	if err != nil {
		return nil, fmt.Errorf("signing with the SCO %v key: %w", key, err)
	}
	return sig, nil
}

// Signer returns a [crypto.Signer] for key, for use as the private key of
// a tls.Certificate (mutual TLS to CIEOnline) or to sign documents. Its
// Sign method has no context and uses context.Background(); the card must
// be logged in and the certificate must have been read or be readable.
// RSA keys sign with PKCS#1 v1.5 only, so with RSA cards limit TLS to
// version 1.2 (TLS 1.3 requires RSA-PSS); ECDSA keys work with both.
func (s *Client) Signer(ctx context.Context, key Key) (crypto.Signer, error) {
	cert, err := s.Certificate(ctx, key)
	if err != nil {
		return nil, err
	}
	return &scoSigner{s: s, key: key, pub: cert.PublicKey}, nil
}

type scoSigner struct {
	s   *Client
	key Key
	pub crypto.PublicKey
}

func (k *scoSigner) Public() crypto.PublicKey { return k.pub }

func (k *scoSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.s.Sign(context.Background(), k.key, digest, opts)
}

// need8 checks that a PIN has the 8 digits the operator card requires.
func need8(kind string, n int) error {
	if n != 8 {
		return fmt.Errorf("sco: the operator card %s has 8 digits, got %d: %w", kind, n, scard.ErrInvalidKey)
	}
	return nil
}
