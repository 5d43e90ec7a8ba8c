package cie

import "time"

// civilDate returns the calendar date of t (in t's own location) as a
// time.Time at midnight UTC, the form every date of this package takes.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// civilDaysIn returns the number of days of month m in year y.
func civilDaysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// civilValid reports whether y-m-d is a real calendar date.
func civilValid(y, m, d int) bool {
	return m >= 1 && m <= 12 && d >= 1 && d <= civilDaysIn(time.Month(m), y)
}

// civilAddYears adds n years to t, clamping 29 February to 28 February in a
// non-leap target year (time.AddDate would roll over to 1 March).
func civilAddYears(t time.Time, n int) time.Time {
	return civilAddMonths(t, 12*n)
}

// civilAddMonths adds n months to t, clamping the day to the end of the
// target month.
func civilAddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := int(m) - 1 + n
	y += total / 12
	mm := total % 12
	if mm < 0 {
		mm += 12
		y--
	}
	month := time.Month(mm + 1)
	if md := civilDaysIn(month, y); d > md {
		d = md
	}
	return time.Date(y, month, d, 0, 0, 0, 0, time.UTC)
}

// Age returns the age in completed years, on date at, of a person born on
// birth. The anniversary of a 29 February birth is 1 March in non-leap
// years (the person turns one year older once 28 February is over). Both
// dates are taken as calendar dates; Age returns a negative number if at is
// before birth.
func Age(birth, at time.Time) int {
	by, bm, bd := birth.Date()
	ay, am, ad := at.Date()
	age := ay - by
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return age
}
