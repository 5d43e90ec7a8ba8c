package scard

import (
	"encoding/hex"
	"fmt"
)

// Instruction bytes (ISO/IEC 7816-4 clause 5.1.2, table 4).
const (
	InsSelect                    byte = 0xA4
	InsReadBinary                byte = 0xB0
	InsReadBinaryOdd             byte = 0xB1 // offset in DO 54, for files over 32 KiB
	InsUpdateBinary              byte = 0xD6
	InsGetChallenge              byte = 0x84
	InsExternalAuthenticate      byte = 0x82 // also MUTUAL AUTHENTICATE
	InsInternalAuthenticate      byte = 0x88
	InsGeneralAuthenticate       byte = 0x86
	InsManageSecurityEnvironment byte = 0x22
	InsPerformSecurityOperation  byte = 0x2A
	InsVerify                    byte = 0x20
	InsChangeReferenceData       byte = 0x24
	InsResetRetryCounter         byte = 0x2C
	InsGetResponse               byte = 0xC0
	InsGetData                   byte = 0xCB
	InsPutData                   byte = 0xDA
	InsPutDataOdd                byte = 0xDB
	InsTerminateDF               byte = 0xE6 // ISO/IEC 7816-9
)

// Class byte bits (ISO/IEC 7816-4 clause 5.1.1).
const (
	ClaChaining byte = 0x10 // command chaining: more commands follow
	ClaSM       byte = 0x0C // secure messaging with authenticated header
)

// Status words (ISO/IEC 7816-4 clause 5.1.3).
const (
	SWSuccess                    uint16 = 0x9000
	SWEndOfFile                  uint16 = 0x6282
	SWNoInformation              uint16 = 0x6300
	SWWrongLength                uint16 = 0x6700
	SWSecurityStatusNotSatisfied uint16 = 0x6982
	SWAuthMethodBlocked          uint16 = 0x6983
	SWConditionsNotSatisfied     uint16 = 0x6985
	SWSMObjectsMissing           uint16 = 0x6987
	SWSMObjectsIncorrect         uint16 = 0x6988
	SWWrongData                  uint16 = 0x6A80
	SWFunctionNotSupported       uint16 = 0x6A81
	SWFileNotFound               uint16 = 0x6A82
	SWIncorrectP1P2              uint16 = 0x6A86
	SWRefDataNotFound            uint16 = 0x6A88
	SWWrongP1P2                  uint16 = 0x6B00
	SWWrongOffset                uint16 = SWWrongP1P2
	SWInsNotSupported            uint16 = 0x6D00
	SWClaNotSupported            uint16 = 0x6E00
	SWUnknown                    uint16 = 0x6F00
)

// Maximum lengths of the data field and of Ne.
const (
	MaxShortData    = 255
	MaxShortNe      = 256
	MaxExtendedData = 65535
	MaxExtendedNe   = 65536
)

// Command is a command APDU (ISO/IEC 7816-4 clause 5.1, ISO/IEC 7816-3
// clause 12.1). Ne is the maximum number of response data bytes expected:
// 0 means no Le field, 256 is encoded as short Le 00, 65536 as extended
// Le 0000. The zero value is the (useless but valid) command 00 00 00 00.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Ne               int
}

// Extended reports whether the command needs extended length fields: a data
// field over 255 bytes or Ne over 256.
func (c Command) Extended() bool {
	return len(c.Data) > MaxShortData || c.Ne > MaxShortNe
}

// Bytes encodes the command, choosing short or extended length fields as
// needed. It returns an [*APDUError] if Data exceeds 65535 bytes or Ne is
// outside 0..65536.
func (c Command) Bytes() ([]byte, error) {
	return c.Append(nil)
}

