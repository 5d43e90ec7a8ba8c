package wsq

// huffmanData reads the entropy-coded blocks (spec 3.1 §5) from the
// current position to the EOI marker into q, in subband order, and returns
// the number of coefficients decoded. Tables and comments between blocks
// are read as they come.
func (d *decoder) huffmanData(q []int16, t *trees) (int, error) {
	mk, at, err := d.marker("marker")
	if err != nil {
		return 0, err
	}
	if mk < markerSOB || mk > markerCOM {
		return 0, d.fail(at, "marker", "%04X after the frame header, want a table or SOB", mk)
	}
	var br bitReader
	var tbl *huffTable
	blk, n := 0, 0
	for mk != markerEOI {
		if mk != 0 {
			blk++
			for mk != markerSOB {
				if err := d.table(mk, at); err != nil {
					return 0, err
				}
				if mk, at, err = d.marker("marker"); err != nil {
					return 0, err
				}
			}
			start := d.pos
			l, err := d.u16("SOB length")
			if err != nil {
				return 0, err
			}
			if l != 3 {
				return 0, d.fail(start, "SOB length", "length %d, want 3", l)
			}
			id, err := d.u8("SOB table id")
			if err != nil {
				return 0, err
			}
			if int(id) >= len(d.dht) || !d.dht[id].defined {
				return 0, d.fail(start+2, "SOB table id", "Huffman table %d is not defined", id)
			}
			tbl = &d.dht[id]
			br = bitReader{}
			mk = 0
		}
		sym, m, err := d.symbol(&br, tbl)
		if err != nil {
			return 0, err
		}
		if m != 0 {
			mk, at = m, d.pos-2
			for mk == markerCOM && blk == 3 {
				if err := d.readCOM(); err != nil {
					return 0, err
				}
				if mk, at, err = d.marker("marker"); err != nil {
					return 0, err
				}
				if mk < markerSOI || mk > markerCOM {
					return 0, d.fail(at, "marker", "%04X is not a WSQ marker", mk)
				}
			}
			continue
		}
		symAt := d.pos
		var run int
		var val int16
		switch {
		case sym >= 1 && sym <= maxZeroRun:
			run = sym
		case sym > 106 && sym < 0xff:
			val = int16(sym - 180)
		case sym >= 101 && sym <= 106:
			nb := 8
			if sym == 103 || sym == 104 || sym == 106 {
				nb = 16
			}
			v, err := d.bits(&br, nb)
			if err != nil {
				return 0, err
			}
			switch sym {
			case 101, 103:
				val = int16(v)
			case 102, 104:
				val = int16(-int32(v))
			default:
				run = int(v)
			}
		default:
			return 0, d.fail(symAt, "block data", "invalid symbol %d", sym)
		}
		if run > 0 {
			if n+run > len(q) {
				return 0, d.fail(d.pos, "block data", "more coefficients than the %d × %d image holds", d.info.Width, d.info.Height)
			}
			clear(q[n : n+run])
			n += run
			continue
		}
		if sym == 105 || sym == 106 {
			continue // zero-length run
		}
		if n >= len(q) {
			return 0, d.fail(d.pos, "block data", "more coefficients than the %d × %d image holds", d.info.Width, d.info.Height)
		}
		q[n] = val
		n++
	}
	return n, nil
}

// bitReader holds the partly consumed byte of the entropy-coded data.
type bitReader struct {
	code  uint8
	count int
}

// nextBit returns one bit, or the marker found where the bit should be.
func (d *decoder) nextBit(br *bitReader) (bit uint16, marker uint16, err error) {
	if br.count == 0 {
		if err := d.fetch(br, true, &marker); err != nil || marker != 0 {
			return 0, marker, err
		}
	}
	br.count--
	bit = uint16(br.code>>br.count) & 1
	return bit, 0, nil
}

// fetch loads the next byte, undoing 0xFF00 stuffing. A marker is only
// allowed where a code starts or continues (allowMarker).
func (d *decoder) fetch(br *bitReader, allowMarker bool, marker *uint16) error {
	at := d.pos
	c, err := d.u8("block data")
	if err != nil {
		return err
	}
	if c == 0xff {
		c2, err := d.u8("block data")
		if err != nil {
			return err
		}
		if c2 != 0 {
			if !allowMarker {
				return d.fail(at, "block data", "marker %04X inside a coded value", 0xff00|uint16(c2))
			}
			*marker = 0xff00 | uint16(c2)
			return nil
		}
	}
	br.code, br.count = c, 8
	return nil
}

// bits reads an n-bit value following a symbol (no marker may intervene).
func (d *decoder) bits(br *bitReader, n int) (uint16, error) {
	var v uint16
	for n > 0 {
		if br.count == 0 {
			if err := d.fetch(br, false, nil); err != nil {
				return 0, err
			}
		}
		take := min(n, br.count)
		br.count -= take
		v = v<<take | uint16(br.code>>br.count)&(1<<take-1)
		n -= take
	}
	return v, nil
}

// symbol decodes one Huffman symbol (ITU-T T.81 F.2.2.3), or reports the
// marker that ends the block.
func (d *decoder) symbol(br *bitReader, t *huffTable) (int, uint16, error) {
	at := d.pos
	code, mk, err := d.nextBit(br)
	if err != nil || mk != 0 {
		return 0, mk, err
	}
	l := 1
	for int32(code) > t.maxcode[l] {
		l++
		if l > maxHuffBits {
			return 0, 0, d.fail(at, "block data", "no Huffman code matches")
		}
		b, mk, err := d.nextBit(br)
		if err != nil || mk != 0 {
			return 0, mk, err
		}
		code = code<<1 | b
	}
	i := int(t.valptr[l]) + int(code) - int(t.mincode[l])
	if i < 0 || i >= len(t.values) {
		return 0, 0, d.fail(at, "block data", "Huffman code has no value")
	}
	return int(t.values[i]), 0, nil
}
