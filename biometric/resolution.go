package biometric

import (
	"fmt"
	"math"
	"slices"
)

// A forgotten or wrong [Options.Resolution] is the costliest user error
// the extractor meets (see the field's doc): nothing in a single print's
// minutiae or quality shows it. The ridge period does. Adult ridges are
// about 0.4 to 0.55 mm apart, so the extractor's ridge period, measured
// at its working resolution, tells roughly at what resolution the prints
// were scanned; over a set of prints the median says it well enough to
// warn.

// TypicalRidgePeriod is the median, over the prints of the four FVC2002 B
// sets (each at its true resolution, 500 ppi or DB2_B's 569 ppi), of
// [Extractor.RidgePeriod] converted to 500 ppi: the ridge period of a
// typical print of an adult finger scanned at 500 ppi, in pixels. The
// per-set medians are 8.60 (DB1_B), 8.88 (DB2_B), 8.59 (DB3_B) and 7.70
// px (DB4_B), within -8.9 % and +5.1 % of it; single prints range from
// 6.5 to 11.3 px (TestRidgePeriodFVC2002 logs the figures). The value is
// that of the x-signature reading (xsig.go), which [Extractor.RidgePeriod]
// has returned since 2026-12-06; the period map it returned before had the
// same median over the 320 prints.
const TypicalRidgePeriod = 8.45

// ResolutionTolerance is the relative distance between the resolution a
// set's median ridge period suggests ([ResolutionFromPeriod]) and the one
// given beyond which [CheckResolution] reports a mismatch: 15 %.
//
// The ridge period is read from the distance between ridges (an
// x-signature, xsig.go), so it scales with the resolution: the FVC2002 B
// prints resampled to 400 to 1000 ppi read within 5 % of their own
// period times the ratio. What limits the check is how much fingers'
// ridge periods differ between populations: the four FVC2002 B sets'
// medians lie within -8.9 % (DB4_B, synthetic prints) and +5.1 % of
// TypicalRidgePeriod, scansim's sensor styles (natural, dry, wet, low
// contrast, 569 ppi; its master prints have coarser ridges by
// construction) at +12 %; a set scanned at 400 or 600 ppi and taken for
// 500 reads 16 to 26 % off, except DB4_B at 600 ppi (+6 %, its fine
// ridges cancel the error). 15 % sits between the two, and so was chosen
// looking at both the clean sets and the 400 and 600 ppi cases: measured
// on the FVC2002 B prints resampled and extracted as 500 ppi
// (TestRidgePeriodFVC2002), it catches every set at 250, 300, 400, 700,
// 800 and 1000 ppi and three of four at 600 ppi (not DB4_B), with 3
// points of margin to scansim's clean styles and 1 point to the closest
// 400 ppi set (DB2_B, 420 ppi implied). A population with ridges 15 %
// finer or coarser than FVC2002's would be reported too, which is why a
// mismatch up to [ResolutionSure] is not [ResolutionCheck.Sure] and its
// message names both causes.
const ResolutionTolerance = 0.15

// MinResolutionPrints is the number of prints with a measured period that
// [CheckResolution] needs before it reports a mismatch: a single finger's
// period varies too much (fine ridges of children and of many women) to
// judge a resolution from one print.
const MinResolutionPrints = 5

// RidgePeriod returns the median ridge period of the foreground of the
// last image processed, in pixels of the input image (so at the input's
// own resolution, whatever Options.Resolution says), or 0 when no image
// was processed or no foreground was found. It is measured before the
// not-a-finger decision, so an image Extract rejects still has one, but
// its value then means little.
//
// Adult prints at 500 ppi give about 6.5 to 11.5 px, typically 8.45
// ([TypicalRidgePeriod]); a print at r ppi gives r/500 times that. The
// period is read from the distance between successive ridges and valleys
// across the ridges (an x-signature), so blur, wet or dry skin and the
// shape of the ridges barely move it (blur σ 1.5 px: +0.2 to +0.9 px).
// It measures periods of 3 to 24 pixels at the working resolution of
// 500 ppi, that is from 3*R/500 to 24*R/500 input pixels for
// Options.Resolution R. Use [ResolutionFromPeriod] or, over a set of prints,
// [CheckResolution] to turn it into a resolution.
func (e *Extractor) RidgePeriod() float32 { return e.ridgeP }

// measureRidgePeriod sets e.ridgeP from the x-signature reading
// (measureXSig, which blur, wet skin and the resolution do not bend; see
// xsig.go) or, when no block gave one, from the period map of the
// foreground blocks (periodMapMedian).
func (e *Extractor) measureRidgePeriod() {
	if e.xsigN > 0 {
		e.ridgeP = e.xsigP * e.scale
		return
	}
	e.ridgeP = e.periodMapMedian() * e.scale
}

