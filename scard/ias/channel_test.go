package ias_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChipFromATR classifies ATRs as the middleware's ATR.cpp does.
func TestChipFromATR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		atr  string
		want ias.Chip
	}{
		// OpenSC issue #2486 and cie-middleware-linux #37: a Gemalto CIE
		// through a contactless reader.
		{"Gemalto, OpenSC #2486", "3B8F8001803180 65B08504001112 0FFF8290008A", ias.ChipGemalto},
		{"NXP", "3B8F800180318065 49544E5850 120FFF829000 00", ias.ChipNXP},
		{"Gemalto2", "3B8F80018031 8065B0850300EF 120FFF829000", ias.ChipGemalto2},
		{"STM3", "3B8E 80018066475000B80094829000C5", ias.ChipSTM3},
		{"Actalis", "3B8F 80018031806549544A3441120FFF82900088", ias.ChipActalis},
		{"Bit4id B9547", "3B8F 80018031806549544A3449120FFF82900080", ias.ChipBit4idB9547},
		{"unknown", "3B6800000073C84013009000", ias.ChipUnknown},
		{"empty", "", ias.ChipUnknown},
		// Multiset inclusion is loose: an ATR holding 80 80 01 01 anywhere
		// is STM2 for the middleware, before any later family is tried.
		{"Actalis ATR with a second 01", "3B8F8001 80018031806549544A3441120FFF82900088", ias.ChipSTM2},
		// The middleware's rule is multiset inclusion, not a substring:
		// the NXP bytes in another order still match.
		{"NXP fragment shuffled", "3B 50 58 4E 54 49 65 80 31 80", ias.ChipNXP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			atr := unhex(t, tc.atr)
			assert.Equal(t, tc.want, ias.ChipFromATR(atr), "ChipFromATR(%X)", atr)
		})
	}
	assert.True(t, ias.ChipNXP.SelectsMF())
	assert.True(t, ias.ChipBit4id.SelectsMF())
	assert.False(t, ias.ChipGemalto.SelectsMF())
	assert.Equal(t, "Bit4id_B9547", ias.ChipBit4idB9547.String())
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(stripSpaces(s))
	require.NoError(t, err)
	return b
}

func stripSpaces(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

// newSim returns a simulated CIE with the given ATR (nil: default).
func newSim(t testing.TB, atr []byte, pss bool) *cardsim.CIE {
	t.Helper()
	sim, _ := exampleCIE()
	if atr == nil && !pss {
		return sim
	}
	cfg := exampleOptions()
	cfg.ATR, cfg.PSS = atr, pss
	c, err := cardsim.NewCIE(cfg)
	require.NoError(t, err)
	return c
}

// TestChannelChips opens the channel on the three paths the middleware
// distinguishes: Gemalto (one GET DATA for g, p, q), NXP (SELECT MF instead
// of the IAS AID), and an unknown chip.
func TestChannelChips(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		atr  []byte
		chip ias.Chip
	}{
		{"Gemalto", nil, ias.ChipGemalto},
		{"NXP", unhex(t, "3B8F800180318065 49544E5850 120FFF829000 00"), ias.ChipNXP},
		{"unknown", unhex(t, "3B6800000073C84013009000"), ias.ChipUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, tc.atr, false)
			rec := &cmdLog{t: sim}
			ic := ias.NewClient(scard.NewCard(rec, scard.CardOptions{}))
			require.NoError(t, ic.OpenChannel(t.Context(), ias.ChannelOptions{ATR: sim.ATR(), Rand: cardsim.DeterministicRand(1)}))
			assert.Equal(t, tc.chip, ic.Chip())
			assert.True(t, ic.ChannelOpen())
			first := rec.cmds[0]
			if tc.chip == ias.ChipNXP {
				assert.Equal(t, "00a40000", hex.EncodeToString(first), "SELECT MF first on NXP")
			} else {
				assert.Equal(t, "00a4040c0d", hex.EncodeToString(first[:5]), "SELECT IAS AID first")
			}
			getData := 0
			for _, c := range rec.cmds {
				if c[1] == 0xCB {
					getData++
				}
			}
			// DH parameters (1 or 3), CA key, PK.ICC.
			want := 5
			if tc.chip == ias.ChipGemalto {
				want = 3
			}
			assert.Equal(t, want, getData, "GET DATA commands")
			require.NoError(t, ic.VerifyPIN(t.Context(), mustPIN(t, cardsim.DefaultPIN)))
		})
	}
}

// cmdLog records the command APDUs.
type cmdLog struct {
	t    scard.Transmitter
	mu   sync.Mutex
	cmds [][]byte
	// tamper, when set, changes a response before it is returned.
	tamper func(capdu, rapdu []byte) []byte
}

