package biometric

import (
	"math"
	"slices"
)

// RawScore exposes the uncalibrated score to the calibration test.
func RawScore(p *Probe, c *Prepared) float64 { return p.rawScore(c) }

// CalibrateWith maps raw through the calibration table tab, as the
// matcher does with calibRaw.
func CalibrateWith(tab []float64, raw float64) float64 { return calibrateTable(tab, raw) }

// CalibRaw returns the shipped calibration table.
func CalibRaw() []float64 { return calibRaw[:] }

// PairStats describes the best alignment of one scored pair, for the
// clutter diagnostic (TestDiagClutter).
type PairStats struct {
	Raw          float64
	Matched      int     // pairs
	M, InA, InB  float32 // weighted pair count and overlap counts
	A0, B0       int     // unweighted overlap counts
	NA, NB       int     // minutiae of each template
	Area         int     // probe grid cells inside the candidate's area
	PairW, FreeW float64 // mean weight of the paired minutiae, of the unpaired ones in the overlap
	PairCrowded  float64 // share of paired minutiae with another minutia of their template within 12 px
	AllCrowded   float64 // the same over all minutiae of both templates
	MeanW        [2]float64
}

// DiagPair scores p against c and returns the terms of its best alignment.
func DiagPair(p *Probe, c *Prepared) PairStats {
	st := PairStats{Raw: p.rawScore(c), NA: p.t.n, NB: c.n}
	sp := p.bestParts(c)
	if p.bestRoot < 0 {
		return st
	}
	st.Matched, st.M, st.InA, st.InB, st.A0, st.B0 = sp.matched, sp.m, sp.inA, sp.inB, sp.a0, sp.b0
	st.Area = overlapCells(&p.t, c, &sp)
	st.MeanW = [2]float64{meanWeight(&p.t), meanWeight(c)}
	var pw, fw float64
	var nf int
	for k := 0; k < p.matched; k++ {
		pw += float64(p.t.w[p.matchA[k]]+c.w[p.matchB[k]]) / 2
	}
	st.PairW = pw / float64(max(p.matched, 1))
	for i := 0; i < p.t.n; i++ {
		if !p.usedA[i] && c.inside(p.px[i], p.py[i]) {
			fw += float64(p.t.w[i])
			nf++
		}
	}
	st.FreeW = fw / float64(max(nf, 1))
	crowded := func(q *Prepared, i int) bool {
		for j := 0; j < q.n; j++ {
			dx, dy := q.x[j]-q.x[i], q.y[j]-q.y[i]
			if j != i && dx*dx+dy*dy <= 144 {
				return true
			}
		}
		return false
	}
	var pc, ac int
	for k := 0; k < p.matched; k++ {
		if crowded(&p.t, int(p.matchA[k])) {
			pc++
		}
		if crowded(c, int(p.matchB[k])) {
			pc++
		}
	}
	st.PairCrowded = float64(pc) / float64(max(2*p.matched, 1))
	for i := 0; i < p.t.n; i++ {
		if crowded(&p.t, i) {
			ac++
		}
	}
	for j := 0; j < c.n; j++ {
		if crowded(c, j) {
			ac++
		}
	}
	st.AllCrowded = float64(ac) / float64(max(p.t.n+c.n, 1))
	return st
}

// Density returns the minutiae of p per matchCell² of its area (the grid
// cells within one cell of a minutia), and its mean minutia weight.
func Density(p *Prepared) (float64, float64) {
	n := 0
	for _, o := range p.occ {
		if o {
			n++
		}
	}
	f := float64(p.cs / matchCell)
	return float64(p.n) / max(float64(n)*f*f, 1), meanWeight(p)
}

// SetMatchParam sets one of the matcher's tunable parameters by name (as
// tune_test.go names them) and returns a function that restores the
// defaults. For diagnostics only; not safe while other tests match.
func SetMatchParam(name string, v float64) (restore func()) {
	switch name {
	case "qLo":
		matchTune.qLo = float32(v)
	case "soft":
		matchTune.soft = float32(v)
	case "floor":
		matchTune.floor = float32(v)
	case "wFloor":
		matchTune.wFloor = float32(v)
	default:
		panic("SetMatchParam: unknown parameter " + name)
	}
	return func() { matchTune = defaultMatchParams }
}

// WeightFloor returns the shipped floor of a template's mean minutia weight.
func WeightFloor() float64 { return float64(defaultMatchParams.wFloor) }

// FlowDiag is the block orientation field of one extraction, for the flow
// diagnostic (TestDiagFlowFVC).
type FlowDiag = flowField

// FlowOf returns the orientation field of e's last extraction, which made
// t.
func (e *Extractor) FlowOf(t *Template) *FlowDiag {
	k := e.bw * e.bh
	return &flowField{ori: slices.Clone(e.ori[:k]), coh: slices.Clone(e.coh[:k]), mask: slices.Clone(e.mask[:k]),
		bw: e.bw, bh: e.bh, scale: e.scale, offX: float32(e.offX), offY: float32(e.offY), sx: matchScale(t.ResolutionX)}
}

// FlowAgreement returns, after RawScore(p, c), the number of fa's
// foreground blocks that the best alignment moves onto fb's foreground and
// the coherence-weighted mean cos 2Δθ of the two fields there (fa is p's
// field, fb c's).
func FlowAgreement(p *Probe, c *Prepared, fa, fb *FlowDiag) (int, float64) {
	if p.bestRoot < 0 || fa == nil || fb == nil {
		return 0, 0
	}
	sp := p.bestParts(c)
	s, co := float64(sp.sin), float64(sp.cos)
	move := func(x, y float64) (float64, float64) {
		x, y = x-float64(sp.ox), y-float64(sp.oy)
		return float64(sp.tx) + x*co + y*s, float64(sp.ty) - x*s + y*co
	}
	return flowOverlap(fa, fb, float64(fa.sx), float64(fb.sx), move, math.Atan2(s, co))
}

// LooChoose is looChoose (tune_test.go) for the external diagnostics; k < 0
// chooses on all four sets.
func LooChoose(k int, eers [][4]float64) int { return looChoose(k, eers) }
