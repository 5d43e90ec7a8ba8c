package cie

import (
	"strconv"
	"strings"
)

// MRZFormat is the layout of a machine readable zone (ICAO Doc 9303-3 and
// the part for each size of document).
type MRZFormat uint8

// MRZ formats. The zero value is TD1, the CIE's.
//
// [MRZ] fields by format: TD1 uses every field. TD2 and TD3 have a single
// optional data field, held in OptionalData1 (TD2 line 2 positions 29-35,
// with the overflow of a long document number as on TD1; TD3 line 2
// positions 29-42, the personal number, protected by its own check digit at
// position 43); OptionalData2 is always empty.
const (
	// TD1: three lines of 30 characters (ICAO Doc 9303-5), identity cards.
	TD1 MRZFormat = iota
	// TD2: two lines of 36 characters (ICAO Doc 9303-6), identity cards and
	// other official travel documents.
	TD2
	// TD3: two lines of 44 characters (ICAO Doc 9303-4), passports.
	TD3
)

// String returns "TD1", "TD2", "TD3", or "MRZFormat(n)".
func (f MRZFormat) String() string {
	switch f {
	case TD1:
		return "TD1"
	case TD2:
		return "TD2"
	case TD3:
		return "TD3"
	}
	return "MRZFormat(" + strconv.Itoa(int(f)) + ")"
}

// width is the line length of the format, 0 if unknown.
func (f MRZFormat) width() int {
	switch f {
	case TD1:
		return 30
	case TD2:
		return 36
	case TD3:
		return 44
	}
	return 0
}

// nameWidth returns the width of the name field and its 1-based line.
func (f MRZFormat) nameWidth() (width, line int) {
	switch f {
	case TD2:
		return 31, 1
	case TD3:
		return 39, 1
	}
	return 30, 3
}

// tdField names the TD2 or TD3 field at 1-based line and position.
func tdField(f MRZFormat, line, pos int) string {
	opt := 35 // TD2 line 2: optional data 29-35, composite 36
	if f == TD3 {
		opt = 42 // TD3 line 2: personal number 29-42, its check digit 43
	}
	switch line {
	case 1:
		switch {
		case pos <= 2:
			return "document code"
		case pos <= 5:
			return "issuing state"
		default:
			return "name"
		}
	case 2:
		switch {
		case pos <= 9:
			return "document number"
		case pos == 10:
			return "document number check digit"
		case pos <= 13:
			return "nationality"
		case pos <= 28:
			return birthSexExpiryField(pos - 13)
		case pos <= opt:
			return "optional data"
		case f == TD3 && pos == 43:
			return "personal number check digit"
		default:
			return "composite check digit"
		}
	}
	return ""
}

// ParseAnyMRZ parses and validates a machine readable zone of any ICAO
// size, telling them apart by length: TD1 (three lines of 30, as
// [ParseMRZ]), TD2 (two lines of 36, ICAO Doc 9303-6 §4.2) or TD3 (two
// lines of 44, ICAO Doc 9303-4 §4.2). Lines are separated by white space, or
// the characters come in one piece (90, 72 or 88 of them); white space
// around is ignored. The result's Format says which it was.
//
// TD2 and TD3 get the same checks as TD1 (alphabet, document code, States,
// dates, sex, name, every check digit), with their own positions: TD3
// needs a document code starting with 'P'; TD2 one starting with 'A', 'C'
// or 'I' (as TD1). Visas (Doc 9303-7), whose line 2 has no composite check
// digit, are refused with [ErrDocumentCode].
//
// Errors are as for [ParseMRZ]: a [*MRZError] with the 1-based line,
// position and field. On error the MRZ is nil.
func ParseAnyMRZ(s string) (*MRZ, error) {
	var f [3]string
	n := 0
	for _, tok := range strings.Fields(s) {
		if n == len(f) {
			return nil, &MRZError{Err: ErrLength}
		}
		f[n] = tok
		n++
	}
	format := TD1
	switch {
	case n == 1 && len(f[0]) == 72:
		format, f[0], f[1] = TD2, f[0][:36], f[0][36:]
	case n == 1 && len(f[0]) == 88:
		format, f[0], f[1] = TD3, f[0][:44], f[0][44:]
	case n == 2 && len(f[0]) == 36:
		format = TD2
	case n == 2 && len(f[0]) == 44:
		format = TD3
	case n == 2:
		return nil, &MRZError{Line: 1, Err: ErrLength}
	default:
		return ParseMRZ(s)
	}
	w := format.width()
	for i, l := range f[:2] {
		if len(l) != w {
			return nil, &MRZError{Line: i + 1, Err: ErrLength}
		}
	}
	m, err := parseTD(format, f[0], f[1])
	if err != nil {
		if e, ok := err.(*MRZError); ok && e.Line > 0 && e.Pos > 0 {
			e.Field = tdField(format, e.Line, e.Pos)
		}
		return nil, err
	}
	return m, nil
}

