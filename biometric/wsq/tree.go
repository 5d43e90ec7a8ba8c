package wsq

// The decomposition of WSQ spec 3.1 §3.2: 20 two-dimensional filtering
// steps (the wavelet tree) whose outputs are cut into 64 subbands (the
// quantisation tree, of which 60 carry data). The split rules for odd
// lengths follow the spec's Table 2 and Figure 3 as NBIS lays them out, so
// that subband borders agree with every other WSQ implementation bit for bit.

const (
	wTreeLen    = 20
	qTreeLen    = 64
	numSubbands = 60
	// Subbands 0..18 form block 1, 19..51 block 2 and 52..59 block 3.
	startSubband2 = 19
	startSubband3 = 52
)

// wNode is one filtering step: the region it filters and whether the low and
// high halves are swapped (spectral inversion) along rows or columns.
type wNode struct {
	x, y, lenx, leny int
	invRow, invCol   bool
}

// qNode is one subband.
type qNode struct {
	x, y, lenx, leny int
}

type trees struct {
	w [wTreeLen]wNode
	q [qTreeLen]qNode
}

func buildTrees(width, height int) *trees {
	t := new(trees)
	t.buildW(width, height)
	t.buildQ()
	return t
}

func (t *trees) buildW(width, height int) {
	w := &t.w
	for _, n := range []int{2, 4, 7, 9, 11, 13, 16, 18} {
		w[n].invRow = true
	}
	for _, n := range []int{3, 5, 8, 9, 12, 13, 17, 18} {
		w[n].invCol = true
	}
	t.w4(0, 1, width, height, 0, 0, true)
	lenx, lenx2 := w[1].lenx/2, w[1].lenx/2
	if w[1].lenx%2 != 0 {
		lenx = (w[1].lenx + 1) / 2
		lenx2 = lenx - 1
	}
	leny, leny2 := w[1].leny/2, w[1].leny/2
	if w[1].leny%2 != 0 {
		leny = (w[1].leny + 1) / 2
		leny2 = leny - 1
	}
	t.w4(4, 6, lenx2, leny, lenx, 0, false)
	t.w4(5, 10, lenx, leny2, 0, leny, false)
	t.w4(14, 15, lenx, leny, 0, 0, false)
	w[19].x, w[19].y = 0, 0
	w[19].lenx = (w[15].lenx + 1) / 2
	w[19].leny = (w[15].leny + 1) / 2
}

// w4 records node p1 covering (x, y, lenx, leny) and the four quarter
// regions p2..p2+3 its filtering produces; noQuad4 leaves p2+3 unset
// (the first split, whose fourth quarter is not filtered further).
func (t *trees) w4(p1, p2, lenx, leny, x, y int, noQuad4 bool) {
	w := &t.w
	w[p1].x, w[p1].y, w[p1].lenx, w[p1].leny = x, y, lenx, leny
	// Nodes 4 and 5 are split with the smaller half first.
	w[p2].lenx, w[p2+1].lenx = halves(lenx, p1 == 4)
	w[p2].leny, w[p2+2].leny = halves(leny, p1 == 5)
	w[p2+2].lenx, w[p2+1].leny = w[p2].lenx, w[p2].leny
	w[p2].x, w[p2+2].x = x, x
	w[p2].y, w[p2+1].y = y, y
	w[p2+1].x = x + w[p2].lenx
	w[p2+2].y = y + w[p2].leny
	if !noQuad4 {
		w[p2+3].x, w[p2+3].lenx = w[p2+1].x, w[p2+1].lenx
		w[p2+3].y, w[p2+3].leny = w[p2+2].y, w[p2+2].leny
	}
}

func (t *trees) buildQ() {
	w := &t.w
	t.q16(3, w[14], false, false)
	t.q16(19, w[4], false, true)
	t.q16(48, w[0], false, false)
	t.q16(35, w[5], true, false)
	t.q4(0, w[19].lenx, w[19].leny, w[19].x, w[19].y)
}

// halves splits n into a first and second half; when n is odd the larger
// half comes first unless swap is set.
func halves(n int, swap bool) (first, second int) {
	if n%2 == 0 {
		return n / 2, n / 2
	}
	if swap {
		return (n+1)/2 - 1, (n + 1) / 2
	}
	return (n + 1) / 2, (n+1)/2 - 1
}

