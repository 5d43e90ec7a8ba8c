package cie

import (
	"iter"
	"strings"
	"time"
)

// CodiceFiscale is an Italian tax code of a natural person (DM Finanze
// 23/12/1976): 16 characters, 3 for the surname, 3 for the given names, 2 for
// the year, 1 for the month, 2 for the day (+40 for women), 4 for the
// Belfiore code of the place of birth and 1 check character. Any subset of
// its 7 digits may be replaced by letters ("omocodia", [CodiceFiscale.Omocodes]).
//
// A CodiceFiscale returned by [ParseCodiceFiscale] or [ComputeCodiceFiscale]
// is upper-case and valid; the zero value is the empty (absent) code.
type CodiceFiscale string

// cfDigitPos are the 0-based positions that hold digits, or their omocodia
// letters.
var cfDigitPos = [7]int{6, 7, 9, 10, 12, 13, 14}

// cfOmocodia maps a digit to its omocodia letter (0→L … 9→V).
const cfOmocodia = "LMNPQRSTUV"

// cfMonths are the month letters, January first.
const cfMonths = "ABCDEHLMPRST"

// cfOdd is the value of 0-9 and A-Z at odd (1-based) positions; digits take the
// value of the letter in the same column (0=A, 1=B, ...).
var cfOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// cfField names the part of the code at 0-based position i.
func cfField(i int) string {
	switch {
	case i < 3:
		return "surname"
	case i < 6:
		return "name"
	case i < 8:
		return "year"
	case i == 8:
		return "month"
	case i < 11:
		return "day"
	case i < 15:
		return "place"
	default:
		return "check character"
	}
}

// cfCheckChar returns the check character of the first 15 characters of b,
// which must be upper-case letters and digits.
func cfCheckChar(b []byte) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := b[i]
		v := 0
		if c >= '0' && c <= '9' {
			v = int(c - '0')
		} else {
			v = int(c - 'A')
		}
		if i%2 == 0 { // 1-based odd position
			sum += cfOdd[v]
		} else {
			sum += v
		}
	}
	return byte('A' + sum%26)
}

// cfDigitValue returns the digit held at a digit position, decoding
// omocodia, and whether c is allowed there.
func cfDigitValue(c byte) (int, bool) {
	if c >= '0' && c <= '9' {
		return int(c - '0'), true
	}
	if i := strings.IndexByte(cfOmocodia, c); i >= 0 {
		return i, true
	}
	return 0, false
}

// ParseCodiceFiscale validates s as the codice fiscale of a natural person:
// length, alphabet per position (omocodia letters allowed in any subset of
// the digit positions), check character, and a day that exists in the month
// for some century (so 29 February needs a year divisible by 4; 31 February
// is rejected). It does not check the place code against the Belfiore
// tables: use [CodiceFiscale.Decode] for that.
//
// Surrounding white space is trimmed and lower-case letters are accepted.
// For input from a Code 39 barcode reader use [ParseCodiceFiscaleBarcode].
//
// The error is a [*CodiceFiscaleError] unwrapping to [ErrLength],
// [ErrCharacter], [ErrCheckCharacter] or [ErrDate].
func ParseCodiceFiscale(s string) (CodiceFiscale, error) {
	s = strings.TrimSpace(s)
	if len(s) != 16 {
		return "", &CodiceFiscaleError{Err: ErrLength}
	}
	var b [16]byte
	for i := 0; i < 16; i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		ok := false
		switch {
		case i == 8:
			ok = strings.IndexByte(cfMonths, c) >= 0
		case isCFDigitPos(i):
			_, ok = cfDigitValue(c)
		default:
			ok = 'A' <= c && c <= 'Z'
		}
		if !ok {
			return "", &CodiceFiscaleError{Pos: i + 1, Field: cfField(i), Char: cardRune(s, i), Err: ErrCharacter}
		}
		b[i] = c
	}
	if want := cfCheckChar(b[:]); b[15] != want {
		return "", &CodiceFiscaleError{Pos: 16, Field: "check character", Err: ErrCheckCharacter}
	}
	yy, month, day, _ := cfDateParts(b[:])
	if day < 1 || day > 31 {
		return "", &CodiceFiscaleError{Pos: 10, Field: "day", Err: ErrDate}
	}
	maxDay := civilDaysIn(month, 2000+yy) // 2000+yy is leap exactly when yy%4 == 0
	if day > maxDay {
		return "", &CodiceFiscaleError{Pos: 10, Field: "day", Err: ErrDate}
	}
	if string(b[:]) == s {
		return CodiceFiscale(s), nil // already canonical: no copy
	}
	return CodiceFiscale(b[:]), nil
}

