package sad

import "github.com/ciekit/ciekit/internal/secret"

// Password is a secret credential, such as the ftp password of [Config]. It
// prints as "[redacted]" under every fmt verb, in errors, in every log/slog
// handler and in JSON, also inside other structs (exported or unexported
// fields); [Config] and [*Client] therefore print no password. Compare two
// with [Password.Equal], which takes constant time. The zero Password is
// empty.
type Password struct{ secret.Value }

// NewPassword returns a Password holding s.
func NewPassword(s string) Password { return Password{secret.New([]byte(s))} }

// Equal reports whether p and q hold the same password, in time that
// depends only on their lengths.
func (p Password) Equal(q Password) bool { return secret.Equal(p.Value, q.Value) }

// reveal returns the password for the one place that sends it (the ftp
// login).
func (p Password) reveal() string { return string(secret.Reveal(p.Value)) }
