package jpeg2000

import (
	"encoding/binary"
	"fmt"
)

// Markers of T.800 Annex A.
const (
	mSOC = 0xFF4F
	mSOT = 0xFF90
	mSOD = 0xFF93
	mEOC = 0xFFD9
	mSIZ = 0xFF51
	mCOD = 0xFF52
	mCOC = 0xFF53
	mRGN = 0xFF5E
	mQCD = 0xFF5C
	mQCC = 0xFF5D
	mPOC = 0xFF5F
	mTLM = 0xFF55
	mPLM = 0xFF57
	mPLT = 0xFF58
	mPPM = 0xFF60
	mPPT = 0xFF61
	mSOP = 0xFF91
	mEPH = 0xFF92
	mCRG = 0xFF63
	mCOM = 0xFF64
	mCAP = 0xFF50
	mCPF = 0xFF59
)

// Progression orders (Table A.16).
const (
	progLRCP = iota
	progRLCP
	progRPCL
	progPCRL
	progCPRL
)

// maxComponents bounds Csiz; T.800 allows 16384, eMRTD faces use 1 or 3.
const maxComponents = 64

type component struct {
	signed bool
	prec   int
	dx, dy int
}

// compCoding is the per-component part of COD/COC (SPcod, SPcoc).
type compCoding struct {
	levels     int
	xcb, ycb   int // code-block size exponents
	style      int
	reversible bool
	ppx, ppy   []int // precinct size exponents per resolution level
}

// coding is COD: the tile-wide part and the default component coding.
type coding struct {
	sop, eph bool
	prog     int
	layers   int
	mct      int
	comp     compCoding
}

// quant is QCD/QCC (A.6.4, A.6.5).
type quant struct {
	style int // 0 none, 1 scalar derived, 2 scalar expounded
	guard int
	expn  []int
	mant  []int
}

// params holds the coding parameters in force: the main header's, or a
// tile's after its first tile-part header.
type params struct {
	cod *coding
	coc []*compCoding
	qcd *quant
	qcc []*quant
	rgn []int
	// poc lists progression order changes (A.6.6); ownPOC is set once the
	// tile's own POC replaced the main header's.
	poc    []pocEntry
	ownPOC bool
}

// pocEntry is one progression of a POC marker segment: layers [0, lye),
// resolutions [rs, re), components [cs, ce), in order prog.
type pocEntry struct {
	rs, cs, lye, re, ce, prog int
}

func (p *params) clone() *params {
	return &params{
		cod: p.cod,
		coc: append([]*compCoding(nil), p.coc...),
		qcd: p.qcd,
		qcc: append([]*quant(nil), p.qcc...),
		rgn: append([]int(nil), p.rgn...),
		poc: p.poc,
	}
}

func (p *params) compCoding(c int) *compCoding {
	if p.coc[c] != nil {
		return p.coc[c]
	}
	return &p.cod.comp
}

func (p *params) quant(c int) *quant {
	if p.qcc[c] != nil {
		return p.qcc[c]
	}
	return p.qcd
}

// codestream is a parsed main header plus the tile-parts found.
type codestream struct {
	base             int // offset of the codestream in the input
	w, h, x0, y0     int // Xsiz, Ysiz, XOsiz, YOsiz
	tw, th, tx0, ty0 int
	comps            []component
	ntx, nty         int
	main             *params
	tiles            map[int]*tileInfo
	tileOrder        []int
}

type tileInfo struct {
	index  int
	p      *params
	parts  [][]byte
	offset int // offset of the first SOT
	nparts int
}

// reader is a bounds-checked cursor over the codestream.
type reader struct {
	b   []byte
	pos int
}

func (r *reader) u8() (int, bool) {
	if r.pos+1 > len(r.b) {
		return 0, false
	}
	v := r.b[r.pos]
	r.pos++
	return int(v), true
}

