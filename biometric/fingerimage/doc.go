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
// Field layouts follow the standard's tables as other public readers apply
// them (JMRTD's FingerInfo for 2005; the 2011 representation header as read
// by MOSIP's bio-utils and a Pillow FIR plug-in): no ISO sample record was
// available to test against, so the tests are round trips and hand-built
// records. Raw bit-packed data is taken to start every row on a byte
// boundary.
//
// Malformed records give a *FormatError naming the field and byte offset
// (errors.Is ErrFormat), never a panic. Declared counts and lengths are
// checked against the bytes present before anything is allocated, records
// are limited to MaxRecordSize bytes and decoded images to MaxPixels.
package fingerimage
