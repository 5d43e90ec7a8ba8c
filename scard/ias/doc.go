// Package ias drives the IAS-ECC application of the Italian electronic
// identity card (CIE 3.0), the "CIE PKI" side next to the ICAO eMRTD
// application: the NIS (Numero Identificativo per i Servizi, readable
// without PIN and proved genuine by the IAS document security object and
// internal authentication), the IAS secure channel, PIN and PUK
// management, the authentication certificate, and signing with the
// citizen's key as a crypto.Signer.
//
// Entry points: [NewClient] over a [scard.Card]; [Client.VerifyNIS] for the
// pinless NIS; [Client.OpenChannel] and [Client.VerifyPIN] (which opens the
// channel itself); [Client.NewSigner] for a crypto.Signer usable as
// tls.Certificate{PrivateKey: signer}.
//
// # The secure channel
//
// A real CIE answers VERIFY PIN, the PUK commands, EF.CertCIE and the
// signature only inside the IAS secure channel, which this package opens
// exactly as the public CIE middleware (italia/cie-middleware-linux,
// cie-pkcs11/CSP/IAS.cpp) does: DH parameters by GET DATA, EF.Int.Kpub
// (1004), the CA key by GET DATA, MSE:SET KAT with the terminal's DH value
// (chained in 255-byte pieces), the card's DH value by GET DATA, session
// keys SHA-256(secret || counter)[:16] for 3DES, then DAPP in secure
// messaging with the terminal key and CA exponent published in that code,
// and the IAS secure messaging (3DES-CBC, retail MAC, SSC) for every later
// command, chained in 0xE7-byte pieces so that every APDU is short. The
// chip families the middleware tells apart by ATR ([ChipFromATR]) change
// two steps: Gemalto reads g, p, q in one GET DATA; NXP and later families
// select the MF instead of the IAS AID.
//
// # Compatibility
//
// Checked against the official middleware run on ciekit's simulator
// (scripts/interop-cie-middleware/RESULTS.md): the middleware (its
// enrolment, PIN manager and PKCS#11 module driven by OpenSC's pkcs11-tool)
// opens the channel, verifies, changes and unblocks the PIN, reads the
// certificate, checks the IAS SOD and signs on the simulator; ciekit's
// commands match the middleware's one by one (channel and VERIFY PIN, the
// certificate read, C_Sign, C_InitPIN, C_SetPIN) and its signatures are
// byte-identical to the ones the middleware got. Not yet run on a physical
// card: the byte layout of the card's GET DATA answers (the middleware
// reads them by position), the status words of a real card inside the
// channel, and the signature command on cards other than the simulator.
// Readers need no extended-length APDUs for this side.
//
// # Security
//
// DAPP uses keys every CIE terminal shares (they are public): it opens
// the channel but authenticates no terminal. The card's own DAPP answer is
// checked against EF 1004, so a chip without the key behind EF 1004 fails
// ([ErrChannel]). PINs, PUKs and session keys never appear in errors or
// formatted output ([Client] and its channel print redacted).
package ias
