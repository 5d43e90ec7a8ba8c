package cie

import "time"

// Document is the identity of one physical card.
type Document struct {
	// Number is the card number ("numero unico nazionale").
	Number CardNumber
	// IssueDate and ExpiryDate are calendar dates at midnight UTC.
	IssueDate, ExpiryDate time.Time
	// IssuingComune is the name of the issuing comune (or consulate) as
	// printed on the front ("Comune emettitore").
	IssuingComune string
	// ValidForTravel is false when the card is printed "non valida per
	// l'espatrio". It is false for foreign citizens. The zero value is the
	// safe one; set it from [EspatrioEligible], never by default.
	ValidForTravel bool
	// CAN is the 6-digit card access number printed on the front (Doc
	// 9303-5 §3.2.3). It is not a secret, but it opens the chip over PACE.
	CAN string
}

// Address is a residence address as printed on the back of the card.
type Address struct {
	// Street is the street, number and any internal ("VIA ROMA 1").
	Street string
	// PostalCode is the CAP, 5 digits for Italy.
	PostalCode string
	// Comune is the comune (or foreign locality) of residence.
	Comune string
	// Province is the province sigla ("RM"), "" abroad.
	Province string
	// Country is the ISO 3166-1 alpha-3 code of the country, "ITA" in Italy;
	// the zero value means Italy.
	Country string
}

// ParentRole tells which parent or guardian a [Parent] is.
type ParentRole uint8

const (
	// ParentUnspecified is the zero value.
	ParentUnspecified ParentRole = iota
	// ParentFather, ParentMother and ParentGuardian (tutore) are the roles.
	ParentFather
	ParentMother
	ParentGuardian
)

// Parent is a parent (or guardian) whose name is printed on the back of a
// minor's card on request (TULPS art. 3 c.5, as replaced by DL 5/2012 art.
// 40), which lets an under-14 travel abroad with them.
type Parent struct {
	Surname, GivenNames string
	Role                ParentRole
}

// OrganDonation is the holder's choice on organ donation, sent to the
// Sistema Informativo Trapianti and not printed on the card. Only adults
// may express it; it is optional.
type OrganDonation uint8

const (
	// OrganDonationNone means no choice was expressed (the zero value).
	OrganDonationNone OrganDonation = iota
	// OrganDonationConsent is consent to donation.
	OrganDonationConsent
	// OrganDonationRefusal is refusal of donation.
	OrganDonationRefusal
)

// String returns "none", "consent" or "refusal".
func (o OrganDonation) String() string {
	switch o {
	case OrganDonationNone:
		return "none"
	case OrganDonationConsent:
		return "consent"
	case OrganDonationRefusal:
		return "refusal"
	}
	return "invalid"
}
