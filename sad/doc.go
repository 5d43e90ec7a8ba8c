// Package sad implements SAD 2.8, the protocol between the CIE workstation
// and the comune's population register (APR, Anagrafe della Popolazione
// Residente).
package sad
