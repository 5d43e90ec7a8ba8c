package sad

import (
	"errors"
	"fmt"
	"time"
)

// This file is the one place where field values are validated. The checks
// for the codice fiscale, the card number and dates belong to package cie;
// until its API lands these local versions apply the same rules
// (sad-2.8.md §3.3.1, ANPR tipoDato.xsd), and they will delegate to cie
// without any change to callers.

// checkCF validates a codice fiscale: 16 characters with a valid check
// character and omocodia-aware layout, or the 11-digit numeric form that
// ANPR also accepts (tipoDominioCodiceFiscale). s must already be
// upper-cased and trimmed.
func checkCF(s string) error {
	switch len(s) {
	case 11:
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return fmt.Errorf("%w: codice fiscale: position %d: want a digit", ErrInvalidValue, i+1)
			}
		}
		return nil
	case 16:
	default:
		return fmt.Errorf("%w: codice fiscale: length %d, want 16 (or 11 digits)", ErrInvalidValue, len(s))
	}
	for i := 0; i < 16; i++ {
		c := s[i]
		var ok bool
		switch i {
		case 0, 1, 2, 3, 4, 5, 11, 15:
			ok = isUpper(c)
		case 8:
			ok = c == 'A' || c == 'B' || c == 'C' || c == 'D' || c == 'E' || c == 'H' ||
				c == 'L' || c == 'M' || c == 'P' || c == 'R' || c == 'S' || c == 'T'
		default: // 6,7,9,10,12,13,14: digits or their omocodia letters
			ok = isDigit(c) || omocodia(c)
		}
		if !ok {
			return fmt.Errorf("%w: codice fiscale: position %d: unexpected character", ErrInvalidValue, i+1)
		}
	}
	if cfCheckChar(s[:15]) != s[15] {
		return fmt.Errorf("%w: codice fiscale: check character mismatch", ErrInvalidValue)
	}
	return nil
}

var cfOdd = [36]int{ // values of 0-9 then A-Z at odd (1-based) positions
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
}

// cfCheckChar computes the check character of the first 15 characters.
func cfCheckChar(s string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		var idx, even int
		if isDigit(c) {
			idx, even = int(c-'0'), int(c-'0')
		} else {
			idx, even = 10+int(c-'A'), int(c-'A')
		}
		if i%2 == 0 {
			sum += cfOdd[idx]
		} else {
			sum += even
		}
	}
	return byte('A' + sum%26)
}

func omocodia(c byte) bool {
	switch c {
	case 'L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U', 'V':
		return true
	}
	return false
}

// checkCardNumber validates a card number. strict demands the CIE 3.0
// numero unico nazionale, two letters, five digits, two letters
// ("CA00000AA"); otherwise 1-20 alphanumerics are accepted, as ANPR's
// tipoNumeroCartaIdentita does for paper and older cards.
func checkCardNumber(s string, strict bool) error {
	if strict {
		if len(s) != 9 {
			return fmt.Errorf("%w: card number: length %d, want 9 (AA00000AA)", ErrInvalidValue, len(s))
		}
		for i := 0; i < 9; i++ {
			c := s[i]
			ok := isDigit(c)
			if i < 2 || i > 6 {
				ok = isUpper(c)
			}
			if !ok {
				return fmt.Errorf("%w: card number: position %d: unexpected character", ErrInvalidValue, i+1)
			}
		}
		return nil
	}
	if len(s) < 1 || len(s) > 20 {
		return fmt.Errorf("%w: card number: length %d, want 1-20", ErrInvalidValue, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return fmt.Errorf("%w: card number: position %d: unexpected character", ErrInvalidValue, i+1)
		}
	}
	return nil
}

// checkRequestID validates IdRichiesta: 1-30 characters [A-Za-z0-9_-].
// Because it is also a file name in ftp mode, nothing else is allowed.
func checkRequestID(s string) error {
	if len(s) < 1 || len(s) > 30 {
		return fmt.Errorf("%w: request ID: length %d, want 1-30", ErrInvalidValue, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isUpper(c) && !isDigit(c) && !(c >= 'a' && c <= 'z') && c != '_' && c != '-' {
			return fmt.Errorf("%w: request ID: position %d: unexpected character", ErrInvalidValue, i+1)
		}
	}
	return nil
}

// checkDigits validates an ISTAT code of exactly n digits.
func checkDigits(s string, n int, what string) error {
	if len(s) != n {
		return fmt.Errorf("%w: %s: length %d, want %d digits", ErrInvalidValue, what, len(s), n)
	}
	for i := 0; i < n; i++ {
		if !isDigit(s[i]) {
			return fmt.Errorf("%w: %s: position %d: want a digit", ErrInvalidValue, what, i+1)
		}
	}
	return nil
}

func checkSex(s string) error {
	if s != "M" && s != "F" {
		return fmt.Errorf("%w: sex: want M or F", ErrInvalidValue)
	}
	return nil
}

func checkProvince(s string) error {
	if len(s) != 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return fmt.Errorf("%w: province: want two letters", ErrInvalidValue)
	}
	return nil
}

// checkLen bounds free text, counted in characters.
func checkLen(s string, max int, what string) error {
	if n := len([]rune(s)); n > max {
		return fmt.Errorf("%w: %s: %d characters, want at most %d", ErrInvalidValue, what, n, max)
	}
	return nil
}

// checkDate rejects dates outside a sane civil range.
func checkDate(t time.Time) error {
	if y := t.Year(); y < 1800 || y > 2200 {
		return fmt.Errorf("%w: date: year %d out of range", ErrInvalidValue, y)
	}
	return nil
}

var errEmpty = errors.New("empty")

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
