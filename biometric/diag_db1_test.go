package biometric

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// db1Print is one impression of the finger TestDiagDB1Pair studies: the
// image, our extraction (template, candidates, block mask) and the
// templates of the other extractors.
type db1Print struct {
	name     string
	img      image.Image
	w, h     int
	tpl      map[string]*Template // "ours", "ref" (SecuGen), "fj" (FingerJet)
	cand     []candidate          // our candidates, removed ones included
	scale    float32
	mask     []uint8 // our block mask
	bw, bh   int
	inkBlock []bool // independent foreground: 16x16 blocks of gray std > 12
}

const db1InkBlock = 16

// rigid is a rotation by rot radians (the matcher's convention: ISO angles
// grow by rot) followed by a translation, in image coordinates (y down).
type rigid struct{ rot, tx, ty float64 }

func (r rigid) apply(x, y float64) (float64, float64) {
	s, c := math.Sincos(r.rot)
	return x*c + y*s + r.tx, -x*s + y*c + r.ty
}

func (r rigid) inverse() rigid {
	s, c := math.Sincos(r.rot)
	// x = c(qx-tx) - s(qy-ty), y = s(qx-tx) + c(qy-ty)
	return rigid{rot: -r.rot, tx: -(c*r.tx - s*r.ty), ty: -(s*r.tx + c*r.ty)}
}

func (r rigid) applyAngle(a uint8) uint8 {
	return a + uint8(int(math.Round(r.rot*128/math.Pi))&0xFF)
}

// fitRigid is the least-squares rigid transform taking the points p onto q.
func fitRigid(p, q [][2]float64) rigid {
	var mx, my, nx, ny float64
	for i := range p {
		mx += p[i][0]
		my += p[i][1]
		nx += q[i][0]
		ny += q[i][1]
	}
	f := 1 / float64(len(p))
	mx, my, nx, ny = mx*f, my*f, nx*f, ny*f
	var sc, ss float64
	for i := range p {
		ux, uy := p[i][0]-mx, p[i][1]-my
		vx, vy := q[i][0]-nx, q[i][1]-ny
		sc += ux*vx + uy*vy
		ss += vx*uy - vy*ux
	}
	rot := math.Atan2(ss, sc)
	s, c := math.Sincos(rot)
	return rigid{rot: rot, tx: nx - (mx*c + my*s), ty: ny - (-mx*s + my*c)}
}

