// Command workstation is the ciekit demo of a comune's CIE workstation: the
// whole issuance of an electronic identity card, end to end, on simulated
// hardware, as the Ministry's circulars describe the workstation (smart card
// reader with the operator card, barcode reader, fingerprint scanner, CIE
// reader) and its link to the comune's population register (APR) over SAD.
//
// The seven steps, each reported with ✓/✗ and its duration:
//
//  1. operator login with the simulated SCO (operator card): activation by
//     the Security Officer with the master password when the card is new,
//     association to the sede, then the operator PIN;
//  2. the codice fiscale read from a simulated barcode reader (Code 39
//     payload of the Tessera Sanitaria), normalised and validated;
//  3. the citizen looked up in the APR over SAD (an in-process APR on
//     loopback, http by default or ftp with -transport ftp) and the data
//     checked against the codice fiscale;
//  4. two fingerprints (one per hand) from the simulated scanner, templates
//     extracted and quality-checked with retries; under-12s are exempt, and
//     -no-fingerprints records that taking them is impossible (12-month card);
//  5. expiry and validity for travel abroad (espatrio) by the rules of
//     package cie, the card assembled and validated, the MRZ built;
//  6. a simulated CIE personalised with the result (a JPEG 2000 face in DG2,
//     the two prints as ISO/IEC 19794-4 finger image records with WSQ images
//     in DG3), the issuance signed with the operator card, the issued-card
//     notice sent to the APR over SAD;
//  7. the new card read back with package scard/emrtd (PACE with the CAN,
//     chip authentication, terminal authentication for DG3), verified by
//     passive authentication, the face and prints decoded and the prints
//     matched 1:1 against the captured templates, the NIS read and
//     authenticated, and everything compared field by field with what was
//     sent.
//
// The first failure stops the run: its step is marked ✗ with the error, the
// report ends with ISSUANCE FAILED naming the step, and the exit status is
// 1; a failure after the APR recorded the card also sends it the
// cancellation notice ("Annullamento emissione"). A wrong flag is reported
// on stderr with the accepted values, exit status 2; -h prints the usage
// and exits 0. With -json FILE the issuance record is also written as JSON.
//
// Usage:
//
//	go run ./examples/workstation [-citizen adult|minor|teen|foreign|CF] [-transport http|ftp]
//	    [-seed N] [-json FILE] [-pin PIN] [-master PASSWORD] [-sco new|active|blocked] [-poor N]
//	    [-no-fingerprints] [-consent yes|no] [-apr up|down|down-after-lookup]
//	    [-barcode TEXT] [-issue YYYY-MM-DD] [-keybits 1024|2048] [-reproducible] [-unblock] [-forge]
//
// README.md in this directory maps each step to the ciekit API it uses.
//
// Everything is synthetic: the people, the keys, the certificates, the cards.
package main

import "github.com/ciekit/ciekit/internal/cli"

func main() { cli.Main(command.Name, run) }
