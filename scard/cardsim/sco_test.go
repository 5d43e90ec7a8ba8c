package cardsim_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/ciekit/ciekit/scard/sco"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testMaster = "S3cur1ty-Officer!"

func newSCO(t testing.TB, mod ...func(*cardsim.SCOOptions)) (*cardsim.SCO, *sco.Client) {
	t.Helper()
	p, err := pkiOnce()
	require.NoError(t, err)
	cfg := cardsim.SCOOptions{
		MasterPassword: mustSO(t, testMaster),
		Operator:       "BNCGNN70A01F205X",
		OperatorName:   "GIOVANNI BIANCHI",
		Serial:         "SCO00000001",
		KeyBits:        1024,
		PKI:            p,
		Rand:           cardsim.DeterministicRand(3),
	}
	for _, m := range mod {
		m(&cfg)
	}
	sim, err := cardsim.NewSCO(cfg)
	require.NoError(t, err)
	cl := sco.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	require.NoError(t, cl.Select(t.Context()))
	return sim, cl
}

func mustPIN(t testing.TB, s string) scard.PIN {
	p, err := scard.NewPIN(s)
	require.NoError(t, err)
	return p
}

func mustSO(t testing.TB, s string) sco.MasterPassword {
	p, err := sco.NewMasterPassword(s)
	require.NoError(t, err)
	return p
}

// TestSCOLifecycle: issued card, activation by the Security Officer,
// association to a sede, login, signing and authentication, revocation.
func TestSCOLifecycle(t *testing.T) {
	sim, cl := newSCO(t)
	ctx := t.Context()
	info, err := cl.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, sco.Issued, info.State)
	assert.Equal(t, "SCO00000001", info.Serial)
	assert.Equal(t, "BNCGNN70A01F205X", info.Operator)

	// No PIN before activation.
	require.ErrorIs(t, cl.Login(ctx, mustPIN(t, "11112222")), scard.ErrConditionsNotSatisfied)
	// A wrong master password costs a try and activates nothing.
	err = cl.Activate(ctx, mustSO(t, "not-the-password"), mustPIN(t, "11112222"))
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, cardsim.SCOSOTries-1, pe.Retries)
	require.NoError(t, cl.Activate(ctx, mustSO(t, testMaster), mustPIN(t, "11112222")))
	assert.Equal(t, sco.Active, sim.State())
	_, so := sim.Retries()
	assert.Equal(t, cardsim.SCOSOTries, so, "a right master password resets its counter")
	require.ErrorIs(t, cl.Activate(ctx, mustSO(t, testMaster), mustPIN(t, "11112222")), scard.ErrConditionsNotSatisfied, "second activation")

	require.NoError(t, cl.AssociateSede(ctx, mustSO(t, testMaster), "H501-01"))
	info, err = cl.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, "H501-01", info.Sede)
	assert.Equal(t, sco.Active, info.State)

	// Signing needs the login.
	digest := sha256.Sum256([]byte("richiesta CIE"))
	_, err = cl.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrSecurityStatus)
	require.NoError(t, cl.Login(ctx, mustPIN(t, "11112222")))
	for _, key := range []sco.Key{sco.KeySignature, sco.KeyAuthentication} {
		sig, err := cl.Sign(ctx, key, digest[:], crypto.SHA256)
		require.NoError(t, err, "Sign(%v)", key)
		cert, err := cl.Certificate(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, sim.Certificate(key).Raw, cert.Raw)
		require.NoError(t, cert.CheckSignatureFrom(testPKI(t).CSCA))
		require.NoError(t, rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig), "signature of %v key", key)
	}

	require.NoError(t, cl.Revoke(ctx, mustSO(t, testMaster)))
	assert.Equal(t, sco.Revoked, sim.State())
	_, err = cl.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrConditionsNotSatisfied, "signing on a revoked card")
	info, err = cl.Info(ctx)
	require.NoError(t, err, "the information file stays readable")
	assert.Equal(t, sco.Revoked, info.State)
	require.ErrorIs(t, cl.AssociateSede(ctx, mustSO(t, testMaster), "H501-02"), scard.ErrConditionsNotSatisfied)
}

func TestSCOPINCounter(t *testing.T) {
	sim, cl := newSCO(t, func(c *cardsim.SCOOptions) { c.PIN = mustPIN(t, "12121212") })
	ctx := t.Context()
	for want := cardsim.SCOPINTries - 1; want >= 0; want-- {
		err := cl.Login(ctx, mustPIN(t, "00000000"))
		var pe *scard.PINError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, want, pe.Retries)
	}
	require.ErrorIs(t, cl.Login(ctx, mustPIN(t, "12121212")), scard.ErrAuthBlocked)
	n, err := cl.PINRetries(ctx)
	require.ErrorIs(t, err, scard.ErrAuthBlocked)
	assert.Equal(t, 0, n)
	// The Security Officer unblocks it with a new PIN.
	require.NoError(t, cl.Activate(ctx, mustSO(t, testMaster), mustPIN(t, "34343434")))
	require.NoError(t, cl.Login(ctx, mustPIN(t, "34343434")))
	n, err = cl.PINRetries(ctx)
	require.NoError(t, err)
	assert.Equal(t, -1, n)
	require.NoError(t, cl.ChangePIN(ctx, mustPIN(t, "34343434"), mustPIN(t, "56565656")))
	require.NoError(t, cl.Login(ctx, mustPIN(t, "56565656")))
	pin, _ := sim.Retries()
	assert.Equal(t, cardsim.SCOPINTries, pin)
}

