package scard

import (
	"crypto/cipher"
	"crypto/subtle"
	"fmt"
	"log/slog"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/internal/tlv"
)

// SecureMessaging is one ISO/IEC 7816-4 secure-messaging session as ICAO
// Doc 9303-11 clause 9.8 specifies it: command data encrypted in DO 87
// (DO 85 for odd instructions), Le in DO 97, the response status word in
// DO 99 and a MAC in DO 8E over the send sequence counter (SSC), the padded
// header and the data objects.
//
// It serves both sides. The terminal calls [SecureMessaging.WrapCommand]
// then [SecureMessaging.UnwrapResponse]; a card emulator calls
// [SecureMessaging.UnwrapCommand] then [SecureMessaging.WrapResponse]. Each
// of the four calls increments the SSC first, so the two sides stay in step
// exactly as on a real card. A card emulator that gets an error from
// UnwrapCommand should answer with the plain status word 6988 (or 6987 for
// missing objects) and discard the session, as ICAO requires.
//
// A card may also answer a protected command with a bare error status
// word (see [PlainSMStatus]): UnwrapResponse returns it as it is and
// leaves the SSC alone, and a card emulator that answers so does not call
// WrapResponse, so the session goes on with both counters in step.
//
// With [CipherTDES] the SSC is 8 bytes, encryption is 3DES-CBC with a zero
// IV and the MAC is ISO/IEC 9797-1 algorithm 3. With AES the SSC is 16
// bytes, the IV is E(K_enc, SSC) and the MAC is CMAC truncated to 8 bytes.
//
// A SecureMessaging is not safe for concurrent use.
//
// Its keys are held as redacting values: a SecureMessaging (or a [Card]
// holding one) prints no key material under any fmt verb or log handler.
type SecureMessaging struct {
	c    Cipher
	enc  cipher.Block
	kmac secret.Value
	mblk cipher.Block // AES MAC block
	ssc  []byte
}

// NewSecureMessaging starts a session with the session keys kEnc and kMac
// (KeyLen bytes each) and the initial send sequence counter ssc
// (BlockSize bytes; nil means all zeros, as after PACE). The keys and SSC
// are copied.
func NewSecureMessaging(c Cipher, kEnc, kMac, ssc []byte) (*SecureMessaging, error) {
	enc, err := newBlock(c, kEnc)
	if err != nil {
		return nil, err
	}
	s := &SecureMessaging{c: c, enc: enc, kmac: secret.New(kMac)}
	if len(kMac) != c.KeyLen() {
		return nil, fmt.Errorf("scard: %v MAC key of %d bytes, want %d", c, len(kMac), c.KeyLen())
	}
	if c != CipherTDES {
		if s.mblk, err = newBlock(c, kMac); err != nil {
			return nil, err
		}
	}
	s.ssc = make([]byte, c.BlockSize())
	if ssc != nil {
		if len(ssc) != c.BlockSize() {
			return nil, fmt.Errorf("scard: SSC of %d bytes, want %d", len(ssc), c.BlockSize())
		}
		copy(s.ssc, ssc)
	}
	return s, nil
}

// Format prints the cipher and a redaction for every verb.
func (s *SecureMessaging) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "SecureMessaging(%v, %s)", s.c, secret.Redacted)
}

// LogValue returns a redaction, for log/slog.
func (s *SecureMessaging) LogValue() slog.Value { return slog.StringValue("SecureMessaging(redacted)") }

// MarshalJSON returns a redaction.
func (s *SecureMessaging) MarshalJSON() ([]byte, error) {
	return []byte(`"SecureMessaging(redacted)"`), nil
}

// Cipher returns the session's cipher.
func (s *SecureMessaging) Cipher() Cipher { return s.c }

// SSC returns a copy of the current send sequence counter.
func (s *SecureMessaging) SSC() []byte { return append([]byte(nil), s.ssc...) }

func (s *SecureMessaging) inc() {
	for i := len(s.ssc) - 1; i >= 0; i-- {
		s.ssc[i]++
		if s.ssc[i] != 0 {
			return
		}
	}
}