func isCFDigitPos(i int) bool {
	for _, p := range cfDigitPos {
		if p == i {
			return true
		}
	}
	return false
}

// cfDateParts decodes the two-digit year, month (1-12), day (1-31 after
// removing the +40 for women) and sex of an already validated code.
func cfDateParts(b []byte) (yy int, month time.Month, day int, sex Sex) {
	d := func(i int) int { v, _ := cfDigitValue(b[i]); return v }
	yy = d(6)*10 + d(7)
	month = time.Month(strings.IndexByte(cfMonths, b[8]) + 1)
	day = d(9)*10 + d(10)
	sex = SexMale
	if day > 40 {
		day -= 40
		sex = SexFemale
	}
	return yy, month, day, sex
}

// ParseCodiceFiscaleBarcode normalises the text read from a Code 39 barcode
// (Tessera Sanitaria, back of the CIE) or typed by a keyboard-wedge scanner,
// then validates it with [ParseCodiceFiscale]: white space and control
// characters (a CR/LF suffix, a tab) are removed, a Code 39 start/stop "*"
// is stripped, and letters are upper-cased. What remains must be exactly 16
// characters; nothing else is corrected.
func ParseCodiceFiscaleBarcode(s string) (CodiceFiscale, error) {
	var b strings.Builder
	b.Grow(16)
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' || (r >= 0x80 && r < 0xa0) || r == '*' {
			continue
		}
		b.WriteRune(r)
	}
	return ParseCodiceFiscale(b.String())
}

// MustParseCodiceFiscale is like [ParseCodiceFiscale] but panics on error.
// It is meant for constants in tests and examples only.
func MustParseCodiceFiscale(s string) CodiceFiscale {
	cf, err := ParseCodiceFiscale(s)
	if err != nil {
		panic(err)
	}
	return cf
}

// Valid reports whether cf is a valid code exactly as [ParseCodiceFiscale]
// would return it (upper-case, no spaces).
func (cf CodiceFiscale) Valid() bool {
	p, err := ParseCodiceFiscale(string(cf))
	return err == nil && p == cf
}

// String returns the code.
func (cf CodiceFiscale) String() string { return string(cf) }

// Sex returns the sex encoded in the day field (day > 40 for women), or 0
// if cf is not valid.
func (cf CodiceFiscale) Sex() Sex {
	if !cf.Valid() {
		return 0
	}
	_, _, _, s := cfDateParts([]byte(cf))
	return s
}

// Base returns the code with every omocodia letter replaced by its digit and
// the check character recomputed: the form the Agenzia delle Entrate
// assigns first. For an invalid cf it returns cf unchanged.
func (cf CodiceFiscale) Base() CodiceFiscale {
	return cf.omocode(0)
}

// OmocodiaMask returns which digit positions of cf hold a letter: bit 0 is
// the rightmost digit position (15), bit 6 the leftmost (7). The base form
// has mask 0. It returns 0 for an invalid cf.
func (cf CodiceFiscale) OmocodiaMask() uint8 {
	if !cf.Valid() {
		return 0
	}
	var m uint8
	for k := 0; k < 7; k++ {
		if c := cf[cfDigitPos[6-k]]; c > '9' {
			m |= 1 << k
		}
	}
	return m
}

// omocode returns the form of cf in which the digit positions selected by
// mask (bit 0 = rightmost) hold letters. For an invalid cf it returns cf.
func (cf CodiceFiscale) omocode(mask uint8) CodiceFiscale {
	if !cf.Valid() {
		return cf
	}
	b := []byte(cf)
	for k := 0; k < 7; k++ {
		p := cfDigitPos[6-k]
		v, _ := cfDigitValue(b[p])
		if mask&(1<<k) != 0 {
			b[p] = cfOmocodia[v]
		} else {
			b[p] = byte('0' + v)
		}
	}
	b[15] = cfCheckChar(b)
	return CodiceFiscale(b)
}