// Append appends the encoding of c to dst; see [Command.Bytes].
func (c Command) Append(dst []byte) ([]byte, error) {
	if len(c.Data) > MaxExtendedData {
		return nil, &APDUError{Offset: 4, Msg: fmt.Sprintf("data field of %d bytes exceeds %d", len(c.Data), MaxExtendedData)}
	}
	if c.Ne < 0 || c.Ne > MaxExtendedNe {
		return nil, &APDUError{Offset: 4, Msg: fmt.Sprintf("Ne %d outside 0..%d", c.Ne, MaxExtendedNe)}
	}
	dst = append(dst, c.CLA, c.INS, c.P1, c.P2)
	if !c.Extended() {
		if len(c.Data) > 0 {
			dst = append(dst, byte(len(c.Data)))
			dst = append(dst, c.Data...)
		}
		if c.Ne > 0 {
			dst = append(dst, byte(c.Ne)) // 256 -> 00
		}
		return dst, nil
	}
	if len(c.Data) > 0 {
		dst = append(dst, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		dst = append(dst, c.Data...)
		if c.Ne > 0 {
			dst = append(dst, byte(c.Ne>>8), byte(c.Ne)) // 65536 -> 0000
		}
		return dst, nil
	}
	// case 2E
	return append(dst, 0, byte(c.Ne>>8), byte(c.Ne)), nil
}

// String formats the command as hex for debugging. Do not log commands that
// carry secrets (VERIFY, CHANGE REFERENCE DATA) or SM-protected data.
func (c Command) String() string {
	b, err := c.Bytes()
	if err != nil {
		return fmt.Sprintf("invalid APDU (%v)", err)
	}
	return hex.EncodeToString(b)
}

// ParseCommand decodes a command APDU in any of the cases 1, 2S, 3S, 4S,
// 2E, 3E, 4E of ISO/IEC 7816-3 clause 12.1.3. It is meant for card
// emulators. The returned Data aliases b. Malformed input gives an
// [*APDUError] (unwrapping to [ErrMalformedAPDU]).
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, &APDUError{Offset: len(b), Msg: fmt.Sprintf("%d bytes, want at least 4 (header)", len(b))}
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2S
		c.Ne = int(body[0])
		if c.Ne == 0 {
			c.Ne = MaxShortNe
		}
		return c, nil
	case body[0] != 0: // case 3S or 4S
		lc := int(body[0])
		switch len(body) {
		case 1 + lc:
			c.Data = body[1 : 1+lc : 1+lc]
		case 2 + lc:
			c.Data = body[1 : 1+lc : 1+lc]
			c.Ne = int(body[1+lc])
			if c.Ne == 0 {
				c.Ne = MaxShortNe
			}
		default:
			return Command{}, &APDUError{Offset: 4, Msg: fmt.Sprintf("Lc %d does not match the %d bytes that follow", lc, len(body)-1)}
		}
		return c, nil
	case len(body) == 3: // case 2E
		c.Ne = int(body[1])<<8 | int(body[2])
		if c.Ne == 0 {
			c.Ne = MaxExtendedNe
		}
		return c, nil
	case len(body) < 3:
		return Command{}, &APDUError{Offset: 4, Msg: "truncated extended length field"}
	}
	lc := int(body[1])<<8 | int(body[2])
	if lc == 0 {
		return Command{}, &APDUError{Offset: 5, Msg: "extended Lc of zero"}
	}
	switch len(body) {
	case 3 + lc: // case 3E
		c.Data = body[3 : 3+lc : 3+lc]
	case 5 + lc: // case 4E
		c.Data = body[3 : 3+lc : 3+lc]
		c.Ne = int(body[3+lc])<<8 | int(body[4+lc])
		if c.Ne == 0 {
			c.Ne = MaxExtendedNe
		}
	default:
		return Command{}, &APDUError{Offset: 5, Msg: fmt.Sprintf("extended Lc %d does not match the %d bytes that follow", lc, len(body)-3)}
	}
	return c, nil
}

// Response is a response APDU: the data field and the status word.
type Response struct {
	Data []byte
	SW   uint16
}

// ParseResponse splits a response APDU into data and status word. Data
// aliases b. Fewer than 2 bytes give an [*APDUError].
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, &APDUError{Offset: len(b), Msg: fmt.Sprintf("response of %d bytes, want at least 2 (SW1 SW2)", len(b))}
	}
	n := len(b) - 2
	return Response{Data: b[:n:n], SW: uint16(b[n])<<8 | uint16(b[n+1])}, nil
}

// Bytes encodes the response as data followed by SW1 SW2.
func (r Response) Bytes() []byte {
	out := make([]byte, 0, len(r.Data)+2)
	out = append(out, r.Data...)
	return append(out, byte(r.SW>>8), byte(r.SW))
}

// SW1 returns the first status byte.
func (r Response) SW1() byte { return byte(r.SW >> 8) }

// SW2 returns the second status byte.
func (r Response) SW2() byte { return byte(r.SW) }

// OK reports whether the status word is 9000.
func (r Response) OK() bool { return r.SW == SWSuccess }

// Err returns nil for 9000 and otherwise the error for the status word of a
// command with instruction ins: a [*PINError] for 63Cx, a [*StatusError]
// for anything else.
func (r Response) Err(ins byte) error {
	sw := r.SW
	switch {
	case sw == SWSuccess:
		return nil
	case sw&0xFFF0 == 0x63C0:
		return &PINError{Retries: int(sw & 0x0F), SW: sw, Ins: ins}
	}
	return &StatusError{SW: sw, Ins: ins}
}
