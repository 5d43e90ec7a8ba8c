// Package interop holds what the interop runs under scripts/ share: a
// recorder that serves a card to vpcd and keeps every exchange (and every
// reset) as a scardtest transcript, and the helpers with which their
// tests compare ciekit's commands with a judge's. The tests replay the
// transcripts with scardtest.ReplayExchanges.
package interop

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// Card is a simulated card a Recorder serves: a transmitter with an ATR
// that a reader may reset.
type Card interface {
	scard.Transmitter
	ATR() []byte
	Reset()
}

// Recorder passes exchanges to the card and keeps them, each described
// (scardtest.Describe) and preceded by scardtest.ResetComment after a
// reset, so that scardtest.ReplayExchanges replays the resets. It
// implements vpcd.Card and is safe for concurrent use.
type Recorder struct {
	card Card

	mu    sync.Mutex
	xs    []scardtest.Exchange
	reset bool
}

// NewRecorder returns a Recorder over card.
func NewRecorder(card Card) *Recorder { return &Recorder{card: card} }

// ATR returns the card's ATR.
func (r *Recorder) ATR() []byte { return r.card.ATR() }

// Reset forwards a reader reset and notes it for the transcript.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.card.Reset()
	r.reset = true
}

// Transmit passes capdu to the card and records the exchange.
func (r *Recorder) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	resp, err := r.card.Transmit(ctx, capdu)
	r.mu.Lock()
	defer r.mu.Unlock()
	x := scardtest.Exchange{Command: append([]byte(nil), capdu...), Response: resp, Err: err}
	if r.reset {
		x.Comments = append(x.Comments, scardtest.ResetComment)
		r.reset = false
	}
	x.Comments = append(x.Comments, scardtest.Describe(capdu))
	r.xs = append(r.xs, x)
	return resp, err
}

// Exchanges returns a copy of the exchanges recorded so far.
func (r *Recorder) Exchanges() []scardtest.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]scardtest.Exchange(nil), r.xs...)
}

// WriteFile writes the recorded transcript to path.
func (r *Recorder) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := scardtest.WriteTranscript(f, r.Exchanges()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CmdLog is a transmitter that records the command APDUs it passes on.
type CmdLog struct {
	T    scard.Transmitter
	mu   sync.Mutex
	cmds [][]byte
}

// Transmit records capdu and passes it on.
func (l *CmdLog) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	l.mu.Lock()
	l.cmds = append(l.cmds, append([]byte(nil), capdu...))
	l.mu.Unlock()
	return l.T.Transmit(ctx, capdu)
}

// Commands returns a copy of the commands passed so far.
func (l *CmdLog) Commands() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]byte(nil), l.cmds...)
}

// Shape is what two runs of a protocol share although their randomness
// differs: the header and the length of a command.
func Shape(c []byte) string {
	if len(c) < 4 {
		return fmt.Sprintf("%X/%d", c, len(c))
	}
	return fmt.Sprintf("%X/%d", c[:4], len(c))
}

// CompareShapes returns, command by command, where ciekit's shapes (got)
// differ from the judge's (want); nil if they agree.
func CompareShapes(judge string, want, got []string) []string {
	var diffs []string
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			diffs = append(diffs, fmt.Sprintf("command %d: ciekit %s, %s %s", i+1, g, judge, w))
		}
	}
	return diffs
}
