package cie

import "strings"

// CardNumber is the "numero unico nazionale" of a CIE 3.0: two letters, five
// digits and two letters, such as "CA00000AA" (printed top right on the
// front, and in MRZ line 1 positions 6-14). It has no internal check
// character; integrity comes only from the MRZ check digit.
//
// A CardNumber obtained from [ParseCardNumber] is always upper-case and
// well formed. The zero value is the empty (absent) number.
type CardNumber string

// ParseCardNumber validates s as a card number. Surrounding white space is
// trimmed and letters are upper-cased; nothing else is corrected (an O in a
// digit position or a 0 in a letter position is an error, not a guess).
//
// The error is a [*CardNumberError] unwrapping to [ErrLength] or
// [ErrCharacter], naming the first offending 1-based position.
func ParseCardNumber(s string) (CardNumber, error) {
	s = strings.TrimSpace(s)
	if len(s) != 9 {
		return "", &CardNumberError{Err: ErrLength}
	}
	var b [9]byte
	for i := 0; i < 9; i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		digitPos := i >= 2 && i <= 6
		switch {
		case digitPos && '0' <= c && c <= '9':
		case !digitPos && 'A' <= c && c <= 'Z':
		default:
			return "", &CardNumberError{Pos: i + 1, Char: cardRune(s, i), Err: ErrCharacter}
		}
		b[i] = c
	}
	if string(b[:]) == s {
		return CardNumber(s), nil // already canonical: no copy
	}
	return CardNumber(b[:]), nil
}

// Valid reports whether n is a well-formed card number, exactly as
// [ParseCardNumber] would return it (upper-case, no spaces).
func (n CardNumber) Valid() bool {
	p, err := ParseCardNumber(string(n))
	return err == nil && p == n
}

// String returns the number as printed.
func (n CardNumber) String() string { return string(n) }

// cardRune returns the character starting at byte i of s, decoding UTF-8 so
// that an error shows "è" rather than a stray byte.
func cardRune(s string, i int) rune {
	for j, r := range s {
		if j >= i {
			return r
		}
	}
	return 0
}
