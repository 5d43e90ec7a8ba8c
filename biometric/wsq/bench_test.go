package wsq

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ciekit/ciekit/internal/amfm"
)

// benchPrints are 500-ppi flat (plain) impressions: a synthetic 400 × 500
// print, and FVC2002 DB1_B 101_1 (388 × 374, optical sensor) when
// ../shared/data is beside the module.
func benchPrints(b *testing.B) map[string]*image.Gray {
	syn, _ := amfm.Generate(42, 400, 500, 30, 9, 6)
	prints := map[string]*image.Gray{"500ppi/synthetic-400x500": syn}
	wd, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(filepath.Join(wd, "..", "..", "..", "shared", "data", "fingerprints", "fvc2002", "DB1_B", "101_1.png"))
	if err != nil {
		return prints
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		b.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, m.Bounds().Dx(), m.Bounds().Dy()))
	draw.Draw(g, g.Rect, m, m.Bounds().Min, draw.Src)
	prints["500ppi/fvc2002-DB1_B-101_1"] = g
	return prints
}

// reportCPU adds a cpu-ms/op metric: the process's CPU time per operation,
// which, unlike ns/op, hardly moves when other work loads the machine.
func reportCPU(b *testing.B, start time.Duration, ok bool) {
	if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

func BenchmarkEncode(b *testing.B) {
	for name, img := range benchPrints(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(img.Pix)))
			start, ok := processCPU()
			for b.Loop() {
				if _, err := AppendEncode(nil, img, nil); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for name, img := range benchPrints(b) {
		data, err := AppendEncode(nil, img, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(img.Pix)))
			start, ok := processCPU()
			for b.Loop() {
				if _, _, err := DecodeBytes(data, nil); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start, ok)
		})
		b.Run(name+"/Decoder", func(b *testing.B) {
			var dec Decoder
			b.ReportAllocs()
			b.SetBytes(int64(len(img.Pix)))
			start, ok := processCPU()
			for b.Loop() {
				if _, _, err := dec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start, ok)
		})
	}
}
