package biometric

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Pipeline geometry. Every length is in working pixels at 500 ppi.
const (
	workPPI       = 500
	blk           = 8    // block size of the block maps
	pad           = 8    // zero margin around the padded planes (>= filter radii)
	maxCandidates = 1024 // cap on raw minutia candidates per image

	nOri       = 24 // orientation bins of the filter bank (7.5 degrees)
	minPeriod  = 4.5
	maxPeriod  = 15.0
	periodStep = 0.5
	nPer       = int((maxPeriod-minPeriod)/periodStep) + 1

	alongR  = 5 // radius of the smoothing along the ridges
	acrossR = 7 // radius of the band-pass across the ridges

	minStd = 6.0 // gray levels: below this a block is background

	dirLen      = 10 // skeleton steps traced to measure a minutia direction
	spurLen     = 10 // an ending this close (along the skeleton) to a bifurcation is a spur
	shortRidge  = 16 // two endings this close along the skeleton form a short ridge
	bridgeLen   = 10 // two bifurcations this close along the skeleton form a bridge or hole
	breakDist   = 14 // facing endings this close form a broken ridge
	clusterDist = 6  // two minutiae this close are both suspect
	cloudRadius = 16 // more than cloudCount minutiae within this radius are noise
	cloudCount  = 4
	junctionLen = 5  // bifurcations this close along the skeleton are one junction
	borderReach = 24 // an ending whose ridge would run into the background this soon is cut by the edge
)

// kernels is the oriented filter bank, with offsets for one plane stride.
type kernels struct {
	along   [nOri][2*alongR + 1]int32
	alongW  [2*alongR + 1]float32
	across  [nOri][2*acrossR + 1]int32
	acrossW [nOri][nPer][2*acrossR + 1]float32
	// ratio[o][k] is the gradient-to-signal energy ratio of a sinusoid of
	// period minPeriod+k*periodStep across ridges of orientation bin o,
	// sampled with central differences (decreasing in k).
	ratio [nOri][nPer]float32
}

// build fills the bank for planes of stride s. Orientation bin o is the
// ridge direction o*pi/nOri in image coordinates (y down).
func (k *kernels) build(s int) {
	var sum float64
	for t := -alongR; t <= alongR; t++ {
		g := math.Exp(-float64(t*t) / (2 * 3.0 * 3.0))
		k.alongW[t+alongR] = float32(g)
		sum += g
	}
	for i := range k.alongW {
		k.alongW[i] /= float32(sum)
	}
	for o := range nOri {
		th := float64(o) * math.Pi / nOri
		c, sn := math.Cos(th), math.Sin(th)
		for t := -alongR; t <= alongR; t++ {
			dx, dy := int(math.Round(float64(t)*c)), int(math.Round(float64(t)*sn))
			k.along[o][t+alongR] = int32(dy*s + dx)
		}
		nx, ny := -sn, c
		for pi := range nPer {
			w := 2 * math.Pi / (minPeriod + float64(pi)*periodStep)
			a, b := math.Sin(w*nx), math.Sin(w*ny)
			k.ratio[o][pi] = float32(a*a + b*b)
		}
		var d [2*acrossR + 1]float64
		for t := -acrossR; t <= acrossR; t++ {
			dx, dy := math.Round(float64(t)*nx), math.Round(float64(t)*ny)
			k.across[o][t+acrossR] = int32(int(dy)*s + int(dx))
			d[t+acrossR] = dx*nx + dy*ny // exact distance across the ridge
		}
		for pi := range nPer {
			per := minPeriod + float64(pi)*periodStep
			sigma := min(0.45*per, 4.0)
			var g, cw [2*acrossR + 1]float64
			var sg, sc float64
			for i, di := range d {
				g[i] = math.Exp(-di * di / (2 * sigma * sigma))
				cw[i] = g[i] * math.Cos(2*math.Pi*di/per)
				sg += g[i]
				sc += cw[i]
			}
			// Remove the DC response, then give unit gain at the ridge frequency.
			var gain float64
			for i, di := range d {
				cw[i] -= sc / sg * g[i]
				gain += cw[i] * math.Cos(2*math.Pi*di/per)
			}
			for i := range cw {
				k.acrossW[o][pi][i] = float32(cw[i] / gain)
			}
		}
	}
}

// Thinning and crossing-number tables indexed by the 8-neighbourhood byte
// of neighbours: bit 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW.
var (
	thinTable  = buildThinTable()
	crossTable = buildCrossTable()
)

