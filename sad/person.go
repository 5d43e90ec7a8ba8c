package sad

import (
	"fmt"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// Person converts the subject into a [cie.Person], the input of the card
// data (MRZ, codice fiscale checks): the ISTAT birth place becomes the
// cie.Place valid on the birth date, the first citizenship its ISO 3166-1
// alpha-3 code ("ITA" for ISTAT 100), Sex a cie.Sex, and the codice fiscale
// is parsed by cie. It returns an error wrapping cie.ErrUnknownPlace for an
// ISTAT code that the ANPR tables do not know at that date, or the cie
// parsing error.
func (s *Subject) Person() (cie.Person, error) {
	p := cie.Person{Surname: s.Surname, GivenNames: s.GivenNames, BirthDate: s.BirthDate}
	switch s.Sex {
	case "M":
		p.Sex = cie.SexMale
	case "F":
		p.Sex = cie.SexFemale
	default:
		return cie.Person{}, fmt.Errorf("%w: sex", ErrInvalidValue)
	}
	var err error
	switch {
	case s.BirthComune != nil:
		p.BirthPlace, err = placeByISTAT(s.BirthComune.IstatCode, false, s.BirthDate)
	case s.BirthState != nil:
		p.BirthPlace, err = placeByISTAT(s.BirthState.IstatCode, true, s.BirthDate)
	default:
		err = fmt.Errorf("%w: no birth place", ErrMissingElement)
	}
	if err != nil {
		return cie.Person{}, err
	}
	if len(s.Citizenships) > 0 {
		c := s.Citizenships[0].IstatCode
		if c == "100" {
			p.Citizenship = "ITA"
		} else {
			st, err := placeByISTAT(c, true, time.Time{})
			if err != nil {
				return cie.Person{}, fmt.Errorf("citizenship: %w", err)
			}
			p.Citizenship = st.ISO3166
		}
	}
	if s.CodiceFiscale != "" && len(s.CodiceFiscale) == 16 {
		if p.CodiceFiscale, err = cie.ParseCodiceFiscale(s.CodiceFiscale); err != nil {
			return cie.Person{}, err
		}
	}
	return p, nil
}

// placeByISTAT finds the comune (6 digits) or foreign state (3 digits) with
// the ISTAT code, valid at the date; a zero date takes the latest record.
func placeByISTAT(code string, foreign bool, at time.Time) (cie.Place, error) {
	seq := cie.Comuni()
	if foreign {
		seq = cie.ForeignStates()
	}
	var best cie.Place
	found := false
	for p := range seq {
		if p.ISTAT != code {
			continue
		}
		if !at.IsZero() {
			if p.ValidAt(at) {
				return p, nil
			}
			continue
		}
		if !found || p.To.IsZero() || (!best.To.IsZero() && p.To.After(best.To)) {
			best, found = p, true
		}
	}
	if found {
		return best, nil
	}
	return cie.Place{}, fmt.Errorf("%w: ISTAT %s", cie.ErrUnknownPlace, code)
}
