package wsq

// Huffman coding of WSQ spec 3.1 §5, which borrows the table format and
// the code-construction procedures of ITU-T T.81 (JPEG) Annex C and K.

const (
	maxHuffBits   = 16
	maxHuffCounts = 256 // symbols 0..255; 256 is the reserved all-ones code
	maxCoeff      = 74  // coefficients -73..74 have their own symbol
	maxZeroRun    = 100 // zero runs 1..100 have their own symbol
)

// huffTable is a decoding table built from a DHT segment.
type huffTable struct {
	defined bool
	bits    [maxHuffBits]uint8
	values  []uint8
	maxcode [maxHuffBits + 1]int32
	mincode [maxHuffBits + 1]int32
	valptr  [maxHuffBits + 1]int32
}

// codeSizes lists the code length of each value in table order (Annex C.1).
func codeSizes(bits *[maxHuffBits]uint8) []int {
	var sizes []int
	for l := 1; l <= maxHuffBits; l++ {
		for range int(bits[l-1]) {
			sizes = append(sizes, l)
		}
	}
	return sizes
}

// canonicalCodes assigns codes to sizes (Annex C.2). ok is false when the
// lengths over-subscribe the code space.
func canonicalCodes(sizes []int) (codes []uint16, ok bool) {
	codes = make([]uint16, len(sizes))
	code := 0
	size := 0
	if len(sizes) > 0 {
		size = sizes[0]
	}
	for i, s := range sizes {
		for size < s {
			code <<= 1
			size++
		}
		if code >= 1<<size {
			return nil, false
		}
		codes[i] = uint16(code)
		code++
	}
	return codes, true
}

// build prepares the decoding tables (Annex F.2.2.3).
func (h *huffTable) build() bool {
	sizes := codeSizes(&h.bits)
	codes, ok := canonicalCodes(sizes)
	if !ok {
		return false
	}
	k := 0
	for l := 1; l <= maxHuffBits; l++ {
		n := int(h.bits[l-1])
		if n == 0 {
			h.maxcode[l], h.mincode[l], h.valptr[l] = -1, 0, 0
			continue
		}
		h.valptr[l] = int32(k)
		h.mincode[l] = int32(codes[k])
		k += n
		h.maxcode[l] = int32(codes[k-1])
	}
	return true
}

// huffEncoder maps each symbol to its code and length.
type huffEncoder struct {
	code [maxHuffCounts + 1]uint16
	size [maxHuffCounts + 1]uint8
}

// countSymbols adds the symbol frequencies of one block of quantised
// coefficients to freq, as the encoder will code them.
func countSymbols(freq *[maxHuffCounts + 1]int, q []int16) {
	visitSymbols(q, func(sym int, _ uint16, _ int) { freq[sym]++ })
}

// visitSymbols calls emit for every symbol of q with its extra bits (the
// escaped value or run length, n bits; n is 0 when there are none).
func visitSymbols(q []int16, emit func(sym int, extra uint16, n int)) {
	coeff := func(v int) {
		switch {
		case v > maxCoeff && v > 255:
			emit(103, uint16(v), 16)
		case v > maxCoeff:
			emit(101, uint16(v), 8)
		case v < 1-maxCoeff && v < -255:
			emit(104, uint16(-v), 16)
		case v < 1-maxCoeff:
			emit(102, uint16(-v), 8)
		default:
			emit(v+180, 0, 0)
		}
	}
	run := func(n int) {
		switch {
		case n <= maxZeroRun:
			emit(n, 0, 0)
		case n <= 0xff:
			emit(105, uint16(n), 8)
		default:
			emit(106, uint16(n), 16)
		}
	}
	inRun := false
	rcnt := 0
	for _, p := range q {
		v := int(p)
		if !inRun {
			if v == 0 {
				inRun, rcnt = true, 1
				continue
			}
			coeff(v)
			continue
		}
		if v == 0 && rcnt < 0xffff {
			rcnt++
			continue
		}
		run(rcnt)
		if v != 0 {
			coeff(v)
			inRun = false
		} else {
			rcnt = 1
		}
	}
	if inRun {
		run(rcnt)
	}
}

