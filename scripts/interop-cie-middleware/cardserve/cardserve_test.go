package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// The transcripts in testdata were recorded with cardserve while the
// official CIE middleware (italia/cie-middleware-linux, built outside the
// repository; see ../RESULTS.md) ran against the simulated CIE: its
// enrolment (AbilitaCIE: DH, DAPP, VERIFY PIN, certificate, IAS SOD check)
// and its PIN manager (CambioPIN, SbloccoPIN: wrong PINs down to blocked,
// wrong PUK, unblock with the PUK, change).

var transcripts = []string{"testdata/middleware-enrol.apdu", "testdata/middleware-pin.apdu"}

func load(t *testing.T, path string) []scardtest.Exchange {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xs, err := scardtest.ParseTranscript(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return xs
}

// TestReplayMiddleware sends the middleware's recorded commands to a fresh
// simulated CIE, with the recorded resets, and wants the recorded answers
// byte for byte: the card side answers the official middleware the same
// way every time.
func TestReplayMiddleware(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a card with a 2048-bit document signer")
	}
	for _, path := range transcripts {
		t.Run(path, func(t *testing.T) {
			card, err := newCard()
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range load(t, path) {
				if slices.Contains(x.Comments, resetComment) {
					card.Reset()
				}
				got, err := card.Transmit(t.Context(), x.Command)
				if err != nil || !bytes.Equal(got, x.Response) {
					t.Fatalf("exchange %d (%s): Transmit(%X) = %X, %v; recorded\n%s", i+1, strings.TrimSpace(strings.Join(x.Comments, " ")), x.Command, got, err, scardtest.Diff(x.Response, got))
				}
			}
		})
	}
}

// cmdLog records command APDUs.
type cmdLog struct {
	t    scard.Transmitter
	mu   sync.Mutex
	cmds [][]byte
}

func (l *cmdLog) Transmit(ctx context.Context, c []byte) ([]byte, error) {
	l.mu.Lock()
	l.cmds = append(l.cmds, append([]byte(nil), c...))
	l.mu.Unlock()
	return l.t.Transmit(ctx, c)
}

// shape is what two runs of the channel share although their randomness
// differs: the header and the length of each command.
func shape(c []byte) string { return fmt.Sprintf("%X/%d", c[:4], len(c)) }

// authSequence returns the shapes from the DH parameter GET DATA to the
// first VERIFY PIN inclusive.
func authSequence(cmds [][]byte) []string {
	var out []string
	on := false
	for _, c := range cmds {
		if len(c) > 5 && c[1] == 0xCB && c[5] == 0x4D && bytes.Contains(c, []byte{0xBF, 0xA1, 0x01}) {
			on = true
		}
		if on {
			out = append(out, shape(c))
		}
		if on && c[1] == 0x20 && c[3] == 0x81 {
			break
		}
	}
	return out
}

// TestReaderMatchesMiddleware runs ciekit's reader (ias.OpenChannel and
// VerifyPIN) on the same card and compares its commands with the
// middleware's, command by command, from the DH parameters to VERIFY PIN.
func TestReaderMatchesMiddleware(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a card with a 2048-bit document signer")
	}
	card, err := newCard()
	if err != nil {
		t.Fatal(err)
	}
	log := &cmdLog{t: card}
	ic := ias.NewClient(scard.NewCard(log, scard.CardOptions{NoExtended: true}))
	pin, err := scard.NewPIN(cardsim.DefaultPIN)
	if err != nil {
		t.Fatal(err)
	}
	if err := ic.OpenChannel(t.Context(), ias.ChannelOptions{ATR: card.ATR(), Rand: cardsim.DeterministicRand(1)}); err != nil {
		t.Fatal(err)
	}
	if err := ic.VerifyPIN(t.Context(), pin); err != nil {
		t.Fatal(err)
	}
	var mw [][]byte
	for _, x := range load(t, transcripts[0]) {
		mw = append(mw, x.Command)
	}
	want, got := authSequence(mw), authSequence(log.cmds)
	if len(want) == 0 {
		t.Fatal("no DH-to-VERIFY sequence in the middleware transcript")
	}
	t.Logf("comparing %d commands (ciekit %d)", len(want), len(got))
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Errorf("command %d: ciekit %s, middleware %s", i+1, g, w)
		}
	}
}