// q16 cuts the region of node n into 16 subbands starting at p; rw and cl
// mark a spectrally inverted first split along rows or columns.
func (t *trees) q16(p int, n wNode, rw, cl bool) {
	q := &t.q
	x, y := n.x, n.y
	tempx, temp2x := halves(n.lenx, cl)
	tempy, temp2y := halves(n.leny, rw)

	t.q4(p, tempx, tempy, x, y)

	q[p+4].x = x + tempx
	q[p+6].x = q[p+4].x
	q[p+4].y, q[p+5].y = y, y
	q[p+6].y, q[p+7].y = q[p+2].y, q[p+2].y
	q[p+4].leny, q[p+5].leny = q[p].leny, q[p].leny
	q[p+6].leny, q[p+7].leny = q[p+2].leny, q[p+2].leny
	if temp2x%2 == 0 {
		q[p+4].lenx = temp2x / 2
		q[p+5].lenx, q[p+6].lenx, q[p+7].lenx = q[p+4].lenx, q[p+4].lenx, q[p+4].lenx
	} else {
		q[p+5].lenx = (temp2x + 1) / 2
		q[p+4].lenx = q[p+5].lenx - 1
		q[p+6].lenx = q[p+4].lenx
		q[p+7].lenx = q[p+5].lenx
	}
	q[p+5].x = q[p+4].x + q[p+4].lenx
	q[p+7].x = q[p+5].x

	q[p+8].x, q[p+10].x = x, x
	q[p+9].x, q[p+11].x = q[p+1].x, q[p+1].x
	q[p+8].y = y + tempy
	q[p+9].y = q[p+8].y
	q[p+8].lenx, q[p+10].lenx = q[p].lenx, q[p].lenx
	q[p+9].lenx, q[p+11].lenx = q[p+1].lenx, q[p+1].lenx
	if temp2y%2 == 0 {
		q[p+8].leny = temp2y / 2
		q[p+9].leny, q[p+10].leny, q[p+11].leny = q[p+8].leny, q[p+8].leny, q[p+8].leny
	} else {
		q[p+10].leny = (temp2y + 1) / 2
		q[p+11].leny = q[p+10].leny
		q[p+8].leny = q[p+10].leny - 1
		q[p+9].leny = q[p+8].leny
	}
	q[p+10].y = q[p+8].y + q[p+8].leny
	q[p+11].y = q[p+10].y

	for i, src := range [4]int{4, 5, 4, 5} {
		q[p+12+i].x = q[p+src].x
		q[p+12+i].lenx = q[p+src].lenx
	}
	for i, src := range [4]int{8, 8, 10, 10} {
		q[p+12+i].y = q[p+src].y
		q[p+12+i].leny = q[p+src].leny
	}
}

// q4 cuts the lowest band into subbands p..p+3.
func (t *trees) q4(p, lenx, leny, x, y int) {
	q := &t.q
	q[p].x, q[p+2].x = x, x
	q[p].y, q[p+1].y = y, y
	if lenx%2 == 0 {
		q[p].lenx = lenx / 2
		q[p+1].lenx, q[p+2].lenx, q[p+3].lenx = q[p].lenx, q[p].lenx, q[p].lenx
	} else {
		q[p].lenx = (lenx + 1) / 2
		q[p+1].lenx = q[p].lenx - 1
		q[p+2].lenx = q[p].lenx
		q[p+3].lenx = q[p+1].lenx
	}
	q[p+1].x = x + q[p].lenx
	q[p+3].x = q[p+1].x
	if leny%2 == 0 {
		q[p].leny = leny / 2
		q[p+1].leny, q[p+2].leny, q[p+3].leny = q[p].leny, q[p].leny, q[p].leny
	} else {
		q[p].leny = (leny + 1) / 2
		q[p+1].leny = q[p].leny
		q[p+2].leny = q[p].leny - 1
		q[p+3].leny = q[p+2].leny
	}
	q[p+2].y = y + q[p].leny
	q[p+3].y = q[p+2].y
}
