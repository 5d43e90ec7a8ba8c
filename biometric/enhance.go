package biometric

import "math"

// ---------------------------------------------------------------------------
// Stage 5: contextual enhancement.

// smooth is the first half of the contextual enhancement: a Gaussian
// smoothing along the local ridge direction (block-wise, from the filter
// bank), from norm into tmp, for the blocks near the foreground. The
// frequency stage measures on its output, where noise is much reduced.
func (e *Extractor) smooth() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	clear(e.tmp)
	k := &e.kern
	norm, tmp := e.norm, e.tmp
	for by := range bh {
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
					tmp[i] = w0*norm[i] +
						w1*(norm[i+o1]+norm[i-o1]) +
						w2*(norm[i+o2]+norm[i-o2]) +
						w3*(norm[i+o3]+norm[i-o3]) +
						w4*(norm[i+o4]+norm[i-o4]) +
						w5*(norm[i+o5]+norm[i-o5])
				}
			}
		}
	}
}

// enhance is the second half of the contextual enhancement, which with
// smooth makes an oriented Gabor filter split in two passes: an even Gabor
// band-pass across the ridges, tuned to the block's period, applied to tmp.
// Ridges (dark) come out negative; only that sign is kept, in bin (1 on a
// ridge pixel of a foreground block, 0 elsewhere), so that no float plane
// holds the enhanced image: that is stage 6, binarisation. With Options.Debug set the values also go to
// a debug plane for the "enhanced" picture.
func (e *Extractor) enhance() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	k := &e.kern
	tmp, bin := e.tmp, e.bin
	clear(bin)
	var dbg []float32
	if e.Options.Debug != nil {
		e.dbgEnh = growClear(e.dbgEnh, len(tmp))
		dbg = e.dbgEnh
	}
	for by := range bh {
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
				for i := (y+pad)*s + x0 + pad; i < (y+pad)*s+x1+pad; i++ {
					v := w0*tmp[i] +
						w1*(tmp[i+o1]+tmp[i-o1]) +
						w2*(tmp[i+o2]+tmp[i-o2]) +
						w3*(tmp[i+o3]+tmp[i-o3]) +
						w4*(tmp[i+o4]+tmp[i-o4]) +
						w5*(tmp[i+o5]+tmp[i-o5]) +
						w6*(tmp[i+o6]+tmp[i-o6]) +
						w7*(tmp[i+o7]+tmp[i-o7])
					bin[i] = uint8(math.Float32bits(v) >> 31) // sign: 1 on a ridge
					if dbg != nil {
						dbg[i] = v
					}
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
