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
//   - [ReadEMRTD] (BAC or PACE, then EF.COM, DGs and EF.SOD), its decoders
//     ([EMRTD.MRZ] to a cie.MRZ, [EMRTD.Faces], [EMRTD.DG11], [EMRTD.DG12])
//     and [EMRTD.Verify] / [PassiveAuthentication];
//   - [IAS] for the NIS, internal authentication and PIN/PUK;
//   - [OperatorCard] and [SCOClient] for the operator card.
//
// # Terms
//
// CIE: Carta d'Identità Elettronica, the Italian identity card. CAN: the
// 6-digit card access number printed on its front, the PACE password. NIS:
// Numero Identificativo per i Servizi, a 12-digit number readable without
// PIN. SCO: Smart Card Operatore, the registry officer's card. Sede: the
// municipal office an SCO is associated to. Comune: municipality.
//
// # Access control
//
// [Card.BAC] and [Card.PACE] install secure messaging on the [Card]. The
// CIE offers PACE with id-PACE-DH-GM-3DES-CBC-CBC and standardized domain
// parameters 2 (RFC 5114 2048-bit MODP group with a 256-bit prime-order
// subgroup; ICAO Doc 9303-11 table 6), which needs extended-length APDUs,
// and BAC with the MRZ. PACE with ECDH Generic Mapping and AES
// (brainpoolP256r1, NIST P-224/256/384/521) is implemented for other
// documents. [Card.ChipAuthentication] runs EAC chip authentication with
// the DH key of DG14 (anti-cloning). Integrated and Chip Authentication
// Mapping, ECDH chip authentication, terminal authentication (needed for
// the DG3 fingerprints) and active authentication are not implemented.
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
// # Compatibility
//
// Verified against the ICAO worked examples and the ciekit simulator
// (scard/cardsim), not yet against a physical CIE. The IAS secure channel
// (DH + DAPP) that real CIEs require before VERIFY PIN is not implemented,
// see [IAS]. The SCO protocol is not public: [SCOClient] speaks ciekit's
// own profile (documented in sco.go), not the real card's.
//
// # Concurrency
//
// A [Card] keeps secure-messaging state and is not safe for concurrent
// use; use one per goroutine or serialise access. Pure functions (parsers,
// key derivation) are safe for concurrent use.
package scard
