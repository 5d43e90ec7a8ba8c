package biometric

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// calibPair is one scored pair of the calibration diagnostic with the
// terms of its raw score.
type calibPair struct {
	set     int
	ours    bool // our templates (else the reference ones)
	genuine bool
	raw     float64
	parts   scoreParts
	area    int        // probe grid cells (of 24 px) inside the candidate's area, after alignment
	mw      [2]float64 // mean minutia weight of each template
}

// TestDiagCalibrationCovariates asks whether conditioning the raw score
// on what could drive impostor scores up on a sensor (the minutia counts
// of the overlap, weighted by quality or not; the overlap area) makes its
// impostor distribution stable across the four FVC2002 B sets. For each
// candidate score it runs the leave-one-set-out calibration check of
// TestMatchCalibrationLeaveOneSetOut (both table rules) and the held-out
// EER of our templates (any fitted coefficient fitted on the three
// training sets only). CIEKIT_DIAG=1 runs it; CIEKIT_DIAG_ORINORM=v
// extracts with that oriNorm.
func TestDiagCalibrationCovariates(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	on, _ := strconv.ParseFloat(os.Getenv("CIEKIT_DIAG_ORINORM"), 64)
	var pairs []calibPair
	for k, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		res := 500
		if db == "DB2_B" {
			res = 569
		}
		p := (&Extractor{}).params()
		p.oriNorm = float32(on)
		e := Extractor{Options: Options{Resolution: res}, tune: &p}
		var ours, refs [80]*Template
		for n := range 80 {
			name := fmt.Sprintf("%d_%d", 101+n/8, n%8+1)
			img := loadPNG(t, filepath.Join(dir, db, name+".png"))
			if tpl, err := e.ExtractTemplate(img); err == nil && len(tpl.Minutiae) > 0 {
				ours[n] = &tpl
			}
			raw, err := os.ReadFile(filepath.Join(dir, db, name+".iso"))
			if err != nil {
				t.Fatal(err)
			}
			rt, err := ParseISO(raw)
			if err != nil {
				t.Fatal(err)
			}
			// Reference minutiae are on a 300x400 grid (see the data NOTICE).
			b := img.Bounds()
			for i := range rt.Minutiae {
				m := &rt.Minutiae[i]
				m.X = uint16(int(m.X) * b.Dx() / int(rt.Width))
				m.Y = uint16(int(m.Y) * b.Dy() / int(rt.Height))
			}
			rt.ResolutionX, rt.ResolutionY = PxPerCM(res), PxPerCM(res)
			refs[n] = rt
		}
		for _, ts := range []*[80]*Template{&ours, &refs} {
			for a := range 80 {
				if ts[a] == nil {
					continue
				}
				pr := NewProbe(ts[a])
				for b := a + 1; b < 80; b++ {
					cp := calibPair{set: k, ours: ts == &ours, genuine: a/8 == b/8}
					if ts[b] != nil {
						c := Prepare(ts[b])
						cp.raw = pr.rawScore(c)
						cp.parts = pr.bestParts(c)
						cp.area = overlapCells(&pr.t, c, &cp.parts)
						cp.mw = [2]float64{meanWeight(&pr.t), meanWeight(c)}
					}
					pairs = append(pairs, cp)
				}
			}
		}
	}
	// What differs between the sets: the bulk of the impostor scores, and
	// the mean minutia weight of the templates.
	for k, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		var ours, ref []float64
		var mw float64
		for _, c := range pairs {
			if c.set != k || c.genuine {
				continue
			}
			if c.ours {
				ours = append(ours, c.raw)
				mw += (c.mw[0] + c.mw[1]) / 2
			} else {
				ref = append(ref, c.raw)
			}
		}
		t.Logf("%s impostors: median raw score %.3f (ours), %.3f (reference); mean minutia weight of our templates %.2f",
			db, upperQuantile(ours, 0.5), upperQuantile(ref, 0.5), mw/float64(len(ours)))
	}
	fl := func(v float32) float64 { return float64(max(v, defaultMatchParams.floor)) }
	fi := func(v int) float64 { return math.Max(float64(v), float64(defaultMatchParams.floor)) }
	// score returns a candidate's score of a pair; fit, if not nil, fits
	// its coefficient on the training pairs first.
	type candidate struct {
		name  string
		score func(c *calibPair, beta float64) float64
		fit   func(train []*calibPair) float64
	}
	logW := func(c *calibPair) float64 { return math.Log(fl(c.parts.inA) * fl(c.parts.inB)) }
	cands := []candidate{
		{"raw score m³/(na·nb) (shipped)", func(c *calibPair, _ float64) float64 { return c.raw }, nil},
		{"unweighted counts m³/(a0·b0)", func(c *calibPair, _ float64) float64 {
			m := float64(c.parts.m)
			return m * m * m / (fi(c.parts.a0) * fi(c.parts.b0))
		}, nil},
		{"half-weighted raw·sqrt(na·nb/(a0·b0))", func(c *calibPair, _ float64) float64 {
			return c.raw * math.Sqrt(fl(c.parts.inA)*fl(c.parts.inB)/(fi(c.parts.a0)*fi(c.parts.b0)))
		}, nil},
		{"relative weights: unpaired weights over the template's mean weight", func(c *calibPair, _ float64) float64 {
			m, k := float64(c.parts.m), float64(c.parts.matched)
			na := k + (float64(c.parts.inA)-k)/c.mw[0]
			nb := k + (float64(c.parts.inB)-k)/c.mw[1]
			return m * m * m / (math.Max(na, 8) * math.Max(nb, 8))
		}, nil},
		{"random correspondence −log10 P(Poisson(0.05·a0·b0/area) ≥ m)", func(c *calibPair, _ float64) float64 {
			if c.parts.m <= 0 {
				return 0
			}
			lam := max(0.05*float64(c.parts.a0*c.parts.b0)/float64(max(c.area, 1)), 1e-3)
			return poissonTailScore(float64(c.parts.m), lam)
		}, nil},
		{"log raw − β·log(na·nb), β least squares on training impostors", func(c *calibPair, beta float64) float64 {
			if c.raw <= 0 {
				return -100
			}
			return math.Log(c.raw) - beta*logW(c)
		}, func(train []*calibPair) float64 {
			var sx, sy, sxx, sxy, n float64
			for _, c := range train {
				if c.genuine || c.raw <= 0 {
					continue
				}
				x, y := logW(c), math.Log(c.raw)
				sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
			}
			return (n*sxy - sx*sy) / (n*sxx - sx*sx)
		}},
	}
	for _, cd := range cands {
		var worst [2][2]float64
		var line [2]string
		var eers [4]float64
		for h := range 4 {
			var train []*calibPair
			for i := range pairs {
				if pairs[i].set != h {
					train = append(train, &pairs[i])
				}
			}
			beta := 0.0
			if cd.fit != nil {
				beta = cd.fit(train)
			}
			var imp [4][]float64
			var impOurs, genOurs []float64
			for i := range pairs {
				c := &pairs[i]
				s := cd.score(c, beta)
				switch {
				case !c.genuine:
					imp[c.set] = append(imp[c.set], s)
					if c.set == h && c.ours {
						impOurs = append(impOurs, s)
					}
				case c.set == h && c.ours:
					genOurs = append(genOurs, s)
				}
			}
			eers[h] = tuneEER(genOurs, impOurs)
			for rule := range 2 {
				var f [2]float64
				for l, fmr := range []float64{0.01, 0.001} {
					var qs []float64
					for k := range 4 {
						if k != h {
							qs = append(qs, upperQuantile(imp[k], fmr))
						}
					}
					var th float64
					if rule == 0 {
						th = slices.Max(qs)
					} else {
						th = logPredictionBound(qs)
					}
					n := 0
					for _, s := range imp[h] {
						if s >= th {
							n++
						}
					}
					f[l] = float64(n) / float64(len(imp[h]))
					worst[rule][l] = max(worst[rule][l], f[l])
				}
				line[rule] += fmt.Sprintf(" %.3f/%.3f", 100*f[0], 100*f[1])
			}
		}
		t.Logf("%s:\n  held-out FMR %% at the 1 %%/0.1 %% thresholds (DB1..DB4), highest of the training sets' quantiles:%s (worst %.3f/%.3f)\n"+
			"  95 %% prediction bound of the training sets' quantiles:%s (worst %.3f/%.3f)\n  held-out EER of our templates %.2f %.2f %.2f %.2f %% (mean %.2f %%)",
			cd.name, line[0], 100*worst[0][0], 100*worst[0][1], line[1], 100*worst[1][0], 100*worst[1][1],
			100*eers[0], 100*eers[1], 100*eers[2], 100*eers[3], 100*(eers[0]+eers[1]+eers[2]+eers[3])/4)
	}
}

