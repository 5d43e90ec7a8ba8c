package cardsim_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestActiveAuthentication: a simulated passport with DG15 (RSA with
// ISO/IEC 9796-2, and ECDSA P-256) passes active authentication after a
// read in which passive authentication covers DG15; a chip whose key is
// not DG15's fails it.
func TestActiveAuthentication(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"RSA", rsaKey}, {"ECDSA", ecKey}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t, func(o *cardsim.CIEOptions) { o.ActiveAuthentication = tc.key })
			c := scard.NewCard(sim, scard.CardOptions{})
			doc, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN)})
			require.NoError(t, err)
			require.Contains(t, doc.DataGroups, 15)
			assert.True(t, doc.Checks().ActiveAuthentication)
			res, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
			require.NoError(t, err)
			assert.Contains(t, res.Verified, 15)
			pub, err := emrtd.ParseDG15(doc.DataGroups[15])
			require.NoError(t, err)
			require.NoError(t, emrtd.ActiveAuthentication(t.Context(), c, pub, 0, nil))

			// A substituted chip: its key is not the one in DG15.
			other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			require.NoError(t, err)
			err = emrtd.ActiveAuthentication(t.Context(), c, other.Public(), 0, nil)
			require.ErrorIs(t, err, emrtd.ErrActiveAuthentication)
		})
	}
}

func TestVerifyActiveAuthentication(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	ch := []byte("12345678")
	for _, h := range []crypto.Hash{0, crypto.SHA1, crypto.SHA256} {
		sig, err := emrtd.SignActiveAuthentication(rsaKey, h, ch, nil)
		require.NoError(t, err)
		require.NoError(t, emrtd.VerifyActiveAuthentication(&rsaKey.PublicKey, 0, ch, sig), "hash %v", h)
		require.ErrorIs(t, emrtd.VerifyActiveAuthentication(&rsaKey.PublicKey, 0, []byte("12345679"), sig), emrtd.ErrActiveAuthentication)
		sig[3] ^= 1
		require.ErrorIs(t, emrtd.VerifyActiveAuthentication(&rsaKey.PublicKey, 0, ch, sig), emrtd.ErrActiveAuthentication)
		require.ErrorIs(t, emrtd.VerifyActiveAuthentication(&rsaKey.PublicKey, 0, ch, sig[1:]), emrtd.ErrActiveAuthentication)
	}
	_, err = emrtd.ParseDG15([]byte{0x6F, 0x01, 0x00})
	require.ErrorIs(t, err, scard.ErrMalformedData)
}
