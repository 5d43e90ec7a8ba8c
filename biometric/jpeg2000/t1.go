package jpeg2000

// Tier-1 decoding (T.800 Annex D): the three coding passes over the bit
// planes of one code-block. Coefficients are kept, like OpenJPEG does, with one
// extra fractional bit: a coefficient that becomes significant in bit plane p
// is set to 1.5·2^p (the midpoint reconstruction of E.1.1.2), and every later
// refinement bit moves it by a quarter of the remaining interval. The caller
// halves the values.

// Code-block style bits of SPcod/SPcoc (T.800 Table A.19).
const (
	styleBypass  = 0x01 // selective arithmetic coding bypass
	styleReset   = 0x02 // reset context probabilities on coding pass boundaries
	styleTermAll = 0x04 // termination on each coding pass
	styleVSC     = 0x08 // vertically causal context
	stylePTerm   = 0x10 // predictable termination
	styleSegSym  = 0x20 // segmentation symbols
	styleHT      = 0x40 // high-throughput block coder (ITU-T T.814), unsupported
)

// Per-coefficient state flags.
const (
	fSig     = 1 // significant
	fNeg     = 2 // sign: negative
	fVisited = 4 // coded in this bit plane's significance propagation pass
	fRefined = 8 // refined at least once
)

// zcTable[orient][h][v][d] is the zero-coding context label of Table D.1.
var zcTable = buildZC()

func buildZC() (t [4][3][3][5]uint8) {
	for o := range 4 {
		for h := range 3 {
			for v := range 3 {
				for d := range 5 {
					t[o][h][v][d] = zcContext(o, h, v, d)
				}
			}
		}
	}
	return t
}

func zcContext(orient, h, v, d int) uint8 {
	if orient == 1 { // HL: horizontal and vertical swap roles
		h, v = v, h
	}
	if orient == 3 { // HH
		hv := h + v
		switch {
		case d >= 3:
			return 8
		case d == 2:
			if hv >= 1 {
				return 7
			}
			return 6
		case d == 1:
			if hv >= 2 {
				return 5
			}
			if hv == 1 {
				return 4
			}
			return 3
		default:
			if hv >= 2 {
				return 2
			}
			return uint8(hv)
		}
	}
	switch {
	case h == 2:
		return 8
	case h == 1:
		if v >= 1 {
			return 7
		}
		if d >= 1 {
			return 6
		}
		return 5
	case v == 2:
		return 4
	case v == 1:
		return 3
	case d >= 2:
		return 2
	default:
		return uint8(d)
	}
}

// scTable maps (horizontal contribution+1, vertical contribution+1) to the
// sign-coding context and XOR bit of Table D.3.
var scTable = [3][3]struct{ ctx, xor uint8 }{
	{{13, 1}, {12, 1}, {11, 1}}, // H = -1; V = -1, 0, 1
	{{10, 1}, {9, 0}, {10, 0}},  // H = 0
	{{11, 0}, {12, 0}, {13, 0}}, // H = 1
}

// t1 holds the scratch state for decoding code-blocks; it is reused across
// code-blocks of a tile.
type t1 struct {
	w, h   int
	data   []int32
	flags  []uint8 // (w+2)*(h+2), one coefficient of padding all round
	nbr    []uint8 // per flags position: significant neighbour counts, see nbrH
	fs     int     // flags stride
	orient int
	vsc    bool
	mq     mqDecoder
	raw    rawDecoder
}

func (t *t1) reset(w, h int) {
	t.w, t.h = w, h
	n := w * h
	if cap(t.data) < n {
		t.data = make([]int32, n)
	}
	t.data = t.data[:n]
	clear(t.data)
	t.fs = w + 2
	nf := (w + 2) * (h + 2)
	if cap(t.flags) < nf {
		t.flags = make([]uint8, nf)
	}
	t.flags = t.flags[:nf]
	clear(t.flags)
	if cap(t.nbr) < nf {
		t.nbr = make([]uint8, nf)
	}
	t.nbr = t.nbr[:nf]
	clear(t.nbr)
}

