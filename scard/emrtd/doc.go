// Package emrtd implements ICAO Doc 9303 for the Italian electronic identity
// card (CIE 3.0) and other eMRTDs: the logical data structure (part 10:
// EF.COM, DG1..DG16, EF.SOD, EF.CardAccess), the access protocols BAC and
// PACE and EAC chip authentication (part 11, BSI TR-03110), passive
// authentication (part 11 clause 5.1, RFC 5652 CMS), and the read of the
// eMRTD application.
//
// There is one LDS model, used by the reader ([Read], the Parse
// functions) and by the card simulator scard/cardsim (the Marshal functions,
// [CreateSOD]), so that what a simulator writes is what a reader decodes.
// The model is checked against bytes produced outside ciekit: the EF.COM,
// DG1 and DG11 examples of ICAO Doc 9303-10 appendix A and 9303-4, and BSI
// TR-03105 (vectors_test.go). EF.SOD and DG2 files of real documents are
// checked when CIEKIT_EMRTD_VECTORS names a directory holding them
// (testdata/outside/README.md); the encodings they use have synthetic tests
// (quirks_test.go).
//
// Passive authentication verifies RSA (PKCS#1 v1.5 and RSASSA-PSS) and
// ECDSA document signers on named curves, SODs in DER or BER (indefinite
// lengths) and with the id-data content type. Document signer certificates
// whose keys carry explicit elliptic-curve parameters (many European
// passports, on brainpool curves) are not parsed by crypto/x509: their LDS
// hashes are read, and [PassiveAuthentication] reports an error wrapping
// [scard.ErrNotSupported]. The CIE's document signers are RSA.
//
// Entry points:
//
//   - [Read] (BAC or PACE, then EF.COM, the data groups and EF.SOD),
//     its decoders ([Document.MRZ] to a cie.MRZ, [Document.Faces], [Document.DG11],
//     [Document.DG12]) and [Document.Verify] / [PassiveAuthentication];
//   - [BAC], [PACE] ([RunPACE] with the PACE-CAM check
//     [PACEResult.VerifyCAM]) and [ChipAuthentication], which install secure
//     messaging on a [scard.Card]; [ParseCardSecurity] for EF.CardSecurity;
//     [EAC] and [TerminalAuthentication]
//     ([ReadOptions.Terminal] in [Read]) unlock DG3 and DG4;
//   - card-verifiable certificates: package scard/emrtd/cvc
//     (parse, create, verify);
//   - [TrustStore] ([LoadTrustStore] from an fs.FS of CSCA certificates,
//     ICAO master lists and CRLs) and [TrustStore.Verify], which lists
//     every check of passive authentication with its outcome;
//   - [ActiveAuthentication] with the DG15 key ([ParseDG15]);
//   - for card emulators, the card side of each protocol: [BACChip],
//     [PACEChip] ([NewPACEChipCAM] for PACE-CAM), [CAKey], [TAChip],
//     [SignActiveAuthentication], the LDS encoders, [CreateSOD],
//     [CreateCardSecurity] and [CreateMasterList].
//
// # Document types and partial reads
//
// DG1 may hold a TD1 (identity cards, the CIE), TD2 or TD3 (passports) MRZ:
// [Document.MRZ] decodes all three with cie.ParseAnyMRZ, and the access
// key comes from any of them ([MRZKeyFromMRZ]). With
// [ReadOptions.Partial], a file that cannot be read or does not parse is
// reported in [Document.FileErrors] and the read goes on; [Document.Checks]
// says which verifications the files read still allow, and the caller
// decides whether that is enough.
//
// # Access control
//
// The CIE offers PACE with id-PACE-DH-GM-3DES-CBC-CBC and standardized
// domain parameters 2 (RFC 5114 2048-bit MODP group with a 256-bit
// prime-order subgroup; ICAO Doc 9303-11 table 6), which needs
// extended-length APDUs, and BAC with the MRZ. For other documents PACE
// also runs with:
//
//   - Generic Mapping (GM), DH and ECDH, 3DES or AES;
//   - Integrated Mapping (IM), DH and ECDH, 3DES or AES: the terminal's
//     nonce t in DO 81, the block-cipher pseudo-random function R(s,t),
//     f_g(x) = x^((p-1)/q) mod p for DH and the point encoding of ICAO Doc
//     9303-11 appendix B.2 for ECDH, which needs p = 3 mod 4 (every
//     implemented curve but NIST P-224);
//   - Chip Authentication Mapping (CAM), ECDH with AES: the chip's
//     encrypted chip authentication data (DO 8A) is decrypted and checked,
//     PK_Map,IC = CA_IC * PK_IC, against the id-PK-ECDH key of
//     EF.CardSecurity or DG14 ([PACEResult.VerifyCAM]).
//
// The domain parameters are DH parameters 0-2 (GM, IM) and the curves
// brainpoolP256r1, NIST P-224, P-256, P-384 and P-521 (GM, CAM, and IM except
// on P-224). [Read] prefers CAM when EF.CardAccess offers it (ICAO
// Doc 9303-11 J.1), takes the key from DG14 (else EF.CardSecurity), reports
// the chip as authenticated ([Document.ChipAuthenticatedBy]) and does not
// run chip authentication again; a key the chip does not hold fails the
// read. The proof is complete once the file holding the key passes
// passive authentication: [Document.Verify] checks DG14 with the other
// data groups, and EF.CardSecurity ([CardSecurity.Verify]) when the key
// came from there.
// The known-answer tests reproduce every value of the ICAO Doc 9303-11
// worked examples for GM (appendix G), IM (appendix H, ECDH and DH) and
// CAM (appendix I), and, when CIEKIT_EMRTD_VECTORS holds it, replay a
// PACE-CAM run and EF.CardSecurity read of a real German document recorded
// by another implementation (gmrtd; not redistributed). IM
// with AES-192/256 and 3DES has no published example and is checked
// only against the simulator side of ciekit (with a 32-byte nonce s for
// AES-192/256, as clause 4.4.3.3 says). OpenPACE 1.1.4 (behind OpenSC's
// npa-tool) has no Chip Authentication Mapping and refuses Integrated
// Mapping unless set to TR-03110 2.01, whose older mapping (E(t, s)
// without R(s,t), Icart's encoding for ECDH) gives another generator than
// appendix H: it cannot run IM or CAM with ICAO Doc 9303-11 documents,
// ciekit's reader or the simulator (PACE.md).
//
// [ChipAuthentication] runs EAC chip authentication with the DH key of
// DG14 (anti-cloning); ECDH chip authentication (outside PACE-CAM) is not
// implemented. [ActiveAuthentication] (RSA with ISO/IEC 9796-2, ECDSA) is
// checked against the simulator only, which shares its reading of the
// standards.
//
// READ BINARY under secure messaging asks for 0xDF bytes at a time (DO 97
// of one byte, outer Le 00), the form the CIE middleware, PagoPA's CIE SDK
// and JMRTD send to real documents: a protected response then fits a short
// APDU, and chips without extended lengths are read too (scard/SM.md).
// Plain reads (EF.CardAccess) ask for an extended Le unless
// [scard.CardOptions] NoExtended is set or the card refuses one. The size
// of each file comes from its first bytes.
//
// # Terminal authentication
//
// DG3 (fingerprints) and DG4 (iris) are released only to an inspection
// system that proves its authorization with EAC terminal authentication
// version 1 (BSI TR-03110 part 3 B.3 and B.11, after chip authentication
// and in its secure messaging): MSE:SET DST and PSO:VERIFY CERTIFICATE for
// each CV certificate of the CVCA -> DV -> IS chain, MSE:SET AT, GET
// CHALLENGE and EXTERNAL AUTHENTICATE with the signature over ID_PICC ||
// r_PICC || Comp(PK_PCD) made by a crypto.Signer (the IS key may live in an
// HSM or on an operator card). ID_PICC is the document number with its
// check digit after BAC, Comp of the chip's ephemeral PACE key after PACE;
// Comp(PK_PCD) is SHA-1 of the terminal's chip authentication DH value.
// CV certificates (package cvc: profile 0, id-IS authorization with all
// six rights bits) are parsed and created with RSA (PKCS#1 v1.5 and PSS)
// and ECDSA keys on the NIST prime and brainpool r1 curves, and judged by
// OpenPACE's cvc-print (scripts/compare-cvc); cvc.ParsePrivateKey loads
// the IS keys that EAC PKI tools write. [TAChip] is the
// chip side: trust points, the chip's current date (moved forward by the
// effective date of accepted CVCA, domestic DV and domestic IS
// certificates, TR-03110 part 3 2.5), expiry and role checks, and the AND
// of the chain's access rights. What the real CIE expects was not checked
// against a card (the Italian CVCA issues IS certificates only to
// authorised bodies).
//
// # Specifications
//
// ICAO Doc 9303 part 10 (LDS) and part 11 (BAC, PACE, SM, passive
// authentication; the worked examples of appendices D, G, H and I are the
// package's known-answer tests), ISO/IEC 19794-5 and 39794-5 (the face
// record of DG2), ISO/IEC 19794-4 (the finger records of DG3), BSI TR-03110
// (chip and terminal authentication, CV certificates), RFC 5652 (CMS),
// RFC 5114 (DH groups), RFC 5639 (Brainpool).
//
// # Security
//
// Access keys ([MRZKey], [PACEPassword], the CAN of [ReadOptions]) and the
// protocol states holding session keys redact themselves under every fmt
// verb, in errors, log/slog and JSON. Elliptic-curve and DH arithmetic for
// PACE uses math/big and is not constant time: this matches the threat
// model of a terminal talking to a card over a short-range link, but the
// card side is for simulators only.
//
// # Compatibility
//
// Verified against the ICAO worked examples and the ciekit simulator
// (scard/cardsim), not yet against a physical CIE.
package emrtd
