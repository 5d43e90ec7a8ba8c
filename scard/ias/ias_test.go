package ias_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSimNIS(t *testing.T) {
	t.Parallel()
	sim, pki := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	res, err := ic.VerifyNIS(t.Context(), ias.NISOptions{CSCA: pki.CSCAPool()})
	require.NoError(t, err)
	assert.Equal(t, "123456789012", res.NIS)
	assert.Equal(t, sim.NISPublicKey().N, res.PublicKey.N)

	other, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(98), KeyBits: 1024})
	require.NoError(t, err)
	_, err = ic.VerifyNIS(t.Context(), ias.NISOptions{CSCA: other.CSCAPool()})
	require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
}

func TestSimPIN(t *testing.T) {
	t.Parallel()
	sim, _ := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	require.NoError(t, ic.Select(t.Context()))
	pin := mustPIN(t, cardsim.DefaultPIN)
	wrong := mustPIN(t, "11111111")

	_, err := ic.ReadCertificate(t.Context())
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "certificate before PIN")
	n, err := ic.PINRetries(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	err = ic.VerifyPIN(t.Context(), wrong)
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Retries)
	require.ErrorIs(t, err, scard.ErrWrongPIN)
	assert.NotContains(t, err.Error(), "11111111")
	require.NoError(t, ic.VerifyPIN(t.Context(), pin), "a right PIN resets the counter")
	cert, err := ic.ReadCertificate(t.Context())
	require.NoError(t, err)
	assert.Equal(t, sim.Certificate().Raw, cert.Raw)

	for want := 2; want >= 1; want-- {
		err = ic.VerifyPIN(t.Context(), wrong)
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, want, pe.Retries)
	}
	// The last wrong try blocks: 63C0 or 6983 depending on the card.
	err = ic.VerifyPIN(t.Context(), wrong)
	require.ErrorIs(t, err, scard.ErrAuthBlocked)
	err = ic.VerifyPIN(t.Context(), pin)
	require.ErrorIs(t, err, scard.ErrAuthBlocked, "blocked PIN")

	newPIN := mustPIN(t, "24681357")
	require.NoError(t, ic.UnblockPIN(t.Context(), mustPUK(t, cardsim.DefaultPUK), &newPIN))
	require.NoError(t, ic.VerifyPIN(t.Context(), newPIN))
	require.NoError(t, ic.ChangePIN(t.Context(), newPIN, pin))
	require.NoError(t, ic.VerifyPIN(t.Context(), pin))

	err = ic.UnblockPIN(t.Context(), mustPUK(t, "00000000"), nil)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 9, pe.Retries)
	_, puk := sim.Retries()
	assert.Equal(t, 9, puk)
}

func mustPIN(t testing.TB, s string) scard.PIN {
	p, err := scard.NewPIN(s)
	require.NoError(t, err)
	return p
}

func mustPUK(t testing.TB, s string) scard.PUK {
	p, err := scard.NewPUK(s)
	require.NoError(t, err)
	return p
}

// TestReadsKeepTheChannel: after VERIFY PIN every read of the Client goes
// in secure messaging, as the middleware's readfile does once its SM
// session is active (it reads EF.Serial there): a plain command would end
// the card's SM session, and the certificate read after it would fail with
// 6988. Found comparing ciekit's commands with the middleware's
// (scripts/interop-cie-middleware).
func TestReadsKeepTheChannel(t *testing.T) {
	t.Parallel()
	sim, _ := exampleCIE()
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	require.NoError(t, ic.VerifyPIN(t.Context(), mustPIN(t, cardsim.DefaultPIN)))
	serial, err := ic.ReadSerial(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, serial)
	sod, err := ic.ReadSOD(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, sod)
	pub, _, err := ic.ReadServicesKey(t.Context())
	require.NoError(t, err)
	assert.Equal(t, sim.NISPublicKey().N, pub.N)
	nis, err := ic.ReadNIS(t.Context())
	require.NoError(t, err)
	assert.Equal(t, sim.NIS(), nis)
	sig, err := ic.InternalAuthenticate(t.Context(), []byte("12345678"))
	require.NoError(t, err)
	assert.Len(t, sig, sim.NISPublicKey().Size())
	require.True(t, ic.ChannelOpen())
	cert, err := ic.ReadCertificate(t.Context())
	require.NoError(t, err, "the channel survived the reads")
	assert.Equal(t, sim.Certificate().Raw, cert.Raw)
}
