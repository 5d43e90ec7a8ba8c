package jpeg2000

// Tier-1 encoding: the coding passes of Annex D driving the MQ encoder, in
// the same scan order and with the same contexts as the decoder (t1.go,
// whose neighbourhood helpers it shares). For rate control every pass
// records the bytes needed to decode up to it and the decrease in squared
// error it brings.

// passInfo is one coding pass's truncation point.
type passInfo struct {
	rate int     // bytes of the codeword needed to decode through this pass
	dist float64 // cumulative decrease in (unweighted) squared error
}

type t1Encoder struct {
	t1
	mag  []uint32 // coefficient magnitudes
	neg  []bool
	enc  mqEncoder
	dist float64
}

// recon is the decoder's reconstruction (before its final halving, so in
// half units) of a coefficient of magnitude m known down to bit plane p.
func recon2(m uint32, p int) float64 {
	if m>>p == 0 {
		return 0
	}
	return float64(2*(m>>p<<p) + 1<<p)
}

func errDelta(m uint32, before, after float64) float64 {
	v := 2 * float64(m)
	return ((v-before)*(v-before) - (v-after)*(v-after)) / 4
}

// encodeBlock codes the coefficients src (w×h, row-major) of a code-block in
// subband orientation orient. It returns the number of magnitude bit planes,
// the codeword and the passes' truncation points.
func (e *t1Encoder) encodeBlock(src []int32, w, h, orient int, passes []passInfo) (int, []byte, []passInfo) {
	e.reset(w, h)
	e.orient = orient
	e.vsc = false
	n := w * h
	if cap(e.mag) < n {
		e.mag = make([]uint32, n)
		e.neg = make([]bool, n)
	}
	e.mag, e.neg = e.mag[:n], e.neg[:n]
	var maxMag uint32
	for i, v := range src {
		if v < 0 {
			e.mag[i], e.neg[i] = uint32(-v), true
		} else {
			e.mag[i], e.neg[i] = uint32(v), false
		}
		maxMag = max(maxMag, e.mag[i])
	}
	passes = passes[:0]
	if maxMag == 0 {
		return 0, nil, passes
	}
	numbps := 0
	for maxMag>>numbps != 0 {
		numbps++
	}
	e.enc.init()
	e.dist = 0
	passType := 2
	for p := numbps - 1; p >= 0; {
		switch passType {
		case 0:
			e.encSig(p)
		case 1:
			e.encRef(p)
		case 2:
			e.encCleanup(p)
		}
		// numBytes+4 bytes suffice to decode through the pass (OpenJPEG adds
		// 3, which TestTier1RoundTrip shows is sometimes one short).
		passes = append(passes, passInfo{rate: e.enc.numBytes() + 4, dist: e.dist})
		passType++
		if passType == 3 {
			passType = 0
			p--
		}
	}
	total := e.enc.flush()
	data := e.enc.buf[1 : 1+total]
	last := total
	for i := len(passes) - 1; i >= 0; i-- {
		if passes[i].rate > last {
			passes[i].rate = last
		} else {
			last = passes[i].rate
		}
	}
	for i := range passes {
		if r := passes[i].rate; r > 0 && data[r-1] == 0xFF {
			passes[i].rate--
		}
	}
	return numbps, data, passes
}

func (e *t1Encoder) becomeSignificant(fi, di, y, p int) {
	cx, x := e.signContext(fi, y)
	e.markSignificant(fi, y)
	s := 0
	if e.neg[di] {
		s = 1
		e.flags[fi] |= fSig | fNeg
	} else {
		e.flags[fi] |= fSig
	}
	e.enc.encode(cx, s^x)
	e.dist += errDelta(e.mag[di], 0, recon2(e.mag[di], p))
}

func (e *t1Encoder) encSig(p int) {
	for y0 := 0; y0 < e.h; y0 += 4 {
		y1 := min(y0+4, e.h)
		for x := 0; x < e.w; x++ {
			for y := y0; y < y1; y++ {
				fi := (y+1)*e.fs + x + 1
				if e.flags[fi]&(fSig|fVisited) != 0 || e.nbr[fi] == 0 {
					continue
				}
				di := y*e.w + x
				bit := int(e.mag[di]>>p) & 1
				e.enc.encode(e.zc(fi), bit)
				if bit != 0 {
					e.becomeSignificant(fi, di, y, p)
				}
				e.flags[fi] |= fVisited
			}
		}
	}
}

func (e *t1Encoder) encRef(p int) {
	for y0 := 0; y0 < e.h; y0 += 4 {
		y1 := min(y0+4, e.h)
		for x := 0; x < e.w; x++ {
			for y := y0; y < y1; y++ {
				fi := (y+1)*e.fs + x + 1
				if e.flags[fi]&(fSig|fVisited) != fSig {
					continue
				}
				cx := ctxMag + 2
				if e.flags[fi]&fRefined == 0 {
					cx = ctxMag
					if e.nbr[fi] != 0 {
						cx++
					}
				}
				di := y*e.w + x
				m := e.mag[di]
				e.enc.encode(cx, int(m>>p)&1)
				e.dist += errDelta(m, recon2(m, p+1), recon2(m, p))
				e.flags[fi] |= fRefined
			}
		}
	}
}

func (e *t1Encoder) encCleanup(p int) {
	for y0 := 0; y0 < e.h; y0 += 4 {
		y1 := min(y0+4, e.h)
		for x := 0; x < e.w; x++ {
			start := y0
			if y1-y0 == 4 && e.runnable(x, y0) {
				r := -1
				for y := y0; y < y1; y++ {
					if e.mag[y*e.w+x]>>p&1 != 0 {
						r = y - y0
						break
					}
				}
				if r < 0 {
					e.enc.encode(ctxRun, 0)
					continue
				}
				e.enc.encode(ctxRun, 1)
				e.enc.encode(ctxUni, r>>1)
				e.enc.encode(ctxUni, r&1)
				y := y0 + r
				e.becomeSignificant((y+1)*e.fs+x+1, y*e.w+x, y, p)
				start = y + 1
			}
			for y := start; y < y1; y++ {
				fi := (y+1)*e.fs + x + 1
				if e.flags[fi]&(fSig|fVisited) != 0 {
					continue
				}
				di := y*e.w + x
				bit := int(e.mag[di]>>p) & 1
				e.enc.encode(e.zc(fi), bit)
				if bit != 0 {
					e.becomeSignificant(fi, di, y, p)
				}
			}
		}
	}
	for y := 0; y < e.h; y++ {
		row := e.flags[(y+1)*e.fs+1 : (y+1)*e.fs+1+e.w]
		for i := range row {
			row[i] &^= fVisited
		}
	}
}
