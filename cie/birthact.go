package cie

import (
	"strconv"
	"strings"
)

// ANSCActID is the national identifier of a civil-status act in the ANSC
// form that may be printed as the birth-act reference in zone 21 of the back
// of the card (Decreto Direttoriale 19 luglio 2023): year, national
// progressive number, comune progressive number and the ISTAT code of the
// comune, written "2022-1002-10-043023".
type ANSCActID struct {
	Year        int
	National    int
	Comune      int
	ISTATComune string // 6 digits
}

// String formats the identifier as printed.
func (a ANSCActID) String() string {
	y := strconv.Itoa(a.Year)
	for len(y) < 4 {
		y = "0" + y
	}
	return y + "-" + strconv.Itoa(a.National) + "-" + strconv.Itoa(a.Comune) + "-" + a.ISTATComune
}

// ParseANSCActID parses an ANSC act identifier: four hyphen-separated
// groups of digits, a 4-digit year, two progressive numbers (no leading
// zeros required) and the 6-digit ISTAT code of the comune. Legacy birth-act
// references do not have this form; ParseANSCActID returns a [*FieldError]
// wrapping [ErrCharacter] or [ErrLength] for them.
func ParseANSCActID(s string) (ANSCActID, error) {
	var a ANSCActID
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 4 || len(parts[0]) != 4 || len(parts[3]) != 6 {
		return a, &FieldError{Field: "birth act", Err: ErrLength}
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 9 {
			return a, &FieldError{Field: "birth act", Err: ErrLength}
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return a, &FieldError{Field: "birth act", Err: ErrCharacter}
			}
		}
		if i < 3 {
			n[i], _ = strconv.Atoi(p)
		}
	}
	return ANSCActID{Year: n[0], National: n[1], Comune: n[2], ISTATComune: parts[3]}, nil
}
