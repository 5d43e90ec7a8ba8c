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
func forwardDWT53(buf []int32, w, h, levels int) {
	tmp := make([]int32, max(w, h))
	cw, ch := w, h
	for range levels {
		sw, sh := (cw+1)/2, (ch+1)/2
		for x := range cw {
			col := tmp[:ch]
			for y := range ch {
				col[y] = buf[y*w+x]
			}
			analyse53(col)
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
			analyse53(line)
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

// synthesisNorm53 returns the L2 norm of the 1-D 5/3 synthesis basis
// function of a low-pass (high false) or high-pass coefficient after level
// levels of decomposition, computed by running the float synthesis on an
// impulse. Rate control weighs each subband's squared error by the product
// of its row and column norms squared.
func synthesisNorm53(level int, high bool) float64 {
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
		for i := 0; i < m; i += 2 {
			y[i] -= (mir(i-1) + mir(i+1)) / 4
		}
		for i := 1; i < m; i += 2 {
			y[i] += (mir(i-1) + mir(i+1)) / 2
		}
		copy(x, y)
	}
	var e float64
	for _, v := range x {
		e += v * v
	}
	return math.Sqrt(e)
}
