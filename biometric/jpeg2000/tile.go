package jpeg2000

import (
	"fmt"
	"math"
	"slices"
)

// basePrecincts and precinctsPerByte bound the precincts of one tile to
// basePrecincts plus precinctsPerByte for each byte of the tile's data: a
// complete codestream spends at least one byte per precinct and layer, and
// without the bound a header could make the packet loop cost time out of
// proportion to the input.
const (
	basePrecincts    = 4096
	precinctsPerByte = 8
)

type tileComp struct {
	c              int
	x0, y0, x1, y1 int
	cc             *compCoding
	q              *quant
	roi            int
	res            []*resLevel
	ibuf           []int32   // reversible path
	fbuf           []float32 // irreversible path
}

type resLevel struct {
	x0, y0, x1, y1 int
	ppx, ppy       int
	npw, nph       int
	bands          []*subband
}

type subband struct {
	orient         int // 0 LL, 1 HL, 2 LH, 3 HH
	x0, y0, x1, y1 int
	offx, offy     int // position of the band in the tile-component buffer
	mb             int // magnitude bit planes Mb (E-2)
	halfStep       float32
	cbw, cbh       int // code-block size exponents
	prcw, prch     int // precinct size exponents in the band
	prcx0, prcy0   int // band coordinates of precinct 0's corner
	precs          []*precinct
}

type precinct struct {
	cw, ch    int
	incl, zbp *tagTree
	blocks    []codeBlock
}

type codeBlock struct {
	x0, y0, x1, y1 int
	included       bool
	numbps         int
	lblock         int
	segs           []segInfo
	data           []byte
}

type segInfo struct{ length, passes, maxpasses int }

func (b *subband) empty() bool { return b.x0 >= b.x1 || b.y0 >= b.y1 }

// tileDecoder decodes one tile into the component planes.
type tileDecoder struct {
	cs    *codestream
	t     *tileInfo
	tx0   int
	ty0   int
	tx1   int
	ty1   int
	comps []*tileComp
	t1    t1
}

func (cs *codestream) tileBounds(i int) (x0, y0, x1, y1 int) {
	p, q := int64(i%cs.ntx), int64(i/cs.ntx)
	// In 64 bits: the sums exceed 2^31 on 32-bit platforms.
	x0 = int(max(int64(cs.tx0)+p*int64(cs.tw), int64(cs.x0)))
	y0 = int(max(int64(cs.ty0)+q*int64(cs.th), int64(cs.y0)))
	x1 = int(min(int64(cs.tx0)+(p+1)*int64(cs.tw), int64(cs.w)))
	y1 = int(min(int64(cs.ty0)+(q+1)*int64(cs.th), int64(cs.h)))
	return
}

func (td *tileDecoder) field(s string) string { return fmt.Sprintf("tile %d %s", td.t.index, s) }

