package biometric

import "math"

// Not-a-finger rejection.
//
// Four image-level tests run after the block maps are built and the
// ridges enhanced (the period map comes with the enhancement); an image that fails one is treated as having
// no foreground at all, so that it yields no minutiae and finger quality
// 0. Their thresholds were set on generated images that are not
// fingerprints (random and blurred noise, printed text, gradients, a
// face-like photograph, heavily JPEG-compressed prints, dot lattices,
// grids; see
// notfinger_test.go), with the margin checked against every FVC2002 B
// print, none of which any test rejects (the FVC2002 sets were not used
// to place the thresholds, only to check them).
//
// An image the coherence test rejects gets a second look (bandCoherence)
// before it is given up: dry prints with broken ridges and heavily noisy
// captures are real fingers whose structure the first measure misses.
// No FVC2002 B print takes it, so it changes none of their templates.
const (
	// rejectCoherence: the mean over the foreground of the orientation
	// coherence measured over 7x7 blocks (56 px at 500 ppi). Friction
	// ridges keep one direction over that span nearly everywhere except
	// at cores and deltas; noise, blurred noise and text do not. Non-finger
	// images of the test set reach at most 0.156 (printed text at 3 px a
	// font dot with noise of σ 30: the noise term lifts it; 0.14 without
	// noise), FVC2002 B prints at least 0.19 (a very dry DB3 print).
	rejectCoherence = 0.16
	rejectCohR      = 3 // window radius in blocks
	// rejectBandR: the window radius in blocks (9x9 blocks, 72 px) of the
	// second look at an image the coherence test rejects: the same mean
	// coherence, with the same threshold, from the gradients of the image
	// band-passed about the ridge frequency (bandCoherence). Impulse noise
	// (a dry finger's broken ridges and pores, 2x2 dots) and heavy pixel
	// noise put most of their gradient energy above the ridge band, where
	// the central differences of the first test weigh it most (by the
	// square of the frequency); the band-pass keeps the ridges. Non-finger
	// images of the test set reach at most 0.135 this way (noisy printed
	// text; blurred noise 0.09, a radial gradient 0.06: the band-pass
	// removes smooth shading; a dot lattice, a grid and 2x2 speckle 0.06),
	// the sweep's dotted dry DB3_B prints 0.11-0.40 (median 0.28). A
	// second look rather than a replacement because wet prints (valleys
	// closed) read higher the first way.
	rejectBandR = 4
	// rejectKeepCoh, rejectKeepR: an image kept by the second look keeps
	// as foreground only the blocks whose band-passed coherence over 5x5
	// blocks reaches 0.3. Without it a noisy or dotted print that passes
	// gives up to 128 minutiae, most from noise, and such templates match
	// each other (false matches at ThresholdFMR100 on the sweep's dotted
	// dry prints 0.7 -> 10 %). The value was chosen among 0.3 and 0.35
	// (and 0.25-0.35 over 9x9 blocks) on the robustness sweep's rows noise
	// σ 20 and 40, dry with dots and the two noisy canvases, for the
	// lowest mean EER over them (see eval/RESULTS.md).
	rejectKeepCoh = 0.3
	rejectKeepR   = 2
	// rejectPeriod: the share of foreground blocks with a ridge period
	// inside the filter bank (4.5..15 px) and consistent with their
	// neighbours. Smooth photographs (a face) have none; FVC2002 B prints
	// at least 0.92.
	rejectPeriod = 0.5
	// rejectBlocking: the ratio of the mean horizontal gray-level step at
	// the strongest of the 8 column phases to the mean step at the others.
	// JPEG at very low quality leaves a step at every 8th column; FVC2002
	// B images are at most 1.11, a low-contrast print compressed at JPEG
	// quality 5 about 4.8 and at quality 1 over 20, where two thirds of
	// its minutiae are artefacts.
	rejectBlocking = 3.0
	// rejectStrokes, rejectStrokeTol, rejectStrokeMode: printed text in
	// strokes about as wide as ridges (4-5 px, a 5x7 font at 20-25 px a
	// letter) passes the structure and period tests: its strokes run
	// along two directions at right angles. The image is rejected when
	// more than 0.7 of its foreground blocks lie within 10° of one
	// direction or of the one at right angles to it, at least 0.15 on
	// each. Generated text reads 0.82-0.87 at 4-5 px a font dot (0.72-0.79
	// at 3); FVC2002 B prints at most 0.56 (a DB3 print; 0.63 without the
	// 0.15 on each direction, which an arch's horizontal ridges alone
	// nearly reach).
	rejectStrokes    = 0.7
	rejectStrokeTol  = 10 // degrees
	rejectStrokeMode = 0.15
)

