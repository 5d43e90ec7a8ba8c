package biometric

// ---------------------------------------------------------------------------
// Stage 7: thinning.

// thin copies bin to skel and thins it to a one-pixel-wide, 8-connected
// skeleton with Guo-Hall parallel thinning. The first sub-iterations scan
// all remaining ridge pixels; once few pixels go per sub-iteration, only
// the neighbours of the pixels deleted in the last two sub-iterations are
// checked (no other pixel can change). On return e.list holds the skeleton
// pixels.
func (e *Extractor) thin() {
	s := e.s
	skel, flag := e.skel, e.tflag
	clear(skel)
	for _, i := range e.list {
		skel[i] = 1
	}
	list, dels, q, prev := e.list, e.dels, e.q1[:0], e.q2[:0]
	offs := [8]int32{int32(-s - 1), int32(-s), int32(-s + 1), -1, 1, int32(s - 1), int32(s), int32(s + 1)}
	full := true
	prevN := -1
	for k := 0; ; k++ {
		src := list
		if !full {
			src = q
		}
		// Branch-free: the decisions are unpredictable.
		tbl := &rasterThin[k&1]
		dels = dels[:len(src)]
		n := 0
		for _, i := range src {
			dels[n] = i
			n += int(tbl[rasterCode(skel, int(i), s)])
		}
		dels = dels[:n]
		for _, i := range dels {
			skel[i] = 0
		}
		if n == 0 && prevN == 0 {
			break
		}
		if full && n > 0 {
			j := 0
			for _, i := range list {
				list[j] = i
				j += int(skel[i])
			}
			list = list[:j]
		}
		if full && k >= 1 && n*16 < len(list) {
			full = false
		}
		if !full {
			q = q[:0]
			for _, d := range [2][]int32{dels, prev} {
				for _, i := range d {
					for _, o := range offs {
						j := i + o
						if skel[j] != 0 && flag[j] == 0 {
							flag[j] = 1
							q = append(q, j)
						}
					}
				}
			}
			for _, i := range q {
				flag[i] = 0
			}
		}
		prev = append(prev[:0], dels...)
		prevN = n
	}
	j := 0
	for _, i := range list {
		list[j] = i
		j += int(skel[i])
	}
	e.list, e.dels, e.q1, e.q2 = list[:j], dels, q, prev
}
