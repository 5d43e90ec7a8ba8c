package cie

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustPlace(t *testing.T, code string, at time.Time) Place {
	t.Helper()
	p, err := LookupPlace(code, at)
	require.NoError(t, err, "LookupPlace(%q, %s)", code, at.Format(time.DateOnly))
	return p
}

func TestComputeCodiceFiscale(t *testing.T) {
	t.Parallel()
	// Fixtures of the spec sheet §5.4.
	tests := []struct {
		surname, given string
		sex            Sex
		birth          time.Time
		place          string
		want           CodiceFiscale
	}{
		{"Rossi", "Mario", SexMale, date(1980, 1, 1), "H501", "RSSMRA80A01H501U"},
		{"Moreno", "Luca", SexMale, date(2000, 1, 1), "H501", "MRNLCU00A01H501J"},
		{"D'Angelo", "Maria Teresa", SexFemale, date(2001, 12, 31), "F205", "DNGMTR01T71F205U"},
		{"Fo", "Nicolò", SexMale, date(1999, 6, 5), "H501", "FOXNCL99H05H501F"},
		{"De Rossi", "Gianfranco", SexMale, date(1975, 3, 15), "F839", "DRSGFR75C15F839F"},
		{"Müller", "Jürgen", SexMale, date(1970, 2, 2), "Z112", "MLLJGN70B02Z112T"},
		{"Benzi", "Vincenzo", SexMale, date(1932, 11, 10), "E573", "BNZVCN32S10E573Z"},
		{"Michelangeli", "Fadia", SexMale, date(1907, 1, 1), "D877", "MCHFDA07A01D877A"},    // Gallico, ceased 1927
		{"De Grandi", "Francesco", SexMale, date(1984, 12, 31), "G371", "DGRFNC84T31G371E"}, // Paternò, old code
	}
	for _, tc := range tests {
		p := Person{Surname: tc.surname, GivenNames: tc.given, Sex: tc.sex, BirthDate: tc.birth,
			BirthPlace: mustPlace(t, tc.place, tc.birth), Citizenship: "ITA"}
		got, err := ComputeCodiceFiscale(p)
		require.NoError(t, err, "ComputeCodiceFiscale(%s %s)", tc.surname, tc.given)
		assert.Equal(t, tc.want, got, "ComputeCodiceFiscale(%s %s)", tc.surname, tc.given)
		assert.NoError(t, got.Check(p))
		for o := range got.Omocodes() {
			require.NoError(t, o.Check(p), "Check of omocode %s", o)
		}
	}
}

func TestComputeCodiceFiscaleErrors(t *testing.T) {
	t.Parallel()
	base := Person{Surname: "Rossi", GivenNames: "Mario", Sex: SexMale, BirthDate: date(1980, 1, 1),
		BirthPlace: Place{Code: "H501"}}
	mod := func(f func(*Person)) Person { p := base; f(&p); return p }
	tests := []struct {
		name string
		p    Person
		err  error
	}{
		{"no surname", mod(func(p *Person) { p.Surname = "" }), ErrName},
		{"digit in name", mod(func(p *Person) { p.GivenNames = "Mario2" }), ErrName},
		{"unspecified sex", mod(func(p *Person) { p.Sex = SexUnspecified }), ErrSex},
		{"no birth date", mod(func(p *Person) { p.BirthDate = time.Time{} }), ErrMissing},
		{"bad place code", mod(func(p *Person) { p.BirthPlace.Code = "H50" }), ErrCharacter},
	}
	for _, tc := range tests {
		_, err := ComputeCodiceFiscale(tc.p)
		require.ErrorIs(t, err, tc.err, tc.name)
	}
	// A comune that did not exist yet (or no longer) on the birth date.
	_, err := ComputeCodiceFiscale(mod(func(p *Person) { p.BirthPlace.Code = "D877"; p.BirthDate = date(1990, 1, 1) }))
	var ce *CodiceFiscaleError
	require.True(t, errors.As(err, &ce), "ceased comune: %v", err)
	assert.Equal(t, "place", ce.Field)
}

func TestCodiceFiscaleCheckMismatch(t *testing.T) {
	t.Parallel()
	p := Person{Surname: "Rossi", GivenNames: "Maria", Sex: SexFemale, BirthDate: date(1981, 2, 3), BirthPlace: Place{Code: "F205"}}
	err := CodiceFiscale("RSSMRA80A01H501U").Check(p)
	require.ErrorIs(t, err, ErrMismatch)
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var me *MismatchError
		require.True(t, errors.As(e, &me))
		fields = append(fields, me.Field)
	}
	assert.Equal(t, []string{"codice fiscale birth date", "codice fiscale sex", "codice fiscale place"}, fields)
	assert.NotContains(t, err.Error(), "RSSMRA80A01H501U")
}

