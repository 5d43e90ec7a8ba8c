package interop

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ciekit/ciekit/scard/scardtest"
)

// echoCard answers every command with its header and 9000.
type echoCard struct{ resets int }

func (c *echoCard) ATR() []byte { return []byte{0x3B, 0x00} }
func (c *echoCard) Reset()      { c.resets++ }
func (c *echoCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	return append(append([]byte(nil), capdu[:4]...), 0x90, 0x00), nil
}

func TestRecorder(t *testing.T) {
	card := &echoCard{}
	r := NewRecorder(card)
	ctx := t.Context()
	if _, err := r.Transmit(ctx, []byte{0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0}); err != nil {
		t.Fatal(err)
	}
	r.Reset()
	if _, err := r.Transmit(ctx, []byte{0x00, 0xB0, 0x00, 0x00, 0x10}); err != nil {
		t.Fatal(err)
	}
	if card.resets != 1 {
		t.Errorf("card reset %d times, want 1", card.resets)
	}
	path := filepath.Join(t.TempDir(), "s.apdu")
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	xs := scardtest.LoadTranscript(t, path)
	if len(xs) != 2 || slices.Contains(xs[0].Comments, scardtest.ResetComment) || !slices.Contains(xs[1].Comments, scardtest.ResetComment) {
		t.Fatalf("transcript %+v: want two exchanges, the reset noted before the second", xs)
	}
	if got := Shape(xs[1].Command); got != "00B00000/5" {
		t.Errorf("Shape = %s", got)
	}
}

func TestCompareShapes(t *testing.T) {
	if d := CompareShapes("judge", []string{"a", "b"}, []string{"a", "b"}); d != nil {
		t.Errorf("equal: %v", d)
	}
	d := CompareShapes("judge", []string{"a", "b"}, []string{"a", "c", "x"})
	if len(d) != 2 || d[0] != "command 2: ciekit c, judge b" || d[1] != "command 3: ciekit x, judge " {
		t.Errorf("diffs %q", d)
	}
}