// bestParts returns the terms of the best score of the last rawScore(c),
// pairing its root again.
func (p *Probe) bestParts(c *Prepared) scoreParts {
	if p.bestRoot < 0 {
		return scoreParts{}
	}
	rt := &p.roots[p.bestRoot]
	p.tryRoot(c, int(rt.a), int(rt.b), rt.rot)
	return p.parts(c)
}

// overlapCells counts the probe's grid cells (those within one cell of a
// minutia) whose centre, moved by the transform of sp, lies inside c's area.
func overlapCells(a, c *Prepared, sp *scoreParts) int {
	n := 0
	for cy := range a.gh {
		for cx := range a.gw {
			if !a.occ[cy*a.gw+cx] {
				continue
			}
			x, y := a.gx+(float32(cx)+0.5)*a.cs-sp.ox, a.gy+(float32(cy)+0.5)*a.cs-sp.oy
			if c.inside(sp.tx+x*sp.cos+y*sp.sin, sp.ty-x*sp.sin+y*sp.cos) {
				n++
			}
		}
	}
	return n
}

func meanWeight(p *Prepared) float64 {
	var s float64
	for _, w := range p.w[:p.n] {
		s += float64(w)
	}
	return s / float64(max(p.n, 1))
}

// upperQuantile is the score reached or exceeded by a share fmr of s (as
// eval.Quantile).
func upperQuantile(s []float64, fmr float64) float64 {
	s = slices.Sorted(slices.Values(s))
	return s[min(max(int(float64(len(s))*(1-fmr)), 0), len(s)-1)]
}

