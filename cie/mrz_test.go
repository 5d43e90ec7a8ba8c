package cie

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Specimen MRZs of the spec sheet §3.8 (check digits verified there).
var mrzSpecimens = []struct {
	name  string
	lines string
	want  MRZ
}{
	{
		// ICAO Doc 9303-5 Appendix B (Utopia TD1).
		name:  "ICAO Utopia",
		lines: "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
		want: MRZ{DocumentCode: "I<", IssuingState: "UTO", DocumentNumber: "D23145890", Birth: "740812", Sex: SexFemale,
			Expiry: "120415", Nationality: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA"},
	},
	{
		// ICAO-style long document number (cheminfo/mrz td1 fixture).
		name:  "ICAO long number",
		lines: "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<",
		want: MRZ{DocumentCode: "I<", IssuingState: "UTO", DocumentNumber: "D23145890734", Birth: "340712", Sex: SexMale,
			Expiry: "950712", Nationality: "UTO", Surname: "STEVENSON", GivenNames: "PETER JOHN"},
	},
	{
		// Italy CIE specimen, 2022 back.
		name:  "CIE specimen",
		lines: "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
		want: MRZ{DocumentCode: "C<", IssuingState: "ITA", DocumentNumber: "CA00000AA", Birth: "641230", Sex: SexFemale,
			Expiry: "221230", Nationality: "ITA", Surname: "ROSSI", GivenNames: "BIANCA"},
	},
	{
		// France ID 2021 specimen.
		name:  "France ID",
		lines: "IDFRAX4RTBPFW46<<<<<<<<<<<<<<<\n9007138F3002119FRA<<<<<<<<<<<6\nMARTIN<<MAELYS<GAELLE<MARIE<<<",
		want: MRZ{DocumentCode: "ID", IssuingState: "FRA", DocumentNumber: "X4RTBPFW4", Birth: "900713", Sex: SexFemale,
			Expiry: "300211", Nationality: "FRA", Surname: "MARTIN", GivenNames: "MAELYS GAELLE MARIE"},
	},
	{
		// Belgium PRADO BEL-BO-11005, long number and optional data 2.
		name:  "Belgium",
		lines: "IDBEL600001795<0152<<<<<<<<<<<\n1301014F2311207BEL130101987398\nSPECIMEN<<SPECIMEN<<<<<<<<<<<<",
		want: MRZ{DocumentCode: "ID", IssuingState: "BEL", DocumentNumber: "600001795015", Birth: "130101", Sex: SexFemale,
			Expiry: "231120", Nationality: "BEL", OptionalData2: "13010198739", Surname: "SPECIMEN", GivenNames: "SPECIMEN"},
	},
}

func TestParseMRZSpecimens(t *testing.T) {
	t.Parallel()
	for _, tc := range mrzSpecimens {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMRZ(tc.lines)
			require.NoError(t, err, "ParseMRZ(%s)", tc.name)
			assert.Equal(t, tc.want, *m)
			assert.Equal(t, tc.lines, m.String(), "String() of parsed %s", tc.name)
			// Tolerated layouts: CRLF, surrounding spaces, one 90-char piece.
			for _, in := range []string{
				strings.ReplaceAll(tc.lines, "\n", "\r\n") + "\r\n",
				"  \n" + tc.lines + "\n\n ",
				strings.ReplaceAll(tc.lines, "\n", ""),
			} {
				m2, err := ParseMRZ(in)
				require.NoError(t, err)
				assert.Equal(t, m, m2)
			}
		})
	}
}

