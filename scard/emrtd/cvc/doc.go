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
// high bits, then the six right bits of TR-03110 part 3, C.4.1 (DG3, DG4,
// three reserved bits, the deprecated read access to the eID application),
// all kept by Parse and written by Create. Signatures verify on RSA keys
// (PKCS#1 v1.5 and PSS) and on ECDSA keys over the NIST prime curves and
// the brainpool r1 curves (RFC 5639; common among European CVCAs), which a
// CVCA certificate's explicit domain parameters identify; a key on any
// other curve parses but is nil, and verifying with it gives an error
// wrapping scard.ErrNotSupported. Certificate extensions (65) are accepted
// and ignored. [ParsePrivateKey] loads the keys EAC PKI tools write
// (PKCS#8 or SEC 1 with explicit or brainpool parameters, which crypto/x509
// refuses).
//
// OpenPACE (github.com/frankmorgner/openpace) judges this package:
// certificates its cvc-create made on brainpoolP256r1, P-256,
// brainpoolP384r1, RSA v1.5 and RSA-PSS parse with every field cvc-print
// shows, verify, and re-encode byte for byte; cvc-print verifies the
// chains Create makes (testdata/, scripts/compare-cvc/RESULTS.md).
//
// Malformed certificates and keys give a [*FieldError] naming the data
// object; the parsers are fuzzed (FuzzParse, FuzzParsePrivateKey) and
// bounded by [MaxSize].
package cvc
