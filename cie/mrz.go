package cie

import (
	"strings"
	"time"
)

// MRZ is a machine readable zone: by default a TD1 one (ICAO Doc 9303-5
// §4.2), three lines of 30 characters; with [MRZ.Format] set, a TD2 (Doc
// 9303-6) or TD3 (Doc 9303-4) one. The fields hold the MRZ text without fillers; check digits
// are not stored because they are computed from the fields when the MRZ is
// rendered ([MRZ.Lines]) and verified when it is parsed ([ParseMRZ]).
//
// The zero value is an empty MRZ that cannot be rendered. Build one with
// [EncodeMRZ] or [ParseMRZ], or fill the fields by hand.
type MRZ struct {
	// Format is the layout: [TD1] (the zero value, the CIE's), [TD2] or
	// [TD3]. TD2 and TD3 MRZs come from [ParseAnyMRZ]; see [MRZFormat] for
	// which fields they use.
	Format MRZFormat
	// DocumentCode is line 1 positions 1-2, filler included: "C<" on a CIE.
	DocumentCode string
	// IssuingState is line 1 positions 3-5, e.g. "ITA" or "D<<".
	IssuingState string
	// DocumentNumber is the document number without trailing fillers. It
	// may be longer than 9 characters (Doc 9303-5 note j): the overflow is
	// written from line 1 position 16. On a CIE it is the [CardNumber].
	DocumentNumber string
	// OptionalData1 is the rest of line 1 (after the document number and
	// any overflow) without trailing fillers; inner fillers are kept as '<'.
	OptionalData1 string
	// Birth is the date of birth as written, YYMMDD, with "<<" for an
	// unknown year, month or day. See [MRZ.BirthDate] for the century.
	Birth string
	// Sex is [SexMale], [SexFemale], or [SexUnspecified] (written '<').
	Sex Sex
	// Expiry is the date of expiry as written, YYMMDD. See [MRZ.ExpiryDate].
	Expiry string
	// Nationality is line 2 positions 16-18, e.g. "ITA".
	Nationality string
	// OptionalData2 is line 2 positions 19-29 without trailing fillers.
	OptionalData2 string
	// Surname is the primary identifier and GivenNames the secondary one, in
	// the MRZ alphabet, with a single space between components (a '<' in
	// the MRZ). They may be truncated: see [MRZ.PossiblyTruncated].
	Surname, GivenNames string
}

// mrzField names the TD1 field at 1-based line and position.
func mrzField(line, pos int) string {
	switch line {
	case 1:
		switch {
		case pos <= 2:
			return "document code"
		case pos <= 5:
			return "issuing state"
		case pos <= 14:
			return "document number"
		case pos == 15:
			return "document number check digit"
		default:
			return "optional data"
		}
	case 2:
		switch {
		case pos <= 15:
			return birthSexExpiryField(pos)
		case pos <= 18:
			return "nationality"
		case pos <= 29:
			return "optional data"
		default:
			return "composite check digit"
		}
	}
	return "name"
}

// birthSexExpiryField names the field at 1-based position pos of the
// 15 characters parseBirthSexExpiry reads, the same on every format
// (line 2 positions 1-15 on TD1, 14-28 on TD2 and TD3): date of birth, its
// check digit, sex, date of expiry, its check digit.
func birthSexExpiryField(pos int) string {
	switch {
	case pos <= 6:
		return "date of birth"
	case pos == 7:
		return "date of birth check digit"
	case pos == 8:
		return "sex"
	case pos <= 14:
		return "date of expiry"
	}
	return "date of expiry check digit"
}

func mrzErr(line, pos int, err error) *MRZError {
	return &MRZError{Line: line, Pos: pos, Field: mrzField(line, pos), Err: err}
}

// mrzValue is the value of an MRZ character for check digits (Doc 9303-3 §4.9).
func mrzValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0 // '<'
}

// CheckDigit returns the ICAO Doc 9303-3 §4.9 check digit of s as a
// character '0'-'9': the character values (digits 0-9, A-Z 10-35, '<' 0)
// weighted 7, 3, 1 repeatedly, summed, modulo 10. Characters outside the MRZ
// alphabet count as 0; validate s first.
func CheckDigit(s string) byte {
	return '0' + byte(mrzSum(0, 0, s)%10)
}

// mrzSum adds the weighted values of s to sum, starting at weight index w.
func mrzSum(sum, w int, s string) int {
	weights := [3]int{7, 3, 1}
	for i := 0; i < len(s); i++ {
		sum += mrzValue(s[i]) * weights[(w+i)%3]
	}
	return sum
}

