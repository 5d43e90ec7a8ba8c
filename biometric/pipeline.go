package biometric

import (
	"encoding/binary"
	"math"
)

// Pipeline geometry. Every length is in working pixels at 500 ppi.
const (
	workPPI = 500
	blk     = 8 // block size of the block maps
	pad     = 8 // zero margin around the padded planes (>= filter radii)
	// maxCandidates caps the raw minutia candidates per image. They are
	// found in raster order, so once the cap is reached the rest of the
	// image gives none: a clean FVC2002 DB3_B print reaches 901, and with
	// pixel noise or a noisy background around the print 1,024 ran out
	// before the middle of the print (robustness sweep, RESULTS.md).
	maxCandidates = 4096
	candInit      = 1024 // candidate capacity allocated at first; grown only for an image that needs more

	nOri       = 24 // orientation bins of the filter bank (7.5 degrees)
	minPeriod  = 4.5
	maxPeriod  = 15.0
	periodStep = 0.5
	nPer       = int((maxPeriod-minPeriod)/periodStep) + 1

	alongR     = 5   // radius of the smoothing along the ridges
	alongSigma = 3.0 // its Gaussian sigma (filterParams.alongSigma)
	acrossR    = 7   // radius of the band-pass across the ridges

	oriNorm = 0 // orientation: block vectors divided by energy^oriNorm; off (see params)

	// A blurred or wet image (enhance, blurred): the share of its
	// foreground blocks that read a period longLead bins (1.5 px) longer
	// from their signal energy than from the energy about each block's
	// own mean, plus blurLag times the relative excess of the period
	// map's median over the x-signature's, is above blurShare; its
	// band-pass is then tuned at most periodCap bins above the second
	// reading (-2: 1 px below it, which lifts the frequencies blur took
	// away as well as following the ridges). blurShare sits above every
	// FVC2002 B print's score (at most 0.652, one DB2_B print; the share
	// alone at most 0.649), so no FVC2002 template changes. periodCap was
	// chosen among 2, 1, 0 (mid-morning) and -1 to -4 (afternoon), and
	// blurLag among 0, 0.5, 1 with blurShare kept, on the sweep's blur and
	// wet transforms (tuned on). See biometric/eval/RESULTS.md, "blur and
	// wet skin" and "afternoon".
	longLead  = 3
	blurShare = 0.7
	blurLag   = 0.5
	periodCap = -2

	minStd  = 6.0 // gray levels: below this a block is background
	segFrac = 0.3 // ... and below this fraction of the print's 95th-percentile contrast

	spurLen     = 7  // an ending this close (along the skeleton) to a bifurcation is a spur
	shortRidge  = 12 // longest trace of the filters (path capacity: 4x); the short-ridge rule itself is off (filterParams)
	bridgeLen   = 10 // bridge rule tried at this length; off by default (filterParams)
	breakDist   = 14 // facing endings this close form a broken ridge
	clusterDist = 6  // two minutiae this close are both suspect
	cloudRadius = 16 // more than cloudCount minutiae within this radius are noise
	cloudCount  = 4
	junctionLen = 5  // bifurcations this close along the skeleton are one junction
	borderReach = 24 // an ending whose ridge would run into the background this soon is cut by the edge
	frameReach  = 12 // ... or into the image's own edge this soon (see facesBackground)
)

// kernels is the oriented filter bank, with offsets for one plane stride.
type kernels struct {
	along   [nOri][2*alongR + 1]int32
	alongW  [2*alongR + 1]float32
	across  [nOri][2*acrossR + 1]int32
	acrossW [nOri][nPer][2*acrossR + 1]float32
	// ratio[o][k] is the gradient-to-signal energy ratio of a sinusoid of
	// period minPeriod+k*periodStep across ridges of orientation bin o,
	// sampled with central differences (decreasing in k).
	ratio [nOri][nPer]float32
}

// build fills the bank for planes of stride s, with the smoothing along
// the ridges of Gaussian sigma sigma. Orientation bin o is the
// ridge direction o*pi/nOri in image coordinates (y down).
func (k *kernels) build(s int, sigma float32) {
	var sum float64
	for t := -alongR; t <= alongR; t++ {
		g := math.Exp(-float64(t*t) / (2 * float64(sigma) * float64(sigma)))
		k.alongW[t+alongR] = float32(g)
		sum += g
	}
	for i := range k.alongW {
		k.alongW[i] /= float32(sum)
	}
	for o := range nOri {
		th := float64(o) * math.Pi / nOri
		c, sn := math.Cos(th), math.Sin(th)
		for t := -alongR; t <= alongR; t++ {
			dx, dy := int(math.Round(float64(t)*c)), int(math.Round(float64(t)*sn))
			k.along[o][t+alongR] = int32(dy*s + dx)
		}
		nx, ny := -sn, c
		for pi := range nPer {
			w := 2 * math.Pi / (minPeriod + float64(pi)*periodStep)
			a, b := math.Sin(w*nx), math.Sin(w*ny)
			k.ratio[o][pi] = float32(a*a + b*b)
		}
		var d [2*acrossR + 1]float64
		for t := -acrossR; t <= acrossR; t++ {
			dx, dy := math.Round(float64(t)*nx), math.Round(float64(t)*ny)
			k.across[o][t+acrossR] = int32(int(dy)*s + int(dx))
			d[t+acrossR] = dx*nx + dy*ny // exact distance across the ridge
		}
		for pi := range nPer {
			per := minPeriod + float64(pi)*periodStep
			sigma := min(0.45*per, 4.0)
			var g, cw [2*acrossR + 1]float64
			var sg, sc float64
			for i, di := range d {
				g[i] = math.Exp(-di * di / (2 * sigma * sigma))
				cw[i] = g[i] * math.Cos(2*math.Pi*di/per)
				sg += g[i]
				sc += cw[i]
			}
			// Remove the DC response, then give unit gain at the ridge frequency.
			var gain float64
			for i, di := range d {
				cw[i] -= sc / sg * g[i]
				gain += cw[i] * math.Cos(2*math.Pi*di/per)
			}
			for i := range cw {
				k.acrossW[o][pi][i] = float32(cw[i] / gain)
			}
		}
	}
}

