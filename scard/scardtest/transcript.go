package scardtest

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ciekit/ciekit/scard"
)

// Exchange is one command and its outcome in a transcript.
type Exchange struct {
	// Comments are the comment lines before the exchange, without '#'.
	Comments []string
	Command  []byte
	// Response is the response APDU; nil when Err is set.
	Response []byte
	// Err is the transport error Transmit returned, if any.
	Err error
}

// transportErrors are the errors a transcript can record, by name.
var transportErrors = []error{
	scard.ErrCardRemoved, scard.ErrNoCard, scard.ErrCardReset, scard.ErrTimeout,
	scard.ErrNoReader, scard.ErrNoService, scard.ErrSharingViolation,
	context.Canceled, context.DeadlineExceeded,
}

// ErrorName returns the transcript name of a transport error: the message
// of the first of scard's transport sentinels (ErrCardRemoved, ErrNoCard,
// ErrCardReset, ErrTimeout, ErrNoReader, ErrNoService,
// ErrSharingViolation) or context.Canceled / DeadlineExceeded that err
// wraps, without the "scard: " prefix; for other errors, "error: " and the
// message.
func ErrorName(err error) string {
	for _, s := range transportErrors {
		if errors.Is(err, s) {
			return strings.TrimPrefix(s.Error(), "scard: ")
		}
	}
	return "error: " + strings.ReplaceAll(err.Error(), "\n", " ")
}

// errorFromName is the inverse of ErrorName; unknown names give a plain
// error with the recorded text.
func errorFromName(name string) error {
	for _, s := range transportErrors {
		if strings.TrimPrefix(s.Error(), "scard: ") == name {
			return s
		}
	}
	return errors.New(strings.TrimPrefix(name, "error: "))
}

// ParseError reports a malformed transcript line (1-based).
type ParseError struct {
	Line int
	Msg  string
}

// Error formats the error with its line number.
func (e *ParseError) Error() string {
	return fmt.Sprintf("scardtest: transcript line %d: %s", e.Line, e.Msg)
}

const header = "ciekit APDU transcript v1"

// maxLine bounds a transcript line: a 64 KiB extended APDU in hex with spaces.
const maxLine = 1 << 18

// ParseTranscript reads a transcript. Malformed input gives a *ParseError.
func ParseTranscript(r io.Reader) ([]Exchange, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	var (
		out      []Exchange
		comments []string
		cur      *Exchange
		line     int
	)
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "":
		case s == "# "+header:
		case s[0] == '#':
			comments = append(comments, strings.TrimSpace(s[1:]))
		case s[0] == '>':
			if cur != nil {
				return nil, &ParseError{line, "command without a response before it"}
			}
			b, err := unhex(s[1:])
			if err != nil || len(b) < 4 {
				return nil, &ParseError{line, "bad command hex"}
			}
			cur = &Exchange{Comments: comments, Command: b}
			comments = nil
		case s[0] == '<':
			if cur == nil {
				return nil, &ParseError{line, "response without a command"}
			}
			v := strings.TrimSpace(s[1:])
			if strings.HasPrefix(v, "!") {
				cur.Err = errorFromName(strings.TrimSpace(v[1:]))
			} else {
				b, err := unhex(v)
				if err != nil || len(b) < 2 {
					return nil, &ParseError{line, "bad response hex"}
				}
				cur.Response = b
			}
			out = append(out, *cur)
			cur = nil
		default:
			return nil, &ParseError{line, "line must start with '>', '<' or '#'"}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{line + 1, err.Error()}
	}
	if cur != nil {
		return nil, &ParseError{line, "last command has no response"}
	}
	return out, nil
}

func unhex(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

// WriteTranscript writes exchanges in the transcript format.
func WriteTranscript(w io.Writer, xs []Exchange) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# "+header)
	for _, x := range xs {
		for _, c := range x.Comments {
			fmt.Fprintf(bw, "# %s\n", c)
		}
		fmt.Fprintf(bw, "> %X\n", x.Command)
		if x.Err != nil {
			fmt.Fprintf(bw, "< !%s\n", ErrorName(x.Err))
		} else {
			fmt.Fprintf(bw, "< %X\n", x.Response)
		}
	}
	return bw.Flush()
}

