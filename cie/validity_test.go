package cie

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		birth, issue time.Time
		opts         ExpiryOptions
		want         time.Time
	}{
		{"adult since 2022-09-19: last birthday before 10y", date(1980, 6, 10), date(2023, 3, 15), ExpiryOptions{}, date(2032, 6, 10)},
		{"adult 2012-2022: first birthday after 10y", date(1980, 6, 10), date(2020, 3, 15), ExpiryOptions{}, date(2030, 6, 10)},
		{"adult on 2022-09-18 (old rule)", date(1980, 6, 10), date(2022, 9, 18), ExpiryOptions{}, date(2033, 6, 10)},
		{"adult on 2022-09-19 (new rule)", date(1980, 6, 10), date(2022, 9, 19), ExpiryOptions{}, date(2032, 6, 10)},
		{"minor 5 years", date(2018, 6, 10), date(2023, 3, 15), ExpiryOptions{}, date(2028, 6, 10)},
		{"infant 3 years", date(2022, 1, 20), date(2023, 3, 15), ExpiryOptions{}, date(2027, 1, 20)},
		{"17 years old gets 5", date(2005, 6, 1), date(2023, 3, 15), ExpiryOptions{}, date(2028, 6, 1)},
		{"18th birthday gets 10", date(2005, 3, 15), date(2023, 3, 15), ExpiryOptions{}, date(2033, 3, 15)},
		{"minor term on birthday, keep", date(2018, 3, 15), date(2023, 3, 15), ExpiryOptions{}, date(2028, 3, 15)},
		{"minor term on birthday, next", date(2018, 3, 15), date(2023, 3, 15), ExpiryOptions{TermOnBirthday: TermOnBirthdayNext}, date(2029, 3, 15)},
		{"adult term on birthday", date(1980, 3, 15), date(2023, 3, 15), ExpiryOptions{TermOnBirthday: TermOnBirthdayNext}, date(2033, 3, 15)},
		{"29 Feb adult, Feb 28", date(2004, 2, 29), date(2023, 3, 1), ExpiryOptions{}, date(2033, 2, 28)},
		{"29 Feb adult, Mar 1", date(2004, 2, 29), date(2023, 3, 1), ExpiryOptions{LeapDay: LeapDayMar1}, date(2033, 3, 1)},
		{"29 Feb minor, Feb 28", date(2012, 2, 29), date(2023, 3, 1), ExpiryOptions{}, date(2029, 2, 28)},
		{"29 Feb minor, Mar 1", date(2012, 2, 29), date(2023, 3, 1), ExpiryOptions{LeapDay: LeapDayMar1}, date(2029, 3, 1)},
		{"29 Feb minor into leap year", date(2012, 2, 29), date(2023, 2, 20), ExpiryOptions{}, date(2028, 2, 29)},
		{"no fingerprints: 12 months", date(1980, 6, 10), date(2023, 3, 15), ExpiryOptions{NoFingerprints: true}, date(2024, 3, 15)},
		{"no fingerprints from 29 Feb", date(1980, 6, 10), date(2024, 2, 29), ExpiryOptions{NoFingerprints: true}, date(2025, 2, 28)},
		{"before 2012: no alignment", date(1980, 6, 10), date(2010, 5, 5), ExpiryOptions{}, date(2020, 5, 5)},
		{"age band at request date", date(2020, 3, 20), date(2023, 3, 25), ExpiryOptions{RequestDate: date(2023, 3, 10)}, date(2027, 3, 20)},
		{"age band at issue date", date(2020, 3, 20), date(2023, 3, 25), ExpiryOptions{}, date(2029, 3, 20)},
		{"non-UTC input", time.Date(1980, 6, 10, 23, 0, 0, 0, time.FixedZone("CET", 3600)), date(2023, 3, 15), ExpiryOptions{}, date(2032, 6, 10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Expiry(tc.birth, tc.issue, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "Expiry(%s, %s)", tc.birth.Format(time.DateOnly), tc.issue.Format(time.DateOnly))
			if !tc.opts.NoFingerprints {
				assert.LessOrEqual(t, got.Sub(tc.issue), 11*366*24*time.Hour)
			}
		})
	}
}

