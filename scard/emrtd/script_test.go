package emrtd

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard/scardtest"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// scripted is a Transmitter that expects an exact sequence of command APDUs
// (the worked examples' hex) and answers each with a fixed response. It is
// scardtest's transcript player, which fails the test with a diff on the
// first mismatch.
type scripted struct {
	t     *testing.T
	steps [][2]string
	p     *scardtest.Player
}

func (s *scripted) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if s.p == nil {
		xs := make([]scardtest.Exchange, len(s.steps))
		for i, st := range s.steps {
			xs[i] = scardtest.Exchange{Command: unhex(s.t, st[0]), Response: unhex(s.t, st[1])}
		}
		s.p = scardtest.PlaybackExchanges(s.t, s.t.Name(), xs)
	}
	return s.p.Transmit(ctx, capdu)
}

func (s *scripted) done() {
	s.t.Helper()
	left := len(s.steps)
	if s.p != nil {
		left = s.p.Remaining()
	}
	if left != 0 {
		s.t.Errorf("script: %d of %d steps not played", left, len(s.steps))
	}
}
