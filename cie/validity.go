package cie

import (
	"time"
)

// Dates on which the expiry rules changed.
var (
	// civilAlignmentStart is the first issue date with birthday alignment
	// (DL 9/2/2012 n. 5 art. 7, in force 10 February 2012).
	civilAlignmentStart = time.Date(2012, time.February, 10, 0, 0, 0, 0, time.UTC)
	// civilTenYearCapStart is the first issue date on which adults expire on
	// the last birthday within 10 years (EU Reg. 2019/1157 art. 4(1),
	// applied from 19 September 2022).
	civilTenYearCapStart = time.Date(2022, time.September, 19, 0, 0, 0, 0, time.UTC)
)

// LeapDayPolicy says where the birthday of a person born on 29 February
// falls in a non-leap year. No official rule was found; see [ExpiryOptions].
type LeapDayPolicy uint8

const (
	// LeapDayFeb28 puts the birthday on 28 February (the zero value).
	LeapDayFeb28 LeapDayPolicy = iota
	// LeapDayMar1 puts the birthday on 1 March.
	LeapDayMar1
)

// TermOnBirthdayPolicy says what happens to a minor's card (or an adult's
// issued from 10 February 2012 to 18 September 2022) when the 3-, 5- or
// 10-year term ends exactly on a birthday: DL 5/2012 says the card lasts to
// the birthday "immediatamente successiva" to the term, which may or may not
// include that same day.
type TermOnBirthdayPolicy uint8

const (
	// TermOnBirthdayKeep expires the card on that birthday (the zero value).
	TermOnBirthdayKeep TermOnBirthdayPolicy = iota
	// TermOnBirthdayNext expires the card on the following birthday.
	TermOnBirthdayNext
)

// ExpiryOptions configures [Expiry]. The zero value applies the rules in
// force with the defaults documented on each field.
type ExpiryOptions struct {
	// RequestDate is the date of the request, on which the age band is
	// taken. The zero value means the issue date.
	RequestDate time.Time
	// NoFingerprints selects the 12-month card issued when taking the
	// fingerprints is temporarily impossible (Reg. 2019/1157 art. 4(3)).
	// The expiry is then the issue date plus 12 months, with no birthday
	// alignment.
	NoFingerprints bool
	// LeapDay places the birthday of people born on 29 February.
	LeapDay LeapDayPolicy
	// TermOnBirthday resolves the term ending on a birthday.
	TermOnBirthday TermOnBirthdayPolicy
}

// Term returns the validity term in years for a holder aged age (in
// completed years at the request date): 3 under 3, 5 from 3 to 17, 10 from
// 18 (TULPS art. 3 as amended by DL 70/2011).
func Term(age int) int {
	switch {
	case age < 3:
		return 3
	case age < 18:
		return 5
	}
	return 10
}

// Expiry estimates the expiry date of a card issued on issue to a holder
// born on birth (both calendar dates; the result is at midnight UTC):
//
//   - with opts.NoFingerprints: issue + 12 months;
//   - issued before 10 February 2012: issue + term, no alignment;
//   - minors (age < 18 at the request date): the first birthday on or after
//     issue + term (3 or 5 years); see [TermOnBirthdayPolicy];
//   - adults issued from 19 September 2022: the last birthday on or before
//     issue + 10 years;
//   - adults issued from 10 February 2012 to 18 September 2022: the first
//     birthday on or after issue + 10 years.
//
// Adding years to 29 February gives 28 February in a non-leap year. The
// ministry's software computes the official value; treat this one as an
// estimate. Expiry returns an error wrapping [ErrDate] if birth or issue is
// zero, or if the request or issue date precedes the birth.
func Expiry(birth, issue time.Time, opts ExpiryOptions) (time.Time, error) {
	if birth.IsZero() || issue.IsZero() {
		return time.Time{}, &DateError{Field: "expiry", Err: ErrMissing}
	}
	birth, issue = civilDate(birth), civilDate(issue)
	req := issue
	if !opts.RequestDate.IsZero() {
		req = civilDate(opts.RequestDate)
	}
	if req.Before(birth) || issue.Before(birth) {
		return time.Time{}, &DateError{Field: "issue date", Err: ErrDate}
	}
	if opts.NoFingerprints {
		return civilAddMonths(issue, 12), nil
	}
	age := Age(birth, req)
	term := Term(age)
	end := civilAddYears(issue, term)
	if issue.Before(civilAlignmentStart) {
		return end, nil
	}
	if age >= 18 && !issue.Before(civilTenYearCapStart) {
		// The last birthday on or before end.
		b := birthdayIn(birth, end.Year(), opts.LeapDay)
		if b.After(end) {
			b = birthdayIn(birth, end.Year()-1, opts.LeapDay)
		}
		return b, nil
	}
	// The first birthday on or after end (or strictly after, by policy).
	b := birthdayIn(birth, end.Year(), opts.LeapDay)
	if b.Before(end) || (b.Equal(end) && opts.TermOnBirthday == TermOnBirthdayNext) {
		b = birthdayIn(birth, end.Year()+1, opts.LeapDay)
	}
	return b, nil
}

// birthdayIn returns the birthday of a person born on birth in year y.
func birthdayIn(birth time.Time, y int, p LeapDayPolicy) time.Time {
	m, d := birth.Month(), birth.Day()
	if m == time.February && d == 29 && civilDaysIn(time.February, y) == 28 {
		if p == LeapDayMar1 {
			return time.Date(y, time.March, 1, 0, 0, 0, 0, time.UTC)
		}
		d = 28
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FingerprintAge is the age from which fingerprints are taken (and from
// which the holder signs the card).
const FingerprintAge = 12

// FingerprintsRequired reports whether fingerprints must be taken from a
// holder born on birth who applies on date at: from the 12th birthday.
// Refusing them means no card; being temporarily unable to give them means
// the 12-month card ([ExpiryOptions.NoFingerprints]).
func FingerprintsRequired(birth, at time.Time) bool {
	return Age(birth, at) >= FingerprintAge
}

// RenewalWindow is how early a card may be renewed: from the 180th day
// before its expiry.
const RenewalWindow = 180

// RenewalOpen reports whether a card expiring on expiry may be renewed on
// date at (from 180 days before the expiry; also after it).
func RenewalOpen(expiry, at time.Time) bool {
	return !civilDate(at).Before(civilDate(expiry).AddDate(0, 0, -RenewalWindow))
}

// DateError reports a date that is missing or inconsistent. Field names the
// date. Err is [ErrDate] or [ErrMissing].
type DateError struct {
	Field string
	Err   error
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *DateError) Error() string { return "cie: " + e.Field + ": " + cieErrText(e.Err) }

// Unwrap returns the sentinel error.
func (e *DateError) Unwrap() error { return e.Err }
