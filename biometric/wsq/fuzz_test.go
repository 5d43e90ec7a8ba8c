package wsq

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ciekit/ciekit/internal/amfm"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must never panic,
// must return either an image or an error (never both), must decode alike
// with a fresh and a reused Decoder, and must refuse a
// declared size over the limit before allocating for it. The limit here is
// 2^16 pixels so that every input decodes in bounded memory (under 1 MB).
func FuzzDecode(f *testing.F) {
	// Small seeds keep executions (and minimisation) fast; the cwsq-made
	// files of testdata/ are exercised by the ordinary tests.
	for i, rate := range []float64{0.75, 2.25} {
		img, _ := amfm.Generate(uint64(i), 70, 66+i, 3, 9, 4)
		data, err := AppendEncode(nil, img, &Options{BitRate: rate})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{0xff, 0xa0, 0xff, 0xa1})
	const maxPixels = 1 << 16
	// shared is reused across inputs: it must give what a fresh decoder
	// gives, whatever its buffers held before.
	shared := Decoder{Options: DecodeOptions{MaxPixels: maxPixels}}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodeConfig(bytes.NewReader(data)) // must not panic on any input
		_, _ = ReadInfo(data)
		m, info, err := DecodeBytes(data, &DecodeOptions{MaxPixels: maxPixels})
		m2, _, err2 := shared.Decode(data)
		if (err == nil) != (err2 == nil) || (err == nil && !bytes.Equal(m.Pix, m2.Pix)) {
			t.Fatalf("reused Decoder: %v, fresh: %v, or different pixels", err2, err)
		}
		if err != nil {
			if m != nil || info != nil {
				t.Fatalf("DecodeBytes returned a result with error %v", err)
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("DecodeBytes error %v is neither ErrFormat nor ErrTooLarge", err)
			}
			return
		}
		if m.Rect.Dx() != info.Width || m.Rect.Dy() != info.Height || info.Width*info.Height > maxPixels {
			t.Fatalf("DecodeBytes: image %v, info %d × %d", m.Rect, info.Width, info.Height)
		}
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != info.Width || cfg.Height != info.Height {
			t.Fatalf("DecodeBytes gave %d × %d, DecodeConfig %d × %d, %v", info.Width, info.Height, cfg.Width, cfg.Height, err)
		}
	})
}
