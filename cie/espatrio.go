package cie

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
