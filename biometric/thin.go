package biometric

import (
	"encoding/binary"
	"math/bits"
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
// to a one-pixel-wide, 8-connected skeleton with Guo-Hall parallel thinning.
//
// It keeps no pixel lists. A sub-iteration judges the ridge pixels of a
// list of 8x8 blocks, recording the pixels to delete as one 64-bit mask
// per block (tdel), then deletes them, so every decision sees the state
// before the sub-iteration, as the parallel algorithm requires. The first
// two sub-iterations (one of each rule) judge every foreground block;
// after that only the blocks within one block of a deletion in the last
// two sub-iterations, since no other pixel's neighbourhood can have
// changed since it was last judged by the same rule. The result is the
// same as judging every pixel every time.
//
// Block lists hold by<<16 | bx.
func (e *Extractor) thin() {
	bw, bh := e.bw, e.bh
	all := e.tblk[0][:0]
	for b, m := range e.mask {
		if m != 0 {
			all = append(all, int32((b/bw)<<16|b%bw))
		}
	}
	scan, dels, prev := all, e.tblk[1][:0], e.tblk[2][:0]
	next := e.tblk[3][:0]
	seen := e.tact
	prevN := -1
	for k := 0; ; k++ {
		tbl := &rasterThinC[k&1]
		n := 0
		dels = dels[:0]
		for _, b := range scan {
			bx, by := int(b&0xffff), int(b>>16)
			if m := e.judgeBlock(bx, by, tbl); m != 0 {
				e.tdel[by*bw+bx] = m
				dels = append(dels, b)
				n += bits.OnesCount64(m)
			}
		}
		for _, b := range dels {
			e.deleteBlock(int(b&0xffff), int(b>>16))
		}
		if n == 0 && prevN == 0 {
			break
		}
		prevN = n
		switch {
		case k == 0:
			// Sub-iteration 1 has the other rule: judge every block again.
		case 2*len(dels) > len(all):
			// Deletions nearly everywhere: judge every block again,
			// cheaper than finding their neighbours.
			scan = all
		default:
			// The foreground blocks next to a deletion of the last two
			// sub-iterations (only they hold ridge pixels).
			next = next[:0]
			for _, d := range [2][]int32{dels, prev} {
				for _, b := range d {
					bx, by := int(b&0xffff), int(b>>16)
					for yy := max(by-1, 0); yy <= min(by+1, bh-1); yy++ {
						for xx := max(bx-1, 0); xx <= min(bx+1, bw-1); xx++ {
							if j := yy*bw + xx; seen[j] == 0 && e.mask[j] != 0 {
								seen[j] = 1
								next = append(next, int32(yy<<16|xx))
							}
						}
					}
				}
			}
			for _, b := range next {
				seen[int(b>>16)*bw+int(b&0xffff)] = 0
			}
			scan = next // the old scan list is no longer needed: next may reuse it
		}
		dels, prev = prev, dels
	}
}

// judgeBlock returns the pixels of block (bx, by) that the thinning rule
// tbl deletes: bit 8r+j for pixel j of row r.
func (e *Extractor) judgeBlock(bx, by int, tbl *[512]uint8) uint64 {
	s, skel := e.s, e.skel
	x0, x1 := bx*blk, min(bx*blk+blk, e.w)
	y0, y1 := by*blk, min(by*blk+blk, e.h)
	base := (y0+pad)*s + x0 + pad
	// The ridge pixels of the block as one set, to visit them in a
	// single loop.
	var set uint64
	for r := range y1 - y0 {
		v := binary.LittleEndian.Uint64(skel[base+r*s:]) & ones
		set |= (v * gather) >> 56 << (8 * r)
	}
	if x1-x0 < blk {
		set &= uint64(1<<(x1-x0)-1) * ones // only the columns inside the image
	}
	var m uint64
	for ; set != 0; set &= set - 1 {
		p := bits.TrailingZeros64(set)
		m |= uint64(tbl[rasterCode9(skel, base+(p>>3)*s+(p&7), s)]) << p
	}
	return m
}

// deleteBlock clears the pixels of block (bx, by) judgeBlock chose.
func (e *Extractor) deleteBlock(bx, by int) {
	s, skel := e.s, e.skel
	base := (by*blk+pad)*s + bx*blk + pad
	m := e.tdel[by*e.bw+bx]
	for r := 0; m != 0; r++ {
		if row := uint8(m); row != 0 {
			i := base + r*s
			binary.LittleEndian.PutUint64(skel[i:], binary.LittleEndian.Uint64(skel[i:])&^spread[row])
		}
		m >>= 8
	}
}