func TestParseMRZErrors(t *testing.T) {
	t.Parallel()
	const (
		l1 = "C<ITACA00000AA4<<<<<<<<<<<<<<<"
		l2 = "6412308F2212304ITA<<<<<<<<<<<0"
		l3 = "ROSSI<<BIANCA<<<<<<<<<<<<<<<<<"
	)
	set := func(l string, pos int, c byte) string { b := []byte(l); b[pos-1] = c; return string(b) }
	tests := []struct {
		name      string
		in        string
		line, pos int
		field     string
		err       error
	}{
		{"number check digit", set(l1, 15, '5') + "\n" + l2 + "\n" + l3, 1, 15, "document number check digit", ErrCheckDigit},
		{"number changed", set(l1, 8, '1') + "\n" + l2 + "\n" + l3, 1, 15, "document number check digit", ErrCheckDigit},
		{"birth check digit", l1 + "\n" + set(l2, 7, '9') + "\n" + l3, 2, 7, "date of birth check digit", ErrCheckDigit},
		{"expiry check digit", l1 + "\n" + set(l2, 15, '9') + "\n" + l3, 2, 15, "date of expiry check digit", ErrCheckDigit},
		{"composite", l1 + "\n" + set(l2, 30, '1') + "\n" + l3, 2, 30, "composite check digit", ErrCheckDigit},
		{"optional data changes composite", set(l1, 20, 'B') + "\n" + l2 + "\n" + l3, 2, 30, "composite check digit", ErrCheckDigit},
		{"lower case", set(l1, 6, 'c') + "\n" + l2 + "\n" + l3, 1, 6, "document number", ErrCharacter},
		{"sex X", l1 + "\n" + set(l2, 8, 'X') + "\n" + l3, 2, 8, "sex", ErrSex},
		{"document code V", set(l1, 2, 'V') + "\n" + l2 + "\n" + l3, 1, 2, "document code", ErrDocumentCode},
		{"document code P", set(l1, 1, 'P') + "\n" + l2 + "\n" + l3, 1, 1, "document code", ErrDocumentCode},
		{"digit in name", l1 + "\n" + l2 + "\n" + set(l3, 3, '5'), 3, 3, "name", ErrCharacter},
		{"empty name", l1 + "\n" + l2 + "\n" + strings.Repeat("<", 30), 3, 1, "name", ErrName},
		{"no primary identifier", l1 + "\n" + l2 + "\n" + "<<BIANCA" + strings.Repeat("<", 22), 3, 1, "name", ErrName},
		{"31 February", l1 + "\n" + mrzLine2("640231", 'F', "221230", "ITA", "") + "\n" + l3, 2, 5, "date of birth", ErrDate},
		{"month 13", l1 + "\n" + mrzLine2("641330", 'F', "221230", "ITA", "") + "\n" + l3, 2, 3, "date of birth", ErrDate},
		{"expiry 29 Feb 2023", l1 + "\n" + mrzLine2("641230", 'F', "230229", "ITA", "") + "\n" + l3, 2, 13, "date of expiry", ErrDate},
		{"digit in state", set(l1, 4, '1') + "\n" + l2 + "\n" + l3, 1, 4, "issuing state", ErrCharacter},
		{"short line", l1[:29] + "\n" + l2 + "\n" + l3, 1, 0, "", ErrLength},
		{"two lines", l1 + "\n" + l2, 0, 0, "", ErrLength},
		{"inner space", l1[:10] + " " + l1[10:] + "\n" + l2 + "\n" + l3, 0, 0, "", ErrLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMRZ(tc.in)
			require.ErrorIs(t, err, tc.err)
			assert.Nil(t, m)
			me, ok := err.(*MRZError)
			require.True(t, ok, "ParseMRZ error is %T, want *MRZError", err)
			assert.Equal(t, tc.line, me.Line, "line")
			assert.Equal(t, tc.pos, me.Pos, "position")
			assert.Equal(t, tc.field, me.Field, "field")
			// Never a whole line in the message.
			for _, l := range []string{l1, l2, l3} {
				assert.NotContains(t, err.Error(), l[:12])
			}
		})
	}
}

// mrzLine2 builds a TD1 line 2 with correct check digits for line 1 of the
// CIE specimen.
func mrzLine2(birth string, sex byte, expiry, nat, opt string) string {
	l := birth + string(CheckDigit(birth)) + string(sex) + expiry + string(CheckDigit(expiry)) + nat + opt
	for len(l) < 29 {
		l += "<"
	}
	return l + string(mrzComposite("C<ITACA00000AA4<<<<<<<<<<<<<<<", l+"<"))
}

func TestMRZErrorMessage(t *testing.T) {
	t.Parallel()
	err := &MRZError{Line: 2, Pos: 15, Field: "date of expiry check digit", Err: ErrCheckDigit}
	assert.Equal(t, "cie: MRZ line 2, position 15 (date of expiry check digit): check digit mismatch", err.Error())
}

