package biometric

import (
	"math"
	"slices"
)

// Matching works in three steps, all on templates normalised to 500 ppi:
//
//  1. Every minutia is joined to its nearest neighbours by edges; an edge is
//     described by its length and by the angles of its two minutiae relative
//     to the edge, which do not change when the print is moved or rotated.
//  2. Edges of the probe and the candidate with similar descriptors vote for
//     the minutia pairs at their ends (a Hough vote over local structures);
//     the pairs with most votes become root alignments, with the rotation
//     averaged over the votes.
//  3. For each root, the probe is rotated and translated onto the candidate
//     and minutiae are paired greedily within a distance tolerance that grows
//     with the distance from the root (elastic distortion) and an angle
//     tolerance; the transform is refitted on the pairs and the pairing redone.
//     The score weighs the number of pairs (each by how closely it agrees)
//     with their share of the minutiae that lie in the overlap of the two
//     prints (m³/(na·nb), unpaired minutiae weighed by their quality), and
//     is calibrated to a false-match rate.

const (
	matchMaxMinutiae = 255              // minutiae used per template (best quality first)
	matchNeighbours  = 6                // edges per minutia
	matchMaxEdge     = 160              // longest edge in pixels at 500 ppi
	matchRoots       = 10               // root alignments tried per pair
	matchFullRoots   = 3                // of which paired in full and scored
	matchCell        = 24               // grid cell in pixels at 500 ppi
	matchGridMax     = 48               // grid cells per side at most
	matchLenIdx      = matchMaxEdge + 2 // integer edge lengths 0..matchMaxEdge+1
	matchRaBins      = 16

	edgeAngleTol = 12 // 360/256-degree units (about 20 degrees)
	pairDistMax  = 20.0
)

// sinTab and cosTab hold the sine and cosine of the 256 angles of
// 360/256 degrees. They are computed once and never written afterwards.
var sinTab, cosTab = func() (s, c [256]float32) {
	for i := range 256 {
		a := float64(i) * 2 * math.Pi / 256
		s[i], c[i] = float32(math.Sin(a)), float32(math.Cos(a))
	}
	return
}()

type matchEdge struct {
	length float32
	a, b   uint8 // minutia indexes
	ra, rb uint8 // edge direction minus minutia direction
	dir    uint8 // edge direction (from a to b)
}

// Prepared is a Template made ready for matching: minutiae scaled to 500
// ppi, the edges between neighbouring minutiae, and a spatial grid. Make
// one with [Prepare] and keep it in a gallery to match it many times.
//
// A Prepared is read-only after Prepare and safe for concurrent use by
// multiple goroutines.
type Prepared struct {
	n      int
	x, y   []float32
	th     []uint8
	w      []float32   // weight of each minutia from its quality (see minutiaWeight)
	edges  []matchEdge // in no particular order (probes index them)
	gx, gy float32     // grid origin
	cs     float32     // grid cell size
	gw, gh int
	start  []int32 // CSR grid: cell c holds items[start[c]:start[c+1]]
	items  []uint8
	occ    []bool // cells within one cell of a minutia
	order  []int  // scratch for preparation
}

// Prepare returns t ready for matching. Templates of any resolution are
// scaled to 500 ppi (a zero resolution counts as 500 ppi); of templates
// with more than 255 minutiae, the 255 of highest quality are used.
// Prepare never fails: an empty template matches nothing.
func Prepare(t *Template) *Prepared {
	p := new(Prepared)
	p.prepare(t)
	p.order = nil // scratch only; galleries keep many Prepared
	return p
}

// N returns the number of minutiae used for matching.
func (p *Prepared) N() int { return p.n }

func matchScale(res uint16) float32 {
	if res == 0 {
		return 1
	}
	ppi := float32(res) * 2.54
	s := 500 / ppi
	// Resolutions far from any scanner's are clamped rather than trusted.
	return min(max(s, 0.25), 4)
}

