// Package faceimage reads and writes ISO/IEC 19794-5:2005 face image records,
// the format of the holder's portrait in ICAO 9303 data group 2 and so in
// the CIE 3.0's DG2.
//
// A record (Parse, Record.Append) is a 14-byte header ("FAC\0", version
// "010\0", record length, number of images) followed by one facial record
// data block per image: the 20-byte facial information block (gender, eye
// and hair colour, feature mask, expression, pose angles and their
// uncertainties), 8 bytes per MPEG-4 feature point, the 12-byte image
// information block (face image type, image data type, width, height, colour
// space, source type, device type, quality) and the image data, JPEG
// (ISO/IEC 10918) or JPEG 2000 (ISO/IEC 15444). Every field keeps its coded
// value, so Append(Parse(b)) gives back b; named constants cover the values
// the standard defines.
//
// Image.Decode decodes the image data with image/jpeg or with
// biometric/jpeg2000, checking the declared width and height against the
// image's and bounding the decoder's memory by the declared size.
//
// Errors from Parse and Image.Decode are *FieldError values that name the
// field and its byte offset in the record and wrap ErrMalformed or
// ErrUnsupported (or the image decoder's error). The parser is fuzzed
// (FuzzParse: no panics, and Append(Parse(b)) == b for every accepted b).
//
// What was verified: the layout follows ISO/IEC 19794-5:2005 clauses 5.4-5.8
// as implemented by JMRTD (org.jmrtd.lds.iso19794.FaceImageInfo), which
// reads real passports; no real DG2 was available to us, so the tests use
// records built here around JPEG 2000 files that OpenJPEG wrote.
package faceimage