// Thinning and crossing-number tables indexed by the 8-neighbourhood byte
// of neighbours: bit 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW.
var (
	thinTable  = buildThinTable()
	crossTable = buildCrossTable()
)

// buildThinTable gives the deletion rule of Guo and Hall's parallel
// thinning (CACM 32(3), 1989, algorithm A1) for its two sub-iterations.
func buildThinTable() (t [2][256]bool) {
	for nb := range 256 {
		p := func(i int) int { return nb >> i & 1 }
		p2, p3, p4, p5, p6, p7, p8, p9 := p(0), p(1), p(2), p(3), p(4), p(5), p(6), p(7)
		not := func(v int) int { return 1 - v }
		c := not(p2)&(p3|p4) + not(p4)&(p5|p6) + not(p6)&(p7|p8) + not(p8)&(p9|p2)
		n1 := (p9 | p2) + (p3 | p4) + (p5 | p6) + (p7 | p8)
		n2 := (p2 | p3) + (p4 | p5) + (p6 | p7) + (p8 | p9)
		n := min(n1, n2)
		for sub := range 2 {
			var m int
			if sub == 0 {
				m = (p6 | p7 | not(p9)) & p8
			} else {
				m = (p2 | p3 | not(p5)) & p4
			}
			t[sub][nb] = c == 1 && n >= 2 && n <= 3 && m == 0
		}
	}
	return t
}

// buildCrossTable gives the crossing number: the count of 0-to-1
// transitions around the 8-neighbourhood.
func buildCrossTable() (t [256]uint8) {
	for nb := range 256 {
		var c uint8
		for i := range 8 {
			if nb>>i&1 == 0 && nb>>((i+1)&7)&1 == 1 {
				c++
			}
		}
		t[nb] = c
	}
	return t
}

// rasterThin is thinTable indexed by rasterCode (1 = delete).
var rasterThin = buildRasterTables()

func buildRasterTables() (thin [2][512]uint8) {
	for idx := range 512 {
		b := func(i int) uint8 { return uint8(idx >> i & 1) }
		// rasterCode bits: 0 NW, 1 W, 2 SW, 3 N, 4 centre, 5 S, 6 NE, 7 E, 8 SE.
		nb := b(3) | b(6)<<1 | b(7)<<2 | b(8)<<3 | b(5)<<4 | b(2)<<5 | b(1)<<6 | b(0)<<7
		if thinTable[0][nb] {
			thin[0][idx] = 1
		}
		if thinTable[1][nb] {
			thin[1][idx] = 1
		}
	}
	return thin
}

// rasterCode9 is rasterCode with the centre pixel in bit 4.
func rasterCode9(b []uint8, i, s int) uint32 {
	top := binary.LittleEndian.Uint32(b[i-s-1:]) & 0x010101
	mid := binary.LittleEndian.Uint32(b[i-1:]) & 0x010101
	bot := binary.LittleEndian.Uint32(b[i+s-1:]) & 0x010101
	x := top | mid<<1 | bot<<2
	return x&0xff | (x>>8&0xff)<<3 | (x>>16&0xff)<<6
}

// rasterCode packs the 8-neighbourhood of pixel i of a 0/1 plane (bit 0
// of each byte) with three 4-byte loads: bits 0 NW, 1 W, 2 SW, 3 N, 5 S,
// 6 NE, 7 E, 8 SE.
func rasterCode(b []uint8, i, s int) uint32 {
	return rasterCode9(b, i, s) &^ 16
}

// nbits is the 8-neighbourhood byte of pixel i of a plane where bit 0 of
// a byte is the pixel (skel keeps candidate marks in bit 1).
func nbits(b []uint8, i, s int) uint8 {
	return rasterNb[rasterCode9(b, i, s)]
}

// rasterNb converts a rasterCode or rasterCode9 (bit 4 is ignored) to the
// neighbourhood byte of nbits.
var rasterNb = func() (t [512]uint8) {
	for idx := range 512 {
		b := func(i int) uint8 { return uint8(idx >> i & 1) }
		t[idx] = b(3) | b(6)<<1 | b(7)<<2 | b(8)<<3 | b(5)<<4 | b(2)<<5 | b(1)<<6 | b(0)<<7
	}
	return t
}()
