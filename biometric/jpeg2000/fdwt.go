package jpeg2000

import "math"

// Forward reversible 5/3 transform (T.800 F.4.8.1 in its lifting form), the
// exact inverse of synth53: 2D_SD applies, per level, VER_SD to the columns
// and then HOR_SD to the rows, leaving the subbands in the Mallat layout.
// The encoder places images at the origin, so every signal starts at an even
// coordinate.

func analyse53(x []int32) {
	n := len(x)
	if n == 1 {
		return
	}
	for i := 1; i < n; i += 2 {
		x[i] -= (mirror(x, i-1) + mirror(x, i+1)) >> 1
	}
	for i := 0; i < n; i += 2 {
		x[i] += (mirror(x, i-1) + mirror(x, i+1) + 2) >> 2
	}
}

// forwardDWT53 transforms the w×h plane buf in place over levels levels.
func forwardDWT53(buf []int32, w, h, levels int) { forwardDWT(buf, w, h, levels, analyse53) }

// forwardDWT applies 2D_SD with the one-dimensional analysis analyse.
func forwardDWT[T int32 | float32](buf []T, w, h, levels int, analyse func([]T)) {
	tmp := make([]T, max(w, h))
	cw, ch := w, h
	for range levels {
		sw, sh := (cw+1)/2, (ch+1)/2
		for x := range cw {
			col := tmp[:ch]
			for y := range ch {
				col[y] = buf[y*w+x]
			}
			analyse(col)
			for i := range sh {
				buf[i*w+x] = col[2*i]
			}
			for i := range ch - sh {
				buf[(sh+i)*w+x] = col[2*i+1]
			}
		}
		for y := range ch {
			row := buf[y*w : y*w+cw]
			line := tmp[:cw]
			copy(line, row)
			analyse(line)
			for i := range sw {
				row[i] = line[2*i]
			}
			for i := range cw - sw {
				row[sw+i] = line[2*i+1]
			}
		}
		cw, ch = sw, sh
	}
}

// synthesisNorm returns the L2 norm of the 1-D synthesis basis function
// (5/3, or 9/7 when irr, with the decoder's scaling) of a low-pass (high
// false) or high-pass coefficient after level levels of decomposition,
// computed by running the float synthesis on an impulse. Rate control
// weighs each subband's squared error by the product of its row and column
// norms squared.
func synthesisNorm(level int, high, irr bool) float64 {
	n := 1 << (level + 5)
	x := make([]float64, n)
	// The impulse sits mid-band so no boundary reaches it.
	size := n >> level
	pos := size / 4
	if high {
		x[size+pos] = 1
	} else {
		x[pos] = 1
	}
	for l := level; l >= 1; l-- {
		m := n >> (l - 1)
		sn := m / 2
		y := make([]float64, m)
		for i := range sn {
			y[2*i] = x[i]
			y[2*i+1] = x[sn+i]
		}
		mir := func(i int) float64 {
			if i < 0 {
				return y[-i]
			}
			if i >= m {
				return y[2*(m-1)-i]
			}
			return y[i]
		}
		if irr {
			for i := range y {
				if i%2 == 0 {
					y[i] *= float64(k97)
				} else {
					y[i] *= float64(twoInvK9)
				}
			}
			for j, c := range []float64{-float64(delta97), -float64(gamma97), -float64(beta97), -float64(alpha97)} {
				for i := j % 2; i < m; i += 2 {
					y[i] += c * (mir(i-1) + mir(i+1))
				}
			}
		} else {
			for i := 0; i < m; i += 2 {
				y[i] -= (mir(i-1) + mir(i+1)) / 4
			}
			for i := 1; i < m; i += 2 {
				y[i] += (mir(i-1) + mir(i+1)) / 2
			}
		}
		copy(x, y)
	}
	var e float64
	for _, v := range x {
		e += v * v
	}
	return math.Sqrt(e)
}

// analyse97 is the forward 9/7 lifting (F.4.8.2), the inverse of synth97
// with its scaling: low-pass samples end divided by K, high-pass ones by 2/K.
func analyse97(x []float32) {
	n := len(x)
	if n == 1 {
		return
	}
	lift97(x, 1, alpha97)
	lift97(x, 0, beta97)
	lift97(x, 1, gamma97)
	lift97(x, 0, delta97)
	for i := 0; i < n; i += 2 {
		x[i] /= k97
	}
	for i := 1; i < n; i += 2 {
		x[i] /= twoInvK9
	}
}

// forwardDWT97 is forwardDWT53 with the 9/7 wavelet.
func forwardDWT97(buf []float32, w, h, levels int) { forwardDWT(buf, w, h, levels, analyse97) }

// bandStep returns the QCD exponent, mantissa and the step size Δ_b they
// code, as the decoder computes it (E.1, without the subband gain, which
// the 2/K scaling carries): Δ_b is about the inverse of the subband's
// synthesis norm, so quantisation noise weighs the same in every subband
// before rate control truncates bit planes.
func bandStep(levels, r, orient int) (expn, mant int, step float32) {
	var norm float64
	if r == 0 {
		n := synthesisNorm(levels, false, true)
		norm = n * n
	} else {
		lev := levels - r + 1
		lo, hi := synthesisNorm(lev, false, true), synthesisNorm(lev, true, true)
		norm = lo * hi
		if orient == 3 {
			norm = hi * hi
		}
	}
	want := 1 / norm
	const prec = 8
	e := math.Floor(math.Log2(want))
	expn = prec - int(e)
	mant = int(math.Round((want/math.Exp2(e) - 1) * 2048))
	if mant == 2048 {
		mant = 0
		expn--
	}
	expn = min(max(expn, 0), 31)
	step = float32((1.0 + float64(mant)/2048.0) * math.Pow(2, float64(prec-expn)))
	return expn, mant, step
}

// quantize maps the transformed plane fp to integer indices in p (E.1:
// deadzone scalar quantisation, q = sign·⌊|y|/Δ_b⌋) band by band, and
// returns fp for reuse.
func quantize(fp []float32, p []int32, w, h, levels int) []float32 {
	rw := func(r int) int { return ceilShift(w, levels-r) }
	rh := func(r int) int { return ceilShift(h, levels-r) }
	q := func(x0, y0, x1, y1 int, step float32) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				v := fp[y*w+x] / step
				if v < 0 {
					p[y*w+x] = -int32(-v)
				} else {
					p[y*w+x] = int32(v)
				}
			}
		}
	}
	_, _, s := bandStep(levels, 0, 0)
	q(0, 0, rw(0), rh(0), s)
	for r := 1; r <= levels; r++ {
		lw, lh := rw(r-1), rh(r-1)
		for _, o := range []int{1, 2, 3} {
			_, _, s := bandStep(levels, r, o)
			x0, y0, x1, y1 := 0, 0, lw, lh
			if o&1 != 0 {
				x0, x1 = lw, rw(r)
			}
			if o&2 != 0 {
				y0, y1 = lh, rh(r)
			}
			q(x0, y0, x1, y1, s)
		}
	}
	return fp
}
