package biometric

import (
	"errors"
	"fmt"
	"image"
	"slices"
)

// DefaultResolution is the input resolution assumed when
// [Options.Resolution] is zero, in pixels per inch.
const DefaultResolution = 500

// DefaultMaxMinutiae is the number of minutiae kept when
// [Options.MaxMinutiae] is zero: the MINEX III / PIV limit.
const DefaultMaxMinutiae = 128

// Image size limits of the extractor, in pixels at the working resolution
// of 500 ppi (an input of another resolution is first resampled to 500 ppi).
const (
	MinImageSize = 64
	MaxImageSize = 2000
)

// ErrImage is the category of images the extractor cannot process: too
// small, too large, or with an inconsistent buffer. The details come in an
// [*ImageError] that unwraps to it.
var ErrImage = errors.New("biometric: unusable image")

// ImageError reports why an image was rejected. It unwraps to [ErrImage].
type ImageError struct {
	Width, Height int    // as given by the caller
	Reason        string // what is wrong, e.g. "pixel buffer too short"
}

func (e *ImageError) Error() string {
	return fmt.Sprintf("biometric: image %dx%d: %s", e.Width, e.Height, e.Reason)
}

// Unwrap returns [ErrImage].
func (e *ImageError) Unwrap() error { return ErrImage }

// Options configures an [Extractor]. The zero value is valid and gives the
// documented defaults.
type Options struct {
	// Resolution is the resolution of the input images in pixels per inch.
	// Zero means 500 (DefaultResolution). Images of another resolution are
	// resampled to 500 ppi before extraction; the minutiae are reported in
	// the coordinates of the input image. Values outside 250..1000 are
	// rejected by Extract with an *ImageError.
	//
	// A wrong resolution is not detected by Extract. Measured on FVC2002
	// B prints resampled and extracted as if at 500 ppi
	// (TestRobustnessSweep): prints of 400 or 600 ppi give
	// normal-looking templates that miss their mates (59 % and 30 % of
	// genuine pairs below ThresholdFMR100); prints of 800 ppi match
	// almost none (99 %), and of 1000 ppi most are taken for "not a
	// finger" (no minutiae, quality 0). Over a set of prints,
	// [CheckResolution] on their [Extractor.RidgePeriod] values warns
	// when the resolution is about 15 % or more off (400, 600 ppi and
	// beyond taken for 500, on sets of typical adult fingers).
	Resolution int

	// MaxMinutiae caps the number of minutiae returned, highest quality
	// first. Zero means 128 (DefaultMaxMinutiae); negative means no cap
	// beyond the extractor's own limit of 4096 candidates per image.
	MaxMinutiae int

	// Debug, when non-nil, is called after each pipeline stage with the
	// stage name ("input", "mask", "normalized", "orientation",
	// "frequency", "enhanced", "binary", "skeleton", "candidates",
	// "minutiae") and a picture of its result. The pictures are freshly
	// allocated and the callee may keep them. Debug output is slow; leave
	// it nil in production.
	Debug func(stage string, img image.Image)
}

