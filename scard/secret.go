package scard

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// secret is a redacting byte string used by PIN, PUK and the SCO master
// password.
type secret struct {
	b []byte
}

func newDigits(kind string, s string, minLen, maxLen int) (secret, error) {
	if len(s) < minLen || len(s) > maxLen {
		if minLen == maxLen {
			return secret{}, fmt.Errorf("scard: %s has %d digits, want %d: %w", kind, len(s), minLen, ErrInvalidKey)
		}
		return secret{}, fmt.Errorf("scard: %s has %d digits, want %d to %d: %w", kind, len(s), minLen, maxLen, ErrInvalidKey)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return secret{}, fmt.Errorf("scard: %s position %d is not a digit: %w", kind, i+1, ErrInvalidKey)
		}
	}
	return secret{b: []byte(s)}, nil
}

// PIN is a user PIN. It redacts itself in String, GoString and LogValue;
// Zero wipes it. The CIE PIN is 8 digits.
type PIN struct{ s secret }

// NewPIN returns a PIN of 4 to 16 decimal digits; otherwise an error
// wrapping [ErrInvalidKey] that never contains the digits. Operations on
// the CIE further require 8 digits.
func NewPIN(digits string) (PIN, error) {
	s, err := newDigits("PIN", digits, 4, 16)
	return PIN{s}, err
}

// Len returns the number of digits.
func (p PIN) Len() int { return len(p.s.b) }

// Equal compares two PINs in constant time.
func (p PIN) Equal(q PIN) bool { return subtle.ConstantTimeCompare(p.s.b, q.s.b) == 1 }

// Zero overwrites the digits. The PIN is unusable afterwards.
func (p PIN) Zero() { clear(p.s.b) }

// Bytes returns the ASCII digits as sent to the card. Callers must not
// log them; card emulators use this to store the reference value.
func (p PIN) Bytes() []byte { return p.s.b }

// String returns a redaction.
func (PIN) String() string { return "PIN(redacted)" }

// GoString returns a redaction.
func (PIN) GoString() string { return "scard.PIN{redacted}" }

// LogValue returns a redaction.
func (PIN) LogValue() slog.Value { return slog.StringValue("redacted") }

// PUK is a PIN unblocking key (8 digits on the CIE). Same handling as [PIN].
type PUK struct{ s secret }

// NewPUK returns a PUK of 4 to 16 decimal digits.
func NewPUK(digits string) (PUK, error) {
	s, err := newDigits("PUK", digits, 4, 16)
	return PUK{s}, err
}

// Len returns the number of digits.
func (p PUK) Len() int { return len(p.s.b) }

// Equal compares two PUKs in constant time.
func (p PUK) Equal(q PUK) bool { return subtle.ConstantTimeCompare(p.s.b, q.s.b) == 1 }

// Zero overwrites the digits.
func (p PUK) Zero() { clear(p.s.b) }

// Bytes returns the ASCII digits; see [PIN.Bytes].
func (p PUK) Bytes() []byte { return p.s.b }

// String returns a redaction.
func (PUK) String() string { return "PUK(redacted)" }

// GoString returns a redaction.
func (PUK) GoString() string { return "scard.PUK{redacted}" }

// LogValue returns a redaction.
func (PUK) LogValue() slog.Value { return slog.StringValue("redacted") }

// MasterPassword is the SCO Security Officer's master password (see
// sco.go). It is 8 to 32 printable ASCII characters and redacts itself.
type MasterPassword struct{ s secret }

// NewMasterPassword validates a master password: 8 to 32 printable ASCII
// characters; otherwise an error wrapping [ErrInvalidKey].
func NewMasterPassword(pw string) (MasterPassword, error) {
	if len(pw) < 8 || len(pw) > 32 {
		return MasterPassword{}, fmt.Errorf("scard: master password has %d characters, want 8 to 32: %w", len(pw), ErrInvalidKey)
	}
	for i := 0; i < len(pw); i++ {
		if pw[i] < 0x20 || pw[i] > 0x7E {
			return MasterPassword{}, fmt.Errorf("scard: master password position %d is not printable ASCII: %w", i+1, ErrInvalidKey)
		}
	}
	return MasterPassword{secret{[]byte(pw)}}, nil
}

// Equal compares in constant time.
func (p MasterPassword) Equal(q MasterPassword) bool {
	return subtle.ConstantTimeCompare(p.s.b, q.s.b) == 1
}

// Zero overwrites the password.
func (p MasterPassword) Zero() { clear(p.s.b) }

// Bytes returns the password bytes as sent to the card; see [PIN.Bytes].
func (p MasterPassword) Bytes() []byte { return p.s.b }

// String returns a redaction.
func (MasterPassword) String() string { return "MasterPassword(redacted)" }

// GoString returns a redaction.
func (MasterPassword) GoString() string { return "scard.MasterPassword{redacted}" }

// LogValue returns a redaction.
func (MasterPassword) LogValue() slog.Value { return slog.StringValue("redacted") }