func (s *SecureMessaging) bs() int { return s.c.BlockSize() }

func (s *SecureMessaging) iv() []byte {
	if s.c == CipherTDES {
		return nil
	}
	iv := make([]byte, 16)
	s.enc.Encrypt(iv, s.ssc)
	return iv
}

// mac computes the 8-byte MAC of SSC || data, padded.
func (s *SecureMessaging) mac(data []byte) []byte {
	in := make([]byte, 0, len(s.ssc)+len(data)+16)
	in = append(in, s.ssc...)
	in = append(in, data...)
	if s.c == CipherTDES {
		return retailMAC(secret.Reveal(s.kmac), in)
	}
	return cmac(s.mblk, pad(in, 16))[:8]
}

func (s *SecureMessaging) encrypt(plain []byte) []byte {
	return cbcEncrypt(s.enc, s.iv(), pad(plain, s.bs()))
}

func (s *SecureMessaging) decrypt(ct []byte) ([]byte, error) {
	p, ok := cbcDecrypt(s.enc, s.iv(), ct)
	if !ok {
		return nil, &SMError{Msg: "cryptogram length not a multiple of the block size"}
	}
	u, ok := unpad(p)
	if !ok {
		return nil, &SMError{Msg: "bad padding in cryptogram"}
	}
	return u, nil
}

func leBytes(ne int) []byte {
	if ne <= MaxShortNe {
		return []byte{byte(ne)}
	}
	return []byte{byte(ne >> 8), byte(ne)}
}

// WrapCommand protects a plain command (terminal side). The result has
// CLA|0C and Ne 256 (or 65536 if extended lengths are needed): the outer
// Le is always present, 00 (or 0000), as the CIE middleware, PagoPA's CIE
// SDK and JMRTD send it. A non-zero cmd.Ne goes in DO 97 as one byte up to
// 256 (256 as 00) and as two bytes above (65536 as 0000), JMRTD's and
// OpenSC's encoding; Ne 0 sends no DO 97. Readers should keep Ne at or
// below 0xDF for protected reads, so that the answer fits a short APDU
// and chips without extended lengths answer (SM.md).
func (s *SecureMessaging) WrapCommand(cmd Command) (Command, error) {
	if cmd.Ne < 0 || cmd.Ne > MaxExtendedNe {
		return Command{}, &APDUError{Offset: 4, Msg: fmt.Sprintf("Ne %d outside 0..%d", cmd.Ne, MaxExtendedNe)}
	}
	s.inc()
	cla := cmd.CLA | ClaSM
	hdr := pad([]byte{cla, cmd.INS, cmd.P1, cmd.P2}, s.bs())
	var dos []byte
	if len(cmd.Data) > 0 {
		ct := s.encrypt(cmd.Data)
		if cmd.INS&1 == 0 {
			dos = tlv.Append(dos, 0x87, append([]byte{0x01}, ct...))
		} else {
			dos = tlv.Append(dos, 0x85, ct)
		}
	}
	if cmd.Ne > 0 {
		dos = tlv.Append(dos, 0x97, leBytes(cmd.Ne))
	}
	m := s.mac(append(hdr, dos...))
	dos = tlv.Append(dos, 0x8E, m)
	out := Command{CLA: cla, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2, Data: dos, Ne: MaxShortNe}
	if len(dos) > MaxShortData || cmd.Ne > MaxShortNe {
		out.Ne = MaxExtendedNe
	}
	return out, nil
}

