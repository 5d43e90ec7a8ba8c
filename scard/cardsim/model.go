package cardsim

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// fromCard fills the empty personal-data fields of cfg from cfg.Card.
func fromCard(cfg *CIEOptions) error {
	c := cfg.Card
	if cfg.MRZ == "" {
		m, err := c.MRZ()
		if err != nil {
			return fmt.Errorf("cardsim: CIEOptions.Card: %w", err)
		}
		lines, err := m.Lines()
		if err != nil {
			return fmt.Errorf("cardsim: CIEOptions.Card: %w", err)
		}
		cfg.MRZ = strings.Join(lines[:], "\n")
	}
	if reflect.ValueOf(cfg.Personal).IsZero() {
		cfg.Personal = DG11From(c)
	}
	if cfg.Document == (emrtd.DG12{}) {
		cfg.Document = DG12From(c.Document)
	}
	if cfg.CAN.IsZero() {
		can, err := emrtd.NewCAN(c.Document.CAN)
		if err != nil {
			return fmt.Errorf("cardsim: CIEOptions.Card: document CAN: %w", err)
		}
		cfg.CAN = can
	}
	return nil
}

// DG11From returns the DG11 content the issuing software writes
// for a card: full name "SURNAME<<GIVEN<NAMES" in upper case with accents
// and apostrophes kept (the MRZ transliterates, DG11 does not), the
// codice fiscale as personal number, the full date of birth, the place of
// birth "COMUNE<PROVINCIA" (for a foreign state its name alone) and the
// residence "STREET<COMUNE<PROVINCIA".
func DG11From(c *cie.Card) emrtd.DG11 {
	h := c.Holder
	var place string
	switch bp := h.BirthPlace; {
	case bp.Name == "":
	case bp.Foreign || bp.Province == "":
		place = dg11Text(bp.Name)
	default:
		place = dg11Text(bp.Name) + "<" + bp.Province
	}
	return emrtd.DG11{
		FullName:        fullName(h.Surname, h.GivenNames),
		PersonalNumber:  string(h.CodiceFiscale),
		FullDateOfBirth: h.BirthDate,
		PlaceOfBirth:    place,
		Address:         addressField(c.Residence),
	}
}

// This file maps the cie data model onto the chip's data groups, as the
// issuing software personalises a real CIE.

// DG12From returns the DG12 content for a document: the issuing
// authority is "COMUNE DI " and the upper-cased IssuingComune (kept as is
// if it already names an authority, e.g. a consulate), and the issue date.
func DG12From(d cie.Document) emrtd.DG12 {
	auth := strings.ToUpper(strings.TrimSpace(d.IssuingComune))
	if auth != "" && !strings.HasPrefix(auth, "COMUNE ") && !strings.HasPrefix(auth, "CONSOLATO") &&
		!strings.HasPrefix(auth, "AMBASCIATA") && !strings.HasPrefix(auth, "MINISTERO") {
		auth = "COMUNE DI " + auth
	}
	return emrtd.DG12{IssuingAuthority: auth, DateOfIssue: d.IssueDate}
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