// buildThinTable gives the deletion rule of Guo and Hall's parallel
// thinning (CACM 32(3), 1989, algorithm A1) for its two sub-iterations.
func buildThinTable() (t [2][256]bool) {
	for nb := range 256 {
		p := func(i int) int { return nb >> i & 1 }
		p2, p3, p4, p5, p6, p7, p8, p9 := p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7)
		not := func(v int) int { return 1 - v }
		c := not(p2)&(p3|p4) + not(p4)&(p5|p6) + not(p6)&(p7|p8) + not(p8)&(p9|p2)
		n1 := (p9 | p2) + (p3 | p4) + (p5 | p6) + (p7 | p8)
		n2 := (p2 | p3) + (p4 | p5) + (p6 | p7) + (p8 | p9)
		n := min(n1, n2)
		for sub := range 2 {
			var m int
			if sub == 0 {
				m = (p6 | p7 | not(p9)) & p8
			} else {
				m = (p2 | p3 | not(p5)) & p4
			}
			t[sub][nb] = c == 1 && n >= 2 && n <= 3 && m == 0
		}
	}
	return t
}

// buildCrossTable gives the crossing number: the count of 0-to-1
// transitions around the 8-neighbourhood.
func buildCrossTable() (t [256]uint8) {
	for nb := range 256 {
		var c uint8
		for i := range 8 {
			if nb>>i&1 == 0 && nb>>((i+1)&7)&1 == 1 {
				c++
			}
		}
		t[nb] = c
	}
	return t
}

// rasterThin and rasterCross are thinTable and crossTable indexed by
// rasterCode.
var rasterThin, rasterCross = buildRasterTables()

func buildRasterTables() (thin [2][512]uint8, cross [512]uint8) {
	for idx := range 512 {
		b := func(i int) uint8 { return uint8(idx >> i & 1) }
		// rasterCode bits: 0 NW, 1 W, 2 SW, 3 N, 4 centre, 5 S, 6 NE, 7 E, 8 SE.
		nb := b(3) | b(6)<<1 | b(7)<<2 | b(8)<<3 | b(5)<<4 | b(2)<<5 | b(1)<<6 | b(0)<<7
		if thinTable[0][nb] {
			thin[0][idx] = 1
		}
		if thinTable[1][nb] {
			thin[1][idx] = 1
		}
		cross[idx] = crossTable[nb]
	}
	return thin, cross
}

// rasterCode packs the 8-neighbourhood of pixel i of a 0/1 plane with three
// 4-byte loads: bits 0 NW, 1 W, 2 SW, 3 N, 5 S, 6 NE, 7 E, 8 SE.
func rasterCode(b []uint8, i, s int) uint32 {
	top := binary.LittleEndian.Uint32(b[i-s-1:]) & 0x010101
	mid := binary.LittleEndian.Uint32(b[i-1:]) & 0x010001
	bot := binary.LittleEndian.Uint32(b[i+s-1:]) & 0x010101
	x := top | mid<<1 | bot<<2
	return x&0xff | (x>>8&0xff)<<3 | (x>>16&0xff)<<6
}

func nbits(b []uint8, i, s int) uint8 {
	return b[i-s] | b[i-s+1]<<1 | b[i+1]<<2 | b[i+s+1]<<3 | b[i+s]<<4 | b[i+s-1]<<5 | b[i-1]<<6 | b[i-s-1]<<7
}

// ---------------------------------------------------------------------------
// Stage 1: segmentation.

// segment computes per-block mean and standard deviation over 3x3-block
// windows and marks as foreground the blocks with enough contrast, then
// cleans the mask (majority vote, largest component, holes filled) and
// computes each block's distance to the background.
func (e *Extractor) segment() {
	w, h, bw, bh := e.w, e.h, e.bw, e.bh
	clear(e.bsum[:bw*bh])
	clear(e.bsq[:bw*bh])
	full := w / blk // blocks entirely inside each row
	for by := range bh {
		bs := e.bsum[by*bw : by*bw+bw]
		bq := e.bsq[by*bw : by*bw+bw]
		for bx := range bw {
			x0 := bx * blk
			var s, q uint32
			for y := by * blk; y < min(by*blk+blk, h); y++ {
				if bx < full {
					r := (*[blk]uint8)(e.gray[y*w+x0:])
					a0, a1, a2, a3 := uint32(r[0]), uint32(r[1]), uint32(r[2]), uint32(r[3])
					a4, a5, a6, a7 := uint32(r[4]), uint32(r[5]), uint32(r[6]), uint32(r[7])
					s += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
					q += a0*a0 + a1*a1 + a2*a2 + a3*a3 + a4*a4 + a5*a5 + a6*a6 + a7*a7
					continue
				}
				for _, v := range e.gray[y*w+x0 : y*w+w] {
					s += uint32(v)
					q += uint32(v) * uint32(v)
				}
			}
			bs[bx], bq[bx] = float32(s), float32(q)
		}
	}
	var hist [256]int32
	for by := range bh {
		for bx := range bw {
			var s, q, n float32
			for yy := max(by-1, 0); yy <= min(by+1, bh-1); yy++ {
				for xx := max(bx-1, 0); xx <= min(bx+1, bw-1); xx++ {
					s += e.bsum[yy*bw+xx]
					q += e.bsq[yy*bw+xx]
					n += float32((min(xx*blk+blk, w) - xx*blk) * (min(yy*blk+blk, h) - yy*blk))
				}
			}
			m := s / n
			sd := float32(math.Sqrt(float64(max(q/n-m*m, 0))))
			b := by*bw + bx
			e.bmean[b] = m
			e.bistd[b] = sd
			hist[min(int(sd), 255)]++
		}
	}
	// Threshold relative to the contrast of the print (95th percentile).
	nb := int32(bw * bh)
	var acc int32
	p95 := 0
	for i, c := range hist {
		acc += c
		if acc*20 >= nb*19 {
			p95 = i
			break
		}
	}
	thr := max(float32(minStd), 0.3*float32(p95))
	for b := range bw * bh {
		sd := e.bistd[b]
		if sd > thr {
			e.mask[b] = 1
		} else {
			e.mask[b] = 0
		}
		e.bistd[b] = 1 / max(sd, 10)
	}
	e.majority()
	e.majority()
	e.keepLargest()
	e.fillHoles()
	e.blockDistance()
	for by := range bh {
		for bx := range bw {
			e.near[by*bw+bx] = 0
			if e.nearForeground(bx, by) {
				e.near[by*bw+bx] = 1
			}
		}
	}
	e.fgBlock = 0
	for _, m := range e.mask[:bw*bh] {
		e.fgBlock += int(m)
	}
}