// An Extractor finds the minutiae of fingerprint images.
//
// It keeps scratch buffers between calls, so that once it has seen an image
// of a given size, extracting from images of that size or smaller allocates
// nothing for raw buffers and for *image.Gray, *image.Gray16,
// *image.YCbCr, *image.RGBA, *image.NRGBA, *image.RGBA64, *image.NRGBA64,
// *image.CMYK and *image.Paletted input. Other image types are converted
// pixel by pixel through their color model, which may allocate.
//
// 16-bit gray input (*image.Gray16) keeps its precision where it helps:
// its gray range (darkest to lightest pixel) is stretched to 0..255
// before extraction, so a scanner that fills only 12 bits, or a narrow
// band of 16, loses no ridge contrast to rounding.
//
// The zero Extractor is ready to use with default [Options]. An Extractor
// is not safe for concurrent use by multiple goroutines: use one per
// goroutine.
type Extractor struct {
	Options Options

	inW, inH  int // input size (the window inside a canvas margin, see trimCanvas)
	offX      int // offset of that window in the input
	offY      int
	scale     float32 // input pixels per working pixel
	w, h      int     // working size (500 ppi)
	s         int     // stride of padded planes
	bw, bh    int     // block grid
	kernS     int     // stride the kernel offsets were built for
	kernSigma float32 // and the along-ridge sigma of its weights

	in   []uint8 // input converted to gray, tight, inW*inH (capacity: see growIn)
	gray []uint8 // working image, tight, w*h: in itself at 500 ppi, else rs
	rs   []uint8 // resampled input

	nwin     []float32 // window of the normalised image, normBlocks block rows of the padded plane (enhance.go)
	win      []float32 // window of the smoothed image, winBlocks block rows
	nR0      int       // padded block row at the top of nwin
	winR0    int       // padded block row at the top of win
	dbgNorm  []float32 // padded: normalised image, only with Options.Debug
	dbgEnh   []float32 // padded: enhanced image, only with Options.Debug
	band     []uint16  // the wide blur's plane (16-bit fixed point) and scratch, only for an image the first structure test rejects (reject.go)
	bandT    []float32 // its block tensors and a row of column sums
	bandLo   boxRows   // the narrow blur, row by row
	bin      []uint8   // padded: binary image, thinned in place
	skel     []uint8   // bin once thinned: the skeleton (same plane)
	stamp    []uint8   // padded: tracing visit stamps, in the memory of in (useStamps)
	dbgStamp []uint8   // stamps of their own, only with Options.Debug
	gen      uint8
	markKey  [markSlots]int32  // candidate marks: pixel index+1 (minutiae.go)
	markVal  [markSlots]uint16 // candidate index+1

	// Block maps, bw*bh each.
	bsum, bsq  []float32
	bmean      []float32
	bistd      []float32
	mask, mtmp []uint8
	near       []uint8 // foreground or next to it
	bdist      []uint8
	gxx        []float32 // gxx, gyy, gxy, d1 share the memory of bsum, bsq, bmean, bistd (setup)
	gyy        []float32
	gxy        []float32
	d1, d2     []float32 // doubled-angle vectors, summed over 5 blocks of a row
	ori        []float32 // ridge direction, radians in [0, pi)
	coh        []float32 // coherence 0..1
	period     []float32 // ridge period in working pixels
	obin, pbin []uint8
	f1, f2     []float32 // frequency: gradient and signal energy, summed over 5 blocks of a row
	f3         []float32 // frequency: signal energy about each block's own mean (as f1, f2)
	clar       float32   // clarity summed over the blocks measured (clarityRow)
	clarN      int
	cmean      []float32 // corner grid (bw+1)*(bh+1)
	cistd      []float32
	tbits      []uint64 // thinning: bit plane (thin.go)
	tact       []uint8  // thinning: rows with deletions in the last sub-iterations
	stack      []int32

	path []int32  // pixels of the last trace
	uf   []int32  // union-find over candidates
	ext  []uint16 // external branches per junction cluster
	size []uint16 // members per junction cluster
	cand []candidate
	out  []Minutia

	kern    kernels
	quality uint8
	qf      qualityFeatures
	reject  uint8         // why the last image was rejected (reject.go), 0 if not
	lut     [256]uint8    // palette gray levels (convert.go)
	tune    *filterParams // nil: the defaults; set only by the tuning harness
	fgBlock int
	noise   float32 // pixel noise deviation of the working image (noiseSigma), gray levels
	ridgeP  float32 // median ridge period of the foreground, input pixels (RidgePeriod)
	xsigP   float32 // median x-signature period of the foreground, working pixels (xsig.go), 0 if none
	xsigN   int     // blocks that gave an x-signature period
}

// candidate is a minutia during detection and filtering, in working
// coordinates.
type candidate struct {
	p       int32 // padded index
	x, y    int32
	fx, fy  float32 // refined position
	dx, dy  float32 // unit direction (image coordinates, y down)
	kind    MinutiaKind
	q       float32
	removed bool
	why     uint8 // which rule removed it (debugging aid)
	edge    bool  // kept though its ridge runs into the background soon (filterParams.edgeQ)
}