// parseTD parses the two lines of a TD2 or TD3 MRZ, of the right length.
func parseTD(format MRZFormat, l1, l2 string) (*MRZ, error) {
	for li, l := range [2]string{l1, l2} {
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<') {
				return nil, mrzErr(li+1, i+1, ErrCharacter)
			}
		}
	}
	w := len(l1)
	m := &MRZ{Format: format}

	// Line 1: document code, issuing State, name.
	c0, c1 := l1[0], l1[1]
	switch {
	case format == TD3 && c0 != 'P',
		format == TD2 && c0 != 'A' && c0 != 'C' && c0 != 'I':
		return nil, mrzErr(1, 1, ErrDocumentCode)
	case c1 == 'V' && format == TD2, !(c1 == '<' || c1 >= 'A' && c1 <= 'Z'), l1[:2] == "AI":
		return nil, mrzErr(1, 2, ErrDocumentCode)
	}
	m.DocumentCode = l1[:2]
	if err := mrzCheckState(l1[2:5], 1, 3); err != nil {
		return nil, err
	}
	m.IssuingState = l1[2:5]
	if err := mrzCheckName(l1[5:], 1, 6); err != nil {
		return nil, err
	}
	m.Surname, m.GivenNames = mrzSplitName(l1[5:])

	// Line 2.
	optEnd := w - 1 // exclusive end of the optional data (TD2 35, TD3 42)
	if format == TD3 {
		optEnd = w - 2
	}
	opt := l2[28:optEnd]
	if format == TD2 && l2[9] == '<' && strings.Trim(l2[:9], "<") != "" && strings.Trim(opt, "<") != "" {
		// Long document number (Doc 9303-6 §4.2.2 note j, as TD1):
		// overflow in the optional data up to a filler, its last character
		// the check digit of the whole number.
		j := strings.IndexByte(opt, '<')
		if j < 0 {
			j = len(opt)
		}
		if j < 2 {
			return nil, mrzErr(2, 29, ErrCharacter)
		}
		over, cd := opt[:j-1], opt[j-1]
		if cd < '0' || cd > '9' {
			return nil, mrzErr(2, 28+j, ErrCharacter)
		}
		if CheckDigit(l2[:9]+over) != cd {
			return nil, mrzErr(2, 28+j, ErrCheckDigit)
		}
		m.DocumentNumber = l2[:9] + over
		rest := opt[j:]
		if rest != "" {
			rest = rest[1:] // the filler after the check digit
		}
		m.OptionalData1 = strings.TrimRight(rest, "<")
	} else {
		if err := mrzCheckDigitAt(l2, 2, 0, 9); err != nil {
			return nil, err
		}
		m.DocumentNumber = strings.TrimRight(l2[:9], "<")
		m.OptionalData1 = strings.TrimRight(opt, "<")
	}
	if m.DocumentNumber == "" {
		return nil, mrzErr(2, 1, ErrCharacter)
	}
	if err := mrzCheckState(l2[10:13], 2, 11); err != nil {
		return nil, err
	}
	m.Nationality = l2[10:13]
	if err := m.parseBirthSexExpiry(l2, 13); err != nil {
		return nil, err
	}
	if format == TD3 {
		// The personal number's check digit may be '<' when it is all
		// fillers (Doc 9303-4 §4.2.2 note).
		if err := mrzCheckDigitAt(l2, 2, 28, 42); err != nil {
			return nil, err
		}
	}
	if c := l2[w-1]; c < '0' || c > '9' {
		return nil, mrzErr(2, w, ErrCharacter)
	}
	if tdComposite(l2) != l2[w-1] {
		return nil, mrzErr(2, w, ErrCheckDigit)
	}
	return m, nil
}

