package ias

import (
	"math/big"

	"github.com/ciekit/ciekit/internal/secret"
)

// TerminalKeyForTest returns the published terminal modulus and private
// exponent.
func TerminalKeyForTest() (n, d *big.Int) {
	return new(big.Int).SetBytes(mustHex(terminalModulusHex)), new(big.Int).SetBytes(mustHex(terminalPrivateExponentHex))
}

// SessionKeysForTest returns copies of the session keys of an open channel.
func SessionKeysForTest(i *Client) (kenc, kmac []byte) {
	return append([]byte(nil), secret.Reveal(i.sm.kenc)...), append([]byte(nil), secret.Reveal(i.sm.kmac)...)
}
