package cie

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCodiceFiscale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     CodiceFiscale
		pos      int
		err      error
	}{
		// Fixtures of the spec sheet §5.4 (check characters verified there).
		{name: "Rossi Mario", in: "RSSMRA80A01H501U", want: "RSSMRA80A01H501U"},
		{name: "Moreno Luca", in: "MRNLCU00A01H501J", want: "MRNLCU00A01H501J"},
		{name: "Licata base", in: "BNZVCN32S10E573Z", want: "BNZVCN32S10E573Z"},
		{name: "Licata omocode 1", in: "BNZVCN32S10E57PV", want: "BNZVCN32S10E57PV"},
		{name: "Licata omocode all", in: "BNZVCNPNSMLERTPX", want: "BNZVCNPNSMLERTPX"},
		{name: "second digit from right only", in: "RSSMRA80A01H5L1F", want: "RSSMRA80A01H5L1F"},
		{name: "woman 31 Dec", in: "DNGMTR01T71F205U", want: "DNGMTR01T71F205U"},
		{name: "lower case", in: " rssmra80a01h501u ", want: "RSSMRA80A01H501U"},
		{name: "Gallico 1907", in: "MCHFDA07A01D877A", want: "MCHFDA07A01D877A"},
		{name: "31 February", in: "RSSMRA80B31H501W", pos: 10, err: ErrDate},
		{name: "letter O in digit position", in: "BLIPTR93MO4A674Q", pos: 10, err: ErrCharacter},
		{name: "bad month letter", in: "RSSMRA80F01H501U", pos: 9, err: ErrCharacter},
		{name: "bad check character", in: "RSSMRA80A01H501A", pos: 16, err: ErrCheckCharacter},
		{name: "short", in: "RSSMRA80A01H501", err: ErrLength},
		{name: "day zero", in: cfWithCheck("RSSMRA80A00H501"), pos: 10, err: ErrDate},
		{name: "day 32", in: cfWithCheck("RSSMRA80A32H501"), pos: 10, err: ErrDate},
		{name: "day 72", in: cfWithCheck("RSSMRA80A72H501"), pos: 10, err: ErrDate},
		{name: "29 Feb leap", in: cfWithCheck("RSSMRA80B29H501"), want: CodiceFiscale(cfWithCheck("RSSMRA80B29H501"))},
		{name: "29 Feb 00", in: cfWithCheck("RSSMRA00B69H501"), want: CodiceFiscale(cfWithCheck("RSSMRA00B69H501"))},
		{name: "29 Feb non-leap", in: cfWithCheck("RSSMRA81B29H501"), pos: 10, err: ErrDate},
		{name: "digit in surname", in: cfWithCheck("R5SMRA80A01H501"), pos: 2, err: ErrCharacter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCodiceFiscale(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				var ce *CodiceFiscaleError
				require.True(t, errors.As(err, &ce))
				assert.Equal(t, tc.pos, ce.Pos, "ParseCodiceFiscale(%q) position", tc.in)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "ParseCodiceFiscale(%q)", tc.in)
			assert.True(t, got.Valid())
		})
	}
}

// cfWithCheck appends the correct check character to 15 characters.
func cfWithCheck(s string) string {
	b := []byte(s + "A")
	b[15] = cfCheckChar(b)
	return string(b)
}

func TestParseCodiceFiscaleBarcode(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"*RSSMRA80A01H501U*", "RSSMRA80A01H501U\r\n", "\x02rssmra80a01h501u\x03", " *RSSMRA80A01H501U* \n"} {
		got, err := ParseCodiceFiscaleBarcode(in)
		require.NoError(t, err, "ParseCodiceFiscaleBarcode(%q)", in)
		assert.Equal(t, CodiceFiscale("RSSMRA80A01H501U"), got, "ParseCodiceFiscaleBarcode(%q)", in)
	}
	_, err := ParseCodiceFiscaleBarcode("*RSSMRA80A01H501U1*")
	require.ErrorIs(t, err, ErrLength)
}

func TestOmocodes(t *testing.T) {
	t.Parallel()
	cf := MustParseCodiceFiscale("BNZVCN32S10E573Z")
	seen := map[CodiceFiscale]bool{}
	i := 0
	for o := range cf.Omocodes() {
		require.True(t, o.Valid(), "omocode %d %q invalid", i, o)
		assert.Equal(t, uint8(i), o.OmocodiaMask(), "mask of %q", o)
		assert.Equal(t, cf, o.Base())
		assert.True(t, o.Equivalent(cf))
		seen[o] = true
		i++
	}
	assert.Equal(t, 128, i)
	assert.Len(t, seen, 128)
	assert.True(t, seen["BNZVCN32S10E57PV"])
	assert.True(t, seen["BNZVCNPNSMLERTPX"])
	assert.Equal(t, cf, CodiceFiscale("BNZVCNPNSMLERTPX").Base())
	assert.Equal(t, SexMale, cf.Sex())
	assert.Equal(t, SexFemale, CodiceFiscale("DNGMTR01T71F205U").Sex())
}

func TestParseAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation budget: skipped in -short mode")
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseCodiceFiscale("BNZVCNPNSMLERTPX") }); n != 0 {
		t.Errorf("ParseCodiceFiscale: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = CodiceFiscale("RSSMRA80A01H501U").Valid() }); n != 0 {
		t.Errorf("CodiceFiscale.Valid: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = ParseCardNumber("CA00000AA") }); n != 0 {
		t.Errorf("ParseCardNumber: %v allocs, want 0", n)
	}
}
