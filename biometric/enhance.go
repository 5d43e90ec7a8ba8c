package biometric

import "math"

// ---------------------------------------------------------------------------
// Stage 5: contextual enhancement.

// Stages 4 to 6 run together, block row by block row, so that the image
// smoothed along the ridges lives only in a window of winBlocks block rows
// (e.win) instead of a plane: smoothing a block row, measuring the ridge
// frequency two rows above it and, once the 5x5-block frequency sums of a
// row are complete, filtering across the ridges four rows above it. The
// arithmetic is that of whole-plane passes, in the same order.

// winBlocks is the height of the window of the smoothed image in block
// rows; at least 5 (the rows an enhanced block row depends on), more to
// slide it less often.
const winBlocks = 8

// enhance runs the contextual enhancement: smoothing along the ridges
// (smoothRow), the ridge frequency (frequencyRow, periodRow) and the
// band-pass across the ridges with binarisation (enhanceRow), into bin.
func (e *Extractor) enhance() {
	bh := e.bh
	clear(e.bin)
	if e.Options.Debug != nil {
		e.dbgEnh = growClear(e.dbgEnh, len(e.norm))
	}
	clear(e.win)
	e.winR0 = 0
	// Padded block row R holds block row R-1 (pad == blk); row 0 and the
	// rows after the last block row stay zero, as the padding of a plane.
	for R := 1; R <= bh; R++ {
		e.slide(R)
		e.smoothRow(R - 1)
		// Block rows up to R-1 are smoothed: the frequency of block row
		// R-2 reads one pixel row beyond it; the period of block row R-4
		// needs the frequency of rows up to R-2, its band-pass the
		// smoothed rows R-5..R-3 (padded R-4..R-2, kept by slide).
		if by := R - 2; by >= 0 {
			e.frequencyRow(by, e.win, e.winR0*blk*e.s)
		}
		if by := R - 4; by >= 0 {
			e.periodRow(by)
			e.enhanceRow(by)
		}
	}
	e.slide(bh + 1)
	e.frequencyRow(bh-1, e.win, e.winR0*blk*e.s)
	for by := max(bh-3, 0); by < bh; by++ {
		e.periodRow(by)
		e.enhanceRow(by)
	}
}

// slide makes room in the window for padded block row R (cleared), keeping
// the four rows before it.
func (e *Extractor) slide(R int) {
	if R < e.winR0+winBlocks {
		return
	}
	rs := blk * e.s // one block row
	r0 := R - 4
	n := copy(e.win, e.win[(r0-e.winR0)*rs:(R-e.winR0)*rs])
	clear(e.win[n:])
	e.winR0 = r0
}

// smoothRow is the first half of the contextual enhancement: a Gaussian
// smoothing along the local ridge direction (block-wise, from the filter
// bank), from norm into the window, for the blocks of block row by near
// the foreground. The frequency stage measures on its output, where noise
// is much reduced.
func (e *Extractor) smoothRow(by int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	k := &e.kern
	norm, tmp, base := e.norm, e.win, e.winR0*blk*e.s
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
			for i := (y+pad)*s + x0 + pad; i < (y+pad)*s+x1+pad; i++ {
				tmp[i-base] = w0*norm[i] +
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