// optimalTable derives the DHT bits and values from symbol frequencies
// (Annex K.2 and K.3, with the all-ones code reserved by a dummy symbol of
// frequency 1 and ties broken towards the larger symbol as NBIS does, so
// that the tables match cwsq's), and the encoder for them.
func optimalTable(freq [maxHuffCounts + 1]int) (bits [maxHuffBits]uint8, values []uint8, enc huffEncoder) {
	freq[maxHuffCounts] = 1
	var codesize [maxHuffCounts + 1]int
	var others [maxHuffCounts + 1]int
	for i := range others {
		others[i] = -1
	}
	for {
		v1, v2 := -1, -1
		c1, c2 := 0, 0
		for i, f := range freq {
			if f == 0 {
				continue
			}
			switch {
			case v1 < 0:
				v1, c1 = i, f
			case f <= c1:
				v2, c2 = v1, c1
				v1, c1 = i, f
			case v2 < 0 || f <= c2:
				v2, c2 = i, f
			}
		}
		if v2 < 0 {
			break
		}
		freq[v1] += freq[v2]
		freq[v2] = 0
		codesize[v1]++
		for others[v1] != -1 {
			v1 = others[v1]
			codesize[v1]++
		}
		others[v1] = v2
		codesize[v2]++
		for others[v2] != -1 {
			v2 = others[v2]
			codesize[v2]++
		}
	}
	var count [maxHuffCounts + 2]int
	longest := 0
	for _, s := range codesize {
		if s > 0 {
			count[s]++
			longest = max(longest, s)
		}
	}
	// Annex K.3: limit code lengths to 16 bits.
	for i := len(count) - 1; i > maxHuffBits; i-- {
		for count[i] > 0 {
			j := i - 2
			for count[j] == 0 {
				j--
			}
			count[i] -= 2
			count[i-1]++
			count[j+1] += 2
			count[j]--
		}
	}
	// Remove the reserved symbol from the longest length in use.
	for i := maxHuffBits; i > 0; i-- {
		if count[i] > 0 {
			count[i]--
			break
		}
	}
	for l := 1; l <= maxHuffBits; l++ {
		bits[l-1] = uint8(count[l])
	}
	// Values in order of their (original) code size, then symbol.
	for s := 1; s <= max(longest, maxHuffBits); s++ {
		for sym := range maxHuffCounts {
			if codesize[sym] == s {
				values = append(values, uint8(sym))
			}
		}
	}
	sizes := codeSizes(&bits)
	values = values[:len(sizes)]
	codes, _ := canonicalCodes(sizes)
	for i, v := range values {
		enc.code[v] = codes[i]
		enc.size[v] = uint8(sizes[i])
	}
	return bits, values, enc
}

// bitWriter packs codes most significant bit first, stuffing a zero byte
// after every 0xFF (spec 3.1 §5.3), and pads the last byte with ones.
type bitWriter struct {
	buf  []byte
	acc  uint8
	nacc int
}

func (w *bitWriter) write(code uint16, n int) {
	for n--; n >= 0; n-- {
		w.acc = w.acc<<1 | uint8(code>>n)&1
		w.nacc++
		if w.nacc == 8 {
			w.buf = append(w.buf, w.acc)
			if w.acc == 0xff {
				w.buf = append(w.buf, 0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

func (w *bitWriter) flush() {
	if w.nacc == 0 {
		return
	}
	for w.nacc < 8 {
		w.acc = w.acc<<1 | 1
		w.nacc++
	}
	w.buf = append(w.buf, w.acc)
	if w.acc == 0xff {
		w.buf = append(w.buf, 0)
	}
	w.acc, w.nacc = 0, 0
}
