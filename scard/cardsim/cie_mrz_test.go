package cardsim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// TestNewCIERefusesInvalidMRZ: a simulator refuses an MRZ no document
// could carry (wrong check digits, a short line), with the *cie.MRZError
// naming the line and field, and never repeats the MRZ.
func TestNewCIERefusesInvalidMRZ(t *testing.T) {
	good := testMRZ("CA00000AA", "850315", "340315")
	lines := strings.Split(good, "\n")
	set := func(line, pos int, c byte) string {
		l := []byte(lines[line])
		l[pos] = c
		out := append([]string(nil), lines...)
		out[line] = string(l)
		return strings.Join(out, "\n")
	}
	for _, tc := range []struct {
		name  string
		mrz   string
		line  int
		field string
		err   error
	}{
		{"document number check digit", set(0, 14, '5'), 1, "document number check digit", cie.ErrCheckDigit},
		{"date of birth check digit", set(1, 6, '9'), 2, "date of birth check digit", cie.ErrCheckDigit},
		{"composite check digit", set(1, 29, '0'), 2, "composite check digit", cie.ErrCheckDigit},
		{"29-character first line", strings.Replace(good, "C<ITACA", "C<ITCA", 1), 1, "", cie.ErrLength},
		// The MRZ the middleware interop card had (scripts/interop-cie-middleware):
		// the first line one character short, the fields shifted.
		{"shifted fields in one piece", "C<ITCA00000AA4<<<<<<<<<<<<<<<8503151F3403157ITA<<<<<<<<<<<2ROSSI<<MARIA<LUISA<<<<<<<<<<<<<", 1, "", nil},
		{"lower case", strings.Replace(good, "ROSSI", "Rossi", 1), 3, "name", cie.ErrCharacter},
		{"TD3 with a TD1 document code", "C<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", 1, "", cie.ErrDocumentCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(1)
			cfg.MRZ = tc.mrz
			_, err := cardsim.NewCIE(cfg)
			require.Error(t, err)
			var me *cie.MRZError
			require.ErrorAs(t, err, &me)
			assert.ErrorIs(t, err, scard.ErrInvalidKey)
			assert.Equal(t, tc.line, me.Line, "line in %v", err)
			if tc.field != "" {
				assert.Equal(t, tc.field, me.Field, "field in %v", err)
			}
			if tc.err != nil {
				assert.True(t, errors.Is(err, tc.err), "%v: want %v", err, tc.err)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "cardsim: CIEOptions.MRZ: "), err.Error())
			for _, secret := range []string{"CA00000AA", "A00000AA", "850315", "ROSSI", "ERIKSSON", "L898902C3"} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		cfg := testConfig(1)
		cfg.MRZ = " \n"
		_, err := cardsim.NewCIE(cfg)
		assert.ErrorContains(t, err, "CIEOptions.MRZ (or Card) is required")
	})
}

// TestNewCIEValidMRZForms: a valid TD1 in one piece, with CRLF line
// breaks and with spaces between the lines gives the same card keys and
// the same DG1 as with LF line breaks.
func TestNewCIEValidMRZForms(t *testing.T) {
	p, err := pkiOnce()
	require.NoError(t, err)
	good := testMRZ("CA00000AA", "850315", "340315")
	var dg1 []byte
	for _, mrz := range []string{good, strings.ReplaceAll(good, "\n", ""), strings.ReplaceAll(good, "\n", "\r\n"), strings.ReplaceAll(good, "\n", " ") + "\n"} {
		cfg := testConfig(1)
		cfg.PKI = p
		cfg.MRZ = mrz
		c, err := cardsim.NewCIE(cfg)
		require.NoError(t, err, "%q", mrz)
		doc, err := readDG1(t, c)
		require.NoError(t, err, "%q", mrz)
		if dg1 == nil {
			dg1 = doc
		}
		assert.Equal(t, dg1, doc, "%q", mrz)
	}
}

// readDG1 reads DG1 from c with BAC and the test MRZ key.
func readDG1(t *testing.T, c *cardsim.CIE) ([]byte, error) {
	doc, err := emrtd.Read(t.Context(), scard.NewCard(c, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true, DataGroups: []int{1}})
	if err != nil {
		return nil, err
	}
	return doc.DataGroups[1], nil
}
