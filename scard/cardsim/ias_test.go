package cardsim_test

import (
	"crypto/rsa"
	"crypto/x509"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func selectCIE(t *testing.T, c *scard.Card) {
	t.Helper()
	require.NoError(t, c.SelectAID(t.Context(), ias.AID()))
	require.NoError(t, c.SelectAID(t.Context(), ias.AIDCIE()))
}

// TestNIS reads the NIS with the exact APDUs of the public CIE SDKs,
// verifies it with the IAS SOD and checks internal authentication.
func TestNIS(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	selectCIE(t, c)
	r, err := sim.Transmit(ctx, []byte{0x00, 0xB0, 0x81, 0x00, 0x0C})
	require.NoError(t, err)
	assert.Equal(t, append([]byte("123456789012"), 0x90, 0x00), r, "00 B0 81 00 0C")

	files := map[int][]byte{}
	for n, fid := range map[int]uint16{0xA1: 0x1001, 0xA2: 0x1002, 0xA4: 0x1004, 0xA5: 0x1005} {
		files[n] = readFile(t, c, fid)
	}
	files[0xA2] = files[0xA2][:9]
	sod := readFile(t, c, 0x1006)
	res, err := emrtd.PassiveAuthentication(sod, files, emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err, "IAS SOD verification")
	assert.ElementsMatch(t, []int{0xA1, 0xA2, 0xA4, 0xA5}, res.Verified)

	pub, err := x509.ParsePKCS1PublicKey(files[0xA5])
	require.NoError(t, err)
	assert.True(t, pub.Equal(sim.NISPublicKey()))

	// Internal authentication before MSE:SET is refused.
	challenge := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	_, err = c.Do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge, Ne: 256})
	require.ErrorIs(t, err, scard.ErrConditionsNotSatisfied)
	_, err = c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, 0x83}})
	require.NoError(t, err)
	// Without Le the card answers 61xx and the Card fetches with GET RESPONSE.
	sig, err := c.Do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge})
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(pub, 0, challenge, sig), "internal authentication signature")
	sig[0] ^= 1
	require.Error(t, rsa.VerifyPKCS1v15(pub, 0, challenge, sig))
}

func TestIASTampered(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.NIS = "999999999999" })
	c := scard.NewCard(sim, scard.CardOptions{})
	selectCIE(t, c)
	sod := readFile(t, c, 0x1006)
	_, err := emrtd.PassiveAuthentication(sod, map[int][]byte{0xA1: []byte("123456789012")}, emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	require.ErrorIs(t, err, emrtd.ErrHashMismatch)
}

func TestCertificateNeedsPIN(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	selectCIE(t, c)
	require.NoError(t, c.SelectEF(ctx, 0x1003))
	_, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, Ne: 16})
	require.ErrorIs(t, err, scard.ErrSecurityStatus)
	_, err = c.Do(ctx, scard.Command{INS: scard.InsVerify, P2: 0x81, Data: []byte(cardsim.DefaultPIN)})
	require.NoError(t, err)
	der := readFile(t, c, 0x1003)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	assert.Equal(t, sim.Certificate().Raw, cert.Raw)
	require.NoError(t, cert.CheckSignatureFrom(sim.PKI().CSCA))
}

func verifyPIN(t *testing.T, c *scard.Card, ref byte, pin string) error {
	t.Helper()
	_, err := c.Do(t.Context(), scard.Command{INS: scard.InsVerify, P2: ref, Data: []byte(pin)})
	return err
}

func TestPINCounters(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	selectCIE(t, c)
	for want := 2; want >= 0; want-- {
		err := verifyPIN(t, c, 0x81, "00000000")
		var pe *scard.PINError
		require.ErrorAs(t, err, &pe, "wrong PIN with %d tries left", want+1)
		assert.Equal(t, want, pe.Retries)
		assert.ErrorIs(t, err, scard.ErrWrongPIN)
		if want == 0 {
			assert.ErrorIs(t, err, scard.ErrAuthBlocked)
		}
	}
	// Blocked: even the right PIN is refused.
	require.ErrorIs(t, verifyPIN(t, c, 0x81, cardsim.DefaultPIN), scard.ErrAuthBlocked)
	pin, puk := sim.Retries()
	assert.Equal(t, 0, pin)
	assert.Equal(t, cardsim.PUKTries, puk)
	// Counters survive removal.
	sim.Remove()
	sim.Insert()
	selectCIE(t, c)
	require.ErrorIs(t, verifyPIN(t, c, 0x81, cardsim.DefaultPIN), scard.ErrAuthBlocked)

	// A wrong PUK costs a PUK try; the right one unblocks with a new PIN.
	_, err := c.Do(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x00, P2: 0x81, Data: []byte("11111111" + "24681357")})
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, cardsim.PUKTries-1, pe.Retries)
	_, err = c.Do(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x00, P2: 0x81, Data: []byte(cardsim.DefaultPUK + "24681357")})
	require.NoError(t, err)
	require.ErrorIs(t, verifyPIN(t, c, 0x81, cardsim.DefaultPIN), scard.ErrWrongPIN, "old PIN after reset")
	require.NoError(t, verifyPIN(t, c, 0x81, "24681357"))
	pin, puk = sim.Retries()
	assert.Equal(t, cardsim.PINTries, pin)
	assert.Equal(t, cardsim.PUKTries, puk)

	// VERIFY without data reports the state.
	r, err := c.Send(ctx, scard.Command{INS: scard.InsVerify, P2: 0x81})
	require.NoError(t, err)
	assert.Equal(t, scard.SWSuccess, r.SW)

	// CHANGE REFERENCE DATA.
	_, err = c.Do(ctx, scard.Command{INS: scard.InsChangeReferenceData, P2: 0x81, Data: []byte("24681357" + "11223344")})
	require.NoError(t, err)
	require.NoError(t, verifyPIN(t, c, 0x81, "11223344"))
}

