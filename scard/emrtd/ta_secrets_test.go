package emrtd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/stretchr/testify/require"
)

// TestTAOptionsPrintNoKey: the terminal's private key never prints, alone
// or inside ReadOptions.
func TestTAOptionsPrintNoKey(t *testing.T) {
	t.Parallel()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	d, err := k.Bytes()
	require.NoError(t, err)
	o := TAOptions{Certificates: [][]byte{{1}}, Signer: k}
	secrettest.Check(t, o, d)
	secrettest.Check(t, &o, d)
	secrettest.Check(t, ReadOptions{Terminal: &o}, d)
}
