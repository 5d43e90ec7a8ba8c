package sedi

import (
	"errors"
	"fmt"
)

// Rule is a stable code for one rule of the seeds (the SediCIE manual and
// Allegato 2 of the circulars). Applications may map it to their own texts;
// [RuleError.Message] renders the built-in Italian and English ones, and
// [Rule.Source] names the document and section the rule comes from.
type Rule string

// The rules. Each comment gives the seed document and section; the seeds
// are the files of ../shared/seeds: 000 is Circ. 4/2017 (Ministero
// dell'Interno, 31/03/2017), 001 is Circ. 9/2017 of the Prefettura di Napoli
// (which reproduces Allegato 2 of Circ. 8/2017), 004 is the SediCIE manual.
const (
	RuleRequired           Rule = "required"                      // 004 §3.1.1, §3.1.2: fields marked (*)
	RuleFormat             Rule = "format"                        // 004 §3.1.1, §3.1.2: CAP, email, phone, lengths
	RuleTaxCode            Rule = "tax-code"                      // 004 §3.1.1, §3.1.2: codice fiscale / partita IVA check
	RuleIBAN               Rule = "iban"                          // 004 §3.1.1: IBAN mod-97
	RuleCount              Rule = "count"                         // 004 §3.1.1: workstations and operators
	RuleDuplicateReferente Rule = "duplicate-referente"           // 004 §3.1.2: "già presente nell'elenco dei referenti"
	RuleNeedReferente      Rule = "need-referente"                // 004 §3.1.2: "almeno un referente"
	RuleRoleNotAssociated  Rule = "role-not-associated"           // 004 §3.1.2: roles go to contacts in the sede's list
	RuleNeedSecurityOff    Rule = "need-security-officer"         // 004 §3.1.3; 001 All. 2 §2.1 "almeno un Security Officer"
	RuleSecurityOffComune  Rule = "security-officer-other-comune" // 004 §3.1.3: not "lo stesso ruolo in altri Comuni"
	RuleOneInstallContact  Rule = "one-installation-contact"      // 004 §3.1.4: "potrà essere uno soltanto"
	RuleNeedManager        Rule = "need-manager"                  // 004 §3.1.5
	RuleOneManager         Rule = "one-manager"                   // 004 §3.1.5
	RuleSCOCount           Rule = "sco-count"                     // 001 All. 2 §3 and §1; 000 All. 2 §1: operator cards per Security Officer
	RuleStep               Rule = "step"                          // 004 §3.1: the six steps, in order
	RuleNotFound           Rule = "not-found"
	RuleOtherComune        Rule = "other-comune" // 004 §3.1.2: a referente from another comune's list
)

// Source names the document a rule comes from, as [RuleError.Error]
// cites it: "SediCIE manual", or for the operator-card rule "All. 2 (Circ.
// 8/2017, Prefettura di Napoli Circ. 9/2017)".
func (r Rule) Source() string {
	if r == RuleSCOCount {
		return "All. 2 (Circ. 8/2017, Prefettura di Napoli Circ. 9/2017)"
	}
	return "SediCIE manual"
}

// Seed is the number of the file in ../shared/seeds that holds the rule's
// source: "004" (the SediCIE manual) or "001" (the Naples circular).
func (r Rule) Seed() string {
	if r == RuleSCOCount {
		return "001"
	}
	return "004"
}

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
// Section is the section of the rule's source document ([Rule.Source]),
// e.g. "3.1.3". It never carries the offending personal data.
type RuleError struct {
	Rule    Rule
	Field   string
	Section string
}

// Error returns the English message with the field and the source, e.g.
// "sedi: the sede needs at least one Security Officer (SediCIE manual
// §3.1.3, seed 004)".
func (e *RuleError) Error() string {
	s := "sedi: " + messages[e.Rule].en
	if e.Field != "" {
		s = fmt.Sprintf("sedi: %s: %s", e.Field, messages[e.Rule].en)
	}
	if e.Section != "" {
		s += " (" + e.Rule.Source() + " §" + e.Section + ", seed " + e.Rule.Seed() + ")"
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
	RuleSCOCount:           {"il numero di smart card operatore (SCO) deve essere indicato per ciascun Security Officer e, in totale, pari al numero di operatori della sede", "the number of operator cards (SCO) must be given for each Security Officer and total the sede's number of operators"},
}

func ruleErr(r Rule, field, section string) *RuleError {
	return &RuleError{Rule: r, Field: field, Section: section}
}
