package emrtd_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smDropper answers the n-th protected command with a plain 6988 (the chip
// ending secure messaging, ICAO Doc 9303-11 9.8.6) and forwards every
// other command; it remembers the commands sent after that answer.
type smDropper struct {
	card  scard.Transmitter
	n     int
	mu    sync.Mutex
	seen  int
	after [][]byte
}

func (d *smDropper) Transmit(ctx context.Context, c []byte) ([]byte, error) {
	d.mu.Lock()
	dropped := d.seen >= d.n
	if dropped {
		d.after = append(d.after, append([]byte(nil), c...))
	}
	if len(c) > 0 && c[0]&0x0C == 0x0C {
		d.seen++
		if d.seen == d.n {
			d.mu.Unlock()
			return []byte{0x69, 0x88}, nil
		}
	}
	d.mu.Unlock()
	return d.card.Transmit(ctx, c)
}

// TestPartialReadStopsWhenSMEnds: a chip that answers 6988 in plain has
// ended secure messaging; a partial read must not go on reading the other
// files in plain (vsmartcard's ePass emulator answers such plain commands
// with the files: scripts/interop-vicc). The read ends with a *FileError
// for the file being read, wrapping the chip's status.
func TestPartialReadStopsWhenSMEnds(t *testing.T) {
	sim := newSimCIE(t, false)
	// Protected commands: SELECT EF.COM, READ BINARY, SELECT DG1 (3).
	d := &smDropper{card: sim, n: 3}
	doc, err := emrtd.Read(t.Context(), scard.NewCard(d, scard.CardOptions{}), emrtd.ReadOptions{MRZ: simKey(t), NoPACE: true, Partial: true})
	require.Error(t, err)
	assert.Nil(t, doc)
	assert.ErrorIs(t, err, scard.ErrSecureMessaging)
	var fe *emrtd.FileError
	require.True(t, errors.As(err, &fe), "%v is not a *FileError", err)
	assert.Equal(t, "DG1", fe.File)
	var se *scard.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, scard.SWSMObjectsIncorrect, se.SW)
	assert.Empty(t, d.after, "commands sent after the chip ended secure messaging")

	// Without Partial the read stops the same way.
	d = &smDropper{card: newSimCIE(t, false), n: 3}
	_, err = emrtd.Read(t.Context(), scard.NewCard(d, scard.CardOptions{}), emrtd.ReadOptions{MRZ: simKey(t), NoPACE: true})
	assert.ErrorIs(t, err, scard.ErrSecureMessaging)
	assert.Empty(t, d.after)
}