// A coefficient's nbr byte counts its significant neighbours: horizontal in
// bits 0-1, vertical in bits 2-3, diagonal in bits 4-6. Under the
// vertically causal style a coefficient in the first row of a stripe does
// not count towards the stripe above (D.7).
const (
	nbrH = 1
	nbrV = 1 << 2
	nbrD = 1 << 4
)

// zcLUT[orient][nbr] is the zero-coding context for a neighbour byte.
var zcLUT = buildZCLUT()

func buildZCLUT() (t [4][128]uint8) {
	for o := range 4 {
		for n := range 128 {
			h, v, d := n&3, n>>2&3, n>>4
			if h > 2 || v > 2 || d > 4 {
				continue
			}
			t[o][n] = zcTable[o][h][v][d]
		}
	}
	return t
}

// markSignificant updates the neighbour counts around flag index fi, row y.
func (t *t1) markSignificant(fi, y int) {
	s := t.fs
	n := t.nbr
	n[fi-1] += nbrH
	n[fi+1] += nbrH
	n[fi+s] += nbrV
	n[fi+s-1] += nbrD
	n[fi+s+1] += nbrD
	if !t.vsc || y&3 != 0 {
		n[fi-s] += nbrV
		n[fi-s-1] += nbrD
		n[fi-s+1] += nbrD
	}
}

// zc returns the zero-coding context of the coefficient at flag index fi.
func (t *t1) zc(fi int) int {
	return int(zcLUT[t.orient][t.nbr[fi]])
}

func contribution(f uint8) int {
	if f&fSig == 0 {
		return 0
	}
	if f&fNeg != 0 {
		return -1
	}
	return 1
}

func clamp1(x int) int {
	if x > 1 {
		return 1
	}
	if x < -1 {
		return -1
	}
	return x
}

// signContext returns the sign-coding context and XOR bit.
func (t *t1) signContext(fi, y int) (int, int) {
	f := t.flags
	s := t.fs
	hc := clamp1(contribution(f[fi-1]) + contribution(f[fi+1]))
	vn := contribution(f[fi-s])
	if !t.vsc || y&3 != 3 {
		vn += contribution(f[fi+s])
	}
	e := scTable[hc+1][clamp1(vn)+1]
	return int(e.ctx), int(e.xor)
}

func (t *t1) decodeSign(fi, y int) int {
	cx, x := t.signContext(fi, y)
	return t.mq.decode(cx) ^ x
}

func (t *t1) setSignificant(fi, di, y int, neg int, oneplushalf int32) {
	t.markSignificant(fi, y)
	if neg != 0 {
		t.data[di] = -oneplushalf
		t.flags[fi] |= fSig | fNeg
	} else {
		t.data[di] = oneplushalf
		t.flags[fi] |= fSig
	}
}

// sigPass is the significance propagation pass (D.3.1).
func (t *t1) sigPass(bp int, raw bool) {
	one := int32(1) << bp
	oph := one | one>>1
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			for y := y0; y < y1; y++ {
				fi := (y+1)*t.fs + x + 1
				if t.flags[fi]&(fSig|fVisited) != 0 || t.nbr[fi] == 0 {
					continue
				}
				di := y*t.w + x
				if raw {
					if t.raw.decode() != 0 {
						t.setSignificant(fi, di, y, t.raw.decode(), oph)
					}
				} else if t.mq.decode(t.zc(fi)) != 0 {
					t.setSignificant(fi, di, y, t.decodeSign(fi, y), oph)
				}
				t.flags[fi] |= fVisited
			}
		}
	}
}

