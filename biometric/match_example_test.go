package biometric_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ciekit/ciekit/biometric"
)

// randomTemplate returns a template of n minutiae spread over a 400x500
// print at 500 ppi.
func randomTemplate(r *rand.Rand, n int) *biometric.Template {
	t := &biometric.Template{Width: 400, Height: 500, ResolutionX: 197, ResolutionY: 197}
	for range n {
		t.Minutiae = append(t.Minutiae, biometric.Minutia{
			X: uint16(40 + r.IntN(320)), Y: uint16(40 + r.IntN(420)),
			Angle: uint8(r.IntN(256)), Kind: biometric.KindEnding, Quality: 60,
		})
	}
	return t
}

// moved returns t rotated by deg degrees about its centre and shifted.
func moved(t *biometric.Template, deg float64, dx, dy float64) *biometric.Template {
	out := *t
	out.Minutiae = nil
	s, c := math.Sincos(deg * math.Pi / 180)
	for _, m := range t.Minutiae {
		x, y := float64(m.X)-200, float64(m.Y)-250
		nx := 200 + dx + x*c + y*s
		ny := 250 + dy - x*s + y*c
		if nx < 0 || ny < 0 || nx >= 400 || ny >= 500 {
			continue // off the sensor
		}
		m.X, m.Y = uint16(nx), uint16(ny)
		m.Angle += uint8(math.Round(deg * 256 / 360))
		out.Minutiae = append(out.Minutiae, m)
	}
	return &out
}

// A workstation refuses a "left hand" capture that is the right-hand
// finger again: SameFinger recognises a second capture of one finger
// even when it is rotated and shifted.
func ExampleSameFinger() {
	r := rand.New(rand.NewPCG(1, 2))
	right := randomTemplate(r, 45)
	again := moved(right, 25, 30, -20) // the same finger, placed differently
	left := randomTemplate(r, 45)      // another finger

	same, _ := biometric.SameFinger(right, again)
	fmt.Println("right vs recapture:", same)
	same, _ = biometric.SameFinger(right, left)
	fmt.Println("right vs left:", same)
	// Output:
	// right vs recapture: true
	// right vs left: false
}

// A Probe compares one template with a gallery without allocating.
func ExampleGallery_Search() {
	r := rand.New(rand.NewPCG(3, 4))
	var g biometric.Gallery
	var enrolled []*biometric.Template
	for i := range 20 {
		t := randomTemplate(r, 40)
		enrolled = append(enrolled, t)
		g.Add(fmt.Sprintf("person-%02d", i), t)
	}
	probe := biometric.NewProbe(moved(enrolled[7], -15, -10, 25))
	for _, h := range g.Search(probe, nil, biometric.ThresholdFMR1000) {
		fmt.Println(h.ID)
	}
	// Output:
	// person-07
}