// Quality returns the finger quality 0..100 of the last image processed,
// a prediction of how well it will match in the spirit of NFIQ 2 (but not
// NFIQ 2, whose scores it does not reproduce):
//
//   - 0: nothing extracted yet, or no fingerprint found (including an
//     image rejected as not a finger);
//   - 1..39: poor, retry the capture: too small a contact area (under about
//     75 mm^2), too few minutiae, or ridges too unclear (heavy noise, smear,
//     very dry or wet skin);
//   - 40..69: usable but below par;
//   - 70..100: good.
//
// It combines, from the block maps of the extraction, the foreground area,
// the mean orientation coherence, the ridge-valley clarity of the
// normalised image split by the enhanced one, the share of blocks with a
// plausible and locally consistent ridge period, and the number and mean
// quality of the minutiae; see quality.go for the mapping and QUALITY.md
// for its calibration on simulated captures and FVC2002 (where the images
// in the lowest quality third have clearly lower genuine match scores
// than those in the highest).
func (e *Extractor) Quality() uint8 { return e.quality }

// Extract appends the minutiae found in img to dst and returns the
// extended slice, highest quality first, at most Options.MaxMinutiae of
// them. Coordinates are in the pixel space of img with its Bounds().Min
// as the origin.
//
// A uniform margin round the image whose level differs from the edge of
// the window it surrounds (a print pasted onto a larger canvas) is cut off
// first, so that the window's edge counts as the image's edge; Quality
// then describes the window.
//
// An image without a usable fingerprint gives no minutiae, finger quality
// 0 and no error. That includes images that are not fingerprints at all:
// noise, blurred noise, blank or uniform images, gradients, printed text,
// photographs, and prints whose ridges JPEG compression has replaced by
// 8x8 blocks (see reject.go for the tests and their thresholds).
// It returns an *ImageError (unwrapping to [ErrImage]) when img is too
// small or too large or the resolution is out of range; dst is then
// returned unchanged.
func (e *Extractor) Extract(dst []Minutia, img image.Image) ([]Minutia, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if err := e.checkSize(w, h); err != nil {
		return dst, err
	}
	e.inW, e.inH = w, h
	e.growIn()
	e.toGray(img, b, w, h)
	e.trimCanvas()
	return e.run(dst)
}

// ExtractRaw is [Extractor.Extract] for an 8-bit grayscale buffer: pixel
// (x, y) is pix[y*stride+x], 0 black and 255 white. It returns an
// *ImageError when the sizes are out of range or pix is too short.
func (e *Extractor) ExtractRaw(dst []Minutia, pix []byte, width, height, stride int) ([]Minutia, error) {
	if err := e.checkSize(width, height); err != nil {
		return dst, err
	}
	if stride < width {
		return dst, &ImageError{Width: width, Height: height, Reason: fmt.Sprintf("stride %d less than width", stride)}
	}
	if stride > len(pix) || len(pix) < (height-1)*stride+width {
		return dst, &ImageError{Width: width, Height: height, Reason: fmt.Sprintf("pixel buffer of %d bytes too short", len(pix))}
	}
	e.inW, e.inH = width, height
	e.growIn()
	copyPlane(e.in, width, height, pix, stride)
	e.trimCanvas()
	return e.run(dst)
}

// ExtractTemplate extracts the minutiae of img into a new [Template] with
// the image size, the resolution in pixels per centimetre, the finger
// quality and position FingerUnknown, impression type 0 (live-scan plain).
// It returns the errors of [Extractor.Extract].
func (e *Extractor) ExtractTemplate(img image.Image) (Template, error) {
	ms, err := e.Extract(nil, img)
	if err != nil {
		return Template{}, err
	}
	b := img.Bounds()
	res := PxPerCM(e.resolution())
	return Template{
		Width:       uint16(b.Dx()),
		Height:      uint16(b.Dy()),
		ResolutionX: res,
		ResolutionY: res,
		Quality:     e.quality,
		Minutiae:    ms,
	}, nil
}

func (e *Extractor) resolution() int {
	if e.Options.Resolution == 0 {
		return DefaultResolution
	}
	return e.Options.Resolution
}

