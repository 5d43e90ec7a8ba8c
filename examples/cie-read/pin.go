package main

// PIN management: cie-read pin verify|change|unblock, in the IAS secure
// channel (scard/ias), as a real CIE requires.
//
//	go run ./examples/cie-read pin verify -pin-stdin <<< 12345678
//	go run ./examples/cie-read pin change -source pcsc
//	go run ./examples/cie-read pin unblock -source pcsc
//
// PINs and PUKs (8 digits) are read from the terminal without echo, or one
// per line from stdin with -pin-stdin; they are never printed.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/ias"
)

// pinCommand describes "cie-read pin" for its usage text.
var pinCommand = &cli.Command{
	Name: "cie-read pin",
	Args: "verify|change|unblock [flags]",
	Summary: `Verifies, changes or unblocks (with the PUK) the CIE's PIN in the IAS secure channel,
as a real CIE requires.`,
	Inputs: `verify    asks for the PIN
change    asks for the current PIN, then the new one (twice on a terminal)
unblock   asks for the PUK, then the new PIN (twice on a terminal)
PINs and PUKs have 8 digits; they are read from the terminal without echo, or one per
line from stdin with -pin-stdin, and never printed. The simulated CIE's PIN is 12345678
and its PUK 87654321.`,
	Examples: []string{
		"go run ./examples/cie-read pin verify -pin-stdin <<< 12345678",
		"go run ./examples/cie-read pin change -source pcsc",
		"go run ./examples/cie-read pin unblock -source pcsc",
	},
	OK:      "the PIN was verified, changed or unblocked",
	Failure: "wrong PIN or PUK (the tries left are printed), blocked, no card, ...",
}

// pinActions are the actions of "cie-read pin".
var pinActions = []string{"verify", "change", "unblock"}

// runPIN runs "cie-read pin <action> [flags]".
func runPIN(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := pinCommand.FlagSet()
	source := fs.String("source", "sim", "sim (simulated card in memory), pcsc-sim (through pcscd and vsmartcard-vpcd) or pcsc (a real reader)")
	reader := fs.String("reader", "", "PC/SC reader name (default: the first one)")
	fromStdin := fs.Bool("pin-stdin", false, "read PIN and PUK one per line from stdin instead of the terminal")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := pinCommand.Parse(fs, args, stdout); err != nil {
			return err // -h, or a bad flag
		}
		return cli.Usagef("", "missing action: want cie-read pin %s", cli.OneOf(pinActions...))
	}
	action := args[0]
	if err := pinCommand.Parse(fs, args[1:], stdout); err != nil {
		return err
	}
	if !slices.Contains(pinActions, action) {
		return cli.Usagef("", "unknown pin action %q: want %s", action, cli.OneOf(pinActions...))
	}
	if err := cli.Choice("source", *source, sources...); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("", "unexpected arguments %q after cie-read pin %s", fs.Args(), action)
	}
	if *timeout <= 0 {
		return cli.Usagef("timeout", "%s: want a positive duration such as 1m", *timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var (
		card scard.Transmitter
		atr  []byte
	)
	switch *source {
	case "sim", "pcsc-sim":
		sim, err := specimen()
		if err != nil {
			return err
		}
		card, atr = sim, sim.ATR()
		if *source == "pcsc-sim" {
			b, r, err := serveToPCSC(ctx, sim, *reader)
			if err != nil {
				return err
			}
			defer b.Close()
			*reader = r
		}
	case "pcsc":
	}
	if *source != "sim" {
		c, closeCard, err := connect(ctx, config{source: *source, reader: *reader}, stdout)
		if err != nil {
			return err
		}
		defer closeCard()
		card, atr = c, c.ATR()
	}

	in := &secretInput{r: bufio.NewReader(stdin), f: stdin, prompt: stderr, stdin: *fromStdin}
	ic := ias.NewClient(scard.NewCard(card, scard.CardOptions{NoExtended: true}))
	ic.SetChip(ias.ChipFromATR(atr))
	defer ic.CloseChannel()
	switch action {
	case "verify":
		pin, err := in.pin("CIE PIN (8 digits)")
		if err != nil {
			return err
		}
		if err := ic.VerifyPIN(ctx, pin); err != nil {
			return pinFailure(err)
		}
		fmt.Fprintln(stdout, "PIN verified")
	case "change":
		old, err := in.pin("Current PIN (8 digits)")
		if err != nil {
			return err
		}
		pin, err := in.newPIN()
		if err != nil {
			return err
		}
		if err := ic.ChangePIN(ctx, old, pin); err != nil {
			return pinFailure(err)
		}
		fmt.Fprintln(stdout, "PIN changed")
	case "unblock":
		puk, err := in.puk()
		if err != nil {
			return err
		}
		pin, err := in.newPIN()
		if err != nil {
			return err
		}
		if err := ic.UnblockPIN(ctx, puk, &pin); err != nil {
			return pinFailure(err)
		}
		fmt.Fprintln(stdout, "PIN unblocked and replaced")
	}
	return nil
}

// pinFailure words the typed PIN errors for the user.
func pinFailure(err error) error {
	var pe *scard.PINError
	switch {
	case errors.As(err, &pe) && pe.Retries > 0:
		return fmt.Errorf("wrong code, %d tries left", pe.Retries)
	case errors.Is(err, scard.ErrAuthBlocked):
		return errors.New("blocked: unblock the PIN with the PUK (cie-read pin unblock)")
	case errors.Is(err, scard.ErrInvalidKey):
		return errors.New("the CIE PIN and PUK have 8 digits")
	}
	return err
}

// secretInput reads PINs and PUKs from the terminal without echo, or one
// per line from stdin.
type secretInput struct {
	r      *bufio.Reader
	f      io.Reader
	prompt io.Writer
	stdin  bool
}

func (s *secretInput) line(prompt string) ([]byte, error) {
	if f, ok := s.f.(*os.File); ok && !s.stdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(s.prompt, prompt+": ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.prompt)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %v", prompt, err)
		}
		return b, nil
	}
	l, err := s.r.ReadString('\n')
	if err != nil && l == "" {
		return nil, fmt.Errorf("reading %s: no input", prompt)
	}
	return []byte(strings.TrimRight(l, "\r\n")), nil
}

func (s *secretInput) pin(prompt string) (scard.PIN, error) {
	b, err := s.line(prompt)
	if err != nil {
		return scard.PIN{}, err
	}
	defer clear(b)
	return scard.NewPIN(string(b))
}

func (s *secretInput) puk() (scard.PUK, error) {
	b, err := s.line("PUK (8 digits)")
	if err != nil {
		return scard.PUK{}, err
	}
	defer clear(b)
	return scard.NewPUK(string(b))
}

// newPIN asks for the new PIN twice when reading from the terminal.
func (s *secretInput) newPIN() (scard.PIN, error) {
	p, err := s.pin("New PIN (8 digits)")
	if err != nil || s.stdin {
		return p, err
	}
	again, err := s.pin("New PIN again")
	if err != nil {
		return scard.PIN{}, err
	}
	if !p.Equal(again) {
		return scard.PIN{}, errors.New("the two new PINs differ")
	}
	return p, nil
}
