package jpeg2000

import (
	"bytes"
	"image"
	"image/color"
	"io"
	"math"
)

// DefaultMaxSamples is the memory limit Decode applies: the image's declared
// samples (width × height summed over components). Decoding needs about 4
// bytes per sample for the component planes, plus 4 bytes per sample of the
// largest tile, plus the output image; so the default, 64 Mi samples,
// bounds a decode at roughly 600 MB even for hostile input. An eMRTD face
// (480×640×3) is under 1 Mi samples.
const DefaultMaxSamples = 1 << 26

// Decoder decodes JPEG 2000 images with a memory limit. The zero value uses
// DefaultMaxSamples; a Decoder is safe for concurrent use.
type Decoder struct {
	// MaxSamples bounds width × height summed over the components, checked
	// from the SIZ marker segment before anything of that size is
	// allocated. Zero means DefaultMaxSamples.
	MaxSamples int64
}

// Decode reads a JPEG 2000 image, a JP2 file or a bare J2K codestream, with
// the default memory limit. See Decoder.Decode.
func Decode(r io.Reader) (image.Image, error) {
	return (&Decoder{}).Decode(r)
}

// DecodeConfig returns the colour model and dimensions of a JPEG 2000 image
// without decoding it.
func DecodeConfig(r io.Reader) (image.Config, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return image.Config{}, err
	}
	cs, _, err := parse(b, true)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: cs.colorModel(), Width: cs.w - cs.x0, Height: cs.h - cs.y0}, nil
}

// Decode reads a JPEG 2000 image. The result is an *image.Gray (one
// component), *image.RGBA (three), *image.NRGBA (two: grey and alpha; four:
// RGB and alpha), or their 16-bit forms for samples deeper than 8 bits;
// samples of other depths are scaled to 8 or 16 bits. Errors are
// *FormatError values wrapping ErrMalformed, ErrUnsupported, ErrTooLarge or
// io.ErrUnexpectedEOF, or errors from r.
func (d *Decoder) Decode(r io.Reader) (image.Image, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.decode(b)
}

func parse(b []byte, headerOnly bool) (*codestream, int, error) {
	if bytes.HasPrefix(b, jp2Signature) {
		info, err := parseJP2(b)
		if err != nil {
			return nil, 0, err
		}
		cs, err := parseCodestream(info.codestream, info.offset, headerOnly)
		return cs, info.enumCS, err
	}
	cs, err := parseCodestream(b, 0, headerOnly)
	return cs, 0, err
}

func (d *Decoder) decode(b []byte) (image.Image, error) {
	cs, enumCS, err := parse(b, false)
	if err != nil {
		return nil, err
	}
	limit := d.MaxSamples
	if limit <= 0 {
		limit = DefaultMaxSamples
	}
	var total int64
	for c := range cs.comps {
		x0, y0, x1, y1 := cs.compBounds(c)
		total += int64(x1-x0) * int64(y1-y0)
	}
	if total > limit {
		return nil, tooLarge(cs.base+2, "SIZ", "%d samples, limit %d", total, limit)
	}
	if len(cs.tileOrder) == 0 {
		return nil, malformed(len(b), "SOT", "no tile-parts")
	}
	planes := make([][]int32, len(cs.comps))
	for c := range cs.comps {
		x0, y0, x1, y1 := cs.compBounds(c)
		planes[c] = make([]int32, (x1-x0)*(y1-y0))
	}
	for _, ti := range cs.tileOrder {
		td := &tileDecoder{cs: cs, t: cs.tiles[ti]}
		if err := td.decode(planes); err != nil {
			return nil, err
		}
	}
	if enumCS == csSYCC && len(cs.comps) >= 3 {
		cs.syccToRGB(planes)
	}
	return cs.toImage(planes), nil
}

func (td *tileDecoder) decode(planes [][]int32) error {
	if err := td.setup(); err != nil {
		return err
	}
	if err := td.readPackets(); err != nil {
		return err
	}
	if err := td.decodeBlocks(); err != nil {
		return err
	}
	for _, tc := range td.comps {
		tc.inverseDWT()
	}
	if td.t.p.cod.mct == 1 && len(td.comps) >= 3 {
		if err := td.inverseMCT(); err != nil {
			return err
		}
	}
	for _, tc := range td.comps {
		td.store(tc, planes[tc.c])
	}
	return nil
}

