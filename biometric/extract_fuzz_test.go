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
		checkFuzzResult(t, ms, err, w, h)
	})
}

func checkFuzzResult(t *testing.T, ms []Minutia, err error, w, h int) {
	t.Helper()
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
}

// FuzzExtractSmall is the fast extractor harness: every input becomes an
// image of 64..127 x 64..127 pixels (the smallest the extractor takes),
// its pixels the input bytes repeated, at a resolution of 500 ppi or
// another chosen by the input, so that one execution costs well under a
// millisecond and the fuzzer reaches the later stages (thinning, tracing,
// filtering) thousands of times a minute.
func FuzzExtractSmall(f *testing.F) {
	sp := synthAMFM(21, 96, 96, 3, 8, 10)
	f.Add(uint8(32), uint8(32), uint8(0), sp.img.Pix)
	f.Add(uint8(0), uint8(0), uint8(0), []byte{0, 255})
	f.Add(uint8(63), uint8(10), uint8(3), []byte{10, 20, 200, 40, 250, 0, 0, 30})
	var e Extractor
	ppis := [...]int{500, 500, 569, 600, 400, 1000, 300, 750}
	buf := make([]byte, 127*127)
	f.Fuzz(func(t *testing.T, dw, dh, res uint8, pix []byte) {
		if len(pix) == 0 {
			return
		}
		w, h := 64+int(dw&63), 64+int(dh&63)
		ppi := ppis[res&7]
		// At a resolution under 500 ppi the working image must still be
		// 64 px: grow the input so that it is.
		w, h = max(w, (64*ppi+499)/500), max(h, (64*ppi+499)/500)
		img := buf[:0]
		for len(img) < w*h {
			img = append(img, pix[:min(len(pix), w*h-len(img))]...)
		}
		e.Options.Resolution = ppi
		ms, err := e.ExtractRaw(nil, img, w, h, w)
		if err != nil {
			t.Fatalf("ExtractRaw(%dx%d at %d ppi): %v", w, h, ppi, err)
		}
		checkFuzzResult(t, ms, err, w, h)
	})
}
