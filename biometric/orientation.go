package biometric

import (
	"math"
)

// ---------------------------------------------------------------------------
// Stage 3: orientation field (block-wise structure tensor).

// The orientation stage sums the gradient structure tensor per block
// (gradientRow), computes the coherence coh over 3x3 blocks
// (coherenceRow) and smooths the doubled-angle field over 5x5 blocks to get
// the ridge direction ori and its bin obin (orientRow). It runs block row
// by block row inside enhance, on the window of the normalised image.

// gradientRow sums the structure tensor of the blocks of block row by
// into gxx, gyy, gxy from the normalised image in the window t (padded
// index i is t[i-base]); it reads the last pixel row of block row by-1.
// It also stores the row's doubled-angle vectors summed over 5 blocks (the
// horizontal half of the 5x5 box; orientRow adds the rows) in d1, d2.
func (e *Extractor) gradientRow(by int, t []float32, base int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	y0, y1 := by*blk, min(by*blk+blk, h)
	for bx := range bw {
		b := by*bw + bx
		if e.near[b] == 0 {
			e.gxx[b], e.gyy[b], e.gxy[b] = 0, 0, 0
			continue
		}
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		var sxx, syy, sxy float32
		for y := y0; y < y1; y += 2 { // every other row is enough for the sums
			row, up, dn := stencil(t, (y+pad)*s+pad-base, x0, x1, s)
			for i := range up {
				gx := (row[i+2] - row[i]) * 0.5
				gy := (dn[i] - up[i]) * 0.5
				sxx += gx * gx
				syy += gy * gy
				sxy += gx * gy
			}
		}
		e.gxx[b], e.gyy[b], e.gxy[b] = sxx, syy, sxy
	}
	d1, d2 := e.d1[by*bw:by*bw+bw], e.d2[by*bw:by*bw+bw]
	for bx := range bw {
		b := by*bw + bx
		d1[bx] = e.gxx[b] - e.gyy[b]
		d2[bx] = 2 * e.gxy[b]
	}
	if p := e.params().oriNorm; p > 0 {
		// Each foreground block's vector divided by its gradient energy
		// to the power p: a faint block's flow is not outvoted by its
		// contrasted neighbours'.
		for bx := range bw {
			b := by*bw + bx
			t := e.gxx[b] + e.gyy[b]
			if e.mask[b] == 0 || t < 1e-6 {
				d1[bx], d2[bx] = 0, 0
				continue
			}
			var k float32
			switch p {
			case 0.5:
				k = float32(1 / math.Sqrt(float64(t)))
			case 1:
				k = 1 / t
			default:
				k = float32(math.Pow(float64(t), -float64(p)))
			}
			d1[bx] *= k
			d2[bx] *= k
		}
	}
	e.boxRow(by, d1, d2)
}

// boxCol returns the sums of the block maps f1 and f2 (rows already
// summed over 5 blocks by boxRow) over block rows by-2..by+2 in column bx:
// the vertical half of the 5x5 box.
func (e *Extractor) boxCol(f1, f2 []float32, bx, by int) (a1, a2 float32) {
	bw := e.bw
	for yy := max(by-2, 0); yy <= min(by+2, e.bh-1); yy++ {
		a1 += f1[yy*bw+bx]
		a2 += f2[yy*bw+bx]
	}
	return a1, a2
}

// stencil returns the operands of the central differences of pixels
// x0..x1-1 of the row at offset o of t (stride s): that row from x0-1 to
// x1, and the rows above and below from x0 to x1-1.
func stencil(t []float32, o, x0, x1, s int) (row, up, dn []float32) {
	return t[o+x0-1 : o+x1+1], t[o-s+x0 : o-s+x1], t[o+s+x0 : o+s+x1]
}

// boxRow replaces the block-map rows f1 and f2 (nil: none) of block row
// by by their sums over 5 blocks, using the period row as scratch
// (periodRow fills it last).
func (e *Extractor) boxRow(by int, f1, f2 []float32) {
	bw := e.bw
	sc := e.period[by*bw : by*bw+bw]
	for _, f := range [2][]float32{f1, f2} {
		if f == nil {
			continue
		}
		for bx := range bw {
			var a float32
			for xx := max(bx-2, 0); xx <= min(bx+2, bw-1); xx++ {
				a += f[xx]
			}
			sc[bx] = a
		}
		copy(f, sc)
	}
}

// coherenceRow sets the coherence of block row by from the structure
// tensor summed over 3x3 blocks (gradientRow done up to by+1).
func (e *Extractor) coherenceRow(by int) {
	bw, bh := e.bw, e.bh
	for bx := range bw {
		var sxx, syy, sxy float32
		for yy := max(by-1, 0); yy <= min(by+1, bh-1); yy++ {
			for xx := max(bx-1, 0); xx <= min(bx+1, bw-1); xx++ {
				b := yy*bw + xx
				sxx += e.gxx[b]
				syy += e.gyy[b]
				sxy += e.gxy[b]
			}
		}
		c := float32(0)
		if t := sxx + syy; t > 1e-6 {
			c = float32(math.Sqrt(float64((sxx-syy)*(sxx-syy)+4*sxy*sxy))) / t
		}
		e.coh[by*bw+bx] = c
	}
}

