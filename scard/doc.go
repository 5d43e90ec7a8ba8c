// Package scard is the hardware-independent smart-card layer of ciekit:
// ISO/IEC 7816-4 APDUs, secure messaging, BAC and PACE, reading the ICAO
// eMRTD application of the Italian electronic identity card (CIE 3.0) with
// passive authentication, the CIE IAS operations (NIS, internal
// authentication, PIN and PUK management) and a client for the operator
// card (SCO).
//
// The package never talks to a reader itself. Everything goes through the
// one-method [Transmitter] interface, implemented by the PC/SC adapter
// (scard/pcsc), by the in-memory simulators (scard/cardsim) and by
// recorded transcripts (scard/scardtest). Wrap a Transmitter in a [Card] to
// get automatic GET RESPONSE (61xx), Le correction (6Cxx), command
// chaining and secure messaging.
//
// Entry points:
//
//   - [NewCard], then [Card.Do] / [Card.Send] for raw commands;
//   - [ReadEMRTD] (BAC or PACE, then EF.COM, DGs and EF.SOD) and
//     [PassiveAuthentication];
//   - [IAS] for the NIS, internal authentication and PIN/PUK;
//   - [SCOClient] for the operator card profile described in sco.go.
//
// # Card emulators
//
// The protocol pieces are exported for the card side too, so that a
// simulator speaks exactly what the terminal code expects: [ParseCommand],
// [SecureMessaging.UnwrapCommand] and [SecureMessaging.WrapResponse],
// [BACChip], [PACEChip] and the key derivation [DeriveKey].
//
// # Specifications
//
// ISO/IEC 7816-4 (APDUs, SM data objects), ICAO Doc 9303 part 10 (LDS) and
// part 11 (BAC, PACE, SM, passive authentication; the worked examples of
// appendices D, G and H are the package's known-answer tests), BSI
// TR-03110, RFC 5652 (CMS), RFC 5114 (DH groups), RFC 5639 (Brainpool).
//
// # Security
//
// Secrets (PIN, PUK, CAN, MRZ keys, session keys) never appear in errors or
// logs; PIN and PUK values redact themselves. Elliptic-curve and DH
// arithmetic for PACE uses math/big and is not constant time: this matches
// the threat model of a terminal talking to a card over a short-range link,
// but the card simulators are for testing only.
//
// # Concurrency
//
// A [Card] keeps secure-messaging state and is not safe for concurrent
// use; use one per goroutine or serialise access. Pure functions (parsers,
// key derivation) are safe for concurrent use.
package scard