func TestCheckDigit(t *testing.T) {
	t.Parallel()
	// Doc 9303-3 §4.9 worked example.
	assert.Equal(t, byte('3'), CheckDigit("520727"))
	assert.Equal(t, byte('9'), CheckDigit("D23145890734"))
	assert.Equal(t, byte('0'), CheckDigit("<<<<<<"))
}

func TestMRZDates(t *testing.T) {
	t.Parallel()
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		birth string
		ref   time.Time
		want  time.Time
	}{
		{"641230", d(2026, 11, 23), d(1964, 12, 30)},
		{"261123", d(2026, 11, 23), d(2026, 11, 23)},
		{"261124", d(2026, 11, 23), d(1926, 11, 24)},
		{"000229", d(2026, 1, 1), d(2000, 2, 29)},
		{"000229", d(1999, 1, 1), d(1800, 2, 1).AddDate(0, 0, 28)}, // 1900 is not leap: 1800 is not either
	}
	for _, tc := range tests[:4] {
		m := &MRZ{Birth: tc.birth}
		got, err := m.BirthDate(tc.ref)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "BirthDate(%s, ref %s)", tc.birth, tc.ref.Format(time.DateOnly))
	}
	_, err := (&MRZ{Birth: "0002<<"}).BirthDate(d(2026, 1, 1))
	require.ErrorIs(t, err, ErrDate)
	_, err = (&MRZ{Birth: "000229"}).BirthDate(d(1999, 1, 1))
	require.ErrorIs(t, err, ErrDate, "29 Feb 00 before 2000: 1900 and 1800 are not leap")
	e, err := (&MRZ{Expiry: "221230"}).ExpiryDate()
	require.NoError(t, err)
	assert.Equal(t, d(2022, 12, 30), e)
}

func TestMRZUnknownBirthParts(t *testing.T) {
	t.Parallel()
	in := "C<ITACA00000AA4<<<<<<<<<<<<<<<\n" + mrzLine2("64<<<<", 'M', "221230", "ITA", "") + "\nROSSI<<MARIO<<<<<<<<<<<<<<<<<<"
	m, err := ParseMRZ(in)
	require.NoError(t, err)
	assert.Equal(t, "64<<<<", m.Birth)
	assert.Equal(t, in, m.String())
}

func TestMRZNameTruncation(t *testing.T) {
	t.Parallel()
	tests := []struct{ primary, secondary, want string }{
		{"ROSSI", "BIANCA", "ROSSI<<BIANCA<<<<<<<<<<<<<<<<<"},
		{"D ARTAGNAN", "", "D<ARTAGNAN<<<<<<<<<<<<<<<<<<<<"},
		{"PAPANDROPOULOUS", "JONATHON ALEC", "PAPANDROPOULOUS<<JONATHON<ALEC"},
		{"VILARCHAO FERNANDEZ", "JOSE RAMON", "VILARCHAO<FERNANDEZ<<JOSE<RAMO"},
		// Cut would end on a filler: the last component loses a letter.
		{"DELLA VALLE DI SANTA", "ANNA MARIA", "DELLA<VALLE<DI<SANTA<<ANNA<MAR"},
		{"DELLA VALLE DI SANTA", "ANNALIS MARIA", "DELLA<VALLE<DI<SANTA<<ANNALI<M"},
		// Primary too long for "<<" plus an initial.
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDE", "MARIO", "ABCDEFGHIJKLMNOPQRSTUVWXYZA<<M"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ A", "MARIO", "ABCDEFGHIJKLMNOPQRSTUVWXY<A<<M"},
		// Primary only.
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZAB CD", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZAB<C"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABC DE", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZAB<D"},
	}
	for _, bad := range [][2]string{{"", "BIANCA"}, {" ROSSI", ""}, {"ROSSI ", "B"}, {"DE  ROSSI", ""}, {"Rossi", ""}, {"ROSSI", "B1"},
		// A leading or double space in the secondary identifier (issue 16).
		{"ABC", " DEF"}, {"ABC", "DEF  GH"}} {
		_, err := mrzNameLine(bad[0], bad[1])
		require.ErrorIs(t, err, ErrName, "mrzNameLine(%q, %q)", bad[0], bad[1])
	}
	for _, tc := range tests {
		got, err := mrzNameLine(tc.primary, tc.secondary)
		require.NoError(t, err, "mrzNameLine(%q, %q)", tc.primary, tc.secondary)
		assert.Equal(t, tc.want, got, "mrzNameLine(%q, %q)", tc.primary, tc.secondary)
		assert.Len(t, got, 30)
	}
}