// PlainSMStatus reports whether a card may answer a secure-messaging
// command with the bare status word sw (no data field, no DO 99, no MAC).
// It is every status word but 9000, 61xx and 62xx: those report a
// command carried out, possibly with data, and must come protected. It is
// the one rule both sides of a [SecureMessaging] session follow:
//
//   - 6987 and 6988 (SM data objects missing or incorrect, ISO/IEC 7816-4)
//     mean the card has ended secure messaging and discarded its keys
//     (ICAO Doc 9303-11 9.8); [Card] then drops its session too.
//   - Any other such status word (6A82, 6982, 63Cx, 6983, ...) is an error
//     that leaves the session running, and the response is not counted in
//     the send sequence counter: [SecureMessaging.UnwrapResponse] returns
//     it without incrementing the SSC, and a card emulator answers it
//     without [SecureMessaging.WrapResponse]. The next protected command
//     works on both sides.
//
// ICAO Doc 9303-11 expects every response under secure messaging to be
// protected except these SM errors, so it does not say what a counter
// does after a plain error. The rule follows the implementations that
// keep the session through one; none of them counts it: the official CIE
// middleware (italia/cie-middleware-linux IAS::getResp_SM unwraps only
// 9000, 6282 and 6B00 and leaves the SSC alone otherwise), PagoPA's CIE
// SDK for the eMRTD after PACE (ApduSecureMessageManager.getRespSM, the
// same), JMRTD (SecureMessagingAPDUSender.transmit never unwraps, so
// never counts, a 2-byte response) and vsmartcard's ePass emulator (it
// counts only the responses it MACs). OpenSC's iso-sm counts it but ends
// its session on it. scard/SM.md has the evidence.
func PlainSMStatus(sw uint16) bool {
	return sw != SWSuccess && sw>>8 != 0x61 && sw>>8 != 0x62
}

// UnwrapResponse verifies and decrypts a protected response (terminal
// side). A response without data whose status word is a plain error
// ([PlainSMStatus]) is returned as is, and the SSC is not incremented for
// it; the caller decides whether the session goes on (it ends on 6987 and
// 6988). Other failures give an [*SMError], after incrementing the SSC.
func (s *SecureMessaging) UnwrapResponse(r Response) (Response, error) {
	if len(r.Data) == 0 && PlainSMStatus(r.SW) {
		return r, nil
	}
	s.inc()
	if len(r.Data) == 0 {
		return Response{}, &SMError{Msg: fmt.Sprintf("response %04X without SM data objects", r.SW)}
	}
	p := tlv.Parser(r.Data)
	var (
		crypto, sw, mac []byte
		odd, have99     bool
	)
	for !p.Empty() {
		start := len(r.Data) - len(p)
		var t tlv.Tag
		var v []byte
		if !p.Read(&t, &v) {
			return Response{}, &SMError{Msg: fmt.Sprintf("malformed data object at byte %d", start)}
		}
		switch t {
		case 0x87, 0x85:
			if crypto != nil || have99 || mac != nil {
				return Response{}, &SMError{Msg: fmt.Sprintf("DO %s out of order", t)}
			}
			crypto, odd = v, t == 0x85
		case 0x99:
			if have99 || mac != nil {
				return Response{}, &SMError{Msg: "DO 99 out of order"}
			}
			if len(v) != 2 {
				return Response{}, &SMError{Msg: fmt.Sprintf("DO 99 of %d bytes, want 2", len(v))}
			}
			sw, have99 = v, true
		case 0x8E:
			if mac != nil {
				return Response{}, &SMError{Msg: "duplicate DO 8E"}
			}
			mac = v
			if !p.Empty() {
				return Response{}, &SMError{Msg: "data after DO 8E"}
			}
			if got := s.mac(r.Data[:start]); len(mac) != 8 || subtle.ConstantTimeCompare(got, mac) != 1 {
				return Response{}, &SMError{Msg: "response MAC mismatch"}
			}
		default:
			return Response{}, &SMError{Msg: fmt.Sprintf("unexpected DO %s", t)}
		}
	}
	if mac == nil {
		return Response{}, &SMError{Msg: "missing DO 8E"}
	}
	if !have99 {
		return Response{}, &SMError{Msg: "missing DO 99"}
	}
	out := Response{SW: uint16(sw[0])<<8 | uint16(sw[1])}
	if crypto != nil {
		ct := crypto
		if !odd {
			if len(ct) < 1 || ct[0] != 0x01 {
				return Response{}, &SMError{Msg: "DO 87 without padding indicator 01"}
			}
			ct = ct[1:]
		}
		plain, err := s.decrypt(ct)
		if err != nil {
			return Response{}, err
		}
		out.Data = plain
	}
	return out, nil
}

