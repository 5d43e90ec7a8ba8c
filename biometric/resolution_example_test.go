package biometric_test

import (
	"fmt"
	"log"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

func ExampleExtractor_RidgePeriod() {
	im := scansim.Generate(1, 0, 0) // a simulated 500 ppi capture
	var e biometric.Extractor
	if _, err := e.Extract(nil, im.Image); err != nil {
		log.Fatal(err)
	}
	p := e.RidgePeriod()
	fmt.Println("adult ridges at 500 ppi:", p > 7 && p < 11.5)
	// Output:
	// adult ridges at 500 ppi: true
}

func ExampleResolutionFromPeriod() {
	// Prints whose ridges are 13.5 px apart were scanned at about:
	fmt.Println(biometric.ResolutionFromPeriod(13.5), "ppi")
	// Output:
	// 800 ppi
}

func ExampleCheckResolution() {
	// Captures of an 800 ppi sensor, extracted with Options.Resolution
	// forgotten (500 ppi assumed).
	var e biometric.Extractor
	var periods []float32
	for seed := range uint64(6) {
		im := scansim.Generate(seed+1, 0, 0).Resample(800)
		if _, err := e.Extract(nil, im.Image); err != nil {
			log.Fatal(err)
		}
		periods = append(periods, e.RidgePeriod())
	}
	c := biometric.CheckResolution(periods, e.Options.Resolution)
	fmt.Println("wrong resolution:", c.Mismatch)
	fmt.Println("suggests over 700 ppi:", c.Likely > 700)
	// Output:
	// wrong resolution: true
	// suggests over 700 ppi: true
}
