// Package jpeg2000 decodes JPEG 2000 images (ITU-T T.800 | ISO/IEC 15444-1,
// Part 1): bare J2K codestreams and JP2 files, as ICAO 9303 eMRTD chips and
// the CIE 3.0 store the holder's face in DG2 (inside an ISO/IEC 19794-5
// record, see package faceimage).
//
// Importing the package registers both forms with image.RegisterFormat
// ("jpeg2000" for JP2, "j2k" for codestreams), so image.Decode reads them.
//
// # What is implemented
//
//   - Codestream syntax of Annex A: SIZ, COD, COC, QCD, QCC, RGN (max-shift
//     ROI), SOT/SOD tile-parts in any order, SOP and EPH markers; TLM, PLM,
//     PLT, CRG and COM are skipped.
//   - Tier-2 (Annex B): all five progression orders (LRCP, RLCP, RPCL, PCRL,
//     CPRL), precincts of any size, tag trees, multiple layers and tiles.
//   - Tier-1 (Annexes C and D): the MQ decoder and the three coding passes,
//     with every Part 1 code-block style: bypass (lazy), context reset,
//     termination on each pass, vertically causal contexts, predictable
//     termination and segmentation symbols.
//   - Dequantisation (Annex E) with midpoint reconstruction, the reversible
//     5/3 and irreversible 9/7 inverse wavelets (Annex F) with any number of
//     decomposition levels, the inverse RCT and ICT (Annex G), and DC level
//     shifting; sYCC JP2 files are converted to RGB.
//
// Not implemented, reported as ErrUnsupported: POC, PPM and PPT markers,
// Part 2 and HTJ2K (Part 15) codestreams, JP2 palettes (pclr/cmap), and more
// than 64 components. Component subsampling decodes, and the output image
// repeats each subsampled sample (nearest neighbour).
//
// # Verified against OpenJPEG
//
// scripts/compare-openjpeg encodes synthetic face-sized images with
// opj_compress (OpenJPEG 2.5, Debian libopenjp2-tools) at passport-like
// rates and with every option listed above, decodes them with opj_decompress
// and with this package, and compares the pixels: every file decodes
// identically, 9/7 included, because the decoder repeats OpenJPEG's float32
// arithmetic (its 2/K high-pass scaling and step sizes). The table is in
// scripts/compare-openjpeg/RESULTS.md; small files made by opj_compress are
// in testdata with the commands that made them, so the tests check this
// without the tools.
//
// # Hostile input
//
// Errors are *FormatError values naming the offset and syntax element and
// wrapping ErrMalformed, ErrUnsupported, ErrTooLarge or io.ErrUnexpectedEOF;
// no input makes the decoder panic. Declared sizes are checked before
// allocation: the image's samples against Decoder.MaxSamples
// (DefaultMaxSamples, 64 Mi samples, unless set), a tile's precincts
// against 4096 plus 8 per byte of the tile's data, and everything else the decoder allocates grows with the
// input's length, not with numbers read from it.
package jpeg2000
