package cie

import (
	"errors"
	"fmt"
	"time"
)

// ComputeCodiceFiscale computes the base (non-omocodic) codice fiscale of p
// from p.Surname, p.GivenNames, p.Sex (male or female), p.BirthDate and
// p.BirthPlace.Code (DM Finanze 23/12/1976):
//
//   - names are transliterated with the Italian table (Ü→UE, ß→SS; accents
//     dropped) and apostrophes and spaces removed; the surname takes its
//     consonants, then its vowels, then X; the given names the same, except
//     that with 4 or more consonants they take the 1st, 3rd and 4th;
//   - year (2 digits), month letter (ABCDEHLMPRST), day (+40 for women);
//   - the Belfiore code, which must be valid on the birth date
//     ([LookupPlace]); then the check character.
//
// Only the Agenzia delle Entrate assigns codes: the computed code may
// differ from the real one by omocodia. Errors: a [*FieldError] wrapping
// [ErrName], [ErrSex] or [ErrMissing]; a [*DateError]; or a
// [*CodiceFiscaleError] for field "place" wrapping the [*PlaceError] of
// [LookupPlace]. A place not valid on the birth date is refused here, as a
// computed code would be a guess ([PlaceError.Nearest] names the record
// nearest the date), while [CodiceFiscale.Decode] accepts an issued code
// with such a place, with a finding.
func ComputeCodiceFiscale(p Person) (CodiceFiscale, error) {
	cf, err := cfCompute(p.Surname, p.GivenNames, p.Sex, p.BirthDate, p.BirthPlace.Code)
	if err != nil {
		return "", err
	}
	if _, err := LookupPlace(p.BirthPlace.Code, civilDate(p.BirthDate)); err != nil {
		return "", &CodiceFiscaleError{Pos: 12, Field: "place", Err: err}
	}
	return cf, nil
}

// BirthCandidate is one reading of the date and place of birth of a codice
// fiscale: a century for the two-digit year, and the place the code denoted
// on that date.
type BirthCandidate struct {
	Date  time.Time
	Place Place
	// OutOfPeriod is true when no record of the code was valid on Date:
	// Place is then the record nearest to Date, and Findings of the
	// [CodiceFiscaleInfo] has a [FindingPlaceOutOfPeriod] for it.
	OutOfPeriod bool
}

// CodiceFiscaleInfo is what a codice fiscale says about its holder.
type CodiceFiscaleInfo struct {
	// SurnameCode and NameCode are the two 3-letter triplets.
	SurnameCode, NameCode string
	// Sex is SexMale or SexFemale.
	Sex Sex
	// Year is the two-digit year; Month and Day the month and day of birth.
	Year  int
	Month time.Month
	Day   int
	// PlaceCode is the Belfiore code, omocodia letters decoded.
	PlaceCode string
	// OmocodiaMask is [CodiceFiscale.OmocodiaMask].
	OmocodiaMask uint8
	// Candidates are the possible births, most recent first: each century
	// (within 150 years before the reference date, not after it) in which
	// the date exists and the place code was valid. Usually there is one;
	// two when the place existed in both centuries and the holder could be
	// over 100. When the code was valid in none of them, every century in
	// which the date exists is a candidate, with OutOfPeriod set and the
	// place nearest to that date.
	Candidates []BirthCandidate
	// Findings are what is valid but odd: [FindingOmocodia],
	// [FindingPlaceOutOfPeriod] (one per out-of-period candidate),
	// [FindingCeasedState] (a foreign state of birth ceased before the
	// reference date). Nil when there is nothing to report.
	Findings []Finding
}

// Decode validates cf as [ParseCodiceFiscale] does and decodes it,
// resolving the century and the place of birth as of the reference date at
// (normally today; births after at are excluded), with the embedded place
// tables.
//
// Invalid and odd are kept apart. It returns a [*CodiceFiscaleError] only
// for invalid codes: from parsing; for field "year" wrapping [ErrDate]
// when the date exists in no allowed century; or for field "place"
// wrapping the [*PlaceError] of [LookupPlace] ([ErrUnknownPlace]) when no
// record at any date has the place code. A real code that was not valid
// on the birth date (I603 SENALE-SAN FELICE, instituted 1974, in a code of
// 1951) is valid with a [FindingPlaceOutOfPeriod] and the place nearest
// the birth date: such codes were issued and are the holder's identifier.
// Omocodia and a ceased foreign state are findings too (see
// [CodiceFiscaleInfo.Findings]). A zero at is a [*DateError] wrapping
// [ErrMissing].
func (cf CodiceFiscale) Decode(at time.Time) (*CodiceFiscaleInfo, error) {
	return places().DecodeCodiceFiscale(cf, at)
}