func TestSCOMasterPasswordBlocks(t *testing.T) {
	sim, cl := newSCO(t)
	ctx := t.Context()
	for range cardsim.SCOSOTries {
		require.Error(t, cl.Revoke(ctx, mustSO(t, "wrong-password")))
	}
	require.ErrorIs(t, cl.Revoke(ctx, mustSO(t, testMaster)), scard.ErrAuthBlocked)
	assert.Equal(t, sco.Issued, sim.State())
}

func TestSCOECDSA(t *testing.T) {
	_, cl := newSCO(t, func(c *cardsim.SCOOptions) { c.ECDSA = true; c.PIN = mustPIN(t, "12121212") })
	ctx := t.Context()
	require.NoError(t, cl.Login(ctx, mustPIN(t, "12121212")))
	digest := sha256.Sum256([]byte("x"))
	sig, err := cl.Sign(ctx, sco.KeyAuthentication, digest[:], crypto.SHA256)
	require.NoError(t, err)
	cert, err := cl.Certificate(ctx, sco.KeyAuthentication)
	require.NoError(t, err)
	assert.True(t, ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], sig))
}

func TestSCOSessionState(t *testing.T) {
	sim, cl := newSCO(t, func(c *cardsim.SCOOptions) { c.PIN = mustPIN(t, "12121212") })
	ctx := t.Context()
	require.NoError(t, cl.Login(ctx, mustPIN(t, "12121212")))
	sim.Reset()
	require.NoError(t, cl.Select(ctx))
	digest := sha256.Sum256([]byte("x"))
	_, err := cl.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "login lost on reset")
}

func TestSCOConformance(t *testing.T) {
	sim, _ := newSCO(t)
	scardtest.TestTransmitter(t, func(t *testing.T) scard.Transmitter {
		sim.Insert()
		return sim
	})
}

func TestNewSCOErrors(t *testing.T) {
	for _, cfg := range []cardsim.SCOOptions{
		{}, // no master password (a malformed one is refused by sco.NewMasterPassword)
		{MasterPassword: mustSO(t, testMaster), PIN: mustPIN(t, "1234")}, // the operator PIN has 8 digits
		{MasterPassword: mustSO(t, testMaster), Sede: "bad\x00sede"},
		{MasterPassword: mustSO(t, testMaster), KeyBits: 512},
	} {
		_, err := cardsim.NewSCO(cfg)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), testMaster)
	}
}

func FuzzSCOTransmit(f *testing.F) {
	for _, s := range [][]byte{
		{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x01},
		{0x00, 0x20, 0x00, 0x83, 0x08, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'},
		{0x00, 0x2C, 0x02, 0x81, 0x08, '1', '2', '3', '4', '5', '6', '7', '8'},
		{0x00, 0x22, 0x41, 0xB6, 0x06, 0x80, 0x01, 0x02, 0x84, 0x01, 0x02},
		{0x00, 0x2A, 0x9E, 0x9A, 0x04, 1, 2, 3, 4, 0x00},
		{0x00, 0xDA, 0x00, 0x82, 0x02, 'X', 'Y'},
		{0x00, 0xE6, 0x00, 0x00},
	} {
		f.Add(s)
	}
	sim, _ := newSCO(f, func(c *cardsim.SCOOptions) { c.PIN = mustPIN(f, "12121212") })
	f.Fuzz(func(t *testing.T, capdu []byte) {
		sim.Reset()
		if _, err := sim.Transmit(t.Context(), []byte{0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xF0, 0x43, 0x49, 0x45, 0x4B, 0x49, 0x54, 0x53, 0x43, 0x4F}); err != nil {
			t.Fatal(err)
		}
		r, err := sim.Transmit(t.Context(), capdu)
		if err != nil || len(r) < 2 || (r[len(r)-2] == 0x6F && r[len(r)-1] == 0) {
			t.Fatalf("Transmit(%X) = %X, %v", capdu, r, err)
		}
	})
}

func testPKI(t testing.TB) *cardsim.PKI {
	p, err := pkiOnce()
	require.NoError(t, err)
	return p
}

func TestSCORemovedMidSign(t *testing.T) {
	sim, cl := newSCO(t, func(c *cardsim.SCOOptions) { c.PIN = mustPIN(t, "12121212") })
	ctx := t.Context()
	require.NoError(t, cl.Login(ctx, mustPIN(t, "12121212")))
	_, err := cl.Certificate(ctx, sco.KeySignature)
	require.NoError(t, err)
	sim.RemoveAfter(2) // MSE:SET passes, PSO:CDS is cut
	digest := sha256.Sum256([]byte("x"))
	_, err = cl.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrCardRemoved)
	sim.Insert()
	require.NoError(t, cl.Select(ctx))
	_, err = cl.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "the login does not survive removal")
}
