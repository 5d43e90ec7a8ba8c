// Package wsq reads and writes WSQ, the wavelet scalar quantisation format
// of the FBI/NIST "WSQ Gray-scale Fingerprint Image Compression
// Specification" version 3.1 (IAFIS-IC-0110(V3.1), 2010), in which most
// fingerprint collections and ISO/IEC 19794-4 finger image records on
// identity cards carry 500- and 1000-ppi grey prints.
//
// Decode and DecodeConfig follow the standard library's image decoders,
// and importing the package registers the format with image.RegisterFormat
// (name "wsq", magic FF A0), so image.Decode reads .wsq files as image/png
// does for PNG. DecodeWith also returns the file's Info (resolution and
// comments), and a Decoder keeps its working buffers from one file to the
// next. Encode writes an 8-bit grey image at a target bit rate
// (Options.BitRate, DefaultBitRate 0.75 bits per pixel).
//
// # Conformance
//
// The codec implements the spec's 9/7 biorthogonal filter bank with
// symmetric extension, the 20-step, 64-subband decomposition, the dead-zone
// quantiser with the spec's bit allocation, and the Huffman coding of
// coefficients, zero runs and escapes in three blocks. It was checked
// against NIST NBIS 5.0.0 (cwsq and dwsq; scripts/compare-wsq and its
// RESULTS.md):
//
//   - files written by cwsq decode to exactly the pixels dwsq produces: the
//     decoder repeats NBIS's order of single-precision operations, so the
//     float arithmetic, and its rounding to 8 bits, is the same;
//   - files written by Encode are read by dwsq and are byte-identical to
//     cwsq's at the same bit rate (the encoder makes the same choices of
//     bin widths and Huffman tables), so compression ratio and error are
//     cwsq's; the one known divergence is a block whose optimal Huffman code
//     would exceed 16 bits (never seen in practice), where Encode applies
//     ITU-T T.81 Annex K.3 exactly and NBIS miscounts one code;
//   - testdata holds cwsq-made files with the dwsq output, so `go test`
//     checks cross-tool decoding and encoding without the tools.
//
// Only the 9/7 filter bank of the specification is accepted in the
// transform table (every known encoder writes it), and restart intervals
// (DRT) are rejected; NBIS does not write either.
//
// # Limits
//
// Malformed data gives a *FormatError naming the byte offset and field,
// never a panic. Declared sizes are checked before anything is allocated:
// at most DefaultMaxPixels pixels (DecodeOptions.MaxPixels to change it),
// at least MinDimension pixels a side, at most MaxFileSize bytes read.
// Decoding and encoding each need about 11 bytes per pixel.
package wsq

import "image"

func init() {
	image.RegisterFormat("wsq", "\xff\xa0", Decode, DecodeConfig)
}
