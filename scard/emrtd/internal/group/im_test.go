package group

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMap checks f_G on every group: curve points in the prime-order group
// (on the curve, n*P = O), DH elements of order q, and the refusals.
func TestMap(t *testing.T) {
	t.Parallel()
	for _, id := range []int{0, 1, 2, 10, 12, 13, 15, 18} {
		g := Standard(id)
		if id == 10 {
			assert.False(t, CanMap(g), "P-224 has p = 1 mod 4")
			_, err := Map(g, big.NewInt(5))
			require.Error(t, err)
			continue
		}
		require.True(t, CanMap(g), g.Name())
		p := Field(g)
		for range 8 {
			x, err := rand.Int(rand.Reader, p)
			require.NoError(t, err)
			if x.Sign() == 0 {
				continue
			}
			e, err := Map(g, x)
			require.NoError(t, err, g.Name())
			if d, ok := g.(*DH); ok {
				assert.Equal(t, 0, new(big.Int).Exp(e.(*big.Int), d.Q, d.P).Cmp(big.NewInt(1)), "%s: g~^q = 1", g.Name())
				continue
			}
			c := g.(*EC)
			pt := e.(*Point)
			assert.True(t, c.onCurve(pt.X, pt.Y), g.Name())
			assert.Nil(t, c.Mul(pt, c.n).(*Point), "%s: n*G~ = O", g.Name())
		}
		for _, bad := range []*big.Int{big.NewInt(0), p, new(big.Int).Add(p, big.NewInt(1))} {
			_, err := Map(g, bad)
			require.ErrorIs(t, err, ErrDegenerate, "%s: %s", g.Name(), bad)
		}
	}
	// DH: 1 maps to 1, which is refused.
	_, err := Map(Standard(0), big.NewInt(1))
	require.ErrorIs(t, err, ErrDegenerate)
}
