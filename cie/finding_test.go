package cie

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The birthplace cases of issue 16: real codes of real comuni on birth
// dates outside the archive's records of them (ANPR_archivio_comuni.csv
// rows cited). They are valid codes with a finding, and decoding returns
// the record nearest the birth date.
var outOfPeriodCases = []struct {
	name       string
	code       string
	birth      time.Time
	wantName   string
	from, to   time.Time // the nearest record
	spanTo     time.Time // end of the code's validity over all records
	wantBefore bool      // the birth date is before the period (else after)
}{
	// I603 SENALE-SAN FELICE (BZ), ID 9349: 1974-09-18 to today.
	{"I603/1951", "I603", date(1951, 6, 1), "SENALE-SAN FELICE", date(1974, 9, 18), time.Time{}, time.Time{}, true},
	// I560 SECONDIGLIANO (NA), ID 9301: 1861-03-17 to 1926-07-03.
	{"I560/1963", "I560", date(1963, 3, 15), "SECONDIGLIANO", date(1861, 3, 17), date(1926, 7, 3), date(1926, 7, 3), false},
	// D244 DAIRAGO (MI): IDs 16535, 16536, 3505; the first from 1958-01-22.
	{"D244/1956", "D244", date(1956, 12, 2), "DAIRAGO", date(1958, 1, 22), date(1978, 2, 11), time.Time{}, true},
}

func TestDecodeOutOfPeriod(t *testing.T) {
	t.Parallel()
	today := date(2026, 11, 23)
	for _, tc := range outOfPeriodCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cf, err := cfCompute("Rossi", "Maria", SexFemale, tc.birth, tc.code)
			require.NoError(t, err)
			_, err = LookupPlace(tc.code, tc.birth)
			require.ErrorIs(t, err, ErrPlaceNotValid, "the case needs a code not valid on the date")
			pe, _ := errors.AsType[*PlaceError](err)
			assert.Equal(t, tc.from, pe.Nearest.From, "LookupPlace(%s, %v).Nearest", tc.code, tc.birth)

			info, err := cf.Decode(today)
			require.NoError(t, err, "Decode(%s)", cf)
			require.Len(t, info.Candidates, 1, "Decode(%s)", cf)
			c := info.Candidates[0]
			assert.Equal(t, tc.birth, c.Date)
			assert.True(t, c.OutOfPeriod, "Decode(%s).Candidates[0].OutOfPeriod", cf)
			assert.Equal(t, tc.wantName, c.Place.Name)
			assert.Equal(t, tc.from, c.Place.From)
			assert.Equal(t, tc.to, c.Place.To)
			assert.Equal(t, tc.wantBefore, tc.birth.Before(c.Place.From))
			require.Len(t, info.Findings, 1)
			f := info.Findings[0]
			assert.Equal(t, FindingPlaceOutOfPeriod, f.Kind)
			assert.Equal(t, c.Place, f.Place)
			assert.Equal(t, tc.birth, f.Date)
			assert.Equal(t, tc.from, f.From, "Finding.From: the code's first day")
			assert.Equal(t, tc.spanTo, f.To, "Finding.To: the code's last day over all records")
			assert.Contains(t, f.String(), "code "+tc.code+" not valid on the birth date")
			assert.NotContains(t, f.String(), tc.birth.Format(time.DateOnly), "no birth date in the text")

			// Every omocodic form decodes alike, with the omocodia finding first.
			om := cf.omocode(0b1010101)
			info, err = om.Decode(today)
			require.NoError(t, err)
			require.Len(t, info.Findings, 2)
			assert.Equal(t, FindingOmocodia, info.Findings[0].Kind)
			assert.Equal(t, uint8(0b1010101), info.Findings[0].OmocodiaMask)
			assert.Equal(t, FindingPlaceOutOfPeriod, info.Findings[1].Kind)

			// The same with a table loaded at run time.
			if tab := loadSharedOrSkip(t); tab != nil {
				info2, err := tab.DecodeCodiceFiscale(cf, today)
				require.NoError(t, err)
				assert.Equal(t, c, info2.Candidates[0])
			}
		})
	}
}

func loadSharedOrSkip(t *testing.T) *PlaceTable {
	t.Helper()
	tab, err := ReadANPRDir(sharedANPR(t))
	require.NoError(t, err)
	return tab
}

