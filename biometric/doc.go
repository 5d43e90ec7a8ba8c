// Package biometric extracts fingerprint minutiae and encodes them as
// ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 templates.
//
// The CIE workstation captures two flat prints (one per hand) at 500 ppi;
// this package turns each print into a [Template]: a list of [Minutia]
// (ridge endings and bifurcations with position, direction and quality),
// the image size and resolution, and a quality score for the finger.
//
// Entry points: [Extractor] finds the minutiae of an image
// ([Extractor.Extract], [Extractor.ExtractRaw], [Extractor.ExtractTemplate]);
// [ParseISO] and [Template.MarshalISO] (and their ANSI twins) read and
// write the standard records; [Match] and [SameFinger] compare two
// templates, a [Probe] and a [Gallery] compare one with many; [Scanner] is
// the capture interface; [DrawMinutiae] shows an extraction.
//
// The package imports only the standard library: scanner adapters live in
// sub-packages (biometric/scansim for the simulator, biometric/usbscan for
// USB devices over cgo).
//
// # Extraction pipeline
//
// An [Extractor] runs named stages, each over image-sized buffers it keeps
// between calls (block maps are 8x8 pixels at 500 ppi):
//
//  1. segmentation: block contrast over 3x3-block windows against a
//     threshold relative to the print's own contrast, majority vote,
//     largest component, holes filled, distance to the background;
//  2. normalisation to zero mean and unit variance, with block statistics
//     interpolated bilinearly;
//  3. orientation field: the gradient structure tensor per block, smoothed
//     as a doubled-angle field, with its coherence as reliability;
//  4. ridge frequency: the ratio of gradient to signal energy, which for a
//     sampled sinusoid depends only on its frequency and direction; and,
//     on a subsample of the blocks, the distance between successive ridges
//     and valleys across an oriented window (Hong, Wan and Jain's
//     x-signature), which does not depend on the ridges' profile: it gives
//     [Extractor.RidgePeriod], and where the two readings part (blur, wet
//     skin) the band-pass of stage 5 is retuned;
//  5. contextual enhancement: an oriented Gabor filter applied block-wise
//     in two passes (smoothing along the ridges, an even band-pass tuned to
//     the block's period across them) from a bank of 24 orientations and
//     22 periods;
//  6. binarisation by the sign of the enhanced image;
//  7. thinning (Guo and Hall's parallel algorithm);
//  8. minutiae detection by crossing number (1 ending, 3 bifurcation);
//  9. removal of false minutiae by tracing the skeleton (spurs, merged
//     junction clusters; short ridges, islands and short bridges are kept:
//     measured leave-one-set-out, dropping them cost accuracy), broken
//     ridges (facing endings), minutiae near the border of the print or
//     whose ridge runs into the background, close pairs and clouds; then
//     the best by quality. A minutia's direction is the ridge's own,
//     traced along the skeleton over 20 pixels, blended 3:1 with the
//     orientation field (which alone is smoothed over 40 px and misses the
//     curvature at the minutia); its quality is the ridge-flow coherence
//     around it, lowered near the border of the print.
//
// Before enhancement, an image that is not a fingerprint (noise, blurred
// noise, blank or uniform, gradients, printed text, photographs, prints
// lost to JPEG blocking) is rejected: no minutiae, finger quality 0.
//
// Images of another resolution ([Options.Resolution]) are resampled to
// 500 ppi first and the minutiae are reported in input coordinates. A
// wrong resolution costs much accuracy and one print cannot show it; over
// a set of prints, [CheckResolution] on each [Extractor.RidgePeriod] says
// when the prints look like another resolution.
//
// # Conventions
//
// Coordinates have their origin at the top-left corner, X to the right and
// Y down. Angles follow ISO/IEC 19794-2: counter-clockwise as seen on the
// screen from the positive X axis, in units of 360/256 degrees, pointing up
// the ridge for an ending and between the two branches (up the valley that
// ends at the fork) for a bifurcation. Minutia quality is the coherence of
// the ridge flow around the minutia (1..100, lowered near the border);
// finger quality (Extractor.Quality) predicts matchability from the print's
// area, ridge flow coherence, ridge-valley clarity, ridge period consistency
// and minutiae: below 40 means retry the capture, 70 and above is good.
//
// # Matching
//
// [Match] and [SameFinger] compare two templates; a [Probe] compares one
// with many ([Probe.MatchPrepared] over [Prepared] templates,
// [Gallery.Search] for 1:N) without allocating. Scores are -10·log10 of a
// false-match rate: 30 is about 1 in 1,000 ([ThresholdFMR1000]), set from
// the FVC2002 B impostor pairs as the 95 % upper prediction bound for a
// sensor not among them (a held-out FVC2002 B set reaches at most 1.02 %
// at [ThresholdFMR100] and none at [ThresholdFMR1000]; the sets it was
// fitted on stay well under). Each minutia gets edges to its 6 nearest
// neighbours; similar edges of the two templates vote for root pairs; the
// best roots are aligned, the minutiae paired greedily within 8 to 20 px
// (growing with the distance from the root, for elastic distortion) and
// 17°, the alignment refitted, and the pairs scored against the minutiae
// in the overlap of the two prints, so partial prints are not penalised
// for what they do not show. Each pair counts by how closely it agrees, and
// an unpaired minutia of the overlap by its quality (a minutia of unknown
// quality, 0, counts fully). Templates of other resolutions and ANSI angle
// units are normalised first. The package biometric/eval implements the
// FVC evaluation protocol on top.
//
// # Performance
//
// Extraction is single-threaded, allocates nothing once an [Extractor] has
// seen an image of the size at hand (for *image.Gray, *image.YCbCr,
// *image.RGBA, *image.NRGBA and raw buffers), and takes about 4 ms for a
// 400x500 print at 500 ppi on a current x86 core; see BENCHMARKS.md in
// this directory for the figures and the command that produced them.
// Use one Extractor per goroutine to extract in parallel.
//
// # Debugging
//
// Set [Options.Debug] to receive a picture after every stage (mask,
// normalised image, orientation field coloured by coherence, period map,
// enhanced and binary images, skeleton, candidates, and the final minutiae
// over the print with the removed candidates in grey).
package biometric
