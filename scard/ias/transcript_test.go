package ias_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"flag"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.apdu transcripts from the simulator")

// TestTranscripts holds the reader to its recorded sessions with the
// simulated CIE (fixed randomness on both sides): a wrong PIN, the right
// PIN, the certificate and a SHA-256 signature, through the IAS secure
// channel. The card side is held to the same recording by Replay.
// Regenerate with go test ./scard/ias -run Transcripts -update.
func TestTranscripts(t *testing.T) {
	const path = "testdata/pin-sign.apdu"
	t.Run("reader", func(t *testing.T) {
		var tr scard.Transmitter
		if *update {
			tr = scardtest.Record(t, newSim(t, nil, false), path)
		} else {
			tr = scardtest.Playback(t, path)
		}
		session(t, tr)
	})
	t.Run("card", func(t *testing.T) {
		scardtest.Replay(t, newSim(t, nil, false), path)
	})
}

func session(t *testing.T, tr scard.Transmitter) {
	ctx := t.Context()
	ic := ias.NewClient(scard.NewCard(tr, scard.CardOptions{NoExtended: true}))
	require.NoError(t, ic.OpenChannel(ctx, ias.ChannelOptions{ATR: []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x00, 0x11, 0x12, 0x0F, 0xFF, 0x82, 0x90, 0x00, 0x8A}, Rand: cardsim.DeterministicRand(99)}))
	require.ErrorIs(t, ic.VerifyPIN(ctx, mustPIN(t, "11111111")), scard.ErrWrongPIN)
	s, err := ic.NewSigner(ctx, mustPIN(t, cardsim.DefaultPIN))
	require.NoError(t, err)
	d := sha256.Sum256([]byte("ciekit transcript"))
	sig, err := s.Sign(nil, d[:], crypto.SHA256)
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(s.Public().(*rsa.PublicKey), crypto.SHA256, d[:], sig))
}
