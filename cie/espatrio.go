package cie

import "time"

// Consent is an operator-entered yes or no. Its zero value means "not
// entered", which [EspatrioEligible] rejects: travel validity is never
// defaulted (see ANPR issue #1144, where a default made cards valid by
// mistake).
type Consent uint8

const (
	// ConsentUnset means the question was not answered (the zero value).
	ConsentUnset Consent = iota
	// ConsentGiven is a yes.
	ConsentGiven
	// ConsentRefused is a no.
	ConsentRefused
)

// EspatrioRequest holds what the operator records about validity for
// travel abroad.
type EspatrioRequest struct {
	// Declaration is, for an adult, the signed declaration that none of the
	// impediments to a passport apply (DPR 649/1974 art. 1; L. 1185/1967
	// art. 3). Ignored for minors.
	Declaration Consent
	// ParentsConsent is, for a minor, the assent of both parents or of the
	// guardian, or the giudice tutelare's authorisation. Ignored for adults.
	ParentsConsent Consent
}

// EspatrioEligible reports whether a card issued on date at to p may be
// valid for travel abroad ("valida per l'espatrio"):
//
//   - never for a foreign citizen (p.Citizenship other than "ITA"): false,
//     whatever the request says;
//   - for a minor (under 18 on at), only with r.ParentsConsent given;
//   - for an adult, only with r.Declaration given.
//
// It returns an error wrapping [ErrMissing] if p.Citizenship or
// p.BirthDate or at is zero, or if the consent that applies is [ConsentUnset]:
// there is no default. Under-14s also need to travel with a parent or an
// accompanying declaration; that is not a property of the card.
func EspatrioEligible(p Person, at time.Time, r EspatrioRequest) (bool, error) {
	if p.Citizenship == "" {
		return false, &FieldError{Field: "citizenship", Err: ErrMissing}
	}
	if p.Citizenship != "ITA" {
		return false, nil
	}
	if p.BirthDate.IsZero() {
		return false, &DateError{Field: "birth date", Err: ErrMissing}
	}
	if at.IsZero() {
		return false, &DateError{Field: "date", Err: ErrMissing}
	}
	c, field := r.Declaration, "espatrio declaration"
	if p.Minor(at) {
		c, field = r.ParentsConsent, "parents' consent"
	}
	switch c {
	case ConsentGiven:
		return true, nil
	case ConsentRefused:
		return false, nil
	}
	return false, &FieldError{Field: field, Err: ErrMissing}
}