// TestDiagDB1Pair (CIEKIT_DIAG=1) studies DB1_B's one genuine pair that
// every template fails, 103_4 against 103_8. It fits the two impressions'
// true alignment without matching them directly: the pairs of the
// matcher's best alignment of 103_4 with each other impression k and of k
// with 103_8, chained through k's minutiae, for our, the SecuGen reference
// and FingerJet's templates (CIEKIT_DIAG_FJ=compare-fingerjet's -work
// folder), pooled and fitted robustly. Under that alignment it counts, per
// template maker, the minutiae of the overlap and those with a true mate
// (12 px, 30 degrees); it scores the pair with the matcher held at the true
// alignment, lists where the matcher's own roots lie, and which of our
// extraction rules removed the candidates the other impression's
// minutiae call for. CIEKIT_DIAG_OUT=dir writes pictures (overlay, crops,
// side-by-side patches); CIEKIT_DIAG_PAIR=finger_a_b studies another pair;
// CIEKIT_DIAG_FRAMEREACH=px sets our border rule's reach to the image edge.
func TestDiagDB1Pair(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	dir := filepath.Join(sharedDir(t, "data/fingerprints/fvc2002"), "DB1_B")
	fj := os.Getenv("CIEKIT_DIAG_FJ")
	finger := 103
	pa, pb := 4, 8
	if v := os.Getenv("CIEKIT_DIAG_PAIR"); v != "" {
		fmt.Sscanf(v, "%d_%d_%d", &finger, &pa, &pb)
	}
	kinds := []string{"ours", "ref"}
	if fj != "" {
		kinds = append(kinds, "fj")
	}
	prints := make([]*db1Print, 9)
	for i := 1; i <= 8; i++ {
		prints[i] = loadDB1Print(t, dir, fj, fmt.Sprintf("%d_%d", finger, i))
	}
	A, B := prints[pa], prints[pb]

	// 1. Ground truth by chaining through the other impressions.
	var ps, qs [][2]float64
	var src []string
	t.Logf("chain legs (calibrated scores): %s_%d -> k -> %s_%d", fmt.Sprint(finger), pa, fmt.Sprint(finger), pb)
	for _, kind := range kinds {
		for k := 1; k <= 8; k++ {
			if k == pa || k == pb {
				continue
			}
			m1, s1 := matchPairs(prints[pa].tpl[kind], prints[k].tpl[kind])
			m2, s2 := matchPairs(prints[k].tpl[kind], prints[pb].tpl[kind])
			n := 0
			if s1 >= 40 && s2 >= 40 {
				for i, j := range m1 {
					l, ok := m2[j]
					if !ok {
						continue
					}
					a, b := prints[pa].tpl[kind].Minutiae[i], prints[pb].tpl[kind].Minutiae[l]
					ps = append(ps, [2]float64{float64(a.X), float64(a.Y)})
					qs = append(qs, [2]float64{float64(b.X), float64(b.Y)})
					src = append(src, fmt.Sprintf("%s/k%d", kind, k))
					n++
				}
			}
			t.Logf("  %-4s k=%d: legs %6.1f %6.1f, chained correspondences %d", kind, k, s1, s2, n)
		}
	}
	if len(ps) < 3 {
		t.Fatalf("only %d chained correspondences", len(ps))
	}
	keep := make([]bool, len(ps))
	for i := range keep {
		keep[i] = true
	}
	var gt rigid
	for iter := 0; iter < 10; iter++ {
		var p, q [][2]float64
		for i := range ps {
			if keep[i] {
				p = append(p, ps[i])
				q = append(q, qs[i])
			}
		}
		gt = fitRigid(p, q)
		res := make([]float64, 0, len(ps))
		for i := range ps {
			x, y := gt.apply(ps[i][0], ps[i][1])
			res = append(res, math.Hypot(x-qs[i][0], y-qs[i][1]))
		}
		sorted := slices.Clone(res)
		slices.Sort(sorted)
		lim := max(3*sorted[len(sorted)/2], 8)
		changed := false
		for i := range ps {
			k := res[i] <= lim
			changed = changed || k != keep[i]
			keep[i] = k
		}
		if !changed {
			break
		}
	}
	var rss float64
	inl := 0
	byKind := map[string]int{}
	for i := range ps {
		if !keep[i] {
			continue
		}
		x, y := gt.apply(ps[i][0], ps[i][1])
		rss += (x-qs[i][0])*(x-qs[i][0]) + (y-qs[i][1])*(y-qs[i][1])
		inl++
		byKind[src[i][:strings.Index(src[i], "/")]]++
	}
	t.Logf("ground truth %d_%d -> %d_%d: rotation %.1f deg, translation (%.1f, %.1f) px; %d of %d chained correspondences kept, RMS %.2f px (by maker %v)",
		finger, pa, finger, pb, gt.rot*180/math.Pi, gt.tx, gt.ty, inl, len(ps), math.Sqrt(rss/float64(max(inl, 1))), byKind)
	// The same fit per maker, to show the makers agree.
	for _, kind := range kinds {
		var p, q [][2]float64
		for i := range ps {
			if keep[i] && strings.HasPrefix(src[i], kind+"/") {
				p = append(p, ps[i])
				q = append(q, qs[i])
			}
		}
		if len(p) < 3 {
			continue
		}
		r := fitRigid(p, q)
		cx, cy := 200.0, 120.0
		x0, y0 := gt.apply(cx, cy)
		x1, y1 := r.apply(cx, cy)
		t.Logf("  %s alone: rotation %.1f deg, translation (%.1f, %.1f); at (%.0f, %.0f) of %d_%d it differs from the pooled fit by %.1f px",
			kind, r.rot*180/math.Pi, r.tx, r.ty, cx, cy, finger, pa, math.Hypot(x1-x0, y1-y0))
	}
	inv := gt.inverse()

	// 2. The overlap: ink blocks of A whose centre lands on an ink block of B.
	overlapA := func(x, y float64) bool {
		if !A.ink(x, y) {
			return false
		}
		u, v := gt.apply(x, y)
		return B.ink(u, v)
	}
	overlapB := func(x, y float64) bool {
		if !B.ink(x, y) {
			return false
		}
		u, v := inv.apply(x, y)
		return A.ink(u, v)
	}
	area := 0
	var ominY, omaxY, ominX, omaxX float64 = 1e9, -1e9, 1e9, -1e9
	for y := 0; y < A.h; y += 4 {
		for x := 0; x < A.w; x += 4 {
			if overlapA(float64(x), float64(y)) {
				area += 16
				ominY, omaxY = min(ominY, float64(y)), max(omaxY, float64(y))
				ominX, omaxX = min(ominX, float64(x)), max(omaxX, float64(x))
			}
		}
	}
	inkA := 0
	for _, b := range A.inkBlock {
		if b {
			inkA++
		}
	}
	t.Logf("overlap (ink of both): %d px² (%.0f%% of %d_%d's ink), x %.0f..%.0f, y %.0f..%.0f in %d_%d", area,
		100*float64(area)/float64(inkA*db1InkBlock*db1InkBlock), finger, pa, ominX, omaxX, ominY, omaxY, finger, pa)

	// 3. Minutiae in the overlap and their true mates.
	t.Logf("per maker: minutiae of each print, in the overlap, with a true mate in the other (12 px, 30 deg) [same maker] / any maker's minutia of the other image / none; unmated ones confirmed by another maker on the same image")
	for _, kind := range kinds {
		ta, tb := A.tpl[kind], B.tpl[kind]
		for _, pr := range []struct {
			p, o     *db1Print
			tr       rigid
			in       func(x, y float64) bool
			from, to *Template
		}{{A, B, gt, overlapA, ta, tb}, {B, A, inv, overlapB, tb, ta}} {
			n, inOv, mated, matedAny, conf := len(pr.from.Minutiae), 0, 0, 0, 0
			for _, m := range pr.from.Minutiae {
				if !pr.in(float64(m.X), float64(m.Y)) {
					continue
				}
				inOv++
				x, y := pr.tr.apply(float64(m.X), float64(m.Y))
				ang := pr.tr.applyAngle(m.Angle)
				if hasMate(pr.to.Minutiae, x, y, ang, 12, 30) {
					mated++
					continue
				}
				anyMate := false
				for _, k2 := range kinds {
					if hasMate(pr.o.tpl[k2].Minutiae, x, y, ang, 12, 30) {
						anyMate = true
					}
				}
				if anyMate {
					matedAny++
				}
				confirmed := false
				for _, k2 := range kinds {
					if k2 != kind && hasMate(pr.p.tpl[k2].Minutiae, float64(m.X), float64(m.Y), m.Angle, 12, 30) {
						confirmed = true
					}
				}
				if confirmed {
					conf++
				}
			}
			t.Logf("  %-4s %s: %3d minutiae, %3d in the overlap, %3d mated [same maker], %3d more mated by another maker's minutia, %3d unmated; of the unmated, %d confirmed on %s by another maker",
				kind, pr.p.name, n, inOv, mated, matedAny, inOv-mated-matedAny, conf, pr.p.name)
		}
	}

	// 4. The matcher: its own alignment against the true one, and its score
	// when held at the true alignment.
	for _, kind := range kinds {
		ta, tb := A.tpl[kind], B.tpl[kind]
		p := NewProbe(ta)
		c := Prepare(tb)
		raw := p.rawScore(c)
		sp := p.bestParts(c)
		// the matcher's transform as a rigid: q = (tx,ty) + R(p - o)
		rot := math.Atan2(float64(sp.sin), float64(sp.cos))
		mt := rigid{rot: rot}
		ox, oy := mt.apply(float64(sp.ox), float64(sp.oy))
		mt.tx, mt.ty = float64(sp.tx)-ox, float64(sp.ty)-oy
		cx, cy := (ominX+omaxX)/2, (ominY+omaxY)/2
		x0, y0 := gt.apply(cx, cy)
		x1, y1 := mt.apply(cx, cy)
		t.Logf("%-4s matcher: raw %.3f (calibrated %.2f), m %.2f, na %.2f, nb %.2f, pairs %d, overlap counts %d/%d; its alignment: rotation %.1f deg (true %.1f), off by %.1f px at the overlap's centre",
			kind, raw, calibrate(raw), sp.m, sp.inA, sp.inB, sp.matched, sp.a0, sp.b0, rot*180/math.Pi, gt.rot*180/math.Pi, math.Hypot(x1-x0, y1-y0))
		// Roots: rank of the true correspondences among the vote pairs.
		type vp struct {
			votes float32
			ok    bool
		}
		var vs []vp
		for _, rp := range p.pairs {
			a, b := ta.Minutiae[rp.a], tb.Minutiae[rp.b]
			x, y := gt.apply(float64(a.X), float64(a.Y))
			ok := math.Hypot(x-float64(b.X), y-float64(b.Y)) <= 12 && angleDiffDeg(gt.applyAngle(a.Angle), b.Angle) <= 30
			vs = append(vs, vp{rp.votes, ok})
		}
		slices.SortFunc(vs, func(x, y vp) int { return cmp.Compare(y.votes, x.votes) })
		var ranks []string
		nTrue := 0
		for i, v := range vs {
			if v.ok {
				nTrue++
				if len(ranks) < 8 {
					ranks = append(ranks, fmt.Sprintf("%d (%.2f)", i+1, v.votes))
				}
			}
		}
		top := 0.0
		if len(vs) > 0 {
			top = float64(vs[0].votes)
		}
		t.Logf("     vote pairs %d, true ones %d, their ranks (votes): %s; top votes %.2f", len(vs), nTrue, strings.Join(ranks, ", "), top)
		// Held at the truth: transform, pair from the overlap's centre, no refit.
		st := p.scoreAt(c, gt, float32(x0)*float32(matchScale(tb.ResolutionX)), float32(y0)*float32(matchScale(tb.ResolutionY)), matchScale(ta.ResolutionX), matchScale(tb.ResolutionX))
		t.Logf("     held at the true alignment: raw %.3f (calibrated %.2f), m %.2f, na %.2f, nb %.2f, pairs %d, overlap counts %d/%d",
			st.score(), calibrate(st.score()), st.m, st.inA, st.inB, st.matched, st.a0, st.b0)
		// The matcher's own pairing and refit from every true pair as root.
		bestS, nRoots := 0.0, 0
		var bestP scoreParts
		for i, am := range ta.Minutiae {
			x, y := gt.apply(float64(am.X), float64(am.Y))
			for j, bm := range tb.Minutiae {
				if math.Hypot(x-float64(bm.X), y-float64(bm.Y)) > 12 || angleDiffDeg(gt.applyAngle(am.Angle), bm.Angle) > 30 {
					continue
				}
				nRoots++
				if s := p.tryRoot(c, i, j, float32(gt.rot)); s > bestS {
					bestS, bestP = s, p.parts(c)
				}
			}
		}
		t.Logf("     best of tryRoot from the %d true pairs: raw %.3f (calibrated %.2f), m %.2f, na %.2f, nb %.2f, pairs %d, overlap counts %d/%d",
			nRoots, bestS, calibrate(bestS), bestP.m, bestP.inA, bestP.inB, bestP.matched, bestP.a0, bestP.b0)
	}

	// 5. Our extraction: the candidates the other impression calls for.
	for _, pr := range []struct {
		p, o *db1Print
		tr   rigid
		in   func(x, y float64) bool
	}{{A, B, gt, overlapA}, {B, A, inv, overlapB}} {
		why := map[string]int{}
		missed := 0
		seen := 0
		// A minutia of the other print (any maker), mapped here and inside the
		// overlap, that our template of this print lacks.
		var want [][3]float64
		for _, kind := range kinds {
			inv := pr.tr.inverse()
			for _, m := range pr.o.tpl[kind].Minutiae {
				x, y := inv.apply(float64(m.X), float64(m.Y))
				if !pr.in(x, y) {
					continue
				}
				dup := false
				for _, w := range want {
					if math.Hypot(w[0]-x, w[1]-y) < 6 {
						dup = true
					}
				}
				if dup {
					continue
				}
				want = append(want, [3]float64{x, y, float64(inv.applyAngle(m.Angle))})
			}
		}
		for _, w := range want {
			seen++
			if hasMate(pr.p.tpl["ours"].Minutiae, w[0], w[1], uint8(w[2]), 12, 30) {
				continue
			}
			missed++
			r := "no candidate within 8 px"
			best := 9.0
			for ci := range pr.p.cand {
				c := &pr.p.cand[ci]
				x, y := (c.fx+0.5)*pr.p.scale, (c.fy+0.5)*pr.p.scale
				if c.removed && c.fx == 0 && c.fy == 0 {
					x, y = (float32(c.x)+0.5)*pr.p.scale, (float32(c.y)+0.5)*pr.p.scale
				}
				if d := math.Hypot(float64(x)-w[0], float64(y)-w[1]); d < best {
					best = d
					if c.removed {
						r = whyName(c.why)
					} else {
						r = "kept, direction off"
					}
				}
			}
			bx, by := int(w[0]/blk), int(w[1]/blk)
			if bx >= 0 && by >= 0 && bx < pr.p.bw && by < pr.p.bh && pr.p.mask[by*pr.p.bw+bx] == 0 {
				r = "outside our mask; " + r
			}
			why[r]++
			t.Logf("     %s lacks (%.0f, %.0f): %s", pr.p.name, w[0], w[1], r)
		}
		t.Logf("our %s: %d distinct minutiae of the other print (any maker) land in the overlap; ours lack %d: %v", pr.p.name, seen, missed, why)
	}

	if out := os.Getenv("CIEKIT_DIAG_OUT"); out != "" {
		writeDB1Overlay(t, filepath.Join(out, fmt.Sprintf("overlay_%d_%d_%d.png", finger, pa, pb)), A, B, gt)
		// The overlap's bounding box in each print.
		x0, y0, x1, y1 := 1e9, 1e9, -1e9, -1e9
		for y := 0.0; y < float64(B.h); y += 2 {
			for x := 0.0; x < float64(B.w); x += 2 {
				if overlapB(x, y) {
					x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
				}
			}
		}
		// Side by side at each minutia of the overlap (any maker's, of A): A
		// moved into B's frame on the left, B on the right.
		var pts [][2]float64
		for _, kind := range kinds {
			for _, m := range A.tpl[kind].Minutiae {
				if !overlapA(float64(m.X), float64(m.Y)) {
					continue
				}
				x, y := gt.apply(float64(m.X), float64(m.Y))
				dup := false
				for _, q := range pts {
					if math.Hypot(q[0]-x, q[1]-y) < 8 {
						dup = true
					}
				}
				if !dup {
					pts = append(pts, [2]float64{x, y})
				}
			}
		}
		for i, q := range pts {
			t.Logf("patch %d: %s (%.0f, %.0f) = %s (%.0f, %.0f)", i, B.name, q[0], q[1], A.name, func() float64 { x, _ := inv.apply(q[0], q[1]); return x }(), func() float64 { _, y := inv.apply(q[0], q[1]); return y }())
			writeDB1Patch(t, filepath.Join(out, fmt.Sprintf("patch_%d.png", i)), A, B, gt, q[0], q[1], 32, 5)
		}
		// The whole overlap side by side.
		h := max(x1-x0, y1-y0)/2 + 8
		writeDB1Patch(t, filepath.Join(out, "overlap.png"), A, B, gt, (x0+x1)/2, (y0+y1)/2, h, 2)
		writeDB1Crop(t, filepath.Join(out, fmt.Sprintf("crop_%s.png", A.name)), A, image.Rect(int(ominX)-16, 0, int(omaxX)+16, int(omaxY)+24), overlapA)
		writeDB1Crop(t, filepath.Join(out, fmt.Sprintf("crop_%s.png", B.name)), B, image.Rect(int(x0)-16, int(y0)-16, int(x1)+16, int(y1)+16), overlapB)
	}
}

