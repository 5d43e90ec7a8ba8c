package biometric

import "math"

// ---------------------------------------------------------------------------
// Stage 5: contextual enhancement.

// Stages 2 to 6 run together, block row by block row, so that neither
// the normalised image nor the image smoothed along the ridges is held as
// a float plane: each lives in a window of a few block rows of the padded
// plane (nwin, normBlocks rows; win, winBlocks rows). The block row
// normalised last leads; each later stage runs as far behind it as its
// inputs reach (see enhance). The arithmetic is that of whole-plane
// passes, in the same order, so the results are the same.

// Heights of the windows in block rows: at least the rows kept when the
// window slides plus one, more to slide less often.
const (
	normBlocks = 10 // keeps 5
	winBlocks  = 8  // keeps 4
)

// enhance runs stages 2 to 6 and the clarity measure of the finger
// quality: normalisation (normalizeRow), orientation (gradientRow,
// coherenceRow, orientRow), smoothing along the ridges (smoothRow), ridge
// frequency (frequencyRow, periodRow), the band-pass across the ridges
// with binarisation into bin (enhanceRow) and the clarity (clarityRow).
//
// A blurred image, or a wet one, reads long ridge periods: sharp ridges'
// harmonics raise the gradient energy the period estimate divides by the
// signal energy, blur and closed valleys take them away and leave slow
// variation in the blocks. Where blurred (see blurred) the stages run
// again with the band-pass tuned at most filterParams.periodCap bins
// above the period read about each block's own mean (periodRow; the
// default, -2, is 1 px below it). No FVC2002 B print is taken for
// blurred, so their templates do not change.
func (e *Extractor) enhance() {
	e.cornerStats() // once: the passes reuse the memory it reads (gxy, d1)
	tp := e.params()
	grow, fg := tp.growCoh > 0, e.fgBlock
	if grow { // growRow changes the mask: keep it for a second pass
		copy(e.mtmp, e.mask)
	}
	n, long := e.enhancePass(noCap)
	e.measureXSig()
	if !e.blurred(n, long, tp.blurShare) {
		return
	}
	if grow {
		copy(e.mask, e.mtmp[:len(e.mask)])
		e.fgBlock = fg
	}
	e.enhancePass(tp.periodCap)
}

// blurred reports whether an image whose first pass counted n foreground
// blocks, long of them reading a period longLead bins (1.5 px) longer
// from their signal energy than about their own mean (periodRow), is to
// be taken for blurred or wet: the share long/n plus blurLag times the
// relative excess of the period map's median over the x-signature's
// (measureXSig) is above share (filterParams.blurShare; 0: never). Both
// terms grow as blur or closed valleys take the ridges' harmonics away:
// the first block by block, the second against a reading that does not
// depend on the ridge profile. On the FVC2002 B prints the sum is at most
// 0.652 (the share alone at most 0.649), under 0.7.
func (e *Extractor) blurred(n, long int, share float32) bool {
	if share == 0 || n == 0 {
		return false
	}
	s := float32(long) / float32(n)
	if m := e.periodMapMedian(); e.xsigP > 0 && m > 0 {
		s += blurLag * (m/e.xsigP - 1)
	}
	return s > share
}

