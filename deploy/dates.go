package deploy

import (
	"errors"
	"strings"
	"time"
)

var errFormat = errors.New("deploy: unrecognised format")

// civil returns the date y-m-d at midnight UTC, and false when it is not a
// calendar date (31 February).
func civil(y int, m time.Month, d int) (time.Time, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == y && t.Month() == m && t.Day() == d
}

// parseFullDate reads dd/mm/yy or dd/mm/yyyy (one-digit day and month
// allowed). Two-digit years are 20yy: the plans date from 2016 on.
func parseFullDate(s string) (time.Time, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return time.Time{}, errFormat
	}
	d, err1 := smallInt(parts[0], 1, 2)
	m, err2 := smallInt(parts[1], 1, 2)
	y, err3 := smallInt(parts[2], 2, 4)
	if err1 != nil || err2 != nil || err3 != nil || len(parts[2]) == 3 {
		return time.Time{}, errFormat
	}
	if len(parts[2]) == 2 {
		y += 2000
	}
	t, ok := civil(y, time.Month(m), d)
	if !ok {
		return time.Time{}, errFormat
	}
	return t, nil
}

func smallInt(s string, minLen, maxLen int) (int, error) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, errFormat
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errFormat
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// italianMonths are the abbreviations the annexes use ("27-apr", "2-mag").
var italianMonths = [...]string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}

// parseDayMonth reads "27-apr": a day and an Italian month abbreviation (or
// the full month name), with no year.
func parseDayMonth(s string) (day int, month time.Month, err error) {
	ds, ms, ok := strings.Cut(strings.ToLower(s), "-")
	if !ok {
		return 0, 0, errFormat
	}
	day, err = smallInt(ds, 1, 2)
	if err != nil || day < 1 || day > 31 {
		return 0, 0, errFormat
	}
	ms = strings.TrimSuffix(ms, ".")
	if len(ms) < 3 {
		return 0, 0, errFormat
	}
	for i, abbr := range italianMonths {
		if strings.HasPrefix(ms, abbr) {
			return day, time.Month(i + 1), nil
		}
	}
	return 0, 0, errFormat
}

// parseTimeSlot reads "09:00 - 13:00" (spaces optional).
func parseTimeSlot(s string) (TimeSlot, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return TimeSlot{}, errFormat
	}
	from, err1 := clock(strings.TrimSpace(a))
	to, err2 := clock(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || from >= to {
		return TimeSlot{}, errFormat
	}
	return TimeSlot{From: from, To: to}, nil
}

func clock(s string) (int, error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok {
		hs, ms, ok = strings.Cut(s, ".")
	}
	if !ok {
		return 0, errFormat
	}
	h, err1 := smallInt(hs, 1, 2)
	m, err2 := smallInt(ms, 2, 2)
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, errFormat
	}
	return h*60 + m, nil
}

// formatDate writes d as dd/mm/yyyy, the form the documents use.
func formatDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("02/01/2006")
}
