package emrtd

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
)

// scripted is a Transmitter that expects an exact sequence of command APDUs
// and answers each with a fixed response; any mismatch fails the test.
type scripted struct {
	t     *testing.T
	steps [][2]string
	i     int
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func (s *scripted) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	s.t.Helper()
	if s.i >= len(s.steps) {
		s.t.Fatalf("unexpected extra command %X", capdu)
	}
	want := unhex(s.t, s.steps[s.i][0])
	if !bytes.Equal(capdu, want) {
		s.t.Fatalf("command %d = %X, want %X", s.i, capdu, want)
	}
	resp := unhex(s.t, s.steps[s.i][1])
	s.i++
	return resp, nil
}

func (s *scripted) done() {
	s.t.Helper()
	if s.i != len(s.steps) {
		s.t.Errorf("script consumed %d of %d steps", s.i, len(s.steps))
	}
}