func whyName(w uint8) string {
	switch w {
	case 1:
		return "short ridge/bridge/spur"
	case 4:
		return "broken ridge"
	case 5:
		return "border rule"
	case 7:
		return "close pair"
	case 8:
		return "cloud"
	case 9:
		return "spur pruning"
	case 10, 11:
		return "junction merge"
	case 12:
		return "low quality"
	}
	return fmt.Sprintf("rule %d", w)
}

func hasMate(ms []Minutia, x, y float64, a uint8, dist float64, deg float64) bool {
	for _, m := range ms {
		if math.Hypot(float64(m.X)-x, float64(m.Y)-y) <= dist && angleDiffDeg(m.Angle, a) <= deg {
			return true
		}
	}
	return false
}

func (p *db1Print) ink(x, y float64) bool {
	bx, by := int(x)/db1InkBlock, int(y)/db1InkBlock
	nbx := (p.w + db1InkBlock - 1) / db1InkBlock
	if x < 0 || y < 0 || int(x) >= p.w || int(y) >= p.h {
		return false
	}
	return p.inkBlock[by*nbx+bx]
}

// matchPairs matches a against b and returns the pairs of the best
// alignment (a's minutia index to b's) and the calibrated score.
func matchPairs(a, b *Template) (map[int]int, float64) {
	p := NewProbe(a)
	c := Prepare(b)
	raw := p.rawScore(c)
	p.bestParts(c)
	m := map[int]int{}
	for k := 0; k < p.matched; k++ {
		m[int(p.matchA[k])] = int(p.matchB[k])
	}
	return m, calibrate(raw)
}

