package cardsim_test

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"math/big"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPKIPrintsNoKey: the test PKIs hold private keys in exported fields
// for the tests that sign with them; printing, logging or marshalling a PKI
// (alone, in structs, behind pointers) shows none of them, in decimal
// (fmt, encoding/json) or hex.
func TestPKIPrintsNoKey(t *testing.T) {
	t.Parallel()
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{KeyBits: 1024, Rand: cardsim.DeterministicRand(5)})
	require.NoError(t, err)
	eac, err := cardsim.NewEACPKI(cardsim.EACPKIOptions{Rand: cardsim.DeterministicRand(6)})
	require.NoError(t, err)
	rsaKeys := []*rsa.PrivateKey{pki.CSCAKey, pki.DocumentSignerKey}
	ecKeys := []*ecdsa.PrivateKey{eac.CVCAKey, eac.DVKey}
	for _, v := range []any{pki, *pki, eac, *eac} {
		for _, r := range secrettest.Renderings(v) {
			for _, k := range rsaKeys {
				assert.False(t, strings.Contains(r, k.D.String()) || strings.Contains(strings.ToLower(r), k.D.Text(16)), "RSA key in %.120q", r)
			}
			for _, k := range ecKeys {
				d, err := k.Bytes()
				require.NoError(t, err)
				assert.False(t, strings.Contains(r, new(big.Int).SetBytes(d).String()), "EC key in %.120q", r)
			}
		}
		secrettest.Check(t, v)
	}
}
