// Package fingerimage reads and writes ISO/IEC 19794-4 finger image
// records, the format in which ICAO 9303 data group 3 of a passport, and of
// the Italian CIE 3.0, holds the holder's fingerprints (normally two WSQ
// images).
//
// Parse reads both editions: ISO/IEC 19794-4:2005 (version "010": a
// 32-byte general header and a 14-byte header per view, the layout of DG3)
// and ISO/IEC 19794-4:2011 (version "020": a 16-byte general header and
// per-representation headers with capture time, device, quality and
// certification blocks, image data length and extended data). Marshal
// writes the 2005 layout. A record holds any number of finger images
// (multi-finger); each keeps its image data as stored, and Image.Decode
// decodes it: WSQ (package biometric/wsq), PNG, JPEG, and raw or bit-packed
// pixels; JPEG 2000 when a decoder for it is registered with
// image.RegisterFormat. NewImage builds an Image from an image.Image with a
// WSQ, PNG, JPEG or raw body.
//
// # Verification
//
// Field layouts follow the standard's tables as other public readers apply
// them, and were checked against tools nobody here wrote (scripts/compare-wsq
// and its RESULTS.md):
//
//   - 2005: records written by NIST BiomDI mkfir parse, decode and marshal
//     back to the same bytes, and two-finger WSQ records written by Marshal
//     pass BiomDI's validator firv and print correctly with prfir;
//   - 2011: the Annex C sample and the two-finger record distributed with
//     IDEMIA's python-iso19794 parse, the sample's pixels equal the raw
//     data published with it, and records written by that project's Pillow
//     plug-in (raw and JPEG, with quality and certification blocks) parse to
//     the fields and pixels it was given.
//
// testdata holds the BiomDI and python-iso19794 records, so `go test`
// repeats these checks without the tools. Raw bit-packed data, which none
// of them writes, is taken to start every row on a byte boundary.
//
// Malformed records give a *FormatError naming the field and byte offset
// (errors.Is ErrFormat), never a panic. Declared counts and lengths are
// checked against the bytes present before anything is allocated, records
// are limited to MaxRecordSize bytes and decoded images to MaxPixels.
package fingerimage
