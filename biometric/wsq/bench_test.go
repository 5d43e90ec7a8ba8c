package wsq

import (
	"testing"

	"github.com/ciekit/ciekit/internal/amfm"
)

func BenchmarkEncode(b *testing.B) {
	img, _ := amfm.Generate(42, 400, 500, 30, 9, 6)
	b.Run("500ppi/400x500/0.75", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(img.Pix)))
		for b.Loop() {
			if _, err := AppendEncode(nil, img, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	img, _ := amfm.Generate(42, 400, 500, 30, 9, 6)
	data, err := AppendEncode(nil, img, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("500ppi/400x500/0.75", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(img.Pix)))
		for b.Loop() {
			if _, _, err := DecodeBytes(data, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
