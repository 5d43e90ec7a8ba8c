package ias_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// The IAS reads against a hostile card (issue 25): a recorded session of
// the simulated CIE (VerifyNIS: NIS, EF 1005 key, IAS SOD, passive
// authentication, internal authentication; EF.Serial; PINRetries;
// VerifyPIN; the certificate), mutated by the fuzzer, or raw fuzzer
// responses. Every call ends within the APDU limit, returns a value or an
// error but not both, and no error carries the PIN.

// sessionLimit is the documented APDU bound of session: scard's budget for
// each of the five file reads (4 per 223-byte chunk of at most 1 MiB, plus
// 64, plus one command's 1 + 1024 GET RESPONSE rounds) and 1 + 1 + 1024
// for each of the other commands.
const sessionLimit = 5*(4*4703+64+1026) + 12*1026

func hostileSession(t testing.TB, tr scard.Transmitter, check func(what string, ok bool, err error)) {
	ctx := context.Background()
	_, pki := fuzzCIE()
	c := ias.NewClient(scard.NewCard(tr, scard.CardOptions{}))
	res, err := c.VerifyNIS(ctx, ias.NISOptions{CSCA: pki.CSCAPool(), Rand: cardsim.DeterministicRand(5)})
	check("VerifyNIS", res != nil && len(res.NIS) == 12 && res.PublicKey != nil, err)
	dh, err := c.ReadDH(ctx)
	check("ReadDH", true, err) // the DH parameters come by GET DATA: EF.DH may be empty
	_ = dh
	nis, err := c.ReadNIS(ctx)
	check("ReadNIS", len(nis) == 12, err)
	serial, err := c.ReadSerial(ctx)
	check("ReadSerial", true, err) // an empty EF.Serial reads as nil
	_ = serial
	sod, err := c.ReadSOD(ctx)
	check("ReadSOD", sod != nil, err)
	n, err := c.PINRetries(ctx)
	check("PINRetries", n >= -1 && n <= 15, err)
	pin, err := scard.NewPIN(cardsim.DefaultPIN)
	if err != nil {
		t.Fatal(err)
	}
	check("VerifyPIN", true, c.VerifyPIN(ctx, pin))
	cert, err := c.ReadCertificate(ctx)
	check("ReadCertificate", cert != nil, err)
}

// fuzzCIE is made once: its RSA keys take longer than a fuzz run.
var fuzzCIE = sync.OnceValues(exampleCIE)

func checker(t *testing.T) func(string, bool, error) {
	return func(what string, ok bool, err error) {
		t.Helper()
		if err == nil && !ok {
			t.Fatalf("%s: no error and no (or an invalid) result", what)
		}
		if err != nil && strings.Contains(err.Error(), cardsim.DefaultPIN) {
			t.Fatalf("%s: error carries the PIN: %q", what, err)
		}
	}
}

func recordIAS(f *testing.F) [][]byte {
	sim, _ := fuzzCIE()
	tp := &scardtest.Tape{T: sim}
	hostileSession(f, tp, func(what string, _ bool, err error) {
		if err != nil {
			f.Fatalf("recording %s: %v", what, err)
		}
	})
	return tp.Responses
}

// FuzzIASClient: the recorded session with fuzzer mutations
// ([scardtest.Mutate]) and a fuzzer-chosen answer once it is spent.
func FuzzIASClient(f *testing.F) {
	rec := recordIAS(f)
	scardtest.AddMutationSeeds(f, rec)
	f.Fuzz(func(t *testing.T, ops, tail []byte) {
		h := scardtest.MutatedCard(rec, ops, tail, sessionLimit)
		hostileSession(t, h, checker(t))
		h.CheckBounded(t)
	})
}

// FuzzIASClientRaw: every response is the fuzzer's
// ([scardtest.DecodeResponses]), the last one repeated forever.
func FuzzIASClientRaw(f *testing.F) {
	rec := recordIAS(f)
	f.Add(scardtest.EncodeResponses(rec))
	f.Add(scardtest.EncodeResponses([][]byte{{0x90, 0x00}, {0x61, 0xFF}}))
	f.Add(scardtest.EncodeResponses([][]byte{{0x90, 0x00}, {0x90, 0x00}, {0x31, 0x32, 0x90, 0x00}, {0x90, 0x00}, {0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xF0, 0x90, 0x00}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		h := scardtest.RawCard(in, sessionLimit)
		hostileSession(t, h, checker(t))
		h.CheckBounded(t)
	})
}
