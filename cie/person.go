package cie

import (
	"errors"
	"time"
)

// Person is the holder of a card, or any person the SDK describes.
type Person struct {
	// Surname and GivenNames are written as on the civil-status record,
	// with accents and apostrophes ("D'Angelo", "Nicolò"); several given
	// names are separated by spaces.
	Surname, GivenNames string
	// Sex is required for a codice fiscale and an MRZ.
	Sex Sex
	// BirthDate is the calendar date of birth at midnight UTC.
	BirthDate time.Time
	// BirthPlace is the comune or foreign state of birth, as valid on the
	// birth date (see [LookupPlace]).
	BirthPlace Place
	// CodiceFiscale is the tax code, if known.
	CodiceFiscale CodiceFiscale
	// Citizenship is the ISO 3166-1 alpha-3 code of the citizenship, as in
	// the MRZ nationality field: "ITA" for Italians. The zero value is
	// unknown and is rejected where a citizenship is needed.
	Citizenship string
}

// Italian reports whether the person is an Italian citizen.
func (p Person) Italian() bool { return p.Citizenship == "ITA" }

// Age returns the person's age in completed years on date at.
func (p Person) Age(at time.Time) int { return Age(p.BirthDate, at) }

// Minor reports whether the person is under 18 on date at.
func (p Person) Minor(at time.Time) bool { return Age(p.BirthDate, at) < 18 }

// Card is the content of a CIE 3.0: what is printed, what the chip holds,
// and what the comune records at issuance.
type Card struct {
	Holder   Person
	Document Document
	// Height is the holder's height in centimetres; 0 when not recorded.
	Height int
	// Residence is the address of residence; AIREComune the comune of
	// registration of an Italian resident abroad, "" otherwise.
	Residence  Address
	AIREComune string
	// Parents are printed for minors on request.
	Parents []Parent
	// OrganDonation is the adult holder's choice.
	OrganDonation OrganDonation
	// BirthAct is the birth-act reference printed in zone 21 of the back:
	// a legacy reference, or an ANSC national identifier (see
	// [ParseANSCActID]).
	BirthAct string
	// FingerprintsTaken records whether fingerprints were taken (required
	// from age 12; see [FingerprintsRequired]).
	FingerprintsTaken bool
}

// Validate checks the consistency of a card on date at (normally the issue
// date) and returns every problem found, joined with [errors.Join], or nil:
// card number syntax, dates (birth ≤ issue < expiry), sex, a codice fiscale
// that belongs to the holder, organ-donation choice only for adults,
// fingerprints from age 12, travel validity never for foreign citizens.
// Each joined error wraps one of the package sentinels.
func (c *Card) Validate(at time.Time) error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	h := c.Holder
	if _, err := ParseCardNumber(string(c.Document.Number)); err != nil || !c.Document.Number.Valid() {
		if err == nil {
			err = &CardNumberError{Err: ErrCharacter}
		}
		add(err)
	}
	if !h.Sex.Valid() {
		add(&FieldError{Field: "sex", Err: ErrSex})
	}
	if h.Surname == "" && h.GivenNames == "" {
		add(&FieldError{Field: "name", Err: ErrName})
	}
	if h.BirthDate.IsZero() {
		add(&DateError{Field: "birth date", Err: ErrMissing})
	} else if !c.Document.IssueDate.IsZero() && c.Document.IssueDate.Before(civilDate(h.BirthDate)) {
		add(&DateError{Field: "issue date", Err: ErrDate})
	}
	if c.Document.IssueDate.IsZero() {
		add(&DateError{Field: "issue date", Err: ErrMissing})
	}
	if c.Document.ExpiryDate.IsZero() {
		add(&DateError{Field: "expiry date", Err: ErrMissing})
	} else if !c.Document.ExpiryDate.After(c.Document.IssueDate) {
		add(&DateError{Field: "expiry date", Err: ErrDate})
	}
	if h.CodiceFiscale != "" {
		add(h.CodiceFiscale.Check(h))
	}
	if c.OrganDonation != OrganDonationNone && h.Minor(at) {
		add(&FieldError{Field: "organ donation", Err: ErrNotApplicable})
	}
	if c.OrganDonation > OrganDonationRefusal {
		add(&FieldError{Field: "organ donation", Err: ErrMissing})
	}
	if !c.FingerprintsTaken && !h.BirthDate.IsZero() && FingerprintsRequired(h.BirthDate, at) {
		// Allowed only for the 12-month card.
		if !c.Document.IssueDate.IsZero() && !c.Document.ExpiryDate.IsZero() &&
			c.Document.ExpiryDate.After(civilAddMonths(civilDate(c.Document.IssueDate), 12)) {
			add(&FieldError{Field: "fingerprints", Err: ErrMissing})
		}
	}
	if c.Document.ValidForTravel && h.Citizenship != "ITA" {
		add(&FieldError{Field: "travel validity", Err: ErrNotApplicable})
	}
	return errors.Join(errs...)
}
