package biometric

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type flowField struct {
	ori, coh   []float32
	mask       []uint8
	bw, bh     int
	scale      float32
	offX, offY float32
	sx         float32 // the matcher's scale of the template (matchScale)
}

func (f *flowField) at(x, y float64) (float32, float32, bool) {
	wx, wy := (x-float64(f.offX))/float64(f.scale), (y-float64(f.offY))/float64(f.scale)
	bx, by := int(math.Floor(wx/blk)), int(math.Floor(wy/blk))
	if bx < 0 || by < 0 || bx >= f.bw || by >= f.bh {
		return 0, 0, false
	}
	b := by*f.bw + bx
	if f.mask[b] == 0 {
		return 0, 0, false
	}
	return f.ori[b], f.coh[b], true
}

// flowAgree compares A's field moved by r with B's over A's foreground
// blocks that land on B's foreground: the number of such blocks and the
// coherence-weighted mean cos 2Δ.
func flowAgree(A, B *flowField, r rigid) (int, float64) {
	return flowOverlap(A, B, 1, 1, r.apply, r.rot)
}

// flowOverlap is flowAgree for any move that takes A's template pixels
// times sa to B's times sb and rotates directions by rot.
func flowOverlap(A, B *flowField, sa, sb float64, move func(x, y float64) (float64, float64), rot float64) (int, float64) {
	n := 0
	var s, w float64
	for by := range A.bh {
		for bx := range A.bw {
			b := by*A.bw + bx
			if A.mask[b] == 0 {
				continue
			}
			x := (float64(bx*blk)+blk/2)*float64(A.scale) + float64(A.offX)
			y := (float64(by*blk)+blk/2)*float64(A.scale) + float64(A.offY)
			qx, qy := move(x*sa, y*sa)
			ob, cb, ok := B.at(qx/sb, qy/sb)
			if !ok {
				continue
			}
			d := float64(A.ori[b]) - rot - float64(ob)
			k := float64(A.coh[b] * cb)
			s += k * math.Cos(2*d)
			w += k
			n++
		}
	}
	if w == 0 {
		return n, 0
	}
	return n, s / w
}

// TestDiagFlow (CIEKIT_DIAG=1): would the orientation field separate
// DB1_B's genuine 103_4-103_8 from the impostors the matcher scores
// highest? For every pair, the rigid fit of the matcher's pairs, then the
// agreement of the two fields over the overlap.
func TestDiagFlow(t *testing.T) {
	if os.Getenv("CIEKIT_DIAG") == "" {
		t.Skip("set CIEKIT_DIAG=1")
	}
	db := cmp.Or(os.Getenv("CIEKIT_DIAG_DB"), "DB1_B")
	dir := filepath.Join(sharedDir(t, "data/fingerprints/fvc2002"), db)
	e := Extractor{Options: Options{Resolution: cmp.Or(map[string]int{"DB2_B": 569}[db], 500)}}
	var ts [80]*Template
	var fs [80]*flowField
	for n := range 80 {
		tp, err := e.ExtractTemplate(loadPNG(t, filepath.Join(dir, fmt.Sprintf("%d_%d.png", 101+n/8, n%8+1))))
		if err != nil {
			t.Fatal(err)
		}
		ts[n] = &tp
		k := e.bw * e.bh
		fs[n] = &flowField{ori: slices.Clone(e.ori[:k]), coh: slices.Clone(e.coh[:k]), mask: slices.Clone(e.mask[:k]),
			bw: e.bw, bh: e.bh, scale: e.scale, offX: float32(e.offX), offY: float32(e.offY)}
	}
	type scored struct {
		a, b    int
		score   float64
		pairs   int
		overlap int
		agree   float64
	}
	var gen, imp []scored
	for a := range 80 {
		for b := a + 1; b < 80; b++ {
			m, sc := matchPairs(ts[a], ts[b])
			s := scored{a: a, b: b, score: sc, pairs: len(m)}
			if len(m) >= 2 {
				var p, q [][2]float64
				for i, j := range m {
					ma, mb := ts[a].Minutiae[i], ts[b].Minutiae[j]
					p = append(p, [2]float64{float64(ma.X), float64(ma.Y)})
					q = append(q, [2]float64{float64(mb.X), float64(mb.Y)})
				}
				s.overlap, s.agree = flowAgree(fs[a], fs[b], fitRigid(p, q))
			}
			if a/8 == b/8 {
				gen = append(gen, s)
			} else {
				imp = append(imp, s)
			}
		}
	}
	slices.SortFunc(gen, func(x, y scored) int { return cmp.Compare(x.score, y.score) })
	slices.SortFunc(imp, func(x, y scored) int { return cmp.Compare(y.score, x.score) })
	show := func(what string, s scored) {
		t.Logf("%s %d_%d-%d_%d: score %.1f pairs %d overlap %d blocks agree %.3f", what,
			101+s.a/8, s.a%8+1, 101+s.b/8, s.b%8+1, s.score, s.pairs, s.overlap, s.agree)
	}
	for _, s := range imp[:15] {
		show("impostor", s)
	}
	for _, s := range gen[:8] {
		show("genuine ", s)
	}
	// Distribution of agreement for impostors and genuines.
	q := func(v []float64, p float64) float64 { slices.Sort(v); return v[int(p*float64(len(v)-1))] }
	var ga, ia []float64
	for _, s := range gen {
		ga = append(ga, s.agree)
	}
	for _, s := range imp {
		ia = append(ia, s.agree)
	}
	t.Logf("agreement genuine: p5 %.3f p50 %.3f; impostor p50 %.3f p95 %.3f p99 %.3f max %.3f",
		q(ga, 0.05), q(ga, 0.5), q(ia, 0.5), q(ia, 0.95), q(ia, 0.99), q(ia, 1))
}
