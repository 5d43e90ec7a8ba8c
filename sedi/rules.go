package sedi

import (
	"errors"
	"fmt"
)

// Rule is a stable code for one rule of the SediCIE manual. Applications
// may map it to their own texts; [RuleError.Message] renders the built-in
// Italian and English ones.
type Rule string

// The rules, with the manual's section in [RuleError.Section].
const (
	RuleRequired           Rule = "required"              // §3.1.1, §3.1.2: fields marked (*)
	RuleFormat             Rule = "format"                // §3.1.1, §3.1.2: CAP, email, phone, lengths
	RuleTaxCode            Rule = "tax-code"              // §3.1.1, §3.1.2: codice fiscale / partita IVA check
	RuleIBAN               Rule = "iban"                  // §3.1.1: IBAN mod-97
	RuleCount              Rule = "count"                 // §3.1.1: workstations and operators
	RuleDuplicateReferente Rule = "duplicate-referente"   // §3.1.2
	RuleNeedReferente      Rule = "need-referente"        // §3.1.2: at least one per sede
	RuleRoleNotAssociated  Rule = "role-not-associated"   // §3.1.2: role holders are associated referenti
	RuleNeedSecurityOff    Rule = "need-security-officer" // §3.1.3
	RuleSecurityOffComune  Rule = "security-officer-other-comune"
	RuleOneInstallContact  Rule = "one-installation-contact" // §3.1.4
	RuleNeedManager        Rule = "need-manager"             // §3.1.5
	RuleOneManager         Rule = "one-manager"              // §3.1.5
	RuleStep               Rule = "step"                     // §3.1: the six steps, in order
	RuleNotFound           Rule = "not-found"
	RuleOtherComune        Rule = "other-comune" // a referente from another comune's list
)

// Sentinels that rule errors unwrap to, for callers who branch on the kind
// of problem rather than the rule.
var (
	ErrInvalid   = errors.New("sedi: invalid data")
	ErrConflict  = errors.New("sedi: rule violated")
	ErrNotFound  = errors.New("sedi: not found")
	ErrFlowState = errors.New("sedi: action not allowed at this step")
)

// RuleError is a violated rule. Field names the field as the manual labels
// it (e.g. "CAP", "Codice Fiscale"), or "" for a rule about the whole sede;
// Section is the manual's section (e.g. "3.1.3"). It never carries the
// offending personal data.
type RuleError struct {
	Rule    Rule
	Field   string
	Section string
}

func (e *RuleError) Error() string {
	s := "sedi: " + messages[e.Rule].en
	if e.Field != "" {
		s = fmt.Sprintf("sedi: %s: %s", e.Field, messages[e.Rule].en)
	}
	if e.Section != "" {
		s += " (SediCIE manual §" + e.Section + ")"
	}
	return s
}

// Unwrap returns [ErrInvalid], [ErrConflict], [ErrNotFound] or
// [ErrFlowState].
func (e *RuleError) Unwrap() error {
	switch e.Rule {
	case RuleRequired, RuleFormat, RuleTaxCode, RuleIBAN, RuleCount:
		return ErrInvalid
	case RuleNotFound:
		return ErrNotFound
	case RuleStep:
		return ErrFlowState
	}
	return ErrConflict
}

// Message renders the error for a person: lang "it" gives Italian, any
// other value English. Field names stay as the manual labels them.
func (e *RuleError) Message(lang string) string {
	m := messages[e.Rule]
	text := m.en
	if lang == "it" {
		text = m.it
	}
	if e.Field != "" {
		return e.Field + ": " + text
	}
	return text
}

type message struct{ it, en string }

var messages = map[Rule]message{
	RuleRequired:           {"campo obbligatorio", "required field"},
	RuleFormat:             {"formato non valido", "invalid format"},
	RuleTaxCode:            {"codice fiscale o partita IVA non valido", "invalid codice fiscale or partita IVA"},
	RuleIBAN:               {"codice IBAN non valido", "invalid IBAN"},
	RuleCount:              {"deve essere un numero maggiore di zero", "must be a number greater than zero"},
	RuleDuplicateReferente: {"La persona che si sta inserendo è già presente nell'elenco dei referenti", "the person being added is already in the list of contacts"},
	RuleNeedReferente:      {"la sede deve avere almeno un referente", "the sede needs at least one contact"},
	RuleRoleNotAssociated:  {"il ruolo può essere assegnato solo a un referente associato alla sede", "a role can only go to a contact associated with the sede"},
	RuleNeedSecurityOff:    {"la sede deve avere almeno un Security Officer", "the sede needs at least one Security Officer"},
	RuleSecurityOffComune:  {"la persona è già Security Officer in un altro Comune", "the person is already a Security Officer in another comune"},
	RuleOneInstallContact:  {"la sede deve avere uno e un solo Referente per le installazioni", "the sede needs exactly one installation contact"},
	RuleNeedManager:        {"la sede deve avere un Responsabile del servizio di emissione CIE", "the sede needs an issuing-service manager"},
	RuleOneManager:         {"la sede può avere un solo Responsabile del servizio di emissione CIE", "the sede can have only one issuing-service manager"},
	RuleStep:               {"operazione non consentita in questo passo", "action not allowed at this step"},
	RuleNotFound:           {"elemento non trovato", "not found"},
	RuleOtherComune:        {"il referente appartiene all'elenco di un altro Comune", "the contact belongs to another comune's list"},
}

func ruleErr(r Rule, field, section string) *RuleError {
	return &RuleError{Rule: r, Field: field, Section: section}
}
