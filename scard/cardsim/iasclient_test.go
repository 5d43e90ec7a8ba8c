package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end tests of ias.Client against the simulated CIE.

func TestIASClientVerifyNIS(t *testing.T) {
	sim := newCIE(t)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	res, err := ic.VerifyNIS(t.Context(), ias.NISOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err)
	assert.Equal(t, "123456789012", res.NIS)
	assert.True(t, res.PublicKey.Equal(sim.NISPublicKey()))

	other, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(77), KeyBits: 1024})
	require.NoError(t, err)
	_, err = ic.VerifyNIS(t.Context(), ias.NISOptions{CSCA: other.CSCAPool()})
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
}

func TestIASClientPIN(t *testing.T) {
	sim := newCIE(t)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	ctx := t.Context()
	require.NoError(t, ic.Select(ctx))
	pin := func(s string) scard.PIN { p, err := scard.NewPIN(s); require.NoError(t, err); return p }
	for range cardsim.PINTries {
		require.ErrorIs(t, ic.VerifyPIN(ctx, pin("00000000")), scard.ErrWrongPIN)
	}
	require.ErrorIs(t, ic.VerifyPIN(ctx, pin(cardsim.DefaultPIN)), scard.ErrAuthBlocked)
	n, err := ic.PINRetries(ctx)
	if err == nil {
		assert.Equal(t, 0, n)
	} else {
		require.ErrorIs(t, err, scard.ErrAuthBlocked)
	}
	puk, err := scard.NewPUK(cardsim.DefaultPUK)
	require.NoError(t, err)
	newPIN := pin("13572468")
	require.NoError(t, ic.UnblockPIN(ctx, puk, &newPIN))
	require.NoError(t, ic.VerifyPIN(ctx, newPIN))
	require.NoError(t, ic.ChangePIN(ctx, newPIN, pin("86427531")))
	require.NoError(t, ic.VerifyPIN(ctx, pin("86427531")))
}