// enhancePass is one pass of enhance, with the band-pass period capped
// at capBins above the block-mean reading (noCap: not capped); it returns
// periodRow's counts summed over the image.
func (e *Extractor) enhancePass(capBins int) (blocks, long int) {
	bh, rs := e.bh, blk*e.s
	clear(e.bin)
	if e.Options.Debug != nil {
		e.dbgNorm = growClear(e.dbgNorm, len(e.bin))
		e.dbgEnh = growClear(e.dbgEnh, len(e.bin))
	}
	clear(e.nwin)
	clear(e.win)
	e.nR0, e.winR0 = 0, 0
	e.clar, e.clarN = 0, 0
	tp := e.params()
	grow, grown := tp.growCoh > 0, e.fgBlock
	// Padded block row R holds block row R-1 (pad == blk); row 0 and the
	// rows after the last block row stay zero, as the padding of a plane.
	// At step n, block row n is normalised; the others lag behind it by
	// what they read: gradients (pixel rows up to the block's own) n,
	// coherence (3x3 blocks) n-1, direction (5x5 blocks) n-2, smoothing
	// (direction; 5 pixel rows of the rows around) n-2, frequency (one
	// pixel row of the smoothed rows around) n-3, period (5x5 blocks of
	// frequency sums), band-pass (7 pixel rows of the smoothed rows around)
	// and clarity n-5.
	for n := 0; n < bh+5; n++ {
		if n <= bh {
			slideWindow(e.nwin, &e.nR0, normBlocks, 5, n+1, rs)
		}
		nb := e.nR0 * rs
		if n < bh {
			e.normalizeRow(n, e.nwin, nb)
			if e.Options.Debug != nil { // the whole plane for the "normalized" picture
				rows := e.dbgNorm[(n*blk+pad)*e.s : (min(n*blk+blk, e.h)+pad)*e.s]
				copy(rows, e.nwin[(n*blk+pad)*e.s-nb:])
			}
			e.gradientRow(n, e.nwin, nb)
		}
		if by := n - 1; by >= 0 && by < bh {
			e.coherenceRow(by)
			if grow {
				e.growRow(by, tp.growCoh, tp.growE)
			}
		}
		if by := n - 2; by >= 0 && by < bh {
			e.orientRow(by)
			slideWindow(e.win, &e.winR0, winBlocks, 4, by+1, rs)
			e.smoothRow(by, e.nwin, nb)
		}
		if by := n - 3; by >= 0 && by < bh {
			slideWindow(e.win, &e.winR0, winBlocks, 4, by+2, rs) // the zero row after the last
			e.frequencyRow(by, e.win, e.winR0*rs)
		}
		if by := n - 5; by >= 0 {
			bn, bl := e.periodRow(by, capBins)
			blocks += bn
			long += bl
			e.enhanceRow(by)
			e.clarityRow(by, e.nwin, nb)
		}
	}
	if grow && e.fgBlock != grown {
		e.blockDistance()
	}
	return blocks, long
}

// growRow adds to the foreground the background blocks of block row by
// next to it whose own gradients show ridges: coherence at least minCoh
// and mean squared gradient of the normalised image at least minE. The
// contrast threshold of segmentation cuts faint but clear ridges at the
// edge of dry or lightly pressed prints; their flow is as coherent as the
// print's, where noise and smudges are not. Only blocks next to the
// contrast mask can join (the others are not normalised), so the mask
// grows by one block at most.
func (e *Extractor) growRow(by int, minCoh, minE float32) {
	bw := e.bw
	for bx := range bw {
		b := by*bw + bx
		if e.mask[b] != 0 || e.near[b] == 0 {
			continue
		}
		sxx, syy, sxy := e.gxx[b], e.gyy[b], e.gxy[b]
		t := sxx + syy
		if t < minE*blk*blk/2 {
			continue
		}
		if c := float32(math.Sqrt(float64((sxx-syy)*(sxx-syy)+4*sxy*sxy))) / t; c >= minCoh {
			e.mask[b] = 1
			e.fgBlock++
		}
	}
}

// slideWindow makes room in the window buf, which holds rows block rows of
// the padded plane from padded block row *r0 on (rs values each), for
// padded block row R: if R is beyond the window, it keeps the keep rows
// before R at the top and clears the rest.
func slideWindow(buf []float32, r0 *int, rows, keep, R, rs int) {
	if R < *r0+rows {
		return
	}
	top := R - keep
	n := copy(buf, buf[(top-*r0)*rs:(R-*r0)*rs])
	clear(buf[n:])
	*r0 = top
}

