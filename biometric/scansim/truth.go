package scansim

import (
	"math"

	"github.com/ciekit/ciekit/biometric"
)

// Ground truth: the master field is noise-free, so its ridges (field > 0)
// thinned to one pixel give the minutiae exactly (crossing number 1:
// ending, 3: bifurcation), after removing the few thinning artefacts
// (minutiae closer than minSeparation to another).

const (
	minSeparation = 6  // pixels; closer pairs are thinning artefacts
	traceLen      = 10 // pixels traced along a branch for its direction
)

// neighbour offsets clockwise from north: P2..P9 of Zhang and Suen.
var ring = [8][2]int{{0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}

func ringBits(b []uint8, W, x, y int) (n [8]uint8) {
	for k, d := range ring {
		n[k] = b[(y+d[1])*W+x+d[0]]
	}
	return n
}

// thin reduces the ridges of b (1 = ridge, border pixels 0) to 8-connected
// one-pixel skeletons (Zhang and Suen, CACM 27(3), 1984).
func thin(b []uint8, W, H int) {
	var del []int
	for changed := true; changed; {
		changed = false
		for pass := range 2 {
			del = del[:0]
			for y := 1; y < H-1; y++ {
				for x := 1; x < W-1; x++ {
					i := y*W + x
					if b[i] == 0 {
						continue
					}
					n := ringBits(b, W, x, y)
					cnt, trans := 0, 0
					for k := range 8 {
						cnt += int(n[k])
						if n[k] == 0 && n[(k+1)&7] == 1 {
							trans++
						}
					}
					if cnt < 2 || cnt > 6 || trans != 1 {
						continue
					}
					// n[0]=N, n[2]=E, n[4]=S, n[6]=W.
					if pass == 0 && (n[0]*n[2]*n[4] != 0 || n[2]*n[4]*n[6] != 0) {
						continue
					}
					if pass == 1 && (n[0]*n[2]*n[6] != 0 || n[0]*n[4]*n[6] != 0) {
						continue
					}
					del = append(del, i)
				}
			}
			for _, i := range del {
				b[i] = 0
			}
			if len(del) > 0 {
				changed = true
			}
		}
	}
}

// crossing returns the crossing number at (x, y): the number of 0->1
// transitions around the 8-neighbourhood.
func crossing(b []uint8, W, x, y int) int {
	n := ringBits(b, W, x, y)
	t := 0
	for k := range 8 {
		if n[k] == 0 && n[(k+1)&7] == 1 {
			t++
		}
	}
	return t
}

type rawMinutia struct {
	x, y int
	kind biometric.MinutiaKind
	dead bool
}

// findMinutiae returns the minutiae of field (W x H) whose position
// satisfies keep(x, y, 4).
func findMinutiae(field []float32, W, H int, keep func(x, y, d float64) bool) []biometric.Minutia {
	b := make([]uint8, W*H)
	for y := 1; y < H-1; y++ {
		for x := 1; x < W-1; x++ {
			if field[y*W+x] > 0 {
				b[y*W+x] = 1
			}
		}
	}
	thin(b, W, H)
	var raw []rawMinutia
	for y := 2; y < H-2; y++ {
		for x := 2; x < W-2; x++ {
			if b[y*W+x] == 0 {
				continue
			}
			switch crossing(b, W, x, y) {
			case 1:
				raw = append(raw, rawMinutia{x: x, y: y, kind: biometric.KindEnding})
			case 3:
				raw = append(raw, rawMinutia{x: x, y: y, kind: biometric.KindBifurcation})
			}
		}
	}
	// Thinning artefacts come in close pairs (spurs, bridges, small holes).
	// A grid of cells makes the pair search linear.
	const cell = 16
	gw := W/cell + 1
	grid := make(map[int][]int, len(raw))
	for i, m := range raw {
		k := m.y/cell*gw + m.x/cell
		grid[k] = append(grid[k], i)
	}
	for i := range raw {
		m := &raw[i]
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				for _, j := range grid[(m.y/cell+dy)*gw+m.x/cell+dx] {
					if j == i {
						continue
					}
					o := &raw[j]
					if (o.x-m.x)*(o.x-m.x)+(o.y-m.y)*(o.y-m.y) < minSeparation*minSeparation {
						m.dead, o.dead = true, true
					}
				}
			}
		}
	}
	var out []biometric.Minutia
	for _, m := range raw {
		if m.dead || !keep(float64(m.x), float64(m.y), 4) || m.x < traceLen || m.y < traceLen || m.x >= W-traceLen || m.y >= H-traceLen {
			continue
		}
		dx, dy, ok := direction(b, W, m.x, m.y, m.kind)
		if !ok {
			continue
		}
		out = append(out, biometric.Minutia{
			X: uint16(m.x), Y: uint16(m.y), Kind: m.kind, Quality: 100,
			Angle: isoAngle(dx, dy),
		})
	}
	return out
}