// Reasons for a rejection, kept in Extractor.reject for tests and debug.
const (
	rejectNone = iota
	rejectNoStructure
	rejectNoRidgePeriod
	rejectCompression
)

// rejectNotFinger runs the not-a-finger tests on the block maps and, when
// one fails, clears the foreground and the binary image.
func (e *Extractor) rejectNotFinger() {
	e.reject = rejectNone
	bw, bh := e.bw, e.bh
	var sumCoh float32
	nb, nper := 0, 0
	// Pixel noise adds the same gradient energy to both axes of each
	// block's structure tensor (gradientRow: central differences on every
	// other row, σ²/2 per axis and sample, in the units of the block's
	// normalisation) and so lowers the coherence of a noisy print's
	// ridges; it is taken out of the trace, by half of it at most (pure
	// noise must not gain more than a factor of 2). The per-block noise
	// energy goes in d2, dead once the orientation is smoothed.
	nv := e.noise * e.noise / 2
	ne := e.d2[:bw*bh]
	clear(ne)
	if nv > 0 {
		cw := bw + 1
		for by := range bh {
			for bx := range bw {
				b := by*bw + bx
				if e.near[b] == 0 {
					continue // no gradients summed
				}
				c := by*cw + bx
				is := (e.cistd[c] + e.cistd[c+1] + e.cistd[c+cw] + e.cistd[c+cw+1]) / 4
				n := float32((min(bx*blk+blk, e.w) - bx*blk) * ((min(by*blk+blk, e.h) - by*blk + 1) / 2))
				ne[b] = 2 * n * nv * is * is
			}
		}
	}
	for by := range bh {
		for bx := range bw {
			b := by*bw + bx
			if e.mask[b] == 0 {
				continue
			}
			nb++
			if e.periodConsistent(b, bx, by) {
				nper++
			}
			var sxx, syy, sxy, sn float32
			for yy := max(by-rejectCohR, 0); yy <= min(by+rejectCohR, bh-1); yy++ {
				for xx := max(bx-rejectCohR, 0); xx <= min(bx+rejectCohR, bw-1); xx++ {
					k := yy*bw + xx
					sxx += e.gxx[k]
					syy += e.gyy[k]
					sxy += e.gxy[k]
					sn += ne[k]
				}
			}
			if t := sxx + syy; t > 1e-6 {
				sumCoh += float32(math.Sqrt(float64((sxx-syy)*(sxx-syy)+4*sxy*sxy))) / max(t-sn, t/2)
			}
		}
	}
	if nb == 0 {
		return
	}
	second := sumCoh/float32(nb) < rejectCoherence
	switch {
	case second && e.bandCoherence(nb) < rejectCoherence:
		e.reject = rejectNoStructure
	case float32(nper)/float32(nb) < rejectPeriod:
		e.reject = rejectNoRidgePeriod
	case blocking(e.in[:e.inW*e.inH], e.inW, e.inH) > rejectBlocking:
		e.reject = rejectCompression
	case e.rightAngleShare(nb) > rejectStrokes:
		e.reject = rejectNoStructure // strokes, not ridges
	default:
		if second {
			e.keepCoherentBlocks()
		}
		return
	}
	clear(e.mask[:bw*bh])
	clear(e.near[:bw*bh])
	clear(e.bin) // enhance ran before the decision
	clear(e.dbgEnh)
}

// rightAngleShare returns, over the directions θ in whole degrees, the
// largest share of the nb foreground blocks whose orientation lies within
// rejectStrokeTol degrees of θ or of θ+90°, counting only directions with
// at least rejectStrokeMode of the blocks on each side.
func (e *Extractor) rightAngleShare(nb int) float32 {
	var hist [180]int32
	for b, m := range e.mask[:e.bw*e.bh] {
		if m != 0 {
			d := int(e.ori[b]*(180/math.Pi) + 0.5)
			hist[(d%180+180)%180]++
		}
	}
	var near [180]int32 // blocks within the tolerance of each direction
	for th := range near {
		for d := -rejectStrokeTol; d <= rejectStrokeTol; d++ {
			near[th] += hist[(th+d+180)%180]
		}
	}
	minMode := int32(rejectStrokeMode * float32(nb))
	var best int32
	for th := range 90 {
		if a, b := near[th], near[th+90]; min(a, b) >= minMode {
			best = max(best, a+b)
		}
	}
	return float32(best) / float32(nb)
}