func TestCodiceFiscaleDecode(t *testing.T) {
	t.Parallel()
	today := date(2026, 11, 23)
	info, err := CodiceFiscale("BNZVCNPNSMLERTPX").Decode(today)
	require.NoError(t, err)
	assert.Equal(t, "E573", info.PlaceCode)
	assert.Equal(t, uint8(127), info.OmocodiaMask)
	require.NotEmpty(t, info.Candidates)
	assert.Equal(t, date(1932, 11, 10), info.Candidates[0].Date)
	assert.Equal(t, "AG", info.Candidates[0].Place.Province)

	// Gallico (D877) ceased in 1927: only 1907 is possible (python-codicefiscale #203).
	info, err = CodiceFiscale("MCHFDA07A01D877A").Decode(today)
	require.NoError(t, err)
	require.Len(t, info.Candidates, 1)
	assert.Equal(t, date(1907, 1, 1), info.Candidates[0].Date)

	// Born in 2025 or 1925 in Roma: two centuries are possible.
	cf, err := cfCompute("Rossi", "Mario", SexMale, date(2025, 1, 1), "H501")
	require.NoError(t, err)
	info, err = cf.Decode(today)
	require.NoError(t, err)
	require.Len(t, info.Candidates, 2)
	assert.Equal(t, date(2025, 1, 1), info.Candidates[0].Date)
	assert.Equal(t, date(1925, 1, 1), info.Candidates[1].Date)

	// An unknown place code.
	cf, err = cfCompute("Rossi", "Mario", SexMale, date(1980, 1, 1), "Z999")
	require.NoError(t, err)
	_, err = cf.Decode(today)
	var ce *CodiceFiscaleError
	require.True(t, errors.As(err, &ce), "unknown place: %v", err)
	assert.Equal(t, "place", ce.Field)
}

func TestEspatrioEligible(t *testing.T) {
	t.Parallel()
	at := date(2026, 11, 23)
	adult := Person{BirthDate: date(1980, 1, 1), Citizenship: "ITA"}
	minor := Person{BirthDate: date(2015, 1, 1), Citizenship: "ITA"}
	foreign := Person{BirthDate: date(1980, 1, 1), Citizenship: "DEU"}
	tests := []struct {
		name string
		p    Person
		r    EspatrioRequest
		want bool
		err  error
	}{
		{"adult declared", adult, EspatrioRequest{Declaration: ConsentGiven}, true, nil},
		{"adult refused", adult, EspatrioRequest{Declaration: ConsentRefused}, false, nil},
		{"adult unset", adult, EspatrioRequest{ParentsConsent: ConsentGiven}, false, ErrMissing},
		{"minor consent", minor, EspatrioRequest{ParentsConsent: ConsentGiven}, true, nil},
		{"minor no consent", minor, EspatrioRequest{ParentsConsent: ConsentRefused}, false, nil},
		{"minor unset", minor, EspatrioRequest{Declaration: ConsentGiven}, false, ErrMissing},
		{"foreign citizen", foreign, EspatrioRequest{Declaration: ConsentGiven}, false, nil},
		{"no citizenship", Person{BirthDate: date(1980, 1, 1)}, EspatrioRequest{Declaration: ConsentGiven}, false, ErrMissing},
	}
	for _, tc := range tests {
		got, err := EspatrioEligible(tc.p, at, tc.r)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, tc.name)
		} else {
			require.NoError(t, err, tc.name)
		}
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func specimenCard(t *testing.T) *Card {
	t.Helper()
	birth := date(1964, 12, 30)
	p := Person{Surname: "Rossi", GivenNames: "Bianca", Sex: SexFemale, BirthDate: birth,
		BirthPlace: mustPlace(t, "H501", birth), Citizenship: "ITA"}
	cf, err := ComputeCodiceFiscale(p)
	require.NoError(t, err)
	p.CodiceFiscale = cf
	return &Card{
		Holder: p,
		Document: Document{Number: "CA00000AA", IssueDate: date(2012, 12, 30), ExpiryDate: date(2022, 12, 30),
			IssuingComune: "ROMA", ValidForTravel: true},
		FingerprintsTaken: true,
	}
}

