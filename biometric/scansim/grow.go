package scansim

import (
	"math"
	"math/rand/v2"
)

// Ridge growth (Cappelli, Maio and Maltoni's SFinGe method): start from a
// few seed ridge fragments and repeatedly filter the image with a Gabor
// filter tuned to the local ridge orientation and period, saturating the
// result, until the ridges have grown over the whole canvas. Minutiae form
// where ridge fronts meet. The growth runs at half resolution (a period of
// 4-5 pixels is still well sampled) and the result is upsampled.

const (
	growRadius = 5  // kernel radius at half resolution
	growIters  = 14 // filtering iterations
	growGain   = 2.2
	oriBins    = 32   // orientation bins over 180 degrees
	perStep    = 0.25 // period bin width at half resolution, pixels
	perMin     = 3.0  // smallest half-resolution period binned
	perBins    = 12
)

// kernel is one sparse Gabor kernel: offsets into the padded half-res
// plane and their weights.
type kernel struct {
	off []int32
	w   []float32
}

// buildKernel makes the even-symmetric Gabor kernel for ridge direction
// theta and period p (half-resolution pixels), with zero mean and unit
// response to a matching sinusoid.
func buildKernel(theta, p float64, stride int) kernel {
	const sAlong, sAcross = 2.4, 2.0
	c, s := math.Cos(theta), math.Sin(theta)
	var k kernel
	var ws, carrier []float64
	for v := -growRadius; v <= growRadius; v++ {
		for u := -growRadius; u <= growRadius; u++ {
			a := float64(u)*c + float64(v)*s  // along the ridge
			n := -float64(u)*s + float64(v)*c // across the ridge
			env := math.Exp(-a*a/(2*sAlong*sAlong) - n*n/(2*sAcross*sAcross))
			if env < 0.04 {
				continue
			}
			cs := math.Cos(2 * math.Pi * n / p)
			k.off = append(k.off, int32(v*stride+u))
			ws = append(ws, env*cs)
			carrier = append(carrier, cs)
		}
	}
	// Remove the DC component, then normalise the response to the carrier.
	var sum, envSum float64
	for i, w := range ws {
		sum += w
		envSum += math.Abs(ws[i])
	}
	mean := sum / float64(len(ws))
	var resp float64
	for i := range ws {
		ws[i] -= mean
		resp += ws[i] * carrier[i]
	}
	k.w = make([]float32, len(ws))
	for i, w := range ws {
		k.w[i] = float32(w / resp)
	}
	return k
}