// mrzLines splits the input into three 30-character lines. It accepts three
// lines separated by any white space (CR, LF, spaces), or 90 characters in
// one piece, with white space around.
func mrzLines(s string) ([3]string, error) {
	var lines [3]string
	// Split on white space into at most 4 tokens, without allocating.
	var f [4]string
	n := 0
	for i := 0; i < len(s); {
		for i < len(s) && mrzSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		j := i
		for j < len(s) && !mrzSpace(s[j]) {
			j++
		}
		if n == len(f) {
			return lines, &MRZError{Err: ErrLength}
		}
		f[n] = s[i:j]
		n++
		i = j
	}
	switch n {
	case 1:
		if len(f[0]) != 90 {
			return lines, &MRZError{Err: ErrLength}
		}
		return [3]string{f[0][:30], f[0][30:60], f[0][60:]}, nil
	case 3:
		for i, l := range f[:3] {
			if len(l) != 30 {
				return lines, &MRZError{Line: i + 1, Err: ErrLength}
			}
			lines[i] = l
		}
		return lines, nil
	}
	return lines, &MRZError{Err: ErrLength}
}

// mrzSpace reports whether c separates MRZ lines: ASCII white space.
func mrzSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'
}

// ParseMRZ parses and validates a TD1 machine readable zone: three lines of
// 30 characters separated by line breaks (CR, LF or CRLF) or other white
// space, or the 90 characters in one piece; white space around is ignored.
//
// It checks the alphabet (A-Z, 0-9, '<'), the document code (first
// character A, C or I, second not V, not "AI"), the issuing State and
// nationality (letters and fillers), the dates (a real calendar date; the
// date of birth may have "<<" for unknown parts; the date of expiry is
// taken as 20YY), the sex (M, F or '<'), the name (letters and fillers,
// starting with a letter, one filler between components after the "<<"
// separator), every check digit, the long document number and the composite
// check digit.
//
// The error is a [*MRZError] naming the 1-based line and position and the
// field, unwrapping to [ErrLength], [ErrCharacter], [ErrCheckDigit],
// [ErrDate], [ErrSex], [ErrName] or [ErrDocumentCode]. On error the MRZ is nil.
func ParseMRZ(s string) (*MRZ, error) {
	lines, err := mrzLines(s)
	if err != nil {
		return nil, err
	}
	for li, l := range lines {
		for i := 0; i < 30; i++ {
			c := l[i]
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<') {
				return nil, mrzErr(li+1, i+1, ErrCharacter)
			}
		}
	}
	l1, l2, l3 := lines[0], lines[1], lines[2]
	m := &MRZ{}

	// Line 1.
	if err := mrzCheckDocCode(l1[:2]); err != nil {
		return nil, err
	}
	m.DocumentCode = l1[:2]
	if err := mrzCheckState(l1[2:5], 1, 3); err != nil {
		return nil, err
	}
	m.IssuingState = l1[2:5]
	numEnd := 30 // exclusive end of the data covered with the number
	if l1[14] == '<' {
		// Long document number: overflow from position 16 up to the first
		// filler, whose last character is the check digit.
		j := strings.IndexByte(l1[15:], '<')
		if j < 0 {
			j = 15
		}
		if j < 2 {
			return nil, mrzErr(1, 15, ErrCharacter)
		}
		over := l1[15 : 15+j-1]
		cd := l1[15+j-1]
		if cd < '0' || cd > '9' {
			return nil, &MRZError{Line: 1, Pos: 15 + j, Field: "document number check digit", Err: ErrCharacter}
		}
		if CheckDigit(l1[5:14]+over) != cd {
			return nil, &MRZError{Line: 1, Pos: 15 + j, Field: "document number check digit", Err: ErrCheckDigit}
		}
		m.DocumentNumber = l1[5:14] + over
		numEnd = 15 + j
		if numEnd < 30 {
			numEnd++ // the filler after the check digit
		}
		m.OptionalData1 = strings.TrimRight(l1[numEnd:], "<")
	} else {
		if err := mrzCheckDigitAt(l1, 1, 5, 14); err != nil {
			return nil, err
		}
		m.DocumentNumber = strings.TrimRight(l1[5:14], "<")
		m.OptionalData1 = strings.TrimRight(l1[15:], "<")
	}
	if m.DocumentNumber == "" {
		return nil, mrzErr(1, 6, ErrCharacter)
	}

	// Line 2.
	if err := m.parseBirthSexExpiry(l2, 0); err != nil {
		return nil, err
	}
	if err := mrzCheckState(l2[15:18], 2, 16); err != nil {
		return nil, err
	}
	m.Nationality = l2[15:18]
	m.OptionalData2 = strings.TrimRight(l2[18:29], "<")
	if c := l2[29]; c < '0' || c > '9' {
		return nil, mrzErr(2, 30, ErrCharacter)
	}
	if mrzComposite(l1, l2) != l2[29] {
		return nil, mrzErr(2, 30, ErrCheckDigit)
	}

	// Line 3.
	if err := mrzCheckName(l3, 3, 1); err != nil {
		return nil, err
	}
	m.Surname, m.GivenNames = mrzSplitName(l3)
	return m, nil
}