// tdComposite computes the TD2/TD3 composite check digit (Doc 9303-4
// §4.2.2.2, Doc 9303-6 §4.2.2.2): line 2 positions 1-10, 14-20 and 22 up
// to the one before the composite (35 on TD2, 43 on TD3).
func tdComposite(l2 string) byte {
	sum := mrzSum(0, 0, l2[0:10])
	sum = mrzSum(sum, 10, l2[13:20])
	sum = mrzSum(sum, 17, l2[21:len(l2)-1])
	return '0' + byte(sum%10)
}

// linesTD renders a TD2 or TD3 MRZ.
func (m *MRZ) linesTD() (l1s, l2s string, err error) {
	f := m.Format
	w := f.width()
	if f != TD2 && f != TD3 {
		return "", "", &MRZError{Field: "format", Err: ErrDocumentCode}
	}
	relabel := func(err error) error {
		if e, ok := err.(*MRZError); ok && e.Pos > 0 {
			e.Field = tdField(f, e.Line, e.Pos)
		}
		return err
	}
	if len(m.DocumentCode) != 2 || !mrzAlphabet(m.DocumentCode) {
		return "", "", relabel(mrzErr(1, 1, ErrDocumentCode))
	}
	l1 := make([]byte, 0, w)
	l1 = append(l1, m.DocumentCode...)
	if err := mrzPut(&l1, m.IssuingState, 3, 1, 3); err != nil {
		return "", "", relabel(err)
	}
	nw, _ := f.nameWidth()
	name, err := mrzNameField(m.Surname, m.GivenNames, nw, 1)
	if err != nil {
		return "", "", err
	}
	l1 = append(l1, name...)

	l2 := make([]byte, 0, w)
	n := m.DocumentNumber
	if n == "" || !mrzAlphabet(n) {
		return "", "", relabel(mrzErr(2, 1, ErrCharacter))
	}
	optWidth := 7 // TD2 positions 29-35
	if f == TD3 {
		optWidth = 14 // TD3 positions 29-42
	}
	opt := m.OptionalData1
	if len(n) <= 9 {
		l2 = append(l2, n...)
		l2 = mrzPad(l2, 9)
		l2 = append(l2, CheckDigit(string(l2[:9])))
	} else {
		if f == TD3 {
			return "", "", relabel(mrzErr(2, 1, ErrLength)) // TD3 has no overflow
		}
		l2 = append(l2, n[:9]...)
		l2 = append(l2, '<')
		over := n[9:] + string(CheckDigit(n))
		if opt != "" {
			over += "<" + opt
		}
		opt = over
	}
	if err := mrzPut(&l2, m.Nationality, 3, 2, 11); err != nil {
		return "", "", relabel(err)
	}
	if len(m.Birth) != 6 || !mrzAlphabet(m.Birth) {
		return "", "", relabel(mrzErr(2, 14, ErrDate))
	}
	l2 = append(l2, m.Birth...)
	l2 = append(l2, CheckDigit(m.Birth))
	sx, ok := mrzSex(m.Sex)
	if !ok {
		return "", "", relabel(mrzErr(2, 21, ErrSex))
	}
	l2 = append(l2, sx)
	if len(m.Expiry) != 6 || !mrzAlphabet(m.Expiry) {
		return "", "", relabel(mrzErr(2, 22, ErrDate))
	}
	l2 = append(l2, m.Expiry...)
	l2 = append(l2, CheckDigit(m.Expiry))
	if err := mrzPut(&l2, opt, optWidth, 2, 29); err != nil {
		return "", "", relabel(err)
	}
	if f == TD3 {
		if strings.Trim(opt, "<") == "" {
			l2 = append(l2, '<')
		} else {
			l2 = append(l2, CheckDigit(string(l2[28:42])))
		}
	}
	l2 = append(l2, '0')
	l2[w-1] = tdComposite(string(l2))
	return string(l1), string(l2), nil
}
