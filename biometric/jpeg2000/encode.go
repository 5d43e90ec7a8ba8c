package jpeg2000

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
)

// EncodeOptions configures Encode. A nil *EncodeOptions, like the zero value,
// writes a lossless JP2 file.
type EncodeOptions struct {
	// TargetSize, when positive, is the most bytes the output may take:
	// Encode truncates each code-block's coding passes where the weighted
	// distortion per byte is lowest (post-compression rate-distortion
	// optimisation, T.800 J.14.5) until the file fits. Zero keeps every
	// pass, which is lossless. About 15000-20000 suits an eMRTD face of
	// 480×640.
	TargetSize int
	// Levels is the number of wavelet decomposition levels; zero means 5,
	// reduced for images too small for them.
	Levels int
	// Codestream writes a bare J2K codestream instead of a JP2 file.
	Codestream bool
	// Irreversible selects the 9/7 wavelet, scalar quantisation and, for
	// colour, the ICT, as eMRTD issuers' encoders use: about 0.5 dB more
	// PSNR than the default 5/3 at passport sizes, but never lossless.
	Irreversible bool
}

// MaxEncodePixels bounds the images Encode accepts.
const MaxEncodePixels = 1 << 26

// ErrTargetTooSmall reports a TargetSize smaller than the headers of the
// file (or than the smallest file that shows anything at all).
var ErrTargetTooSmall = errors.New("jpeg2000: target size too small")

// The encoder writes one tile, code-blocks of 64×64, one precinct per
// resolution, one quality layer in LRCP order, the reversible 5/3 wavelet
// and, for colour, the reversible component transform (RCT); 8-bit samples.
const (
	encCBExp    = 6
	encDefLevel = 5
)

type encBand struct {
	orient         int
	x0, y0, x1, y1 int     // in the component's Mallat-layout buffer
	eps            int     // exponent ε_b of the QCD
	mant           int     // mantissa μ_b (irreversible only)
	step           float32 // quantisation step Δ_b (irreversible only)
	weight         float64
	blocks         []encBlock
	cw, ch         int
}

type encBlock struct {
	numbps int
	data   []byte
	passes []passInfo
	// hull lists the pass counts on the convex hull of (rate, distortion),
	// with the slope to reach each from the previous.
	hull   []int
	slopes []float64
	chosen int // passes included
}

type encComp struct {
	res [][]*encBand // per resolution, its bands
}

