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
//   - [BAC], [PACE] and [ChipAuthentication], which install secure
//     messaging on a [scard.Card];
//   - [TrustStore] ([LoadTrustStore] from an fs.FS of CSCA certificates,
//     ICAO master lists and CRLs) and [TrustStore.Verify], which lists
//     every check of passive authentication with its outcome;
//   - [ActiveAuthentication] with the DG15 key ([ParseDG15]);
//   - for card emulators, the card side of each protocol: [BACChip],
//     [PACEChip], [CAKey], [SignActiveAuthentication], the LDS encoders,
//     [CreateSOD] and [CreateMasterList].
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
// extended-length APDUs, and BAC with the MRZ. PACE with ECDH Generic
// Mapping and AES (brainpoolP256r1, NIST P-224/256/384/521) is implemented
// for other documents. [ChipAuthentication] runs EAC chip authentication
// with the DH key of DG14 (anti-cloning). [ActiveAuthentication] (RSA with
// ISO/IEC 9796-2, ECDSA) is checked against the simulator only, which
// shares its reading of the standards. Integrated and Chip Authentication
// Mapping and ECDH chip authentication are not implemented; terminal
// authentication (needed for the DG3 fingerprints) is developed apart.
//
// READ BINARY asks for the largest response the reader and the card allow:
// an extended Le unless [scard.CardOptions] NoExtended is set or the card
// refuses one (then 0xDF, which keeps an SM response in a short APDU); the
// size of each file comes from its first bytes.
//
// # Specifications
//
// ICAO Doc 9303 part 10 (LDS) and part 11 (BAC, PACE, SM, passive
// authentication; the worked examples of appendices D, G and H are the
// package's known-answer tests), ISO/IEC 19794-5 and 39794-5 (the face
// record of DG2), BSI TR-03110 (chip authentication), RFC 5652 (CMS),
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
