// Package jpeg2000 decodes and encodes JPEG 2000 images (ITU-T T.800 |
// ISO/IEC 15444-1, Part 1), bare J2K codestreams and JP2 files, in pure Go.
// ICAO 9303 eMRTD chips, the CIE 3.0 among them, store the holder's face in
// DG2 as JPEG 2000 inside an ISO/IEC 19794-5 record (see package
// faceimage).
//
// Importing the package registers both forms with image.RegisterFormat
// ("jpeg2000" for JP2, "j2k" for codestreams), so image.Decode reads them.
//
// # Decoder
//
//   - Codestream syntax of Annex A: SIZ, COD, COC, QCD, QCC, RGN (max-shift
//     ROI), SOT/SOD tile-parts in any order, SOP and EPH markers; TLM, PLM,
//     PLT, CRG and COM are skipped.
//   - Tier-2 (Annex B): all five progression orders (LRCP, RLCP, RPCL, PCRL,
//     CPRL) and progression order changes (POC, in the main and tile-part
//     headers), precincts of any size, tag trees, multiple layers and tiles.
//   - Tier-1 (Annexes C and D): the MQ decoder and the three coding passes,
//     with every Part 1 code-block style: bypass (lazy), context reset,
//     termination on each pass, vertically causal contexts, predictable
//     termination and segmentation symbols.
//   - Dequantisation (Annex E) with midpoint reconstruction, the reversible
//     5/3 and irreversible 9/7 inverse wavelets (Annex F) with any number of
//     decomposition levels, the inverse RCT and ICT (Annex G), and DC level
//     shifting; JP2 files declaring sYCC (4:4:4, 4:2:2 or 4:2:0) are
//     converted to RGB as opj_decompress converts them.
//
// Not implemented, reported as ErrUnsupported: PPM and PPT markers,
// Part 2 and HTJ2K (Part 15) codestreams, JP2 palettes (pclr/cmap), and more
// than 64 components. Component subsampling decodes, and the output image
// repeats each subsampled sample (nearest neighbour). A codestream that
// ends at a packet boundary decodes (the missing packets count as empty);
// one that ends inside a packet is an error.
//
// # Encoder
//
// Encode writes one tile, 5 decomposition levels, 64×64 code-blocks and one
// quality layer in LRCP order: by default with the reversible 5/3 wavelet
// and, for colour, the RCT, lossless unless EncodeOptions.TargetSize is
// set; with EncodeOptions.Irreversible, the 9/7 wavelet, the ICT and scalar
// quantisation. A target size makes it truncate each code-block's passes
// where the weighted distortion per byte is lowest (PCRD-opt, T.800 J.14)
// until the file fits, which suits eMRTD faces of 15-20 KB.
//
// # Verified against OpenJPEG
//
// scripts/compare-openjpeg (table in its RESULTS.md) encodes synthetic
// face-sized images with opj_compress (OpenJPEG 2.5.0, Debian
// libopenjp2-tools) at passport rates and with every option listed above
// (tiles, layers, precincts, the five orders and POC, -M 1 to 63, SOP/EPH,
// ROI, TLM/PLT, tile-parts, offsets, sYCC), decodes them with
// opj_decompress and with this package, and compares the pixels: all 78
// files decode identically, 9/7 included, because the decoder repeats
// OpenJPEG's float32 arithmetic (its 2/K high-pass scaling and step sizes).
// Every file Encode writes, 5/3 or 9/7, is decoded by opj_decompress to the
// same pixels as here; at equal size its PSNR is within 0.1 dB of
// opj_compress's with the same wavelet. Small files made by both tools are
// in testdata with the commands that made them, so `go test` checks all
// this without the tools. Not verified: files from other encoders (Kakadu,
// the issuers' own), which we do not have.
//
// # Hostile input
//
// Decode errors are *FormatError values naming the offset and syntax
// element and wrapping ErrMalformed, ErrUnsupported, ErrTooLarge or
// io.ErrUnexpectedEOF; no input makes the decoder panic (FuzzDecode).
// Declared sizes are checked before allocation: the image's samples against
// Decoder.MaxSamples (DefaultMaxSamples, 64 Mi samples, unless set), a
// tile's precincts against 4096 plus 8 per byte of the tile's data, and all
// else the decoder allocates grows with the input's length, not with
// numbers read from it. The whole input is read into memory first.
package jpeg2000
