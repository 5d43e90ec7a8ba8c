package cardsim_test

import (
	"context"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRemovedMidRead(t *testing.T) {
	sim := newCIE(t)
	sim.RemoveAfter(12) // during the data-group reads after BAC
	_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true})
	require.ErrorIs(t, err, scard.ErrCardRemoved)
	assert.False(t, sim.Present())
	_, err = sim.Transmit(t.Context(), []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	require.ErrorIs(t, err, scard.ErrCardRemoved)
	// Back in the reader: a fresh session, so the read works from the start.
	sim.Insert()
	_, err = emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true})
	require.NoError(t, err)
}

func TestRemoveDuringLatency(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.Latency = time.Hour })
	done := make(chan error, 1)
	go func() {
		_, err := sim.Transmit(context.Background(), []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	sim.Remove()
	require.ErrorIs(t, <-done, scard.ErrCardRemoved)
}

func TestContextDuringLatency(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.Latency = time.Hour })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := sim.Transmit(ctx, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	sim.SetLatency(0)
	r, err := sim.Transmit(t.Context(), []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	require.NoError(t, err)
	assert.Equal(t, []byte{0x90, 0x00}, r)
}

func TestResetDropsSession(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	require.NoError(t, emrtd.BAC(ctx, c, testKey))
	sim.Reset()
	_, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
	require.ErrorIs(t, err, scard.ErrSecureMessaging, "SM command after reset")
}

// TestSecureMessagingErrors: a bad MAC gives a plain 6988 and ends the
// session; a plain command while SM is up ends it too.
func TestSecureMessagingErrors(t *testing.T) {
	ctx := t.Context()
	t.Run("bad MAC", func(t *testing.T) {
		sim := newCIE(t)
		c := scard.NewCard(sim, scard.CardOptions{})
		require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
		require.NoError(t, emrtd.BAC(ctx, c, testKey))
		w, err := c.SecureMessaging().WrapCommand(scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
		require.NoError(t, err)
		w.Data[len(w.Data)-1] ^= 1
		b, err := w.Bytes()
		require.NoError(t, err)
		r, err := sim.Transmit(ctx, b)
		require.NoError(t, err)
		assert.Equal(t, []byte{0x69, 0x88}, r)
		// The session is gone: even a correct SM command is refused.
		_, err = c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
		require.Error(t, err)
	})
	t.Run("plain command", func(t *testing.T) {
		sim := newCIE(t)
		c := scard.NewCard(sim, scard.CardOptions{})
		require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
		require.NoError(t, emrtd.BAC(ctx, c, testKey))
		r, err := sim.Transmit(ctx, []byte{0x00, 0xB0, 0x81, 0x00, 0x04})
		require.NoError(t, err)
		assert.Equal(t, []byte{0x69, 0x82}, r)
		_, err = c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
		require.Error(t, err)
	})
	t.Run("error status under SM", func(t *testing.T) {
		sim := newCIE(t)
		c := scard.NewCard(sim, scard.CardOptions{})
		require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
		require.NoError(t, emrtd.BAC(ctx, c, testKey))
		err := c.SelectEF(ctx, 0x0105)
		require.ErrorIs(t, err, scard.ErrNotFound)
		// Protected error answers keep the session.
		_, err = c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
		require.NoError(t, err)
	})
}

func TestReadBinaryVariants(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.Photo = make([]byte, 1000) })
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	require.NoError(t, emrtd.BAC(ctx, c, testKey))
	dg2 := sim.DataGroup(2)
	t.Run("extended", func(t *testing.T) {
		b, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x82, Ne: 65536})
		require.NoError(t, err)
		assert.Equal(t, dg2, b)
	})
	t.Run("256 bytes under SM", func(t *testing.T) {
		// The protected answer exceeds 256 bytes: 61xx, then GET RESPONSE.
		b, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x82, Ne: 256})
		require.NoError(t, err)
		assert.Equal(t, dg2[:256], b)
	})
	t.Run("odd INS", func(t *testing.T) {
		b, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinaryOdd, P1: 0x01, P2: 0x02, Data: []byte{0x54, 0x01, 0x04}, Ne: 256})
		require.NoError(t, err)
		require.Greater(t, len(b), 2)
		assert.Equal(t, byte(0x53), b[0])
	})
	t.Run("beyond end", func(t *testing.T) {
		require.NoError(t, c.SelectEF(ctx, 0x0101))
		_, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x7F, P2: 0x00, Ne: 1})
		var se *scard.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, scard.SWWrongOffset, se.SW)
	})
}

