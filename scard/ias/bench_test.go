package ias_test

import (
	"crypto"
	"crypto/sha256"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
)

// benchCIE is a simulated CIE with 2048-bit keys, as real cards have.
func benchCIE(b *testing.B) *cardsim.CIE {
	b.Helper()
	opts := exampleOptions()
	opts.KeyBits = 2048
	opts.PKI = nil
	sim, err := cardsim.NewCIE(opts)
	if err != nil {
		b.Fatal(err)
	}
	return sim
}

// BenchmarkPINVerified measures the time from a card present (freshly
// reset) to the PIN verified: SELECT, DH parameters, EF 1004, CA key, DH
// key agreement, DAPP, VERIFY PIN, on the in-memory simulator (both sides'
// cryptography in this process).
func BenchmarkPINVerified(b *testing.B) {
	sim := benchCIE(b)
	pin, _ := scard.NewPIN(cardsim.DefaultPIN)
	ctx := b.Context()
	// The card's CA key is made on first use; keep that out of the loop.
	if err := ias.NewClient(scard.NewCard(sim, scard.CardOptions{})).VerifyPIN(ctx, pin); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sim.Reset()
		ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{NoExtended: true}))
		if err := ic.OpenChannel(ctx, ias.ChannelOptions{ATR: sim.ATR()}); err != nil {
			b.Fatal(err)
		}
		if err := ic.VerifyPIN(ctx, pin); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign measures one signature (MSE:SET + INTERNAL AUTHENTICATE in
// secure messaging, and the check against the certificate) with the PIN
// verified.
func BenchmarkSign(b *testing.B) {
	sim := benchCIE(b)
	pin, _ := scard.NewPIN(cardsim.DefaultPIN)
	ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{NoExtended: true}))
	s, err := ic.NewSigner(b.Context(), pin)
	if err != nil {
		b.Fatal(err)
	}
	d := sha256.Sum256([]byte("ciekit"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.SignContext(b.Context(), d[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