func (l *cmdLog) Transmit(ctx context.Context, c []byte) ([]byte, error) {
	l.mu.Lock()
	l.cmds = append(l.cmds, append([]byte(nil), c...))
	l.mu.Unlock()
	r, err := l.t.Transmit(ctx, c)
	if err == nil && l.tamper != nil {
		r = l.tamper(c, r)
	}
	return r, err
}

// TestPINLifecycle: wrong PIN with the tries left, retries, right PIN,
// certificate, change, block, unblock with the PUK, wrong PUK, lengths.
func TestPINLifecycle(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	ctx := t.Context()

	err := ic.VerifyPIN(ctx, mustPIN(t, "1234"))
	require.ErrorIs(t, err, scard.ErrInvalidKey, "4-digit PIN")
	assert.False(t, ic.ChannelOpen(), "nothing sent for a malformed PIN")

	err = ic.VerifyPIN(ctx, mustPIN(t, "00000000"))
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Retries)
	n, err := ic.PINRetries(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	require.NoError(t, ic.VerifyPIN(ctx, mustPIN(t, cardsim.DefaultPIN)))
	n, err = ic.PINRetries(ctx)
	require.NoError(t, err)
	assert.Equal(t, -1, n, "verified")
	cert, err := ic.ReadCertificate(ctx)
	require.NoError(t, err)
	assert.Equal(t, sim.Certificate().Raw, cert.Raw)

	require.NoError(t, ic.ChangePIN(ctx, mustPIN(t, cardsim.DefaultPIN), mustPIN(t, "24681357")))
	for i := range cardsim.PINTries {
		err = ic.VerifyPIN(ctx, mustPIN(t, cardsim.DefaultPIN))
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, cardsim.PINTries-1-i, pe.Retries)
	}
	require.ErrorIs(t, err, scard.ErrAuthBlocked)
	require.ErrorIs(t, ic.VerifyPIN(ctx, mustPIN(t, "24681357")), scard.ErrAuthBlocked, "right PIN once blocked")

	err = ic.UnblockPIN(ctx, mustPUK(t, "11111111"), nil)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, cardsim.PUKTries-1, pe.Retries, "PUK counter")
	n, err = ic.PUKRetries(ctx)
	require.NoError(t, err)
	assert.Equal(t, cardsim.PUKTries-1, n)

	newPIN := mustPIN(t, "11223344")
	require.NoError(t, ic.UnblockPIN(ctx, mustPUK(t, cardsim.DefaultPUK), &newPIN))
	require.NoError(t, ic.VerifyPIN(ctx, newPIN))
	pin, puk := sim.Retries()
	assert.Equal(t, cardsim.PINTries, pin)
	assert.Equal(t, cardsim.PUKTries, puk)

	// Counters persist across sessions (reset, new channel).
	require.Error(t, ic.VerifyPIN(ctx, mustPIN(t, "99999999")))
	sim.Reset()
	ic2 := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	n, err = ic2.PINRetries(ctx)
	require.NoError(t, err)
	assert.Equal(t, cardsim.PINTries-1, n)
}

// TestSigner: crypto.Signer over the card key, PKCS#1 v1.5 for each hash.
func TestSigner(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	_, err := ic.NewSigner(t.Context(), mustPIN(t, "87654321"))
	require.ErrorIs(t, err, scard.ErrWrongPIN)
	s, err := ic.NewSigner(t.Context(), mustPIN(t, cardsim.DefaultPIN))
	require.NoError(t, err)
	var _ crypto.Signer = s
	pub := s.Public().(*rsa.PublicKey)
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA1} {
		d := h.New()
		d.Write([]byte("ciekit"))
		digest := d.Sum(nil)
		sig, err := s.Sign(nil, digest, h)
		require.NoError(t, err, "Sign(%v)", h)
		require.NoError(t, rsa.VerifyPKCS1v15(pub, h, digest, sig), "signature for %v", h)
	}
	_, err = s.Sign(nil, make([]byte, 32), &rsa.PSSOptions{Hash: crypto.SHA256})
	require.ErrorIs(t, err, ias.ErrUnsupportedSignature)
	require.ErrorIs(t, err, errors.ErrUnsupported)
	_, err = s.Sign(nil, make([]byte, 20), crypto.SHA256)
	require.Error(t, err, "digest of the wrong length")

	// A cancelled context stops the exchange.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s.SignContext(ctx, make([]byte, 32), crypto.SHA256)
	require.ErrorIs(t, err, context.Canceled)

	tc := s.TLSCertificate()
	assert.Equal(t, sim.Certificate().Raw, tc.Certificate[0])
	assert.Same(t, s, tc.PrivateKey)
}

