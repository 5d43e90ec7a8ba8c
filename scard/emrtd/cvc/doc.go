// Package cvc reads, writes and verifies the card-verifiable certificates of
// BSI TR-03110 part 3 appendix C (profile 0): the CVCA -> DV -> IS chain with
// which an inspection system proves to an eMRTD chip, in EAC terminal
// authentication, that it may read the fingerprints (DG3) and the iris
// images (DG4). Package scard/emrtd runs the protocol with them
// (emrtd.TerminalAuthentication, emrtd.TAChip).
//
// Entry points: [Parse] (a whole certificate 7F21, or the body and signature
// a PSO:VERIFY CERTIFICATE carries), [Create] (encode and sign, the issuer's
// key any crypto.Signer), [Certificate.CheckSignatureFrom] and
// [Certificate.ValidAt]; [Sign] and [Verify] are the id-TA signature schemes
// (RSA PKCS#1 v1.5 and PSS, ECDSA with plain r||s signatures, TR-03111).
//
// Only the ePassport authorization (id-IS) is implemented: role in the two
// high bits, DG4 and DG3 read rights in bits 1 and 0 (TR-03110 part 3,
// C.4.1). Signatures verify on RSA keys and on the NIST prime curves;
// certificates on other curves (brainpool, common for European CVCAs) parse,
// but their keys are nil and verifying gives an error wrapping
// scard.ErrNotSupported. Certificate extensions (65) are accepted and
// ignored.
//
// Malformed certificates give a [*FieldError] naming the data object; the
// parser is fuzzed (FuzzParse) and bounded by [MaxSize].
package cvc