// DecodeCodiceFiscale is [CodiceFiscale.Decode] with table t.
func (t *PlaceTable) DecodeCodiceFiscale(cf CodiceFiscale, at time.Time) (*CodiceFiscaleInfo, error) {
	if at.IsZero() {
		return nil, &DateError{Field: "reference date", Err: ErrMissing}
	}
	p, err := ParseCodiceFiscale(string(cf))
	if err != nil {
		return nil, err
	}
	b := []byte(p.Base())
	yy, month, day, sex := cfDateParts(b)
	info := &CodiceFiscaleInfo{
		SurnameCode:  string(b[0:3]),
		NameCode:     string(b[3:6]),
		Sex:          sex,
		Year:         yy,
		Month:        month,
		Day:          day,
		PlaceCode:    string(b[11:15]),
		OmocodiaMask: p.OmocodiaMask(),
	}
	at = civilDate(at)
	oldest := civilAddYears(at, -150)
	var dates []time.Time
	for y := at.Year()/100*100 + yy; y >= oldest.Year()-1; y -= 100 {
		if !civilValid(y, int(month), day) {
			continue
		}
		d := time.Date(y, month, day, 0, 0, 0, 0, time.UTC)
		if d.After(at) || d.Before(oldest) {
			continue
		}
		dates = append(dates, d)
	}
	if len(dates) == 0 {
		return nil, &CodiceFiscaleError{Pos: 7, Field: "year", Err: ErrDate}
	}
	var odd []BirthCandidate
	var oddFindings []Finding
	for _, d := range dates {
		pl, f, err := t.placeFindings("codice fiscale place", info.PlaceCode, d, at)
		if err != nil {
			return nil, &CodiceFiscaleError{Pos: 12, Field: "place", Err: err} // unknown code
		}
		if len(f) > 0 && f[0].Kind == FindingPlaceOutOfPeriod {
			odd = append(odd, BirthCandidate{Date: d, Place: pl, OutOfPeriod: true})
			oddFindings = append(oddFindings, f...)
			continue
		}
		info.Candidates = append(info.Candidates, BirthCandidate{Date: d, Place: pl})
		info.Findings = append(info.Findings, f...)
	}
	if len(info.Candidates) == 0 {
		info.Candidates, info.Findings = odd, oddFindings
	}
	if info.OmocodiaMask != 0 {
		info.Findings = append([]Finding{{Kind: FindingOmocodia, Field: "codice fiscale", OmocodiaMask: info.OmocodiaMask}}, info.Findings...)
	}
	return info, nil
}

// Check reports whether cf is consistent with p: the surname and name
// triplets, the birth date (two-digit year, month, day), the sex and the
// Belfiore code of p.BirthPlace (when set), comparing omocodia forms as
// equal. It returns nil, the error of [ParseCodiceFiscale], or the
// [*MismatchError] values joined with [errors.Join] (each wraps
// [ErrMismatch]). Only computable parts are compared: a person whose names
// cannot be transliterated fails with a [*FieldError].
func (cf CodiceFiscale) Check(p Person) error {
	c, err := ParseCodiceFiscale(string(cf))
	if err != nil {
		return err
	}
	b := []byte(c.Base())
	var errs []error
	if sur, ok := cfTriplet(p.Surname, false); !ok {
		errs = append(errs, &FieldError{Field: "surname", Err: ErrName})
	} else if sur != string(b[0:3]) {
		errs = append(errs, &MismatchError{Field: "codice fiscale surname", Got: string(b[0:3]), Want: sur})
	}
	if name, ok := cfTriplet(p.GivenNames, true); !ok {
		errs = append(errs, &FieldError{Field: "given names", Err: ErrName})
	} else if name != string(b[3:6]) {
		errs = append(errs, &MismatchError{Field: "codice fiscale name", Got: string(b[3:6]), Want: name})
	}
	yy, month, day, sex := cfDateParts(b)
	if !p.BirthDate.IsZero() {
		bd := civilDate(p.BirthDate)
		if bd.Year()%100 != yy || bd.Month() != month || bd.Day() != day {
			errs = append(errs, &MismatchError{Field: "codice fiscale birth date",
				Got:  fmt.Sprintf("%02d-%02d-%02d", yy, month, day),
				Want: fmt.Sprintf("%02d-%02d-%02d", bd.Year()%100, bd.Month(), bd.Day())})
		}
	}
	if (p.Sex == SexMale || p.Sex == SexFemale) && p.Sex != sex {
		errs = append(errs, &MismatchError{Field: "codice fiscale sex", Got: sex.String(), Want: p.Sex.String()})
	}
	if p.BirthPlace.Code != "" && p.BirthPlace.Code != string(b[11:15]) {
		errs = append(errs, &MismatchError{Field: "codice fiscale place", Got: string(b[11:15]), Want: p.BirthPlace.Code})
	}
	return errors.Join(errs...)
}
