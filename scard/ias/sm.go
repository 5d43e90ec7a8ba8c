package ias

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
)

// smChunk is the largest plain data field the middleware puts in one
// secure-messaging command; longer data goes in a chain of such commands
// (IAS::SendAPDU_SM). With it every wrapped command fits a short APDU.
const smChunk = 0xE7

// session is the IAS secure-messaging state: 3DES session keys from the
// DH key agreement and the 8-byte send sequence counter. It prints as a
// redaction under every verb.
type session struct {
	kenc, kmac secret.Value
	ssc        [8]byte
}

// Format prints a redaction for every verb.
func (s *session) Format(f fmt.State, _ rune) { io.WriteString(f, "ias.session(redacted)") }

// LogValue returns a redaction.
func (s *session) LogValue() slog.Value { return slog.StringValue("ias.session(redacted)") }

// MarshalJSON returns a redaction.
func (s *session) MarshalJSON() ([]byte, error) { return []byte(`"ias.session(redacted)"`), nil }

func (s *session) close() {
	if s == nil {
		return
	}
	s.kenc.Zero()
	s.kmac.Zero()
	clear(s.ssc[:])
}

// inc adds one to the SSC, big-endian, wrapping at the top (the
// middleware's IAS::increment never ends on an all-FF counter; this one
// wraps).
func (s *session) inc() {
	for i := len(s.ssc) - 1; i >= 0; i-- {
		s.ssc[i]++
		if s.ssc[i] != 0 {
			return
		}
	}
}

func isoPad(b []byte) []byte {
	out := append(b, 0x80)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return out
}

func (s *session) mac(data []byte) ([]byte, error) {
	in := make([]byte, 0, 8+len(data)+8)
	in = append(in, s.ssc[:]...)
	in = append(in, data...)
	return scard.CipherTDES.MAC(secret.Reveal(s.kmac), in)
}

// wrap protects cmd as the IAS secure messaging does (IAS ECC 7.1.9, as
// the public middleware implements it in IAS::SM): SSC incremented first;
// CLA |= 0C; data enciphered with 3DES-CBC (IV zero, ISO padding) in DO 87
// (01 || cryptogram) for even INS or DO 85 for odd INS; Le in DO 97 (one
// byte, 00 for 256); DO 8E with the retail MAC over SSC || padded header
// || the DOs; the wrapped command carries Le 00.
func (s *session) wrap(cmd scard.Command) (scard.Command, error) {
	s.inc()
	cla := cmd.CLA | scard.ClaSM
	in := isoPad([]byte{cla, cmd.INS, cmd.P1, cmd.P2})
	var dos []byte
	if len(cmd.Data) > 0 {
		plain := isoPad(append([]byte(nil), cmd.Data...))
		ct, err := scard.CipherTDES.Encrypt(secret.Reveal(s.kenc), nil, plain)
		clear(plain) // may hold a PIN
		if err != nil {
			return scard.Command{}, err
		}
		if cmd.INS&1 == 0 {
			dos = tlv.Append(dos, 0x87, append([]byte{0x01}, ct...))
		} else {
			dos = tlv.Append(dos, 0x85, ct)
		}
	}
	if cmd.Ne > 0 {
		if cmd.Ne > scard.MaxShortNe {
			return scard.Command{}, &scard.APDUError{Offset: 4, Msg: fmt.Sprintf("Le %d: IAS secure messaging carries one Le byte", cmd.Ne)}
		}
		dos = tlv.Append(dos, 0x97, []byte{byte(cmd.Ne)})
	}
	m, err := s.mac(append(in, dos...))
	if err != nil {
		return scard.Command{}, err
	}
	dos = tlv.Append(dos, 0x8E, m)
	return scard.Command{CLA: cla, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2, Data: dos, Ne: scard.MaxShortNe}, nil
}

// protectedSW reports whether a response with this status word carries
// secure-messaging data objects. The middleware (IAS::getResp_SM)
// unwraps 9000, 6282 and 6B00 and takes every other status word as it
// comes, without touching the SSC.
func protectedSW(sw uint16) bool {
	return sw == scard.SWSuccess || sw == scard.SWEndOfFile || sw == scard.SWWrongP1P2
}

// unwrap checks and deciphers a protected response. A response with no
// data and a status word other than 9000, 6282, 6B00 is returned as it is
// and leaves the SSC alone, as the middleware does. Otherwise the SSC is
// incremented, the DOs must be 87 or 85 (optional), 99 and 8E in this
// order, the MAC must match, and the status word is that of DO 99. Errors
// are [*scard.SMError] values (unwrapping to [scard.ErrSecureMessaging]).
func (s *session) unwrap(r scard.Response) (scard.Response, error) {
	if len(r.Data) == 0 && !protectedSW(r.SW) {
		return r, nil
	}
	s.inc()
	return unwrapResponse(r.Data, s)
}

// unwrapResponse parses the DOs of a protected response body. With s nil
// it checks only the structure (for fuzzing).
func unwrapResponse(body []byte, s *session) (scard.Response, error) {
	p := tlv.Parser(body)
	var (
		crypto, sw []byte
		odd, mac   bool
	)
	for !p.Empty() {
		start := len(body) - len(p)
		var t tlv.Tag
		var v []byte
		if !p.Read(&t, &v) {
			return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("malformed data object at byte %d", start)}
		}
		switch t {
		case 0x87, 0x85:
			if crypto != nil || sw != nil {
				return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("DO %s out of order", t)}
			}
			if len(v) == 0 {
				return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("empty DO %s", t)}
			}
			crypto, odd = v, t == 0x85
		case 0x99:
			if sw != nil {
				return scard.Response{}, &scard.SMError{Msg: "duplicate DO 99"}
			}
			if len(v) != 2 {
				return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("DO 99 of %d bytes, want 2", len(v))}
			}
			sw = v
		case 0x8E:
			if len(v) != 8 {
				return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("DO 8E of %d bytes, want 8", len(v))}
			}
			if !p.Empty() {
				return scard.Response{}, &scard.SMError{Msg: "data after DO 8E"}
			}
			if s != nil {
				want, err := s.mac(body[:start])
				if err != nil {
					return scard.Response{}, err
				}
				if subtle.ConstantTimeCompare(want, v) != 1 {
					return scard.Response{}, &scard.SMError{Msg: "response MAC mismatch"}
				}
			}
			mac = true
		default:
			return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("unexpected DO %s", t)}
		}
	}
	if !mac {
		return scard.Response{}, &scard.SMError{Msg: "missing DO 8E"}
	}
	if sw == nil {
		return scard.Response{}, &scard.SMError{Msg: "missing DO 99"}
	}
	out := scard.Response{SW: uint16(sw[0])<<8 | uint16(sw[1])}
	if crypto == nil {
		return out, nil
	}
	ct := crypto
	if !odd {
		if ct[0] != 0x01 {
			return scard.Response{}, &scard.SMError{Msg: "DO 87 without padding indicator 01"}
		}
		ct = ct[1:]
	}
	if len(ct) == 0 || len(ct)%8 != 0 {
		return scard.Response{}, &scard.SMError{Msg: fmt.Sprintf("cryptogram of %d bytes, not a positive multiple of 8", len(ct))}
	}
	if s == nil {
		return out, nil
	}
	plain, err := scard.CipherTDES.Decrypt(secret.Reveal(s.kenc), nil, ct)
	if err != nil {
		return scard.Response{}, &scard.SMError{Msg: "cryptogram does not decipher"}
	}
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 0x80 {
		return scard.Response{}, &scard.SMError{Msg: "bad padding in cryptogram"}
	}
	out.Data = plain[:i]
	return out, nil
}