// MustParseMRZ is like [ParseMRZ] but panics on error. It is meant for
// constants in tests and examples only.
func MustParseMRZ(s string) *MRZ {
	m, err := ParseMRZ(s)
	if err != nil {
		panic(err)
	}
	return m
}

// parseBirthSexExpiry reads the date of birth, its check digit, the sex,
// the date of expiry and its check digit, which all formats write in this
// order on line 2 from 0-based index b (TD1 0, TD2 and TD3 13).
func (m *MRZ) parseBirthSexExpiry(l2 string, b int) error {
	if err := mrzCheckDate(l2[b:b+6], b+1, true); err != nil {
		return err
	}
	if err := mrzCheckDigitAt(l2, 2, b, b+6); err != nil {
		return err
	}
	m.Birth = l2[b : b+6]
	switch l2[b+7] {
	case 'M':
		m.Sex = SexMale
	case 'F':
		m.Sex = SexFemale
	case '<':
		m.Sex = SexUnspecified
	default:
		return mrzErr(2, b+8, ErrSex)
	}
	if err := mrzCheckDate(l2[b+8:b+14], b+9, false); err != nil {
		return err
	}
	if err := mrzCheckDigitAt(l2, 2, b+8, b+14); err != nil {
		return err
	}
	m.Expiry = l2[b+8 : b+14]
	return nil
}

// mrzCheckName validates a name field n starting at 1-based position pos0
// of line li: no digits, starting with a letter, and after the "<<" that
// ends the primary identifier components separated by one filler (Doc
// 9303-3 §4.6): a third filler, or a double one before the padding, is not
// a name [MRZ.Lines] would write.
func mrzCheckName(n string, li, pos0 int) error {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c >= '0' && c <= '9' {
			return mrzErr(li, pos0+i, ErrCharacter)
		}
	}
	if n[0] == '<' {
		return mrzErr(li, pos0, ErrName) // the name starts with the primary identifier
	}
	if i := strings.Index(n, "<<"); i >= 0 {
		rest := strings.TrimRight(n[i+2:], "<")
		if rest != "" && rest[0] == '<' {
			return mrzErr(li, pos0+i+2, ErrName)
		}
		if j := strings.Index(rest, "<<"); j >= 0 {
			return mrzErr(li, pos0+i+2+j, ErrName)
		}
	}
	return nil
}

// mrzComposite computes the TD1 composite check digit (Doc 9303-5 §4.2.4):
// line 1 positions 6-30, line 2 positions 1-7, 9-15 and 19-29.
func mrzComposite(l1, l2 string) byte {
	sum := mrzSum(0, 0, l1[5:30])    // 25 characters
	sum = mrzSum(sum, 25, l2[0:7])   // 7
	sum = mrzSum(sum, 32, l2[8:15])  // 7
	sum = mrzSum(sum, 39, l2[18:29]) // 11
	return '0' + byte(sum%10)
}

// mrzCheckDigitAt verifies that l[end] is the check digit of l[start:end]
// (0-based), on 1-based line li.
func mrzCheckDigitAt(l string, li, start, end int) error {
	cd := l[end]
	if cd == '<' && strings.Trim(l[start:end], "<") == "" {
		return nil // an all-filler field may have a filler check digit
	}
	if cd < '0' || cd > '9' {
		return mrzErr(li, end+1, ErrCharacter)
	}
	if CheckDigit(l[start:end]) != cd {
		return mrzErr(li, end+1, ErrCheckDigit)
	}
	return nil
}

// mrzCheckDocCode validates a TD1 document code (Doc 9303-5 §4.2.2 note a).
func mrzCheckDocCode(code string) error {
	if c := code[0]; c != 'A' && c != 'C' && c != 'I' {
		return mrzErr(1, 1, ErrDocumentCode)
	}
	if c := code[1]; c == 'V' || !(c == '<' || c >= 'A' && c <= 'Z') || code == "AI" {
		return mrzErr(1, 2, ErrDocumentCode)
	}
	return nil
}

// mrzCheckState validates a 3-character State code: letters, then fillers.
func mrzCheckState(s string, line, pos int) error {
	filler := false
	for i := 0; i < 3; i++ {
		c := s[i]
		switch {
		case c == '<' && i > 0:
			filler = true
		case c >= 'A' && c <= 'Z' && !filler:
		default:
			return mrzErr(line, pos+i, ErrCharacter)
		}
	}
	return nil
}

