package biometric

import (
	"encoding/binary"
)

// ---------------------------------------------------------------------------
// Stage 7: thinning.

const (
	ones   = 0x0101010101010101 // bit 0 of each byte
	gather = 0x0102040810204080 // (v*gather)>>56 packs bit 0 of v's bytes (v&ones == v) into one byte
)

// spread[b] has bit 0 of byte j set for bit j of b.
var spread = func() (t [256]uint64) {
	for b := range 256 {
		for j := range 8 {
			t[b] |= uint64(b>>j&1) << (8 * j)
		}
	}
	return t
}()

// thin thins the binary image in place (skel and bin are the same plane)
// to a one-pixel-wide, 8-connected skeleton with Guo-Hall parallel
// thinning (CACM 32(3), 1989, algorithm A1; the rule of thinTable).
//
// It works on a bit plane, e.tbits: each row of the padded plane as
// words of 64 pixels (bit j of word k is pixel 64k+j), with a zero word
// before and after, so that guoHall judges 64 pixels at once from the
// rows above and below. A sub-iteration judges the rows top to bottom and
// deletes a row's pixels as soon as the row below is judged, keeping a
// copy of the row as it was for the judgement of the row below it, so
// every decision sees the state before the sub-iteration, as the
// parallel algorithm requires. The first two sub-iterations (one of each
// rule) judge every row; after that only the rows within one row of a
// deletion in the last two sub-iterations, since no other pixel's
// neighbourhood can have changed since it was last judged by the same
// rule. The result is the same as judging every pixel every time.
func (e *Extractor) thin() {
	s, h := e.s, e.h
	nw := (s+63)/64 + 2 // words per row, with the zero words at either end
	rows := h + 2*pad
	e.tbits = growClear(e.tbits, nw*rows+2*nw) // and two rows of scratch
	bits := e.tbits[:nw*rows]
	e.packBits(bits, nw)
	act := growClear(e.tact, rows)
	e.tact = act
	before, saved := e.tbits[nw*rows:nw*rows+nw], e.tbits[nw*rows+nw:]
	prevN := -1
	for k := 0; ; k++ {
		n := 0
		clear(before) // the row above the first judged: padding
		for y := pad; y < pad+h; y++ {
			row := bits[y*nw : y*nw+nw]
			judge := k < 2 || (act[y-1]|act[y]|act[y+1])&3 != 0
			if !judge {
				copy(before, row)
				continue
			}
			copy(saved, row)
			if guoHallRow(row, before, bits[(y+1)*nw:(y+2)*nw], k&1) {
				act[y] |= 4
				n++
			}
			before, saved = saved, before
		}
		if n == 0 && prevN == 0 {
			break
		}
		prevN = n
		for y := range act {
			act[y] = act[y]<<1&2 | act[y]>>2
		}
	}
	e.unpackBits(bits, nw)
}

// guoHallRow applies Guo-Hall sub-iteration sub to the pixels of row,
// given the row above as it was before the sub-iteration and the row
// below (not yet judged), and reports whether it deleted any.
func guoHallRow(row, up, dn []uint64, sub int) bool {
	up, dn = up[:len(row)], dn[:len(row)]
	var any uint64
	prev := row[0] // row[k-1] as it was before the sub-iteration
	for k := 1; k < len(row)-1; k++ {
		c := row[k]
		if c == 0 {
			prev = 0
			continue
		}
		// Neighbour words aligned on the centre: bit j of each is the
		// neighbour of pixel j (east is pixel j+1: shift right).
		n, sth := up[k], dn[k]
		e := c>>1 | row[k+1]<<63
		w := c<<1 | prev>>63
		prev = c
		ne := n>>1 | up[k+1]<<63
		nw := n<<1 | up[k-1]>>63
		se := sth>>1 | dn[k+1]<<63
		sw := sth<<1 | dn[k-1]>>63
		d := c & guoHall(n, ne, e, se, sth, sw, w, nw, sub)
		row[k] = c &^ d
		any |= d
	}
	return any != 0
}

// guoHall is the deletion rule of thinTable as boolean operations on 64
// pixels at once: p2..p9 are the neighbours N, NE, E, SE, S, SW, W, NW.
func guoHall(p2, p3, p4, p5, p6, p7, p8, p9 uint64, sub int) uint64 {
	// C(P) == 1: exactly one of the four terms.
	a1 := ^p2 & (p3 | p4)
	a2 := ^p4 & (p5 | p6)
	a3 := ^p6 & (p7 | p8)
	a4 := ^p8 & (p9 | p2)
	c := (a1 ^ a2 ^ a3 ^ a4) &^ (a1&a2 | a3&a4)
	// N(P) = min(N1, N2) in 2..3: both at least 2, not both 4.
	b1, b2, b3, b4 := p9|p2, p3|p4, p5|p6, p7|p8
	d1, d2, d3, d4 := p2|p3, p4|p5, p6|p7, p8|p9
	ge2 := (b1&b2 | b3&b4 | (b1^b2)&(b3^b4)) & (d1&d2 | d3&d4 | (d1^d2)&(d3^d4))
	all4 := b1 & b2 & b3 & b4 & d1 & d2 & d3 & d4
	var m uint64
	if sub == 0 {
		m = (p6 | p7 | ^p9) & p8
	} else {
		m = (p2 | p3 | ^p5) & p4
	}
	return c & ge2 &^ all4 &^ m
}

// packBits packs the 0/1 bytes of the binary image's rows into the bit
// plane (nw words a row, the first and last zero).
func (e *Extractor) packBits(bits []uint64, nw int) {
	s, bin := e.s, e.bin
	for y := pad; y < pad+e.h; y++ {
		row := bits[y*nw+1 : y*nw+nw-1]
		o := y * s
		for k := range row {
			var v uint64
			for j := range 8 {
				x := 64*k + 8*j
				if x >= s {
					break
				}
				// Bytes past the row end are the next row's padding:
				// zero (pad >= 8).
				b := binary.LittleEndian.Uint64(bin[o+x:]) & ones
				v |= (b * gather) >> 56 << (8 * j)
			}
			row[k] = v
		}
	}
}

// unpackBits writes the bit plane back to the binary image's bytes.
func (e *Extractor) unpackBits(bits []uint64, nw int) {
	s, bin := e.s, e.bin
	for y := pad; y < pad+e.h; y++ {
		row := bits[y*nw+1 : y*nw+nw-1]
		o := y * s
		for k, v := range row {
			for j := range 8 {
				x := 64*k + 8*j
				if x >= s {
					break
				}
				// Past the row end this writes zeros over the next row's
				// padding, as the bit plane holds no pixel there.
				binary.LittleEndian.PutUint64(bin[o+x:], spread[uint8(v>>(8*j))])
			}
		}
	}
}
