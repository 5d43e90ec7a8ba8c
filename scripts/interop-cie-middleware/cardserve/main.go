// Command cardserve serves a reproducible simulated CIE (scard/cardsim) to
// pcscd through vsmartcard's vpcd driver and records every exchange as a
// scardtest transcript, so that a program nobody here wrote (the official
// CIE middleware's PKCS#11 module driven by OpenSC's pkcs11-tool) can be
// run against it and its session replayed in CI (cardserve_test.go).
//
//	cardserve -addr 127.0.0.1:35963 -out session.apdu
//	cardserve -pan
//
// -pan prints the name under which the middleware's PKCS#11 side looks for
// the card's enrolment cache (see [cacheName]) and exits.
//
// It stops on SIGINT/SIGTERM and writes the transcript (interop.Recorder:
// a reader's reset is a comment, "card reset", before the next exchange). The card is the one of [newCard]: fixed keys, PIN 12345678,
// PUK 87654321, and card randomness from cardsim.DeterministicRand.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/vpcd"
	"github.com/ciekit/ciekit/scripts/internal/interop"
)

func main() {
	cli.Main("cardserve", func(ctx context.Context, args []string, _, stderr io.Writer) error {
		return run(ctx, args, stderr)
	})
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("cardserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:35963", "vpcd slot address (35963 is slot 0)")
	out := fs.String("out", "", "transcript file to write on exit (required)")
	pan := fs.Bool("pan", false, "print the name the middleware's PKCS#11 side gives the card's cache, and exit")
	if err := fs.Parse(args); err != nil {
		return cli.FlagSetError(err) // -h: exit 0; else exit 2, printed by fs
	}
	card, err := newCard()
	if err != nil {
		return err
	}
	if *pan {
		name, err := cacheName(ctx, card)
		if err != nil {
			return err
		}
		fmt.Println(name)
		return nil
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	rec := interop.NewRecorder(card)
	b := vpcd.Start(ctx, *addr, rec, nil)
	fmt.Fprintln(stderr, "cardserve: serving the simulated CIE on", *addr)
	<-ctx.Done()
	b.Close()
	return rec.WriteFile(*out)
}

// newCard returns the card the interop sessions were recorded with. Its
// document signer has a 2048-bit key: the middleware (Crypto/RSA.cpp
// RSA_PURE) restores a dropped leading zero only for 2048-bit moduli, so
// it cannot check an IAS SOD signed with a 1024-bit key. Do
// not change it: the committed transcripts replay against it. (The MRZ was
// corrected after the recording, from a 29-character first line with wrong
// check digits that cardsim now refuses: the recorded sessions are IAS
// ones, and the MRZ feeds only the eMRTD application's DG1, EF.SOD and
// BAC/PACE key, so they replay unchanged.)
func newCard() (*cardsim.CIE, error) {
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(2020), KeyBits: 2048})
	if err != nil {
		return nil, err
	}
	return cardsim.NewCIE(cardsim.CIEOptions{
		MRZ:     "C<ITACA00000AA4<<<<<<<<<<<<<<<\n8503150F3403152ITA<<<<<<<<<<<4\nROSSI<<MARIA<LUISA<<<<<<<<<<<<",
		CAN:     simCAN,
		NIS:     "123456789012",
		PKI:     pki,
		KeyBits: 1024,
		Rand:    cardsim.DeterministicRand(2021),
	})
}

// cacheName returns the name under which the middleware's PKCS#11 side
// (IAS::GetCertificate, CIEtemplateGetSerial) looks for the enrolment
// cache: the hex of bytes 5 to 10 of EF.SN.ICC (D003, the middleware's
// "PAN"). Its enrolment (AbilitaCIE) writes the cache under the NIS
// (EF.ID_Servizi) instead, so the two names agree only on a card whose
// EF.SN.ICC carries the NIS there; the simulated card's EF.SN.ICC is
// random. It reads the file with the middleware's own commands.
func cacheName(ctx context.Context, card *cardsim.CIE) (string, error) {
	var data []byte
	for _, c := range []string{"00A4040C0DA0000000308000000009816001", "00A4020402D003", "00B0000080"} {
		cmd, err := hex.DecodeString(c)
		if err != nil {
			return "", err
		}
		resp, err := card.Transmit(ctx, cmd)
		if err != nil {
			return "", err
		}
		if len(resp) < 2 || resp[len(resp)-2] != 0x90 || resp[len(resp)-1] != 0x00 {
			return "", fmt.Errorf("reading EF.SN.ICC: %X answered %X", cmd, resp)
		}
		data = resp[:len(resp)-2]
	}
	if len(data) < 11 {
		return "", fmt.Errorf("EF.SN.ICC has %d bytes, want at least 11", len(data))
	}
	return fmt.Sprintf("%X", data[5:11]), nil
}

// simCAN is the CAN of the simulated CIE (not a secret of any real card).
var simCAN = func() emrtd.CAN {
	c, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	return c
}()
