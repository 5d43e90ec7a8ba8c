package scardtest_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echo is a trivial card: SELECT MF answers 9000, anything else 6D00,
// and a removable flag gives ErrCardRemoved.
type echo struct{ removed bool }

func (e *echo) Transmit(ctx context.Context, c []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if e.removed {
		return nil, scard.ErrCardRemoved
	}
	if len(c) >= 2 && c[1] == scard.InsSelect {
		return []byte{0x90, 0x00}, nil
	}
	return []byte{0x6D, 0x00}, nil
}

func TestTranscriptRoundTrip(t *testing.T) {
	xs := []scardtest.Exchange{
		{Comments: []string{"step one"}, Command: []byte{0, 0xA4, 4, 0x0C, 1, 0xA0}, Response: []byte{0x90, 0}},
		{Command: []byte{0, 0xB0, 0, 0, 4}, Err: scard.ErrCardRemoved},
	}
	var b bytes.Buffer
	require.NoError(t, scardtest.WriteTranscript(&b, xs))
	got, err := scardtest.ParseTranscript(&b)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, xs[0], got[0])
	assert.ErrorIs(t, got[1].Err, scard.ErrCardRemoved)
}

func TestParseTranscriptErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"response first", "< 9000\n"},
		{"two commands", "> 00A40000\n> 00A40000\n"},
		{"bad hex", "> 00A4ZZ00\n< 9000\n"},
		{"short response", "> 00A40000\n< 90\n"},
		{"dangling command", "> 00A40000\n"},
		{"junk", "hello\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scardtest.ParseTranscript(strings.NewReader(tc.in))
			var pe *scardtest.ParseError
			require.ErrorAs(t, err, &pe, "ParseTranscript(%q)", tc.in)
		})
	}
}

func TestRecordPlayback(t *testing.T) {
	path := t.TempDir() + "/testdata/echo.apdu"
	t.Run("record", func(t *testing.T) {
		r := scardtest.Record(t, &echo{}, path)
		r.Note("first step")
		_, err := r.Transmit(t.Context(), []byte{0, 0xA4, 0, 0x0C, 2, 0x3F, 0})
		require.NoError(t, err)
		_, err = r.Transmit(t.Context(), []byte{0, 0x7E, 0, 0})
		require.NoError(t, err)
	})
	t.Run("playback", func(t *testing.T) {
		p := scardtest.Playback(t, path)
		r, err := p.Transmit(t.Context(), []byte{0, 0xA4, 0, 0x0C, 2, 0x3F, 0})
		require.NoError(t, err)
		assert.Equal(t, []byte{0x90, 0}, r)
		r, err = p.Transmit(t.Context(), []byte{0, 0x7E, 0, 0})
		require.NoError(t, err)
		assert.Equal(t, []byte{0x6D, 0}, r)
		assert.Equal(t, 0, p.Remaining())
	})
}

