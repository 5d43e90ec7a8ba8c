// Package secret holds bytes that must never be printed: PINs, PUKs,
// passwords, CANs and keys.
//
// A [Value] keeps its bytes inside a closure and redacts itself under every
// fmt verb, in errors, in every log/slog handler and in JSON. The closure
// matters: fmt cannot call methods on unexported struct fields and prints
// them by reflection, where a slice or a pointer to one shows its bytes but a
// func shows only its address. So a Value held in an unexported field of
// another struct still prints no secret. The exported secret types of ciekit (scard.PIN,
// sad.Password, …) embed a Value and so inherit all of this.
package secret

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
)

// Redacted is what every formatting of a [Value] prints.
const Redacted = "[redacted]"

// Value is a secret byte string. The zero Value is empty. Copies share the
// bytes, so [Value.Zero] on one wipes them all.
type Value struct{ bytes func() []byte }

// New returns a Value holding a copy of b.
func New(b []byte) Value {
	c := append([]byte(nil), b...)
	return Value{bytes: func() []byte { return c }}
}

// Reveal returns the bytes themselves, for the one place that must send them
// (a card command, an ftp login). It is a function, not a method, so that it
// is not promoted into the exported types that embed a Value.
func Reveal(v Value) []byte {
	if v.bytes == nil {
		return nil
	}
	return v.bytes()
}

// Equal reports whether a and b hold the same bytes, in time that depends
// only on their lengths.
func Equal(a, b Value) bool { return subtle.ConstantTimeCompare(Reveal(a), Reveal(b)) == 1 }

// Len returns the number of bytes.
func (v Value) Len() int { return len(Reveal(v)) }

// IsZero reports whether v holds no bytes.
func (v Value) IsZero() bool { return v.Len() == 0 }

// Zero overwrites the bytes; v holds zeros afterwards.
func (v Value) Zero() { clear(Reveal(v)) }

// Format prints [Redacted] for every verb and flag.
func (Value) Format(f fmt.State, _ rune) { io.WriteString(f, Redacted) }

// String returns [Redacted].
func (Value) String() string { return Redacted }

// GoString returns [Redacted].
func (Value) GoString() string { return Redacted }

// LogValue returns [Redacted], for log/slog.
func (Value) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON returns [Redacted] as a JSON string.
func (Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText returns [Redacted], for encoding/xml and text-based encoders.
func (Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