// scoreAt pairs the probe with c held at the transform r (in the two
// templates' pixel coordinates, scaled by sa and sb to 500 ppi), pairing
// from (rx, ry) without a refit, and returns the terms. It reuses the
// buffers of a rawScore(c) with at least two minutiae on each side, which
// must come first.
func (p *Probe) scoreAt(c *Prepared, r rigid, rx, ry, sa, sb float32) scoreParts {
	// The point o of the probe (500 ppi) that r takes to the root.
	inv := r.inverse()
	ox, oy := inv.apply(float64(rx/sb), float64(ry/sb))
	p.transform(float32(r.rot), float32(ox)*sa, float32(oy)*sa, rx, ry)
	p.pair(c, rx, ry)
	return p.parts(c)
}

func loadDB1Print(t *testing.T, dir, fj, name string) *db1Print {
	t.Helper()
	img := loadPNG(t, filepath.Join(dir, name+".png"))
	b := img.Bounds()
	pr := &db1Print{name: name, img: img, w: b.Dx(), h: b.Dy(), tpl: map[string]*Template{}}
	e := Extractor{Options: Options{Resolution: 500}}
	// CIEKIT_DIAG_FRAMEREACH=v: the border rule's reach to the image's edge.
	if v := os.Getenv("CIEKIT_DIAG_FRAMEREACH"); v != "" {
		fp := e.params()
		fmt.Sscan(v, &fp.frameReach)
		e.tune = &fp
	}
	tp, err := e.ExtractTemplate(img)
	if err != nil {
		t.Fatal(err)
	}
	pr.tpl["ours"] = &tp
	pr.cand = slices.Clone(e.cand)
	pr.scale = e.scale
	pr.mask = slices.Clone(e.mask[:e.bw*e.bh])
	pr.bw, pr.bh = e.bw, e.bh
	pr.tpl["ref"] = loadDB1Ref(t, filepath.Join(dir, name), pr.w, pr.h, 500)
	if fj != "" {
		raw, err := os.ReadFile(filepath.Join(fj, "DB1_B", name+".ist"))
		if err != nil {
			t.Fatal(err)
		}
		ft, err := ParseISO(raw)
		if err != nil {
			t.Fatal(err)
		}
		pr.tpl["fj"] = ft
	}
	// Independent foreground: gray standard deviation of 16x16 blocks.
	nbx, nby := (pr.w+db1InkBlock-1)/db1InkBlock, (pr.h+db1InkBlock-1)/db1InkBlock
	pr.inkBlock = make([]bool, nbx*nby)
	for by := range nby {
		for bx := range nbx {
			var s, s2, n float64
			for y := by * db1InkBlock; y < min((by+1)*db1InkBlock, pr.h); y++ {
				for x := bx * db1InkBlock; x < min((bx+1)*db1InkBlock, pr.w); x++ {
					g := float64(color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y)
					s += g
					s2 += g * g
					n++
				}
			}
			m := s / n
			pr.inkBlock[by*nbx+bx] = math.Sqrt(max(s2/n-m*m, 0)) > 12
		}
	}
	return pr
}

