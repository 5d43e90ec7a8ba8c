package jpeg2000

// mqEncoder is the MQ arithmetic encoder of T.800 C.2 (ENCODE, RENORME,
// BYTEOUT, FLUSH). buf[0] is the dummy byte preceding the output, so the
// code-block's data is buf[1:].
type mqEncoder struct {
	buf  []byte
	bp   int
	a, c uint32
	ct   uint32
	ctx  [numCtxts]mqContext
}

func (e *mqEncoder) init() {
	e.buf = append(e.buf[:0], 0)
	e.bp = 0
	e.a = 0x8000
	e.c = 0
	e.ct = 12
	for i := range e.ctx {
		e.ctx[i] = mqContext{}
	}
	e.ctx[0].state = 4
	e.ctx[ctxRun].state = 3
	e.ctx[ctxUni].state = 46
}

// numBytes is the number of bytes output so far, not counting the byte
// still subject to a carry.
func (e *mqEncoder) numBytes() int { return e.bp - 1 }

func (e *mqEncoder) encode(cx, d int) {
	st := &e.ctx[cx]
	row := &mqTable[st.state]
	qe := row.qe
	e.a -= qe
	if d == int(st.mps) {
		if e.a&0x8000 == 0 {
			if e.a < qe {
				e.a = qe
			} else {
				e.c += qe
			}
			st.state = row.nmps
			e.renorm()
		} else {
			e.c += qe
		}
		return
	}
	if e.a < qe {
		e.c += qe
	} else {
		e.a = qe
	}
	if row.swap {
		st.mps = 1 - st.mps
	}
	st.state = row.nlps
	e.renorm()
}

func (e *mqEncoder) renorm() {
	for {
		e.a <<= 1
		e.c <<= 1
		e.ct--
		if e.ct == 0 {
			e.byteOut()
		}
		if e.a&0x8000 != 0 {
			return
		}
	}
}

func (e *mqEncoder) put(b byte) {
	e.bp++
	if e.bp == len(e.buf) {
		e.buf = append(e.buf, b)
	} else {
		e.buf[e.bp] = b
	}
}

func (e *mqEncoder) byteOut() {
	if e.buf[e.bp] == 0xFF {
		e.put(byte(e.c >> 20))
		e.c &= 0xFFFFF
		e.ct = 7
		return
	}
	if e.c&0x8000000 == 0 {
		e.put(byte(e.c >> 19))
		e.c &= 0x7FFFF
		e.ct = 8
		return
	}
	e.buf[e.bp]++
	if e.buf[e.bp] == 0xFF {
		e.c &= 0x7FFFFFF
		e.put(byte(e.c >> 20))
		e.c &= 0xFFFFF
		e.ct = 7
		return
	}
	e.put(byte(e.c >> 19))
	e.c &= 0x7FFFF
	e.ct = 8
}

// flush terminates the codeword (C.2.9) and returns the data length; the
// data is buf[1:1+n].
func (e *mqEncoder) flush() int {
	temp := e.c + e.a
	e.c |= 0xFFFF
	if e.c >= temp {
		e.c -= 0x8000
	}
	e.c <<= e.ct
	e.byteOut()
	e.c <<= e.ct
	e.byteOut()
	// A codeword never ends with 0xFF: the decoder supplies it.
	if e.buf[e.bp] == 0xFF {
		return e.bp - 1
	}
	return e.bp
}