func (r *reader) u16() (int, bool) {
	if r.pos+2 > len(r.b) {
		return 0, false
	}
	v := binary.BigEndian.Uint16(r.b[r.pos:])
	r.pos += 2
	return int(v), true
}

func (r *reader) u32() (uint32, bool) {
	if r.pos+4 > len(r.b) {
		return 0, false
	}
	v := binary.BigEndian.Uint32(r.b[r.pos:])
	r.pos += 4
	return v, true
}

// segment returns the body of the marker segment at r.pos (after the marker)
// and advances past it.
func (r *reader) segment(cs *codestream, name string) ([]byte, int, error) {
	off := r.pos - 2
	l, ok := r.u16()
	if !ok {
		return nil, off, truncated(cs.base+off, name+" length")
	}
	if l < 2 {
		return nil, off, malformed(cs.base+off, name+" length", "length %d", l)
	}
	if r.pos+l-2 > len(r.b) {
		return nil, off, truncated(cs.base+off, name)
	}
	body := r.b[r.pos : r.pos+l-2]
	r.pos += l - 2
	return body, off, nil
}

// parseCodestream reads the main header and indexes the tile-parts.
func parseCodestream(b []byte, base int, headerOnly bool) (*codestream, error) {
	cs := &codestream{base: base, tiles: map[int]*tileInfo{}}
	r := &reader{b: b}
	m, ok := r.u16()
	if !ok || m != mSOC {
		return nil, malformed(base, "SOC", "codestream does not start with SOC")
	}
	m, ok = r.u16()
	if !ok || m != mSIZ {
		return nil, malformed(base+2, "SIZ", "SOC not followed by SIZ")
	}
	body, off, err := r.segment(cs, "SIZ")
	if err != nil {
		return nil, err
	}
	if err := cs.parseSIZ(body, off); err != nil {
		return nil, err
	}
	cs.main = &params{coc: make([]*compCoding, len(cs.comps)), qcc: make([]*quant, len(cs.comps)), rgn: make([]int, len(cs.comps))}
	for {
		off := r.pos
		m, ok := r.u16()
		if !ok {
			return nil, truncated(base+off, "main header")
		}
		if m == mSOT || m == mEOC {
			r.pos -= 2
			break
		}
		if err := cs.headerMarker(r, m, off, cs.main, true); err != nil {
			return nil, err
		}
	}
	if cs.main.cod == nil {
		return nil, malformed(base+r.pos, "COD", "main header has no COD")
	}
	if cs.main.qcd == nil {
		return nil, malformed(base+r.pos, "QCD", "main header has no QCD")
	}
	if headerOnly {
		return cs, nil
	}
	return cs, cs.parseTileParts(r)
}

