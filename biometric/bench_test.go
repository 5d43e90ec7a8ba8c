package biometric

import (
	"image"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchImage is a 400x500 synthetic 500-ppi print (the target size).
func benchImage() *image.Gray { return synthAMFM(11, 400, 500, 24, 9, 15).img }

// BenchmarkExtract measures end-to-end extraction with a reused Extractor.
func BenchmarkExtract(b *testing.B) {
	b.Run("synthetic400x500", func(b *testing.B) {
		img := benchImage()
		benchExtract(b, img, 0)
	})
	b.Run("fvc2002db1", func(b *testing.B) {
		dir := sharedDir(b, "data/fingerprints/fvc2002")
		img := loadPNG(b, filepath.Join(dir, "DB1_B", "101_1.png"))
		benchExtract(b, img, 0)
	})
	b.Run("fvc2002db2-569ppi", func(b *testing.B) {
		dir := sharedDir(b, "data/fingerprints/fvc2002")
		img := loadPNG(b, filepath.Join(dir, "DB2_B", "101_1.png"))
		benchExtract(b, img, 569)
	})
}

func benchExtract(b *testing.B, img image.Image, res int) {
	e := Extractor{Options: Options{Resolution: res}}
	dst := make([]Minutia, 0, 256)
	if _, err := e.Extract(dst, img); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(img.Bounds().Dx() * img.Bounds().Dy()))
	cpu0 := cpuTime()
	for b.Loop() {
		dst, _ = e.Extract(dst[:0], img)
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(dst)), "minutiae")
}

// cpuTime is the CPU time (user + system) of the process so far: on the
// shared machine the wall-clock ns/op mostly measures the neighbours'
// load, the CPU time per op much less so (run with -cpu 1).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStage measures each pipeline stage alone on the 400x500 image,
// the earlier stages having run once.
func BenchmarkStage(b *testing.B) {
	img := benchImage()
	var e Extractor
	if _, err := e.Extract(nil, img); err != nil {
		b.Fatal(err)
	}
	binary := make([]uint8, 0, len(e.bin)) // the binary image, which thinning consumes
	// Re-run up to the state each stage needs.
	prepare := func() {
		e.inW, e.inH = 400, 500
		copyPlane(e.in, 400, 500, img.Pix, img.Stride)
		e.setup()
	}
	// Each stage runs after all earlier ones have run once; stages that
	// consume their input (thinning) restore it first.
	stages := []struct {
		name string
		run  func()
	}{
		{"segmentation", e.segment},
		{"enhancement", e.enhance},    // normalisation, orientation, smoothing, frequency, band-pass, binarisation, x-signature
		{"xsignature", e.measureXSig}, // (already inside enhancement: its share of it)
		{"ridgequality", func() { e.ridgeQuality(); binary = append(binary[:0], e.bin...) }},
		{"thinning", func() { copy(e.bin, binary); e.thin() }},
		{"detection", func() { e.detect(); e.clearMarks() }},
		{"filtering", func() { e.detect(); e.filter(); e.clearMarks() }},
		{"quality", e.fingerQuality},
	}
	for i, st := range stages {
		b.Run(st.name+"/500ppi", func(b *testing.B) {
			prepare()
			for _, pre := range stages[:i] {
				pre.run()
			}
			st.run()
			b.ReportAllocs()
			b.SetBytes(400 * 500)
			for b.Loop() {
				st.run()
			}
		})
	}
}

// BenchmarkExtractTypes measures extraction from each image type with a
// fast path (FVC2002-sized synthetic print), allocations included.
func BenchmarkExtractTypes(b *testing.B) {
	sp := synthAMFM(9, 388, 374, 24, 9, 10)
	types := imageTypes(sp.img)
	for _, name := range []string{"Gray", "Gray16", "RGBA", "NRGBA", "RGBA64", "NRGBA64", "CMYK", "YCbCr", "Paletted"} {
		b.Run(name, func(b *testing.B) { benchExtract(b, types[name], 0) })
	}
}

// BenchmarkExtractCold measures a fresh Extractor's first call, to set
// against the warm calls of BenchmarkExtract (same image).
func BenchmarkExtractCold(b *testing.B) {
	img := synthAMFM(9, 388, 374, 24, 9, 10).img
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			var e Extractor
			_, _ = e.Extract(nil, img)
		}
		b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
	})
	b.Run("warm", func(b *testing.B) { benchExtract(b, img, 0) })
}

// heldBytes returns the heap bytes an Extractor holds after extracting
// from img: live heap with it minus live heap without it.
func heldBytes(img image.Image) (uint64, *Extractor) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	e := new(Extractor)
	_, _ = e.Extract(nil, img)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc - before, e
}

// TestExtractorHeap reports the heap an Extractor holds after a 388x374
// print (FVC2002 DB1) and after a 640x480 one, per input pixel; and after
// the same prints under heavy noise, which the structure test rejects at
// first sight and its second look keeps (the band-pass planes of
// reject.go are then held too).
func TestExtractorHeap(t *testing.T) {
	for _, sz := range [][2]int{{388, 374}, {640, 480}} {
		img := synthAMFM(9, sz[0], sz[1], 24, 9, 10).img
		n, e := heldBytes(img)
		t.Logf("%dx%d: Extractor holds %d bytes (%.1f per pixel)", sz[0], sz[1], n, float64(n)/float64(sz[0]*sz[1]))
		runtime.KeepAlive(e)

		noisy := synthAMFM(9, sz[0], sz[1], 24, 9, 160).img
		n, e = heldBytes(noisy)
		if e.band == nil {
			t.Fatalf("%dx%d with noise: the second look was not taken (reject reason %d)", sz[0], sz[1], e.RejectReason())
		}
		t.Logf("%dx%d with noise, second look taken: Extractor holds %d bytes (%.1f per pixel)", sz[0], sz[1], n, float64(n)/float64(sz[0]*sz[1]))
		runtime.KeepAlive(e)
	}
}
