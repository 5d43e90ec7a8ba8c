package jpeg2000

import "math"

// bitReader reads packet header bits (T.800 B.10.1): MSB first, and after a
// 0xFF byte the next byte carries only seven bits. Past the end it reads
// zeros and records that it overran.
type bitReader struct {
	data    []byte
	pos     int
	buf     uint32
	ct      uint32
	overrun bool
}

func (b *bitReader) byteIn() {
	b.buf = (b.buf << 8) & 0xFFFF
	if b.buf == 0xFF00 {
		b.ct = 7
	} else {
		b.ct = 8
	}
	if b.pos < len(b.data) {
		b.buf |= uint32(b.data[b.pos])
	} else {
		b.overrun = true
	}
	b.pos++
}

func (b *bitReader) bit() int {
	if b.ct == 0 {
		b.byteIn()
	}
	b.ct--
	return int(b.buf>>b.ct) & 1
}

func (b *bitReader) bits(n int) int {
	v := 0
	for range n {
		v = v<<1 | b.bit()
	}
	return v
}

// align ends the header: if the last byte read was 0xFF, the stuffed byte
// that follows belongs to the header too.
func (b *bitReader) align() {
	if b.buf&0xFF == 0xFF {
		b.byteIn()
	}
	b.ct = 0
}

// tagTree is the tag tree of T.800 B.10.2, decoding only.
type tagTree struct {
	nodes []tagNode
	// levels[i] is the index of the first node of level i (0 = leaves) and
	// its width.
	levels []tagLevel
}

type tagNode struct {
	value  int32 // math.MaxInt32 until known
	low    int32
	parent int32
}

type tagLevel struct{ first, w, h int }

func newTagTree(w, h int) *tagTree {
	t := &tagTree{}
	n := 0
	lw, lh := w, h
	for {
		t.levels = append(t.levels, tagLevel{n, lw, lh})
		n += lw * lh
		if lw <= 1 && lh <= 1 {
			break
		}
		lw, lh = (lw+1)/2, (lh+1)/2
	}
	t.nodes = make([]tagNode, n)
	for i := range t.nodes {
		t.nodes[i] = tagNode{value: math.MaxInt32, parent: -1}
	}
	for l := 0; l+1 < len(t.levels); l++ {
		cur, up := t.levels[l], t.levels[l+1]
		for y := range cur.h {
			for x := range cur.w {
				t.nodes[cur.first+y*cur.w+x].parent = int32(up.first + (y/2)*up.w + x/2)
			}
		}
	}
	return t
}

// decode reports whether leaf's value is below threshold, reading as many
// bits as that needs (B.10.2).
func (t *tagTree) decode(br *bitReader, leaf int, threshold int32) bool {
	stack, n := t.path(leaf)
	var low int32
	var nd *tagNode
	for n > 0 {
		n--
		nd = &t.nodes[stack[n]]
		if low > nd.low {
			nd.low = low
		} else {
			low = nd.low
		}
		for low < threshold && low < nd.value {
			if br.bit() != 0 {
				nd.value = low
			} else {
				low++
			}
		}
		nd.low = low
	}
	return nd.value < threshold
}

// path returns the nodes from leaf up to the root, in stack[:n].
func (t *tagTree) path(leaf int) (stack [64]int32, n int) {
	for i := int32(leaf); i >= 0 && n < len(stack); i = t.nodes[i].parent {
		stack[n] = i
		n++
	}
	return stack, n
}