func (p *Prepared) prepare(t *Template) {
	ms := t.Minutiae
	n := min(len(ms), matchMaxMinutiae)
	p.order = p.order[:0]
	for i := range ms {
		p.order = append(p.order, i)
	}
	if len(ms) > n {
		slices.SortStableFunc(p.order, func(a, b int) int { return int(ms[b].Quality) - int(ms[a].Quality) })
		p.order = p.order[:n]
	}
	sx, sy := matchScale(t.ResolutionX), matchScale(t.ResolutionY)
	p.n = n
	p.x = resize(p.x, n)
	p.y = resize(p.y, n)
	p.th = resize(p.th, n)
	p.w = resize(p.w, n)
	for k, i := range p.order {
		p.x[k] = float32(ms[i].X) * sx
		p.y[k] = float32(ms[i].Y) * sy
		p.th[k] = ms[i].Angle
		p.w[k] = minutiaWeight(ms[i].Quality)
	}
	p.floorWeights()
	p.buildEdges()
	p.buildGrid()
}

// floorWeights scales the minutia weights of a template whose mean
// weight is below matchTune.wFloor up to that mean (no weight above 1).
//
// The weights come from the extractor's quality, whose scale is the
// image's: noise lowers the quality of every minutia, true or false, and
// then unpaired minutiae count so little in the overlap counts of the
// score that pairs made by chance among them pass for a large share of
// paired minutiae. The calibration has seen templates down to the lowest
// mean weight of FVC2002 B's (wFloor); a template below that is read as if
// its quality were the lowest seen, not lower. No FVC2002 B template is
// below it, so no FVC2002 score moves.
func (p *Prepared) floorWeights() {
	f := matchTune.wFloor
	if f <= 0 || p.n == 0 {
		return
	}
	var mw float32
	for _, w := range p.w {
		mw += w
	}
	mw /= float32(p.n)
	if mw >= f {
		return
	}
	for k := range p.w {
		if mw > 0 {
			p.w[k] = min(p.w[k]*f/mw, 1)
		} else {
			p.w[k] = f // all weights 0 (a tuned qLo of 0)
		}
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// buildEdges joins every minutia to its matchNeighbours nearest ones.
func (p *Prepared) buildEdges() {
	p.edges = p.edges[:0]
	var nd [matchNeighbours]float32
	var ni [matchNeighbours]int
	for i := 0; i < p.n; i++ {
		k := 0
		for j := 0; j < p.n; j++ {
			if j == i {
				continue
			}
			dx, dy := p.x[j]-p.x[i], p.y[j]-p.y[i]
			d := dx*dx + dy*dy
			if d > matchMaxEdge*matchMaxEdge || d < 4 {
				continue
			}
			if k == matchNeighbours && d >= nd[k-1] {
				continue
			}
			pos := min(k, matchNeighbours-1)
			for pos > 0 && nd[pos-1] > d {
				if pos < matchNeighbours {
					nd[pos], ni[pos] = nd[pos-1], ni[pos-1]
				}
				pos--
			}
			nd[pos], ni[pos] = d, j
			if k < matchNeighbours {
				k++
			}
		}
		for q := 0; q < k; q++ {
			j := ni[q]
			dx, dy := p.x[j]-p.x[i], p.y[j]-p.y[i]
			dir := angle256(dx, dy)
			p.edges = append(p.edges, matchEdge{
				length: float32(math.Sqrt(float64(nd[q]))),
				a:      uint8(i), b: uint8(j),
				ra: dir - p.th[i], rb: dir - p.th[j],
				dir: dir,
			})
		}
	}
}

// angle256 returns the direction of (dx, dy) in image coordinates (Y
// down) as a counter-clockwise angle in 360/256-degree units.
func angle256(dx, dy float32) uint8 {
	a := math.Atan2(float64(-dy), float64(dx)) * (256 / (2 * math.Pi))
	return uint8(int(math.Round(a)) & 0xFF)
}

func (p *Prepared) buildGrid() {
	if p.n == 0 {
		p.gw, p.gh = 0, 0
		p.start, p.items, p.occ = p.start[:0], p.items[:0], p.occ[:0]
		return
	}
	minX, minY, maxX, maxY := p.x[0], p.y[0], p.x[0], p.y[0]
	for i := 1; i < p.n; i++ {
		minX, maxX = min(minX, p.x[i]), max(maxX, p.x[i])
		minY, maxY = min(minY, p.y[i]), max(maxY, p.y[i])
	}
	cs := float32(matchCell)
	ext := max(maxX-minX, maxY-minY)
	if ext/cs >= matchGridMax-1 {
		cs = ext / (matchGridMax - 2)
	}
	p.cs = cs
	p.gx, p.gy = minX, minY
	p.gw = int((maxX-minX)/cs) + 1
	p.gh = int((maxY-minY)/cs) + 1
	nc := p.gw * p.gh
	p.start = resize(p.start, nc+1)
	clear(p.start)
	p.items = resize(p.items, p.n)
	p.occ = resize(p.occ, nc)
	clear(p.occ)
	for i := 0; i < p.n; i++ {
		p.start[p.cell(i)+1]++
	}
	for c := 1; c <= nc; c++ {
		p.start[c] += p.start[c-1]
	}
	// Fill using start[c] as a cursor, then shift back.
	for i := 0; i < p.n; i++ {
		c := p.cell(i)
		p.items[p.start[c]] = uint8(i)
		p.start[c]++
	}
	for c := nc; c > 0; c-- {
		p.start[c] = p.start[c-1]
	}
	p.start[0] = 0
	for i := 0; i < p.n; i++ {
		cx := int((p.x[i] - p.gx) / cs)
		cy := int((p.y[i] - p.gy) / cs)
		for yy := max(cy-1, 0); yy <= min(cy+1, p.gh-1); yy++ {
			for xx := max(cx-1, 0); xx <= min(cx+1, p.gw-1); xx++ {
				p.occ[yy*p.gw+xx] = true
			}
		}
	}
}

func (p *Prepared) cell(i int) int {
	cx := int((p.x[i] - p.gx) / p.cs)
	cy := int((p.y[i] - p.gy) / p.cs)
	return cy*p.gw + cx
}

// inside reports whether the point (x, y) lies in the area of the print
// covered by minutiae (the grid cells within one cell of a minutia).
func (p *Prepared) inside(x, y float32) bool {
	fx, fy := (x-p.gx)/p.cs, (y-p.gy)/p.cs
	if fx < -1 || fy < -1 {
		return false
	}
	cx, cy := int(fx+1)-1, int(fy+1)-1
	if cx < 0 || cy < 0 || cx >= p.gw || cy >= p.gh {
		// One cell beyond the grid still counts when next to a minutia.
		cx, cy = min(max(cx, 0), p.gw-1), min(max(cy, 0), p.gh-1)
		if fx < -1 || fy < -1 || fx >= float32(p.gw+1) || fy >= float32(p.gh+1) {
			return false
		}
	}
	return p.occ[cy*p.gw+cx]
}

type rootPair struct {
	votes  float32
	a, b   uint8
	rc, rs float32 // summed rotation vector
	rot    float32 // mean rotation in radians
}

type pairCand struct {
	cost float32
	a, b uint8
}

// Probe is one template prepared for matching against many candidates, with
// the scratch buffers that make [Probe.Match] and [Probe.MatchPrepared]
// allocation-free once they have seen candidates of the size at hand.
//
// A Probe is not safe for concurrent use by multiple goroutines: use one
// per goroutine (they may share the candidates).
type Probe struct {
	t       Prepared
	bstart  [matchRaBins*matchLenIdx + 1]int32 // probe edges by ra bin, then by integer length
	bedges  []matchEdge
	cand    Prepared // scratch for Match(*Template)
	vote    []int32  // index into pairs per (a, b), -1 if none
	pairs   []rootPair
	roots   []rootPair
	pc      []pairCand
	usedA   []bool
	usedB   []bool
	px, py  []float32 // transformed probe minutiae
	pth     []uint8
	matchA  []uint8
	matchB  []uint8
	matchC  []float32 // cost of each pair (0..2)
	matched int
	// last transform
	sin, cos, ox, oy, tx, ty float32
	// the root of rawScore's best score, -1 if none scored
	bestRoot int
}

// scoreParts are the terms of a raw score (Probe.parts): the weighted
// pair count and the weighted minutia counts of each print's overlap with
// the other.
type scoreParts struct {
	m, inA, inB float32
	a0, b0      int // unweighted minutia counts of the overlaps
	matched     int
	// the transform (see Probe.transform)
	sin, cos, ox, oy, tx, ty float32
}

// NewProbe prepares t as a probe.
func NewProbe(t *Template) *Probe {
	p := new(Probe)
	p.t.prepare(t)
	p.index()
	return p
}

// NewProbePrepared returns a probe for an already prepared template. The
// probe copies what it needs; pt is not retained.
func NewProbePrepared(pt *Prepared) *Probe {
	p := new(Probe)
	p.t = Prepared{
		n: pt.n, x: slices.Clone(pt.x), y: slices.Clone(pt.y), th: slices.Clone(pt.th), w: slices.Clone(pt.w),
		edges: slices.Clone(pt.edges), gx: pt.gx, gy: pt.gy, cs: pt.cs, gw: pt.gw, gh: pt.gh,
		start: slices.Clone(pt.start), items: slices.Clone(pt.items), occ: slices.Clone(pt.occ),
	}
	p.index()
	return p
}

func edgeBucket(e *matchEdge) int {
	l := min(int(e.length), matchLenIdx-1)
	return int(e.ra)*matchRaBins/256*matchLenIdx + l
}

func (p *Probe) index() {
	clear(p.bstart[:])
	for i := range p.t.edges {
		p.bstart[edgeBucket(&p.t.edges[i])+1]++
	}
	for k := 1; k < len(p.bstart); k++ {
		p.bstart[k] += p.bstart[k-1]
	}
	p.bedges = resize(p.bedges, len(p.t.edges))
	var cur [matchRaBins * matchLenIdx]int32
	copy(cur[:], p.bstart[:])
	for i := range p.t.edges {
		b := edgeBucket(&p.t.edges[i])
		p.bedges[cur[b]] = p.t.edges[i]
		cur[b]++
	}
}

// Match returns the similarity score of the probe and candidate c (see
// [Score] for its scale). The candidate is prepared in the probe's scratch
// space, so Match allocates nothing once the probe has seen a candidate of
// as many minutiae; for repeated candidates, [Probe.MatchPrepared] is
// faster.
func (p *Probe) Match(c *Template) float64 {
	p.cand.prepare(c)
	return p.MatchPrepared(&p.cand)
}

// MatchPrepared returns the similarity score of the probe and candidate c.
// It allocates nothing once the probe has seen a candidate of as many
// minutiae.
func (p *Probe) MatchPrepared(c *Prepared) float64 {
	return calibrate(p.rawScore(c))
}

func (p *Probe) rawScore(c *Prepared) float64 {
	a := &p.t
	p.bestRoot = -1
	if a.n < 2 || c.n < 2 {
		return 0
	}
	p.vote = resize(p.vote, a.n*c.n)
	for i := range p.vote {
		p.vote[i] = -1
	}
	p.pairs = p.pairs[:0]
	// Step 2: edge votes.
	for ci := range c.edges {
		ce := &c.edges[ci]
		tol := 3 + 0.07*ce.length
		lo := max(int(ce.length-tol), 0)
		hi := min(int(ce.length+tol)+1, matchLenIdx-1)
		if lo > hi {
			continue
		}
		r0 := int(ce.ra-edgeAngleTol) * matchRaBins / 256
		r1 := int(ce.ra+edgeAngleTol) * matchRaBins / 256
		for rb := r0; ; rb = (rb + 1) % matchRaBins {
			base := rb * matchLenIdx
			for k, end := p.bstart[base+lo], p.bstart[base+hi]; k < end; k++ {
				pe := &p.bedges[k]
				dl := pe.length - ce.length
				if dl > tol || dl < -tol {
					continue
				}
				da := int8(pe.ra - ce.ra)
				db := int8(pe.rb - ce.rb)
				if da > edgeAngleTol || da < -edgeAngleTol || db > edgeAngleTol || db < -edgeAngleTol {
					continue
				}
				rot := ce.dir - pe.dir
				w := 1 - 0.5*(abs32(dl)/tol+float32(abs8(da)+abs8(db))/(2*edgeAngleTol))
				p.addVote(pe.a, ce.a, c.n, rot, w)
				p.addVote(pe.b, ce.b, c.n, rot, w)
			}
			if rb == r1 {
				break
			}
		}
	}
	if len(p.pairs) == 0 {
		return 0
	}
	// Best roots by votes (insertion into a short sorted list).
	p.roots = p.roots[:0]
	for _, rp := range p.pairs {
		if len(p.roots) == matchRoots && rp.votes <= p.roots[matchRoots-1].votes {
			continue
		}
		if len(p.roots) < matchRoots {
			p.roots = append(p.roots, rp)
		}
		k := len(p.roots) - 1
		for k > 0 && p.roots[k-1].votes < rp.votes {
			p.roots[k] = p.roots[k-1]
			k--
		}
		p.roots[k] = rp
	}
	p.px = resize(p.px, a.n)
	p.py = resize(p.py, a.n)
	p.pth = resize(p.pth, a.n)
	p.usedA = resize(p.usedA, a.n)
	p.usedB = resize(p.usedB, c.n)
	p.matchA = resize(p.matchA, min(a.n, c.n))
	p.matchB = resize(p.matchB, min(a.n, c.n))
	p.matchC = resize(p.matchC, min(a.n, c.n))
	// Count the pairs each root gives with a quick pairing, then pair,
	// refit and score only the best few.
	var top [matchFullRoots]int
	var topN [matchFullRoots]int
	nt := 0
	for r := range p.roots {
		rt := &p.roots[r]
		rt.rot = float32(math.Atan2(float64(rt.rs), float64(rt.rc)))
		p.transform(rt.rot, a.x[rt.a], a.y[rt.a], c.x[rt.b], c.y[rt.b])
		n := p.quickCount(c)
		if nt == matchFullRoots && n <= topN[nt-1] {
			continue
		}
		if nt < matchFullRoots {
			nt++
		}
		k := nt - 1
		for k > 0 && topN[k-1] < n {
			top[k], topN[k] = top[k-1], topN[k-1]
			k--
		}
		top[k], topN[k] = r, n
	}
	best := 0.0
	for _, r := range top[:nt] {
		rt := &p.roots[r]
		if s := p.tryRoot(c, int(rt.a), int(rt.b), rt.rot); s > best {
			best, p.bestRoot = s, r
		}
	}
	return best
}

// quickCount counts the transformed probe minutiae that have a candidate
// minutia within the base tolerances (pairs may share minutiae).
func (p *Probe) quickCount(c *Prepared) int {
	a := &p.t
	n := 0
	const tol2 = pairDistMax * pairDistMax / 2
	for i := 0; i < a.n; i++ {
		x, y := p.px[i], p.py[i]
		fx, fy := (x-c.gx)/c.cs, (y-c.gy)/c.cs
		if fx < 0 || fy < 0 || fx >= float32(c.gw) || fy >= float32(c.gh) {
			continue
		}
		cx, cy := int(fx), int(fy)
		// The 2×2 cells nearest the point: a screen, not an exact search.
		x0, y0 := cx, cy
		if fx-float32(cx) < 0.5 {
			x0--
		}
		if fy-float32(cy) < 0.5 {
			y0--
		}
		found := false
		for yy := max(y0, 0); yy <= min(y0+1, c.gh-1) && !found; yy++ {
			for xx := max(x0, 0); xx <= min(x0+1, c.gw-1) && !found; xx++ {
				cell := yy*c.gw + xx
				for _, j := range c.items[c.start[cell]:c.start[cell+1]] {
					dx, dy := c.x[j]-x, c.y[j]-y
					if dx*dx+dy*dy <= tol2 && abs8(int8(c.th[j]-p.pth[i])) <= int(matchTune.angleTol) {
						found = true
						break
					}
				}
			}
		}
		if found {
			n++
		}
	}
	return n
}

func (p *Probe) addVote(a, b uint8, m int, rot uint8, w float32) {
	k := int(a)*m + int(b)
	v := p.vote[k]
	if v < 0 {
		v = int32(len(p.pairs))
		p.vote[k] = v
		p.pairs = append(p.pairs, rootPair{a: a, b: b})
	}
	rp := &p.pairs[v]
	rp.votes += w
	rp.rc += w * cosTab[rot]
	rp.rs += w * sinTab[rot]
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func abs8(x int8) int {
	if x < 0 {
		return -int(x)
	}
	return int(x)
}

// tryRoot aligns probe minutia ra onto candidate minutia rb with rotation
// rot (radians, counter-clockwise on screen), pairs, refits and pairs again,
// and returns the raw score.
func (p *Probe) tryRoot(c *Prepared, ra, rb int, rot float32) float64 {
	a := &p.t
	ox, oy := a.x[ra], a.y[ra]
	tx, ty := c.x[rb], c.y[rb]
	p.transform(rot, ox, oy, tx, ty)
	p.pair(c, tx, ty)
	if p.matched >= 3 {
		// Refit: rotation and translation by least squares (2D Procrustes)
		// over the pairs, centred on their centroids.
		var mx, my, nx, ny float32
		for k := 0; k < p.matched; k++ {
			i, j := p.matchA[k], p.matchB[k]
			mx += a.x[i]
			my += a.y[i]
			nx += c.x[j]
			ny += c.y[j]
		}
		f := 1 / float32(p.matched)
		mx, my, nx, ny = mx*f, my*f, nx*f, ny*f
		var sxx, sxy float32
		for k := 0; k < p.matched; k++ {
			i, j := p.matchA[k], p.matchB[k]
			ux, uy := a.x[i]-mx, -(a.y[i] - my)
			vx, vy := c.x[j]-nx, -(c.y[j] - ny)
			sxx += ux*vx + uy*vy
			sxy += ux*vy - uy*vx
		}
		rot2 := float32(math.Atan2(float64(sxy), float64(sxx)))
		p.transform(rot2, mx, my, nx, ny)
		p.pair(c, tx, ty)
	}
	return p.score(c)
}

// transform maps every probe minutia: rotate by rot about (ox, oy), then
// move (ox, oy) onto (tx, ty).
func (p *Probe) transform(rot, ox, oy, tx, ty float32) {
	a := &p.t
	s64, c64 := math.Sincos(float64(rot))
	sn, cs := float32(s64), float32(c64)
	p.sin, p.cos, p.ox, p.oy, p.tx, p.ty = sn, cs, ox, oy, tx, ty
	r8 := uint8(int(math.Round(float64(rot)*256/(2*math.Pi))) & 0xFF)
	for i := 0; i < a.n; i++ {
		x, y := a.x[i]-ox, a.y[i]-oy
		p.px[i] = tx + x*cs + y*sn
		p.py[i] = ty - x*sn + y*cs
		p.pth[i] = a.th[i] + r8
	}
}

// pair pairs transformed probe minutiae with candidate minutiae greedily,
// cheapest first; (rx, ry) is the root in candidate coordinates.
func (p *Probe) pair(c *Prepared, rx, ry float32) {
	a := &p.t
	p.pc = p.pc[:0]
	for i := 0; i < a.n; i++ {
		x, y := p.px[i], p.py[i]
		dr := float32(math.Sqrt(float64((x-rx)*(x-rx) + (y-ry)*(y-ry))))
		tol := min(matchTune.distBase+matchTune.distGrow*dr, matchTune.distMax)
		fx, fy := (x-c.gx)/c.cs, (y-c.gy)/c.cs
		if fx < -1 || fy < -1 || fx > float32(c.gw+1) || fy > float32(c.gh+1) {
			continue
		}
		cx, cy := int(fx+1)-1, int(fy+1)-1
		for yy := max(cy-1, 0); yy <= min(cy+1, c.gh-1); yy++ {
			for xx := max(cx-1, 0); xx <= min(cx+1, c.gw-1); xx++ {
				cell := yy*c.gw + xx
				for _, j := range c.items[c.start[cell]:c.start[cell+1]] {
					dx, dy := c.x[j]-x, c.y[j]-y
					d2 := dx*dx + dy*dy
					if d2 > tol*tol {
						continue
					}
					da := abs8(int8(c.th[j] - p.pth[i]))
					if da > int(matchTune.angleTol) {
						continue
					}
					cost := float32(math.Sqrt(float64(d2)))/tol + float32(da)/float32(matchTune.angleTol)
					p.pc = append(p.pc, pairCand{cost: cost, a: uint8(i), b: j})
				}
			}
		}
	}
	slices.SortFunc(p.pc, func(x, y pairCand) int {
		switch {
		case x.cost < y.cost:
			return -1
		case x.cost > y.cost:
			return 1
		}
		return 0
	})
	clear(p.usedA)
	clear(p.usedB)
	p.matched = 0
	for _, q := range p.pc {
		if p.usedA[q.a] || p.usedB[q.b] {
			continue
		}
		p.usedA[q.a], p.usedB[q.b] = true, true
		p.matchA[p.matched], p.matchB[p.matched] = q.a, q.b
		p.matchC[p.matched] = q.cost
		p.matched++
	}
}

// matchParams are matcher settings the leave-one-set-out harness
// (tune_test.go) varies; production uses defaultMatchParams.
type matchParams struct {
	qLo      float32 // weight of a minutia of quality 1 (quality 100 weighs 1)
	floor    float32 // least weighted minutia count of an overlap
	angleTol int8    // angle tolerance of a pair (360/256-degree units)
	distBase float32 // distance tolerance of a pair at the root (pixels at 500 ppi)
	distGrow float32 // its growth per pixel from the root
	distMax  float32 // and its largest value
	soft     float32 // a pair counts 1 - soft*cost/2 (cost 0..2: distance and angle error over their tolerances)
	wFloor   float32 // least mean minutia weight of a template (see floorWeights); 0: none
}

// The soft pair count and the quality weights of the unpaired minutiae
// were chosen leave-one-set-out on FVC2002 B (every combination of soft
// 0..1 and qLo 1..0.05; three folds of four chose soft 0.8 and qLo 0.05,
// the fourth 0.8 and 0.3): held-out mean EER 2.94 % -> 2.50 %. See
// TestTuneLeaveOneSetOut and biometric/eval/RESULTS.md. wFloor is the
// lowest mean minutia weight of our 320 FVC2002 B templates (0.2025, a
// DB3_B print), rounded down: it was not fitted, and it changes no FVC2002
// score (TestDiagClutter prints it; RESULTS.md, "late morning").
var defaultMatchParams = matchParams{qLo: 0.05, floor: 8, angleTol: 12, distBase: 8, distGrow: 0.1, distMax: pairDistMax, soft: 0.8, wFloor: 0.2}

// matchTune is read by the matcher; only the tuning harness changes it.
var matchTune = defaultMatchParams

// minutiaWeight is the weight of a minutia of quality q (0..100) in the
// score: 1 at quality 100 and for unknown quality (0), falling linearly
// to matchTune.qLo at quality 1. Prepare then floors the template's mean
// weight (floorWeights).
func minutiaWeight(q uint8) float32 {
	if q == 0 || q >= 100 {
		return 1
	}
	lo := matchTune.qLo
	return lo + (1-lo)*float32(q-1)/99
}

// score counts the pairs of the last pairing against the minutiae of each
// print that fall inside the other print's area: m³/(na·nb) with m pairs
// and na, nb (at least 8) minutiae in the overlap, so that the share of
// paired minutiae weighs as much as their number. A pair counts less the
// farther apart its minutiae are in position and direction (1 -
// soft·cost/2), and an unpaired minutia of the overlap counts by its
// quality (minutiaWeight): a low-quality minutia with no partner is more
// likely noise than a sign of a different finger.
func (p *Probe) score(c *Prepared) float64 {
	return p.parts(c).score()
}

// score is the raw score of the terms.
func (sp scoreParts) score() float64 {
	if sp.matched < 2 {
		return 0
	}
	fm := float64(sp.m)
	na := float64(max(sp.inA, matchTune.floor))
	nb := float64(max(sp.inB, matchTune.floor))
	return fm * fm * fm / (na * nb)
}

// parts counts the terms of the score of the last pairing (all zero with
// fewer than two pairs).
func (p *Probe) parts(c *Prepared) scoreParts {
	if p.matched < 2 {
		return scoreParts{}
	}
	a := &p.t
	var m float32
	for k := 0; k < p.matched; k++ {
		m += 1 - matchTune.soft*p.matchC[k]/2
	}
	var inA float32
	a0, b0 := 0, 0
	for i := 0; i < a.n; i++ {
		if p.usedA[i] {
			inA++
			a0++
		} else if c.inside(p.px[i], p.py[i]) {
			inA += a.w[i]
			a0++
		}
	}
	// Candidate minutiae in the probe's area: map them back with the
	// inverse of the last transform.
	var inB float32
	cs, sn := p.cos, p.sin
	for j := 0; j < c.n; j++ {
		if p.usedB[j] {
			inB++
			b0++
			continue
		}
		x, y := c.x[j]-p.tx, c.y[j]-p.ty
		qx := p.ox + x*cs - y*sn
		qy := p.oy + x*sn + y*cs
		if a.inside(qx, qy) {
			inB += c.w[j]
			b0++
		}
	}
	return scoreParts{m: m, inA: inA, inB: inB, a0: a0, b0: b0, matched: p.matched,
		sin: p.sin, cos: p.cos, ox: p.ox, oy: p.oy, tx: p.tx, ty: p.ty}
}