// writeDB1Overlay draws B in green and A, moved by r, in magenta, with
// both makers' minutiae of ours: A's (moved) as magenta marks, B's green.
func writeDB1Overlay(t *testing.T, path string, A, B *db1Print, r rigid) {
	t.Helper()
	inv := r.inverse()
	out := image.NewRGBA(image.Rect(0, 0, B.w, B.h))
	gray := func(p *db1Print, x, y float64) float64 {
		if x < 0 || y < 0 || x >= float64(p.w) || y >= float64(p.h) {
			return 255
		}
		b := p.img.Bounds()
		return float64(color.GrayModel.Convert(p.img.At(b.Min.X+int(x), b.Min.Y+int(y))).(color.Gray).Y)
	}
	for y := range B.h {
		for x := range B.w {
			u, v := inv.apply(float64(x), float64(y))
			ga := gray(A, u, v)
			gb := gray(B, float64(x), float64(y))
			// dark in A -> magenta (low green), dark in B -> green (low red and blue)
			out.Set(x, y, color.RGBA{uint8(gb), uint8(ga), uint8(gb), 255})
		}
	}
	mark := func(x, y float64, c color.RGBA) {
		for d := -3; d <= 3; d++ {
			out.Set(int(x)+d, int(y), c)
			out.Set(int(x), int(y)+d, c)
		}
	}
	for _, m := range A.tpl["ours"].Minutiae {
		x, y := r.apply(float64(m.X), float64(m.Y))
		mark(x, y, color.RGBA{255, 0, 0, 255})
	}
	for _, m := range B.tpl["ours"].Minutiae {
		mark(float64(m.X), float64(m.Y), color.RGBA{0, 0, 255, 255})
	}
	writeDB1PNG(t, path, out)
}

