package cie

import (
	"errors"
	"strings"
	"time"
)

// FindingKind classifies a [Finding].
type FindingKind uint8

const (
	// FindingPlaceOutOfPeriod: the birthplace code is a real code, but no
	// record of it is valid on the birth date: the comune was instituted
	// later (I603 SENALE-SAN FELICE, from 1974, on a 1951 birth) or had
	// ceased (I560 SECONDIGLIANO, until 1926, on a 1963 birth). Such codes
	// are issued and are the holder's legal identifier, so the data is
	// valid; the finding's Place is the record nearest the birth date, and
	// its From and To are the period in which the code was valid.
	FindingPlaceOutOfPeriod FindingKind = iota + 1
	// FindingOmocodia: the codice fiscale carries omocodia letters (the
	// Agenzia delle Entrate changed digits to letters to tell it from an
	// identical code); OmocodiaMask says which.
	FindingOmocodia
	// FindingCeasedState: the place of birth is a foreign state that has
	// ceased since (Z105 CECOSLOVACCHIA, until 1992-12-31): valid on the
	// birth date, but not a country of today, so a form may need the
	// successor state. Place is the state's record.
	FindingCeasedState
)

// String returns "place out of period", "omocodia" or "ceased state".
func (k FindingKind) String() string {
	switch k {
	case FindingPlaceOutOfPeriod:
		return "place out of period"
	case FindingOmocodia:
		return "omocodia"
	case FindingCeasedState:
		return "ceased state"
	}
	return "unknown finding"
}

// Finding is a fact about valid data that an application may want to act
// on: a warning, not an error. Validation functions return findings next
// to their error, which is reserved for invalid data (a wrong check
// character, an impossible date, an unknown code), so that an
// application can accept the data and still show the officer what is odd.
type Finding struct {
	Kind FindingKind
	// Field names what the finding is about: "codice fiscale place",
	// "birth place", "codice fiscale".
	Field string
	// Code is the Belfiore code concerned (place findings).
	Code string
	// Date is the birth date the code was checked on (place findings); it
	// is personal data, so String does not print it.
	Date time.Time
	// Place is, for FindingPlaceOutOfPeriod, the record of Code nearest to
	// Date, and for FindingCeasedState the state's record valid on Date.
	Place Place
	// From and To are, for FindingPlaceOutOfPeriod, the span in which the
	// code was valid over all its records (D244 DAIRAGO: from 1958-01-22,
	// To zero as it is still valid); gaps between records, if any, are
	// not shown here ([PlaceHistory] lists them).
	From, To time.Time
	// OmocodiaMask is [CodiceFiscale.OmocodiaMask], for FindingOmocodia.
	OmocodiaMask uint8
}

// String describes the finding without personal data, e.g. "codice
// fiscale place: code I603 not valid on the birth date; valid from
// 1974-09-18, nearest record SENALE-SAN FELICE (BZ)".
func (f Finding) String() string {
	var b strings.Builder
	if f.Field != "" {
		b.WriteString(f.Field)
		b.WriteString(": ")
	}
	switch f.Kind {
	case FindingPlaceOutOfPeriod:
		b.WriteString("code " + f.Code + " not valid on the birth date; valid ")
		b.WriteString(periodString(f.From, f.To))
		b.WriteString(", nearest record " + f.Place.String())
	case FindingOmocodia:
		b.WriteString("omocodia letters in the digit positions")
	case FindingCeasedState:
		b.WriteString(f.Place.String() + " (" + f.Code + ") ceased after " + f.Place.To.Format(time.DateOnly))
	default:
		b.WriteString(f.Kind.String())
	}
	return b.String()
}

// periodString renders "from 1974-09-18", "from 1861-03-17 to
// 1926-07-03".
func periodString(from, to time.Time) string {
	s := "from " + from.Format(time.DateOnly)
	if !to.IsZero() {
		s += " to " + to.Format(time.DateOnly)
	}
	return s
}

// placeFindings checks a birthplace code on the birth date in table t: an
// unknown code is an error (a *PlaceError wrapping [ErrUnknownPlace]); a
// code not valid then is a FindingPlaceOutOfPeriod with the nearest
// record; a foreign state ceased by ref is a FindingCeasedState. It
// returns the record valid on birth, or the nearest one.
func (t *PlaceTable) placeFindings(field, code string, birth, ref time.Time) (Place, []Finding, error) {
	p, err := t.LookupPlace(code, birth)
	if err != nil {
		pe, ok := errors.AsType[*PlaceError](err)
		if !ok || !errors.Is(err, ErrPlaceNotValid) {
			return Place{}, nil, err
		}
		f := Finding{Kind: FindingPlaceOutOfPeriod, Field: field, Code: pe.Nearest.Code, Date: dateOf(birth), Place: pe.Nearest}
		if r := t.byCode[pe.Nearest.Code]; r[1] > 0 {
			f.From = t.place(r[0]).From
			f.To = t.place(r[1] - 1).To
		}
		return pe.Nearest, []Finding{f}, nil
	}
	if p.Foreign && !p.To.IsZero() && !ref.IsZero() && p.To.Before(dateOf(ref)) {
		return p, []Finding{{Kind: FindingCeasedState, Field: field, Code: p.Code, Date: dateOf(birth), Place: p}}, nil
	}
	return p, nil, nil
}

// Review checks the card on date at (normally the issue date) as
// [Card.Validate] does, and also the holder's birthplace against the
// embedded place tables; it separates what is invalid (the error) from
// what is valid but worth a look (the findings):
//
//   - a birthplace code that no record has is an error: a [*FieldError]
//     for "birth place" wrapping the [*PlaceError] (and so
//     [ErrUnknownPlace]);
//   - a code not valid on the birth date is a [FindingPlaceOutOfPeriod]
//     with the nearest record and its period;
//   - a foreign state of birth ceased by at is a [FindingCeasedState];
//   - a codice fiscale with omocodia letters is a [FindingOmocodia].
//
// Use [Card.ReviewWith] for a table loaded at run time.
func (c *Card) Review(at time.Time) ([]Finding, error) { return c.ReviewWith(places(), at) }

// ReviewWith is [Card.Review] with the place table t.
func (c *Card) ReviewWith(t *PlaceTable, at time.Time) ([]Finding, error) {
	var errs []error
	if err := c.Validate(at); err != nil {
		errs = append(errs, err)
	}
	h := c.Holder
	var findings []Finding
	if h.BirthPlace.Code != "" && !h.BirthDate.IsZero() {
		_, f, err := t.placeFindings("birth place", h.BirthPlace.Code, civilDate(h.BirthDate), at)
		if err != nil {
			errs = append(errs, &FieldError{Field: "birth place", Err: err})
		}
		findings = append(findings, f...)
	}
	if h.CodiceFiscale.Valid() {
		if m := h.CodiceFiscale.OmocodiaMask(); m != 0 {
			findings = append(findings, Finding{Kind: FindingOmocodia, Field: "codice fiscale", OmocodiaMask: m})
		}
	}
	return findings, errors.Join(errs...)
}