// Encode writes img as JPEG 2000: *image.Gray (and images whose colour model
// is grey) as one component, anything else as RGB (alpha is dropped).
// Errors: img larger than MaxEncodePixels or empty, ErrTargetTooSmall, and
// w's errors.
func Encode(w io.Writer, img image.Image, o *EncodeOptions) error {
	var opts EncodeOptions
	if o != nil {
		opts = *o
	}
	b, err := encode(img, opts)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func encode(img image.Image, opts EncodeOptions) ([]byte, error) {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("jpeg2000: empty image %v", r)
	}
	if int64(w)*int64(h) > MaxEncodePixels {
		return nil, fmt.Errorf("jpeg2000: image %dx%d exceeds %d pixels", w, h, MaxEncodePixels)
	}
	planes := samples(img)
	nc := len(planes)
	for _, p := range planes {
		for i := range p {
			p[i] -= 128
		}
	}
	irr := opts.Irreversible
	var fplanes [][]float32
	switch {
	case irr:
		fplanes = make([][]float32, nc)
		for c, p := range planes {
			fplanes[c] = make([]float32, len(p))
			for i, v := range p {
				fplanes[c][i] = float32(v)
			}
		}
		if nc == 3 { // ICT (G.3)
			r, g, b := fplanes[0], fplanes[1], fplanes[2]
			for i := range r {
				R, G, B := float64(r[i]), float64(g[i]), float64(b[i])
				r[i] = float32(0.299*R + 0.587*G + 0.114*B)
				g[i] = float32(-0.16875*R - 0.33126*G + 0.5*B)
				b[i] = float32(0.5*R - 0.41869*G - 0.08131*B)
			}
		}
	case nc == 3: // RCT (G.2), reversible
		rr, gg, bb := planes[0], planes[1], planes[2]
		for i := range rr {
			R, G, B := rr[i], gg[i], bb[i]
			rr[i], gg[i], bb[i] = (R+2*G+B)>>2, B-G, R-G
		}
	}
	levels := opts.Levels
	if levels <= 0 {
		levels = encDefLevel
	}
	levels = min(levels, 32)
	for levels > 0 && (w>>levels == 0 || h>>levels == 0) {
		levels--
	}
	// Norms of the inverse component transforms' columns (Annex G).
	compNorm := []float64{1}
	switch {
	case nc == 3 && irr:
		compNorm = []float64{math.Sqrt(3), math.Hypot(0.34413, 1.772), math.Hypot(1.402, 0.71414)}
	case nc == 3:
		compNorm = []float64{math.Sqrt(3), math.Sqrt(11) / 4, math.Sqrt(11) / 4}
	}
	comps := make([]*encComp, nc)
	var t1e t1Encoder
	for c, p := range planes {
		if irr {
			forwardDWT97(fplanes[c], w, h, levels)
			fplanes[c] = quantize(fplanes[c], p, w, h, levels)
		} else {
			forwardDWT53(p, w, h, levels)
		}
		comps[c] = buildBands(p, w, h, levels, compNorm[c], nc == 3 && c > 0, irr, &t1e)
	}
	// Guard bits: enough that no code-block has more magnitude bit planes
	// than Mb = G + ε_b − 1 (E-2).
	guard := 1
	for _, ec := range comps {
		for _, bands := range ec.res {
			for _, b := range bands {
				for _, cb := range b.blocks {
					guard = max(guard, cb.numbps-b.eps+1)
				}
			}
		}
	}
	if guard > 7 {
		return nil, fmt.Errorf("jpeg2000: coefficients need %d guard bits, more than 7", guard)
	}
	e := &cstreamWriter{w: w, h: h, nc: nc, levels: levels, guard: guard, comps: comps, irr: irr}
	for _, ec := range comps {
		for _, bands := range ec.res {
			for _, b := range bands {
				for i := range b.blocks {
					b.blocks[i].buildHull(b.weight)
				}
			}
		}
	}
	if opts.TargetSize <= 0 {
		e.choose(-1)
		return e.write(opts.Codestream), nil
	}
	// Bisect the slope threshold λ for the largest file within the target.
	e.choose(math.Inf(1))
	smallest := e.write(opts.Codestream)
	if len(smallest) > opts.TargetSize {
		return nil, fmt.Errorf("%w: %d bytes, the smallest file is %d", ErrTargetTooSmall, opts.TargetSize, len(smallest))
	}
	e.choose(-1)
	if all := e.write(opts.Codestream); len(all) <= opts.TargetSize {
		return all, nil
	}
	lo, hi := -60.0, 60.0 // log2 λ
	best := smallest
	for range 40 {
		mid := (lo + hi) / 2
		e.choose(math.Exp2(mid))
		out := e.write(opts.Codestream)
		if len(out) <= opts.TargetSize {
			best = out
			hi = mid
		} else {
			lo = mid
		}
	}
	return best, nil
}