// Box-filter widths of the band-pass of bandCoherence, three passes each:
// radius 1 (σ ≈ 1.4 px) less radius 4 (σ ≈ 4.5 px), a difference of
// Gaussians whose gradient passes periods of about 6 to 20 px best
// (the derivative of the first peaks at 2π·1.4 ≈ 9 px).
const (
	bandLoR = 1
	bandHiR = 4
)

// bandCoherence returns the mean over the nb foreground blocks of the
// orientation coherence over 9x9 blocks of the gray image band-passed
// about the ridge frequency (box-filter difference of Gaussians,
// bandLoR less bandHiR). It runs only on images the first coherence test
// rejects, and grows e.band and e.bandT on first use. The blurred images
// are 16-bit fixed point (gray level × 256, rounded at each box pass:
// within 1/256 of a gray level per pass); the wide blur is held as a
// plane, 2 bytes per pixel, the narrow one is made row by row as the
// gradients need it (boxRows), with the same values.
func (e *Extractor) bandCoherence(nb int) float32 {
	w, h, bw, bh := e.w, e.h, e.bw, e.bh
	n, m := w*h, bw*bh
	ring, line := (bandHiR+1)*w, w+2*bandHiR
	e.band = grow(e.band, n+ring+line+boxRowsSize(w, bandLoR))
	e.bandT = grow(e.bandT, 3*m+w)
	hi := e.band[:n]
	scratch := e.band[n : n+ring+line]
	gxx, gyy, gxy := e.bandT[:m], e.bandT[m:2*m], e.bandT[2*m:3*m]
	acc := e.bandT[3*m:]
	for i, v := range e.gray[:n] {
		hi[i] = uint16(v) << 8
	}
	for range 3 {
		boxBlur(hi, w, h, bandHiR, scratch, acc)
	}
	lo := &e.bandLo // a field, so that its arrays do not escape per call
	*lo = boxRows{gray: e.gray[:n], w: w, h: h, r: bandLoR}
	lo.init(e.band[n+ring+line:])
	clear(gxx)
	clear(gyy)
	clear(gxy)
	// The band-passed value is (lo - hi) / 256; the gradients below are
	// of 256 times it, which the coherence does not see.
	dog := func(lo, hi []uint16, x int) float32 { return float32(int32(lo[x]) - int32(hi[x])) }
	for y := 1; y < h-1; y++ {
		up, row, dn := lo.row(y-1), lo.row(y), lo.row(y+1)
		hup, hrow, hdn := hi[(y-1)*w:y*w], hi[y*w:(y+1)*w], hi[(y+1)*w:(y+2)*w]
		brow := (y / blk) * bw
		for x := 1; x < w-1; x++ {
			gx := (dog(row, hrow, x+1) - dog(row, hrow, x-1)) * 0.5
			gy := (dog(dn, hdn, x) - dog(up, hup, x)) * 0.5
			b := brow + x/blk
			gxx[b] += gx * gx
			gyy[b] += gy * gy
			gxy[b] += gx * gy
		}
	}
	var sum float32
	for by := range bh {
		for bx := range bw {
			if e.mask[by*bw+bx] != 0 {
				sum += e.bandWindowCoherence(bx, by, rejectBandR)
			}
		}
	}
	return sum / float32(nb)
}

// bandWindowCoherence returns the coherence of bandCoherence's block
// tensors summed over the blocks within r of block (bx, by), 0 where
// there are no gradients.
func (e *Extractor) bandWindowCoherence(bx, by, r int) float32 {
	bw, bh := e.bw, e.bh
	m := bw * bh
	gxx, gyy, gxy := e.bandT[:m], e.bandT[m:2*m], e.bandT[2*m:3*m]
	var sxx, syy, sxy float32
	for yy := max(by-r, 0); yy <= min(by+r, bh-1); yy++ {
		for xx := max(bx-r, 0); xx <= min(bx+r, bw-1); xx++ {
			k := yy*bw + xx
			sxx += gxx[k]
			syy += gyy[k]
			sxy += gxy[k]
		}
	}
	t := sxx + syy
	if t <= 1e-6 {
		return 0
	}
	return float32(math.Sqrt(float64((sxx-syy)*(sxx-syy)+4*sxy*sxy))) / t
}