// UnwrapCommand verifies and decrypts a protected command (card side, for
// card emulators). The result has the SM bits cleared from CLA, the plain
// data and the Ne from DO 97 (0 if absent). Failures give an [*SMError];
// the emulator should then answer 6988 in plain and end the session.
func (s *SecureMessaging) UnwrapCommand(cmd Command) (Command, error) {
	s.inc()
	if cmd.CLA&ClaSM != ClaSM {
		return Command{}, &SMError{Msg: "command not SM-protected (CLA bits 0C clear)"}
	}
	hdr := pad([]byte{cmd.CLA, cmd.INS, cmd.P1, cmd.P2}, s.bs())
	p := tlv.Parser(cmd.Data)
	var (
		crypto, le, mac []byte
		odd, haveLe     bool
	)
	for !p.Empty() {
		start := len(cmd.Data) - len(p)
		var t tlv.Tag
		var v []byte
		if !p.Read(&t, &v) {
			return Command{}, &SMError{Msg: fmt.Sprintf("malformed data object at byte %d", start)}
		}
		switch t {
		case 0x87, 0x85:
			if crypto != nil || haveLe || mac != nil {
				return Command{}, &SMError{Msg: fmt.Sprintf("DO %s out of order", t)}
			}
			crypto, odd = v, t == 0x85
		case 0x97:
			if haveLe || mac != nil {
				return Command{}, &SMError{Msg: "DO 97 out of order"}
			}
			if len(v) > 2 {
				return Command{}, &SMError{Msg: fmt.Sprintf("DO 97 of %d bytes, want at most 2", len(v))}
			}
			le, haveLe = v, true
		case 0x8E:
			if mac != nil {
				return Command{}, &SMError{Msg: "duplicate DO 8E"}
			}
			mac = v
			if !p.Empty() {
				return Command{}, &SMError{Msg: "data after DO 8E"}
			}
			in := append(hdr, cmd.Data[:start]...)
			if got := s.mac(in); len(mac) != 8 || subtle.ConstantTimeCompare(got, mac) != 1 {
				return Command{}, &SMError{Msg: "command MAC mismatch"}
			}
		default:
			return Command{}, &SMError{Msg: fmt.Sprintf("unexpected DO %s", t)}
		}
	}
	if mac == nil {
		return Command{}, &SMError{Msg: "missing DO 8E"}
	}
	out := Command{CLA: cmd.CLA &^ ClaSM, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2}
	if haveLe {
		switch len(le) {
		case 0:
		case 1:
			out.Ne = int(le[0])
			if out.Ne == 0 {
				out.Ne = MaxShortNe
			}
		case 2:
			out.Ne = int(le[0])<<8 | int(le[1])
			if out.Ne == 0 {
				out.Ne = MaxExtendedNe
			}
		}
	}
	if crypto != nil {
		ct := crypto
		if !odd {
			if len(ct) < 1 || ct[0] != 0x01 {
				return Command{}, &SMError{Msg: "DO 87 without padding indicator 01"}
			}
			ct = ct[1:]
		}
		plain, err := s.decrypt(ct)
		if err != nil {
			return Command{}, err
		}
		out.Data = plain
	}
	return out, nil
}

// WrapResponse protects a plain response (card side, for card emulators):
// data in DO 87, the status word in DO 99, the MAC in DO 8E. The outer
// status word is r.SW.
func (s *SecureMessaging) WrapResponse(r Response) (Response, error) {
	s.inc()
	var dos []byte
	if len(r.Data) > 0 {
		dos = tlv.Append(dos, 0x87, append([]byte{0x01}, s.encrypt(r.Data)...))
	}
	dos = tlv.Append(dos, 0x99, []byte{r.SW1(), r.SW2()})
	dos = tlv.Append(dos, 0x8E, s.mac(dos))
	return Response{Data: dos, SW: r.SW}, nil
}