func TestStatusWords(t *testing.T) {
	sim := newCIE(t)
	tests := []struct {
		name  string
		capdu []byte
		sw    uint16
	}{
		{"unknown AID", []byte{0x00, 0xA4, 0x04, 0x0C, 0x03, 0xA0, 0x00, 0x01}, scard.SWFileNotFound},
		{"unknown INS", []byte{0x00, 0x7E, 0x00, 0x00}, scard.SWInsNotSupported},
		{"proprietary CLA", []byte{0x80, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00}, scard.SWClaNotSupported},
		{"malformed", []byte{0x00, 0xA4, 0x04}, scard.SWWrongLength},
		{"SM without session", []byte{0x0C, 0xB0, 0x81, 0x00, 0x00}, scard.SWSMObjectsIncorrect},
		{"BAC without challenge", append([]byte{0x00, 0x82, 0x00, 0x00, 0x28}, make([]byte, 41)...), scard.SWConditionsNotSatisfied},
		{"GET RESPONSE with nothing pending", []byte{0x00, 0xC0, 0x00, 0x00, 0x00}, scard.SWConditionsNotSatisfied},
		{"update", []byte{0x00, 0xD6, 0x00, 0x00, 0x01, 0x00}, scard.SWSecurityStatusNotSatisfied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := sim.Transmit(t.Context(), tc.capdu)
			require.NoError(t, err)
			resp, err := scard.ParseResponse(r)
			require.NoError(t, err)
			assert.Equal(t, tc.sw, resp.SW, "Transmit(%X)", tc.capdu)
		})
	}
}

func TestNewCIEErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*cardsim.CIEOptions)
	}{
		{"short MRZ", func(c *cardsim.CIEOptions) { c.MRZ = c.MRZ[:80] }},
		{"no CAN", func(c *cardsim.CIEOptions) { c.CAN = emrtd.CAN{} }}, // a malformed CAN cannot be built (emrtd.NewCAN)
		{"bad PIN", func(c *cardsim.CIEOptions) { c.PIN = mustPIN(t, "1234") }},
		{"bad NIS", func(c *cardsim.CIEOptions) { c.NIS = "12" }},
		{"small keys", func(c *cardsim.CIEOptions) { c.KeyBits = 512 }},
		{"bad ATR", func(c *cardsim.CIEOptions) { c.ATR = []byte{0x12, 0x34} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(1)
			p, err := pkiOnce()
			require.NoError(t, err)
			cfg.PKI = p
			tc.mod(&cfg)
			_, err = cardsim.NewCIE(cfg)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "12345678", "error must not leak the PIN")
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, b := newCIE(t), newCIE(t)
	assert.Equal(t, a.DataGroup(14), b.DataGroup(14))
	assert.Equal(t, a.Certificate().Raw, b.Certificate().Raw)
	c := newCIE(t, func(c *cardsim.CIEOptions) { c.Rand = cardsim.DeterministicRand(8) })
	assert.NotEqual(t, a.DataGroup(14), c.DataGroup(14))
}

func TestSetDataGroup(t *testing.T) {
	sim := newCIE(t)
	require.Error(t, sim.SetDataGroup(7, nil))
	require.Error(t, sim.SetDataGroup(0x1D, nil))
	require.NoError(t, sim.SetDataGroup(1, []byte{0x61, 0x00}))
	assert.Equal(t, []byte{0x61, 0x00}, sim.DataGroup(1))
	assert.Nil(t, sim.DataGroup(5))
}

func TestExactLe(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.ExactLe = true })
	ctx := t.Context()
	c := scard.NewCard(sim, scard.CardOptions{})
	selectCIE(t, c)
	r, err := sim.Transmit(ctx, []byte{0x00, 0xB0, 0x81, 0x00, 0x00})
	require.NoError(t, err)
	assert.Equal(t, []byte{0x6C, 0x0C}, r)
	// scard.Card re-sends with the right Le.
	b, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 256})
	require.NoError(t, err)
	assert.Equal(t, "123456789012", string(b))
	nis, err := ias.NewClient(c).ReadNIS(ctx)
	require.NoError(t, err)
	assert.Equal(t, "123456789012", nis)
}
