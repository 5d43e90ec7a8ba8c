package eval_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"math"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/fingerimage"
	"github.com/ciekit/ciekit/biometric/scansim"
	"golang.org/x/image/tiff"
)

// The error rates of a handful of scores.
func ExampleCompute() {
	genuine := []float64{35, 48, 52, 61, 70, 12}
	impostor := []float64{3, 8, 15, 5, 9, 2, 11, 4}
	r := eval.Compute(genuine, impostor)
	fmt.Printf("EER %.1f%%, ZeroFMR %.1f%%\n", 100*r.EER, 100*r.ZeroFMR)
	// Output:
	// EER 12.5%, ZeroFMR 16.7%
}

// Run drives the FVC protocol with any enrolment and matching functions;
// here a "template" is just a number near the finger's own value.
func ExampleRun() {
	enrol := func(s eval.Sample) (float64, bool, error) {
		if s.Finger == 3 && s.Impression == 5 {
			return 0, false, nil // a failure to enrol
		}
		return float64(s.Finger) + 0.01*float64(s.Impression), true, nil
	}
	match := func(a, b float64) float64 { return 100 - 10*math.Abs(a-b) }
	r, err := eval.Run(context.Background(), eval.Protocol{}, enrol, match)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d genuine, %d impostor scores, %d failure to enrol, EER %.2f%%\n", r.Genuine, r.Impostor, r.FTE, 100*r.EER)
	// Output:
	// 280 genuine, 45 impostor scores, 1 failure to enrol, EER 2.50%
}

// A decision threshold fitted leave-one-set-out: for each set held out,
// the threshold for a 1-in-4 false-match rate is fitted on the impostor
// scores of the other sets and checked on the held-out one.
func ExampleLeaveOneOut() {
	impostors := [][]float64{
		{1, 2, 3, 4, 5, 6, 7, 8},
		{2, 3, 4, 5, 6, 7, 8, 9},
		{1, 1, 2, 2, 3, 3, 4, 12},
	}
	for _, f := range eval.LeaveOneOut(len(impostors)) {
		var train []float64
		for _, k := range f.Train {
			train = append(train, impostors[k]...)
		}
		th := eval.Quantile(train, 0.25)
		fmt.Printf("set %d: threshold %g fitted on sets %v, held-out FMR %.3f\n", f.Test, th, f.Train, eval.FMRAt(impostors[f.Test], th))
	}
	// Output:
	// set 0: threshold 7 fitted on sets [1 2], held-out FMR 0.250
	// set 1: threshold 6 fitted on sets [0 2], held-out FMR 0.500
	// set 2: threshold 7 fitted on sets [0 1], held-out FMR 0.125
}

// Templates as NIST .xyt text for BOZORTH3 (bozorth3 -m1).
func ExampleAppendXYT() {
	ms := []biometric.Minutia{{X: 120, Y: 88, Angle: 32, Kind: biometric.KindEnding, Quality: 70}}
	fmt.Print(string(eval.AppendXYT(nil, ms)))
	// Output:
	// 120 88 45 70
}

// ReadPrints reads the prints of a file whatever its format: here a
// two-finger ISO/IEC 19794-4 record with WSQ images, as a CIE or a
// passport holds them in DG3, made from synthetic prints. Each view
// carries its resolution, which the extractor needs.
func ExampleReadPrints() {
	rec := fingerimage.Record{}
	for i, pos := range []fingerimage.Position{fingerimage.RightIndex, fingerimage.LeftIndex} {
		fi, err := fingerimage.NewImage(pos, scansim.Generate(uint64(i+1), 0, 0).Image, fingerimage.WSQ, nil)
		if err != nil {
			log.Fatal(err)
		}
		rec.Images = append(rec.Images, fi)
	}
	data, err := rec.Marshal() // in practice: os.ReadFile("dg3.fir")
	if err != nil {
		log.Fatal(err)
	}
	prints, err := eval.ReadPrints("dg3.fir", data)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range prints {
		e := biometric.Extractor{Options: biometric.Options{Resolution: p.Resolution(500)}}
		t, err := e.ExtractTemplate(p.Image)
		fmt.Printf("%s: finger %d, %v, %d ppi, minutiae found: %t, err %v\n", p.Name, p.Position, p.Image.Bounds().Size(), p.PPI, len(t.Minutiae) > 10, err)
	}
	// Output:
	// dg3.fir#1: finger 2, (400,500), 500 ppi, minutiae found: true, err <nil>
	// dg3.fir#2: finger 7, (400,500), 500 ppi, minutiae found: true, err <nil>
}

// A TIFF print, as the FVC databases ship them, here written by
// golang.org/x/image's encoder: that encoder always declares 72 dpi, no
// print's resolution, so the caller's applies. A damaged header gives a
// *HeaderError saying which field, where.
func ExampleReadPrints_tiff() {
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, scansim.Generate(1, 0, 0).Image, nil); err != nil {
		log.Fatal(err)
	}
	data := buf.Bytes() // in practice: os.ReadFile("101_1.tif")
	prints, err := eval.ReadPrints("101_1.tif", data)
	if err != nil {
		log.Fatal(err)
	}
	p := prints[0]
	fmt.Printf("%T %v: declared %d ppi, ignored %d ppi, extracted at %d ppi\n", p.Image, p.Image.Bounds().Size(), p.PPI, p.IgnoredPPI, p.Resolution(500))

	_, err = eval.ReadPrints("cut.tif", data[:len(data)-100])
	var he *eval.HeaderError
	if errors.As(err, &he) {
		fmt.Printf("%s: %s at byte %d: %s\n", he.Format, he.Field, he.Offset, he.Reason)
	}
	fmt.Println(errors.Is(err, eval.ErrMalformed))
	// Output:
	// *image.Gray (400,500): declared 0 ppi, ignored 72 ppi, extracted at 500 ppi
	// TIFF: IFD entries at byte 200008: 12 entries need bytes up to 200154, the file has 200074
	// true
}
