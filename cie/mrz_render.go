package cie

import "strings"

// Lines renders the three 30-character lines, computing every check digit.
// Names longer than the 30 positions of line 3 are truncated as described at
// [EncodeMRZ]. It returns a [*MRZError] if a field does not fit its
// positions or holds characters outside the MRZ alphabet; a hand-built MRZ
// that renders may still fail [ParseMRZ] (an impossible date, say).
//
// A [TD2] or [TD3] MRZ renders two lines (of 36 or 44 characters) and an
// empty third string.
func (m *MRZ) Lines() ([3]string, error) {
	var out [3]string
	if m.Format != TD1 {
		l1, l2, err := m.linesTD()
		return [3]string{l1, l2, ""}, err
	}
	var l1, l2 []byte
	l1 = make([]byte, 0, 30)
	l2 = make([]byte, 0, 30)

	if len(m.DocumentCode) != 2 || !mrzAlphabet(m.DocumentCode) {
		return out, mrzErr(1, 1, ErrDocumentCode)
	}
	l1 = append(l1, m.DocumentCode...)
	if err := mrzPut(&l1, m.IssuingState, 3, 1, 3); err != nil {
		return out, err
	}
	n := m.DocumentNumber
	if n == "" || !mrzAlphabet(n) {
		return out, mrzErr(1, 6, ErrCharacter)
	}
	if len(n) <= 9 {
		l1 = append(l1, n...)
		l1 = mrzPad(l1, 14)
		l1 = append(l1, CheckDigit(string(l1[5:14])))
		if err := mrzPut(&l1, m.OptionalData1, 15, 1, 16); err != nil {
			return out, err
		}
	} else {
		// Doc 9303-5 note j: 9 characters, a filler, the overflow, its check
		// digit and a filler, then the optional data.
		if 15+len(n)-9+1 > 30 {
			return out, mrzErr(1, 16, ErrLength)
		}
		l1 = append(l1, n[:9]...)
		l1 = append(l1, '<')
		l1 = append(l1, n[9:]...)
		l1 = append(l1, CheckDigit(n))
		if len(l1) < 30 {
			l1 = append(l1, '<')
		}
		if m.OptionalData1 != "" {
			if err := mrzPut(&l1, m.OptionalData1, 30-len(l1), 1, len(l1)+1); err != nil {
				return out, err
			}
		}
		l1 = mrzPad(l1, 30)
	}

	if len(m.Birth) != 6 || !mrzAlphabet(m.Birth) {
		return out, mrzErr(2, 1, ErrDate)
	}
	l2 = append(l2, m.Birth...)
	l2 = append(l2, CheckDigit(m.Birth))
	sx, ok := mrzSex(m.Sex)
	if !ok {
		return out, mrzErr(2, 8, ErrSex)
	}
	l2 = append(l2, sx)
	if len(m.Expiry) != 6 || !mrzAlphabet(m.Expiry) {
		return out, mrzErr(2, 9, ErrDate)
	}
	l2 = append(l2, m.Expiry...)
	l2 = append(l2, CheckDigit(m.Expiry))
	if err := mrzPut(&l2, m.Nationality, 3, 2, 16); err != nil {
		return out, err
	}
	if err := mrzPut(&l2, m.OptionalData2, 11, 2, 19); err != nil {
		return out, err
	}
	l2 = append(l2, mrzComposite(string(l1), string(l2)+"<"))

	l3, err := mrzNameLine(m.Surname, m.GivenNames)
	if err != nil {
		return out, err
	}
	return [3]string{string(l1), string(l2), l3}, nil
}

// String returns the lines (three for TD1, two for TD2 and TD3) separated
// by "\n", or "" if the MRZ cannot be rendered (see [MRZ.Lines]).
func (m *MRZ) String() string {
	l, err := m.Lines()
	if err != nil {
		return ""
	}
	if m.Format != TD1 {
		return l[0] + "\n" + l[1]
	}
	return l[0] + "\n" + l[1] + "\n" + l[2]
}

// mrzAlphabet reports whether s uses only A-Z, 0-9 and '<'.
func mrzAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<') {
			return false
		}
	}
	return true
}

