package cardsim

import (
	"strings"

	"github.com/ciekit/ciekit/cie"
)

// This file maps the cie data model onto the chip's data groups, as the
// issuing software personalises a real CIE.

// DocumentDetailsFrom returns the DG12 content for a document: the issuing
// authority is "COMUNE DI " and the upper-cased IssuingComune (kept as is
// if it already names an authority, e.g. a consulate), and the issue date.
func DocumentDetailsFrom(d cie.Document) DocumentDetails {
	auth := strings.ToUpper(strings.TrimSpace(d.IssuingComune))
	if auth != "" && !strings.HasPrefix(auth, "COMUNE ") && !strings.HasPrefix(auth, "CONSOLATO") &&
		!strings.HasPrefix(auth, "AMBASCIATA") && !strings.HasPrefix(auth, "MINISTERO") {
		auth = "COMUNE DI " + auth
	}
	return DocumentDetails{IssuingAuthority: auth, IssueDate: d.IssueDate}
}

// addressField formats a residence as DG11 DO 5F42 on the CIE:
// "STREET<COMUNE<PROVINCIA", or "STREET<LOCALITY<COUNTRY" abroad.
func addressField(a cie.Address) string {
	if a.Street == "" && a.Comune == "" {
		return ""
	}
	last := a.Province
	if a.Country != "" && a.Country != "ITA" {
		last = a.Country
	}
	parts := []string{a.Street, a.Comune}
	if last != "" {
		parts = append(parts, last)
	}
	return dg11Text(strings.Join(parts, "<"))
}

// dg11Text upper-cases a DG11 text field and turns spaces inside a
// component into single spaces (the '<' separates components).
func dg11Text(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
}

// fullName formats DG11 DO 5F0E, "SURNAME<<GIVEN<NAMES": components of
// each name are separated by '<'.
func fullName(surname, given string) string {
	f := func(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), "<") }
	if given == "" {
		return f(surname)
	}
	return f(surname) + "<<" + f(given)
}