func (cs *codestream) parseSIZ(b []byte, off int) error {
	r := &reader{b: b}
	field := func(name string) error { return truncated(cs.base+off, "SIZ "+name) }
	if _, ok := r.u16(); !ok { // Rsiz: capabilities; Part 1 decoders read any profile
		return field("Rsiz")
	}
	var v [8]uint32
	names := [8]string{"Xsiz", "Ysiz", "XOsiz", "YOsiz", "XTsiz", "YTsiz", "XTOsiz", "YTOsiz"}
	for i := range v {
		x, ok := r.u32()
		if !ok {
			return field(names[i])
		}
		if x > 1<<31-1 {
			return malformed(cs.base+off, "SIZ "+names[i], "value %d out of range", x)
		}
		v[i] = x
	}
	cs.w, cs.h, cs.x0, cs.y0 = int(v[0]), int(v[1]), int(v[2]), int(v[3])
	cs.tw, cs.th, cs.tx0, cs.ty0 = int(v[4]), int(v[5]), int(v[6]), int(v[7])
	switch {
	case cs.x0 >= cs.w || cs.y0 >= cs.h:
		return malformed(cs.base+off, "SIZ Xsiz", "empty image area %dx%d at offset %d,%d", cs.w, cs.h, cs.x0, cs.y0)
	case cs.tw == 0 || cs.th == 0:
		return malformed(cs.base+off, "SIZ XTsiz", "zero tile size")
	case cs.tx0 > cs.x0 || cs.ty0 > cs.y0 || cs.tx0+cs.tw <= cs.x0 || cs.ty0+cs.th <= cs.y0:
		return malformed(cs.base+off, "SIZ XTOsiz", "first tile does not cover the image origin")
	}
	cs.ntx = ceilDiv(cs.w-cs.tx0, cs.tw)
	cs.nty = ceilDiv(cs.h-cs.ty0, cs.th)
	if n := int64(cs.ntx) * int64(cs.nty); n > 65535 {
		return malformed(cs.base+off, "SIZ XTsiz", "%d tiles, more than 65535", n)
	}
	n, ok := r.u16()
	if !ok {
		return field("Csiz")
	}
	if n == 0 {
		return malformed(cs.base+off, "SIZ Csiz", "no components")
	}
	if n > maxComponents {
		return unsupported(cs.base+off, "SIZ Csiz", "%d components, at most %d", n, maxComponents)
	}
	for i := range n {
		s, ok1 := r.u8()
		dx, ok2 := r.u8()
		dy, ok3 := r.u8()
		if !ok1 || !ok2 || !ok3 {
			return field(fmt.Sprintf("component %d", i))
		}
		c := component{signed: s&0x80 != 0, prec: s&0x7F + 1, dx: dx, dy: dy}
		if c.prec > 16 {
			return unsupported(cs.base+off, fmt.Sprintf("SIZ Ssiz[%d]", i), "%d-bit samples, at most 16", c.prec)
		}
		if dx == 0 || dy == 0 {
			return malformed(cs.base+off, fmt.Sprintf("SIZ XRsiz[%d]", i), "zero subsampling")
		}
		cs.comps = append(cs.comps, c)
	}
	return nil
}

// compBounds returns the component's extent on its own sample grid (B-12).
func (cs *codestream) compBounds(c int) (x0, y0, x1, y1 int) {
	k := cs.comps[c]
	return ceilDiv(cs.x0, k.dx), ceilDiv(cs.y0, k.dy), ceilDiv(cs.w, k.dx), ceilDiv(cs.h, k.dy)
}

func ceilDiv(a, b int) int { return int((int64(a) + int64(b) - 1) / int64(b)) }

// headerMarker parses one marker segment of the main header (main true) or
// of a first tile-part header, into p.
func (cs *codestream) headerMarker(r *reader, m, off int, p *params, main bool) error {
	if m>>8 != 0xFF {
		return malformed(cs.base+off, "marker", "0x%04X is not a marker", m)
	}
	if m >= 0xFF30 && m <= 0xFF3F { // reserved markers without a segment
		return nil
	}
	name := markerName(m)
	body, off, err := r.segment(cs, name)
	if err != nil {
		return err
	}
	switch m {
	case mCOD:
		c, err := cs.parseCOD(body, off)
		if err != nil {
			return err
		}
		p.cod = c
		// A COD in a tile header overrides the main COCs (A.6.1 precedence).
		if !main {
			for i := range p.coc {
				p.coc[i] = nil
			}
		}
	case mCOC:
		ci, cc, err := cs.parseCOC(body, off)
		if err != nil {
			return err
		}
		p.coc[ci] = cc
	case mQCD:
		q, err := cs.parseQuant(body, off, "QCD")
		if err != nil {
			return err
		}
		p.qcd = q
		if !main {
			for i := range p.qcc {
				p.qcc[i] = nil
			}
		}
	case mQCC:
		ci, n, err := cs.compIndex(body, off, "QCC")
		if err != nil {
			return err
		}
		q, err := cs.parseQuant(body[n:], off, "QCC")
		if err != nil {
			return err
		}
		p.qcc[ci] = q
	case mRGN:
		ci, n, err := cs.compIndex(body, off, "RGN")
		if err != nil {
			return err
		}
		if len(body) < n+2 {
			return truncated(cs.base+off, "RGN")
		}
		if body[n] != 0 {
			return unsupported(cs.base+off, "RGN Srgn", "ROI style %d", body[n])
		}
		p.rgn[ci] = int(body[n+1])
	case mPOC:
		entries, err := cs.parsePOC(body, off)
		if err != nil {
			return err
		}
		if !main && !p.ownPOC {
			p.poc, p.ownPOC = nil, true
		}
		p.poc = append(p.poc[:len(p.poc):len(p.poc)], entries...)
	case mPPM, mPPT:
		return unsupported(cs.base+off, name, "packed packet headers")
	case mCAP, mCPF:
		return unsupported(cs.base+off, name, "ITU-T T.814 (HTJ2K) codestream")
	case mSIZ, mSOC, mSOD, mEOC, mSOP, mEPH:
		return malformed(cs.base+off, name, "marker out of place")
	default:
		// TLM, PLM, PLT, CRG, COM and unknown segments carry nothing the
		// decoder needs.
	}
	return nil
}

