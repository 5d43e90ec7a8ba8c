package sco

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/scard"
)

// MasterPassword is the Security Officer's master password of the operator
// card. It is 8 to 32 printable ASCII characters and, like [scard.PIN],
// redacts itself under every fmt verb, in errors, log/slog and JSON.
type MasterPassword struct{ secret.Value }

// NewMasterPassword validates a master password: 8 to 32 printable ASCII
// characters; otherwise an error wrapping [scard.ErrInvalidKey] that never
// contains the password.
func NewMasterPassword(pw string) (MasterPassword, error) {
	if len(pw) < 8 || len(pw) > 32 {
		return MasterPassword{}, fmt.Errorf("sco: master password has %d characters, want 8 to 32: %w", len(pw), scard.ErrInvalidKey)
	}
	for i := 0; i < len(pw); i++ {
		if pw[i] < 0x20 || pw[i] > 0x7E {
			return MasterPassword{}, fmt.Errorf("sco: master password position %d is not printable ASCII: %w", i+1, scard.ErrInvalidKey)
		}
	}
	return MasterPassword{secret.New([]byte(pw))}, nil
}

// Equal compares in constant time.
func (p MasterPassword) Equal(q MasterPassword) bool { return secret.Equal(p.Value, q.Value) }

// Bytes returns the password bytes as sent to the card; see [scard.PIN.Bytes].
func (p MasterPassword) Bytes() []byte { return secret.Reveal(p.Value) }

// Format prints "MasterPassword(redacted)" for every verb.
func (MasterPassword) Format(f fmt.State, _ rune) { io.WriteString(f, "MasterPassword(redacted)") }

// String returns "MasterPassword(redacted)".
func (MasterPassword) String() string { return "MasterPassword(redacted)" }

// GoString returns a redaction.
func (MasterPassword) GoString() string { return "sco.MasterPassword{redacted}" }

// LogValue returns a redaction.
func (MasterPassword) LogValue() slog.Value { return slog.StringValue("redacted") }
