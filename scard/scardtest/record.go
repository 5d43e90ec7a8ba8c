package scardtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
)

// Recorder is a Transmitter that forwards to a live one and remembers every
// exchange. It is safe for concurrent use, though a transcript of
// concurrent exchanges replays only in the same order.
type Recorder struct {
	tr   scard.Transmitter
	mu   sync.Mutex
	note []string
	xs   []Exchange
}

var _ scard.Transmitter = (*Recorder)(nil)

// Record returns a Recorder over tr that writes the transcript to path
// (conventionally testdata/NAME.apdu) when the test ends, if it passed.
// The directory is created if needed. Write errors fail the test.
func Record(t testing.TB, tr scard.Transmitter, path string) *Recorder {
	t.Helper()
	r := &Recorder{tr: tr}
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Errorf("scardtest: %v", err)
			return
		}
		var b bytes.Buffer
		if err := WriteTranscript(&b, r.Exchanges()); err != nil {
			t.Errorf("scardtest: %v", err)
			return
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Errorf("scardtest: %v", err)
		}
	})
	return r
}

// Note adds a comment to the next exchange, typically the protocol step
// ("ICAO 9303-11 4.4.4.2 step 1: encrypted nonce"). Secrets must not go in
// notes.
func (r *Recorder) Note(format string, args ...any) {
	r.mu.Lock()
	r.note = append(r.note, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// Transmit forwards to the live transmitter and records the exchange.
// Commands with VERIFY, CHANGE REFERENCE DATA or RESET RETRY COUNTER in
// plain carry PINs: they are recorded as sent, so record only test cards.
func (r *Recorder) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	resp, err := r.tr.Transmit(ctx, capdu)
	r.mu.Lock()
	defer r.mu.Unlock()
	x := Exchange{Comments: append(r.note, Describe(capdu)), Command: bytes.Clone(capdu), Err: err}
	if err == nil {
		x.Response = bytes.Clone(resp)
	}
	r.note = nil
	r.xs = append(r.xs, x)
	return resp, err
}

// Exchanges returns a copy of the exchanges recorded so far.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.xs...)
}

// ErrMismatch is returned by a Player's Transmit when the command differs
// from the recording or the recording is exhausted; the test has then
// already been marked failed.
var ErrMismatch = errors.New("scardtest: command does not match the transcript")

// Player is a Transmitter that replays a transcript.
type Player struct {
	t    testing.TB
	path string
	mu   sync.Mutex
	xs   []Exchange
	i    int
}

var _ scard.Transmitter = (*Player)(nil)

// Playback loads the transcript at path and returns a Player over it. A
// missing or malformed file stops the test (t.Fatal). When the test ends,
// unreplayed exchanges fail it.
func Playback(t testing.TB, path string) *Player {
	t.Helper()
	return PlaybackExchanges(t, path, LoadTranscript(t, path))
}

// LoadTranscript reads and parses the transcript at path, for a test that
// works on the exchanges themselves. A missing or malformed file stops
// the test (t.Fatal).
func LoadTranscript(t testing.TB, path string) []Exchange {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("scardtest: %v (record it first with scardtest.Record)", err)
	}
	defer f.Close()
	xs, err := ParseTranscript(f)
	if err != nil {
		t.Fatalf("scardtest: %s: %v", path, err)
	}
	return xs
}

// PlaybackExchanges is Playback over exchanges already in memory; name
// labels the failure messages.
func PlaybackExchanges(t testing.TB, name string, xs []Exchange) *Player {
	p := &Player{t: t, path: name, xs: xs}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.i < len(p.xs) && !t.Failed() {
			t.Errorf("scardtest: %s: %d of %d exchanges not replayed; next expected command: %X (%s)",
				p.path, len(p.xs)-p.i, len(p.xs), p.xs[p.i].Command, Describe(p.xs[p.i].Command))
		}
	})
	return p
}

// Transmit returns the recorded response if capdu equals the next recorded
// command. Otherwise it marks the test failed with a diff (t.Errorf, so it
// may be called from any goroutine) and returns ErrMismatch. ctx is
// honoured: a cancelled ctx returns its error without consuming an exchange.
func (p *Player) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.i >= len(p.xs) {
		p.t.Errorf("scardtest: %s: extra command %d after the end of the transcript:\n  got  %X (%s)", p.path, p.i+1, capdu, Describe(capdu))
		return nil, ErrMismatch
	}
	x := p.xs[p.i]
	if !bytes.Equal(x.Command, capdu) {
		p.t.Errorf("scardtest: %s: command %d differs from the recording%s\n%s", p.path, p.i+1, context1(x), Diff(x.Command, capdu))
		p.i = len(p.xs) // stop: later exchanges cannot be trusted
		return nil, ErrMismatch
	}
	p.i++
	if x.Err != nil {
		return nil, x.Err
	}
	return bytes.Clone(x.Response), nil
}

