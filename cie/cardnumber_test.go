package cie

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCardNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     CardNumber
		pos      int
		err      error
	}{
		{name: "specimen", in: "CA00000AA", want: "CA00000AA"},
		{name: "lower case and spaces", in: "  ca12345bz\n", want: "CA12345BZ"},
		{name: "letter O in digit position", in: "CA0O000AA", pos: 4, err: ErrCharacter},
		{name: "digit in letter position", in: "C000000AA", pos: 2, err: ErrCharacter},
		{name: "digit at end", in: "CA00000A0", pos: 9, err: ErrCharacter},
		{name: "too short", in: "CA0000AA", err: ErrLength},
		{name: "too long", in: "CA000000AA", err: ErrLength},
		{name: "empty", in: "", err: ErrLength},
		{name: "filler", in: "CA00000A<", pos: 9, err: ErrCharacter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCardNumber(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				var ce *CardNumberError
				require.True(t, errors.As(err, &ce), "ParseCardNumber(%q) error %T, want *CardNumberError", tc.in, err)
				assert.Equal(t, tc.pos, ce.Pos, "ParseCardNumber(%q) position", tc.in)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "ParseCardNumber(%q)", tc.in)
			assert.True(t, got.Valid())
		})
	}
}

func TestCardNumberErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := ParseCardNumber("CA0O000AA")
	assert.EqualError(t, err, "cie: card number position 4 ('O'): invalid character")
}