func TestEncodeMRZSpecimen(t *testing.T) {
	t.Parallel()
	c := specimenCard(t)
	m, err := EncodeMRZ(c, MRZOptions{})
	require.NoError(t, err)
	assert.Equal(t, "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<", m.String())
	require.NoError(t, m.CheckCard(c, MRZOptions{}))
	c2 := *c
	c2.Holder.GivenNames = "Bianca Maria"
	err = m.CheckCard(&c2, MRZOptions{})
	require.ErrorIs(t, err, ErrMismatch)
}

func TestEncodeMRZNames(t *testing.T) {
	t.Parallel()
	c := specimenCard(t)
	tests := []struct {
		surname, given string
		u              UmlautPolicy
		want           string
	}{
		{"D'Angelo", "Maria Teresa", UmlautExpand, "DANGELO<<MARIA<TERESA<<<<<<<<<"},
		{"Müller-Lüdenscheidt", "Jürgen", UmlautExpand, "MUELLER<LUEDENSCHEIDT<<JUERGEN"},
		{"Müller-Lüdenscheidt", "Jürgen", UmlautBase, "MULLER<LUDENSCHEIDT<<JURGEN<<<"},
		{"Della Valle di Santa Croce", "Maria Antonietta", UmlautExpand, "DELLA<VALLE<DI<SANTA<CROCE<<MA"},
	}
	for _, tc := range tests {
		c.Holder.Surname, c.Holder.GivenNames = tc.surname, tc.given
		m, err := EncodeMRZ(c, MRZOptions{Umlauts: tc.u})
		require.NoError(t, err)
		l, err := m.Lines()
		require.NoError(t, err)
		assert.Equal(t, tc.want, l[2], "EncodeMRZ name line for %s, %s", tc.surname, tc.given)
		back, err := ParseMRZ(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, back)
	}
	c.Holder.Surname = "Иванов"
	_, err := EncodeMRZ(c, MRZOptions{})
	require.ErrorIs(t, err, ErrName)
	c.Holder.Surname, c.Holder.Citizenship = "Rossi", ""
	_, err = EncodeMRZ(c, MRZOptions{})
	require.ErrorIs(t, err, ErrMissing)
	c.Holder.Citizenship = "it"
	_, err = EncodeMRZ(c, MRZOptions{})
	require.ErrorIs(t, err, ErrCharacter)
}

func TestCardValidate(t *testing.T) {
	t.Parallel()
	at := date(2012, 12, 30)
	c := specimenCard(t)
	require.NoError(t, c.Validate(at))

	bad := *c
	bad.Document.Number = "CA0000OAA"
	bad.Holder.Citizenship = "DEU"
	bad.Holder.CodiceFiscale = "RSSMRA80A01H501U"
	bad.FingerprintsTaken = false
	err := bad.Validate(at)
	require.ErrorIs(t, err, ErrCharacter)
	require.ErrorIs(t, err, ErrMismatch)
	require.ErrorIs(t, err, ErrNotApplicable) // travel validity for a foreign citizen
	require.ErrorIs(t, err, ErrMissing)       // fingerprints

	minor := *c
	minor.Holder.BirthDate = date(2005, 1, 1)
	minor.Holder.CodiceFiscale = ""
	minor.OrganDonation = OrganDonationConsent
	require.ErrorIs(t, minor.Validate(at), ErrNotApplicable)
}

func TestParseANSCActID(t *testing.T) {
	t.Parallel()
	a, err := ParseANSCActID("2022-1002-10-043023")
	require.NoError(t, err)
	assert.Equal(t, ANSCActID{Year: 2022, National: 1002, Comune: 10, ISTATComune: "043023"}, a)
	assert.Equal(t, "2022-1002-10-043023", a.String())
	for _, s := range []string{"", "2022-1002-10", "22-1-1-043023", "2022-1-1-43023", "2022-a-1-043023", "2022--1-043023"} {
		_, err := ParseANSCActID(s)
		require.Error(t, err, "ParseANSCActID(%q)", s)
	}
}

func TestZeroReferenceDates(t *testing.T) {
	t.Parallel()
	_, err := MustParseMRZ("C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<").BirthDate(time.Time{})
	require.ErrorIs(t, err, ErrMissing)
	_, err = CodiceFiscale("RSSMRA80A01H501U").Decode(time.Time{})
	require.ErrorIs(t, err, ErrMissing)
	_, err = EspatrioEligible(Person{BirthDate: date(1980, 1, 1), Citizenship: "ITA"}, time.Time{}, EspatrioRequest{Declaration: ConsentGiven})
	require.ErrorIs(t, err, ErrMissing)
}
