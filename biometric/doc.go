// Package biometric extracts fingerprint minutiae and encodes them as
// ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 templates.
//
// The CIE workstation captures two flat prints (one per hand) at 500 ppi;
// this package turns each print into a [Template]: a list of [Minutia]
// (ridge endings and bifurcations with position, direction and quality),
// the image size and resolution, and a quality score for the finger.
//
// The package imports only the standard library: scanner adapters live in
// sub-packages (biometric/scansim for the simulator, biometric/usbscan for
// USB devices over cgo).
package biometric
