// Command cardserve serves a reproducible simulated CIE (scard/cardsim) to
// pcscd through vsmartcard's vpcd driver and records every exchange as a
// scardtest transcript, so that a program nobody here wrote (the official
// CIE middleware's PKCS#11 module driven by OpenSC's pkcs11-tool) can be
// run against it and its session replayed in CI (cardserve_test.go).
//
//	cardserve -addr 127.0.0.1:35963 -out session.apdu
//
// It stops on SIGINT/SIGTERM and writes the transcript. Resets sent by
// the reader are recorded as a comment ("card reset") before the next
// exchange. The card is the one of [newCard]: fixed keys, PIN 12345678,
// PUK 87654321, and card randomness from cardsim.DeterministicRand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/ciekit/ciekit/scard/vpcd"
)

// resetComment marks a reader-initiated reset in a transcript.
const resetComment = " card reset"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cardserve:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("cardserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:35963", "vpcd slot address (35963 is slot 0)")
	out := fs.String("out", "", "transcript file to write on exit (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	card, err := newCard()
	if err != nil {
		return err
	}
	rec := &recorder{card: card}
	b := vpcd.Start(ctx, *addr, rec, nil)
	fmt.Fprintln(stderr, "cardserve: serving the simulated CIE on", *addr)
	<-ctx.Done()
	b.Close()
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := scardtest.WriteTranscript(f, rec.exchanges()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// newCard returns the card the interop sessions were recorded with. Its
// document signer has a 2048-bit key: the middleware (Crypto/RSA.cpp
// RSA_PURE) restores a dropped leading zero only for 2048-bit moduli, so
// it cannot check an IAS SOD signed with a 1024-bit key. Do
// not change it: the committed transcripts replay against it.
func newCard() (*cardsim.CIE, error) {
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(2020), KeyBits: 2048})
	if err != nil {
		return nil, err
	}
	return cardsim.NewCIE(cardsim.CIEOptions{
		MRZ:     "C<ITCA00000AA4<<<<<<<<<<<<<<<8503151F3403157ITA<<<<<<<<<<<2ROSSI<<MARIA<LUISA<<<<<<<<<<<<<",
		CAN:     simCAN,
		NIS:     "123456789012",
		PKI:     pki,
		KeyBits: 1024,
		Rand:    cardsim.DeterministicRand(2021),
	})
}

// recorder passes exchanges to the card and keeps them.
type recorder struct {
	card *cardsim.CIE

	mu    sync.Mutex
	xs    []scardtest.Exchange
	reset bool
}

func (r *recorder) ATR() []byte { return r.card.ATR() }

// Reset forwards a reader reset and notes it for the transcript.
func (r *recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.card.Reset()
	r.reset = true
}

func (r *recorder) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	resp, err := r.card.Transmit(ctx, capdu)
	r.mu.Lock()
	defer r.mu.Unlock()
	x := scardtest.Exchange{Command: append([]byte(nil), capdu...), Response: resp, Err: err}
	if r.reset {
		x.Comments = append(x.Comments, resetComment)
		r.reset = false
	}
	x.Comments = append(x.Comments, " "+scardtest.Describe(capdu))
	r.xs = append(r.xs, x)
	return resp, err
}

func (r *recorder) exchanges() []scardtest.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]scardtest.Exchange(nil), r.xs...)
}

// simCAN is the CAN of the simulated CIE (not a secret of any real card).
var simCAN = func() emrtd.CAN {
	c, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	return c
}()