// majority replaces each block by the majority of its 3x3 neighbourhood
// (outside the grid counts as background).
func (e *Extractor) majority() {
	bw, bh := e.bw, e.bh
	for by := range bh {
		for bx := range bw {
			n := 0
			for yy := max(by-1, 0); yy <= min(by+1, bh-1); yy++ {
				for xx := max(bx-1, 0); xx <= min(bx+1, bw-1); xx++ {
					n += int(e.mask[yy*bw+xx])
				}
			}
			if n >= 5 {
				e.mtmp[by*bw+bx] = 1
			} else {
				e.mtmp[by*bw+bx] = 0
			}
		}
	}
	copy(e.mask, e.mtmp[:bw*bh])
}

// flood marks with mark every block reachable from seed through blocks
// whose mask equals val (4-connected); it returns the count. mtmp holds
// the marks (0 = unmarked).
func (e *Extractor) flood(seed int, val, mark uint8) int {
	bw, bh := e.bw, e.bh
	st := e.stack[:0]
	st = append(st, int32(seed))
	e.mtmp[seed] = mark
	n := 0
	for len(st) > 0 {
		b := int(st[len(st)-1])
		st = st[:len(st)-1]
		n++
		bx, by := b%bw, b/bw
		if bx > 0 && e.mask[b-1] == val && e.mtmp[b-1] == 0 {
			e.mtmp[b-1] = mark
			st = append(st, int32(b-1))
		}
		if bx < bw-1 && e.mask[b+1] == val && e.mtmp[b+1] == 0 {
			e.mtmp[b+1] = mark
			st = append(st, int32(b+1))
		}
		if by > 0 && e.mask[b-bw] == val && e.mtmp[b-bw] == 0 {
			e.mtmp[b-bw] = mark
			st = append(st, int32(b-bw))
		}
		if by < bh-1 && e.mask[b+bw] == val && e.mtmp[b+bw] == 0 {
			e.mtmp[b+bw] = mark
			st = append(st, int32(b+bw))
		}
	}
	e.stack = st
	return n
}

// keepLargest keeps only the largest 4-connected foreground component.
func (e *Extractor) keepLargest() {
	nb := e.bw * e.bh
	clear(e.mtmp[:nb])
	best, bestN := -1, 0
	for b := range nb {
		if e.mask[b] == 1 && e.mtmp[b] == 0 {
			if n := e.flood(b, 1, 1); n > bestN {
				best, bestN = b, n
			}
		}
	}
	if best < 0 {
		return
	}
	clear(e.mtmp[:nb])
	e.flood(best, 1, 2)
	for b := range nb {
		if e.mtmp[b] != 2 {
			e.mask[b] = 0
		}
	}
}

// fillHoles turns into foreground the background blocks not connected to
// the edge of the grid.
func (e *Extractor) fillHoles() {
	bw, bh := e.bw, e.bh
	nb := bw * bh
	clear(e.mtmp[:nb])
	for b := range nb {
		bx, by := b%bw, b/bw
		edge := bx == 0 || by == 0 || bx == bw-1 || by == bh-1
		if edge && e.mask[b] == 0 && e.mtmp[b] == 0 {
			e.flood(b, 0, 1)
		}
	}
	for b := range nb {
		if e.mask[b] == 0 && e.mtmp[b] == 0 {
			e.mask[b] = 1
		}
	}
}

