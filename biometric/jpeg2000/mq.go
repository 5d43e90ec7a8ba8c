package jpeg2000

// The MQ arithmetic decoder of ITU-T T.800 Annex C, with the byte-in procedure
// of C.3.4 (bit stuffing after 0xFF) and the raw (bypass) bit reader of D.6.
// Past the end of a segment the decoder reads 0xFF 0xFF, as C.3.4 and
// OpenJPEG do, so a truncated segment decodes to 1 bits and never reads out
// of bounds.

// mqState is one row of Table C.2: the LPS probability estimate Qe, the next
// state after an MPS or LPS renormalisation, and whether an LPS switches the
// MPS sense.
type mqState struct {
	qe         uint32
	nmps, nlps uint8
	swap       bool
}

var mqTable = [47]mqState{
	{0x5601, 1, 1, true}, {0x3401, 2, 6, false}, {0x1801, 3, 9, false}, {0x0AC1, 4, 12, false},
	{0x0521, 5, 29, false}, {0x0221, 38, 33, false}, {0x5601, 7, 6, true}, {0x5401, 8, 14, false},
	{0x4801, 9, 14, false}, {0x3801, 10, 14, false}, {0x3001, 11, 17, false}, {0x2401, 12, 18, false},
	{0x1C01, 13, 20, false}, {0x1601, 29, 21, false}, {0x5601, 15, 14, true}, {0x5401, 16, 14, false},
	{0x5101, 17, 15, false}, {0x4801, 18, 16, false}, {0x3801, 19, 17, false}, {0x3401, 20, 18, false},
	{0x3001, 21, 19, false}, {0x2801, 22, 19, false}, {0x2401, 23, 20, false}, {0x2201, 24, 21, false},
	{0x1C01, 25, 22, false}, {0x1801, 26, 23, false}, {0x1601, 27, 24, false}, {0x1401, 28, 25, false},
	{0x1201, 29, 26, false}, {0x1101, 30, 27, false}, {0x0AC1, 31, 28, false}, {0x09C1, 32, 29, false},
	{0x08A1, 33, 30, false}, {0x0521, 34, 31, false}, {0x0441, 35, 32, false}, {0x02A1, 36, 33, false},
	{0x0221, 37, 34, false}, {0x0141, 38, 35, false}, {0x0111, 39, 36, false}, {0x0085, 40, 37, false},
	{0x0049, 41, 38, false}, {0x0025, 42, 39, false}, {0x0015, 43, 40, false}, {0x0009, 44, 41, false},
	{0x0005, 45, 42, false}, {0x0001, 45, 43, false}, {0x5601, 46, 46, false},
}

// Context labels of T.800 D.3: 0-8 zero coding, 9-13 sign coding, 14-16
// magnitude refinement, 17 run length, 18 uniform.
const (
	ctxSC    = 9
	ctxMag   = 14
	ctxRun   = 17
	ctxUni   = 18
	numCtxts = 19
)

// mqContext is a context's state index and MPS sense.
type mqContext struct {
	state uint8
	mps   uint8
}

// mqDecoder decodes one codeword segment.
type mqDecoder struct {
	data []byte
	bp   int // index of the byte last read into c
	a, c uint32
	ct   uint32
	ctx  [numCtxts]mqContext
}

// resetContexts sets every context to its initial state (Table D.7).
func (d *mqDecoder) resetContexts() {
	for i := range d.ctx {
		d.ctx[i] = mqContext{}
	}
	d.ctx[0].state = 4
	d.ctx[ctxRun].state = 3
	d.ctx[ctxUni].state = 46
}

func (d *mqDecoder) byteAt(i int) uint32 {
	if i < len(d.data) {
		return uint32(d.data[i])
	}
	return 0xFF
}

// init starts decoding a segment (INITDEC, C.3.5).
func (d *mqDecoder) init(seg []byte) {
	d.data = seg
	d.bp = 0
	d.c = d.byteAt(0) << 16
	d.byteIn()
	d.c <<= 7
	d.ct -= 7
	d.a = 0x8000
}

// byteIn is BYTEIN of C.3.4.
func (d *mqDecoder) byteIn() {
	next := d.byteAt(d.bp + 1)
	if d.byteAt(d.bp) == 0xFF {
		if next > 0x8F {
			d.c += 0xFF00
			d.ct = 8
		} else {
			d.bp++
			d.c += next << 9
			d.ct = 7
		}
	} else {
		d.bp++
		d.c += next << 8
		d.ct = 8
	}
}

// decode returns one decision in context cx (DECODE, C.3.2).
func (d *mqDecoder) decode(cx int) int {
	st := &d.ctx[cx]
	row := &mqTable[st.state]
	qe := row.qe
	var bit uint8
	d.a -= qe
	if d.c>>16 < qe {
		// LPS exchange.
		if d.a < qe {
			bit = st.mps
			st.state = row.nmps
		} else {
			bit = 1 - st.mps
			if row.swap {
				st.mps = 1 - st.mps
			}
			st.state = row.nlps
		}
		d.a = qe
	} else {
		d.c -= qe << 16
		if d.a&0x8000 != 0 {
			return int(st.mps)
		}
		// MPS exchange.
		if d.a < qe {
			bit = 1 - st.mps
			if row.swap {
				st.mps = 1 - st.mps
			}
			st.state = row.nlps
		} else {
			bit = st.mps
			st.state = row.nmps
		}
	}
	for {
		if d.ct == 0 {
			d.byteIn()
		}
		d.a <<= 1
		d.c <<= 1
		d.ct--
		if d.a&0x8000 != 0 {
			break
		}
	}
	return int(bit)
}

// rawDecoder reads the bits of a bypass (lazy) segment, MSB first, skipping
// the stuffed bit after 0xFF (T.800 D.6).
type rawDecoder struct {
	data []byte
	bp   int
	c    uint32
	ct   uint32
}

func (r *rawDecoder) init(seg []byte) {
	r.data = seg
	r.bp = 0
	r.c = 0
	r.ct = 0
}

func (r *rawDecoder) decode() int {
	if r.ct == 0 {
		var b uint32 = 0xFF
		if r.bp < len(r.data) {
			b = uint32(r.data[r.bp])
		}
		if r.c == 0xFF {
			if b > 0x8F {
				r.c = 0xFF
				r.ct = 8
			} else {
				r.c = b
				r.bp++
				r.ct = 7
			}
		} else {
			r.c = b
			r.bp++
			r.ct = 8
		}
	}
	r.ct--
	return int(r.c>>r.ct) & 1
}