// writeDB1Crop writes the rectangle r of p at three times the size, with
// the edge of the overlap in orange, the edge of our mask in cyan, and the
// minutiae of each maker: ours red, the reference blue, FingerJet green.
func writeDB1Crop(t *testing.T, path string, p *db1Print, r image.Rectangle, in func(x, y float64) bool) {
	t.Helper()
	const z = 3
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	out := image.NewRGBA(image.Rect(0, 0, r.Dx()*z, r.Dy()*z))
	b := p.img.Bounds()
	fg := func(x, y int) bool {
		if x < 0 || y < 0 || x >= p.w || y >= p.h {
			return false
		}
		return p.mask[(y/blk)*p.bw+x/blk] != 0
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g := color.GrayModel.Convert(p.img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			c := color.RGBA{g, g, g, 255}
			o := in(float64(x), float64(y))
			if o != in(float64(x+1), float64(y)) || o != in(float64(x), float64(y+1)) {
				c = color.RGBA{255, 140, 0, 255}
			}
			m := fg(x, y)
			if m != fg(x+1, y) || m != fg(x, y+1) {
				c = color.RGBA{0, 200, 220, 255}
			}
			for dy := range z {
				for dx := range z {
					out.Set((x-r.Min.X)*z+dx, (y-r.Min.Y)*z+dy, c)
				}
			}
		}
	}
	cols := map[string]color.RGBA{"ours": {230, 0, 0, 255}, "ref": {0, 0, 255, 255}, "fj": {0, 160, 0, 255}}
	for kind, tp := range p.tpl {
		c := cols[kind]
		rad := map[string]float64{"ours": 6, "ref": 9, "fj": 12}[kind]
		for _, m := range tp.Minutiae {
			x, y := float64(int(m.X)-r.Min.X)*z+1, float64(int(m.Y)-r.Min.Y)*z+1
			drawDB1Mark(out, x, y, rad, 10, m.Angle, c)
		}
	}
	writeDB1PNG(t, path, out)
}

// writeDB1Patch writes 64x64 px around (cx, cy) of B's frame at five times
// the size: A moved by r on the left, B on the right, each maker's minutiae
// marked as in writeDB1Crop (A's moved).
func writeDB1Patch(t *testing.T, path string, A, B *db1Print, r rigid, cx, cy float64, half float64, z int) {
	t.Helper()
	n := int(2 * half * float64(z))
	out := image.NewRGBA(image.Rect(0, 0, 2*n+z, n))
	inv := r.inverse()
	gray := func(p *db1Print, x, y float64) uint8 {
		if x < 0 || y < 0 || x >= float64(p.w) || y >= float64(p.h) {
			return 255
		}
		b := p.img.Bounds()
		return color.GrayModel.Convert(p.img.At(b.Min.X+int(x), b.Min.Y+int(y))).(color.Gray).Y
	}
	for py := range n {
		for px := range n {
			x, y := cx-half+float64(px)/float64(z), cy-half+float64(py)/float64(z)
			u, v := inv.apply(x, y)
			ga, gb := gray(A, u, v), gray(B, x, y)
			out.Set(px, py, color.RGBA{ga, ga, ga, 255})
			out.Set(px+n+z, py, color.RGBA{gb, gb, gb, 255})
		}
	}
	cols := map[string]color.RGBA{"ours": {230, 0, 0, 255}, "ref": {0, 0, 255, 255}, "fj": {0, 160, 0, 255}}
	for side, p := range []*db1Print{A, B} {
		for kind, tp := range p.tpl {
			c := cols[kind]
			rad := map[string]float64{"ours": 8, "ref": 12, "fj": 16}[kind]
			for _, m := range tp.Minutiae {
				x, y, ang := float64(m.X), float64(m.Y), m.Angle
				if side == 0 {
					x, y = r.apply(x, y)
					ang = r.applyAngle(ang)
				}
				X, Y := (x-cx+half)*float64(z)+float64(side*(n+z)), (y-cy+half)*float64(z)
				if x < cx-half || y < cy-half || x >= cx+half || y >= cy+half {
					continue
				}
				drawDB1Mark(out, X, Y, rad, 14, ang, c)
			}
		}
	}
	writeDB1PNG(t, path, out)
}

