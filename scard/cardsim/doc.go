// Package cardsim provides in-memory smart cards that answer command APDUs
// as the real ones do: a virtual CIE 3.0 ([CIE], built with [NewCIE]) and a
// virtual operator card ([SCO], built with [NewSCO]). Both implement
// [scard.Transmitter], so the same object serves unit tests, the examples
// (no hardware needed) and, through scard/vpcd, real pcscd clients.
//
// Simulators are production code, not test doubles: they keep retry
// counters, secure-messaging state and selections, answer with the status
// words of ISO/IEC 7816-4 (6982 security status, 6988 bad SM objects,
// 6A82 not found, 6300 authentication failed, 63Cx wrong PIN, 6983
// blocked, 61xx more data), can be pulled out mid-read ([CIE.Remove],
// [CIE.RemoveAfter]), and honour ctx cancellation and an optional latency.
//
// # The virtual CIE
//
// [NewCIE] personalises the chip from a cie.Card model (CIEOptions.Card:
// DG1 from cie.EncodeMRZ, DG11 and DG12 from the holder, residence and
// document, the CAN), or from the fields given one by one, plus a photo
// and two fingerprint templates, and generates at run time everything
// secret:
// a test CSCA and document signer ([PKI], [NewPKI]), the chip's RSA keys,
// the CIE certificate. Never real keys. With [DeterministicRand] as
// CIEOptions.Rand the card is reproducible byte for byte, so APDU
// transcripts can be recorded and replayed (scard/scardtest).
//
// The file system mirrors a CIE 3.0:
//
//	MF 3F00        EF.ATR 2F01, EF.SN.ICC D003 (NIS in BCD at bytes 5-10
//	               with CIEOptions.SNICCWithNIS), EF.DH D004, EF.CardAccess 011C,
//	               EF.CardSecurity 011D (with PACE-CAM only; after PACE)
//	eMRTD A0000002471001  EF.COM 011E, DG1 0101, DG2 0102, DG3 0103 (after TA),
//	               DG11 010B, DG12 010C, DG14 010E, EF.SOD 011D (after BAC/PACE)
//	IAS A0000000308000000009816001, CIE DF A00000000039
//	               1001 NIS (SFI 1), 1002 serial, 1003 certificate (after PIN),
//	               1004 Int.Kpub, 1005 Servizi_Int.Kpub, 1006 IAS SOD
//
// Access to the eMRTD application is by BAC (GET CHALLENGE, MUTUAL
// AUTHENTICATE; ICAO Doc 9303-11 clause 4.3) or PACE (MSE:SET AT, four
// GENERAL AUTHENTICATE steps; clause 4.4) with id-PACE-DH-GM-3DES-CBC-CBC
// and parameter set 2, as EF.CardAccess of real CIEs declares, and
// optionally ECDH-GM-AES-128 on P-256. To play a document other than a
// CIE, CIEOptions.PACEInfos replaces them with any protocol emrtd
// implements: PACE with Integrated Mapping ([PACEIntegratedMapping]) or
// with Chip Authentication Mapping ([PACEChipAuthenticationMapping]), for
// which the card gets an ECDH key that DG14 and a signed EF.CardSecurity
// publish; [CIE.SetCardAccess] changes what EF.CardAccess lists without
// changing what the chip runs. Afterwards every command must be
// protected (clause 9.8): a bad MAC gives a plain 6988 and ends the
// session, as does any plain command. Errors are answered protected, or
// bare and uncounted after [CIE.SetPlainSMErrors] (scard.PlainSMStatus);
// the session goes on either way. [CIE.SetShortAPDUOnly] plays a chip
// without extended lengths: it refuses any extended APDU with a bare 6700
// before secure messaging sees it (scard/SM.md). Chip Authentication version 1
// (MSE:SET KAT with 3DES, clause 6.2) is answered with the DH key that
// DG14 publishes; [CIE.CloneFrom] makes a clone that passes passive
// authentication but fails chip authentication.
//
// Terminal Authentication version 1 (BSI TR-03110 part 3 B.11: MSE:SET
// DST, PSO:VERIFY CERTIFICATE, MSE:SET AT, GET CHALLENGE, EXTERNAL
// AUTHENTICATE, after chip authentication and in its secure messaging)
// runs on a card given trust points in CIEOptions.CVCA: [NewEACPKI] makes a
// test CVCA with a domestic DV, and [EACPKI.IssueIS] inspection-system
// certificates. DG3 answers 6982 (security status not satisfied) until TA
// grants the DG3 right in the current session. Refusals: 6A88 for an
// unknown CAR or CHR, 6A80 for a malformed, expired or wrongly placed
// certificate, 6300 for a bad certificate or terminal signature, 6985 out
// of order. The chip's current date ([CIE.TerminalDate]) starts at the
// date of issue and moves forward with accepted CVCA, domestic DV and
// domestic IS certificates. These status words follow ISO/IEC 7816-4 and
// TR-03110; a real CIE's choice among them was not observed.
//
// The IAS side serves the NIS without authentication (00 B0 81 00 0C after
// selecting the IAS and CIE applications), INTERNAL AUTHENTICATE with key
// 83 (RSA PKCS#1 v1.5 over the raw challenge, after MSE:SET 00 22 41 A4
// 06 80 01 02 84 01 83), and the PIN (reference 81, 3 tries) and PUK (82,
// 10 tries) with VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER.
// The PIN commands, EF 1003 and the signature with key 81 are answered
// only inside the IAS secure channel of the CIE middleware (iaschannel.go:
// GET DATA of the DH parameters, the CA key and the card's DH value,
// MSE:SET KAT, DAPP with the published terminal key, IAS secure
// messaging); in plain they get 6982, as on a real CIE. The retry counters
// persist across resets and channels.
// EF.SOD and the IAS SOD (file 1006) are CMS SignedData over an
// LDSSecurityObject with SHA-256, signed by the document signer with
// RSA PKCS#1 v1.5 (or SHA-512 and RSASSA-PSS with CIEOptions.PSS, as on
// newer cards); the IAS SOD hashes the NIS (A1), the serial (A2), the
// certificate (A3), the two public keys (A4, A5) and EF.DH (1B).
//
// # The virtual SCO
//
// The operator card's real protocol is not public. [SCO] implements the
// card side of the ciekit SCO profile that scard defines (scard/sco.go,
// sco.Client): application F0 "CIEKITSCO", information file 0101,
// certificates 0102 and 0103, operator PIN (3 tries), the Security
// Officer's master password (5 tries, compared in constant time over
// SHA-256 digests), activation (issued to active), association to a sede,
// revocation (for good: afterwards only SELECT, READ BINARY and VERIFY
// work), and signing (PSO:CDS, key 02) and authentication (INTERNAL
// AUTHENTICATE, key 01) with RSA PKCS#1 v1.5 or ECDSA P-256. As an
// extension, the Security Officer may reset a blocked PIN of an active
// card with the same RESET RETRY COUNTER that activates it.
//
// # Testing the terminal's corner cases
//
// [CIE.SetDataGroup] replaces a data group without re-signing EF.SOD (a
// forged chip); [CIE.RemoveAfter] pulls the card at an exact command;
// CIEOptions.Latency slows every answer; CIEOptions.ExactLe makes plain
// reads answer 6Cxx; commands without Le that produce data answer 61xx
// and wait for GET RESPONSE, as do protected answers longer than Ne.
//
// # Limits
//
// Not simulated: EF.CVCA (011C in the eMRTD application), Active
// Authentication (absent on the CIE), and ECDSA document signers.
//
// # Security
//
// The simulators are for testing. Their PINs, PUKs and keys are held in
// memory in the clear and, with a DeterministicRand, are as secret as its
// seed. PINs are still compared in constant time and never logged.
//
// # Concurrency
//
// CIE and SCO are safe for concurrent use by multiple goroutines; exchanges
// are serialised as on a real card.
package cardsim