// logPredictionBound is the one-sided 95 % upper prediction bound of one
// more draw from the sample qs (three values), on the log scale when all
// are positive (as the calibration test's predictionBound), else its mean
// plus the same multiple of its spread.
func logPredictionBound(qs []float64) float64 {
	const t2 = 2.920 // Student's t, 2 degrees of freedom, one-sided 95 %
	pos := slices.Min(qs) > 0
	v := slices.Clone(qs)
	if pos {
		for i := range v {
			v[i] = math.Log(v[i])
		}
	}
	var mu, ss float64
	for _, x := range v {
		mu += x / float64(len(v))
	}
	for _, x := range v {
		ss += (x - mu) * (x - mu)
	}
	b := mu + t2*math.Sqrt(ss/float64(len(v)-1))*math.Sqrt(1+1/float64(len(v)))
	if pos {
		b = math.Exp(b)
	}
	return max(b, slices.Max(qs))
}

// poissonTailScore returns −log10 P(X ≥ m) for X Poisson with mean lam,
// m continuous: the regularised lower incomplete gamma function P(m, lam).
func poissonTailScore(m, lam float64) float64 {
	lg, _ := math.Lgamma(m)
	logPre := -lam + m*math.Log(lam) - lg
	var p float64
	if lam < m+1 {
		// Series.
		ap, sum, del := m, 1/m, 1/m
		for range 1000 {
			ap++
			del *= lam / ap
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-12 {
				break
			}
		}
		return -(logPre + math.Log(sum)) / math.Ln10
	}
	// Continued fraction for Q(m, lam); P = 1 - Q.
	b := lam + 1 - m
	c, d := 1e300, 1/b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - m)
		b += 2
		d = an*d + b
		if math.Abs(d) < 1e-300 {
			d = 1e-300
		}
		c = b + an/c
		if math.Abs(c) < 1e-300 {
			c = 1e-300
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-12 {
			break
		}
	}
	p = 1 - math.Exp(logPre)*h
	return -math.Log10(max(p, 1e-300))
}
