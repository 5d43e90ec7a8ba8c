package wsq

// Two-channel filter bank of WSQ spec 3.1 §3.1 with whole-sample symmetric
// extension at both ends of every line. Both directions walk the samples
// in the same order as NBIS and round every product and sum to float32
// (the explicit float32 conversions forbid fused multiply-add), so that the
// decoder reproduces the reference decoder's float arithmetic exactly and
// its rounding to 8 bits agrees pixel for pixel.

// Analysis filters (encoder side) of spec 3.1 Table 1, the 9/7 biorthogonal
// pair, as single-precision values.
var (
	analysisLo = [9]float32{
		0.03782845550699546, -0.02384946501938000, -0.11062440441842342,
		0.37740285561265380, 0.85269867900940344, 0.37740285561265380,
		-0.11062440441842342, -0.02384946501938000, 0.03782845550699546,
	}
	analysisHi = [7]float32{
		0.06453888262893845, -0.04068941760955844, -0.41809227322221221,
		0.78848561640566439, -0.41809227322221221, -0.04068941760955844,
		0.06453888262893845,
	}
)

// line describes one set of parallel lines inside a width-wide float
// buffer: len1 lines of len2 samples, line i starting at off+i*pitch, sample
// j of it at +j*stride.
type line struct {
	off, len1, len2, pitch, stride int
}

// analyse splits every line of src into its low and high halves in dst
// (the low half first unless inv). lo and hi are odd-length symmetric filters.
func analyse(dst, src []float32, dl, sl line, lo, hi []float32, inv bool) {
	lsz, hsz := len(lo), len(hi)
	loc := (lsz - 1) / 2
	hoc := (hsz-1)/2 - 1
	len2, stride := sl.len2, sl.stride
	odd := len2%2 != 0
	llen := len2 / 2
	hlen := llen
	if odd {
		llen = (len2 + 1) / 2
		hlen = llen - 1
	}
	last := len2 - 1
	for r := 0; r < sl.len1; r++ {
		s := sl.off + r*sl.pitch
		d := dl.off + r*dl.pitch
		lop, hip := d, d+llen*stride
		if inv {
			hip, lop = d, d+hlen*stride
		}
		lspx, lstr := loc, -1
		hspx, hstr := hoc, -1
		for pix := 0; pix < hlen; pix++ {
			dst[lop] = analysisTap(src, s, stride, lspx, lstr, last, lo)
			lop += stride
			dst[hip] = analysisTap(src, s, stride, hspx, hstr, last, hi)
			hip += stride

			for range 2 {
				if lspx == 0 {
					lstr = 1
				}
				lspx += lstr
				if hspx == 0 {
					hstr = 1
				}
				hspx += hstr
			}
		}
		if odd {
			dst[lop] = analysisTap(src, s, stride, lspx, lstr, last, lo)
		}
	}
}

// analysisTap filters one output sample: the taps of f against the line
// at s walked from px in direction str, reflecting at 0 and last.
func analysisTap(src []float32, s, stride, px, str, last int, f []float32) float32 {
	if str == 1 && px >= 1 && px+len(f)-2 < last {
		// Inside the line: the walk goes straight on; same sums, no turns.
		w := src[s+px*stride:]
		acc := float32(w[0] * f[0])
		for i, k := 1, stride; i < len(f); i, k = i+1, k+stride {
			acc = float32(acc + float32(w[k]*f[i]))
		}
		return acc
	}
	acc := float32(src[s+px*stride] * f[0])
	for i := 1; i < len(f); i++ {
		if px == 0 {
			str = 1
		}
		if px == last {
			str = -1
		}
		px += str
		acc = float32(acc + float32(src[s+px*stride]*f[i]))
	}
	return acc
}

// synthesise is the inverse of analyse: it interleaves the low and high
// halves of every line of src back into dst. lo and hi are the odd-length
// synthesis filters as the transform table defines them (lo the shorter).
func synthesise(dst, src []float32, dl, sl line, lo, hi []float32, inv bool) {
	lsz, hsz := len(lo), len(hi)
	len2, stride := sl.len2, sl.stride
	odd := len2%2 != 0
	llen := len2 / 2
	hlen := llen
	if odd {
		llen = (len2 + 1) / 2
		hlen = llen - 1
	}
	loc := (lsz - 1) / 4
	hoc := (hsz+1)/4 - 1
	lotap := ((lsz - 1) / 2) % 2
	hotap := ((hsz + 1) / 2) % 2
	// Whether the first or last sample is repeated when the walk turns
	// there (half-sample against whole-sample symmetry of the two halves).
	olle, olre, ohle, ohre := false, true, true, false
	if odd {
		olle, olre, ohle, ohre = false, false, true, true
	}
	lp1, hp1 := llen-1, hlen-1
	for r := 0; r < sl.len1; r++ {
		d := dl.off + r*dl.pitch
		s := sl.off + r*sl.pitch
		lop, hip := s, s+llen*stride
		if inv {
			hip, lop = s, s+hlen*stride
		}
		limg, himg := d, d
		lspx, lstr, lstap, lle2, lre2 := loc, -1, lotap, olle, olre
		hspx, hstr, hstap, hle2, hre2 := hoc, -1, hotap, ohle, ohre

		for pix := 0; pix < hlen; pix++ {
			for tap := lstap; tap >= 0; tap-- {
				limg = lowTap(dst, src, limg, stride, lop, lspx, lstr, lle2, lre2, lp1, tap, lo)
			}
			lstr, lle2, _ = turn(lspx, -1, lstr, lle2, false)
			lspx += lstr
			lstap = 1
			for tap := hstap; tap >= 0; tap-- {
				himg = highTap(dst, src, himg, stride, hip, hspx, hstr, hle2, hre2, hp1, tap, hi)
			}
			hstr, hle2, _ = turn(hspx, -1, hstr, hle2, false)
			hspx += hstr
			hstap = 1
		}
		lstap = lotap + 1
		if odd {
			lstap = lotap
		}
		for tap := 1; tap >= lstap; tap-- {
			limg = lowTap(dst, src, limg, stride, lop, lspx, lstr, lle2, lre2, lp1, tap, lo)
		}
		hstap = hotap + 1
		if odd {
			hstap = hotap
		}
		for tap := 1; tap >= hstap; tap-- {
			himg = highTap(dst, src, himg, stride, hip, hspx, hstr, hle2, hre2, hp1, tap, hi)
		}
	}
}

