// Package sedi models SediCIE, the ministry application in which each
// comune registers its CIE issuing offices ("sedi") and the people who hold
// the offices' roles, with the rules of the SediCIE manual ("Gestione
// SediCIE - Manuale per i Comuni emettitori della CIE") and of Allegato 2
// to Circ. 8/2017 enforced.
//
// Terms kept in Italian, as users speak them:
//
//   - Sede: an issuing office of a comune, with its address, payment and
//     connection data and its number of workstations and operators.
//   - Referente: a contact person in the comune's list, associated with one
//     or more sedi.
//   - The three roles of a sede: the Security Officer (manages the
//     operator cards, receives the master password), the Referente per le
//     installazioni (installation contact) and the Responsabile del
//     servizio di emissione CIE (issuing-service manager).
//   - INCOMPLETA and COMPLETA: a sede is COMPLETA only after the six-step
//     flow ends with "Trasmetti dati"; an interrupted flow, or any later
//     change, leaves it INCOMPLETA.
//
// [Registry] is the entry point: it runs the insertion flow ([Flow]), edits,
// dissociations and removals over a [Store], and returns the [Event]s that
// the manual says each action causes (master password, supply portal,
// booking agenda). [NewMemoryStore] keeps data in memory; [OpenSQLite]
// keeps it in an SQLite database with transactions, so a crash in the
// middle of a flow loses nothing already confirmed and never leaves a
// half-written sede marked COMPLETA.
//
// Every rule violation is a [*RuleError] naming the field, the rule and the
// manual's section; [RuleError.Message] renders it in Italian or English
// for a front-end.
package sedi
