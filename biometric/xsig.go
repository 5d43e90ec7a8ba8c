package biometric

import "math"

// ---------------------------------------------------------------------------
// Stage 4b: a ridge period that does not depend on the ridge profile.
//
// The period map of the frequency stage (periodRow) inverts a ratio of
// gradient to signal energy as if the ridges were sinusoids: sharp
// ridges' harmonics shorten that reading, blur and closed valleys (wet
// skin) lengthen it, by 1 to 2 px at blur σ 1.5 px. Hong, Wan and Jain's
// x-signature (IEEE PAMI 20(8), 1998) reads the period from where the
// ridges are, not from their shape: the gray levels of an oriented window
// are averaged along the ridges into a profile across them, and the
// period is the mean distance between its successive extrema. Blur and
// dilation change the profile's shape and depth but not where its peaks
// and valleys lie.
//
// It is read on a subsample of the foreground blocks (every xsStep-th
// block in each direction) from the working gray image, after the
// orientation is known, and summarised by its median over the image
// (xsigPeriod, working pixels).

const (
	xsAcross = 24 // half-length of the profile across the ridges, px (49 samples: 2.4 periods at 20 px)
	xsAlong  = 4  // half-length of the window along the ridges, px
	xsAlongD = 2  // step along the ridges, px (5 samples)
	xsStep   = 4  // every xsStep-th block in each direction
	xsMin    = 3.0
	xsMax    = 24.0
	xsBin    = 0.05 // histogram bin of the median, px
	xsBins   = int((xsMax-xsMin)/xsBin) + 1
	// xsHyst is the smallest step between two successive extrema of the
	// profile, relative to the profile's standard deviation, for both to
	// count (noise makes small wiggles).
	xsHyst = 0.5
)

// measureXSig sets e.xsigP to the median, over a subsample of the
// foreground blocks, of the x-signature period (working pixels; 0 if no
// block gave one) and e.xsigN to the number of blocks that gave one.
func (e *Extractor) measureXSig() {
	var hist [xsBins]int32
	n := 0
	bw, bh := e.bw, e.bh
	for by := xsStep / 2; by < bh; by += xsStep {
		for bx := xsStep / 2; bx < bw; bx += xsStep {
			b := by*bw + bx
			if e.mask[b] == 0 {
				continue
			}
			p, ok := e.xsigBlock(bx, by)
			if !ok {
				continue
			}
			hist[min(max(int((p-xsMin)/xsBin), 0), xsBins-1)]++
			n++
		}
	}
	e.xsigP, e.xsigN = 0, n
	if n > 0 {
		e.xsigP = xsMin + histMedian(hist[:], n)*xsBin
	}
}

// histMedian returns the median of the n values counted in hist, in bins:
// k plus the share of bin k's count needed to reach half of n, where k is
// the bin the median falls in (values spread evenly over each bin).
func histMedian(hist []int32, n int) float32 {
	half := float32(n) / 2
	var below float32
	for k, c := range hist {
		if c == 0 || below+float32(c) < half {
			below += float32(c)
			continue
		}
		return float32(k) + (half-below)/float32(c)
	}
	return float32(len(hist))
}

// xsigBlock returns the x-signature period of block (bx, by) in working
// pixels, and false when its profile shows fewer than three clear
// extrema (less than one period) or the window leaves the image. The
// window is sampled at whole pixels, its grid turned to the block's
// orientation bin (xsGrid).
func (e *Extractor) xsigBlock(bx, by int) (float32, bool) {
	w := e.w
	cx, cy := bx*blk+blk/2, by*blk+blk/2
	if cx < xsReach || cy < xsReach || cx >= w-xsReach || cy >= e.h-xsReach {
		return 0, false
	}
	g := e.gray[cy*w+cx-xsReach*w-xsReach : cy*w+cx+xsReach*w+xsReach+1]
	c := xsReach*w + xsReach // the centre in g
	grid := &xsGrid[e.obin[by*e.bw+bx]]
	var prof [2*xsAcross + 1]float32
	for k := range prof {
		var sum int32
		for _, d := range grid[k] {
			sum += int32(g[c+int(d[1])*w+int(d[0])])
		}
		prof[k] = float32(sum)
	}
	return profilePeriod(&prof)
}

// xsReach bounds the distance, along either axis, from a block's centre
// to the samples of its x-signature window.
const xsReach = xsAcross + xsAlong

// xsGrid holds, per orientation bin, the pixel offsets (dx, dy) of the
// x-signature window: for each position k across the ridges, the
// samples along them.
var xsGrid = func() (t [nOri][2*xsAcross + 1][xsAlong/xsAlongD*2 + 1][2]int8) {
	for o := range nOri {
		sn, c := math.Sincos(float64(o) * math.Pi / nOri)
		for k := -xsAcross; k <= xsAcross; k++ {
			for j := range t[o][k+xsAcross] {
				a := float64(j*xsAlongD - xsAlong)
				t[o][k+xsAcross][j] = [2]int8{int8(math.Round(float64(k)*-sn + a*c)), int8(math.Round(float64(k)*c + a*sn))}
			}
		}
	}
	return t
}()

// profilePeriod returns the period of the profile p from its extrema:
// local maxima and minima of p smoothed by [1 2 1], alternating and each
// differing from the previous by at least xsHyst standard deviations of
// p, placed to a fraction of a pixel by a parabola; the period is twice
// the mean distance between successive extrema. It needs three extrema.
func profilePeriod(p *[2*xsAcross + 1]float32) (float32, bool) {
	const n = 2*xsAcross + 1
	var s [n]float32
	var mean float32
	for i := range n {
		l, r := p[max(i-1, 0)], p[min(i+1, n-1)]
		s[i] = (l + 2*p[i] + r) / 4
		mean += s[i]
	}
	mean /= n
	var v float32
	for i := range n {
		d := s[i] - mean
		v += d * d
	}
	sd := float32(math.Sqrt(float64(v / n)))
	if sd < 1e-3 {
		return 0, false
	}
	hyst := xsHyst * sd
	// Track extrema with hysteresis: cur is the running extremum of the
	// current direction (up: looking for a maximum).
	var first, last float32
	count := 0
	up := s[1] > s[0]
	ci := 0
	for i := 1; i < n; i++ {
		if (up && s[i] >= s[ci]) || (!up && s[i] <= s[ci]) {
			ci = i
			continue
		}
		if d := s[ci] - s[i]; (up && d >= hyst) || (!up && -d >= hyst) {
			// ci is confirmed as an extremum.
			if ci > 0 && ci < n-1 {
				pos := float32(ci) + vertex(s[ci-1], s[ci], s[ci+1])
				if count == 0 {
					first = pos
				}
				last = pos
				count++
			}
			up = !up
			ci = i
		}
	}
	if count < 3 {
		return 0, false
	}
	per := 2 * (last - first) / float32(count-1)
	if per < xsMin || per > xsMax {
		return 0, false
	}
	return per, true
}

// vertex returns the offset, within ±0.5, of the vertex of the parabola
// through (-1, a), (0, b), (1, c).
func vertex(a, b, c float32) float32 {
	d := a - 2*b + c
	if d == 0 {
		return 0
	}
	return min(max(0.5*(a-c)/d, -0.5), 0.5)
}