func markerName(m int) string {
	switch m {
	case mCOD:
		return "COD"
	case mCOC:
		return "COC"
	case mQCD:
		return "QCD"
	case mQCC:
		return "QCC"
	case mRGN:
		return "RGN"
	case mPOC:
		return "POC"
	case mPPM:
		return "PPM"
	case mPPT:
		return "PPT"
	case mTLM:
		return "TLM"
	case mPLM:
		return "PLM"
	case mPLT:
		return "PLT"
	case mCRG:
		return "CRG"
	case mCOM:
		return "COM"
	case mSIZ:
		return "SIZ"
	case mSOT:
		return "SOT"
	case mSOD:
		return "SOD"
	case mEOC:
		return "EOC"
	}
	return fmt.Sprintf("marker 0x%04X", m)
}

func (cs *codestream) compIndex(b []byte, off int, name string) (int, int, error) {
	n := 1
	if len(cs.comps) >= 257 {
		n = 2
	}
	if len(b) < n {
		return 0, 0, truncated(cs.base+off, name)
	}
	c := int(b[0])
	if n == 2 {
		c = int(binary.BigEndian.Uint16(b))
	}
	if c >= len(cs.comps) {
		return 0, 0, malformed(cs.base+off, name+" component", "component %d of %d", c, len(cs.comps))
	}
	return c, n, nil
}

func (cs *codestream) parsePOC(b []byte, off int) ([]pocEntry, error) {
	cw := 1
	if len(cs.comps) >= 257 {
		cw = 2
	}
	n := 5 + 2*cw
	if len(b) == 0 || len(b)%n != 0 {
		return nil, malformed(cs.base+off, "POC Lpoc", "length %d is not a multiple of %d", len(b)+2, n)
	}
	comp := func(p []byte) int {
		if cw == 2 {
			return int(binary.BigEndian.Uint16(p))
		}
		return int(p[0])
	}
	var out []pocEntry
	for i := 0; i < len(b); i += n {
		p := b[i:]
		e := pocEntry{rs: int(p[0]), cs: comp(p[1:])}
		q := p[1+cw:]
		e.lye = int(binary.BigEndian.Uint16(q))
		e.re = int(q[2])
		e.ce = comp(q[3:])
		if e.ce == 0 && cw == 1 {
			e.ce = 256
		}
		e.prog = int(q[3+cw])
		if e.prog > progCPRL {
			return nil, malformed(cs.base+off, "POC Ppoc", "progression order %d", e.prog)
		}
		if e.re <= e.rs || e.ce <= e.cs || e.lye == 0 {
			return nil, malformed(cs.base+off, "POC", "empty progression (resolutions %d-%d, components %d-%d, %d layers)", e.rs, e.re, e.cs, e.ce, e.lye)
		}
		out = append(out, e)
	}
	return out, nil
}

