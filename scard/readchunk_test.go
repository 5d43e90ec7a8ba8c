package scard_test

import (
	"context"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shortLeCard holds one TLV file and answers 6700 to an extended Le, as a
// card without extended-length support does.
type shortLeCard struct {
	file []byte
	les  []int
}

func (s *shortLeCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return []byte{0x6F, 0x00}, nil
	}
	switch cmd.INS {
	case scard.InsSelect:
		return []byte{0x90, 0x00}, nil
	case scard.InsReadBinary:
		s.les = append(s.les, cmd.Ne)
		if cmd.Ne > 256 {
			return []byte{0x67, 0x00}, nil
		}
		off := int(cmd.P1)<<8 | int(cmd.P2)
		n := min(cmd.Ne, len(s.file)-off)
		return append(append([]byte(nil), s.file[off:off+n]...), 0x90, 0x00), nil
	}
	return []byte{0x6D, 0x00}, nil
}

// TestReadTLVFileLe: extended Le first; a card that refuses it (6700) is
// read with short Le from then on, without failing the read.
func TestReadTLVFileLe(t *testing.T) {
	file := append([]byte{0x75, 0x82, 0x03, 0x00}, make([]byte, 0x300)...)
	for i := range file[4:] {
		file[4+i] = byte(i)
	}
	card := &shortLeCard{file: file}
	c := scard.NewCard(card, scard.CardOptions{})
	got, err := c.ReadTLVFile(t.Context(), 0x0102, "DG2", nil)
	require.NoError(t, err)
	assert.Equal(t, file, got)
	assert.Equal(t, []int{0xFE00, 0xDF, 0xDF, 0xDF, 0x304 - 3*0xDF}, card.les, "Le of each READ BINARY")
	// The refusal is remembered.
	card.les = nil
	_, err = c.ReadTLVFile(t.Context(), 0x0102, "DG2", nil)
	require.NoError(t, err)
	assert.Equal(t, 0xDF, card.les[0])

	// NoExtended: short Le from the start.
	card.les = nil
	_, err = scard.NewCard(card, scard.CardOptions{NoExtended: true}).ReadTLVFile(t.Context(), 0x0102, "DG2", nil)
	require.NoError(t, err)
	assert.Equal(t, []int{0xDF, 0xDF, 0xDF, 0x304 - 3*0xDF}, card.les)
}
