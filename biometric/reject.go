package biometric

import "math"

// Not-a-finger rejection.
//
// Three image-level tests run after the block maps are built and the
// ridges enhanced (the period map comes with the enhancement); an image that fails one is treated as having
// no foreground at all, so that it yields no minutiae and finger quality
// 0. Their thresholds were set on generated images that are not
// fingerprints (random and blurred noise, printed text, gradients, a
// face-like photograph, heavily JPEG-compressed prints; see
// notfinger_test.go), with the margin checked against every FVC2002 B
// print, none of which any test rejects (the FVC2002 sets were not used
// to place the thresholds, only to check them).
const (
	// rejectCoherence: the mean over the foreground of the orientation
	// coherence measured over 7x7 blocks (56 px at 500 ppi). Friction
	// ridges keep one direction over that span nearly everywhere except
	// at cores and deltas; noise, blurred noise and text do not. Non-finger
	// images of the test set reach at most 0.14, FVC2002 B prints at least
	// 0.19 (a very dry DB3 print).
	rejectCoherence = 0.16
	rejectCohR      = 3 // window radius in blocks
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
	switch {
	case sumCoh/float32(nb) < rejectCoherence:
		e.reject = rejectNoStructure
	case float32(nper)/float32(nb) < rejectPeriod:
		e.reject = rejectNoRidgePeriod
	case blocking(e.in[:e.inW*e.inH], e.inW, e.inH) > rejectBlocking:
		e.reject = rejectCompression
	default:
		return
	}
	clear(e.mask[:bw*bh])
	clear(e.near[:bw*bh])
	clear(e.bin) // enhance ran before the decision
	clear(e.dbgEnh)
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