// Describe returns a one-line description of a command APDU with the
// clause of the specification that defines it, as Record writes in its
// comments, e.g. "SELECT by AID (ISO/IEC 7816-4 11.2.2)". Secure-messaging
// commands (CLA bits 0C) are marked "SM".
func Describe(capdu []byte) string {
	if len(capdu) < 4 {
		return "malformed APDU"
	}
	cla, ins, p1, p2 := capdu[0], capdu[1], capdu[2], capdu[3]
	var d string
	switch ins {
	case scard.InsSelect:
		switch p1 {
		case 0x04:
			d = "SELECT by AID (ISO/IEC 7816-4 11.2.2)"
		case 0x08, 0x09:
			d = "SELECT by path (ISO/IEC 7816-4 11.2.2)"
		default:
			d = "SELECT by file identifier (ISO/IEC 7816-4 11.2.2)"
		}
	case scard.InsReadBinary:
		if p1&0x80 != 0 {
			d = fmt.Sprintf("READ BINARY SFI %02X offset %d (ISO/IEC 7816-4 11.3.3)", p1&0x1F, p2)
		} else {
			d = fmt.Sprintf("READ BINARY offset %d (ISO/IEC 7816-4 11.3.3)", int(p1)<<8|int(p2))
		}
	case scard.InsReadBinaryOdd:
		d = "READ BINARY odd INS (ISO/IEC 7816-4 11.3.3)"
	case scard.InsGetChallenge:
		d = "GET CHALLENGE (ISO/IEC 7816-4 11.5.3; ICAO 9303-11 4.3.4.1)"
	case scard.InsExternalAuthenticate:
		d = "MUTUAL AUTHENTICATE (ICAO 9303-11 4.3.4.2, BAC)"
	case scard.InsManageSecurityEnvironment:
		switch {
		case p1 == 0xC1 && p2 == 0xA4:
			d = "MSE:SET AT for PACE (ICAO 9303-11 4.4.4.1)"
		default:
			d = "MANAGE SECURITY ENVIRONMENT (ISO/IEC 7816-4 11.5.11)"
		}
	case scard.InsGeneralAuthenticate:
		d = "GENERAL AUTHENTICATE (ICAO 9303-11 4.4.4.2, PACE" + paceStep(capdu) + ")"
	case scard.InsInternalAuthenticate:
		d = "INTERNAL AUTHENTICATE (ISO/IEC 7816-4 11.5.2)"
	case scard.InsVerify:
		d = fmt.Sprintf("VERIFY reference %02X (ISO/IEC 7816-4 11.5.6)", p2)
	case scard.InsChangeReferenceData:
		d = fmt.Sprintf("CHANGE REFERENCE DATA %02X (ISO/IEC 7816-4 11.5.7)", p2)
	case scard.InsResetRetryCounter:
		d = fmt.Sprintf("RESET RETRY COUNTER %02X (ISO/IEC 7816-4 11.5.10)", p2)
	case scard.InsGetResponse:
		d = "GET RESPONSE (ISO/IEC 7816-4 11.7.1)"
	case scard.InsGetData:
		d = "GET DATA (ISO/IEC 7816-4 11.4.3)"
	case scard.InsPerformSecurityOperation:
		d = "PERFORM SECURITY OPERATION (ISO/IEC 7816-8)"
	default:
		d = fmt.Sprintf("INS %02X", ins)
	}
	if cla&scard.ClaSM != 0 {
		d = "SM " + d
	}
	if cla&scard.ClaChaining != 0 {
		d += ", chained"
	}
	return d
}

// paceStep names the PACE step from the first data object inside the 7C
// dynamic authentication template of a plain GENERAL AUTHENTICATE.
func paceStep(capdu []byte) string {
	c, err := scard.ParseCommand(capdu)
	if err != nil || c.CLA&scard.ClaSM != 0 || len(c.Data) < 2 || c.Data[0] != 0x7C {
		return ""
	}
	i := 2
	if c.Data[1] == 0x81 {
		i = 3
	} else if c.Data[1] == 0x82 {
		i = 4
	}
	if c.Data[1] == 0 {
		return " step 1: encrypted nonce"
	}
	if i >= len(c.Data) {
		return ""
	}
	switch c.Data[i] {
	case 0x81:
		return " step 2: map nonce"
	case 0x83:
		return " step 3: key agreement"
	case 0x85:
		return " step 4: mutual authentication"
	}
	return ""
}
