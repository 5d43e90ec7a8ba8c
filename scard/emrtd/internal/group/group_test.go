package group

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStandardGroups(t *testing.T) {
	t.Parallel()
	for _, id := range []int{0, 1, 2, 10, 12, 13, 15, 18} {
		g := Standard(id)
		require.NotNil(t, g, "group %d", id)
		q := g.Order()
		if g.IsDH() {
			d := g.(*DH)
			assert.True(t, d.P.ProbablyPrime(20), "%s: p prime", g.Name())
			assert.True(t, q.ProbablyPrime(20), "%s: q prime", g.Name())
			assert.Equal(t, 0, new(big.Int).Exp(d.G, q, d.P).Cmp(big.NewInt(1)), "%s: g^q = 1", g.Name())
			continue
		}
		e := g.(*EC)
		assert.True(t, e.onCurve(e.g.X, e.g.Y), "%s: G on curve", g.Name())
		assert.Nil(t, e.Mul(e.g, q).(*Point), "%s: n*G = O", g.Name())
		// 2G + G == 3G
		three := e.Add(e.Mul(e.g, big.NewInt(2)), e.g)
		assert.True(t, e.Equal(three, e.Mul(e.g, big.NewInt(3))), "%s: 2G+G = 3G", g.Name())
	}
}