// Remaining returns the number of exchanges not yet replayed.
func (p *Player) Remaining() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.xs) - p.i
}

func context1(x Exchange) string {
	if len(x.Comments) == 0 {
		return ""
	}
	return " (" + strings.Join(x.Comments, "; ") + ")"
}

// Diff formats want and got as hex, marks the first differing byte with
// '^' and gives its offset, for failure messages.
func Diff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  want %X\n  got  %X\n       %s^ first difference at byte %d", want, got, strings.Repeat("  ", i), i)
	switch {
	case len(want) != len(got):
		fmt.Fprintf(&b, " (lengths %d and %d)", len(want), len(got))
	}
	if i < 4 {
		b.WriteString(" [header: CLA INS P1 P2]")
	}
	return b.String()
}

// ResetComment is the transcript comment ("# card reset") that marks a
// warm reset of the card before an exchange, as a reader (vpcd, PC/SC
// reconnect) applies it between a program's sessions. A recorder that
// forwards resets writes it; [Replay] and [ReplayExchanges] reset the live
// card there.
const ResetComment = "card reset"

// Replay sends the commands of the transcript at path, in order, to a live
// Transmitter (typically a card simulator) and fails the test with a diff
// at the first response or transport error that differs from the
// recording. It is the card-side counterpart of Playback: Playback holds
// the terminal to a recording, Replay holds the card to it. Where the
// transcript notes [ResetComment], live is reset first; a live
// Transmitter without a Reset method ([Resetter]) then fails the test. It
// stops at the first difference and returns the number of exchanges that
// matched. [ReplayExchanges] does the same without a testing.TB.
func Replay(t testing.TB, live scard.Transmitter, path string) int {
	t.Helper()
	n, _, err := ReplayExchanges(t.Context(), live, LoadTranscript(t, path))
	if err != nil {
		t.Errorf("scardtest: %s: %v", path, err)
	}
	return n
}

// ReplayExchanges sends the commands of xs, in order, to live, resetting
// live first wherever an exchange's comments include [ResetComment], and
// holds each outcome to the recording: the same response byte for byte,
// or for a recorded error an error of the same [ErrorName]. It returns
// the number of exchanges that matched, the number of resets it applied
// and, at the first difference, an error naming the exchange (1-based,
// with its comments) with a byte diff ([Diff]). A reset in xs when live
// does not implement [Resetter] is an error too. It is [Replay] for
// callers that count the resets or report the difference themselves.
func ReplayExchanges(ctx context.Context, live scard.Transmitter, xs []Exchange) (matched, resets int, err error) {
	for i, x := range xs {
		if slices.Contains(x.Comments, ResetComment) {
			rs, ok := live.(Resetter)
			if !ok {
				return i, resets, fmt.Errorf("exchange %d%s: the transcript resets the card, and %T has no Reset method", i+1, context1(x), live)
			}
			rs.Reset()
			resets++
		}
		resp, err := live.Transmit(ctx, x.Command)
		switch {
		case x.Err != nil || err != nil:
			if x.Err == nil || err == nil || ErrorName(x.Err) != ErrorName(err) {
				return i, resets, fmt.Errorf("exchange %d%s: Transmit(%X) error = %v, want %v", i+1, context1(x), x.Command, err, x.Err)
			}
		case !bytes.Equal(resp, x.Response):
			return i, resets, fmt.Errorf("exchange %d%s: response to %X differs from the recording\n%s", i+1, context1(x), x.Command, Diff(x.Response, resp))
		}
	}
	return len(xs), resets, nil
}

// TranscriptPath returns the conventional transcript file of the running
// test: "testdata/" and the test name, with subtest separators and other
// characters unsafe in file names replaced by '_', and ".apdu". Use it as
// Record(t, tr, TranscriptPath(t)) and Playback(t, TranscriptPath(t)).
func TranscriptPath(t testing.TB) string {
	name := []byte(t.Name())
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			name[i] = '_'
		}
	}
	return filepath.Join("testdata", string(name)+".apdu")
}