func (e *Extractor) checkSize(w, h int) error {
	ppi := e.resolution()
	if ppi < 250 || ppi > 1000 {
		return &ImageError{Width: w, Height: h, Reason: fmt.Sprintf("resolution %d ppi outside 250..1000", ppi)}
	}
	ww, wh := w*workPPI/ppi, h*workPPI/ppi
	if ww < MinImageSize || wh < MinImageSize {
		return &ImageError{Width: w, Height: h, Reason: fmt.Sprintf("smaller than %d pixels at 500 ppi", MinImageSize)}
	}
	if ww > MaxImageSize || wh > MaxImageSize {
		return &ImageError{Width: w, Height: h, Reason: fmt.Sprintf("larger than %d pixels at 500 ppi", MaxImageSize)}
	}
	return nil
}

// growIn sizes e.in for an inW x inH input, with capacity for a padded
// working plane too: once the image is normalised the input is dead and
// its memory holds the trace stamps of the filtering stage.
func (e *Extractor) growIn() {
	ww, wh := e.inW, e.inH
	if ppi := e.resolution(); ppi < workPPI-10 || ppi > workPPI+10 {
		// The working size setup will compute, plus one for rounding.
		ww, wh = e.inW*workPPI/ppi+1, e.inH*workPPI/ppi+1
	}
	n := max(e.inW*e.inH, (ww+2*pad)*(wh+2*pad))
	e.in = grow(e.in, n)[:e.inW*e.inH]
}

// useStamps points e.stamp at the dead input plane (or, with
// Options.Debug, whose last picture shows the input, at a plane of its own)
// and clears it.
func (e *Extractor) useStamps() {
	n := e.s * (e.h + 2*pad)
	if e.Options.Debug != nil {
		e.dbgStamp = grow(e.dbgStamp, n)
		e.stamp = e.dbgStamp
	} else {
		if cap(e.in) < n { // not expected: growIn leaves room
			e.in = make([]uint8, n)
		}
		e.stamp = e.in[:n]
	}
	clear(e.stamp)
	e.gen = 0
}

// run extracts from e.in (inW x inH set by the caller through grow).
func (e *Extractor) run(dst []Minutia) ([]Minutia, error) {
	e.setup()
	e.debugGray("input", e.gray, e.w, e.h, e.w)
	e.segment()
	e.debugMask()
	e.enhance() // stages 2 to 6, block row by block row
	e.debugFloat("normalized", e.dbgNorm)
	e.debugOrientation()
	e.debugFrequency()
	e.measureRidgePeriod() // before the not-a-finger decision may clear the foreground
	e.rejectNotFinger()
	e.debugFloat("enhanced", e.dbgEnh)
	e.ridgeQuality()
	e.debugBinary("binary", e.bin)
	e.thin()
	e.debugBinary("skeleton", e.skel)
	e.useStamps()
	e.detect()
	e.debugCandidates()
	e.filter()
	e.fingerQuality()
	e.collect()
	e.debugMinutiae()
	e.clearMarks()
	return append(dst, e.out...), nil
}

// setup sizes the buffers for the image in e.in and resamples it to the
// working resolution.
func (e *Extractor) setup() {
	ppi := e.resolution()
	w, h := e.inW, e.inH
	e.w, e.h = w, h
	e.scale = 1
	if ppi < workPPI-10 || ppi > workPPI+10 {
		e.scale = float32(ppi) / workPPI
		e.w = int(float32(w)/e.scale + 0.5)
		e.h = int(float32(h)/e.scale + 0.5)
	}
	e.bw, e.bh = (e.w+blk-1)/blk, (e.h+blk-1)/blk
	newS := e.w + 2*pad
	n := newS * (e.h + 2*pad)
	if newS != e.s || len(e.bin) != n {
		// Geometry changed: padding must be zero in every plane.
		e.s = newS
		e.bin = growClear(e.bin, n)
	}
	e.skel = e.bin
	e.nwin = grow(e.nwin, normBlocks*blk*e.s)
	e.win = grow(e.win, winBlocks*blk*e.s)
	if sg := e.params().alongSigma; e.kernS != e.s || e.kernSigma != sg {
		e.kern.build(e.s, sg)
		e.kernS, e.kernSigma = e.s, sg
	}
	nb := e.bw * e.bh
	for _, p := range []*[]float32{&e.bsum, &e.bsq, &e.bmean, &e.bistd, &e.ori, &e.coh, &e.period, &e.d2, &e.f1, &e.f2, &e.f3} {
		*p = grow(*p, nb)
	}
	for _, p := range []*[]uint8{&e.mask, &e.mtmp, &e.near, &e.bdist, &e.obin, &e.pbin} {
		*p = grow(*p, nb)
	}
	nc := (e.bw + 1) * (e.bh + 1)
	e.cmean = grow(e.cmean, nc)
	e.cistd = grow(e.cistd, nc)
	// The block statistics of segmentation are dead once cornerStats has
	// averaged them onto the block corners: the orientation stage reuses
	// their memory.
	e.gxx, e.gyy, e.gxy, e.d1 = e.bsum, e.bsq, e.bmean, e.bistd
	e.stack = grow(e.stack, nb)[:0]
	e.path = grow(e.path, 4*shortRidge)[:0]
	if cap(e.cand) < candInit { // grown up to maxCandidates when an image needs it (detectAt)
		e.cand = make([]candidate, 0, candInit)
		e.uf = make([]int32, candInit)
		e.ext = make([]uint16, candInit)
		e.size = make([]uint16, candInit)
	}
	e.cand = e.cand[:0]
	if cap(e.out) < candInit {
		e.out = make([]Minutia, 0, candInit)
	}
	e.out = e.out[:0]
	if e.scale == 1 {
		e.gray = e.in[:w*h] // no copy: the input is already at 500 ppi
	} else {
		e.rs = grow(e.rs, e.w*e.h)
		e.gray = e.rs
		resample(e.gray, e.w, e.h, e.in, w, h, e.scale)
	}
}

