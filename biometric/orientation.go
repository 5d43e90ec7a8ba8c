package biometric

import (
	"math"
)

// ---------------------------------------------------------------------------
// Stage 3: orientation field (block-wise structure tensor).

// orientation sums the gradient structure tensor per block, smooths the
// doubled-angle field over 5x5 blocks to get the ridge direction ori and
// its bin obin, and computes the coherence coh over 3x3 blocks.
func (e *Extractor) orientation() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	for by := range bh {
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
				o := (y+pad)*s + pad
				row := e.norm[o+x0-1 : o+x1+1]
				up := e.norm[o-s+x0 : o-s+x1]
				dn := e.norm[o+s+x0 : o+s+x1]
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
	}
	// Coherence over 3x3 blocks.
	for by := range bh {
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
	// Doubled-angle vectors, box-smoothed over 5x5 blocks.
	for b := range bw * bh {
		e.f1[b] = e.gxx[b] - e.gyy[b]
		e.f2[b] = 2 * e.gxy[b]
	}
	e.boxBlocks(e.f1, 2)
	e.boxBlocks(e.f2, 2)
	for b := range bw * bh {
		th := 0.5*math.Atan2(float64(e.f2[b]), float64(e.f1[b])) + math.Pi/2
		if th >= math.Pi {
			th -= math.Pi
		}
		e.ori[b] = float32(th)
		e.obin[b] = uint8(int(th*nOri/math.Pi+0.5) % nOri)
	}
}

// boxBlocks replaces the block map v by its sums over (2r+1)^2 windows,
// using period as scratch (it must not be one of the arguments' owners).
func (e *Extractor) boxBlocks(v []float32, r int) {
	bw, bh := e.bw, e.bh
	t := e.period[:bw*bh] // scratch; frequency() overwrites it later
	for by := range bh {
		row := v[by*bw : by*bw+bw]
		out := t[by*bw : by*bw+bw]
		for bx := range bw {
			var a float32
			for xx := max(bx-r, 0); xx <= min(bx+r, bw-1); xx++ {
				a += row[xx]
			}
			out[bx] = a
		}
	}
	for bx := range bw {
		for by := range bh {
			var a float32
			for yy := max(by-r, 0); yy <= min(by+r, bh-1); yy++ {
				a += t[yy*bw+bx]
			}
			v[by*bw+bx] = a
		}
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
// row by into f1 and f2, from the smoothed image in the window t (padded
// index i is t[i-base]), then replaces the row by its sums over 5 blocks
// (the horizontal half of the 5x5 box; periodRow adds the rows).
func (e *Extractor) frequencyRow(by int, t []float32, base int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	y0, y1 := by*blk, min(by*blk+blk, h)
	f1, f2 := e.f1[by*bw:by*bw+bw], e.f2[by*bw:by*bw+bw]
	for bx := range bw {
		if e.near[by*bw+bx] == 0 {
			f1[bx], f2[bx] = 0, 0
			continue
		}
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		var g2, p2 float32
		for y := y0; y < y1; y += 2 { // every other row: the ratio of sums barely changes
			o := (y+pad)*s + pad - base
			row := t[o+x0-1 : o+x1+1]
			up := t[o-s+x0 : o-s+x1]
			dn := t[o+s+x0 : o+s+x1]
			for i := range up {
				gx := (row[i+2] - row[i]) * 0.5
				gy := (dn[i] - up[i]) * 0.5
				v := row[i+1]
				g2 += gx*gx + gy*gy
				p2 += v * v
			}
		}
		f1[bx], f2[bx] = g2, p2
	}
	// The period row is free scratch: periodRow fills it later.
	sc := e.period[by*bw : by*bw+bw]
	for _, f := range [2][]float32{f1, f2} {
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

// periodRow sets the period of the blocks of block row by from the sums
// of frequencyRow over block rows by-2..by+2 (all of them computed).
func (e *Extractor) periodRow(by int) {
	bw, bh := e.bw, e.bh
	for bx := range bw {
		var g2, p2 float32
		for yy := max(by-2, 0); yy <= min(by+2, bh-1); yy++ {
			g2 += e.f1[yy*bw+bx]
			p2 += e.f2[yy*bw+bx]
		}
		b := by*bw + bx
		k := nPer / 2
		if p2 > 1e-3 {
			r := g2 / p2
			tab := &e.kern.ratio[e.obin[b]]
			// The ratio falls with the period: take the closest entry.
			k = 0
			for k < nPer-1 && tab[k+1] >= r {
				k++
			}
			if k < nPer-1 && tab[k]-r > r-tab[k+1] {
				k++
			}
		}
		e.pbin[b] = uint8(k)
		e.period[b] = minPeriod + float32(k)*periodStep
	}
}
