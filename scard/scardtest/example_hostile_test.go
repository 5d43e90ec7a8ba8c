package scardtest_test

import (
	"context"
	"fmt"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// ExampleHostile: a card that answers 61FF forever does not keep the
// reader in a GET RESPONSE loop.
func ExampleHostile() {
	h := &scardtest.Hostile{Tail: []byte{0x61, 0xFF}}
	c := scard.NewCard(h, scard.CardOptions{})
	_, err := c.ReadBinary(context.Background(), 0, 8)
	fmt.Println(err)
	fmt.Println(h.Commands(), "APDUs, limit exceeded:", h.Exceeded())
	// Output:
	// scard: malformed APDU at byte 0: card still answers 61FF after 1024 GET RESPONSE commands
	// 1025 APDUs, limit exceeded: false
}

// ExampleMutate: mutations of a recorded session, as a fuzz target gets
// them; the recording itself is left alone.
func ExampleMutate() {
	session := [][]byte{{0x90, 0x00}, {0x01, 0x02, 0x90, 0x00}}
	// response 1: replace the status word with 6A82; response 0: truncate to 1 byte
	m := scardtest.Mutate(session, []byte{1, 4, 0x6A, 0x82, 0, 0, 2, 0, 1, 0})
	fmt.Printf("% X | % X\n", m[0], m[1])
	fmt.Printf("% X | % X\n", session[0], session[1])
	// Output:
	// 90 | 01 02 6A 82
	// 90 00 | 01 02 90 00
}