// samples returns the image's components as int32 planes: one for grey
// images, three (R, G, B) otherwise.
func samples(img image.Image) [][]int32 {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	switch m := img.(type) {
	case *image.Gray:
		p := make([]int32, w*h)
		for y := range h {
			row := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):][:w]
			for x, v := range row {
				p[y*w+x] = int32(v)
			}
		}
		return [][]int32{p}
	case *image.RGBA:
		return rgbPlanes(m.Pix, m.Stride, m.PixOffset(r.Min.X, r.Min.Y), w, h)
	case *image.NRGBA:
		return rgbPlanes(m.Pix, m.Stride, m.PixOffset(r.Min.X, r.Min.Y), w, h)
	}
	if img.ColorModel() == color.GrayModel || img.ColorModel() == color.Gray16Model {
		p := make([]int32, w*h)
		for y := range h {
			for x := range w {
				p[y*w+x] = int32(color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y)
			}
		}
		return [][]int32{p}
	}
	pl := [][]int32{make([]int32, w*h), make([]int32, w*h), make([]int32, w*h)}
	for y := range h {
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.NRGBA)
			i := y*w + x
			pl[0][i], pl[1][i], pl[2][i] = int32(c.R), int32(c.G), int32(c.B)
		}
	}
	return pl
}

func rgbPlanes(pix []uint8, stride, off, w, h int) [][]int32 {
	pl := [][]int32{make([]int32, w*h), make([]int32, w*h), make([]int32, w*h)}
	for y := range h {
		row := pix[off+y*stride:][:4*w]
		for x := range w {
			i := y*w + x
			pl[0][i], pl[1][i], pl[2][i] = int32(row[4*x]), int32(row[4*x+1]), int32(row[4*x+2])
		}
	}
	return pl
}

// buildBands cuts a transformed plane into subbands and code-blocks and
// runs tier-1 on each block.
func buildBands(p []int32, w, h, levels int, compNorm float64, chroma, irr bool, t1e *t1Encoder) *encComp {
	ec := &encComp{res: make([][]*encBand, levels+1)}
	// Widths of each resolution (origin at 0, so ceil halving).
	rw := make([]int, levels+1)
	rh := make([]int, levels+1)
	for r := 0; r <= levels; r++ {
		rw[r], rh[r] = ceilShift(w, levels-r), ceilShift(h, levels-r)
	}
	extra := 0
	if chroma {
		extra = 1 // RCT chroma has one more bit of range
	}
	lowNorm := synthesisNorm(levels, false, irr)
	for r := 0; r <= levels; r++ {
		var bands []*encBand
		if r == 0 {
			bands = []*encBand{{orient: 0, x1: rw[0], y1: rh[0], eps: 8 + extra, weight: sq(compNorm * lowNorm * lowNorm)}}
		} else {
			lw, lh := rw[r-1], rh[r-1]
			lev := levels - r + 1
			lo, hi := synthesisNorm(lev, false, irr), synthesisNorm(lev, true, irr)
			bands = []*encBand{
				{orient: 1, x0: lw, x1: rw[r], y1: lh, eps: 9 + extra, weight: sq(compNorm * lo * hi)},
				{orient: 2, y0: lh, x1: lw, y1: rh[r], eps: 9 + extra, weight: sq(compNorm * lo * hi)},
				{orient: 3, x0: lw, y0: lh, x1: rw[r], y1: rh[r], eps: 10 + extra, weight: sq(compNorm * hi * hi)},
			}
		}
		for _, b := range bands {
			if irr {
				b.eps, b.mant, b.step = bandStep(levels, r, b.orient)
				b.weight *= sq(float64(b.step))
			}
			bw, bh := b.x1-b.x0, b.y1-b.y0
			if bw <= 0 || bh <= 0 {
				continue
			}
			b.cw, b.ch = ceilShift(bw, encCBExp), ceilShift(bh, encCBExp)
			b.blocks = make([]encBlock, b.cw*b.ch)
			buf := make([]int32, 1<<(2*encCBExp))
			for j := range b.ch {
				for i := range b.cw {
					x0, y0 := b.x0+i<<encCBExp, b.y0+j<<encCBExp
					x1, y1 := min(x0+1<<encCBExp, b.x1), min(y0+1<<encCBExp, b.y1)
					cw := x1 - x0
					src := buf[:cw*(y1-y0)]
					for y := y0; y < y1; y++ {
						copy(src[(y-y0)*cw:], p[y*w+x0:y*w+x1])
					}
					nb, data, passes := t1e.encodeBlock(src, cw, y1-y0, b.orient, nil)
					b.blocks[j*b.cw+i] = encBlock{numbps: nb, data: bytes.Clone(data), passes: passes}
				}
			}
		}
		ec.res[r] = bands
	}
	return ec
}

