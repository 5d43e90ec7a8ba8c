package sco_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/ciekit/ciekit/scard/sco"
)

// The SCO client against a hostile card (issue 25): the responses of a
// recorded session of the simulated SCO (Select, Info, both certificates,
// PINRetries, Login, Sign), mutated by the fuzzer, or raw fuzzer
// responses. Every call ends within the APDU limit, returns a value or an
// error but not both, and no error carries the PIN or the master password.

const (
	fuzzPIN = "73915428"
	fuzzSO  = "Offic3r-Pa55word!"
)

var digest = sha256.Sum256([]byte("ciekit"))

// sessionLimit is the documented APDU bound of session: scard's budget for
// each of the three file reads (4 per 223-byte chunk of at most 1 MiB, plus
// 64, plus one command's 1 + 1024 GET RESPONSE rounds) and 1 + 1 + 1024 for
// each of the other commands (a 6Cxx retry, then GET RESPONSE rounds).
const sessionLimit = 3*(4*4703+64+1026) + 10*1026

// session runs the client calls one after the other, stopping at nothing:
// each call must hold to the contract whatever the card did before.
func session(t testing.TB, tr scard.Transmitter, check func(what string, ok bool, err error)) {
	ctx := context.Background()
	c := sco.NewClient(scard.NewCard(tr, scard.CardOptions{}))
	pin, err := scard.NewPIN(fuzzPIN)
	if err != nil {
		t.Fatal(err)
	}
	check("Select", true, c.Select(ctx))
	info, err := c.Info(ctx)
	check("Info", info != nil, err)
	for _, k := range []sco.Key{sco.KeyAuthentication, sco.KeySignature} {
		cert, err := c.Certificate(ctx, k)
		check("Certificate", cert != nil, err)
	}
	n, err := c.PINRetries(ctx)
	check("PINRetries", n >= -1 && n <= 15, err)
	check("Login", true, c.Login(ctx, pin))
	sig, err := c.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	check("Sign", sig != nil, err)
}

func checker(t *testing.T) func(string, bool, error) {
	return func(what string, ok bool, err error) {
		t.Helper()
		if err == nil && !ok {
			t.Fatalf("%s: no error and no (or an invalid) result", what)
		}
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, fuzzPIN) || strings.Contains(msg, fuzzSO) {
				t.Fatalf("%s: error carries a secret: %q", what, msg)
			}
		}
	}
}

func recordSCO(f *testing.F) [][]byte {
	so, err := sco.NewMasterPassword(fuzzSO)
	if err != nil {
		f.Fatal(err)
	}
	pin, err := scard.NewPIN(fuzzPIN)
	if err != nil {
		f.Fatal(err)
	}
	sim, err := cardsim.NewSCO(cardsim.SCOOptions{MasterPassword: so, PIN: pin, Sede: "H501-01",
		Operator: "BNCGNN70A01F205X", KeyBits: 1024, Rand: cardsim.DeterministicRand(4)})
	if err != nil {
		f.Fatal(err)
	}
	tp := &scardtest.Tape{T: sim}
	session(f, tp, func(what string, _ bool, err error) {
		if err != nil {
			f.Fatalf("recording %s: %v", what, err)
		}
	})
	return tp.Responses
}

// FuzzSCOClient: the recorded session with fuzzer mutations
// ([scardtest.Mutate]) and a fuzzer-chosen answer once it is spent.
func FuzzSCOClient(f *testing.F) {
	rec := recordSCO(f)
	scardtest.AddMutationSeeds(f, rec)
	f.Fuzz(func(t *testing.T, ops, tail []byte) {
		h := scardtest.MutatedCard(rec, ops, tail, sessionLimit)
		session(t, h, checker(t))
		h.CheckBounded(t)
	})
}

// FuzzSCOClientRaw: every response is the fuzzer's
// ([scardtest.DecodeResponses]), the last one repeated forever.
func FuzzSCOClientRaw(f *testing.F) {
	rec := recordSCO(f)
	f.Add(scardtest.EncodeResponses(rec))
	f.Add(scardtest.EncodeResponses([][]byte{{0x90, 0x00}, {0x61, 0xFF}}))
	f.Add(scardtest.EncodeResponses([][]byte{{0x90, 0x00}, {0x90, 0x00}, {0xE1, 0x84, 0xFF, 0xFF, 0xFF, 0xF0, 0x90, 0x00}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		h := scardtest.RawCard(in, sessionLimit)
		session(t, h, checker(t))
		h.CheckBounded(t)
	})
}