// setup builds the tile's components, resolutions, subbands (B.5, B.6).
func (td *tileDecoder) setup() error {
	cs, t := td.cs, td.t
	td.tx0, td.ty0, td.tx1, td.ty1 = cs.tileBounds(t.index)
	nprec := 0
	dataLen := 0
	for _, p := range t.parts {
		dataLen += len(p)
	}
	maxPrecincts := basePrecincts + precinctsPerByte*dataLen
	for c, k := range cs.comps {
		tc := &tileComp{
			c:  c,
			x0: ceilDiv(td.tx0, k.dx), y0: ceilDiv(td.ty0, k.dy),
			x1: ceilDiv(td.tx1, k.dx), y1: ceilDiv(td.ty1, k.dy),
			cc:  t.p.compCoding(c),
			q:   t.p.quant(c),
			roi: t.p.rgn[c],
		}
		nl := tc.cc.levels
		for r := 0; r <= nl; r++ {
			s := nl - r
			rl := &resLevel{
				x0: ceilShift(tc.x0, s), y0: ceilShift(tc.y0, s),
				x1: ceilShift(tc.x1, s), y1: ceilShift(tc.y1, s),
				ppx: tc.cc.ppx[r], ppy: tc.cc.ppy[r],
			}
			if rl.x1 > rl.x0 {
				rl.npw = ceilShift(rl.x1, rl.ppx) - rl.x0>>rl.ppx
			}
			if rl.y1 > rl.y0 {
				rl.nph = ceilShift(rl.y1, rl.ppy) - rl.y0>>rl.ppy
			}
			nprec += rl.npw * rl.nph
			if nprec > maxPrecincts {
				return unsupported(cs.base+t.offset, td.field("precincts"), "more than %d precincts for %d bytes of data", maxPrecincts, dataLen)
			}
			orients := []int{0}
			if r > 0 {
				orients = []int{1, 2, 3}
			}
			for _, o := range orients {
				b := &subband{orient: o}
				if r == 0 {
					b.x0, b.y0, b.x1, b.y1 = rl.x0, rl.y0, rl.x1, rl.y1
					b.prcw, b.prch = rl.ppx, rl.ppy
					b.prcx0, b.prcy0 = rl.x0>>rl.ppx<<rl.ppx, rl.y0>>rl.ppy<<rl.ppy
				} else {
					nb := s + 1
					xo, yo := o&1, o>>1
					b.x0, b.y0 = bandEdge(tc.x0, xo, nb), bandEdge(tc.y0, yo, nb)
					b.x1, b.y1 = bandEdge(tc.x1, xo, nb), bandEdge(tc.y1, yo, nb)
					b.prcw, b.prch = rl.ppx-1, rl.ppy-1
					b.prcx0, b.prcy0 = (rl.x0>>rl.ppx<<rl.ppx)>>1, (rl.y0>>rl.ppy<<rl.ppy)>>1
				}
				b.cbw, b.cbh = min(tc.cc.xcb, b.prcw), min(tc.cc.ycb, b.prch)
				bandIndex := 0
				if r > 0 {
					bandIndex = 3*(r-1) + o
				}
				expn, mant, ok := tc.q.step(bandIndex)
				if !ok {
					return malformed(cs.base+t.offset, td.field("QCD SPqcd"), "no step size for subband %d of component %d", bandIndex, c)
				}
				b.mb = expn + tc.q.guard - 1
				if !tc.cc.reversible {
					prec := cs.comps[c].prec
					step := float32((1.0 + float64(mant)/2048.0) * math.Pow(2, float64(prec-expn)))
					b.halfStep = 0.5 * step
				}
				rl.bands = append(rl.bands, b)
			}
			tc.res = append(tc.res, rl)
		}
		// Offsets of each band in the Mallat layout of the buffer.
		for r := 1; r <= nl; r++ {
			lo := tc.res[r-1]
			lw, lh := lo.x1-lo.x0, lo.y1-lo.y0
			for _, b := range tc.res[r].bands {
				if b.orient&1 != 0 {
					b.offx = lw
				}
				if b.orient&2 != 0 {
					b.offy = lh
				}
			}
		}
		td.comps = append(td.comps, tc)
	}
	return nil
}

// ceilShift returns ⌈a / 2^s⌉, in 64-bit arithmetic so that shifts by up
// to 47 (32 levels plus a precinct exponent) stay exact on 32-bit
// platforms too.
func ceilShift(a, s int) int { return int((int64(a) + int64(1)<<s - 1) >> s) }

// bandEdge is ⌈(t − o·2^(nb−1)) / 2^nb⌉ of B-15 for a subband of
// orientation offset o at level nb.
func bandEdge(t, o, nb int) int {
	return int((int64(t) - int64(o)<<(nb-1) + int64(1)<<nb - 1) >> nb)
}