// TestDiagDB1Evidence (CIEKIT_DIAG=1) measures how much evidence a genuine
// pair with few minutiae in common can carry: for every cross-finger
// (impostor) pair of each FVC2002 B set, the number of minutia pairs and
// the weighted pair count m of the matcher's best alignment, with our
// templates and the reference ones, as the share of impostor pairs that
// reach at least n pairs (and m at least n-0.5).
func TestDiagDB1Evidence(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		res := 500
		if db == "DB2_B" {
			res = 569
		}
		e := Extractor{Options: Options{Resolution: res}}
		ts := map[string][]*Template{}
		for f := 101; f <= 110; f++ {
			for i := 1; i <= 8; i++ {
				name := filepath.Join(dir, db, fmt.Sprintf("%d_%d", f, i))
				img := loadPNG(t, name+".png")
				tp, err := e.ExtractTemplate(img)
				if err != nil {
					t.Fatal(err)
				}
				ts["ours"] = append(ts["ours"], &tp)
				b := img.Bounds()
				ts["ref"] = append(ts["ref"], loadDB1Ref(t, name, b.Dx(), b.Dy(), res))
			}
		}
		for _, kind := range []string{"ours", "ref"} {
			var reach [8]int
			var reachM [8]int
			var scores []float64
			n := 0
			for a := range 80 {
				p := NewProbe(ts[kind][a])
				for b := a + 1; b < 80; b++ {
					if a/8 == b/8 {
						continue
					}
					c := Prepare(ts[kind][b])
					raw := p.rawScore(c)
					sp := p.bestParts(c)
					scores = append(scores, calibrate(raw))
					n++
					for k := range reach {
						if sp.matched >= k {
							reach[k]++
						}
						if sp.matched >= k && float64(sp.m) >= float64(k)-0.5 {
							reachM[k]++
						}
					}
				}
			}
			slices.Sort(scores)
			var parts []string
			for k := 2; k < 8; k++ {
				parts = append(parts, fmt.Sprintf("≥%d: %.1f%% (m≥%.1f: %.1f%%)", k, 100*float64(reach[k])/float64(n), float64(k)-0.5, 100*float64(reachM[k])/float64(n)))
			}
			t.Logf("%s %-4s impostor pairs %d, best alignment with minutia pairs %s; 10th highest score %.1f", db, kind, n, strings.Join(parts, ", "), scores[len(scores)-10])
		}
	}
}

// TestDiagDB1Floor (CIEKIT_DIAG=1) varies the least overlap count of the
// score (matchParams.floor) further down than the tuning harness does: the
// EER of each set with our templates and, with CIEKIT_DIAG_FJ=dir
// (compare-fingerjet's -work folder holding all four sets), FingerJet's;
// in DB1_B the lowest genuine and highest impostor scores.
func TestDiagDB1Floor(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	fj := os.Getenv("CIEKIT_DIAG_FJ")
	sets := []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"}
	makers := []string{"ours"}
	if fj != "" {
		makers = append(makers, "fj")
	}
	ts := map[string]*[4][80]*Template{"ours": {}, "fj": {}}
	for k, db := range sets {
		res := 500
		if db == "DB2_B" {
			res = 569
		}
		e := Extractor{Options: Options{Resolution: res}}
		for n := range 80 {
			name := fmt.Sprintf("%d_%d", 101+n/8, n%8+1)
			tp, err := e.ExtractTemplate(loadPNG(t, filepath.Join(dir, db, name+".png")))
			if err != nil {
				t.Fatal(err)
			}
			ts["ours"][k][n] = &tp
			if fj != "" {
				raw, err := os.ReadFile(filepath.Join(fj, db, name+".ist"))
				if err != nil {
					continue // a failure to enrol scores 0
				}
				ft, err := ParseISO(raw)
				if err != nil {
					t.Fatal(err)
				}
				ts["fj"][k][n] = ft
			}
		}
	}
	defer func() { matchTune = defaultMatchParams }()
	floors := []float32{1, 2, 3, 4, 5, 6, 8}
	if v := os.Getenv("CIEKIT_DIAG_FLOORS"); v != "" {
		floors = nil
		for _, f := range strings.Split(v, ",") {
			var x float32
			fmt.Sscan(f, &x)
			floors = append(floors, x)
		}
	}
	for _, floor := range floors {
		matchTune = defaultMatchParams
		matchTune.floor = floor
		for _, mk := range makers {
			var eers [4]float64
			var detail string
			for k := range sets {
				var gen, imp []float64
				for a := range 80 {
					for b := a + 1; b < 80; b++ {
						s := 0.0
						if ta, tb := ts[mk][k][a], ts[mk][k][b]; ta != nil && tb != nil {
							s = Match(ta, tb)
						}
						if a/8 == b/8 {
							gen = append(gen, s)
						} else {
							imp = append(imp, s)
						}
					}
				}
				eers[k] = tuneEER(gen, imp)
				if k == 0 {
					slices.Sort(gen)
					slices.Sort(imp)
					pair := Match(ts[mk][k][2*8+3], ts[mk][k][2*8+7])
					above := 0
					for _, s := range imp {
						if s >= pair {
							above++
						}
					}
					detail = fmt.Sprintf("DB1_B 103_4-103_8 %.1f (%d impostor pairs as high); lowest genuine %.1f %.1f %.1f, highest impostor %.1f %.1f %.1f %.1f",
						pair, above, gen[0], gen[1], gen[2], imp[len(imp)-1], imp[len(imp)-2], imp[len(imp)-3], imp[len(imp)-4])
				}
			}
			t.Logf("floor %g %-4s: EER %s; %s", floor, mk, fmtEERs(eers), detail)
		}
	}
}

