// Package sadcheck is a conformance suite for SAD endpoints: it plays the
// CIE workstation against any APR that claims to speak SAD 2.8, over http
// or ftp, and reports which cases pass.
//
// It is for APR vendors who implement SAD in their own language and want
// to test their endpoint, in a Go test ([Run] with [Options]) or from their
// CI with the command sad/cmd/sadcheck (a table, JUnit XML, and exit status
// 0 only when every case passes).
//
// # Cases
//
// The suite ([Cases] lists the names) looks up every codice fiscale of the
// vendor's test register (Options.CodiciFiscali; by default those of
// [sad.SampleSubjects]) and checks each answer; looks one up by name and
// birth date; asks for a person who is not there (01); finds homonyms (02),
// a minor with parents, an AIRE subject and a non-resident (05) among the
// subjects the register returned, when it holds any (otherwise those cases
// are skipped, with the reason); sends each notice (issued, cancelled,
// revoked) and repeats it with the same IdRichiesta, which must answer the
// same; refuses a notice for an unknown card (04) and a formally invalid
// request (03); sends malformed and hostile documents (not XML, a missing
// element, entity expansion, an external entity, deep nesting, an oversize
// body, an unsupported charset, invalid UTF-8) which must be refused with a
// 4xx status or outcome 03 within the time limit; accepts ISO-8859-1; and
// answers concurrent lookups each with its own IdRichiesta. Outcome 99
// (internal APR error) is the one status it cannot provoke from outside.
//
// Every case has a time limit (Options.CaseTimeout): a slow endpoint fails
// the cases it is slow on. The suite writes to the register: it issues,
// cancels and revokes cards with random numbers on the first adult
// resident it finds. Point it at a test register, never at production.
//
// # What it checks, and what it cannot
//
// The wire format is the reconstruction of package sad (sad-2.8.md §3.3),
// in the dialect given by Options.Config.Codec (expatriation pair,
// charset): the official SAD 2.8 text is not public, so passing proves
// conformance to that reconstruction, not to the Ministry's document.
package sadcheck
