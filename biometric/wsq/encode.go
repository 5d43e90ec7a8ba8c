package wsq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
)

// DefaultBitRate is the bit rate Encode uses when Options.BitRate is 0:
// 0.75 bits per pixel, about 15:1, the FBI's setting for 500-ppi prints.
const DefaultBitRate = 0.75

// DefaultPPI is the resolution Encode records when Options.PPI is 0.
const DefaultPPI = 500

// Options configures Encode. The zero value encodes at DefaultBitRate and
// records DefaultPPI.
type Options struct {
	// BitRate is the target in bits per pixel (spec 3.1 §4.1: r), between
	// 0.1 and 8; 0 means DefaultBitRate. 2.25 gives about 5:1.
	BitRate float64
	// PPI is the scan resolution written to the NISTCOM comment (500 or
	// 1000 for fingerprints); 0 means DefaultPPI.
	PPI int
	// Comment, if not empty, is written as a COM segment of its own after
	// the NISTCOM segment, as cwsq does with a comment file.
	Comment string
}

// ErrEncode is the category of errors Encode returns for images it cannot
// encode (wrong size, a bit rate out of range).
var ErrEncode = errors.New("wsq: cannot encode")

// Encode writes m to w as WSQ (spec 3.1), converting it to 8-bit grey first
// if it is not an *image.Gray. Errors wrap ErrEncode, or are w's.
func Encode(w io.Writer, m image.Image, o *Options) error {
	b, err := AppendEncode(nil, m, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendEncode appends the WSQ encoding of m to dst.
func AppendEncode(dst []byte, m image.Image, o *Options) ([]byte, error) {
	rate, ppi := DefaultBitRate, DefaultPPI
	var comment string
	if o != nil {
		if o.BitRate != 0 {
			rate = o.BitRate
		}
		if o.PPI != 0 {
			ppi = o.PPI
		}
		comment = o.Comment
	}
	if !(rate >= 0.1 && rate <= 8) {
		return nil, fmt.Errorf("%w: bit rate %v outside 0.1..8", ErrEncode, rate)
	}
	if ppi < 0 {
		return nil, fmt.Errorf("%w: negative resolution %d ppi", ErrEncode, ppi)
	}
	bounds := m.Bounds()
	width, height := bounds.Dx(), bounds.Dy()
	if width < MinDimension || height < MinDimension || width > 0xffff || height > 0xffff {
		return nil, fmt.Errorf("%w: %d × %d image, each side must be %d..65535", ErrEncode, width, height, MinDimension)
	}
	pix := grayPixels(m)
	e := encoder{width: width, height: height, rate: float32(rate)}
	e.t = buildTrees(width, height)
	f := make([]float32, width*height)
	e.toFloat(f, pix)
	if e.rScale != 0 {
		tmp := make([]float32, width*height)
		decompose(f, tmp, width, e.t)
		e.variance(f)
		e.quantValues()
	}
	q := make([]int16, width*height)
	sizes := e.quantize(q, f)

	dst = binary.BigEndian.AppendUint16(dst, markerSOI)
	nistcom := fmt.Sprintf("NIST_COM 9\nPIX_WIDTH %d\nPIX_HEIGHT %d\nPIX_DEPTH 8\nPPI %d\nLOSSY 1\nCOLORSPACE GRAY\nCOMPRESSION WSQ\nWSQ_BITRATE %.6f",
		width, height, ppi, float64(float32(rate)))
	dst = appendCOM(dst, nistcom)
	if comment != "" {
		if len(comment) > 0xffff-2 {
			return nil, fmt.Errorf("%w: comment of %d bytes, at most %d", ErrEncode, len(comment), 0xffff-2)
		}
		dst = appendCOM(dst, comment)
	}
	dst = appendDTT(dst)
	var err error
	if dst, err = e.appendDQT(dst); err != nil {
		return nil, err
	}
	dst = e.appendSOF(dst)

	b1 := q[:sizes[0]]
	b2 := q[sizes[0] : sizes[0]+sizes[1]]
	b3 := q[sizes[0]+sizes[1] : sizes[0]+sizes[1]+sizes[2]]
	var freq [maxHuffCounts + 1]int
	countSymbols(&freq, b1)
	bits, values, enc := optimalTable(freq)
	dst = appendDHT(dst, 0, &bits, values)
	dst = appendBlock(dst, 0, b1, &enc)
	freq = [maxHuffCounts + 1]int{}
	countSymbols(&freq, b2)
	countSymbols(&freq, b3)
	bits, values, enc = optimalTable(freq)
	dst = appendDHT(dst, 1, &bits, values)
	dst = appendBlock(dst, 1, b2, &enc)
	dst = appendBlock(dst, 1, b3, &enc)
	dst = binary.BigEndian.AppendUint16(dst, markerEOI)
	return dst, nil
}

// grayPixels returns the image's pixels as a tight width × height slice.
func grayPixels(m image.Image) []uint8 {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := m.(*image.Gray); ok {
		if g.Stride == w {
			return g.Pix[:w*h]
		}
		out := make([]uint8, w*h)
		for y := range h {
			copy(out[y*w:(y+1)*w], g.Pix[y*g.Stride:])
		}
		return out
	}
	out := make([]uint8, w*h)
	for y := range h {
		for x := range w {
			out[y*w+x] = color.GrayModel.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	return out
}

type encoder struct {
	width, height  int
	rate           float32
	t              *trees
	mShift, rScale float32
	variances      [numSubbands]float32
	qbss, qzbs     [qTreeLen]float32
}

// toFloat shifts the pixels to zero mean and scales them into ±128
// (spec 3.1 §3.1).
func (e *encoder) toFloat(f []float32, pix []uint8) {
	var sum uint64
	lo, hi := 255, 0
	for _, p := range pix {
		sum += uint64(p)
		lo = min(lo, int(p))
		hi = max(hi, int(p))
	}
	e.mShift = float32(sum) / float32(len(pix))
	loDiff := e.mShift - float32(lo)
	hiDiff := float32(hi) - e.mShift
	e.rScale = hiDiff
	if loDiff >= hiDiff {
		e.rScale = loDiff
	}
	e.rScale = float32(float64(e.rScale) / 128.0)
	if e.rScale == 0 {
		// A flat image: every coefficient is zero and the decoder
		// reproduces the mean from the frame header alone.
		clear(f)
		return
	}
	for i, p := range pix {
		f[i] = float32(float32(p)-e.mShift) / e.rScale
	}
}

// subbandVariance is the variance of a region of f, accumulated in single
// precision in raster order as the reference encoder does.
func subbandVariance(f []float32, width, x, y, lenx, leny int) float32 {
	if lenx*leny < 2 {
		return 0
	}
	var sum, ssq float32
	for r := range leny {
		for _, v := range f[(y+r)*width+x:][:lenx] {
			sum = float32(sum + v)
			ssq = float32(ssq + float32(v*v))
		}
	}
	n := float32(lenx * leny)
	sum2 := float32(float32(sum*sum) / n)
	return float32(float64(float32(ssq-sum2)) / (float64(lenx*leny) - 1.0))
}

// variance computes the subband variances of spec 3.1 §4.1, over the
// central part of each subband (or whole subbands when the low bands are
// quiet).
func (e *encoder) variance(f []float32) {
	cropped := func(i int) float32 {
		n := e.t.q[i]
		lx, ly := 3*n.lenx/4, 7*n.leny/16
		if lx*ly < 2 {
			return subbandVariance(f, e.width, n.x, n.y, n.lenx, n.leny)
		}
		return subbandVariance(f, e.width, n.x+n.lenx/8, n.y+9*n.leny/32, lx, ly)
	}
	var vsum float32
	for i := range 4 {
		e.variances[i] = cropped(i)
		vsum = float32(vsum + e.variances[i])
	}
	if vsum < 20000.0 {
		for i := range numSubbands {
			n := e.t.q[i]
			e.variances[i] = subbandVariance(f, e.width, n.x, n.y, n.lenx, n.leny)
		}
		return
	}
	for i := 4; i < numSubbands; i++ {
		e.variances[i] = cropped(i)
	}
}

// quantValues chooses the bin widths of spec 3.1 §4.1 that meet the bit
// rate: Q_k proportional to 10/(A_k log σ²_k), with subbands whose bit rate
// would be non-positive dropped until none is.
func (e *encoder) quantValues() {
	const varianceThresh = 1.01
	var a [numSubbands]float32
	for i := range a {
		a[i] = 1
	}
	copy(a[startSubband3:], []float32{1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08})
	var m [numSubbands]float32
	for i := range m {
		switch {
		case i < 4:
			m[i] = 1.0 / 1024.0
		case i < 51:
			m[i] = 1.0 / 256.0
		default:
			m[i] = 1.0 / 16.0
		}
	}
	var sigma [numSubbands]float32
	var k []int
	for i, v := range e.variances {
		if v < varianceThresh {
			e.qbss[i] = 0
			continue
		}
		if i < 4 {
			e.qbss[i] = 1
		} else {
			e.qbss[i] = float32(10.0 / float64(float32(a[i]*float32(math.Log(float64(v))))))
		}
		sigma[i] = float32(math.Sqrt(float64(v)))
		k = append(k, i)
	}
	k0 := append([]int(nil), k...)
	var q float32
	for {
		var s float32
		for _, i := range k {
			s = float32(s + m[i])
		}
		p := float32(1)
		for _, i := range k {
			p = float32(float64(p) * math.Pow(float64(float32(sigma[i]/e.qbss[i])), float64(m[i])))
		}
		q = float32((math.Pow(2, float64(float32(e.rate/s))-1.0) / 2.5) / math.Pow(float64(p), 1.0/float64(s)))
		nk := k[:0:0]
		for _, i := range k {
			if float64(float32(e.qbss[i]/q)) < 5.0*float64(sigma[i]) {
				nk = append(nk, i)
			}
		}
		if len(nk) == len(k) {
			break
		}
		k = nk
	}
	var in [numSubbands]bool
	for _, i := range k0 {
		in[i] = true
	}
	for i := range numSubbands {
		if in[i] {
			e.qbss[i] = e.qbss[i] / q
		} else {
			e.qbss[i] = 0
		}
		e.qzbs[i] = float32(1.2 * float64(e.qbss[i]))
	}
}

// quantize applies the dead-zone quantiser of spec 3.1 §4.1 to every
// subband with a bin width, in subband order, and returns the number of
// coefficients in each of the three blocks.
func (e *encoder) quantize(q []int16, f []float32) [3]int {
	var sizes [3]int
	k := 0
	for i := range numSubbands {
		qb := e.qbss[i]
		if qb == 0 {
			continue
		}
		zbin := float32(float64(e.qzbs[i]) / 2.0)
		n := e.t.q[i]
		for r := range n.leny {
			for _, v := range f[(n.y+r)*e.width+n.x:][:n.lenx] {
				var s float64
				switch {
				case -zbin <= v && v <= zbin:
					s = 0
				case v > 0:
					s = float64(float32(float32(v-zbin)/qb)) + 1.0
				default:
					s = float64(float32(float32(v+zbin)/qb)) - 1.0
				}
				q[k] = int16(max(math.MinInt16, min(math.MaxInt16, math.Trunc(s))))
				k++
			}
		}
		switch {
		case i < startSubband2:
			sizes[0] += n.lenx * n.leny
		case i < startSubband3:
			sizes[1] += n.lenx * n.leny
		default:
			sizes[2] += n.lenx * n.leny
		}
	}
	return sizes
}

func appendCOM(dst []byte, text string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, markerCOM)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(text)+2))
	return append(dst, text...)
}

// appendDTT writes the analysis filters' upper halves as (sign, decimal
// exponent, 32-bit mantissa) triples, rounded as the reference encoder
// rounds them.
func appendDTT(dst []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, markerDTT)
	dst = binary.BigEndian.AppendUint16(dst, 58)
	dst = append(dst, byte(len(analysisLo)), byte(len(analysisHi)))
	put := func(c float32) {
		sign := byte(0)
		if c < 0 {
			sign = 1
			c = -c
		}
		scale := byte(0)
		var v uint32
		if c != 0 {
			for float64(c) < 4294967295.0 {
				scale++
				c = float32(float64(c) * 10.0)
			}
			scale--
			v = uint32(float64(c)/10.0 + 0.5)
		}
		dst = append(dst, sign, scale)
		dst = binary.BigEndian.AppendUint32(dst, v)
	}
	for _, c := range analysisLo[len(analysisLo)/2:] {
		put(c)
	}
	for _, c := range analysisHi[len(analysisHi)/2:] {
		put(c)
	}
	return dst
}

