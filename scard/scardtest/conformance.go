package scardtest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
)

// Optional device capabilities that TestTransmitter checks when the
// Transmitter under test has them (found by type assertion, as io.WriterTo).
type (
	// ATRer reports the answer to reset.
	ATRer interface{ ATR() []byte }
	// Remover can be pulled from and put back into the reader.
	Remover interface {
		Remove()
		Insert()
	}
	// Resetter can be warm-reset.
	Resetter interface{ Reset() }
)

// TestTransmitter runs the conformance suite for a Transmitter. newT is
// called once per subtest and must return a fresh, powered card session
// (for a real reader, reconnect; for a simulator, a new card or the same
// card after Insert). The suite holds every implementation (simulator,
// vpcd path, real reader) to one contract:
//
//   - a well-formed command gets a response of at least two bytes (a status
//     word), never a Go error; SELECT of an unknown AID gives 6A82;
//   - malformed bytes (empty, truncated, inconsistent lengths) give either
//     an error wrapping scard.ErrMalformedAPDU or a response with an error
//     status word, never a panic;
//   - a cancelled ctx makes Transmit return an error wrapping
//     context.Canceled;
//   - concurrent Transmit calls are safe and each gets a status word;
//   - with ATR(): 2 to 33 bytes starting with 3B or 3F;
//   - with Remove()/Insert(): Transmit on a removed card gives an error
//     wrapping scard.ErrCardRemoved or scard.ErrNoCard, and after Insert
//     the card answers again;
//   - with Reset(): the card answers after a reset.
func TestTransmitter(t *testing.T, newT func(t *testing.T) scard.Transmitter) {
	t.Helper()
	t.Run("StatusWord", func(t *testing.T) {
		tr := newT(t)
		for _, c := range [][]byte{
			{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00}, // SELECT MF
			{0x00, 0x84, 0x00, 0x00, 0x08},             // GET CHALLENGE
			{0x00, 0xB0, 0x00, 0x00, 0x01},             // READ BINARY, no EF selected
			{0x00, 0x7E, 0x00, 0x00},                   // unassigned INS
		} {
			r := transmit(t, tr, c)
			if len(r) < 2 {
				t.Errorf("Transmit(%X) = %X, want at least a status word", c, r)
			}
		}
	})
	t.Run("SelectUnknownAID", func(t *testing.T) {
		tr := newT(t)
		c := []byte{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0xC1, 0xE4, 0x00, 0x00, 0x00, 0x01}
		r := transmit(t, tr, c)
		if len(r) < 2 || r[len(r)-2] != 0x6A || r[len(r)-1] != 0x82 {
			t.Errorf("Transmit(SELECT unknown AID) = %X, want 6A82", r)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		tr := newT(t)
		for _, c := range [][]byte{
			{},
			{0x00},
			{0x00, 0xA4, 0x04},
			{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0}, // Lc beyond the data
			{0x00, 0xB0, 0x00, 0x00, 0x00, 0x01}, // extended Le truncated
			{0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x05}, // extended Lc, no data
		} {
			r, err := tr.Transmit(t.Context(), c)
			switch {
			case err != nil:
				if !errors.Is(err, scard.ErrMalformedAPDU) {
					t.Errorf("Transmit(%X) error = %v, want one wrapping scard.ErrMalformedAPDU", c, err)
				}
			case len(r) < 2:
				t.Errorf("Transmit(%X) = %X, want a status word", c, r)
			case r[len(r)-2] == 0x90 || r[len(r)-2] == 0x61:
				t.Errorf("Transmit(%X) = %X, want an error status word", c, r)
			}
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		tr := newT(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := tr.Transmit(ctx, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Transmit(cancelled ctx) error = %v, want context.Canceled", err)
		}
		// The card still works.
		transmit(t, tr, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	})
	t.Run("Concurrent", func(t *testing.T) {
		tr := newT(t)
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for range 4 {
			wg.Go(func() {
				for range 8 {
					r, err := tr.Transmit(t.Context(), []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
					if err != nil {
						errs <- err
						return
					}
					if len(r) < 2 {
						errs <- errors.New("response without status word")
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent Transmit: %v", err)
		}
	})
	t.Run("ATR", func(t *testing.T) {
		a, ok := newT(t).(ATRer)
		if !ok {
			t.Skip("no ATR method")
		}
		atr := a.ATR()
		if len(atr) < 2 || len(atr) > 33 || (atr[0] != 0x3B && atr[0] != 0x3F) {
			t.Errorf("ATR() = %X, want 2..33 bytes starting with 3B or 3F", atr)
		}
	})
	t.Run("RemoveInsert", func(t *testing.T) {
		tr := newT(t)
		rm, ok := tr.(Remover)
		if !ok {
			t.Skip("no Remove/Insert methods")
		}
		transmit(t, tr, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
		rm.Remove()
		_, err := tr.Transmit(t.Context(), []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
		if !errors.Is(err, scard.ErrCardRemoved) && !errors.Is(err, scard.ErrNoCard) {
			t.Errorf("Transmit after Remove error = %v, want scard.ErrCardRemoved or ErrNoCard", err)
		}
		rm.Insert()
		transmit(t, tr, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	})
	t.Run("Reset", func(t *testing.T) {
		tr := newT(t)
		rs, ok := tr.(Resetter)
		if !ok {
			t.Skip("no Reset method")
		}
		rs.Reset()
		transmit(t, tr, []byte{0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00})
	})
}

func transmit(t *testing.T, tr scard.Transmitter, c []byte) []byte {
	t.Helper()
	r, err := tr.Transmit(t.Context(), c)
	if err != nil {
		t.Fatalf("Transmit(%X): %v", c, err)
	}
	return r
}