func (cs *codestream) parseCOD(b []byte, off int) (*coding, error) {
	if len(b) < 5 {
		return nil, truncated(cs.base+off, "COD")
	}
	c := &coding{
		sop:    b[0]&2 != 0,
		eph:    b[0]&4 != 0,
		prog:   int(b[1]),
		layers: int(binary.BigEndian.Uint16(b[2:])),
		mct:    int(b[4]),
	}
	if b[0]&^7 != 0 {
		return nil, unsupported(cs.base+off, "COD Scod", "coding style 0x%02X", b[0])
	}
	if c.prog > progCPRL {
		return nil, malformed(cs.base+off, "COD progression order", "order %d", c.prog)
	}
	if c.layers == 0 {
		return nil, malformed(cs.base+off, "COD layers", "zero layers")
	}
	if c.mct > 1 {
		return nil, unsupported(cs.base+off, "COD MCT", "multiple component transform %d", c.mct)
	}
	cc, err := cs.parseSPcod(b[5:], b[0]&1 != 0, off, "COD")
	if err != nil {
		return nil, err
	}
	c.comp = *cc
	return c, nil
}

func (cs *codestream) parseCOC(b []byte, off int) (int, *compCoding, error) {
	ci, n, err := cs.compIndex(b, off, "COC")
	if err != nil {
		return 0, nil, err
	}
	if len(b) < n+1 {
		return 0, nil, truncated(cs.base+off, "COC")
	}
	cc, err := cs.parseSPcod(b[n+1:], b[n]&1 != 0, off, "COC")
	return ci, cc, err
}

func (cs *codestream) parseSPcod(b []byte, custom bool, off int, name string) (*compCoding, error) {
	if len(b) < 5 {
		return nil, truncated(cs.base+off, name+" SPcod")
	}
	cc := &compCoding{
		levels:     int(b[0]),
		xcb:        int(b[1]) + 2,
		ycb:        int(b[2]) + 2,
		style:      int(b[3]),
		reversible: b[4] == 1,
	}
	switch {
	case cc.levels > 32:
		return nil, malformed(cs.base+off, name+" decomposition levels", "%d levels", cc.levels)
	case cc.xcb > 10 || cc.ycb > 10 || cc.xcb+cc.ycb > 12:
		return nil, malformed(cs.base+off, name+" code-block size", "2^%d x 2^%d", cc.xcb, cc.ycb)
	case cc.style&styleHT != 0 || cc.style&0x80 != 0:
		return nil, unsupported(cs.base+off, name+" code-block style", "style 0x%02X", cc.style)
	case b[4] > 1:
		return nil, unsupported(cs.base+off, name+" transformation", "wavelet %d", b[4])
	}
	cc.ppx = make([]int, cc.levels+1)
	cc.ppy = make([]int, cc.levels+1)
	for r := range cc.ppx {
		cc.ppx[r], cc.ppy[r] = 15, 15
	}
	if custom {
		if len(b) < 5+cc.levels+1 {
			return nil, truncated(cs.base+off, name+" precinct sizes")
		}
		for r := 0; r <= cc.levels; r++ {
			v := int(b[5+r])
			cc.ppx[r], cc.ppy[r] = v&15, v>>4
			if r > 0 && (cc.ppx[r] == 0 || cc.ppy[r] == 0) {
				return nil, malformed(cs.base+off, name+" precinct sizes", "zero precinct exponent at resolution %d", r)
			}
		}
	}
	return cc, nil
}

