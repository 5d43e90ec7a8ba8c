// Package scansim simulates a fingerprint scanner with synthetic prints.
//
// A [Finger] is a master ridge pattern grown from a seed; [Finger.Impress]
// renders one capture of it in a [Condition] (rotation, translation,
// pressure, partial contact, noise, smear) and returns an [Impression]:
// the image and the ground-truth minutiae in image coordinates. A
// [Scanner] implements [biometric.Scanner] on top: one finger per
// position, a new natural condition per capture, optional latency and a
// script of failures to exercise retry paths.
//
// # Method
//
// The master pattern follows SFinGe (Cappelli, Maio and Maltoni, "Synthetic
// fingerprint-image generation", ICPR 2000; Maltoni et al., Handbook of
// Fingerprint Recognition, ch. 6): a pattern class (arch, tented arch,
// left or right loop, whorl, at population frequencies) places cores and
// deltas; the orientation field is the zero-pole model of Sherlock and
// Monro (Pattern Recognition 26(7), 1993) with a slow random bend; the ridge
// period is 8.6..10.2 pixels at 500 ppi, a little shorter near the cores.
// Ridges grow from random seed fragments by repeated Gabor filtering tuned
// to the local orientation and period, with saturation, until they cover
// the pad; minutiae appear where growing ridges meet. Because the master
// is noise-free, thinning its ridges gives the minutiae exactly; they are
// the ground truth, in the direction convention of [biometric.Minutia].
//
// Each finger also has sweat pores along its ridges and, on about half the
// fingers, a few creases; they are skin detail, not minutiae, and an
// extractor that reports them makes false minutiae as on real prints.
//
// An impression moves the pad rigidly and warps it with a smooth elastic
// distortion, thresholds the master field at a level set by the pressure
// (thicker or thinner ridges, broken ridges when dry, merged when wet),
// roughens the ridge edges, masks it with the elliptical pad and an
// optional cut for partial contact, blurs it and adds sensor noise.
// Ground-truth minutiae follow the same rotation, translation and warp;
// those less than 8 pixels inside the contact area are dropped. Minutia
// directions are rotated with the finger; the warp's effect on them (a
// degree or two) is ignored.
//
// [Impression.Resample] and Options.Resolution give captures at other
// resolutions (250..1000 ppi), ground truth scaled with them.
//
// Everything is deterministic for a seed on a given architecture (the
// compiler may fuse floating-point multiply-adds differently elsewhere,
// which can move a pixel or a minutia). The package does not import
// testing: the same simulator serves tests, examples and demos.
package scansim
