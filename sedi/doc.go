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
// booking agenda). [NewMemoryStore] keeps data in memory. Durable storage
// lives in subpackages, so that importing sedi links no database driver:
// package sedi/sqlitestore keeps the data in SQLite (opened by path, or a
// *sql.DB the caller opens), and package sedi/seditest is the conformance
// suite every Store passes, for plugging in another database.
//
// # Names
//
// Identifiers are English; the manual's Italian names are in the doc
// comments and in [RuleError.Message]: [Flow.SetData] is step 1 "Dati della
// sede" (AVANTI), [Flow.Associate] ASSOCIA, [Flow.UpdateReferente]
// MODIFICA, [Flow.Dissociate] DISSOCIA with [Keep] (CONSERVA) or [Delete]
// (ELIMINA), [Flow.Summary] RIEPILOGO DATI, [Flow.Confirm] CONFERMA,
// [Flow.Transmit] TRASMETTI DATI, [Registry.Edit] MODIFICA SEDE and
// [Registry.RemoveSede] RIMUOVI SEDE. The states are [Incomplete]
// (INCOMPLETA) and [Complete] (COMPLETA).
//
// # Sources
//
// Every rule names the seed document and section it comes from, in its doc
// comment and in the [*RuleError] it produces ([Rule.Source], [Rule.Seed],
// [RuleError.Section]): the SediCIE manual (seed 004) for the flow and the
// roles, Allegato 2 of the circulars (seeds 000 and 001) for the operator
// cards (SCO): each Security Officer is given the number of cards to
// deliver and manage ([Flow.AddSecurityOfficer]), and a sede's cards total
// its operators, one per ufficiale d'anagrafe. The table of every rule, its
// code and its test is in ../deploy/README.md.
//
// Every rule violation is a [*RuleError] naming the field, the rule and the
// source's section; [RuleError.Message] renders it in Italian or English
// for a front-end.
package sedi
