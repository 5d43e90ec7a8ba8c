package biometric

import (
	"image"
	"image/color"
)

// toGray converts the w x h rectangle b of img into e.in (8-bit gray,
// tight), without allocating for the image types listed in the Extractor
// documentation.
func (e *Extractor) toGray(img image.Image, b image.Rectangle, w, h int) {
	switch m := img.(type) {
	case *image.Gray:
		copyPlane(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.YCbCr:
		copyPlane(e.in, w, h, m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride)
	case *image.RGBA:
		rgbaToGray(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.NRGBA:
		// Alpha is ignored: a scanner image is opaque.
		rgbaToGray(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.Gray16:
		gray16ToGray(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.RGBA64:
		rgba64ToGray(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.NRGBA64:
		rgba64ToGray(e.in, w, h, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride)
	case *image.CMYK:
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := e.in[y*w : y*w+w]
			for x := range out {
				r, g, bl := color.CMYKToRGB(row[4*x], row[4*x+1], row[4*x+2], row[4*x+3])
				out[x] = lum8(uint32(r), uint32(g), uint32(bl))
			}
		}
	case *image.Paletted:
		// Gray level of every palette entry once; indexes beyond the
		// palette are black, as image.Paletted.At has it.
		lut := &e.lut
		clear(lut[:])
		for i, c := range m.Palette {
			if i == len(lut) {
				break
			}
			lut[i] = color.GrayModel.Convert(c).(color.Gray).Y
		}
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := e.in[y*w : y*w+w]
			for x := range out {
				out[x] = lut[row[x]]
			}
		}
	default:
		for y := range h {
			row := e.in[y*w : y*w+w]
			for x := range row {
				row[x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
}

// lum8 is the gray level of an 8-bit RGB colour with the weights of
// color.GrayModel (JFIF).
func lum8(r, g, b uint32) uint8 {
	return uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

func rgbaToGray(dst []uint8, w, h int, src []uint8, stride int) {
	for y := range h {
		row := src[y*stride : y*stride+4*w]
		out := dst[y*w : y*w+w]
		for x := range out {
			out[x] = lum8(uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]))
		}
	}
}

// rgba64ToGray converts 16-bit RGB(A) (big-endian samples) to 8-bit gray.
func rgba64ToGray(dst []uint8, w, h int, src []uint8, stride int) {
	for y := range h {
		row := src[y*stride : y*stride+8*w]
		out := dst[y*w : y*w+w]
		for x := range out {
			r := uint32(row[8*x])<<8 | uint32(row[8*x+1])
			g := uint32(row[8*x+2])<<8 | uint32(row[8*x+3])
			b := uint32(row[8*x+4])<<8 | uint32(row[8*x+5])
			out[x] = uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 24)
		}
	}
}

// gray16ToGray converts 16-bit gray (big-endian) to 8 bits, stretching
// the range of the image's gray levels to 0..255.
func gray16ToGray(dst []uint8, w, h int, src []uint8, stride int) {
	lo, hi := uint32(0xffff), uint32(0)
	for y := range h {
		row := src[y*stride : y*stride+2*w]
		for x := range w {
			v := uint32(row[2*x])<<8 | uint32(row[2*x+1])
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi <= lo { // one gray level (or no pixels)
		for i := range dst[:w*h] {
			dst[i] = uint8(lo >> 8)
		}
		return
	}
	span := hi - lo
	// v -> (v-lo)*255/span, in 16.16 fixed point.
	scale := (255<<16 + span/2) / span
	for y := range h {
		row := src[y*stride : y*stride+2*w]
		out := dst[y*w : y*w+w]
		for x := range out {
			v := uint32(row[2*x])<<8 | uint32(row[2*x+1])
			out[x] = uint8(min(((v-lo)*scale+1<<15)>>16, 255))
		}
	}
}