func TestTranslitName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		u      UmlautPolicy
		want   string
		badPos int
	}{
		{"D'Artagnan", UmlautExpand, "DARTAGNAN", 0},
		{"Marie-Élise", UmlautExpand, "MARIE ELISE", 0},
		{"Müller", UmlautExpand, "MUELLER", 0},
		{"Müller", UmlautBase, "MULLER", 0},
		{"Nicolò", UmlautExpand, "NICOLO", 0},
		{"NICOLO'", UmlautExpand, "NICOLO", 0},
		{"Åsa Ørsted", UmlautExpand, "AASA OERSTED", 0},
		{"Straße", UmlautExpand, "STRASSE", 0},
		{"  De  Rossi ", UmlautExpand, "DE ROSSI", 0},
		{"Łukasz Żółć", UmlautExpand, "LUKASZ ZOLC", 0},
		{"Jean 2", UmlautExpand, "", 6},
		{"Anna (Maria)", UmlautExpand, "ANNA MARIA", 0},
		{"Jean+", UmlautExpand, "", 5},
		{"Иван", UmlautExpand, "", 1},
	}
	for _, tc := range tests {
		got, pos := translitName(tc.in, tc.u)
		assert.Equal(t, tc.want, got, "translitName(%q)", tc.in)
		assert.Equal(t, tc.badPos, pos, "translitName(%q) bad position", tc.in)
	}
}

func TestMRZPossiblyTruncated(t *testing.T) {
	t.Parallel()
	assert.False(t, (&MRZ{Surname: "ROSSI", GivenNames: "BIANCA"}).PossiblyTruncated())
	assert.True(t, (&MRZ{Surname: "PAPANDROPOULOUS", GivenNames: "JONATHON ALEC"}).PossiblyTruncated(), "fits exactly: must be assumed truncated")
	assert.True(t, (&MRZ{Surname: "DELLA VALLE DI SANTA CROCE", GivenNames: "MARIA"}).PossiblyTruncated())
}

// TestMRZTruncationNormalisedFirst is the fuzz-found defect of issue 16: a
// surname of 28 letters and given names with a leading space rendered a
// name line ending in "<<<", which parsed back with empty given names. The
// names are now checked before truncation; the input is also kept in
// testdata/fuzz/FuzzMRZLines.
func TestMRZTruncationNormalisedFirst(t *testing.T) {
	t.Parallel()
	base := MRZ{DocumentCode: "C<", IssuingState: "ITA", DocumentNumber: "CA00000AA", Birth: "641230",
		Sex: SexFemale, Expiry: "221230", Nationality: "ITA", Surname: strings.Repeat("A", 28)}
	for _, given := range []string{" MARIA", "MARIA  ANNA", "  "} {
		m := base
		m.GivenNames = given
		_, err := m.Lines()
		if given == "  " { // only padding: no given names
			require.NoError(t, err, "Lines() with given names %q", given)
			continue
		}
		require.ErrorIs(t, err, ErrName, "Lines() with given names %q", given)
	}
	m := base
	m.GivenNames = "MARIA"
	l, err := m.Lines()
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("A", 27)+"<<M", l[2], "truncated line ends with a letter")
	p, err := ParseMRZ(strings.Join(l[:], "\n"))
	require.NoError(t, err)
	assert.Equal(t, "M", p.GivenNames)

	// The parser refuses what the renderer refuses.
	for _, l3 := range []string{"ROSSI<<<MARIA<<<<<<<<<<<<<<<<<", "ROSSI<<MARIA<<ANNA<<<<<<<<<<<<"} {
		l[2] = l3
		_, err := ParseMRZ(strings.Join(l[:], "\n"))
		require.ErrorIs(t, err, ErrName, "ParseMRZ with name line %q", l3)
	}
}