// grow returns the ridge field of a W x H canvas (> 0 on ridges) grown
// along the given orientation (radians) and period (pixels), both sampled
// every second canvas pixel.
func grow(r *rand.Rand, W, H int, orient, period []float32) []float32 {
	hw, hh := (W+1)/2, (H+1)/2
	pad := growRadius
	stride := hw + 2*pad
	plane := func() []float32 { return make([]float32, stride*(hh+2*pad)) }
	cur, next := plane(), plane()

	// Per-pixel kernel index, kernels built on demand.
	kidx := make([]uint16, hw*hh)
	kernels := make([]*kernel, oriBins*perBins)
	for y := range hh {
		for x := range hw {
			i := y*hw + x
			th := math.Mod(float64(orient[i]), math.Pi)
			if th < 0 {
				th += math.Pi
			}
			ob := int(th/math.Pi*oriBins+0.5) % oriBins
			pb := min(max(int((float64(period[i])/2-perMin)/perStep+0.5), 0), perBins-1)
			k := ob*perBins + pb
			if kernels[k] == nil {
				kk := buildKernel(float64(ob)*math.Pi/oriBins, perMin+float64(pb)*perStep, stride)
				kernels[k] = &kk
			}
			kidx[y*hw+x] = uint16(k)
		}
	}

	// Seeds: short ridge fragments at random places about 30 half-res
	// pixels apart.
	nseeds := max(hw*hh/(24*24), 4)
	for range nseeds {
		sx, sy := r.IntN(hw), r.IntN(hh)
		i := sy*hw + sx
		th := float64(orient[i])
		p := float64(period[i]) / 2
		ph := r.Float64() * 2 * math.Pi
		for v := -3; v <= 3; v++ {
			for u := -3; u <= 3; u++ {
				x, y := sx+u, sy+v
				if x < 0 || y < 0 || x >= hw || y >= hh || u*u+v*v > 9 {
					continue
				}
				n := -float64(u)*math.Sin(th) + float64(v)*math.Cos(th)
				cur[(y+pad)*stride+x+pad] = float32(math.Cos(2*math.Pi*n/p + ph))
			}
		}
	}

	filter := func(dst, src []float32, gain float32, clip bool) {
		for y := range hh {
			row := (y + pad) * stride
			for x := range hw {
				k := kernels[kidx[y*hw+x]]
				base := int32(row + x + pad)
				off, w := k.off, k.w[:len(k.off)]
				var s0, s1 float32
				j := 0
				for ; j+1 < len(off); j += 2 {
					s0 += w[j] * src[base+off[j]]
					s1 += w[j+1] * src[base+off[j+1]]
				}
				if j < len(off) {
					s0 += w[j] * src[base+off[j]]
				}
				s := s0 + s1
				s *= gain
				if clip {
					s = min(max(s, -1), 1)
				}
				dst[base] = s
			}
		}
	}
	for range growIters {
		filter(next, cur, growGain, true)
		cur, next = next, cur
	}
	// A last linear pass gives smooth, sinusoid-like ridge profiles, so
	// that thresholds away from zero (pressure) thicken or thin ridges.
	filter(next, cur, 0.8, false)
	cur = next

	// Where the growth left the pattern weak (near singular points, where
	// the orientation turns fast) stretch it to full contrast: divide by
	// the local RMS amplitude.
	normalizeAmplitude(cur, plane(), hw, hh, stride, pad)

	// Bilinear upsampling to full resolution.
	out := make([]float32, W*H)
	for y := range H {
		fy := float64(y) / 2
		y0 := min(int(fy), hh-1)
		y1 := min(y0+1, hh-1)
		ty := float32(fy - float64(y0))
		for x := range W {
			fx := float64(x) / 2
			x0 := min(int(fx), hw-1)
			x1 := min(x0+1, hw-1)
			tx := float32(fx - float64(x0))
			a := cur[(y0+pad)*stride+x0+pad]
			b := cur[(y0+pad)*stride+x1+pad]
			c := cur[(y1+pad)*stride+x0+pad]
			d := cur[(y1+pad)*stride+x1+pad]
			out[y*W+x] = (a*(1-tx)+b*tx)*(1-ty) + (c*(1-tx)+d*tx)*ty
		}
	}
	return out
}

// normalizeAmplitude divides the field (half resolution, padded) by its
// local RMS over a 9x9 window, using tmp as scratch.
func normalizeAmplitude(f, tmp []float32, hw, hh, stride, pad int) {
	const r = 4
	clear(tmp)
	// Horizontal then vertical box sums of f^2.
	row := make([]float32, hw)
	for y := range hh {
		base := (y+pad)*stride + pad
		for x := range hw {
			var s float32
			for k := max(x-r, 0); k <= min(x+r, hw-1); k++ {
				v := f[base+k]
				s += v * v
			}
			row[x] = s
		}
		copy(tmp[base:base+hw], row)
	}
	col := make([]float32, hh)
	for x := range hw {
		for y := range hh {
			var s float32
			for k := max(y-r, 0); k <= min(y+r, hh-1); k++ {
				s += tmp[(k+pad)*stride+pad+x]
			}
			col[y] = s
		}
		for y := range hh {
			i := (y+pad)*stride + pad + x
			rms := float32(math.Sqrt(float64(col[y]) / ((2*r + 1) * (2*r + 1))))
			f[i] = min(max(f[i]/(rms*1.3+0.02), -1.2), 1.2)
		}
	}
}