// turn updates the walking direction str at the ends of a half (0 and
// p1; p1 = -1 checks the left end only): the walk reflects there,
// repeating the end sample once first when le (left) or re (right) is
// still set.
func turn(px, p1, str int, le, re bool) (int, bool, bool) {
	if px == 0 {
		if le {
			str, le = 0, false
		} else {
			str = 1
		}
	}
	if px == p1 {
		if re {
			str, re = 0, false
		} else {
			str = -1
		}
	}
	return str, le, re
}

// lowTap writes one output sample from the low half: taps tap, tap+2, ...
// of lo against the low samples walked from px in direction str.
func lowTap(dst, src []float32, out, stride, base, px, str int, le, re bool, p1, tap int, lo []float32) int {
	if n := (len(lo) - tap + 1) / 2; str == 1 && px >= 1 && px+n-2 < p1 {
		// Inside the half: the walk goes straight on; same sums, no turns.
		s := src[base+px*stride:]
		acc := float32(s[0] * lo[tap])
		for k, i := stride, tap+2; i < len(lo); k, i = k+stride, i+2 {
			acc = float32(acc + float32(s[k]*lo[i]))
		}
		dst[out] = acc
		return out + stride
	}
	acc := float32(src[base+px*stride] * lo[tap])
	for i := tap + 2; i < len(lo); i += 2 {
		str, le, re = turn(px, p1, str, le, re)
		px += str
		acc = float32(acc + float32(src[base+px*stride]*lo[i]))
	}
	dst[out] = acc
	return out + stride
}

// highTap adds the high half's contribution to one output sample.
func highTap(dst, src []float32, out, stride, base, px, str int, le, re bool, p1, tap int, hi []float32) int {
	acc := dst[out]
	if n := (len(hi) - tap + 1) / 2; str == 1 && px >= 1 && px+n-1 < p1 {
		s := src[base+px*stride:]
		for k, i := 0, tap; i < len(hi); k, i = k+stride, i+2 {
			acc = float32(acc + float32(s[k]*hi[i]))
		}
		dst[out] = acc
		return out + stride
	}
	for i := tap; i < len(hi); i += 2 {
		str, le, re = turn(px, p1, str, le, re)
		acc = float32(acc + float32(src[base+px*stride]*hi[i]))
		px += str
	}
	dst[out] = acc
	return out + stride
}

// decompose runs the 20 analysis steps of the wavelet tree over img
// (width wide), in place, using tmp (same size) as scratch.
func decompose(img, tmp []float32, width int, t *trees) {
	for _, n := range t.w {
		base := n.y*width + n.x
		// Rows first into tmp, then columns back into img.
		analyse(tmp, img,
			line{off: base, len1: n.leny, len2: n.lenx, pitch: width, stride: 1},
			line{off: base, len1: n.leny, len2: n.lenx, pitch: width, stride: 1},
			analysisLo[:], analysisHi[:], n.invRow)
		analyse(img, tmp,
			line{off: base, len1: n.lenx, len2: n.leny, pitch: 1, stride: width},
			line{off: base, len1: n.lenx, len2: n.leny, pitch: 1, stride: width},
			analysisLo[:], analysisHi[:], n.invCol)
	}
}

// reconstruct runs the synthesis steps in reverse order, in place.
func reconstruct(img, tmp []float32, width int, t *trees, lo, hi []float32) {
	for i := wTreeLen - 1; i >= 0; i-- {
		n := t.w[i]
		base := n.y*width + n.x
		synthesise(tmp, img,
			line{off: base, len1: n.lenx, len2: n.leny, pitch: 1, stride: width},
			line{off: base, len1: n.lenx, len2: n.leny, pitch: 1, stride: width},
			lo, hi, n.invCol)
		synthesise(img, tmp,
			line{off: base, len1: n.leny, len2: n.lenx, pitch: width, stride: 1},
			line{off: base, len1: n.leny, len2: n.lenx, pitch: width, stride: 1},
			lo, hi, n.invRow)
	}
}
