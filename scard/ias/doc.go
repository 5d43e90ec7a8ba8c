// Package ias drives the IAS-ECC application of the Italian electronic
// identity card (CIE 3.0), the "CIE PKI" side next to the ICAO eMRTD
// application: the NIS (Numero Identificativo per i Servizi, readable
// without PIN and proved genuine by the IAS document security object and
// internal authentication), the authentication certificate, and PIN and
// PUK management.
//
// The file identifiers and the IAS SOD numbering come from the public CIE
// middleware (see the CIE chip fact sheet); the commands are those of
// ISO/IEC 7816-4 and the IAS-ECC specification (CEN TS 15480-2 profile).
// The IAS secure channel (DH key agreement with DAPP device authentication)
// that real CIEs require before VERIFY PIN, and signing with the CIE key,
// are not implemented yet: they will land in this package. Until then the
// PIN methods work with the simulator scard/cardsim and with cards that
// accept them in the clear; the NIS path needs no PIN and works with real
// cards.
package ias