// direction returns the minutia direction at a skeleton ending or
// bifurcation: for an ending along its ridge into the ridge, for a
// bifurcation away from the stem, between the two forks.
func direction(b []uint8, W, x, y int, kind biometric.MinutiaKind) (dx, dy float64, ok bool) {
	n := ringBits(b, W, x, y)
	// One start pixel per run of set neighbours, preferring 4-neighbours.
	var starts [][2]int
	for k := range 8 {
		if n[k] == 0 || n[(k+7)&7] == 1 {
			continue
		}
		best := k
		for j := k; j < k+8 && n[j&7] == 1; j++ {
			if (j&7)%2 == 0 {
				best = j & 7
				break
			}
		}
		starts = append(starts, [2]int{x + ring[best][0], y + ring[best][1]})
	}
	want := 1
	if kind == biometric.KindBifurcation {
		want = 3
	}
	if len(starts) != want {
		return 0, 0, false
	}
	var vec [3][2]float64
	for s, st := range starts {
		visited := [][2]int{{x, y}}
		visited = append(visited, starts...)
		cx, cy := st[0], st[1]
		for range traceLen - 1 {
			moved := false
			for _, d := range [8][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}} {
				qx, qy := cx+d[0], cy+d[1]
				if b[qy*W+qx] == 0 || contains(visited, qx, qy) {
					continue
				}
				visited = append(visited, [2]int{qx, qy})
				cx, cy, moved = qx, qy, true
				break
			}
			if !moved {
				break
			}
		}
		vx, vy := float64(cx-x), float64(cy-y)
		l := math.Hypot(vx, vy)
		if l < 3 {
			return 0, 0, false
		}
		vec[s] = [2]float64{vx / l, vy / l}
	}
	if kind == biometric.KindEnding {
		return vec[0][0], vec[0][1], true
	}
	// The forks are the two branches closest in angle; the third is the
	// stem.
	stem, bestDot := 0, math.Inf(-1)
	for s := range 3 {
		a, c := vec[(s+1)%3], vec[(s+2)%3]
		if d := a[0]*c[0] + a[1]*c[1]; d > bestDot {
			stem, bestDot = s, d
		}
	}
	a, c := vec[(stem+1)%3], vec[(stem+2)%3]
	dx = a[0] + c[0] - vec[stem][0]
	dy = a[1] + c[1] - vec[stem][1]
	return dx, dy, true
}

func contains(ps [][2]int, x, y int) bool {
	for _, p := range ps {
		if p[0] == x && p[1] == y {
			return true
		}
	}
	return false
}

// isoAngle converts a direction in image coordinates (y down) to ISO/IEC
// 19794-2 units: counter-clockwise as seen on screen, 360/256 degrees.
func isoAngle(dx, dy float64) uint8 {
	a := math.Atan2(-dy, dx)
	if a < 0 {
		a += 2 * math.Pi
	}
	return uint8(int(a*256/(2*math.Pi)+0.5) & 255)
}
