// Package eval measures fingerprint extractors and matchers the way the
// Fingerprint Verification Competitions do.
//
// [Run] is the whole protocol: it enrols every sample with the caller's
// function, matches the FVC pairs, and reports the error rates, failures
// to enrol and mean enrol and match times.
//
// [GenuinePairs] and [ImpostorPairs] list the comparisons of the FVC
// protocol over a set of fingers × impressions; [ScorePairs] runs a
// matcher over them (checking its context between pairs); [Compute]
// turns the genuine and impostor scores into the error rates FVC reports
// (EER, FMR100, FMR1000, ZeroFMR). [WriteScoresCSV] writes every score,
// and [CompareMinutiae] scores an extraction against ground truth
// (precision and recall within a distance and angle tolerance).
// [LeaveOneOut] lists the folds of a leave-one-set-out evaluation, and
// [FMRAt], [FNMRAt] and [Quantile] measure a threshold fitted on other
// sets. Package detplot (a package of its own, so that eval stays light)
// draws the detection error trade-off curves.
//
// # Reading collections
//
// [ReadPrints] reads the prints of one file in the formats fingerprint
// collections come in: WSQ (the NIST special databases; package
// biometric/wsq), ISO/IEC 19794-4 finger image records (one print per
// finger image, named file#view; package biometric/fingerimage), TIFF (the
// FVC2000/2002/2004 databases as distributed; golang.org/x/image/tiff,
// 16-bit grey kept as *image.Gray16), BMP (CASIA, PolyU;
// golang.org/x/image/bmp), PNG, JPEG and GIF. [IsPrint] and
// [PrintExtensions] pick them out of a folder.
//
// Each [Print] carries the resolution its file declares, for
// [biometric.Options].Resolution: WSQ's NISTCOM PPI, the record's image
// resolution, TIFF's XResolution with ResolutionUnit inch or centimetre
// (unit 1, no absolute unit, declares none), BMP's biXPelsPerMeter; PNG,
// JPEG and GIF declare none. Where X and Y differ, X is taken. A value
// under 200 or over 10000 ppi, most often the 72 or 96 dpi image software
// writes by default, is no print's: it is kept in [Print].IgnoredPPI and
// the caller's resolution applies. The TIFF and BMP headers are read by
// this package (x/image does not expose the resolution) with bounds
// checks, and a damaged header is a [*HeaderError]; the image size is
// checked before any pixel memory is allocated.
//
// The reader lives here rather than in package biometric so that the
// extractor and matcher, which card readers and issuing stations embed,
// stay free of the image codecs.
//
// # FVC protocol
//
// With F fingers of I impressions each (FVC2002 B sets: 10 × 8), the
// genuine comparisons are every impression against each later impression
// of the same finger (F·I·(I−1)/2 = 280), and the impostor comparisons are
// the first impression of every finger against the first impression of
// every later finger (F·(F−1)/2 = 45), or optionally every impression
// against every impression of every later finger (I²·F·(F−1)/2 = 2,880).
// See bias.csr.unibo.it/fvc2002/perfeval.asp.
//
// # Error rates
//
// A comparison is accepted when its score is at least the threshold.
// FMR(t) is the share of impostor scores ≥ t, FNMR(t) the share of genuine
// scores < t. EER is computed as FVC does: at the threshold where the
// curves cross, the mean of FMR and FNMR (interpolated between the two
// nearest thresholds). FMR100, FMR1000 are the lowest FNMR with FMR at or
// below 1 % and 0.1 %; ZeroFMR the lowest FNMR with no false match.
// Samples that failed to enrol take part with the score 0.
package eval
