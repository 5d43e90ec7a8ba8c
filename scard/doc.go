// Package scard is the transport layer of ciekit's smart-card stack: ISO/IEC
// 7816-4 command and response APDUs, status words and their errors, the
// [Transmitter] seam to a reader, command chaining, extended lengths, GET
// RESPONSE, and the secure-messaging primitives of ICAO Doc 9303-11 clause
// 9.8 (3DES and AES, used after BAC, PACE and chip authentication).
//
// It knows no card application. The applications live in subpackages, each
// one concept:
//
//   - scard/emrtd: ICAO Doc 9303, the LDS model (EF.COM, DG1..DG16, EF.SOD)
//     with one encoder and one decoder, BAC, PACE, chip authentication,
//     passive authentication and the eMRTD read of a CIE 3.0;
//   - scard/ias: the CIE's IAS-ECC application (NIS, internal
//     authentication, PIN and PUK);
//   - scard/sco: the operator card (SCO);
//   - scard/cardsim: the card side of all of the above, as in-memory
//     simulators; scard/vpcd and scard/pcsc carry them, or a real card, to
//     and from a reader; scard/scardtest records and replays transcripts.
//
// The package never talks to a reader itself. Everything goes through the
// one-method [Transmitter] interface, implemented by the PC/SC adapter
// (scard/pcsc), by the in-memory simulators (scard/cardsim) and by
// recorded transcripts (scard/scardtest). Wrap a Transmitter in a [Card] to
// get automatic GET RESPONSE (61xx), Le correction (6Cxx), command
// chaining and secure messaging: [NewCard], then [Card.Do] / [Card.Send]
// for commands, [Card.ReadTLVFile] and [Card.ReadFile] for files.
//
// # Card side
//
// The protocol pieces are exported for the card side too, so that a
// simulator speaks exactly what the terminal code expects: [ParseCommand],
// [Response.Bytes], [SecureMessaging.UnwrapCommand] and
// [SecureMessaging.WrapResponse], and the key derivation [DeriveKey].
//
// # Terms
//
// CIE: Carta d'Identità Elettronica, the Italian identity card. SCO: Smart
// Card Operatore, the registry officer's card. SM: secure messaging.
//
// # Specifications
//
// ISO/IEC 7816-4 (APDUs, status words, SM data objects, chaining),
// ICAO Doc 9303-11 clause 9.7 (key derivation) and 9.8 (secure messaging;
// the worked example of appendix D is the package's known-answer and fuzz
// seed), ISO/IEC 9797-1 (retail MAC, padding method 2), NIST SP 800-38B
// (AES-CMAC). What a bare error status word under secure messaging does to
// the session and its counter, which ICAO leaves open, is
// [PlainSMStatus]; SM.md in this directory has the evidence.
//
// # Security
//
// [PIN] and [PUK] are built on a redacting value: they print no digit
// under any fmt verb, in errors, in log/slog or in JSON, also inside other
// structs, and compare in constant time. [SecureMessaging] holds session
// keys and redacts itself the same way. The optional logger of
// [CardOptions] receives instruction bytes and status words, never data.
//
// # Concurrency
//
// A [Card] keeps secure-messaging state and is not safe for concurrent
// use; use one per goroutine or serialise access. Pure functions (parsers,
// key derivation) are safe for concurrent use.
package scard
