package scard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
)

// plainErrCard is the card side of a session that answers the commands in
// plain[i] (a status word; 0 means a protected 9000 with data) the way
// PlainSMStatus describes: a bare status word, not counted in its SSC.
type plainErrCard struct {
	card  *SecureMessaging
	plain []uint16
	n     int
}

func (c *plainErrCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return nil, err
	}
	if _, err := c.card.UnwrapCommand(cmd); err != nil {
		return []byte{0x69, 0x88}, nil
	}
	sw := c.plain[c.n]
	c.n++
	if sw != 0 {
		return []byte{byte(sw >> 8), byte(sw)}, nil
	}
	r, err := c.card.WrapResponse(Response{Data: []byte("file content"), SW: SWSuccess})
	if err != nil {
		return nil, err
	}
	return r.Bytes(), nil
}

func ssc(t *testing.T, c Cipher, last byte) []byte {
	t.Helper()
	b := make([]byte, c.BlockSize())
	b[len(b)-1] = last
	return b
}

// TestSSCAfterPlainError: a plain error status word under secure messaging
// moves the terminal's SSC by one (the command) and not by two, so the next
// protected command verifies on a card that does not count the plain
// response either, and the session stays installed; 6987 and 6988 end it.
func TestSSCAfterPlainError(t *testing.T) {
	t.Parallel()
	for _, ciph := range []Cipher{CipherTDES, CipherAES128} {
		for _, sw := range []uint16{0x6A82, 0x6982, 0x63C2, 0x6983, 0x6B00, 0x6D00, 0x6987, 0x6988} {
			t.Run(fmt.Sprintf("%v/%04X", ciph, sw), func(t *testing.T) {
				t.Parallel()
				reader, card := smPair(t, ciph, 0x31)
				c := NewCard(&plainErrCard{card: card, plain: []uint16{sw, 0}}, CardOptions{})
				c.SetSecureMessaging(reader)
				ctx := t.Context()
				r, err := c.Send(ctx, Command{INS: InsSelect, P1: 0x02, P2: 0x0C, Data: []byte{0x01, 0x05}})
				if err != nil {
					t.Fatalf("Send(SELECT) = %v, want the plain status word", err)
				}
				if r.SW != sw || len(r.Data) != 0 {
					t.Fatalf("Send(SELECT) = %04X with %d bytes, want %04X without data", r.SW, len(r.Data), sw)
				}
				if got, want := reader.SSC(), ssc(t, ciph, 1); !bytes.Equal(got, want) {
					t.Fatalf("SSC after a plain %04X = %X, want %X (the command only)", sw, got, want)
				}
				if !bytes.Equal(card.SSC(), reader.SSC()) {
					t.Fatalf("card SSC %X, terminal SSC %X", card.SSC(), reader.SSC())
				}
				if sw == SWSMObjectsMissing || sw == SWSMObjectsIncorrect {
					if c.SecureMessaging() != nil {
						t.Fatalf("session kept after a plain %04X, want it dropped", sw)
					}
					return
				}
				if c.SecureMessaging() != reader {
					t.Fatalf("session dropped after a plain %04X, want it kept", sw)
				}
				data, err := c.Do(ctx, Command{INS: InsReadBinary, Ne: 256})
				if err != nil {
					t.Fatalf("READ BINARY after a plain %04X: %v", sw, err)
				}
				if string(data) != "file content" {
					t.Fatalf("READ BINARY = %q, want %q", data, "file content")
				}
				if got, want := reader.SSC(), ssc(t, ciph, 3); !bytes.Equal(got, want) {
					t.Fatalf("SSC after the next command = %X, want %X", got, want)
				}
			})
		}
	}
}

// TestUnprotectedSuccess: 9000, 61xx and 62xx report a command carried out
// and must come protected; bare, they are an *SMError, counted.
func TestUnprotectedSuccess(t *testing.T) {
	t.Parallel()
	for _, sw := range []uint16{0x9000, 0x6282, 0x6100} {
		reader, _ := smPair(t, CipherTDES, 1)
		if PlainSMStatus(sw) {
			t.Errorf("PlainSMStatus(%04X) = true, want false", sw)
		}
		_, err := reader.UnwrapResponse(Response{SW: sw})
		if !errors.Is(err, ErrSecureMessaging) {
			t.Errorf("UnwrapResponse(bare %04X) = %v, want an *SMError", sw, err)
		}
		if got, want := reader.SSC(), ssc(t, CipherTDES, 1); !bytes.Equal(got, want) {
			t.Errorf("SSC after a bare %04X = %X, want %X", sw, got, want)
		}
	}
	for _, sw := range []uint16{0x6A82, 0x6982, 0x63C0, 0x6987, 0x6988, 0x6F00, 0x9100} {
		if !PlainSMStatus(sw) {
			t.Errorf("PlainSMStatus(%04X) = false, want true", sw)
		}
	}
}