func TestDecodeFindings(t *testing.T) {
	t.Parallel()
	today := date(2026, 11, 23)
	// Invalid stays invalid: an unknown code, a wrong check character.
	cf, err := cfCompute("Rossi", "Mario", SexMale, date(1980, 1, 1), "Z999")
	require.NoError(t, err)
	_, err = cf.Decode(today)
	require.ErrorIs(t, err, ErrUnknownPlace)
	_, err = CodiceFiscale("RSSMRA80A01H501A").Decode(today)
	require.ErrorIs(t, err, ErrCheckCharacter)

	// A ceased foreign state (Z105 CECOSLOVACCHIA until 1992-12-31).
	cf, err = cfCompute("Novak", "Jan", SexMale, date(1980, 5, 4), "Z105")
	require.NoError(t, err)
	info, err := cf.Decode(today)
	require.NoError(t, err)
	require.Len(t, info.Findings, 1)
	assert.Equal(t, FindingCeasedState, info.Findings[0].Kind)
	assert.Equal(t, date(1992, 12, 31), info.Findings[0].Place.To)
	assert.Equal(t, "codice fiscale place: CECOSLOVACCHIA (Z105) ceased after 1992-12-31", info.Findings[0].String())
	// ... but not when decoded as of a date it still existed.
	info, err = cf.Decode(date(1990, 1, 1))
	require.NoError(t, err)
	assert.Empty(t, info.Findings)

	// Nothing to report.
	info, err = CodiceFiscale("RSSMRA80A01H501U").Decode(today)
	require.NoError(t, err)
	assert.Nil(t, info.Findings)
	assert.False(t, info.Candidates[0].OutOfPeriod)

	// Gallico (D877, ceased 1927) in a code of year 07: 1907 is in
	// period, so 2007 (out of period) is not offered.
	info, err = CodiceFiscale("MCHFDA07A01D877A").Decode(today)
	require.NoError(t, err)
	require.Len(t, info.Candidates, 1)
	assert.False(t, info.Candidates[0].OutOfPeriod)
}

func TestCardReview(t *testing.T) {
	t.Parallel()
	issue := date(2026, 11, 23)
	card := func(code string, birth time.Time) *Card {
		pl := Place{Code: code}
		h := Person{Surname: "Rossi", GivenNames: "Maria", Sex: SexFemale, BirthDate: birth, BirthPlace: pl, Citizenship: "ITA"}
		cf, err := cfCompute(h.Surname, h.GivenNames, h.Sex, birth, code)
		require.NoError(t, err)
		h.CodiceFiscale = cf
		return &Card{Holder: h, Document: Document{Number: "CA00000AA", IssueDate: issue, ExpiryDate: date(2036, 11, 23)},
			FingerprintsTaken: true}
	}
	f, err := card("H501", date(1980, 1, 1)).Review(issue)
	require.NoError(t, err)
	assert.Empty(t, f)

	f, err = card("I603", date(1951, 6, 1)).Review(issue)
	require.NoError(t, err, "an out-of-period birthplace is valid")
	require.Len(t, f, 1)
	assert.Equal(t, FindingPlaceOutOfPeriod, f[0].Kind)
	assert.Equal(t, "birth place", f[0].Field)
	assert.Equal(t, "SENALE-SAN FELICE", f[0].Place.Name)

	c := card("H501", date(1980, 1, 1))
	c.Holder.CodiceFiscale = c.Holder.CodiceFiscale.omocode(1)
	f, err = c.Review(issue)
	require.NoError(t, err)
	require.Len(t, f, 1)
	assert.Equal(t, FindingOmocodia, f[0].Kind)

	c = card("Z999", date(1980, 1, 1))
	_, err = c.Review(issue)
	require.ErrorIs(t, err, ErrUnknownPlace, "an unknown birthplace is invalid")
	fe, ok := errors.AsType[*FieldError](err)
	require.True(t, ok)
	assert.Equal(t, "birth place", fe.Field)

	f, err = card("Z105", date(1980, 5, 4)).Review(issue)
	require.NoError(t, err)
	require.Len(t, f, 1)
	assert.Equal(t, FindingCeasedState, f[0].Kind)
}
