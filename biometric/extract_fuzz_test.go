package biometric

import (
	"testing"
)

// FuzzExtractRaw feeds arbitrary pixels and sizes to the extractor: it must
// never panic, and every minutia must lie inside the image.
func FuzzExtractRaw(f *testing.F) {
	sp := synthAMFM(21, 128, 160, 4, 8, 10)
	f.Add(uint8(128), uint8(0), sp.img.Pix)
	f.Add(uint8(64), uint8(3), make([]byte, 64*70))
	f.Add(uint8(200), uint8(0), []byte{1, 2, 3})
	var e Extractor
	f.Fuzz(func(t *testing.T, width, extra uint8, pix []byte) {
		w := int(width)
		if w == 0 {
			return
		}
		stride := w + int(extra)
		h := len(pix) / stride
		if h*stride+w <= len(pix) {
			h++
		}
		ms, err := e.ExtractRaw(nil, pix, w, h, stride)
		if err != nil {
			if len(ms) != 0 {
				t.Fatalf("ExtractRaw returned %d minutiae with error %v", len(ms), err)
			}
			return
		}
		for _, m := range ms {
			if int(m.X) >= w || int(m.Y) >= h {
				t.Fatalf("minutia at (%d, %d) outside %dx%d", m.X, m.Y, w, h)
			}
		}
	})
}