func sq(x float64) float64 { return x * x }

// buildHull finds the passes on the lower convex hull of the block's
// rate-distortion curve (J.14.5) and their slopes.
func (cb *encBlock) buildHull(weight float64) {
	cb.hull = cb.hull[:0]
	cb.slopes = cb.slopes[:0]
	lastR, lastD := 0.0, 0.0
	for k := 1; k <= len(cb.passes); k++ {
		r := float64(cb.passes[k-1].rate)
		d := cb.passes[k-1].dist * weight
		if d <= lastD {
			continue
		}
		if r <= lastR {
			// Free distortion: merge with the previous point.
			if len(cb.hull) > 0 {
				cb.hull[len(cb.hull)-1] = k
			} else {
				cb.hull = append(cb.hull, k)
				cb.slopes = append(cb.slopes, math.Inf(1))
			}
			lastD = d
			continue
		}
		s := (d - lastD) / (r - lastR)
		for len(cb.hull) > 0 && s >= cb.slopes[len(cb.slopes)-1] {
			cb.hull = cb.hull[:len(cb.hull)-1]
			cb.slopes = cb.slopes[:len(cb.slopes)-1]
			lastR, lastD = 0, 0
			if n := len(cb.hull); n > 0 {
				lastR = float64(cb.passes[cb.hull[n-1]-1].rate)
				lastD = cb.passes[cb.hull[n-1]-1].dist * weight
			}
			s = (d - lastD) / (r - lastR)
		}
		cb.hull = append(cb.hull, k)
		cb.slopes = append(cb.slopes, s)
		lastR, lastD = r, d
	}
}

// cstreamWriter assembles the codestream from the coded blocks.
type cstreamWriter struct {
	w, h, nc, levels, guard int
	comps                   []*encComp
	irr                     bool
}

// choose sets each block's passes: all of them when lambda < 0, else the
// hull points whose slope is at least lambda.
func (e *cstreamWriter) choose(lambda float64) {
	for _, ec := range e.comps {
		for _, bands := range ec.res {
			for _, b := range bands {
				for i := range b.blocks {
					cb := &b.blocks[i]
					if lambda < 0 {
						cb.chosen = len(cb.passes)
						continue
					}
					cb.chosen = 0
					for j, s := range cb.slopes {
						if s < lambda {
							break
						}
						cb.chosen = cb.hull[j]
					}
				}
			}
		}
	}
}