// mrzPut appends s padded with fillers to width, reporting a field that is
// too long or outside the alphabet at 1-based line and position.
func mrzPut(dst *[]byte, s string, width, line, pos int) error {
	if len(s) > width {
		return mrzErr(line, pos, ErrLength)
	}
	if !mrzAlphabet(s) {
		return mrzErr(line, pos, ErrCharacter)
	}
	*dst = append(*dst, s...)
	*dst = mrzPad(*dst, len(*dst)+width-len(s))
	return nil
}

// mrzPad appends fillers up to length n.
func mrzPad(b []byte, n int) []byte {
	for len(b) < n {
		b = append(b, '<')
	}
	return b
}

// mrzNameLine renders line 3 from the primary and secondary identifiers
// (components separated by spaces, letters only), truncating if needed.
// Both are checked before any truncation: the primary identifier must be
// non-empty, and neither may have a leading space or two spaces in a row
// (a '<' next to the "<<" separator, or "<<" inside an identifier, would
// not split back to the same names: ICAO Doc 9303-3 §4.6 separates
// components by one filler); trailing spaces of the secondary identifier
// are padding. So the first character kept of a truncated secondary
// identifier is always a letter (issue 16: a surname of 28 letters and the
// given names " MARIA" used to render a line ending in "<<<").
func mrzNameLine(primary, secondary string) (string, error) {
	return mrzNameField(primary, secondary, 30, 3)
}

// mrzNameField is [mrzNameLine] for a name field of width positions on
// 1-based line li (30 on TD1 line 3, 31 on TD2 and 39 on TD3 line 1).
func mrzNameField(primary, secondary string, width, li int) (string, error) {
	bad := &MRZError{Line: li, Field: "name", Err: ErrName}
	if primary == "" || primary[0] == ' ' || primary[len(primary)-1] == ' ' || strings.Contains(primary, "  ") {
		return "", bad
	}
	secondary = strings.TrimRight(secondary, " ")
	if secondary != "" && (secondary[0] == ' ' || strings.Contains(secondary, "  ")) {
		return "", bad
	}
	for _, n := range [2]string{primary, secondary} {
		for i := 0; i < len(n); i++ {
			if c := n[i]; !(c >= 'A' && c <= 'Z' || c == ' ') {
				return "", bad
			}
		}
	}
	p := strings.ReplaceAll(primary, " ", "<")
	s := strings.ReplaceAll(secondary, " ", "<")
	line, ok := mrzTruncate(p, s, width)
	if !ok {
		return "", bad
	}
	return string(mrzPad([]byte(line), width)), nil
}

// mrzTruncate fits the name into width positions (ICAO Doc 9303-3 §4.6,
// Doc 9303-5 §4.2.3):
//
//   - a name that fits is written whole: primary, "<<", secondary;
//   - otherwise the primary identifier is kept whole if it leaves room for
//     "<<" and the first letter of the secondary identifier, and cut
//     otherwise; then the line is cut at width;
//   - whenever a cut leaves a filler in the last position, letters are
//     removed from the end of the nearest component that has more than one
//     letter, until the last position holds a letter, which marks the name
//     as possibly truncated. Components are never dropped entirely, so the
//     "<<" separator and the component structure are preserved.
//
// It reports false when no such form exists (many one-letter components).
func mrzTruncate(p, s string, width int) (string, bool) {
	full := p
	if s != "" {
		full = p + "<<" + s
	}
	if len(full) <= width {
		return full, true
	}
	if s != "" && len(p)+3 > width {
		pp, ok := mrzCut(p, width-3)
		if !ok {
			return "", false
		}
		return pp + "<<" + s[:1], true
	}
	return mrzCut(full, width)
}

// mrzCut cuts s to n characters so that the last one is a letter, removing
// letters from components with more than one letter when the cut would end
// on a filler.
func mrzCut(s string, n int) (string, bool) {
	b := []byte(s)
	for len(b) > n && b[n-1] == '<' {
		// Find the rightmost letter before position n-1 whose left
		// neighbour is also a letter, and delete it.
		j := n - 2
		for ; j > 0; j-- {
			if b[j] != '<' && b[j-1] != '<' {
				break
			}
		}
		if j <= 0 {
			return "", false
		}
		b = append(b[:j], b[j+1:]...)
	}
	if len(b) > n {
		b = b[:n]
	}
	return string(b), true
}