// collect converts the surviving candidates to input coordinates, sorted
// by quality, capped at MaxMinutiae.
func (e *Extractor) collect() {
	for i := range e.cand {
		c := &e.cand[i]
		if c.removed {
			continue
		}
		x := int((c.fx + 0.5) * e.scale)
		y := int((c.fy + 0.5) * e.scale)
		x = min(max(x, 0), e.inW-1) + e.offX
		y = min(max(y, 0), e.inH-1) + e.offY
		q := int(c.q*100 + 0.5)
		q = min(max(q, 1), 100)
		e.out = append(e.out, Minutia{
			X: uint16(x), Y: uint16(y),
			Angle:   isoAngle(c.dx, c.dy),
			Kind:    c.kind,
			Quality: uint8(q),
		})
	}
	slices.SortStableFunc(e.out, func(a, b Minutia) int { return int(b.Quality) - int(a.Quality) })
	n := e.Options.MaxMinutiae
	if n == 0 {
		n = DefaultMaxMinutiae
	}
	if n > 0 && len(e.out) > n {
		e.out = e.out[:n]
	}
}

func (e *Extractor) clearMarks() {
	for i := range e.cand {
		e.skel[e.cand[i].p] &^= 2
	}
	clear(e.markKey[:])
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

func growClear[T any](b []T, n int) []T {
	b = grow(b, n)
	clear(b)
	return b
}

func copyPlane(dst []uint8, w, h int, src []uint8, stride int) {
	for y := 0; y < h; y++ {
		copy(dst[y*w:y*w+w], src[y*stride:y*stride+w])
	}
}

// resample scales src (sw x sh) to dst (dw x dh) bilinearly; scale is
// source pixels per destination pixel.
func resample(dst []uint8, dw, dh int, src []uint8, sw, sh int, scale float32) {
	for y := 0; y < dh; y++ {
		fy := (float32(y)+0.5)*scale - 0.5
		fy = min(max(fy, 0), float32(sh-1))
		y0 := int(fy)
		y1 := min(y0+1, sh-1)
		wy := fy - float32(y0)
		r0, r1 := src[y0*sw:y0*sw+sw], src[y1*sw:y1*sw+sw]
		out := dst[y*dw : y*dw+dw]
		for x := range out {
			fx := (float32(x)+0.5)*scale - 0.5
			fx = min(max(fx, 0), float32(sw-1))
			x0 := int(fx)
			x1 := min(x0+1, sw-1)
			wx := fx - float32(x0)
			a := float32(r0[x0])*(1-wx) + float32(r0[x1])*wx
			b := float32(r1[x0])*(1-wx) + float32(r1[x1])*wx
			out[x] = uint8(a*(1-wy) + b*wy + 0.5)
		}
	}
}