// blockDistance sets bdist to each block's chessboard distance (in blocks)
// to the nearest background block or the edge of the grid: 0 for
// background, 1 for foreground blocks on the boundary.
func (e *Extractor) blockDistance() {
	bw, bh := e.bw, e.bh
	d := e.bdist[:bw*bh]
	at := func(x, y int) uint8 {
		if x < 0 || y < 0 || x >= bw || y >= bh {
			return 0
		}
		return d[y*bw+x]
	}
	for b := range d {
		d[b] = e.mask[b] * 255
	}
	for y := range bh {
		for x := range bw {
			v := d[y*bw+x]
			if v == 0 {
				continue
			}
			m := min(at(x-1, y), at(x, y-1), at(x-1, y-1), at(x+1, y-1))
			d[y*bw+x] = min(v, m+1)
		}
	}
	for y := bh - 1; y >= 0; y-- {
		for x := bw - 1; x >= 0; x-- {
			v := d[y*bw+x]
			if v == 0 {
				continue
			}
			m := min(at(x+1, y), at(x, y+1), at(x+1, y+1), at(x-1, y+1))
			d[y*bw+x] = min(v, m+1)
		}
	}
}

// ---------------------------------------------------------------------------
// Stage 2: normalisation.

// normalize writes (gray - local mean) / local standard deviation into the
// padded norm plane (zero far from the foreground), with the block statistics interpolated bilinearly
// between block corners, clamped to +-2.5.
func (e *Extractor) normalize() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	cw := bw + 1
	for cy := 0; cy <= bh; cy++ {
		for cx := 0; cx <= bw; cx++ {
			var m, is float32
			var n float32
			for by := max(cy-1, 0); by <= min(cy, bh-1); by++ {
				for bx := max(cx-1, 0); bx <= min(cx, bw-1); bx++ {
					m += e.bmean[by*bw+bx]
					is += e.bistd[by*bw+bx]
					n++
				}
			}
			e.cmean[cy*cw+cx] = m / n
			e.cistd[cy*cw+cx] = is / n
		}
	}
	clear(e.norm)
	for by := range bh {
		y0, y1 := by*blk, min(by*blk+blk, h)
		for bx := range bw {
			if e.near[by*bw+bx] == 0 {
				continue
			}
			x0, x1 := bx*blk, min(bx*blk+blk, w)
			c := by*cw + bx
			m00, m10, m01, m11 := e.cmean[c], e.cmean[c+1], e.cmean[c+cw], e.cmean[c+cw+1]
			s00, s10, s01, s11 := e.cistd[c], e.cistd[c+1], e.cistd[c+cw], e.cistd[c+cw+1]
			for y := y0; y < y1; y++ {
				v := (float32(y-y0) + 0.5) / blk
				ml, mr := m00+(m01-m00)*v, m10+(m11-m10)*v
				sl, sr := s00+(s01-s00)*v, s10+(s11-s10)*v
				dm, ds := (mr-ml)/blk, (sr-sl)/blk
				m, is := ml+dm/2, sl+ds/2
				src := e.gray[y*w+x0 : y*w+x1]
				dst := e.norm[(y+pad)*s+x0+pad : (y+pad)*s+x1+pad]
				dst = dst[:len(src)]
				for i, g := range src {
					dst[i] = min(max((float32(g)-m)*is, -2.5), 2.5)
					m += dm
					is += ds
				}
			}
		}
	}
}

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
			for y := y0; y < y1; y++ {
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

// frequency estimates the ridge period of each block from the ratio of
// gradient energy to signal energy over 5x5 blocks of the image smoothed
// along the ridges (see smooth): for a sampled sinusoid
// of angular frequency w across the ridges (direction c, s) and central
// differences, that ratio is sin^2(w c) + sin^2(w s), inverted through a
// table over the period grid of the filter bank.
func (e *Extractor) frequency() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	tmp := e.tmp
	for by := range bh {
		y0, y1 := by*blk, min(by*blk+blk, h)
		for bx := range bw {
			b := by*bw + bx
			if e.near[b] == 0 {
				e.f1[b], e.f2[b] = 0, 0
				continue
			}
			x0, x1 := bx*blk, min(bx*blk+blk, w)
			var g2, p2 float32
			for y := y0; y < y1; y++ {
				o := (y+pad)*s + pad
				row := tmp[o+x0-1 : o+x1+1]
				up := tmp[o-s+x0 : o-s+x1]
				dn := tmp[o+s+x0 : o+s+x1]
				for i := range up {
					gx := (row[i+2] - row[i]) * 0.5
					gy := (dn[i] - up[i]) * 0.5
					v := row[i+1]
					g2 += gx*gx + gy*gy
					p2 += v * v
				}
			}
			e.f1[b], e.f2[b] = g2, p2
		}
	}
	e.boxBlocks(e.f1, 2)
	e.boxBlocks(e.f2, 2)
	for b := range bw * bh {
		k := nPer / 2
		if e.f2[b] > 1e-3 {
			r := e.f1[b] / e.f2[b]
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
// band-pass across the ridges, tuned to the block's period, from tmp into
// enh. Ridges (dark) come out negative.
func (e *Extractor) enhance() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	k := &e.kern
	tmp, enh := e.tmp, e.enh
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
					enh[i] = w0*tmp[i] +
						w1*(tmp[i+o1]+tmp[i-o1]) +
						w2*(tmp[i+o2]+tmp[i-o2]) +
						w3*(tmp[i+o3]+tmp[i-o3]) +
						w4*(tmp[i+o4]+tmp[i-o4]) +
						w5*(tmp[i+o5]+tmp[i-o5]) +
						w6*(tmp[i+o6]+tmp[i-o6]) +
						w7*(tmp[i+o7]+tmp[i-o7])
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

// ---------------------------------------------------------------------------
// Stage 6: binarisation.

// binarize sets bin to 1 on ridge pixels (negative enhanced response) of
// foreground blocks, listing them in e.list.
func (e *Extractor) binarize() {
	bw, bh, w, h, s := e.bw, e.bh, e.w, e.h, e.s
	clear(e.bin)
	e.list = e.list[:0]
	for by := range bh {
		y0, y1 := by*blk, min(by*blk+blk, h)
		for bx := range bw {
			if e.mask[by*bw+bx] == 0 {
				continue
			}
			x0, x1 := bx*blk, min(bx*blk+blk, w)
			for y := y0; y < y1; y++ {
				for i := (y+pad)*s + x0 + pad; i < (y+pad)*s+x1+pad; i++ {
					if e.enh[i] < 0 {
						e.bin[i] = 1
						e.list = append(e.list, int32(i))
					}
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Stage 7: thinning.

// thin copies bin to skel and thins it to a one-pixel-wide, 8-connected
// skeleton with Guo-Hall parallel thinning. The first sub-iterations scan
// all remaining ridge pixels; once few pixels go per sub-iteration, only
// the neighbours of the pixels deleted in the last two sub-iterations are
// checked (no other pixel can change). On return e.list holds the skeleton
// pixels.
func (e *Extractor) thin() {
	s := e.s
	skel, flag := e.skel, e.tflag
	clear(skel)
	for _, i := range e.list {
		skel[i] = 1
	}
	list, dels, q, prev := e.list, e.dels, e.q1[:0], e.q2[:0]
	offs := [8]int32{int32(-s - 1), int32(-s), int32(-s + 1), -1, 1, int32(s - 1), int32(s), int32(s + 1)}
	full := true
	prevN := -1
	for k := 0; ; k++ {
		src := list
		if !full {
			src = q
		}
		// Branch-free: the decisions are unpredictable.
		tbl := &rasterThin[k&1]
		dels = dels[:len(src)]
		n := 0
		for _, i := range src {
			dels[n] = i
			n += int(tbl[rasterCode(skel, int(i), s)])
		}
		dels = dels[:n]
		for _, i := range dels {
			skel[i] = 0
		}
		if n == 0 && prevN == 0 {
			break
		}
		if full && n > 0 {
			j := 0
			for _, i := range list {
				list[j] = i
				j += int(skel[i])
			}
			list = list[:j]
		}
		if full && k >= 1 && n*16 < len(list) {
			full = false
		}
		if !full {
			q = q[:0]
			for _, d := range [2][]int32{dels, prev} {
				for _, i := range d {
					for _, o := range offs {
						j := i + o
						if skel[j] != 0 && flag[j] == 0 {
							flag[j] = 1
							q = append(q, j)
						}
					}
				}
			}
			for _, i := range q {
				flag[i] = 0
			}
		}
		prev = append(prev[:0], dels...)
		prevN = n
	}
	j := 0
	for _, i := range list {
		list[j] = i
		j += int(skel[i])
	}
	e.list, e.dels, e.q1, e.q2 = list[:j], dels, q, prev
}

// ---------------------------------------------------------------------------
// Stage 8: minutiae detection.

// detect finds skeleton endings (crossing number 1) and bifurcations
// (crossing number 3) inside the foreground, away from the image edge.
func (e *Extractor) detect() {
	s := e.s
	e.cand = e.cand[:0]
	for _, i := range e.list {
		nb := nbits(e.skel, int(i), s)
		cn := crossTable[nb]
		var kind MinutiaKind
		switch {
		case cn == 1:
			kind = KindEnding
		case cn == 3 && bits.OnesCount8(nb) >= 3:
			kind = KindBifurcation
		default:
			continue
		}
		x, y := int(i)%s-pad, int(i)/s-pad
		if x < 4 || y < 4 || x >= e.w-4 || y >= e.h-4 {
			continue
		}
		if e.bdist[(y/blk)*e.bw+x/blk] == 0 {
			continue
		}
		if len(e.cand) == cap(e.cand) {
			break
		}
		e.cand = append(e.cand, candidate{p: i, x: int32(x), y: int32(y), kind: kind})
		e.mark[i] = int32(len(e.cand))
	}
}

// ---------------------------------------------------------------------------
// Stage 9: false-minutiae removal, directions and qualities.

func (e *Extractor) nextGen() uint32 {
	e.gen++
	if e.gen == 0 {
		clear(e.stamp)
		e.gen = 1
	}
	return e.gen
}

// branches returns the first pixel of each skeleton branch leaving pixel
// i (one per run of neighbours, a 4-neighbour preferred), at most 4.
func (e *Extractor) branches(i int32) (out [4]int32, n int) {
	s := int32(e.s)
	offs := [8]int32{-s, -s + 1, 1, s + 1, s, s - 1, -1, -s - 1}
	nb := nbits(e.skel, int(i), e.s)
	for k := range 8 {
		if nb>>k&1 == 0 || nb>>((k+7)&7)&1 == 1 {
			continue // not the start of a run
		}
		best := -1
		for j := k; j < k+8 && nb>>(j&7)&1 == 1; j++ {
			if best < 0 || (j&1 == 0 && best&1 == 1) {
				best = j & 7
			}
		}
		if n < len(out) {
			out[n] = i + offs[best]
			n++
		}
	}
	return out, n
}

// trace follows the skeleton from start through first for at most maxLen
// pixels, never revisiting pixels stamped with gen. It returns the last
// pixel reached, the steps taken and the index+1 of the candidate met
// (0 when none); e.path holds the pixels walked, without start and the
// candidate met.
func (e *Extractor) trace(start, first int32, maxLen int, gen uint32) (last int32, n int, hit int32) {
	s := int32(e.s)
	offs := [8]int32{-s, 1, s, -1, -s + 1, s + 1, s - 1, -s - 1}
	e.path = e.path[:0]
	if m := e.mark[first]; m != 0 {
		return first, 1, m
	}
	e.stamp[first] = gen
	e.path = append(e.path, first)
	cur := first
	for n = 1; n < maxLen; n++ {
		next := int32(-1)
		for _, o := range offs {
			q := cur + o
			if e.skel[q] == 0 || q == start {
				continue
			}
			if m := e.mark[q]; m != 0 {
				return q, n + 1, m
			}
			if e.stamp[q] == gen {
				continue
			}
			next = q
			break
		}
		if next < 0 {
			return cur, n, 0
		}
		e.stamp[next] = gen
		e.path = append(e.path, next)
		cur = next
	}
	return cur, n, 0
}

// filter removes false minutiae: spurs, short ridges, bridges and holes
// (by tracing the skeleton), broken ridges, minutiae near the mask border,
// close pairs and clouds; it also sets each survivor's direction and
// quality.
func (e *Extractor) filter() {
	cs := e.cand
	e.pruneSpurs()
	e.mergeJunctions()
	// Topological rules.
	for ci := range cs {
		c := &cs[ci]
		if c.removed {
			continue
		}
		br, nbr := e.branches(c.p)
		gen := e.nextGen()
		e.stamp[c.p] = gen
		for _, f := range br[:nbr] {
			e.stamp[f] = gen
		}
		for _, f := range br[:nbr] {
			limit := bridgeLen
			if c.kind == KindEnding {
				limit = shortRidge
			}
			_, n, hit := e.trace(c.p, f, limit, gen)
			if hit == 0 || int(hit-1) == ci {
				continue
			}
			o := &cs[hit-1]
			switch {
			case c.kind == KindEnding && o.kind == KindEnding && n <= shortRidge,
				c.kind != o.kind && n <= spurLen,
				c.kind == KindBifurcation && o.kind == KindBifurcation && n <= bridgeLen:
				c.removed, o.removed = true, true
				c.why, o.why = 1, 1
			}
		}
	}
	// Directions of the survivors.
	for ci := range cs {
		c := &cs[ci]
		if !c.removed {
			e.direction(c)
		}
	}
	// Broken ridges: two endings facing each other along the ridge flow.
	for i := range cs {
		a := &cs[i]
		if a.removed || a.kind != KindEnding {
			continue
		}
		for j := i + 1; j < len(cs); j++ {
			b := &cs[j]
			if b.removed || b.kind != KindEnding {
				continue
			}
			dx, dy := float32(b.x-a.x), float32(b.y-a.y)
			d2 := dx*dx + dy*dy
			if d2 > breakDist*breakDist || d2 == 0 {
				continue
			}
			d := float32(math.Sqrt(float64(d2)))
			if a.dx*dx+a.dy*dy < -0.5*d && b.dx*dx+b.dy*dy > 0.5*d {
				a.removed, b.removed = true, true
				a.why, b.why = 4, 4
			}
		}
	}
	// Border.
	for i := range cs {
		c := &cs[i]
		if c.removed {
			continue
		}
		b := int(c.y/blk)*e.bw + int(c.x/blk)
		if e.bdist[b] <= 1 || e.facesBackground(c) {
			c.removed = true
			c.why = 5
		}
	}
	// Close pairs and clouds.
	for i := range cs {
		a := &cs[i]
		if a.removed {
			continue
		}
		near := 0
		for j := range cs {
			b := &cs[j]
			if j == i || b.removed {
				continue
			}
			dx, dy := b.x-a.x, b.y-a.y
			d2 := dx*dx + dy*dy
			if d2 <= clusterDist*clusterDist {
				a.removed, b.removed = true, true
				a.why, b.why = 7, 7
				break
			}
			if d2 <= cloudRadius*cloudRadius {
				near++
			}
		}
		if near > cloudCount {
			a.removed = true
			a.why = 8
		}
	}
	// Quality: coherence of the ridge flow, lowered near the border.
	for i := range cs {
		c := &cs[i]
		if c.removed {
			continue
		}
		b := int(c.y/blk)*e.bw + int(c.x/blk)
		q := e.coh[b]
		if e.bdist[b] == 2 {
			q *= 0.6
		}
		c.q = q
	}
}

// pruneSpurs removes spurs from the skeleton: a branch from an ending that
// meets a bifurcation within spurLen pixels is erased with its ending, and
// the bifurcation is dropped if it no longer is one (the spur made it).
// A true bifurcation with a noise spur next to it survives this way, where
// removing both minutiae of every close ending-bifurcation pair would lose
// it.
func (e *Extractor) pruneSpurs() {
	cs := e.cand
	for ci := range cs {
		c := &cs[ci]
		if c.removed || c.kind != KindEnding {
			continue
		}
		br, nbr := e.branches(c.p)
		if nbr != 1 {
			continue
		}
		gen := e.nextGen()
		e.stamp[c.p] = gen
		_, n, hit := e.trace(c.p, br[0], spurLen, gen)
		if hit == 0 || n > spurLen || cs[hit-1].kind != KindBifurcation {
			continue
		}
		c.removed = true
		c.why = 9
		e.skel[c.p] = 0
		for _, p := range e.path {
			e.skel[p] = 0
		}
		b := &cs[hit-1]
		if crossTable[nbits(e.skel, int(b.p), e.s)] != 3 {
			b.removed = true
			b.why = 9
		}
	}
}

// mergeJunctions handles clusters of bifurcation candidates joined by
// skeleton paths of at most junctionLen pixels, which thinning makes
// around small lakes and thick forks. Counting the branches that leave a
// cluster: three make one bifurcation (kept at the cluster's centre), two
// are a hole in a ridge and four or more a crossing (all removed).
func (e *Extractor) mergeJunctions() {
	cs := e.cand
	uf := e.uf[:len(cs)]
	for i := range uf {
		uf[i] = int32(i)
	}
	// Union bifurcations joined by short paths; count members in size.
	multi := false
	for ci := range cs {
		c := &cs[ci]
		if c.removed || c.kind != KindBifurcation {
			continue
		}
		br, nbr := e.branches(c.p)
		gen := e.nextGen()
		e.stamp[c.p] = gen
		for _, f := range br[:nbr] {
			e.stamp[f] = gen
		}
		for _, f := range br[:nbr] {
			_, _, hit := e.trace(c.p, f, junctionLen, gen)
			if hit == 0 || int(hit-1) == ci || cs[hit-1].kind != KindBifurcation || cs[hit-1].removed {
				continue
			}
			a, b := e.find(int32(ci)), e.find(hit-1)
			if a != b {
				uf[max(a, b)] = min(a, b)
				multi = true
			}
		}
	}
	if !multi {
		return
	}
	// Count external branches per cluster root (in the root's q, as scratch).
	ext := e.ext[:len(cs)]
	clear(ext)
	size := e.size[:len(cs)]
	clear(size)
	for ci := range cs {
		c := &cs[ci]
		if c.removed || c.kind != KindBifurcation {
			continue
		}
		root := e.find(int32(ci))
		size[root]++
		br, nbr := e.branches(c.p)
		gen := e.nextGen()
		e.stamp[c.p] = gen
		for _, f := range br[:nbr] {
			e.stamp[f] = gen
		}
		for _, f := range br[:nbr] {
			_, _, hit := e.trace(c.p, f, junctionLen, gen)
			if hit == 0 || cs[hit-1].removed || cs[hit-1].kind != KindBifurcation || e.find(hit-1) != root {
				ext[root]++
			}
		}
	}
	for ci := range cs {
		c := &cs[ci]
		if c.removed || c.kind != KindBifurcation {
			continue
		}
		root := e.find(int32(ci))
		if size[root] < 2 {
			continue
		}
		switch {
		case ext[root] == 3 && int32(ci) != root:
			// Merged into the root: no longer a junction for tracing.
			c.removed, c.why = true, 10
			e.mark[c.p] = 0
			r := &cs[root]
			r.fx += float32(c.x)
			r.fy += float32(c.y)
		case ext[root] != 3:
			c.removed, c.why = true, 11
		}
	}
	// Centre of the kept clusters: fx, fy accumulated the other members.
	for ci := range cs {
		c := &cs[ci]
		if !c.removed && c.kind == KindBifurcation && size[ci] >= 2 {
			n := float32(size[ci])
			c.x = int32((c.fx+float32(c.x))/n + 0.5)
			c.y = int32((c.fy+float32(c.y))/n + 0.5)
		}
	}
}

// find returns the root of candidate i in the union-find forest e.uf.
func (e *Extractor) find(i int32) int32 {
	uf := e.uf
	for uf[i] != i {
		uf[i] = uf[uf[i]]
		i = uf[i]
	}
	return i
}

// facesBackground reports whether the background (or the image edge) lies
// within borderReach pixels of c along its ridge: behind an ending (where
// the ridge would continue), on either side along a bifurcation. Such
// minutiae are mostly ridges cut by the edge of the print.
func (e *Extractor) facesBackground(c *candidate) bool {
	for t := float32(4); t <= borderReach; t += 4 {
		if e.background(float32(c.x)-t*c.dx, float32(c.y)-t*c.dy) {
			return true
		}
		if c.kind == KindBifurcation && e.background(float32(c.x)+t*c.dx, float32(c.y)+t*c.dy) {
			return true
		}
	}
	return false
}

// background reports whether working pixel (x, y) is outside the image or
// in a background block.
func (e *Extractor) background(x, y float32) bool {
	if x < 0 || y < 0 || x >= float32(e.w) || y >= float32(e.h) {
		return true
	}
	return e.mask[(int(y)/blk)*e.bw+int(x)/blk] == 0
}

// direction sets the unit direction of c: the local ridge orientation,
// pointing up the ridge for an ending and between the two branches for a
// bifurcation (the ISO/IEC 19794-2 convention).
func (e *Extractor) direction(c *candidate) {
	br, nbr := e.branches(c.p)
	gen := e.nextGen()
	e.stamp[c.p] = gen
	for _, f := range br[:nbr] {
		e.stamp[f] = gen
	}
	var vx, vy [4]float32
	for k, f := range br[:nbr] {
		last, _, _ := e.trace(c.p, f, dirLen, gen)
		x, y := int(last)%e.s-pad, int(last)/e.s-pad
		dx, dy := float32(x)-float32(c.x), float32(y)-float32(c.y)
		if l := float32(math.Sqrt(float64(dx*dx + dy*dy))); l > 0 {
			vx[k], vy[k] = dx/l, dy/l
		}
	}
	var sx, sy float32
	switch {
	case c.kind == KindEnding && nbr >= 1:
		sx, sy = vx[0], vy[0]
	case nbr >= 3:
		bi, bj, best := 0, 1, float32(-2)
		for i := range nbr {
			for j := i + 1; j < nbr; j++ {
				if d := vx[i]*vx[j] + vy[i]*vy[j]; d > best {
					bi, bj, best = i, j, d
				}
			}
		}
		sx, sy = vx[bi]+vx[bj], vy[bi]+vy[bj]
	}
	th := float64(e.ori[int(c.y/blk)*e.bw+int(c.x/blk)])
	ux, uy := float32(math.Cos(th)), float32(math.Sin(th))
	if ux*sx+uy*sy < 0 {
		ux, uy = -ux, -uy
	}
	c.dx, c.dy = ux, uy
	// The skeleton puts a fork about a third of a period behind the point
	// where the ridges meet, and an ending slightly inside the ridge.
	per := e.period[int(c.y/blk)*e.bw+int(c.x/blk)]
	shift := -0.1 * per
	if c.kind == KindBifurcation {
		shift = 0.3 * per
	}
	c.fx = float32(c.x) + shift*ux
	c.fy = float32(c.y) + shift*uy
}

// fingerQuality sets e.quality from the mean coherence of the interior
// foreground and the foreground area.
func (e *Extractor) fingerQuality() {
	var sum float32
	n := 0
	for b := range e.bw * e.bh {
		if e.bdist[b] >= 2 {
			sum += e.coh[b]
			n++
		}
	}
	if n == 0 {
		e.quality = 0
		return
	}
	mc := sum / float32(n)
	q := min(max((mc-0.1)/0.6, 0), 1)
	area := min(float32(e.fgBlock*blk*blk)/(200*250), 1)
	e.quality = uint8(100*q*area + 0.5)
}

// isoAngle converts a unit direction in image coordinates (y down) to the
// ISO/IEC 19794-2 angle: counter-clockwise on screen from +x, in units of
// 360/256 degrees.
func isoAngle(dx, dy float32) uint8 {
	a := math.Atan2(float64(-dy), float64(dx))
	if a < 0 {
		a += 2 * math.Pi
	}
	return uint8(int(a*256/(2*math.Pi)+0.5) & 255)
}
