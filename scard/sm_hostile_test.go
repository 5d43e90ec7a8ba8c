package scard

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ciekit/ciekit/internal/tlv"
)

// smCard answers every command with resp(card), where card is the card
// side of the session (its SSC already past the command), so a test can
// MAC a malformed response correctly and reach the checks behind the MAC.
type smCard struct {
	card *SecureMessaging
	resp func(card *SecureMessaging) []byte
	n    int
}

func (c *smCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	c.n++
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return nil, err
	}
	if _, err := c.card.UnwrapCommand(cmd); err != nil {
		return nil, err
	}
	c.card.inc() // the response's SSC
	return c.resp(c.card), nil
}

// macked appends DO 8E, MACed with the card's session, and SW 9000.
func macked(card *SecureMessaging, dos []byte) []byte {
	out := tlv.Append(append([]byte(nil), dos...), 0x8E, card.mac(dos))
	return append(out, 0x90, 0x00)
}

// TestMalformedSMObjects: a card answering malformed DO 87 / DO 99 / DO 8E
// under secure messaging gets an *SMError after one APDU, for both
// ciphers, even when the MAC over the malformed objects is right.
func TestMalformedSMObjects(t *testing.T) {
	t.Parallel()
	sw := tlv.Append(nil, 0x99, []byte{0x90, 0x00})
	cases := []struct {
		name string
		resp func(card *SecureMessaging) []byte
	}{
		{"DO87 without padding indicator", func(c *SecureMessaging) []byte {
			return macked(c, append(tlv.Append(nil, 0x87, append([]byte{0x02}, make([]byte, 16)...)), sw...))
		}},
		{"DO87 empty", func(c *SecureMessaging) []byte { return macked(c, append(tlv.Append(nil, 0x87, nil), sw...)) }},
		{"DO87 cryptogram not a block multiple", func(c *SecureMessaging) []byte {
			return macked(c, append(tlv.Append(nil, 0x87, append([]byte{0x01}, make([]byte, 13)...)), sw...))
		}},
		{"DO87 bad padding", func(c *SecureMessaging) []byte {
			return macked(c, append(tlv.Append(nil, 0x87, append([]byte{0x01}, make([]byte, 16)...)), sw...))
		}},
		{"DO87 length beyond the data", func(c *SecureMessaging) []byte {
			return macked(c, []byte{0x87, 0x82, 0xFF, 0xFF, 0x01, 0x00})
		}},
		{"DO87 length of 2^32", func(c *SecureMessaging) []byte {
			return macked(c, []byte{0x87, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})
		}},
		{"DO87 after DO99", func(c *SecureMessaging) []byte {
			return macked(c, append(append([]byte(nil), sw...), tlv.Append(nil, 0x87, append([]byte{0x01}, make([]byte, 16)...))...))
		}},
		{"two DO87", func(c *SecureMessaging) []byte {
			d := tlv.Append(nil, 0x87, append([]byte{0x01}, make([]byte, 16)...))
			return macked(c, append(append(d, d...), sw...))
		}},
		{"DO99 of 1 byte", func(c *SecureMessaging) []byte { return macked(c, tlv.Append(nil, 0x99, []byte{0x90})) }},
		{"DO99 of 3 bytes", func(c *SecureMessaging) []byte { return macked(c, tlv.Append(nil, 0x99, []byte{0x90, 0, 0})) }},
		{"DO99 missing", func(c *SecureMessaging) []byte { return macked(c, nil) }},
		{"two DO99", func(c *SecureMessaging) []byte { return macked(c, append(append([]byte(nil), sw...), sw...)) }},
		{"DO8E missing", func(c *SecureMessaging) []byte { return append(append([]byte(nil), sw...), 0x90, 0x00) }},
		{"DO8E of 4 bytes", func(c *SecureMessaging) []byte {
			return append(append(append([]byte(nil), sw...), tlv.Append(nil, 0x8E, c.mac(sw)[:4])...), 0x90, 0x00)
		}},
		{"DO8E wrong", func(c *SecureMessaging) []byte {
			return append(append(append([]byte(nil), sw...), tlv.Append(nil, 0x8E, make([]byte, 8))...), 0x90, 0x00)
		}},
		{"data after DO8E", func(c *SecureMessaging) []byte {
			r := macked(c, sw)
			return append(r[:len(r)-2], 0x99, 0x02, 0x90, 0x00, 0x90, 0x00)
		}},
		{"unknown DO", func(c *SecureMessaging) []byte { return macked(c, append(tlv.Append(nil, 0x53, []byte{1}), sw...)) }},
		{"truncated tag", func(c *SecureMessaging) []byte { return []byte{0x99, 0x90, 0x00} }},
	}
	for _, ciph := range []Cipher{CipherTDES, CipherAES128} {
		for _, tc := range cases {
			t.Run(ciph.String()+"/"+tc.name, func(t *testing.T) {
				reader, card := smPair(t, ciph, 0x11)
				sc := &smCard{card: card, resp: tc.resp}
				c := NewCard(sc, CardOptions{})
				c.SetSecureMessaging(reader)
				_, err := c.ReadBinary(t.Context(), 0, 16)
				if se, ok := errors.AsType[*SMError](err); !ok {
					t.Fatalf("err = %v (%T), want *SMError", err, err)
				} else if se.Msg == "" {
					t.Fatal("SMError without a message")
				}
				if sc.n != 1 {
					t.Fatalf("%d APDUs, want 1", sc.n)
				}
			})
		}
	}
}

// smPair returns the terminal and card sides of one session under ciph,
// with keys of the bytes k and k+1 and the SSC at zero.
func smPair(t *testing.T, ciph Cipher, k byte) (reader, card *SecureMessaging) {
	t.Helper()
	kEnc, kMac := bytes.Repeat([]byte{k}, ciph.KeyLen()), bytes.Repeat([]byte{k + 1}, ciph.KeyLen())
	reader, err := NewSecureMessaging(ciph, kEnc, kMac, nil)
	if err != nil {
		t.Fatal(err)
	}
	if card, err = NewSecureMessaging(ciph, kEnc, kMac, nil); err != nil {
		t.Fatal(err)
	}
	return reader, card
}
