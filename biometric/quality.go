package biometric

import "math"

// Finger quality.
//
// The score follows the local features of NFIQ 2 (ISO/IEC 29794-4) but
// takes them from the block maps the pipeline has already built, so it
// costs a fraction of a millisecond and no allocation. Each feature is
// mapped linearly onto 0..1 between a "useless" and a "good" level
// (constants below, calibrated on scansim captures and FVC2002 DB_B; see
// quality_test.go and QUALITY.md), and the score is
//
//	100 * g * (1+3*worst)/4 * area * count
//
// where g is the geometric mean of the coherence, clarity, period and
// minutia-quality levels and worst the lowest of them, so that a small print, or one without usable ridges, scores low however
// good its other features are.

// Quality feature levels: below lo a feature counts 0, above hi it counts 1.
const (
	// Foreground area in working pixels (500 ppi): 30000 px (75 mm^2) is
	// a small partial contact, 80000 px (200 mm^2) a full flat index.
	qAreaLo, qAreaHi = 30000, 80000
	// Mean orientation coherence over the foreground.
	qCohLo, qCohHi = 0.40, 0.90
	// Mean ridge-valley separation d' of the normalised gray levels split
	// by the sign of the enhanced image (capped at 4 per block).
	qClarLo, qClarHi = 2.0, 3.4
	// Share of foreground blocks whose period is plausible and agrees
	// with its neighbours.
	qPerLo, qPerHi = 0.70, 1.0
	// Mean quality (coherence around the minutia, 0..1) of the minutiae.
	qMinQLo, qMinQHi = 0.30, 0.85
	// Surviving minutiae: fewer than qMinLo is no usable print.
	qMinLo, qMinHi = 3, 12

	qPeriodTol = 1.5 // px: largest period step to the mean of the 4 neighbours
)

// qualityFeatures are the per-image statistics behind the finger quality,
// kept for tests and debugging.
type qualityFeatures struct {
	area      float32 // foreground working pixels
	coherence float32 // mean coherence 0..1
	clarity   float32 // mean ridge-valley separation d'
	period    float32 // share of blocks with a plausible, consistent period
	minutiae  int     // surviving candidates
	minQ      float32 // their mean quality 0..1
}

// clarityRow adds the clarity of the foreground blocks of block row by
// to e.clar: the separation of the normalised gray levels (window t,
// padded index i is t[i-base]) of ridge and valley pixels (the binary
// image), every other row of every other block (a checkerboard). It runs
// inside enhance, right after the band-pass of the row.
func (e *Extractor) clarityRow(by int, t []float32, base int) {
	bw, w, h, s := e.bw, e.w, e.h, e.s
	y0, y1 := by*blk, min(by*blk+blk, h)
	for bx := range bw {
		if e.mask[by*bw+bx] == 0 || (bx+by)&1 != 0 {
			continue
		}
		e.clarN++
		x0, x1 := bx*blk, min(bx*blk+blk, w)
		var n, nr, sa, sr, qa, qr float32
		for y := y0; y < y1; y += 2 {
			o := (y+pad)*s + pad
			nrow := t[o-base+x0 : o-base+x1]
			brow := e.bin[o+x0 : o+x1]
			brow = brow[:len(nrow)]
			for i, v := range nrow {
				// r is 1 on a ridge (enhanced value negative), else 0.
				r := float32(brow[i])
				rv := r * v
				nr += r
				sr += rv
				qr += rv * v
				sa += v
				qa += v * v
			}
			n += float32(len(nrow))
		}
		nv, sv, qv := n-nr, sa-sr, qa-qr
		if nr >= 2 && nv >= 2 {
			mr, mv := sr/nr, sv/nv
			vr := max(qr/nr-mr*mr, 0)
			vv := max(qv/nv-mv*mv, 0)
			d := abs32(mv-mr) / sqrt32((vr+vv)/2+1e-3)
			e.clar += min(d, 4)
		}
	}
}

// ridgeQuality computes the block-map features of e.qf (area,
// coherence, clarity, period) from the block maps and the clarity sums of
// clarityRow; it runs after the not-a-finger decision, which may have
// cleared the foreground.
func (e *Extractor) ridgeQuality() {
	bw, bh := e.bw, e.bh
	var f qualityFeatures
	var sumCoh float32
	nb, nper := 0, 0
	for by := range bh {
		for bx := range bw {
			b := by*bw + bx
			if e.mask[b] == 0 {
				continue
			}
			nb++
			sumCoh += e.coh[b]
			// Period: not at the limits of the bank, close to its neighbours.
			if e.periodConsistent(b, bx, by) {
				nper++
			}
		}
	}
	if nb > 0 {
		f.area = float32(nb * blk * blk)
		f.coherence = sumCoh / float32(nb)
		f.clarity = e.clar / float32(max(e.clarN, 1))
		f.period = float32(nper) / float32(nb)
	}
	e.qf = f
}

// fingerQuality completes e.qf (set by ridgeQuality) with the filtered
// candidates and computes e.quality.
func (e *Extractor) fingerQuality() {
	f := e.qf
	if f.area == 0 {
		e.qf = qualityFeatures{}
		e.quality = 0
		return
	}
	f.minutiae, f.minQ = 0, 0
	var sq float32
	for i := range e.cand {
		if !e.cand[i].removed {
			f.minutiae++
			sq += e.cand[i].q
		}
	}
	if f.minutiae > 0 {
		f.minQ = sq / float32(f.minutiae)
	}
	e.qf = f
	e.quality = f.score()
}

// score maps the features to 0..100: the geometric mean g of the four
// ridge features (coherence, clarity, period, minutia quality), scaled by
// (1+3m)/4 for the worst of them m, by the area and by the minutiae count.
func (f *qualityFeatures) score() uint8 {
	c := ramp(f.coherence, qCohLo, qCohHi)
	k := ramp(f.clarity, qClarLo, qClarHi)
	p := ramp(f.period, qPerLo, qPerHi)
	m := ramp(f.minQ, qMinQLo, qMinQHi)
	g := sqrt32(sqrt32(c * k * p * m))
	worst := min(c, k, p, m)
	q := 100 * g * (1 + 3*worst) / 4 * ramp(f.area, qAreaLo, qAreaHi) * ramp(float32(f.minutiae), qMinLo, qMinHi)
	// 0 is kept for "no fingerprint": any foreground scores at least 1.
	return uint8(min(max(q+0.5, 1), 100))
}

// ramp maps v linearly from [lo, hi] onto [0, 1], clamped.
func ramp(v, lo, hi float32) float32 {
	return min(max((v-lo)/(hi-lo), 0), 1)
}

func sqrt32(v float32) float32 { return float32(math.Sqrt(float64(v))) }
