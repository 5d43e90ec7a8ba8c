package jpeg2000

// Inverse discrete wavelet transforms (T.800 Annex F): 2D_SR applies, for
// each resolution level, the one-dimensional synthesis to every row
// (HOR_SR) and then to every column (VER_SR). The buffer holds the subbands
// in the Mallat layout: the lower resolution at the top left, HL to its
// right, LH below, HH diagonally.

// Lifting constants of Table F.4 and the 9/7 scaling K (F.3.8.2), written as
// OpenJPEG writes them so that float32 results agree; the high-pass scaling
// 2/K folds in the subband gain that OpenJPEG leaves out of its step sizes.
const (
	alpha97  float32 = -1.586134342
	beta97   float32 = -0.052980118
	gamma97  float32 = 0.882911075
	delta97  float32 = 0.443506852
	k97      float32 = 1.230174105
	twoInvK9 float32 = 1.625732422
)

func (tc *tileComp) inverseDWT() {
	if tc.ibuf != nil {
		inverseDWT(tc, tc.ibuf, synth53, synth53Rows)
	} else {
		inverseDWT(tc, tc.fbuf, synth97, synth97Rows)
	}
}

// inverseDWT runs 2D_SR over the tile-component's resolution levels with
// the one-dimensional synthesis synth for rows; columns go through
// synthRows, which lifts whole rows at a time (the same arithmetic, in an
// order that reads memory contiguously).
func inverseDWT[T int32 | float32](tc *tileComp, buf []T, synth func([]T, int), synthRows func([][]T, int)) {
	stride := tc.x1 - tc.x0
	var tmp, plane []T
	var rows [][]T
	for r := 1; r < len(tc.res); r++ {
		rl, lo := tc.res[r], tc.res[r-1]
		w, h := rl.x1-rl.x0, rl.y1-rl.y0
		if w == 0 || h == 0 {
			continue
		}
		sw, sh := lo.x1-lo.x0, lo.y1-lo.y0
		cx, cy := rl.x0&1, rl.y0&1
		if n := max(w, h); cap(tmp) < n {
			tmp = make([]T, n)
		}
		for y := range h {
			row := buf[y*stride : y*stride+w]
			interleave(tmp[:w], row, sw, cx)
			synth(tmp[:w], cx)
			copy(row, tmp[:w])
		}
		if cap(plane) < w*h {
			plane = make([]T, w*h)
		}
		rows = rows[:0]
		for y := range h {
			rows = append(rows, plane[y*w:(y+1)*w])
		}
		for i := range sh {
			copy(rows[2*i+cy], buf[i*stride:i*stride+w])
		}
		for i := range h - sh {
			copy(rows[2*i+1-cy], buf[(sh+i)*stride:(sh+i)*stride+w])
		}
		synthRows(rows, cy)
		for y, row := range rows {
			copy(buf[y*stride:y*stride+w], row)
		}
	}
}

// mirrorRow is mirror for a slice of rows.
func mirrorRow[T int32 | float32](rows [][]T, i int) []T {
	if i < 0 {
		return rows[-i]
	}
	if i >= len(rows) {
		return rows[2*(len(rows)-1)-i]
	}
	return rows[i]
}

// synth53Rows is synth53 applied to every column of rows at once.
func synth53Rows(rows [][]int32, cas int) {
	n := len(rows)
	if n == 1 {
		if cas == 1 {
			for j := range rows[0] {
				rows[0][j] /= 2
			}
		}
		return
	}
	for i := cas; i < n; i += 2 {
		x, l, r := rows[i], mirrorRow(rows, i-1), mirrorRow(rows, i+1)
		for j := range x {
			x[j] -= (l[j] + r[j] + 2) >> 2
		}
	}
	for i := 1 - cas; i < n; i += 2 {
		x, l, r := rows[i], mirrorRow(rows, i-1), mirrorRow(rows, i+1)
		for j := range x {
			x[j] += (l[j] + r[j]) >> 1
		}
	}
}

// synth97Rows is synth97 applied to every column of rows at once.
func synth97Rows(rows [][]float32, cas int) {
	n := len(rows)
	if n == 1 {
		return
	}
	for i, x := range rows {
		k := twoInvK9
		if (i+cas)%2 == 0 {
			k = k97
		}
		for j := range x {
			x[j] *= k
		}
	}
	for _, s := range []struct {
		start int
		c     float32
	}{{cas, -delta97}, {1 - cas, -gamma97}, {cas, -beta97}, {1 - cas, -alpha97}} {
		for i := s.start; i < n; i += 2 {
			x, l, r := rows[i], mirrorRow(rows, i-1), mirrorRow(rows, i+1)
			for j := range x {
				x[j] = x[j] + float32((l[j]+r[j])*s.c)
			}
		}
	}
}

// interleave places the low-pass samples src[:sn] and the high-pass samples
// src[sn:] at their even and odd positions; cas is the parity of the first
// sample's absolute coordinate (1: the signal starts with a high-pass one).
func interleave[T int32 | float32](dst, src []T, sn, cas int) {
	for i := range sn {
		dst[2*i+cas] = src[i]
	}
	for i := range len(src) - sn {
		dst[2*i+1-cas] = src[sn+i]
	}
}

// synth53 is the reversible 5/3 synthesis of F.3.8.1 on an interleaved
// signal with whole-sample symmetric extension.
func synth53(x []int32, cas int) {
	n := len(x)
	if n == 1 {
		if cas == 1 {
			x[0] /= 2
		}
		return
	}
	// Low-pass samples at cas, cas+2, ...: X -= (left + right + 2) >> 2.
	i := cas
	if i == 0 {
		x[0] -= (x[1] + x[1] + 2) >> 2
		i = 2
	}
	for ; i < n-1; i += 2 {
		x[i] -= (x[i-1] + x[i+1] + 2) >> 2
	}
	if i == n-1 {
		x[i] -= (x[i-1] + x[i-1] + 2) >> 2
	}
	// High-pass samples: X += (left + right) >> 1.
	i = 1 - cas
	if i == 0 {
		x[0] += (x[1] + x[1]) >> 1
		i = 2
	}
	for ; i < n-1; i += 2 {
		x[i] += (x[i-1] + x[i+1]) >> 1
	}
	if i == n-1 {
		x[i] += (x[i-1] + x[i-1]) >> 1
	}
}

func mirror[T int32 | float32](x []T, i int) T {
	if i < 0 {
		return x[-i]
	}
	if i >= len(x) {
		return x[2*(len(x)-1)-i]
	}
	return x[i]
}

// synth97 is the irreversible 9/7 synthesis of F.3.8.2.
func synth97(x []float32, cas int) {
	n := len(x)
	if n == 1 {
		return
	}
	for i := cas; i < n; i += 2 {
		x[i] *= k97
	}
	for i := 1 - cas; i < n; i += 2 {
		x[i] *= twoInvK9
	}
	lift97(x, cas, -delta97)
	lift97(x, 1-cas, -gamma97)
	lift97(x, cas, -beta97)
	lift97(x, 1-cas, -alpha97)
}

func lift97(x []float32, start int, c float32) {
	n := len(x)
	i := start
	if i == 0 {
		x[0] = x[0] + float32((x[1]+x[1])*c)
		i = 2
	}
	for ; i < n-1; i += 2 {
		x[i] = x[i] + float32((x[i-1]+x[i+1])*c)
	}
	if i == n-1 {
		x[i] = x[i] + float32((x[i-1]+x[i-1])*c)
	}
}
