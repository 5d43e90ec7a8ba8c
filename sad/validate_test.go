package sad

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNameCharset: names and free text carry what the CIE and ANPR can
// (Latin letters with accents, apostrophe, space, hyphen); C1 controls, the
// bidi override, other scripts and emoji are refused with a *TextError that
// names the field and the position, when decoding and when encoding.
func TestNameCharset(t *testing.T) {
	ok := []string{"D'ANGELO", "NICOLÒ", "MÜLLER-ŁUKASZ", "ZOË", "O’BRIEN", "DE LA CRUZ", "ÇAĞLAR", "ŠKODA"}
	bad := []struct {
		name string
		s    string
		pos  int
		r    rune
	}{
		{"bidi override", "ROS\u202eSI", 4, 0x202E},
		{"C1 control", "RO\u0085SSI", 3, 0x85},
		{"emoji", "R😀SSI", 2, 0x1F600},
		{"digit", "ROSSI2", 6, '2'},
		{"cyrillic", "POCCИ", 5, 'И'},
		{"zero width joiner", "RO\u200dSSI", 3, 0x200D},
	}
	codec := Codec{}
	for _, s := range ok {
		resp := responseOne()
		resp.Subjects[0].Surname = s
		var buf bytes.Buffer
		require.NoError(t, codec.EncodeResponse(&buf, resp), "EncodeResponse(Cognome %q)", s)
		got, err := codec.DecodeResponse(&buf)
		require.NoError(t, err, "DecodeResponse(Cognome %q)", s)
		assert.Equal(t, s, got.Subjects[0].Surname)
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			resp := responseOne()
			resp.Subjects[0].Surname = tc.s
			err := codec.EncodeResponse(&bytes.Buffer{}, resp)
			var te *TextError
			require.ErrorAs(t, err, &te, "EncodeResponse(Cognome %q)", tc.s)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, TextError{Field: "Cognome", Pos: tc.pos, Rune: tc.r}, *te)
			assert.ErrorIs(t, err, ErrInvalidValue)
			assert.NotContains(t, err.Error(), "SSI", "no personal data in %q", err)

			doc := `<RichiestaSAD><IdRichiesta>R1</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta><CriteriRicerca>` +
				`<Cognome>` + tc.s + `</Cognome><Nome>MARIA</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>`
			_, err = codec.DecodeRequest(strings.NewReader(doc))
			var se *SyntaxError
			require.ErrorAs(t, err, &se, "DecodeRequest(Cognome %q)", tc.s)
			require.True(t, errors.As(err, &te))
			assert.Equal(t, tc.pos, te.Pos)
			assert.Contains(t, err.Error(), "/RichiestaSAD/CriteriRicerca/Cognome")
		})
	}
	// Free text (Motivo) admits digits and punctuation, not controls.
	req := &Request{ID: "R1", Op: OpCancel, Card: &CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA00000AA",
		EventDate: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Reason: "ERRORE N. 3 (FOTO) – 50%"}}
	require.NoError(t, codec.EncodeRequest(&bytes.Buffer{}, req))
	req.Card.Reason = "ERRORE\u009b"
	var te *TextError
	require.ErrorAs(t, codec.EncodeRequest(&bytes.Buffer{}, req), &te)
	assert.Equal(t, "Motivo", te.Field)
	assert.Equal(t, 7, te.Pos)
}
