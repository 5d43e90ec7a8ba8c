package scard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecretsRedact(t *testing.T) {
	t.Parallel()
	pin, err := NewPIN("12345678")
	require.NoError(t, err)
	puk, _ := NewPUK("87654321")
	for _, v := range []any{pin, puk, &pin} {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmtSprintf(f, v)
			assert.NotContains(t, s, "12345678")
			assert.NotContains(t, s, "87654321")
		}
	}
	_, err = NewPIN("12a4")
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.NotContains(t, err.Error(), "12a4")
	q, _ := NewPIN("12345678")
	assert.True(t, pin.Equal(q))
	q.Zero()
	assert.False(t, pin.Equal(q))
}