// precinct returns precinct p of band b, creating it on first use.
func (b *subband) precinct(rl *resLevel, p int) *precinct {
	if b.precs == nil {
		b.precs = make([]*precinct, rl.npw*rl.nph)
	}
	if pr := b.precs[p]; pr != nil {
		return pr
	}
	px, py := p%rl.npw, p/rl.npw
	x0 := b.prcx0 + px<<b.prcw
	y0 := b.prcy0 + py<<b.prch
	x1, y1 := x0+1<<b.prcw, y0+1<<b.prch
	x0, y0 = max(x0, b.x0), max(y0, b.y0)
	x1, y1 = min(x1, b.x1), min(y1, b.y1)
	pr := &precinct{}
	if x0 < x1 && y0 < y1 {
		cx0, cy0 := x0>>b.cbw, y0>>b.cbh
		pr.cw = ceilShift(x1, b.cbw) - cx0
		pr.ch = ceilShift(y1, b.cbh) - cy0
		pr.blocks = make([]codeBlock, pr.cw*pr.ch)
		for j := range pr.ch {
			for i := range pr.cw {
				cb := &pr.blocks[j*pr.cw+i]
				cb.x0 = max((cx0+i)<<b.cbw, x0)
				cb.y0 = max((cy0+j)<<b.cbh, y0)
				cb.x1 = min((cx0+i+1)<<b.cbw, x1)
				cb.y1 = min((cy0+j+1)<<b.cbh, y1)
			}
		}
		pr.incl = newTagTree(pr.cw, pr.ch)
		pr.zbp = newTagTree(pr.cw, pr.ch)
	}
	b.precs[p] = pr
	return pr
}

// packetRef names a precinct of one resolution of one component.
type packetRef struct {
	c, r, p int
	y, x    int64 // reference-grid position of the precinct, for position orders
}

// order lists the tile's precincts in the progression order (B.12), with
// layers iterated by the caller.
func (td *tileDecoder) order(prog int) []packetRef {
	var refs []packetRef
	for _, tc := range td.comps {
		k := td.cs.comps[tc.c]
		nl := tc.cc.levels
		for r, rl := range tc.res {
			s := nl - r
			for j := range rl.nph {
				for i := range rl.npw {
					x := (int64(rl.x0>>rl.ppx+i) << (rl.ppx + s)) * int64(k.dx)
					y := (int64(rl.y0>>rl.ppy+j) << (rl.ppy + s)) * int64(k.dy)
					refs = append(refs, packetRef{c: tc.c, r: r, p: j*rl.npw + i, x: max(x, int64(td.tx0)), y: max(y, int64(td.ty0))})
				}
			}
		}
	}
	var cmp func(a, b packetRef) int
	switch prog {
	case progLRCP, progRLCP:
		cmp = func(a, b packetRef) int { return cmpInts(a.r, b.r, a.c, b.c, a.p, b.p) }
	case progRPCL:
		cmp = func(a, b packetRef) int {
			return cmpInts(int64(a.r), int64(b.r), a.y, b.y, a.x, b.x, int64(a.c), int64(b.c))
		}
	case progPCRL:
		cmp = func(a, b packetRef) int {
			return cmpInts(a.y, b.y, a.x, b.x, int64(a.c), int64(b.c), int64(a.r), int64(b.r))
		}
	default: // CPRL
		cmp = func(a, b packetRef) int {
			return cmpInts(int64(a.c), int64(b.c), a.y, b.y, a.x, b.x, int64(a.r), int64(b.r))
		}
	}
	slices.SortStableFunc(refs, cmp)
	return refs
}