// fakeTB records failures instead of failing the real test.
type fakeTB struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Cleanup(fn func())         { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Failed() bool              { return len(f.errs) > 0 }
func (f *fakeTB) Errorf(s string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(s, a...)) }
func (f *fakeTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestPlaybackFailsWithDiff(t *testing.T) {
	xs := []scardtest.Exchange{
		{Command: []byte{0, 0xA4, 4, 0x0C, 2, 0xA0, 0x01}, Response: []byte{0x90, 0}},
		{Command: []byte{0, 0xB0, 0, 0, 4}, Response: []byte{1, 2, 3, 4, 0x90, 0}},
	}
	t.Run("mismatch", func(t *testing.T) {
		f := &fakeTB{TB: t}
		p := scardtest.PlaybackExchanges(f, "x.apdu", xs)
		_, err := p.Transmit(t.Context(), []byte{0, 0xA4, 4, 0x0C, 2, 0xA0, 0x02})
		require.ErrorIs(t, err, scardtest.ErrMismatch)
		f.end()
		require.Len(t, f.errs, 1)
		assert.Contains(t, f.errs[0], "command 1 differs")
		assert.Contains(t, f.errs[0], "first difference at byte 6")
	})
	t.Run("leftover", func(t *testing.T) {
		f := &fakeTB{TB: t}
		p := scardtest.PlaybackExchanges(f, "x.apdu", xs)
		_, err := p.Transmit(t.Context(), xs[0].Command)
		require.NoError(t, err)
		f.end()
		require.Len(t, f.errs, 1)
		assert.Contains(t, f.errs[0], "1 of 2 exchanges not replayed")
	})
	t.Run("extra", func(t *testing.T) {
		f := &fakeTB{TB: t}
		p := scardtest.PlaybackExchanges(f, "x.apdu", xs[:1])
		_, err := p.Transmit(t.Context(), xs[0].Command)
		require.NoError(t, err)
		_, err = p.Transmit(t.Context(), xs[0].Command)
		require.ErrorIs(t, err, scardtest.ErrMismatch)
		require.Len(t, f.errs, 1)
		assert.Contains(t, f.errs[0], "after the end of the transcript")
	})
}

func TestTransmitterSuiteOnPlayback(t *testing.T) {
	// A Player is itself a Transmitter but not a card: the suite is run on
	// the trivial echo card, whose behaviour it fully covers.
	scardtest.TestTransmitter(t, func(t *testing.T) scard.Transmitter { return &echoCard{} })
}

// echoCard is echo with ISO answers for the suite: 6A82 for unknown AIDs,
// 6700 for malformed input.
type echoCard struct{ echo }

func (e *echoCard) Transmit(ctx context.Context, c []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := scard.ParseCommand(c); err != nil {
		return []byte{0x67, 0x00}, nil
	}
	if c[1] == scard.InsSelect && c[2] == 0x04 {
		return []byte{0x6A, 0x82}, nil
	}
	return e.echo.Transmit(ctx, c)
}

func TestReplay(t *testing.T) {
	path := t.TempDir() + "/echo.apdu"
	t.Run("record", func(t *testing.T) {
		r := scardtest.Record(t, &echo{}, path)
		_, _ = r.Transmit(t.Context(), []byte{0, 0xA4, 0, 0x0C, 2, 0x3F, 0})
		_, _ = r.Transmit(t.Context(), []byte{0, 0x7E, 0, 0})
	})
	t.Run("same card", func(t *testing.T) {
		assert.Equal(t, 2, scardtest.Replay(t, &echo{}, path))
	})
	t.Run("different card", func(t *testing.T) {
		f := &fakeTB{TB: t}
		n := scardtest.Replay(f, &echoCard{}, path) // a different type with the same answers
		assert.Equal(t, 2, n)
		f2 := &fakeTB{TB: t}
		n = scardtest.Replay(f2, &echo{removed: true}, path)
		assert.Equal(t, 0, n)
		require.Len(t, f2.errs, 1)
		assert.Contains(t, f2.errs[0], "exchange 1")
	})
}

func TestTranscriptPath(t *testing.T) {
	t.Run("PACE/CAN 1", func(t *testing.T) {
		assert.Equal(t, "testdata/TestTranscriptPath_PACE_CAN_1.apdu", scardtest.TranscriptPath(t))
	})
}

// headerCard answers every command with its header and 9000, and counts
// its resets.
type headerCard struct{ resets int }

func (c *headerCard) Reset() { c.resets++ }
func (c *headerCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	return append(append([]byte(nil), capdu[:4]...), 0x90, 0x00), nil
}

// noReset is a headerCard without the Reset method.
type noReset struct{ c headerCard }

func (n *noReset) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	return n.c.Transmit(ctx, capdu)
}

func TestReplayExchanges(t *testing.T) {
	t.Parallel()
	sel := []byte{0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0}
	rd := []byte{0x00, 0xB0, 0x00, 0x00, 0x10}
	recorded := func() []scardtest.Exchange {
		return []scardtest.Exchange{
			{Command: sel, Response: []byte{0x00, 0xA4, 0x04, 0x0C, 0x90, 0x00}},
			{Comments: []string{scardtest.ResetComment, "READ BINARY"}, Command: rd, Response: []byte{0x00, 0xB0, 0x00, 0x00, 0x90, 0x00}},
		}
	}
	tests := []struct {
		name        string
		change      func(xs []scardtest.Exchange)
		card        scard.Transmitter
		matched     int
		resets      int
		errContains string
	}{
		{name: "same answers", card: &headerCard{}, matched: 2, resets: 1},
		{name: "changed answer", change: func(xs []scardtest.Exchange) { xs[1].Response = []byte{0x6A, 0x82} },
			card: &headerCard{}, matched: 1, resets: 1, errContains: "exchange 2 (card reset; READ BINARY): response to 00B0000010 differs"},
		{name: "recorded error not given", change: func(xs []scardtest.Exchange) { xs[1].Response, xs[1].Err = nil, scard.ErrCardRemoved },
			card: &headerCard{}, matched: 1, resets: 1, errContains: "error = <nil>, want scard: card removed"},
		{name: "card without Reset", card: &noReset{}, matched: 1, errContains: "exchange 2 (card reset; READ BINARY): the transcript resets the card, and *scardtest_test.noReset has no Reset method"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			xs := recorded()
			if tc.change != nil {
				tc.change(xs)
			}
			matched, resets, err := scardtest.ReplayExchanges(t.Context(), tc.card, xs)
			assert.Equal(t, tc.matched, matched, "matched")
			assert.Equal(t, tc.resets, resets, "resets")
			if tc.errContains == "" {
				require.NoError(t, err)
				if c, ok := tc.card.(*headerCard); ok {
					assert.Equal(t, 1, c.resets, "card resets")
				}
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.errContains)
		})
	}
}
