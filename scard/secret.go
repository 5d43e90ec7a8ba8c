package scard

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ciekit/ciekit/internal/secret"
)

// ErrInvalidKey: a PIN, PUK, password or access key (MRZ information, CAN) is
// malformed. Errors wrapping it never contain the secret.
var ErrInvalidKey = errors.New("scard: invalid access key")

// digits validates a numeric secret of minLen to maxLen digits. Its errors
// name the kind and the position, never the digits.
func digits(kind string, s string, minLen, maxLen int) (secret.Value, error) {
	if len(s) < minLen || len(s) > maxLen {
		if minLen == maxLen {
			return secret.Value{}, fmt.Errorf("scard: %s has %d digits, want %d: %w", kind, len(s), minLen, ErrInvalidKey)
		}
		return secret.Value{}, fmt.Errorf("scard: %s has %d digits, want %d to %d: %w", kind, len(s), minLen, maxLen, ErrInvalidKey)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return secret.Value{}, fmt.Errorf("scard: %s position %d is not a digit: %w", kind, i+1, ErrInvalidKey)
		}
	}
	return secret.New([]byte(s)), nil
}

// PIN is a user PIN (ISO/IEC 7816-4 VERIFY reference data). It redacts itself
// under every fmt verb, in errors, in log/slog and in JSON, also inside other
// structs; [PIN.Zero] wipes it. The CIE PIN is 8 digits.
type PIN struct{ secret.Value }

// NewPIN returns a PIN of 4 to 16 decimal digits; otherwise an error
// wrapping [ErrInvalidKey] that never contains the digits. Operations on
// the CIE further require 8 digits.
func NewPIN(digits string) (PIN, error) {
	v, err := digitsValue("PIN", digits)
	return PIN{v}, err
}

// Equal compares two PINs in constant time.
func (p PIN) Equal(q PIN) bool { return secret.Equal(p.Value, q.Value) }

// Bytes returns the ASCII digits as sent to the card. Callers must not
// log them; card simulators use this to store the reference value.
func (p PIN) Bytes() []byte { return secret.Reveal(p.Value) }

// PUK is a PIN unblocking key (8 digits on the CIE). Same handling as [PIN].
type PUK struct{ secret.Value }

// NewPUK returns a PUK of 4 to 16 decimal digits.
func NewPUK(digits string) (PUK, error) {
	v, err := digitsValue("PUK", digits)
	return PUK{v}, err
}

// Equal compares two PUKs in constant time.
func (p PUK) Equal(q PUK) bool { return secret.Equal(p.Value, q.Value) }

// Bytes returns the ASCII digits; see [PIN.Bytes].
func (p PUK) Bytes() []byte { return secret.Reveal(p.Value) }

func digitsValue(kind, s string) (secret.Value, error) { return digits(kind, s, 4, 16) }

// The secret types keep the redactions they printed before they were built
// on secret.Value ("PIN(redacted)"): the embedded Value already redacts, and
// these say which secret was redacted.

// Format prints "PIN(redacted)" for every verb.
func (PIN) Format(f fmt.State, _ rune) { io.WriteString(f, "PIN(redacted)") }

// String returns "PIN(redacted)".
func (PIN) String() string { return "PIN(redacted)" }

// GoString returns a redaction.
func (PIN) GoString() string { return "scard.PIN{redacted}" }

// LogValue returns a redaction.
func (PIN) LogValue() slog.Value { return slog.StringValue("redacted") }

// Format prints "PUK(redacted)" for every verb.
func (PUK) Format(f fmt.State, _ rune) { io.WriteString(f, "PUK(redacted)") }

// String returns "PUK(redacted)".
func (PUK) String() string { return "PUK(redacted)" }

// GoString returns a redaction.
func (PUK) GoString() string { return "scard.PUK{redacted}" }

// LogValue returns a redaction.
func (PUK) LogValue() slog.Value { return slog.StringValue("redacted") }