func (e *cstreamWriter) write(codestream bool) []byte {
	var cs []byte
	u16 := func(v int) { cs = binary.BigEndian.AppendUint16(cs, uint16(v)) }
	u32 := func(v int) { cs = binary.BigEndian.AppendUint32(cs, uint32(v)) }
	u16(mSOC)
	u16(mSIZ)
	u16(38 + 3*e.nc)
	u16(0) // Rsiz
	for _, v := range []int{e.w, e.h, 0, 0, e.w, e.h, 0, 0} {
		u32(v)
	}
	u16(e.nc)
	for range e.nc {
		cs = append(cs, 7, 1, 1) // 8-bit unsigned, no subsampling
	}
	u16(mCOD)
	u16(12)
	mct := 0
	if e.nc == 3 {
		mct = 1
	}
	wavelet := byte(1)
	if e.irr {
		wavelet = 0
	}
	cs = append(cs, 0, progLRCP, 0, 1, byte(mct), byte(e.levels), encCBExp-2, encCBExp-2, 0, wavelet)
	u16(mQCD)
	nb := 1 + 3*e.levels
	if e.irr {
		// Scalar expounded: ε_b and μ_b per subband, the same for every
		// component.
		u16(3 + 2*nb)
		cs = append(cs, byte(e.guard<<5|2))
		for _, bands := range e.comps[0].res {
			for _, b := range bands {
				u16(b.eps<<11 | b.mant)
			}
		}
	} else {
		u16(3 + nb)
		cs = append(cs, byte(e.guard<<5))
		// ε_b per subband of component 0's layout: the chroma components
		// get a QCC with one more bit.
		cs = append(cs, e.epsBytes(0)...)
	}
	if e.nc == 3 && !e.irr {
		for c := 1; c < 3; c++ {
			u16(mQCC)
			u16(4 + nb)
			cs = append(cs, byte(c), byte(e.guard<<5))
			cs = append(cs, e.epsBytes(c)...)
		}
	}
	comment := "ciekit jpeg2000"
	u16(mCOM)
	u16(4 + len(comment))
	u16(1) // Latin-1 text
	cs = append(cs, comment...)
	sot := len(cs)
	u16(mSOT)
	u16(10)
	u16(0)
	u32(0) // Psot, patched below
	cs = append(cs, 0, 1)
	u16(mSOD)
	for r := 0; r <= e.levels; r++ {
		for _, ec := range e.comps {
			cs = appendPacket(cs, ec.res[r], e.guard)
		}
	}
	binary.BigEndian.PutUint32(cs[sot+6:], uint32(len(cs)-sot))
	u16(mEOC)
	if codestream {
		return cs
	}
	return wrapJP2(cs, e.w, e.h, e.nc)
}

func (e *cstreamWriter) epsBytes(c int) []byte {
	var out []byte
	for _, bands := range e.comps[c].res {
		for _, b := range bands {
			out = append(out, byte(b.eps<<3))
		}
	}
	return out
}

// appendPacket writes the packet of one resolution of one component (B.9,
// B.10) for the single layer.
func appendPacket(dst []byte, bands []*encBand, guard int) []byte {
	var bw bitWriter
	any := false
	for _, b := range bands {
		for _, cb := range b.blocks {
			any = any || cb.chosen > 0
		}
	}
	if !any {
		bw.put(0)
		return append(dst, bw.flush()...)
	}
	bw.put(1)
	for _, b := range bands {
		if len(b.blocks) == 0 {
			continue
		}
		incl := newTagEncoder(b.cw, b.ch)
		zbp := newTagEncoder(b.cw, b.ch)
		mb := guard + b.eps - 1
		for i, cb := range b.blocks {
			v := int32(1)
			if cb.chosen > 0 {
				v = 0
			}
			incl.set(i, v)
			zbp.set(i, int32(mb-cb.numbps))
		}
		incl.finish()
		zbp.finish()
		for i, cb := range b.blocks {
			incl.encode(&bw, i, 1)
			if cb.chosen == 0 {
				continue
			}
			zbp.encode(&bw, i, math.MaxInt32)
			putNumPasses(&bw, cb.chosen)
			length := cb.passes[cb.chosen-1].rate
			bits := floorLog2(length) + 1
			lblock := 3
			need := max(bits-floorLog2(cb.chosen), lblock)
			for range need - lblock {
				bw.put(1)
			}
			bw.put(0)
			lblock = need
			bw.putBits(length, lblock+floorLog2(cb.chosen))
		}
	}
	dst = append(dst, bw.flush()...)
	for _, b := range bands {
		for _, cb := range b.blocks {
			if cb.chosen > 0 {
				dst = append(dst, cb.data[:cb.passes[cb.chosen-1].rate]...)
			}
		}
	}
	return dst
}