// TestDiagDB1Tail (CIEKIT_DIAG=1) lists the terms of the score of DB1_B's
// highest impostor and lowest genuine pairs with our templates: what the
// EER is made of once 103_4-103_8 is set aside.
func TestDiagDB1Tail(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	dir := filepath.Join(sharedDir(t, "data/fingerprints/fvc2002"), "DB1_B")
	e := Extractor{Options: Options{Resolution: 500}}
	var ts [80]*Template
	for n := range 80 {
		tp, err := e.ExtractTemplate(loadPNG(t, filepath.Join(dir, fmt.Sprintf("%d_%d.png", 101+n/8, n%8+1))))
		if err != nil {
			t.Fatal(err)
		}
		ts[n] = &tp
	}
	type scored struct {
		a, b  int
		score float64
		sp    scoreParts
	}
	var gen, imp []scored
	for a := range 80 {
		p := NewProbe(ts[a])
		for b := a + 1; b < 80; b++ {
			c := Prepare(ts[b])
			s := scored{a: a, b: b, score: calibrate(p.rawScore(c))}
			s.sp = p.bestParts(c)
			if a/8 == b/8 {
				gen = append(gen, s)
			} else {
				imp = append(imp, s)
			}
		}
	}
	byScore := func(x, y scored) int { return cmp.Compare(x.score, y.score) }
	slices.SortFunc(gen, byScore)
	slices.SortFunc(imp, byScore)
	show := func(what string, s scored) {
		t.Logf("%s %d_%d-%d_%d: %.1f; minutiae %d/%d, pairs %d (m %.2f), in the overlap %d/%d (weighted %.1f/%.1f)", what,
			101+s.a/8, s.a%8+1, 101+s.b/8, s.b%8+1, s.score, len(ts[s.a].Minutiae), len(ts[s.b].Minutiae),
			s.sp.matched, s.sp.m, s.sp.a0, s.sp.b0, s.sp.inA, s.sp.inB)
	}
	for _, s := range slices.Backward(imp[len(imp)-10:]) {
		show("impostor", s)
	}
	for _, s := range gen[:4] {
		show("genuine ", s)
	}
}

func writeDB1PNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// drawDB1Mark draws a circle of radius rad at (x, y) with a tick of length
// tick in the direction of ISO angle a.
func drawDB1Mark(out *image.RGBA, x, y, rad, tick float64, a uint8, c color.RGBA) {
	for t := 0.0; t < 2*math.Pi; t += 0.5 / rad {
		out.Set(int(x+rad*math.Cos(t)), int(y+rad*math.Sin(t)), c)
	}
	ang := float64(a) * 2 * math.Pi / 256
	for s := rad; s < rad+tick; s++ {
		out.Set(int(x+s*math.Cos(ang)), int(y-s*math.Sin(ang)), c)
	}
}

// loadDB1Ref reads the reference template name+".iso", its minutiae scaled
// to the w x h image and its resolution set to res ppi.
func loadDB1Ref(t *testing.T, name string, w, h, res int) *Template {
	t.Helper()
	raw, err := os.ReadFile(name + ".iso")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := ParseISO(raw)
	if err != nil {
		t.Fatal(err)
	}
	for k := range ref.Minutiae {
		m := &ref.Minutiae[k]
		m.X = uint16(int(m.X) * w / int(ref.Width))
		m.Y = uint16(int(m.Y) * h / int(ref.Height))
	}
	ref.Width, ref.Height = uint16(w), uint16(h)
	ref.ResolutionX, ref.ResolutionY = PxPerCM(res), PxPerCM(res)
	return ref
}