// mrzCheckDate validates a YYMMDD date starting at 1-based position pos of
// line 2. Unknown parts ("<<") are allowed only for the date of birth. The
// day must exist in the month for some century (29 February needs YY
// divisible by 4); for the expiry the century is 20.
func mrzCheckDate(d string, pos int, birth bool) error {
	var v [3]int
	for k := 0; k < 3; k++ {
		a, b := d[2*k], d[2*k+1]
		switch {
		case a == '<' && b == '<' && birth:
			v[k] = -1
		case a >= '0' && a <= '9' && b >= '0' && b <= '9':
			v[k] = int(a-'0')*10 + int(b-'0')
		default:
			p := pos + 2*k
			if a >= '0' && a <= '9' {
				p++
			}
			return mrzErr(2, p, ErrCharacter)
		}
	}
	yy, mm, dd := v[0], v[1], v[2]
	if mm == 0 || mm > 12 {
		return mrzErr(2, pos+2, ErrDate)
	}
	if dd == 0 || dd > 31 {
		return mrzErr(2, pos+4, ErrDate)
	}
	if mm > 0 && dd > 0 {
		y := 2000 + yy // leap exactly when yy%4 == 0, as for some century
		if yy < 0 {
			y = 2000
		}
		if !civilValid(y, mm, dd) {
			return mrzErr(2, pos+4, ErrDate)
		}
	}
	return nil
}

// mrzSplitName splits line 3 at the first "<<" into the primary and
// secondary identifiers, with spaces between components.
func mrzSplitName(l3 string) (primary, secondary string) {
	if i := strings.Index(l3, "<<"); i >= 0 {
		primary, secondary = l3[:i], strings.TrimRight(l3[i+2:], "<")
	} else {
		primary = strings.TrimRight(l3, "<")
	}
	return strings.ReplaceAll(primary, "<", " "), strings.ReplaceAll(secondary, "<", " ")
}

// BirthDate returns the date of birth, choosing the latest century that
// does not put it after ref (the issue date if known, else today). The
// result is at midnight UTC. It returns an error wrapping [ErrDate] if the
// date has unknown parts or is not a calendar date.
//
// The century is a guess: for holders over 100 years old it is wrong.
// The chip's DG11 (tag 5F2B) holds the full date. A zero ref is an error
// wrapping [ErrMissing].
func (m *MRZ) BirthDate(ref time.Time) (time.Time, error) {
	if ref.IsZero() {
		return time.Time{}, &DateError{Field: "reference date", Err: ErrMissing}
	}
	yy, mm, dd, ok := mrzDigits(m.Birth)
	if !ok {
		return time.Time{}, &MRZError{Line: 2, Pos: 1, Field: "date of birth", Err: ErrDate}
	}
	ref = civilDate(ref)
	c := ref.Year() / 100 * 100
	for y := c + yy; y >= c+yy-200; y -= 100 {
		if !civilValid(y, mm, dd) {
			continue // 29 February in a non-leap century year
		}
		t := time.Date(y, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
		if !t.After(ref) {
			return t, nil
		}
	}
	return time.Time{}, &MRZError{Line: 2, Pos: 1, Field: "date of birth", Err: ErrDate}
}

// ExpiryDate returns the date of expiry as 20YY-MM-DD at midnight UTC (CIE
// 3.0 cards are issued since 2016 and last at most about 11 years). It
// returns an error wrapping [ErrDate] if the date is not a calendar date.
func (m *MRZ) ExpiryDate() (time.Time, error) {
	yy, mm, dd, ok := mrzDigits(m.Expiry)
	if !ok || !civilValid(2000+yy, mm, dd) {
		return time.Time{}, &MRZError{Line: 2, Pos: 9, Field: "date of expiry", Err: ErrDate}
	}
	return time.Date(2000+yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC), nil
}

// mrzDigits decodes a fully known YYMMDD.
func mrzDigits(s string) (yy, mm, dd int, ok bool) {
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, 0, false
		}
	}
	n := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	return n(0), n(2), n(4), true
}

// PossiblyTruncated reports whether the name may have been truncated: the
// last position of the name field (TD1 line 3 position 30, TD2 line 1
// position 36, TD3 line 1 position 44) holds a letter (Doc 9303-3 §4.6).
func (m *MRZ) PossiblyTruncated() bool {
	w, li := m.Format.nameWidth()
	n, err := mrzNameField(m.Surname, m.GivenNames, w, li)
	return err == nil && n[w-1] != '<'
}