func cmpInts[T int | int64](v ...T) int {
	for i := 0; i+1 < len(v); i += 2 {
		if v[i] != v[i+1] {
			if v[i] < v[i+1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// packets walks the tile's packets in order, calling fn for each; fn
// returns false to stop. With POC progressions (B.12.2), each runs over its
// volume and packets already visited are skipped.
func (td *tileDecoder) packets(fn func(l int, ref packetRef) (bool, error)) error {
	cod := td.t.p.cod
	if len(td.t.p.poc) == 0 {
		_, err := td.progression(td.order(cod.prog), cod.prog, cod.layers, nil, fn)
		return err
	}
	// done[c][r][p] counts the layers of each precinct already visited.
	done := make([][][]int, len(td.comps))
	for c, tc := range td.comps {
		done[c] = make([][]int, len(tc.res))
		for r, rl := range tc.res {
			done[c][r] = make([]int, rl.npw*rl.nph)
		}
	}
	for _, e := range td.t.p.poc {
		var refs []packetRef
		for _, ref := range td.order(e.prog) {
			if ref.r >= e.rs && ref.r < e.re && ref.c >= e.cs && ref.c < e.ce {
				refs = append(refs, ref)
			}
		}
		more, err := td.progression(refs, e.prog, min(e.lye, cod.layers), done, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// progression visits refs (sorted for prog) over layers [0, layers).
func (td *tileDecoder) progression(refs []packetRef, prog, layers int, done [][][]int, fn func(int, packetRef) (bool, error)) (bool, error) {
	visit := func(l int, ref packetRef) (bool, error) {
		if done != nil {
			d := &done[ref.c][ref.r][ref.p]
			if l != *d {
				return true, nil
			}
			*d++
		}
		return fn(l, ref)
	}
	switch prog {
	case progLRCP:
		for l := range layers {
			for _, ref := range refs {
				if more, err := visit(l, ref); err != nil || !more {
					return false, err
				}
			}
		}
	case progRLCP:
		for start := 0; start < len(refs); {
			end := start
			for end < len(refs) && refs[end].r == refs[start].r {
				end++
			}
			for l := range layers {
				for _, ref := range refs[start:end] {
					if more, err := visit(l, ref); err != nil || !more {
						return false, err
					}
				}
			}
			start = end
		}
	default:
		for _, ref := range refs {
			for l := range layers {
				if more, err := visit(l, ref); err != nil || !more {
					return false, err
				}
			}
		}
	}
	return true, nil
}

// pendingSeg is a code-block contribution whose bytes follow the header.
type pendingSeg struct {
	cb  *codeBlock
	seg int
	n   int
}

// readPackets runs tier-2 (B.9, B.10) over the tile's data.
func (td *tileDecoder) readPackets() error {
	cod := td.t.p.cod
	data := td.t.parts[0]
	if len(td.t.parts) > 1 {
		data = slices.Concat(td.t.parts...)
	}
	pos := 0
	var pend []pendingSeg
	return td.packets(func(l int, ref packetRef) (bool, error) {
		if pos >= len(data) {
			// The data ends at a packet boundary: the remaining packets are
			// absent, which encoders that truncate layers produce.
			return false, nil
		}
		tc := td.comps[ref.c]
		rl := tc.res[ref.r]
		start := pos
		if cod.sop && pos+6 <= len(data) && data[pos] == 0xFF && data[pos+1] == 0x91 {
			pos += 6
		}
		br := bitReader{data: data[pos:]}
		pend = pend[:0]
		if br.bit() != 0 {
			for _, b := range rl.bands {
				if b.empty() {
					continue
				}
				pr := b.precinct(rl, ref.p)
				for i := range pr.blocks {
					cb := &pr.blocks[i]
					var inc bool
					if !cb.included {
						inc = pr.incl.decode(&br, i, int32(l+1))
					} else {
						inc = br.bit() != 0
					}
					if !inc {
						continue
					}
					if !cb.included {
						n := int32(0)
						for !pr.zbp.decode(&br, i, n) {
							n++
							if n > 80 || br.overrun {
								return false, td.packetErr(start, "zero bit-planes", "more than 80 zero bit-planes")
							}
						}
						cb.numbps = b.mb + 1 - int(n)
						cb.lblock = 3
						cb.included = true
					}
					np := numPasses(&br)
					for br.bit() != 0 {
						cb.lblock++
						if cb.lblock > 32 || br.overrun {
							return false, td.packetErr(start, "Lblock", "length indicator too long")
						}
					}
					for np > 0 {
						if len(cb.segs) == 0 || cb.segs[len(cb.segs)-1].passes == cb.segs[len(cb.segs)-1].maxpasses {
							cb.segs = append(cb.segs, segInfo{maxpasses: maxPasses(cb.segs, tc.cc.style)})
						}
						si := len(cb.segs) - 1
						seg := &cb.segs[si]
						take := min(seg.maxpasses-seg.passes, np)
						nbits := cb.lblock + floorLog2(take)
						if nbits > 32 {
							return false, td.packetErr(start, "codeword length", "%d-bit length", nbits)
						}
						n := br.bits(nbits)
						seg.passes += take
						np -= take
						pend = append(pend, pendingSeg{cb, si, n})
					}
					if br.overrun {
						return false, td.packetErr(start, "packet header", "header runs past the tile data")
					}
				}
			}
		}
		br.align()
		if br.overrun {
			return false, truncated(td.cs.base+td.t.offset, td.field(fmt.Sprintf("packet header at tile data offset %d", start)))
		}
		pos += br.pos
		if cod.eph && pos+2 <= len(data) && data[pos] == 0xFF && data[pos+1] == 0x92 {
			pos += 2
		}
		for _, ps := range pend {
			if ps.n > len(data)-pos {
				return false, truncated(td.cs.base+td.t.offset, td.field(fmt.Sprintf("packet body at tile data offset %d", start)))
			}
			ps.cb.data = append(ps.cb.data, data[pos:pos+ps.n]...)
			ps.cb.segs[ps.seg].length += ps.n
			pos += ps.n
		}
		return true, nil
	})
}

func (td *tileDecoder) packetErr(start int, field, format string, args ...any) error {
	return malformed(td.cs.base+td.t.offset, td.field(fmt.Sprintf("packet at tile data offset %d, %s", start, field)), format, args...)
}

// numPasses reads the number of coding passes (Table B.4).
func numPasses(br *bitReader) int {
	if br.bit() == 0 {
		return 1
	}
	if br.bit() == 0 {
		return 2
	}
	if n := br.bits(2); n != 3 {
		return 3 + n
	}
	if n := br.bits(5); n != 31 {
		return 6 + n
	}
	return 37 + br.bits(7)
}

// maxPasses is the number of passes the next codeword segment can hold.
func maxPasses(segs []segInfo, style int) int {
	switch {
	case style&styleTermAll != 0:
		return 1
	case style&styleBypass != 0:
		if len(segs) == 0 {
			return 10
		}
		if p := segs[len(segs)-1].maxpasses; p == 1 || p == 10 {
			return 2
		}
		return 1
	}
	return 109
}

func floorLog2(n int) int {
	l := -1
	for n > 0 {
		n >>= 1
		l++
	}
	return max(l, 0)
}

// decodeBlocks runs tier-1 on every code-block that received data and stores
// the dequantised coefficients in the tile-component buffers (E.1).
func (td *tileDecoder) decodeBlocks() error {
	for _, tc := range td.comps {
		w, h := tc.x1-tc.x0, tc.y1-tc.y0
		if tc.cc.reversible {
			tc.ibuf = make([]int32, w*h)
		} else {
			tc.fbuf = make([]float32, w*h)
		}
		for _, rl := range tc.res {
			for _, b := range rl.bands {
				for _, pr := range b.precs {
					if pr == nil {
						continue
					}
					for i := range pr.blocks {
						cb := &pr.blocks[i]
						if len(cb.segs) == 0 {
							continue
						}
						if err := td.decodeBlock(tc, b, cb, w); err != nil {
							return err
						}
						cb.data = nil
					}
				}
			}
		}
	}
	return nil
}

func (td *tileDecoder) decodeBlock(tc *tileComp, b *subband, cb *codeBlock, stride int) error {
	numbps := cb.numbps + tc.roi
	if numbps >= 31 {
		return unsupported(td.cs.base+td.t.offset, td.field("code-block"), "%d bit-planes", numbps)
	}
	if numbps <= 0 {
		return nil
	}
	t := &td.t1
	t.decodeBlock(cb, b.orient, tc.cc.style, numbps)
	if tc.roi > 0 {
		thresh := int32(1) << tc.roi
		for i, v := range t.data {
			mag := v
			if mag < 0 {
				mag = -mag
			}
			if mag >= thresh {
				mag >>= tc.roi
				if v < 0 {
					mag = -mag
				}
				t.data[i] = mag
			}
		}
	}
	bw := cb.x1 - cb.x0
	x0 := cb.x0 - b.x0 + b.offx
	y0 := cb.y0 - b.y0 + b.offy
	for y := 0; y < cb.y1-cb.y0; y++ {
		src := t.data[y*bw : (y+1)*bw]
		o := (y0+y)*stride + x0
		if tc.ibuf != nil {
			dst := tc.ibuf[o : o+bw]
			for i, v := range src {
				dst[i] = v / 2
			}
		} else {
			dst := tc.fbuf[o : o+bw]
			for i, v := range src {
				dst[i] = float32(v) * b.halfStep
			}
		}
	}
	return nil
}