// Omocodes returns the 128 forms of cf, including cf's base form, in the
// order of [CodiceFiscale.OmocodiaMask] 0 to 127: mask 0 is the base form,
// mask 1 replaces the rightmost digit, and so on. Every form is valid and
// decodes to the same person. For an invalid cf the sequence is empty.
func (cf CodiceFiscale) Omocodes() iter.Seq[CodiceFiscale] {
	return func(yield func(CodiceFiscale) bool) {
		if !cf.Valid() {
			return
		}
		for m := 0; m < 128; m++ {
			if !yield(cf.omocode(uint8(m))) {
				return
			}
		}
	}
}

// Equivalent reports whether cf and other are omocodia forms of the same
// base code. Both must be valid.
func (cf CodiceFiscale) Equivalent(other CodiceFiscale) bool {
	return cf.Valid() && other.Valid() && cf.Base() == other.Base()
}

// cfLetters transliterates a name to the letters A-Z (Italian table, Circ.
// 34/E 2011) and drops spaces, apostrophes and hyphens. It reports false if
// the name holds a character it cannot write.
func cfLetters(name string) (string, bool) {
	t, bad := translitName(name, UmlautExpand)
	if bad != 0 {
		return "", false
	}
	return strings.ReplaceAll(t, " ", ""), true
}

func cfIsVowel(c byte) bool { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' }

// cfTriplet returns the 3-letter code of a surname (given=false) or of the
// given names (given=true): consonants, then vowels, then X; for given
// names with 4 or more consonants, the 1st, 3rd and 4th consonants.
func cfTriplet(name string, given bool) (string, bool) {
	letters, ok := cfLetters(name)
	if !ok || letters == "" {
		return "", false
	}
	var cons, vows []byte
	for i := 0; i < len(letters); i++ {
		if c := letters[i]; cfIsVowel(c) {
			vows = append(vows, c)
		} else {
			cons = append(cons, c)
		}
	}
	if given && len(cons) >= 4 {
		return string([]byte{cons[0], cons[2], cons[3]}), true
	}
	out := append(cons, vows...)
	for len(out) < 3 {
		out = append(out, 'X')
	}
	return string(out[:3]), true
}

// cfCompute composes a base codice fiscale without checking the place code
// against the tables. It reports the field that cannot be computed.
func cfCompute(surname, given string, sex Sex, birth time.Time, code string) (CodiceFiscale, error) {
	sur, ok := cfTriplet(surname, false)
	if !ok {
		return "", &FieldError{Field: "surname", Err: ErrName}
	}
	name, ok := cfTriplet(given, true)
	if !ok {
		return "", &FieldError{Field: "given names", Err: ErrName}
	}
	if sex != SexMale && sex != SexFemale {
		return "", &FieldError{Field: "sex", Err: ErrSex}
	}
	if birth.IsZero() {
		return "", &DateError{Field: "birth date", Err: ErrMissing}
	}
	if !cfPlaceSyntax(code) {
		return "", &CodiceFiscaleError{Pos: 12, Field: "place", Err: ErrCharacter}
	}
	birth = civilDate(birth)
	day := birth.Day()
	if sex == SexFemale {
		day += 40
	}
	yy := birth.Year() % 100
	if yy < 0 {
		yy = -yy
	}
	b := make([]byte, 0, 16)
	b = append(b, sur...)
	b = append(b, name...)
	b = append(b, byte('0'+yy/10), byte('0'+yy%10), cfMonths[birth.Month()-1], byte('0'+day/10), byte('0'+day%10))
	b = append(b, code...)
	b = append(b, cfCheckChar(b))
	return CodiceFiscale(b), nil
}

// cfPlaceSyntax reports whether code looks like a Belfiore code: a letter
// and three digits.
func cfPlaceSyntax(code string) bool {
	if len(code) != 4 || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	for i := 1; i < 4; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}