func TestExpiryErrors(t *testing.T) {
	t.Parallel()
	_, err := Expiry(time.Time{}, date(2023, 1, 1), ExpiryOptions{})
	require.ErrorIs(t, err, ErrMissing)
	_, err = Expiry(date(2024, 1, 1), date(2023, 1, 1), ExpiryOptions{})
	require.ErrorIs(t, err, ErrDate)
}

// The adult rule since 2022-09-19 never exceeds 10 years and the minor rules
// always reach the term: checked for every day of a leap cycle.
func TestExpiryProperties(t *testing.T) {
	t.Parallel()
	issue := date(2024, 1, 1)
	for b := date(1960, 1, 1); b.Before(date(1964, 1, 1)); b = b.AddDate(0, 0, 1) {
		got, err := Expiry(b, issue, ExpiryOptions{})
		require.NoError(t, err)
		require.False(t, got.After(date(2034, 1, 1)), "adult born %s: %s after 10y", b.Format(time.DateOnly), got)
		require.True(t, got.After(date(2033, 1, 1)), "adult born %s: %s too early", b.Format(time.DateOnly), got)
		if b.Month() != time.February || b.Day() != 29 {
			require.Equal(t, [2]int{int(b.Month()), b.Day()}, [2]int{int(got.Month()), got.Day()}, "adult born %s: not on a birthday", b.Format(time.DateOnly))
		}
	}
	for b := date(2016, 1, 2); b.Before(date(2020, 1, 2)); b = b.AddDate(0, 0, 1) {
		got, err := Expiry(b, issue, ExpiryOptions{})
		require.NoError(t, err)
		require.False(t, got.Before(date(2029, 1, 1)), "minor born %s: %s before the term", b.Format(time.DateOnly), got)
		require.True(t, got.Before(date(2030, 1, 2)), "minor born %s: %s too late", b.Format(time.DateOnly), got)
	}
}

func TestFingerprintsRequired(t *testing.T) {
	t.Parallel()
	b := date(2010, 5, 20)
	assert.False(t, FingerprintsRequired(b, date(2022, 5, 19)))
	assert.True(t, FingerprintsRequired(b, date(2022, 5, 20)))
	assert.Equal(t, 0, Age(date(2004, 2, 29), date(2005, 2, 28)))
	assert.Equal(t, 1, Age(date(2004, 2, 29), date(2005, 3, 1)))
}

func TestRenewalOpen(t *testing.T) {
	t.Parallel()
	exp := date(2026, 12, 31)
	assert.False(t, RenewalOpen(exp, exp.AddDate(0, 0, -181)))
	assert.True(t, RenewalOpen(exp, exp.AddDate(0, 0, -180)))
	assert.True(t, RenewalOpen(exp, exp.AddDate(0, 0, 10)))
}

func TestFees(t *testing.T) {
	t.Parallel()
	var zero FeeSchedule
	assert.Equal(t, Cents(1679), zero.StateFee())
	assert.Equal(t, "16.79", zero.StateFee().String())
	assert.Equal(t, Cents(1679), zero.Total(IssueDuplicate))
	typical := FeeSchedule{MunicipalFixed: 516, Secretariat: 26}
	assert.Equal(t, "22.21", typical.Total(IssueFirst).String())
	assert.Equal(t, "27.37", typical.Total(IssueDuplicate).String())
	custom := FeeSchedule{StateNet: 1000, VATBasisPoints: -1, MunicipalFixed: 500, MunicipalDuplicate: 700}
	assert.Equal(t, Cents(1700), custom.Total(IssueDuplicate))
	assert.Equal(t, "-0.05", Cents(-5).String())
}