// refPass is the magnitude refinement pass (D.3.3).
func (t *t1) refPass(bp int, raw bool) {
	half := (int32(1) << bp) >> 1
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			for y := y0; y < y1; y++ {
				fi := (y+1)*t.fs + x + 1
				if t.flags[fi]&(fSig|fVisited) != fSig {
					continue
				}
				var bit int
				if raw {
					bit = t.raw.decode()
				} else {
					cx := ctxMag + 2
					if t.flags[fi]&fRefined == 0 {
						cx = ctxMag
						if t.nbr[fi] != 0 {
							cx++
						}
					}
					bit = t.mq.decode(cx)
				}
				di := y*t.w + x
				neg := t.data[di] < 0
				if (bit == 1) != neg {
					t.data[di] += half
				} else {
					t.data[di] -= half
				}
				t.flags[fi] |= fRefined
			}
		}
	}
}

// cleanupPass is the cleanup pass (D.3.4), with the run-length mode on full
// four-row stripe columns.
func (t *t1) cleanupPass(bp int, segsym bool) {
	one := int32(1) << bp
	oph := one | one>>1
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			start := y0
			if y1-y0 == 4 && t.runnable(x, y0) {
				if t.mq.decode(ctxRun) == 0 {
					continue
				}
				r := t.mq.decode(ctxUni) << 1
				r |= t.mq.decode(ctxUni)
				y := y0 + r
				fi := (y+1)*t.fs + x + 1
				t.setSignificant(fi, y*t.w+x, y, t.decodeSign(fi, y), oph)
				start = y + 1
			}
			for y := start; y < y1; y++ {
				fi := (y+1)*t.fs + x + 1
				if t.flags[fi]&(fSig|fVisited) != 0 {
					continue
				}
				if t.mq.decode(t.zc(fi)) != 0 {
					t.setSignificant(fi, y*t.w+x, y, t.decodeSign(fi, y), oph)
				}
			}
		}
	}
	for y := 0; y < t.h; y++ {
		row := t.flags[(y+1)*t.fs+1 : (y+1)*t.fs+1+t.w]
		for i := range row {
			row[i] &^= fVisited
		}
	}
	if segsym {
		for range 4 {
			t.mq.decode(ctxUni)
		}
	}
}

// runnable reports whether the stripe column at x, rows y0..y0+3, qualifies
// for run-length coding: no coefficient significant or visited, and none with
// a significant neighbour.
func (t *t1) runnable(x, y0 int) bool {
	fi := (y0+1)*t.fs + x + 1
	for range 4 {
		if t.flags[fi]|t.nbr[fi] != 0 {
			return false
		}
		fi += t.fs
	}
	return true
}

// decodeBlock decodes the passes of one code-block. numbps is the number of
// magnitude bit planes below the zero bit planes (Mb minus the zero bit
// planes) plus the ROI shift; segs lists each codeword segment's bytes and
// pass count, in order.
func (t *t1) decodeBlock(cb *codeBlock, orient, style, numbps int) {
	t.reset(cb.x1-cb.x0, cb.y1-cb.y0)
	t.orient = orient
	t.vsc = style&styleVSC != 0
	t.mq.resetContexts()
	bpPlusOne := numbps
	passType := 2 // the first pass is a cleanup pass
	off := 0
	for _, seg := range cb.segs {
		data := cb.data[off : off+seg.length]
		off += seg.length
		raw := style&styleBypass != 0 && passType < 2 && bpPlusOne <= numbps-4
		if raw {
			t.raw.init(data)
		} else {
			t.mq.init(data)
		}
		for p := 0; p < seg.passes && bpPlusOne >= 1; p++ {
			switch passType {
			case 0:
				t.sigPass(bpPlusOne, raw)
			case 1:
				t.refPass(bpPlusOne, raw)
			case 2:
				t.cleanupPass(bpPlusOne, style&styleSegSym != 0)
			}
			if style&styleReset != 0 && !raw {
				t.mq.resetContexts()
			}
			passType++
			if passType == 3 {
				passType = 0
				bpPlusOne--
			}
		}
	}
}
