package biometric_test

import (
	"fmt"
	"image"
	"math"

	"github.com/ciekit/ciekit/biometric"
)

// spiralPrint draws a 300x300 synthetic print at 500 ppi: vertical ridges
// 9 pixels apart with one spiral phase at (150, 150), which is exactly one
// minutia there (Larkin and Fletcher's AM-FM model).
func spiralPrint() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 300, 300))
	for y := range 300 {
		for x := range 300 {
			psi := 2*math.Pi*float64(x)/9 + math.Atan2(float64(y)-150, float64(x)-150)
			img.Pix[y*img.Stride+x] = uint8(128 + 100*math.Cos(psi))
		}
	}
	return img
}

func ExampleExtractor_Extract() {
	img := spiralPrint()
	var e biometric.Extractor // zero value: 500 ppi, at most 128 minutiae
	ms, err := e.Extract(nil, img)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ms {
		deg := float64(m.Angle) * 360 / 256
		fmt.Printf("%s near (150, 150): %v, direction %.0f°\n", m.Kind, near(m, 150, 150, 4), deg)
	}
	// Output:
	// ending near (150, 150): true, direction 90°
}

func near(m biometric.Minutia, x, y, tol int) bool {
	dx, dy := int(m.X)-x, int(m.Y)-y
	return dx*dx+dy*dy <= tol*tol
}

func ExampleExtractor_ExtractTemplate() {
	var e biometric.Extractor
	t, err := e.ExtractTemplate(spiralPrint())
	if err != nil {
		fmt.Println(err)
		return
	}
	// Clean ridges, but one minutia cannot be matched: the finger quality
	// is low (in 1..39, "retry" on the scale of Extractor.Quality).
	fmt.Printf("%dx%d at %d px/cm (%d ppi), %d minutia, finger quality in 1..39: %v\n",
		t.Width, t.Height, t.ResolutionX, biometric.PPI(t.ResolutionX), len(t.Minutiae), t.Quality >= 1 && t.Quality < 40)
	// Output:
	// 300x300 at 197 px/cm (500 ppi), 1 minutia, finger quality in 1..39: true
}

func ExampleExtractor_ExtractRaw() {
	img := spiralPrint()
	// A raw 8-bit buffer, as a scanner driver delivers it, here with rows
	// padded to 320 bytes.
	const w, h, stride = 300, 300, 320
	buf := make([]byte, h*stride)
	for y := range h {
		copy(buf[y*stride:], img.Pix[y*img.Stride:y*img.Stride+w])
	}
	e := biometric.Extractor{Options: biometric.Options{Resolution: 500}}
	ms, err := e.ExtractRaw(nil, buf, w, h, stride)
	fmt.Println(len(ms), err)

	_, err = e.ExtractRaw(nil, buf[:100], w, h, stride)
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// biometric: image 300x300: pixel buffer of 100 bytes too short
}