// keepCoherentBlocks drops from the foreground of an image the second
// look kept the blocks whose band-passed gradients (bandCoherence's
// tensors) have a coherence below rejectKeepCoh over 5x5 blocks: their
// binary ridges follow the noise and would give false minutiae.
func (e *Extractor) keepCoherentBlocks() {
	w, h, bw, bh := e.w, e.h, e.bw, e.bh
	changed := false
	for by := range bh {
		for bx := range bw {
			b := by*bw + bx
			if e.mask[b] == 0 || e.bandWindowCoherence(bx, by, rejectKeepR) >= rejectKeepCoh {
				continue
			}
			e.mask[b] = 0 // the tensors, not the mask, decide the next blocks
			e.fgBlock--
			changed = true
			x0, x1 := bx*blk+pad, min(bx*blk+blk, w)+pad
			for y := by * blk; y < min(by*blk+blk, h); y++ {
				o := (y + pad) * e.s
				clear(e.bin[o+x0 : o+x1])
				if e.Options.Debug != nil {
					clear(e.dbgEnh[o+x0 : o+x1])
				}
			}
		}
	}
	if changed {
		e.blockDistance()
	}
}

// boxBlur replaces the w x h plane p by its mean over (2r+1)² boxes,
// rounded, edges replicated: running sums along each row, then down the
// columns, all columns at once. scratch holds at least (r+1)*w + w+2r
// values (a ring of the last r+1 rows' old values and a padded line),
// acc w. The sums stay below 2^24, so acc's float32 adds are exact.
func boxBlur(p []uint16, w, h, r int, scratch []uint16, acc []float32) {
	ring, t := scratch[:(r+1)*w], scratch[(r+1)*w:][:w+2*r]
	for y := range h {
		row := p[y*w : y*w+w]
		for i := range t {
			t[i] = row[min(max(i-r, 0), w-1)]
		}
		boxLine(row, t, r)
	}
	acc = acc[:w]
	clear(acc)
	for i := -r; i <= r; i++ {
		row := p[min(max(i, 0), h-1)*w:][:w]
		for x, v := range row {
			acc[x] += float32(v)
		}
	}
	k := uint32(2*r + 1)
	for y := range h {
		row := p[y*w : y*w+w]
		old := ring[(y%(r+1))*w:][:w]
		copy(old, row) // row y's old values, needed until row y+r+1
		for x, a := range acc {
			row[x] = uint16((uint32(a) + k/2) / k)
		}
		if y == h-1 {
			break
		}
		add := p[min(y+r+1, h-1)*w:][:w] // a row below y: not written yet
		sub := ring[(max(y-r, 0)%(r+1))*w:][:w]
		for x := range acc {
			acc[x] += float32(add[x]) - float32(sub[x])
		}
	}
}

// boxRows gives, row by row in increasing order, the w x h gray image
// (as 16-bit fixed point, gray level × 256) blurred by three passes of
// boxBlur of radius r, with the same values, holding 2r+2 rows per pass
// rather than the plane: pass k's row y is the rounded mean of the rows
// y-r..y+r (edges replicated) of pass k-1's rows blurred along x.
type boxRows struct {
	gray    []uint8
	w, h, r int
	src     []uint16      // a gray row in fixed point
	line    []uint16      // a row padded by r on each side
	hrow    [3][][]uint16 // per pass, rows of the pass before blurred along x, slot y % (2r+2)
	htag    [3][]int      // the row each hrow slot holds, -1: none
	orow    [3][][]uint16 // per pass, its output rows
	otag    [3][]int
	slots   [3 * 2 * 8]int      // backing of the tags (2r+2 <= 8)
	hdrs    [3 * 2 * 8][]uint16 // backing of the row headers
}

// boxRows holds at most 8 rows per pass and sums at most 8: r <= 3.
var _ [3 - bandLoR]struct{}

// boxRowsSize is the buffer boxRows.init needs for rows w wide, radius r.
func boxRowsSize(w, r int) int { return (2+3*2*(2*r+2))*w + 2*r }

// init carves boxRows' rows out of buf (at least boxRowsSize values).
func (b *boxRows) init(buf []uint16) {
	w, k := b.w, 2*b.r+2
	b.src, buf = buf[:w], buf[w:]
	b.line, buf = buf[:w+2*b.r], buf[w+2*b.r:]
	for p := range 3 {
		b.htag[p], b.otag[p] = b.slots[2*p*k:][:k], b.slots[(2*p+1)*k:][:k]
		b.hrow[p], b.orow[p] = b.hdrs[2*p*k:][:k], b.hdrs[(2*p+1)*k:][:k]
		for i := range k {
			b.htag[p][i], b.otag[p][i] = -1, -1
			b.hrow[p][i], buf = buf[:w], buf[w:]
			b.orow[p][i], buf = buf[:w], buf[w:]
		}
	}
}