func putNumPasses(bw *bitWriter, n int) {
	switch {
	case n == 1:
		bw.put(0)
	case n == 2:
		bw.putBits(2, 2)
	case n <= 5:
		bw.putBits(0xC|(n-3), 4)
	case n <= 36:
		bw.putBits(0x1E0|(n-6), 9)
	default:
		bw.putBits(0xFF80|(n-37), 16)
	}
}

// bitWriter writes packet header bits with the bit stuffing of B.10.1.
type bitWriter struct {
	out []byte
	buf uint32
	ct  uint32
	on  bool
}

func (b *bitWriter) byteOut() {
	b.buf = (b.buf << 8) & 0xFFFF
	if b.buf == 0xFF00 {
		b.ct = 7
	} else {
		b.ct = 8
	}
	b.out = append(b.out, byte(b.buf>>8))
}

func (b *bitWriter) put(bit int) {
	if !b.on {
		b.on, b.ct = true, 8
	}
	if b.ct == 0 {
		b.byteOut()
	}
	b.ct--
	b.buf |= uint32(bit&1) << b.ct
}

func (b *bitWriter) putBits(v, n int) {
	for i := n - 1; i >= 0; i-- {
		b.put(v >> i & 1)
	}
}

func (b *bitWriter) flush() []byte {
	b.byteOut()
	if b.ct == 7 {
		b.byteOut()
	}
	return b.out
}

// tagEncoder is a tag tree for encoding (B.10.2).
type tagEncoder struct {
	tagTree
	known []bool
}

func newTagEncoder(w, h int) *tagEncoder {
	t := &tagEncoder{tagTree: *newTagTree(w, h)}
	t.known = make([]bool, len(t.nodes))
	for i := range t.nodes {
		t.nodes[i].value = math.MaxInt32
	}
	return t
}

func (t *tagEncoder) set(leaf int, v int32) { t.nodes[leaf].value = v }

// finish sets every internal node to the minimum of its children.
func (t *tagEncoder) finish() {
	for i := range t.nodes {
		if p := t.nodes[i].parent; p >= 0 && t.nodes[i].value < t.nodes[p].value {
			t.nodes[p].value = t.nodes[i].value
		}
	}
}

func (t *tagEncoder) encode(bw *bitWriter, leaf int, threshold int32) {
	stack, n := t.path(leaf)
	var low int32
	for n > 0 {
		n--
		k := stack[n]
		nd := &t.nodes[k]
		if low > nd.low {
			nd.low = low
		} else {
			low = nd.low
		}
		for low < threshold {
			if low >= nd.value {
				if !t.known[k] {
					bw.put(1)
					t.known[k] = true
				}
				break
			}
			bw.put(0)
			low++
		}
		nd.low = low
	}
}

// wrapJP2 puts a codestream in a minimal JP2 file (Annex I): signature,
// file type, header (image header, enumerated colour space) and codestream
// boxes.
func wrapJP2(cs []byte, w, h, nc int) []byte {
	var out []byte
	box := func(typ string, body []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(8+len(body)))
		out = append(out, typ...)
		out = append(out, body...)
	}
	out = append(out, jp2Signature...)
	box("ftyp", []byte("jp2 \x00\x00\x00\x00jp2 "))
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(h))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(w))
	ihdr = binary.BigEndian.AppendUint16(ihdr, uint16(nc))
	ihdr = append(ihdr, 7, 7, 0, 0) // 8-bit unsigned, wavelet, colour space known, no IPR
	cs16 := uint32(csSRGB)
	if nc == 1 {
		cs16 = csGrey
	}
	colr := binary.BigEndian.AppendUint32([]byte{1, 0, 0}, cs16)
	var hdr []byte
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(8+len(ihdr)))
	hdr = append(hdr, "ihdr"...)
	hdr = append(hdr, ihdr...)
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(8+len(colr)))
	hdr = append(hdr, "colr"...)
	hdr = append(hdr, colr...)
	box("jp2h", hdr)
	box("jp2c", cs)
	return out
}