// inverseMCT undoes the component transform of Annex G: the RCT for
// reversible coding, the ICT otherwise.
func (td *tileDecoder) inverseMCT() error {
	a, b, c := td.comps[0], td.comps[1], td.comps[2]
	same := a.x0 == b.x0 && a.x0 == c.x0 && a.x1 == b.x1 && a.x1 == c.x1 &&
		a.y0 == b.y0 && a.y0 == c.y0 && a.y1 == b.y1 && a.y1 == c.y1
	if !same || a.cc.reversible != b.cc.reversible || a.cc.reversible != c.cc.reversible {
		return malformed(td.cs.base+td.t.offset, td.field("COD MCT"), "component transform over components of different sizes or wavelets")
	}
	if a.ibuf != nil {
		for i := range a.ibuf {
			y, u, v := a.ibuf[i], b.ibuf[i], c.ibuf[i]
			g := y - (u+v)>>2
			a.ibuf[i], b.ibuf[i], c.ibuf[i] = v+g, g, u+g
		}
		return nil
	}
	for i := range a.fbuf {
		y, u, v := a.fbuf[i], b.fbuf[i], c.fbuf[i]
		a.fbuf[i] = y + float32(v*1.402)
		b.fbuf[i] = y - float32(u*0.34413) - float32(v*0.71414)
		c.fbuf[i] = y + float32(u*1.772)
	}
	return nil
}

// store level-shifts (G.1.2), rounds and clamps the tile-component into its
// component plane.
func (td *tileDecoder) store(tc *tileComp, plane []int32) {
	k := td.cs.comps[tc.c]
	cx0, _, cx1, _ := td.cs.compBounds(tc.c)
	_, cy0, _, _ := td.cs.compBounds(tc.c)
	pw := cx1 - cx0
	var shift, lo, hi int32
	if k.signed {
		lo, hi = -(1 << (k.prec - 1)), 1<<(k.prec-1)-1
	} else {
		shift, lo, hi = 1<<(k.prec-1), 0, 1<<k.prec-1
	}
	w := tc.x1 - tc.x0
	for y := tc.y0; y < tc.y1; y++ {
		dst := plane[(y-cy0)*pw+tc.x0-cx0:][:w]
		o := (y - tc.y0) * w
		if tc.ibuf != nil {
			for i, v := range tc.ibuf[o : o+w] {
				dst[i] = min(max(v+shift, lo), hi)
			}
		} else {
			for i, v := range tc.fbuf[o : o+w] {
				var iv int32
				switch {
				case v >= math.MaxInt32/2:
					iv = hi
				case v <= math.MinInt32/2:
					iv = lo
				default:
					iv = int32(math.RoundToEven(float64(v))) + shift
				}
				dst[i] = min(max(iv, lo), hi)
			}
		}
	}
}

// syccToRGB converts sYCC components (JP2 colour space 18) to RGB the way
// OpenJPEG's opj_decompress does (color.c): subsampled chroma is first
// repeated onto the luma grid, then each pixel converted.
func (cs *codestream) syccToRGB(p [][]int32) {
	a := cs.comps[0]
	for c := 1; c <= 2; c++ {
		k := cs.comps[c]
		if k.prec != a.prec || k.signed || a.signed {
			return
		}
		if k.dx == a.dx && k.dy == a.dy {
			continue
		}
		lx0, ly0, lx1, ly1 := cs.compBounds(0)
		kx0, ky0, kx1, ky1 := cs.compBounds(c)
		kw, kh := kx1-kx0, ky1-ky0
		if kw == 0 || kh == 0 {
			return
		}
		full := make([]int32, (lx1-lx0)*(ly1-ly0))
		for y := ly0; y < ly1; y++ {
			cy := min(max(y*a.dy/k.dy-ky0, 0), kh-1)
			for x := lx0; x < lx1; x++ {
				cx := min(max(x*a.dx/k.dx-kx0, 0), kw-1)
				full[(y-ly0)*(lx1-lx0)+x-lx0] = p[c][cy*kw+cx]
			}
		}
		p[c] = full
		cs.comps[c].dx, cs.comps[c].dy = a.dx, a.dy
	}
	off := int32(1) << (a.prec - 1)
	hi := int32(1)<<a.prec - 1
	for i := range p[0] {
		y, cb, cr := p[0][i], p[1][i]-off, p[2][i]-off
		// OpenJPEG's color.c multiplies in double precision.
		r := y + int32(1.402*float64(cr))
		g := y - int32(0.344*float64(cb)+0.714*float64(cr))
		bl := y + int32(1.772*float64(cb))
		p[0][i], p[1][i], p[2][i] = min(max(r, 0), hi), min(max(g, 0), hi), min(max(bl, 0), hi)
	}
}

func (cs *codestream) colorModel() color.Model {
	deep := false
	for _, k := range cs.comps {
		deep = deep || k.prec > 8
	}
	switch len(cs.comps) {
	case 1:
		if deep {
			return color.Gray16Model
		}
		return color.GrayModel
	case 2, 4:
		if deep {
			return color.NRGBA64Model
		}
		return color.NRGBAModel
	}
	if deep {
		return color.RGBA64Model
	}
	return color.RGBAModel
}

// sampler reads component c at image position (x, y), scaled to bits.
type sampler struct {
	plane          []int32
	x0, y0, pw, ph int
	dx, dy         int
	shift          int32 // added first (signed components are offset)
	prec           int
}