// TestSignNeedsPIN: a real CIE refuses the signature before VERIFY PIN.
func TestSignNeedsPIN(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	_, err := ic.SignPKCS1(t.Context(), make([]byte, 51))
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "no channel")
	require.NoError(t, ic.OpenChannel(t.Context(), ias.ChannelOptions{}))
	_, err = ic.SignPKCS1(t.Context(), make([]byte, 51))
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "channel without PIN")
}

// TestTamperedResponse: a response MAC that does not verify closes the
// channel with an SM error.
func TestTamperedResponse(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	rec := &cmdLog{t: sim}
	ic := ias.NewClient(scard.NewCard(rec, scard.CardOptions{}))
	require.NoError(t, ic.OpenChannel(t.Context(), ias.ChannelOptions{}))
	rec.tamper = func(c, r []byte) []byte {
		if c[0]&0x0C == 0x0C && len(r) > 4 {
			r = append([]byte(nil), r...)
			r[len(r)-3] ^= 1 // inside the MAC
		}
		return r
	}
	err := ic.VerifyPIN(t.Context(), mustPIN(t, cardsim.DefaultPIN))
	require.ErrorIs(t, err, scard.ErrSecureMessaging)
	assert.False(t, ic.ChannelOpen())
}

// TestForgedCard: a card whose DAPP answer does not verify against EF 1004
// (a clone with another key) is refused.
func TestForgedCard(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	rec := &cmdLog{t: sim}
	rec.tamper = func(c, r []byte) []byte {
		// Replace EF 1004 (read in plain) with another key.
		if len(c) == 5 && c[1] == 0xB0 && c[2] == 0 && c[3] == 0 && len(r) > 20 {
			k, _ := rsa.GenerateKey(nilReader{}, 1024)
			_ = k
			r = append([]byte(nil), r...)
			r[15] ^= 0x55 // inside the modulus
		}
		return r
	}
	ic := ias.NewClient(scard.NewCard(rec, scard.CardOptions{}))
	err := ic.OpenChannel(t.Context(), ias.ChannelOptions{})
	require.ErrorIs(t, err, ias.ErrChannel)
	assert.False(t, ic.ChannelOpen())
}

type nilReader struct{}

func (nilReader) Read(p []byte) (int, error) { return 0, errors.New("no randomness") }

// TestVerifySOD checks the IAS SOD in both signature variants.
func TestVerifySOD(t *testing.T) {
	t.Parallel()
	for _, pss := range []bool{false, true} {
		sim := newSim(t, nil, pss)
		ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
		require.NoError(t, ic.OpenChannel(t.Context(), ias.ChannelOptions{}))
		res, err := ic.VerifySOD(t.Context(), ias.SODOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err, "PSS %v", pss)
		assert.Equal(t, "123456789012", res.NIS)
		other := x509.NewCertPool()
		_, err = ic.VerifySOD(t.Context(), ias.SODOptions{CSCA: other})
		require.Error(t, err)
	}
}

// TestPublishedTerminalKey: the published terminal modulus and private
// exponent (middleware IAS.cpp defModule/defPrivExp) form an RSA key with
// exponent 65537: a known-answer check that they were transcribed right.
func TestPublishedTerminalKey(t *testing.T) {
	t.Parallel()
	n, d := ias.TerminalKeyForTest()
	m := new(big.Int).SetBytes(sha256.New().Sum([]byte("ciekit")))
	s := new(big.Int).Exp(m, d, n)
	assert.Equal(t, 0, new(big.Int).Exp(s, big.NewInt(65537), n).Cmp(m), "(m^d)^e != m")
	assert.Equal(t, 2048, n.BitLen())
}

// TestNoSessionKeyPrinted: the client, its channel and the signer print
// no key material.
func TestNoSessionKeyPrinted(t *testing.T) {
	t.Parallel()
	sim := newSim(t, nil, false)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
	s, err := ic.NewSigner(t.Context(), mustPIN(t, cardsim.DefaultPIN))
	require.NoError(t, err)
	kenc, kmac := ias.SessionKeysForTest(ic)
	require.Len(t, kenc, 16)
	secrettest.Check(t, ic, kenc, kmac, []byte(cardsim.DefaultPIN))
	secrettest.Check(t, s, kenc, kmac, []byte(cardsim.DefaultPIN))
	err = ic.VerifyPIN(t.Context(), mustPIN(t, "13572468"))
	require.Error(t, err)
	secrettest.Check(t, err, []byte("13572468"))
}
