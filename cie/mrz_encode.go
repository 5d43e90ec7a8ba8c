package cie

import (
	"errors"
	"fmt"
)

// MRZOptions configures [EncodeMRZ]. The zero value follows the Italian
// transliteration table.
type MRZOptions struct {
	// Umlauts selects Ä→AE (the default) or Ä→A, and likewise Ö, Ü, Å.
	Umlauts UmlautPolicy
}

// EncodeMRZ builds the TD1 MRZ of a CIE from c: document code "C<",
// issuing State "ITA", c.Document.Number, c.Holder.BirthDate,
// c.Holder.Sex, c.Document.ExpiryDate (years 2000-2099),
// c.Holder.Citizenship as nationality, empty optional data, and the name.
//
// Names are written per ICAO Doc 9303-3 §4.6: upper-case; accented letters
// transliterated (§6.A, Italian table by default, see [MRZOptions]);
// apostrophes dropped, joining the parts (D'ANGELO → DANGELO); spaces,
// hyphens and commas become '<'; surname and given names separated by
// "<<". A name longer than 30 positions is truncated so that position 30
// holds a letter: the surname is kept whole when it leaves room for "<<"
// and one letter of the given names, the line is cut at 30, and when the
// cut falls on a separator letters are dropped from the end of the
// preceding component instead (ICAO leaves the exact choice to the issuer).
//
// It returns a [*MRZError] (line 3 wrapping [ErrName] for a name that cannot
// be written; line 2 wrapping [ErrDate], [ErrSex], or [ErrMissing] or
// [ErrCharacter] for the nationality), or a
// [*CardNumberError] for an invalid card number.
func EncodeMRZ(c *Card, opts MRZOptions) (*MRZ, error) {
	n, err := ParseCardNumber(string(c.Document.Number))
	if err != nil {
		return nil, err
	}
	h := c.Holder
	if h.BirthDate.IsZero() {
		return nil, &MRZError{Line: 2, Pos: 1, Field: "date of birth", Err: ErrDate}
	}
	e := civilDate(c.Document.ExpiryDate)
	if c.Document.ExpiryDate.IsZero() || e.Year() < 2000 || e.Year() > 2099 {
		return nil, &MRZError{Line: 2, Pos: 9, Field: "date of expiry", Err: ErrDate}
	}
	if _, ok := mrzSex(h.Sex); !ok {
		return nil, &MRZError{Line: 2, Pos: 8, Field: "sex", Err: ErrSex}
	}
	nat := h.Citizenship
	if nat == "" {
		return nil, &MRZError{Line: 2, Pos: 16, Field: "nationality", Err: ErrMissing}
	}
	if len(nat) != 3 || mrzCheckState(nat, 2, 16) != nil {
		return nil, &MRZError{Line: 2, Pos: 16, Field: "nationality", Err: ErrCharacter}
	}
	sur, bad := translitName(h.Surname, opts.Umlauts)
	if bad != 0 || sur == "" {
		return nil, &MRZError{Line: 3, Field: "name", Err: ErrName}
	}
	given, bad := translitName(h.GivenNames, opts.Umlauts)
	if bad != 0 {
		return nil, &MRZError{Line: 3, Field: "name", Err: ErrName}
	}
	l3, err := mrzNameLine(sur, given)
	if err != nil {
		return nil, err
	}
	ps, ss := mrzSplitName(l3)
	b := civilDate(h.BirthDate)
	return &MRZ{
		DocumentCode:   "C<",
		IssuingState:   "ITA",
		DocumentNumber: string(n),
		Birth:          fmt.Sprintf("%02d%02d%02d", b.Year()%100, b.Month(), b.Day()),
		Sex:            h.Sex,
		Expiry:         fmt.Sprintf("%02d%02d%02d", e.Year()%100, e.Month(), e.Day()),
		Nationality:    nat,
		Surname:        ps,
		GivenNames:     ss,
	}, nil
}

// MRZ returns the TD1 MRZ of the card with the default options; see
// [EncodeMRZ].
func (c *Card) MRZ() (*MRZ, error) { return EncodeMRZ(c, MRZOptions{}) }

// CheckCard reports whether the MRZ matches the card: document number,
// dates of birth and expiry, sex, nationality and the name (after the same
// transliteration and truncation). It returns nil or the [*MismatchError]
// values joined with [errors.Join]; Got and Want hold the MRZ forms.
func (m *MRZ) CheckCard(c *Card, opts MRZOptions) error {
	want, err := EncodeMRZ(c, opts)
	if err != nil {
		return err
	}
	var errs []error
	cmp := func(field, got, want string) {
		if got != want {
			errs = append(errs, &MismatchError{Field: "MRZ " + field, Got: got, Want: want})
		}
	}
	cmp("document number", m.DocumentNumber, want.DocumentNumber)
	cmp("date of birth", m.Birth, want.Birth)
	cmp("date of expiry", m.Expiry, want.Expiry)
	cmp("sex", m.Sex.String(), want.Sex.String())
	cmp("nationality", m.Nationality, want.Nationality)
	cmp("surname", m.Surname, want.Surname)
	cmp("given names", m.GivenNames, want.GivenNames)
	return errors.Join(errs...)
}
