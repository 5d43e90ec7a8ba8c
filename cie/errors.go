package cie

import (
	"errors"
	"strconv"
)

// Sentinel errors. Callers branch on them with [errors.Is]; the typed errors
// of this package ([*MRZError], [*CardNumberError], [*CodiceFiscaleError],
// [*MismatchError]) unwrap to one of them.
var (
	// ErrLength reports an input of the wrong length.
	ErrLength = errors.New("cie: wrong length")
	// ErrCharacter reports a character that is not allowed at its position.
	ErrCharacter = errors.New("cie: invalid character")
	// ErrCheckDigit reports an MRZ check digit that does not match the data it covers.
	ErrCheckDigit = errors.New("cie: check digit mismatch")
	// ErrCheckCharacter reports a codice fiscale check character that does not match.
	ErrCheckCharacter = errors.New("cie: check character mismatch")
	// ErrDate reports a date that does not exist in the calendar, is out of
	// range, or is inconsistent with another date (birth after issue).
	ErrDate = errors.New("cie: invalid date")
	// ErrSex reports a sex value that is not allowed where it is used.
	ErrSex = errors.New("cie: invalid sex")
	// ErrName reports a name that is empty or cannot be written in the
	// required alphabet.
	ErrName = errors.New("cie: invalid name")
	// ErrDocumentCode reports an MRZ document code that is not a valid TD1
	// identity-card code (first character A, C or I; second not V).
	ErrDocumentCode = errors.New("cie: invalid document code")
	// ErrMissing reports a required value left at its zero value, such as an
	// expatriation choice that was never entered.
	ErrMissing = errors.New("cie: required value missing")
	// ErrMismatch reports two representations of the same datum that
	// disagree, such as a codice fiscale and the person it should belong to.
	ErrMismatch = errors.New("cie: mismatch")
	// ErrNotApplicable reports a choice that the law does not allow for this
	// holder, such as an organ-donation choice by a minor.
	ErrNotApplicable = errors.New("cie: not applicable")
)

// CardNumberError describes an invalid card number. Pos is 1-based, or 0
// when the error concerns the whole number (its length).
// Err is one of [ErrLength] or [ErrCharacter].
type CardNumberError struct {
	Pos  int
	Char rune // the offending character, or 0
	Err  error
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *CardNumberError) Error() string {
	if e.Pos == 0 {
		return "cie: card number: " + cieErrText(e.Err)
	}
	s := "cie: card number position " + strconv.Itoa(e.Pos)
	if e.Char != 0 {
		s += " (" + strconv.QuoteRune(e.Char) + ")"
	}
	return s + ": " + cieErrText(e.Err)
}

// Unwrap returns the sentinel error.
func (e *CardNumberError) Unwrap() error { return e.Err }

// CodiceFiscaleError describes an invalid codice fiscale. Pos is 1-based, or
// 0 when the error concerns the whole code. Field names the part of the code
// ("surname", "name", "year", "month", "day", "place", "check character").
// Err is one of [ErrLength], [ErrCharacter], [ErrCheckCharacter] or [ErrDate].
type CodiceFiscaleError struct {
	Pos   int
	Field string
	Char  rune // the offending character, or 0
	Err   error
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *CodiceFiscaleError) Error() string {
	s := "cie: codice fiscale"
	if e.Pos > 0 {
		s += " position " + strconv.Itoa(e.Pos)
	}
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Char != 0 {
		s += " " + strconv.QuoteRune(e.Char)
	}
	return s + ": " + cieErrText(e.Err)
}

// Unwrap returns the sentinel error.
func (e *CodiceFiscaleError) Unwrap() error { return e.Err }

// MRZError describes an error in a machine readable zone. Line and Pos are
// 1-based (Pos is 0 when the error concerns a whole line or field). Field
// names the TD1 field ("document number check digit", "date of birth", ...).
// Err is one of [ErrLength], [ErrCharacter], [ErrCheckDigit], [ErrDate],
// [ErrSex], [ErrName], [ErrDocumentCode] or (when encoding) [ErrMissing]. The
// message never contains MRZ
// data other than a single offending character.
type MRZError struct {
	Line  int
	Pos   int
	Field string
	Err   error
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *MRZError) Error() string {
	s := "cie: MRZ"
	if e.Line > 0 {
		s += " line " + strconv.Itoa(e.Line)
	}
	if e.Pos > 0 {
		s += ", position " + strconv.Itoa(e.Pos)
	}
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	return s + ": " + cieErrText(e.Err)
}

// Unwrap returns the sentinel error.
func (e *MRZError) Unwrap() error { return e.Err }

// MismatchError reports that Field of a codice fiscale, MRZ or card does not
// agree with the person or card it is checked against. It unwraps to
// [ErrMismatch]. Got and Want are the compared forms (triplets, dates,
// codes) for the caller's use; they are personal data, so the message
// names only the field.
type MismatchError struct {
	Field     string
	Got, Want string
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *MismatchError) Error() string {
	return "cie: " + e.Field + " mismatch"
}

// Unwrap returns [ErrMismatch].
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// FieldError reports a problem with one field of a [Card] or [Person]. Err
// is one of the package sentinels.
type FieldError struct {
	Field string
	Err   error
}

// Error returns the message; it never contains whole codes, lines or names.
func (e *FieldError) Error() string { return "cie: " + e.Field + ": " + cieErrText(e.Err) }

// Unwrap returns the sentinel error.
func (e *FieldError) Unwrap() error { return e.Err }

// cieErrText drops the "cie: " prefix of a wrapped sentinel so that typed
// errors read "cie: MRZ line 2 ...: check digit mismatch".
func cieErrText(err error) string {
	if err == nil {
		return "unknown error"
	}
	s := err.Error()
	if len(s) > 5 && s[:5] == "cie: " {
		return s[5:]
	}
	return s
}