// scaledUint16 expresses v as mantissa / 10^scale with the mantissa below
// 65535, as the reference encoder does for the DQT and SOF fields.
func scaledUint16(v float32) (scale byte, mant uint16, ok bool) {
	if v == 0 {
		return 0, 0, true
	}
	if v >= 65535 {
		return 0, 0, false
	}
	for v < 65535 {
		scale++
		v = float32(v * 10)
	}
	scale--
	return scale, uint16(int(float64(v)/10.0 + 0.5)), true
}

func (e *encoder) appendDQT(dst []byte) ([]byte, error) {
	dst = binary.BigEndian.AppendUint16(dst, markerDQT)
	dst = binary.BigEndian.AppendUint16(dst, 389)
	dst = append(dst, 2)
	dst = binary.BigEndian.AppendUint16(dst, 44) // bin centre C = 0.44
	for i := range qTreeLen {
		var s1, s2 byte
		var m1, m2 uint16
		if i < numSubbands && e.qbss[i] != 0 {
			var ok1, ok2 bool
			s1, m1, ok1 = scaledUint16(e.qbss[i])
			s2, m2, ok2 = scaledUint16(e.qzbs[i])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("%w: subband %d bin width %g too large for the quantisation table (bit rate too low)", ErrEncode, i, e.qbss[i])
			}
		}
		dst = append(dst, s1)
		dst = binary.BigEndian.AppendUint16(dst, m1)
		dst = append(dst, s2)
		dst = binary.BigEndian.AppendUint16(dst, m2)
	}
	return dst, nil
}

