package sad

import (
	"fmt"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// This file is the one place where field values are validated. The codice
// fiscale and the CIE card number are checked by package cie
// (cie.ParseCodiceFiscale, cie.ParseCardNumber); the rest follows
// sad-2.8.md §3.3.1 and ANPR's tipoDato.xsd.

// checkCF validates a codice fiscale: the 16-character code of a natural
// person (cie.ParseCodiceFiscale: layout, omocodia, check character,
// calendar day), or the 11-digit numeric form that ANPR also accepts
// (tipoDominioCodiceFiscale). s must already be upper-cased and trimmed.
func checkCF(s string) error {
	if len(s) == 11 {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return fmt.Errorf("%w: codice fiscale: position %d: want a digit", ErrInvalidValue, i+1)
			}
		}
		return nil
	}
	if _, err := cie.ParseCodiceFiscale(s); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidValue, err)
	}
	return nil
}

// checkCardNumber validates a card number. strict demands the CIE 3.0
// numero unico nazionale, two letters, five digits, two letters
// ("CA00000AA"); otherwise 1-20 alphanumerics are accepted, as ANPR's
// tipoNumeroCartaIdentita does for paper and older cards.
func checkCardNumber(s string, strict bool) error {
	if strict {
		if _, err := cie.ParseCardNumber(s); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidValue, err)
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// TextError reports a character that a name or free-text field cannot
// carry: the CIE's printing and its MRZ, and ANPR, take Latin letters with
// the Italian and common foreign accents, and never control characters,
// bidirectional overrides, other scripts or emoji. Field is the element name
// (e.g. "Cognome"), Pos the 1-based position of the character, counted in
// characters, and Rune the character itself; nothing else of the value is
// kept. It unwraps to [ErrInvalidValue]; decoders return it inside a
// [*SyntaxError], encoders inside a [*ValidationError] (find it with
// errors.As).
type TextError struct {
	Field string
	Pos   int
	Rune  rune
}

// Error renders "sad: Cognome: position 5: character U+202E not allowed".
func (e *TextError) Error() string {
	return fmt.Sprintf("sad: %s: position %d: character %U not allowed", e.Field, e.Pos, e.Rune)
}

// Unwrap returns ErrInvalidValue.
func (e *TextError) Unwrap() error { return ErrInvalidValue }

// latinLetter reports whether r is a letter of the Latin alphabet, plain or
// with the accents of Italian and of the languages whose names the APR
// records (Latin-1 Supplement, Latin Extended-A and -B).
func latinLetter(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r >= 0xC0 && r <= 0x24F:
		return r != 0xD7 && r != 0xF7 // × and ÷
	}
	return false
}

// nameRune is the character set of names (Cognome, Nome, foreign birth
// locality): letters, space, apostrophe (straight or typographic), hyphen.
func nameRune(r rune) bool {
	return latinLetter(r) || r == ' ' || r == '\'' || r == '\u2019' || r == '-'
}

// textRune is the character set of free text (descriptions, addresses,
// reasons): printable ASCII, the printable Latin-1 Supplement, Latin
// Extended-A and -B, typographic quotes and dashes, and the euro sign.
func textRune(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0x24F:
		return true
	case r >= 0x2013 && r <= 0x2014, r >= 0x2018 && r <= 0x201D, r == 0x20AC:
		return true
	}
	return false
}

// checkRunes returns a [*TextError] for the first character of s outside ok.
func checkRunes(s, field string, ok func(rune) bool) error {
	pos := 0
	for _, r := range s {
		pos++
		if !ok(r) {
			return &TextError{Field: field, Pos: pos, Rune: r}
		}
	}
	return nil
}