func TestPINUnblockAfterVerifyPUK(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	selectCIE(t, c)
	for range cardsim.PINTries {
		_ = verifyPIN(t, c, 0x81, "99999999")
	}
	_, err := c.Do(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x03, P2: 0x81})
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "unblock before VERIFY PUK")
	require.NoError(t, verifyPIN(t, c, 0x82, cardsim.DefaultPUK))
	_, err = c.Do(ctx, scard.Command{INS: scard.InsResetRetryCounter, P1: 0x03, P2: 0x81})
	require.NoError(t, err)
	require.NoError(t, verifyPIN(t, c, 0x81, cardsim.DefaultPIN))
}

func TestPUKBlocks(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	selectCIE(t, c)
	for range cardsim.PUKTries {
		_ = verifyPIN(t, c, 0x82, "00000000")
	}
	require.ErrorIs(t, verifyPIN(t, c, 0x82, cardsim.DefaultPUK), scard.ErrAuthBlocked)
	_, err := c.Do(t.Context(), scard.Command{INS: scard.InsResetRetryCounter, P1: 0x00, P2: 0x81, Data: []byte(cardsim.DefaultPUK + "24681357")})
	require.ErrorIs(t, err, scard.ErrAuthBlocked)
}

func TestPINFormat(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	selectCIE(t, c)
	require.ErrorIs(t, verifyPIN(t, c, 0x81, "1234"), scard.ErrWrongLength)
	pin, _ := sim.Retries()
	assert.Equal(t, cardsim.PINTries, pin, "a malformed PIN costs no try")
}

// TestNISVariants replays the NIS reads of the public CIE software, byte
// for byte (spec sheet cie-chip-and-sco.md 1.4).
func TestNISVariants(t *testing.T) {
	tests := []struct {
		name  string
		apdus [][]byte
	}{
		{"python and pagopa readNis", [][]byte{
			{0x00, 0xA4, 0x04, 0x0C, 0x0D, 0xA0, 0x00, 0x00, 0x00, 0x30, 0x80, 0x00, 0x00, 0x00, 0x09, 0x81, 0x60, 0x01},
			{0x00, 0xA4, 0x04, 0x0C, 0x06, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x39},
			{0x00, 0xB0, 0x81, 0x00, 0x0C},
		}},
		{"pagopa getServiceID", [][]byte{
			{0x00, 0xA4, 0x04, 0x04, 0x06, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x39},
			{0x00, 0xA4, 0x02, 0x04, 0x02, 0x10, 0x01},
			{0x00, 0xB0, 0x00, 0x00, 0x0C},
		}},
		{"middleware on NXP chips", [][]byte{
			{0x00, 0xA4, 0x00, 0x00},
			{0x00, 0xA4, 0x04, 0x0C, 0x06, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x39},
			{0x00, 0xA4, 0x02, 0x04, 0x02, 0x10, 0x01},
			{0x00, 0xB0, 0x00, 0x00, 0x80},
		}},
	}
	sim := newCIE(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim.Reset()
			var r []byte
			for _, a := range tc.apdus {
				var err error
				r, err = sim.Transmit(t.Context(), a)
				require.NoError(t, err)
				require.Equal(t, []byte{0x90, 0x00}, r[len(r)-2:], "Transmit(%X) = %X", a, r)
			}
			assert.Equal(t, "123456789012", string(r[:len(r)-2]))
		})
	}
}

// TestCommandChaining: a challenge split over two chained commands (CLA
// 10) is signed whole.
func TestCommandChaining(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	selectCIE(t, c)
	_, err := c.Do(ctx, scard.Command{INS: scard.InsManageSecurityEnvironment, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, 0x83}})
	require.NoError(t, err)
	challenge := []byte("0123456789abcdef")
	_, err = c.Do(ctx, scard.Command{CLA: scard.ClaChaining, INS: scard.InsInternalAuthenticate, Data: challenge[:10]})
	require.NoError(t, err)
	sig, err := c.Do(ctx, scard.Command{INS: scard.InsInternalAuthenticate, Data: challenge[10:], Ne: 256})
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(sim.NISPublicKey(), 0, challenge, sig))

	// A chain broken by another instruction is refused.
	_, err = c.Do(ctx, scard.Command{CLA: scard.ClaChaining, INS: scard.InsInternalAuthenticate, Data: challenge[:10]})
	require.NoError(t, err)
	r, err := c.Send(ctx, scard.Command{CLA: scard.ClaChaining, INS: scard.InsVerify, P2: 0x81, Data: []byte(cardsim.DefaultPIN)})
	require.NoError(t, err)
	assert.Equal(t, uint16(0x6883), r.SW)
}
