package cie

// Sex is the sex of a holder as printed in the visual zone: [SexMale],
// [SexFemale] or [SexUnspecified]. The zero value means "not entered" and is
// rejected wherever a sex is required.
type Sex byte

// Sex values. They are the letters printed on the card; in the MRZ
// SexUnspecified is written as '<' (ICAO Doc 9303-5 note f).
const (
	SexMale        Sex = 'M'
	SexFemale      Sex = 'F'
	SexUnspecified Sex = 'X'
)

// String returns "M", "F", "X", or "" for the zero value and any other byte.
func (s Sex) String() string {
	switch s {
	case SexMale, SexFemale, SexUnspecified:
		return string(rune(s))
	}
	return ""
}

// Valid reports whether s is one of the three defined values.
func (s Sex) Valid() bool { return s == SexMale || s == SexFemale || s == SexUnspecified }

// mrzSex returns the MRZ character for s.
func mrzSex(s Sex) (byte, bool) {
	switch s {
	case SexMale:
		return 'M', true
	case SexFemale:
		return 'F', true
	case SexUnspecified:
		return '<', true
	}
	return 0, false
}