// orientRow sets ori and obin of block row by from the doubled-angle
// vectors summed over 5x5 blocks (gradientRow done up to by+2).
func (e *Extractor) orientRow(by int) {
	bw := e.bw
	for bx := range bw {
		f1, f2 := e.boxCol(e.d1, e.d2, bx, by)
		th := 0.5*math.Atan2(float64(f2), float64(f1)) + math.Pi/2
		if th >= math.Pi {
			th -= math.Pi
		}
		b := by*bw + bx
		e.ori[b] = float32(th)
		e.obin[b] = uint8(int(th*nOri/math.Pi+0.5) % nOri)
	}
}

// ---------------------------------------------------------------------------
// Stage 4: ridge frequency.

// The frequency stage estimates the ridge period of each block from the
// ratio of gradient energy to signal energy over 5x5 blocks of the image
// smoothed along the ridges (see smoothRow): for a sampled sinusoid of
// angular frequency w across the ridges (direction c, s) and central
// differences, that ratio is sin^2(w c) + sin^2(w s), inverted through a
// table over the period grid of the filter bank. It runs block row by
// block row inside enhance, on the window of the smoothed image.

// frequencyRow sums the gradient and signal energy of the blocks of block
// row by into f1 and f2, and the signal energy about each block's own mean
// into f3, from the smoothed image in the window t (padded index i is
// t[i-base]), then replaces the rows by their sums over 5 blocks (the
// horizontal half of the 5x5 box; periodRow adds the rows).
func (e *Extractor) frequencyRow(by int, t []float32, base int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	y0, y1 := by*blk, min(by*blk+blk, h)
	f1, f2, f3 := e.f1[by*bw:by*bw+bw], e.f2[by*bw:by*bw+bw], e.f3[by*bw:by*bw+bw]
	for bx := range bw {
		if e.near[by*bw+bx] == 0 {
			f1[bx], f2[bx], f3[bx] = 0, 0, 0
			continue
		}
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		var g2, p2, s1 float32
		n := 0
		for y := y0; y < y1; y += 2 { // every other row: the ratio of sums barely changes
			row, up, dn := stencil(t, (y+pad)*s+pad-base, x0, x1, s)
			for i := range up {
				gx := (row[i+2] - row[i]) * 0.5
				gy := (dn[i] - up[i]) * 0.5
				v := row[i+1]
				g2 += gx*gx + gy*gy
				p2 += v * v
				s1 += v
			}
			n += len(up)
		}
		f1[bx], f2[bx], f3[bx] = g2, p2, max(p2-s1*s1/float32(n), 0)
	}
	e.boxRow(by, f1, f2)
	e.boxRow(by, f3, nil)
}

// periodRow sets the period of the blocks of block row by from the sums
// of frequencyRow over block rows by-2..by+2 (all of them computed).
//
// It also reads the period from the signal energy about each block's own
// mean (f3). A block holds less than a ridge period, so that reading is
// the shorter; on a sharp print by half a pixel to a pixel. Where the
// first reading runs further ahead, slow variation the ratio takes for
// long ridges dominates the block's energy, as on a blurred print or a wet
// one whose valleys have closed. It returns the foreground blocks counted
// and those where the first reading is longLead bins (1.5 px) or more
// ahead (see enhance). Unless capBins is noCap the period the band-pass is
// tuned to (pbin) is at most capBins above the second reading (below it
// for capBins < 0; never below the grid's first bin); the period map
// itself (period: the not-a-finger test, quality, minutia positions)
// always keeps the first.
func (e *Extractor) periodRow(by, capBins int) (n, long int) {
	bw := e.bw
	for bx := range bw {
		g2, p2 := e.boxCol(e.f1, e.f2, bx, by)
		b := by*bw + bx
		tab := &e.kern.ratio[e.obin[b]]
		k := nPer / 2
		if p2 > 1e-3 {
			k = periodBin(tab, g2/p2)
		}
		e.period[b] = minPeriod + float32(k)*periodStep
		var p3 float32
		for yy := max(by-2, 0); yy <= min(by+2, e.bh-1); yy++ {
			p3 += e.f3[yy*bw+bx]
		}
		if p3 > 1e-3 {
			k2 := periodBin(tab, g2/p3)
			if e.mask[b] != 0 {
				n++
				if k-k2 >= longLead {
					long++
				}
			}
			if capBins != noCap {
				k = max(min(k, k2+capBins), 0)
			}
		}
		e.pbin[b] = uint8(k)
	}
	return n, long
}

// noCap is the capBins of periodRow that leaves the band-pass period
// alone.
const noCap = -1 << 30

// periodBin returns the bin of the period grid whose energy ratio in tab
// (falling with the period) is closest to r.
func periodBin(tab *[nPer]float32, r float32) int {
	k := 0
	for k < nPer-1 && tab[k+1] >= r {
		k++
	}
	if k < nPer-1 && tab[k]-r > r-tab[k+1] {
		k++
	}
	return k
}