func (cs *codestream) parseQuant(b []byte, off int, name string) (*quant, error) {
	if len(b) < 1 {
		return nil, truncated(cs.base+off, name)
	}
	q := &quant{style: int(b[0] & 0x1F), guard: int(b[0] >> 5)}
	b = b[1:]
	switch q.style {
	case 0:
		for _, v := range b {
			q.expn = append(q.expn, int(v>>3))
			q.mant = append(q.mant, 0)
		}
	case 1, 2:
		for i := 0; i+1 < len(b); i += 2 {
			v := int(binary.BigEndian.Uint16(b[i:]))
			q.expn = append(q.expn, v>>11)
			q.mant = append(q.mant, v&0x7FF)
		}
	default:
		return nil, malformed(cs.base+off, name+" Sqcd", "quantization style %d", q.style)
	}
	if len(q.expn) == 0 {
		return nil, malformed(cs.base+off, name+" SPqcd", "no step sizes")
	}
	if q.style == 1 && len(q.expn) != 1 {
		q.expn, q.mant = q.expn[:1], q.mant[:1]
	}
	return q, nil
}

// step returns the exponent and mantissa for subband band (0 = LL, then HL,
// LH, HH per resolution level from the lowest), E.1 and A.6.4.
func (q *quant) step(band int) (expn, mant int, ok bool) {
	if q.style == 1 {
		e := q.expn[0]
		if band > 0 {
			e -= (band - 1) / 3
		}
		return max(e, 0), q.mant[0], true
	}
	if band >= len(q.expn) {
		return 0, 0, false
	}
	return q.expn[band], q.mant[band], true
}

// parseTileParts walks SOT segments to EOC.
func (cs *codestream) parseTileParts(r *reader) error {
	for {
		off := r.pos
		m, ok := r.u16()
		if !ok {
			// A missing EOC is common in the wild and harmless.
			return nil
		}
		if m == mEOC {
			return nil
		}
		if m != mSOT {
			return malformed(cs.base+off, "SOT", "expected SOT, found 0x%04X", m)
		}
		body, _, err := r.segment(cs, "SOT")
		if err != nil {
			return err
		}
		if len(body) != 8 {
			return malformed(cs.base+off, "SOT Lsot", "length %d", len(body)+2)
		}
		isot := int(binary.BigEndian.Uint16(body))
		psot := int(binary.BigEndian.Uint32(body[2:]))
		if isot >= cs.ntx*cs.nty {
			return malformed(cs.base+off, "SOT Isot", "tile %d of %d", isot, cs.ntx*cs.nty)
		}
		end := len(r.b)
		if psot != 0 {
			if psot < 14 || off+psot > len(r.b) {
				if off+psot > len(r.b) {
					return truncated(cs.base+off, fmt.Sprintf("tile %d tile-part", isot))
				}
				return malformed(cs.base+off, "SOT Psot", "length %d", psot)
			}
			end = off + psot
		} else if end >= 2 && binary.BigEndian.Uint16(r.b[end-2:]) == mEOC {
			end -= 2
		}
		t := cs.tiles[isot]
		first := t == nil
		if first {
			t = &tileInfo{index: isot, p: cs.main.clone(), offset: off}
			cs.tiles[isot] = t
			cs.tileOrder = append(cs.tileOrder, isot)
		}
		t.nparts++
		for {
			moff := r.pos
			m, ok := r.u16()
			if !ok || r.pos > end {
				return truncated(cs.base+moff, fmt.Sprintf("tile %d header", isot))
			}
			if m == mSOD {
				break
			}
			if !first {
				// Later tile-parts may only carry POC, PPT, PLT and COM;
				// coding parameters are fixed by the first.
				switch m {
				case mCOD, mCOC, mQCD, mQCC, mRGN:
					return malformed(cs.base+moff, markerName(m), "coding parameters in a non-first tile-part")
				}
			}
			if err := cs.headerMarker(r, m, moff, t.p, false); err != nil {
				return err
			}
			if r.pos > end {
				return malformed(cs.base+moff, markerName(m), "segment runs past the tile-part")
			}
		}
		t.parts = append(t.parts, r.b[r.pos:end])
		r.pos = end
	}
}