// smoothRow is the first half of the contextual enhancement: a Gaussian
// smoothing along the local ridge direction (block-wise, from the filter
// bank), from the window of the normalised image norm (padded index i is
// norm[i-nbase]) into the window of the smoothed image, for the blocks of
// block row by near the foreground. The frequency stage measures on its output, where noise
// is much reduced.
func (e *Extractor) smoothRow(by int, norm []float32, nbase int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	k := &e.kern
	tmp, base := e.win, e.winR0*blk*e.s
	y0, y1 := by*blk, min(by*blk+blk, h)
	for bx := range bw {
		if e.near[by*bw+bx] == 0 {
			continue
		}
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		b := by*bw + bx
		// Symmetric kernel, unrolled (alongR == 5): offsets and
		// weights of taps +-1..5 around the centre tap.
		o := (*[alongR]int32)(k.along[e.obin[b]][alongR+1:])
		wt := (*[alongR + 1]float32)(k.alongW[alongR:])
		o1, o2, o3, o4, o5 := int(o[0]), int(o[1]), int(o[2]), int(o[3]), int(o[4])
		w0, w1, w2, w3, w4, w5 := wt[0], wt[1], wt[2], wt[3], wt[4], wt[5]
		for y := y0; y < y1; y++ {
			for i := (y+pad)*s + x0 + pad - nbase; i < (y+pad)*s+x1+pad-nbase; i++ {
				tmp[i+nbase-base] = w0*norm[i] +
					w1*(norm[i+o1]+norm[i-o1]) +
					w2*(norm[i+o2]+norm[i-o2]) +
					w3*(norm[i+o3]+norm[i-o3]) +
					w4*(norm[i+o4]+norm[i-o4]) +
					w5*(norm[i+o5]+norm[i-o5])
			}
		}
	}
}

// enhanceRow is the second half of the contextual enhancement, which with
// smoothRow makes an oriented Gabor filter split in two passes: an even
// Gabor band-pass across the ridges, tuned to the block's period, applied
// to the smoothed image, for the foreground blocks of block row by.
// Ridges (dark) come out negative; only that sign is kept, in bin (1 on a
// ridge pixel of a foreground block, 0 elsewhere), so that no float plane
// holds the enhanced image: that is stage 6, binarisation. With
// Options.Debug set the values also go to a debug plane for the "enhanced"
// picture.
func (e *Extractor) enhanceRow(by int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	k := &e.kern
	tmp, base, bin, dbg := e.win, e.winR0*blk*e.s, e.bin, e.dbgEnh
	if e.Options.Debug == nil {
		dbg = nil
	}
	y0, y1 := by*blk, min(by*blk+blk, h)
	for bx := range bw {
		b := by*bw + bx
		if e.mask[b] == 0 {
			continue
		}
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		// Symmetric kernel, unrolled (acrossR == 7).
		o := (*[acrossR]int32)(k.across[e.obin[b]][acrossR+1:])
		wt := (*[acrossR + 1]float32)(k.acrossW[e.obin[b]][e.pbin[b]][acrossR:])
		o1, o2, o3, o4, o5, o6, o7 := int(o[0]), int(o[1]), int(o[2]), int(o[3]), int(o[4]), int(o[5]), int(o[6])
		w0, w1, w2, w3, w4, w5, w6, w7 := wt[0], wt[1], wt[2], wt[3], wt[4], wt[5], wt[6], wt[7]
		for y := y0; y < y1; y++ {
			for i := (y+pad)*s + x0 + pad - base; i < (y+pad)*s+x1+pad-base; i++ {
				v := w0*tmp[i] +
					w1*(tmp[i+o1]+tmp[i-o1]) +
					w2*(tmp[i+o2]+tmp[i-o2]) +
					w3*(tmp[i+o3]+tmp[i-o3]) +
					w4*(tmp[i+o4]+tmp[i-o4]) +
					w5*(tmp[i+o5]+tmp[i-o5]) +
					w6*(tmp[i+o6]+tmp[i-o6]) +
					w7*(tmp[i+o7]+tmp[i-o7])
				bin[i+base] = uint8(math.Float32bits(v) >> 31) // sign: 1 on a ridge
				if dbg != nil {
					dbg[i+base] = v
				}
			}
		}
	}
}

// nearForeground reports whether block (bx, by) or one of its 8
// neighbours is foreground.
func (e *Extractor) nearForeground(bx, by int) bool {
	for yy := max(by-1, 0); yy <= min(by+1, e.bh-1); yy++ {
		for xx := max(bx-1, 0); xx <= min(bx+1, e.bw-1); xx++ {
			if e.mask[yy*e.bw+xx] != 0 {
				return true
			}
		}
	}
	return false
}