func (cs *codestream) sampler(planes [][]int32, c int) sampler {
	k := cs.comps[c]
	x0, y0, x1, y1 := cs.compBounds(c)
	s := sampler{plane: planes[c], x0: x0, y0: y0, pw: x1 - x0, ph: y1 - y0, dx: k.dx, dy: k.dy, prec: k.prec}
	if k.signed {
		s.shift = 1 << (k.prec - 1)
	}
	return s
}

// at returns the sample covering reference-grid point (x, y), scaled to
// out bits.
func (s *sampler) at(x, y, out int) uint32 {
	if s.pw == 0 || s.ph == 0 {
		return 0 // a component so subsampled that it has no samples
	}
	cx := min(max(x/s.dx-s.x0, 0), s.pw-1)
	cy := min(max(y/s.dy-s.y0, 0), s.ph-1)
	v := uint32(s.plane[cy*s.pw+cx] + s.shift)
	switch {
	case s.prec == out:
		return v
	case s.prec > out:
		return v >> (s.prec - out)
	default:
		return v * (1<<out - 1) / (1<<s.prec - 1)
	}
}

func (cs *codestream) toImage(planes [][]int32) image.Image {
	w, h := cs.w-cs.x0, cs.h-cs.y0
	rect := image.Rect(0, 0, w, h)
	ss := make([]sampler, len(cs.comps))
	for c := range ss {
		ss[c] = cs.sampler(planes, c)
	}
	direct := func(c int) bool { // component on the full grid, 8-bit
		k := cs.comps[c]
		return k.dx == 1 && k.dy == 1 && k.prec == 8 && !k.signed
	}
	switch m := cs.colorModel(); m {
	case color.GrayModel:
		img := image.NewGray(rect)
		if direct(0) {
			for i, v := range planes[0] {
				img.Pix[i] = uint8(v)
			}
			return img
		}
		for y := range h {
			for x := range w {
				img.Pix[y*img.Stride+x] = uint8(ss[0].at(x+cs.x0, y+cs.y0, 8))
			}
		}
		return img
	case color.Gray16Model:
		img := image.NewGray16(rect)
		for y := range h {
			for x := range w {
				img.SetGray16(x, y, color.Gray16{uint16(ss[0].at(x+cs.x0, y+cs.y0, 16))})
			}
		}
		return img
	case color.RGBAModel, color.NRGBAModel:
		var pix []uint8
		var stride int
		var img image.Image
		if m == color.RGBAModel {
			i := image.NewRGBA(rect)
			pix, stride, img = i.Pix, i.Stride, i
		} else {
			i := image.NewNRGBA(rect)
			pix, stride, img = i.Pix, i.Stride, i
		}
		grey := len(cs.comps) == 2
		if !grey && direct(0) && direct(1) && direct(2) && len(cs.comps) == 3 {
			for i := range planes[0] {
				pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = uint8(planes[0][i]), uint8(planes[1][i]), uint8(planes[2][i]), 0xFF
			}
			return img
		}
		for y := range h {
			for x := range w {
				px, py := x+cs.x0, y+cs.y0
				o := y*stride + 4*x
				if grey {
					g := uint8(ss[0].at(px, py, 8))
					pix[o], pix[o+1], pix[o+2], pix[o+3] = g, g, g, uint8(ss[1].at(px, py, 8))
					continue
				}
				pix[o], pix[o+1], pix[o+2] = uint8(ss[0].at(px, py, 8)), uint8(ss[1].at(px, py, 8)), uint8(ss[2].at(px, py, 8))
				pix[o+3] = 0xFF
				if len(cs.comps) == 4 {
					pix[o+3] = uint8(ss[3].at(px, py, 8))
				}
			}
		}
		return img
	default: // 16-bit colour
		nrgba := len(cs.comps) == 2 || len(cs.comps) == 4
		var img interface {
			image.Image
			Set(x, y int, c color.Color)
		}
		if nrgba {
			img = image.NewNRGBA64(rect)
		} else {
			img = image.NewRGBA64(rect)
		}
		for y := range h {
			for x := range w {
				px, py := x+cs.x0, y+cs.y0
				var r, g, b, a uint16
				if len(cs.comps) == 2 {
					r = uint16(ss[0].at(px, py, 16))
					g, b, a = r, r, uint16(ss[1].at(px, py, 16))
				} else {
					r, g, b, a = uint16(ss[0].at(px, py, 16)), uint16(ss[1].at(px, py, 16)), uint16(ss[2].at(px, py, 16)), 0xFFFF
					if len(cs.comps) == 4 {
						a = uint16(ss[3].at(px, py, 16))
					}
				}
				if nrgba {
					img.Set(x, y, color.NRGBA64{r, g, b, a})
				} else {
					img.Set(x, y, color.RGBA64{r, g, b, a})
				}
			}
		}
		return img
	}
}

func init() {
	image.RegisterFormat("jpeg2000", "\x00\x00\x00\x0cjP  \r\n\x87\n", Decode, DecodeConfig)
	image.RegisterFormat("j2k", "\xff\x4f\xff\x51", Decode, DecodeConfig)
}
