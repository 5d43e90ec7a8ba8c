package scard_test

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/scardtest"
)

var ok9000 = []byte{0x90, 0x00}

// allocated returns the bytes f allocates (TotalAlloc delta; the test is
// not parallel with others of this file, so the figure is f's give or take
// the runtime's own).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestHostileTransportBounds: a card that lies about lengths or never stops
// answering ends in a typed error, in a bounded number of APDUs and without
// an allocation the size of what it declared.
func TestHostileTransportBounds(t *testing.T) {
	chunk := append(bytes.Repeat([]byte{0xAA}, 0xDF), ok9000...)
	cases := []struct {
		name    string
		card    *scardtest.Hostile
		read    func(c *scard.Card) error
		maxAPDU int
		maxMem  uint64
		check   func(err error) bool
	}{
		{
			name: "declares a 16 MB file",
			// SELECT ok, then a header 77 84 01000000 (16 MiB).
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x84, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xAA, 0x90, 0x00}}, Tail: chunk},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 2, maxMem: 64 << 10,
			check: isA[*scard.DataError],
		},
		{
			name: "declares 2^32-1 bytes",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0xAA, 0xAA, 0x90, 0x00}}, Tail: chunk},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 2, maxMem: 64 << 10,
			check: isA[*scard.DataError],
		},
		{
			name: "answers 61FF forever",
			card: &scardtest.Hostile{Tail: []byte{0x61, 0xFF}},
			read: func(c *scard.Card) error {
				_, err := c.ReadBinary(t.Context(), 0, 8)
				return err
			},
			maxAPDU: 1 + 1024, maxMem: 1 << 20,
			check: isA[*scard.APDUError],
		},
		{
			name: "GET RESPONSE chain of one byte forever",
			card: &scardtest.Hostile{Tail: []byte{0xAA, 0x61, 0x01}},
			read: func(c *scard.Card) error {
				_, err := c.ReadBinary(t.Context(), 0, 8)
				return err
			},
			maxAPDU: 1 + 1024, maxMem: 1 << 20,
			check: isA[*scard.APDUError],
		},
		{
			name: "GET RESPONSE chain of 65535-byte pieces",
			card: &scardtest.Hostile{Tail: append(bytes.Repeat([]byte{0xAA}, 0xFFFF), 0x61, 0x00)},
			read: func(c *scard.Card) error {
				_, err := c.ReadBinary(t.Context(), 0, 8)
				return err
			},
			maxAPDU: 20, maxMem: 64 << 20, // 1 MiB accumulated, ~16 MiB of the card's own copies
			check: isA[*scard.APDUError],
		},
		{
			name: "1 MiB file handed out a byte at a time",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x83, 0x0F, 0xFF, 0xF0, 0x90, 0x00}}, Tail: []byte{0xAA, 0x90, 0x00}},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 1 + 4*4703 + 64 + 2, maxMem: 4 << 20,
			check: isA[*scard.DataError],
		},
		{
			name: "4 KiB file handed out a byte at a time",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x82, 0x0F, 0xFC, 0x90, 0x00}}, Tail: []byte{0xAA, 0x90, 0x00}},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 1 + 4*19 + 64 + 2, maxMem: 64 << 10,
			check: isA[*scard.DataError],
		},
		{
			name: "4 KiB file, every READ BINARY stretched over 1-byte GET RESPONSE rounds",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x82, 0x0F, 0xFC, 0x90, 0x00}}, Tail: []byte{0xAA, 0x61, 0x01}},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 2 + 1025, maxMem: 1 << 20,
			check: isA[*scard.APDUError],
		},
		{
			name: "file without end (full chunks forever)",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000}, Tail: chunk},
			read: func(c *scard.Card) error {
				_, err := c.ReadFile(t.Context(), 0xD003, "EF.ID_Servizi")
				return err
			},
			maxAPDU: 1 + 4*4703 + 64 + 2, maxMem: 8 << 20,
			check: isA[*scard.DataError],
		},
		{
			name: "file that ends before its header says",
			card: &scardtest.Hostile{Responses: [][]byte{ok9000, {0x77, 0x82, 0x01, 0x00, 0xAA, 0x90, 0x00}}, Tail: ok9000},
			read: func(c *scard.Card) error {
				_, err := c.ReadTLVFile(t.Context(), 0x011E, "EF.COM", nil)
				return err
			},
			maxAPDU: 3, maxMem: 64 << 10,
			check: isA[*scard.DataError],
		},
		{
			name: "6C00 then 61FF forever",
			card: &scardtest.Hostile{Responses: [][]byte{{0x6C, 0x00}}, Tail: []byte{0x61, 0xFF}},
			read: func(c *scard.Card) error {
				_, err := c.ReadBinary(t.Context(), 0, 8)
				return err
			},
			maxAPDU: 2 + 1024, maxMem: 1 << 20,
			check: isA[*scard.APDUError],
		},
		{
			name: "response of one byte",
			card: &scardtest.Hostile{Tail: []byte{0x90}},
			read: func(c *scard.Card) error {
				_, err := c.ReadBinary(t.Context(), 0, 8)
				return err
			},
			maxAPDU: 1, maxMem: 64 << 10,
			check: func(err error) bool { return errors.Is(err, scard.ErrMalformedAPDU) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := scard.NewCard(tc.card, scard.CardOptions{})
			var err error
			mem := allocated(func() { err = tc.read(c) })
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %v (%T), not the typed error wanted", err, err)
			}
			if n := tc.card.Commands(); n > tc.maxAPDU || tc.card.Exceeded() {
				t.Errorf("%d APDUs, bound %d", n, tc.maxAPDU)
			}
			if mem > tc.maxMem {
				t.Errorf("allocated %d bytes, bound %d", mem, tc.maxMem)
			}
			t.Logf("%v after %d APDUs, %d bytes allocated", err, tc.card.Commands(), mem)
		})
	}
}

func isA[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}