// periodMapMedian returns the median of the period map over the
// foreground blocks, working pixels (0 without foreground): the median
// of its histogram over the period grid, interpolated within its bin.
func (e *Extractor) periodMapMedian() float32 {
	var hist [nPer]int32
	n := 0
	for b, m := range e.mask[:e.bw*e.bh] {
		if m != 0 {
			k := int((e.period[b]-minPeriod)/periodStep + 0.5)
			hist[min(max(k, 0), nPer-1)]++
			n++
		}
	}
	if n == 0 {
		return 0
	}
	// Bin k covers periods within half a step of its centre.
	return minPeriod + (histMedian(hist[:], n)-0.5)*periodStep
}

// ResolutionFromPeriod returns the resolution, in pixels per inch, at
// which a median ridge period of period pixels is typical of adult
// fingers: 500*period/[TypicalRidgePeriod], rounded to 10 ppi. It
// returns 0 for a period <= 0. One print is weak evidence (see
// [MinResolutionPrints]); prefer [CheckResolution] over a set.
func ResolutionFromPeriod(period float32) int {
	if !(period > 0) {
		return 0
	}
	r := float64(period) * DefaultResolution / TypicalRidgePeriod
	return int(math.Round(min(r, 1e6)/10)) * 10
}

// ResolutionCheck is what [CheckResolution] found about a set of prints.
type ResolutionCheck struct {
	Used   int     // resolution the prints were extracted at, ppi (0 read as 500)
	Prints int     // prints with a measured ridge period
	Period float32 // their median ridge period, input pixels (0 if none)
	Likely int     // ResolutionFromPeriod(Period): the resolution the period suggests, ppi
	// Beyond is set when Period is at the end of what the extractor can
	// measure at Used ppi: the true resolution may be further off than
	// Likely.
	Beyond bool
	// Mismatch is set when there are at least MinResolutionPrints prints
	// and Likely differs from Used by more than ResolutionTolerance of
	// Used.
	Mismatch bool
	// Sure is set with Mismatch when Likely differs from Used by more
	// than ResolutionSure of Used, beyond what a population of fingers
	// with finer or coarser ridges than FVC2002's could explain. A
	// Mismatch that is not Sure may be either.
	Sure bool
}

// ResolutionSure is the relative distance between the resolution a set's
// median ridge period suggests and the one given beyond which
// [CheckResolution] no longer allows for fingers whose ridges are finer
// or coarser than typical: 25 %, three times the largest deviation of an
// FVC2002 B set's median (8.9 %) and twice that of scansim's coarse
// master prints (12 %), both at their true resolution. A set 400 ppi
// taken for 500 reads 16 to 24 % off, below it; 250, 300, 800 and 1000
// ppi read beyond it.
const ResolutionSure = 0.25

// CheckResolution judges whether prints extracted at used ppi (0 meaning
// 500, as in [Options]) were scanned at about that resolution, from
// their ridge periods as [Extractor.RidgePeriod] gave them. Periods <= 0
// (no foreground) are skipped; the slice is not modified.
func CheckResolution(periods []float32, used int) ResolutionCheck {
	if used == 0 {
		used = DefaultResolution
	}
	c := ResolutionCheck{Used: used}
	ps := make([]float32, 0, len(periods))
	for _, p := range periods {
		if p > 0 {
			ps = append(ps, p)
		}
	}
	c.Prints = len(ps)
	if c.Prints == 0 {
		return c
	}
	slices.Sort(ps)
	m := len(ps) / 2
	c.Period = ps[m]
	if len(ps)%2 == 0 {
		c.Period = (ps[m-1] + ps[m]) / 2
	}
	c.Likely = ResolutionFromPeriod(c.Period)
	scale := float32(used) / workPPI
	c.Beyond = c.Period >= (xsMax-2)*scale || c.Period <= (xsMin+0.5)*scale
	off := math.Abs(float64(c.Likely - used))
	c.Mismatch = c.Prints >= MinResolutionPrints && off > ResolutionTolerance*float64(used)
	c.Sure = c.Mismatch && off > ResolutionSure*float64(used)
	return c
}

// String describes the check in one line, e.g. "the prints' median ridge
// period is 14.2 px, typical of about 800 ppi prints, not the 500 ppi
// used", or, for a Mismatch that is not Sure, "... typical of about 430
// ppi prints: either not the 500 ppi used or fingers with coarser ridges
// than most".
func (c ResolutionCheck) String() string {
	if c.Prints == 0 {
		return "no ridge period measured"
	}
	about := "about"
	if c.Beyond {
		about = "at least"
		if c.Likely < c.Used {
			about = "at most"
		}
	}
	head := fmt.Sprintf("the prints' median ridge period is %.1f px, typical of %s %d ppi prints", c.Period, about, c.Likely)
	switch {
	case c.Sure:
		return fmt.Sprintf("%s, not the %d ppi used", head, c.Used)
	case c.Mismatch:
		ridges := "finer" // a shorter period than typical at Used
		if c.Likely > c.Used {
			ridges = "coarser"
		}
		return fmt.Sprintf("%s: either not the %d ppi used or fingers with %s ridges than most", head, c.Used, ridges)
	case c.Prints < MinResolutionPrints:
		return fmt.Sprintf("%s, too few prints (%d) to judge the %d ppi used", head, c.Prints, c.Used)
	}
	return fmt.Sprintf("%s, consistent with the %d ppi used", head, c.Used)
}