// row returns the last pass's row y (0 <= y < h).
func (b *boxRows) row(y int) []uint16 { return b.out(2, y) }

// in returns pass p's input row y: the gray row, or pass p-1's output.
func (b *boxRows) in(p, y int) []uint16 {
	if p > 0 {
		return b.out(p-1, y)
	}
	for x, v := range b.gray[y*b.w : y*b.w+b.w] {
		b.src[x] = uint16(v) << 8
	}
	return b.src
}

// horiz returns pass p's input row y blurred along x.
func (b *boxRows) horiz(p, y int) []uint16 {
	k := y % len(b.htag[p])
	if b.htag[p][k] != y {
		row := b.in(p, y)
		for i := range b.line {
			b.line[i] = row[min(max(i-b.r, 0), b.w-1)]
		}
		boxLine(b.hrow[p][k], b.line, b.r)
		b.htag[p][k] = y
	}
	return b.hrow[p][k]
}

// out returns pass p's output row y.
func (b *boxRows) out(p, y int) []uint16 {
	k := y % len(b.otag[p])
	if b.otag[p][k] == y {
		return b.orow[p][k]
	}
	var in [8][]uint16 // rows y-r..y+r of the pass's input, blurred along x
	for i := range 2*b.r + 1 {
		in[i] = b.horiz(p, min(max(y-b.r+i, 0), b.h-1))
	}
	o, n := b.orow[p][k], uint32(2*b.r+1)
	for x := range o {
		var s uint32
		for _, row := range in[:n] {
			s += uint32(row[x])
		}
		o[x] = uint16((s + n/2) / n)
	}
	b.otag[p][k] = y
	return o
}

// boxLine writes the rounded running means over 2r+1 values of t (a line
// of len(t)-2r values padded by r on each side) to dst.
func boxLine(dst []uint16, t []uint16, r int) {
	k := uint32(2*r + 1)
	var s uint32
	for _, v := range t[:2*r+1] {
		s += uint32(v)
	}
	n := len(t) - 2*r
	for i := range n {
		dst[i] = uint16((s + k/2) / k)
		if i+1 < n {
			s += uint32(t[i+2*r+1]) - uint32(t[i])
		}
	}
}

// periodConsistent reports whether the period of foreground block b at
// (bx, by) lies inside the filter bank and within qPeriodTol of the mean
// of its foreground 4-neighbours.
func (e *Extractor) periodConsistent(b, bx, by int) bool {
	bw, bh := e.bw, e.bh
	p := e.period[b]
	if p <= minPeriod+periodStep/2 || p >= maxPeriod-periodStep/2 {
		return false
	}
	var ps float32
	n := 0
	if bx > 0 && e.mask[b-1] != 0 {
		ps += e.period[b-1]
		n++
	}
	if bx < bw-1 && e.mask[b+1] != 0 {
		ps += e.period[b+1]
		n++
	}
	if by > 0 && e.mask[b-bw] != 0 {
		ps += e.period[b-bw]
		n++
	}
	if by < bh-1 && e.mask[b+bw] != 0 {
		ps += e.period[b+bw]
		n++
	}
	return n == 0 || abs32(p-ps/float32(n)) <= qPeriodTol
}

// blocking measures JPEG block artefacts of the w x h gray image pix: the
// mean absolute horizontal step at the column phase (x mod 8) with the
// largest mean, divided by the mean step at the other seven phases.
func blocking(pix []uint8, w, h int) float32 {
	var sum [8]uint64
	var cnt [8]uint64
	for y := 0; y < h; y += 2 {
		row := pix[y*w : y*w+w]
		for x := 1; x < len(row); x++ {
			d := int(row[x]) - int(row[x-1])
			if d < 0 {
				d = -d
			}
			sum[x&7] += uint64(d)
			cnt[x&7]++
		}
	}
	best, bm := 0, float32(-1)
	var mean [8]float32
	for i := range mean {
		mean[i] = float32(sum[i]) / float32(max(cnt[i], 1))
		if mean[i] > bm {
			best, bm = i, mean[i]
		}
	}
	var rest float32
	for i, m := range mean {
		if i != best {
			rest += m
		}
	}
	return bm / (rest/7 + 0.05)
}
