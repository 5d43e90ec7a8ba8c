package cardsim_test

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/require"
)

// readFile reads a whole EF with READ BINARY after selecting it.
func readFile(t testing.TB, c *scard.Card, fid uint16) []byte {
	t.Helper()
	ctx := t.Context()
	require.NoError(t, c.SelectEF(ctx, fid))
	var out []byte
	for {
		b, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: byte(len(out) >> 8), P2: byte(len(out)), Ne: 0xE0})
		if err != nil {
			var se *scard.StatusError
			if len(out) > 0 && errorsAs(err, &se) && (se.SW == scard.SWEndOfFile || se.SW == scard.SWWrongOffset) {
				return out
			}
			t.Fatalf("READ BINARY %04X at %d: %v", fid, len(out), err)
		}
		out = append(out, b...)
		if len(b) < 0xE0 {
			return out
		}
	}
}

func TestBACRead(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(99)})
	ctx := t.Context()
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	// Before BAC every data group needs secure messaging.
	_, err := c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x81, Ne: 4})
	require.ErrorIs(t, err, scard.ErrSecurityStatus)
	require.NoError(t, emrtd.BAC(ctx, c, testKey))
	for n, fid := range map[int]uint16{1: 0x0101, 2: 0x0102, 11: 0x010B, 12: 0x010C, 14: 0x010E} {
		got := readFile(t, c, fid)
		if !bytes.Equal(got, sim.DataGroup(n)) {
			t.Errorf("DG%d read through BAC = %X, want %X", n, got, sim.DataGroup(n))
		}
	}
	_, err = c.Do(ctx, scard.Command{INS: scard.InsReadBinary, P1: 0x83, Ne: 4})
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "DG3 without EAC")
}

func TestBACWrongKey(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	bad := emrtd.NewMRZKey("CA00000AA", "850316", "340315")
	require.ErrorIs(t, emrtd.BAC(ctx, c, bad), scard.ErrAuthentication)
}