func (e *encoder) appendSOF(dst []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, markerSOF)
	dst = binary.BigEndian.AppendUint16(dst, 17)
	dst = append(dst, 0, 255)
	dst = binary.BigEndian.AppendUint16(dst, uint16(e.height))
	dst = binary.BigEndian.AppendUint16(dst, uint16(e.width))
	s, m, _ := scaledUint16(e.mShift)
	dst = append(dst, s)
	dst = binary.BigEndian.AppendUint16(dst, m)
	s, m, _ = scaledUint16(e.rScale)
	dst = append(dst, s)
	dst = binary.BigEndian.AppendUint16(dst, m)
	dst = append(dst, 2) // encoder: spec 3.1
	return binary.BigEndian.AppendUint16(dst, 0)
}

func appendDHT(dst []byte, id byte, bits *[maxHuffBits]uint8, values []uint8) []byte {
	dst = binary.BigEndian.AppendUint16(dst, markerDHT)
	dst = binary.BigEndian.AppendUint16(dst, uint16(3+maxHuffBits+len(values)))
	dst = append(dst, id)
	dst = append(dst, bits[:]...)
	return append(dst, values...)
}

func appendBlock(dst []byte, table byte, q []int16, enc *huffEncoder) []byte {
	dst = binary.BigEndian.AppendUint16(dst, markerSOB)
	dst = binary.BigEndian.AppendUint16(dst, 3)
	dst = append(dst, table)
	w := bitWriter{buf: dst}
	visitSymbols(q, func(sym int, extra uint16, n int) {
		w.write(enc.code[sym], int(enc.size[sym]))
		if n > 0 {
			w.write(extra, n)
		}
	})
	w.flush()
	return w.buf
}
