package biometric_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/ciekit/ciekit/biometric"
)

func ExampleTemplate_MarshalISO() {
	t := biometric.Template{
		Width: 400, Height: 500, ResolutionX: biometric.PxPerCM(500), ResolutionY: biometric.PxPerCM(500),
		Finger: biometric.RightIndex, Quality: 80,
		Minutiae: []biometric.Minutia{{X: 120, Y: 200, Angle: 64, Kind: biometric.KindEnding, Quality: 90}},
	}
	rec, err := t.MarshalISO()
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", rec)
	back, err := biometric.ParseISO(rec)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Finger == t.Finger, back.Minutiae[0])
	// Output:
	// 46 4d 52 00 20 32 30 00 00 00 00 24 00 00 01 90 01 f4 00 c5 00 c5 01 00 02 00 50 01 40 78 00 c8 40 5a 00 00
	// true {120 200 64 ending 90}
}

func ExampleParseANSIRecord() {
	// A single-view ANSI INCITS 378-2004 record with one bifurcation at
	// (16, 32) pointing at 90 degrees (45 two-degree units).
	rec := []byte{
		'F', 'M', 'R', 0, ' ', '2', '0', 0, 0, 38, // magic, version, length 38
		0x00, 0x42, 0x00, 0x11, // CBEFF product identifier
		0, 0, 0x01, 0x00, 0x01, 0x00, 0, 197, 0, 197, 1, 0, // equipment, 256x256, 197 px/cm, 1 view
		7, 0, 60, 1, // left index, view 0 live plain, quality 60, 1 minutia
		0x80, 16, 0, 32, 45, 70, // bifurcation (16, 32), 90°, quality 70
		0, 0, // no extended data
	}
	r, err := biometric.ParseANSIRecord(rec)
	if err != nil {
		panic(err)
	}
	m := r.Views[0].Minutiae[0]
	fmt.Printf("owner %#04x, %v, %v at (%d, %d), %.1f°\n", r.ProductOwner, r.Views[0].Finger == biometric.LeftIndex,
		m.Kind, m.X, m.Y, float64(m.Angle)*360/256)

	rec[34] = 200 // an angle beyond 179 two-degree units
	_, err = biometric.ParseANSIRecord(rec)
	var fe *biometric.FormatError
	fmt.Println(errors.Is(err, biometric.ErrFormat), errors.As(err, &fe), fe.Offset)
	fmt.Println(err)
	// Output:
	// owner 0x0042, true, bifurcation at (16, 32), 90.0°
	// true true 34
	// biometric: minutiae record offset 34 (view 0 minutia 0 angle): 200 out of range 0..179 (2-degree units)
}

func ExampleTemplate_CheckMINEX() {
	t := biometric.Template{Width: 400, Height: 500, ResolutionX: 197, ResolutionY: 197,
		Minutiae: []biometric.Minutia{{X: 10, Y: 10}, {X: 400, Y: 10}}}
	fmt.Println(t.CheckMINEX())
	t.TrimMINEX()
	fmt.Println(t.CheckMINEX(), len(t.Minutiae))
	// Output:
	// biometric: template violates MINEX III constraints: minutia 1 at (400, 10) outside the 400x500 image
	// <nil> 1
}

// Reading a multi-view record: the example record of ISO/IEC 19794-2:2005
// Annex C.2 (NIST biomdi sample data, with its record length corrected).
func ExampleParseISORecord() {
	raw, err := os.ReadFile("testdata/iso/annex-c2.raw")
	if err != nil {
		panic(err)
	}
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw))) // the sample declares 340 bytes for 341
	r, err := biometric.ParseISORecord(raw)
	if err != nil {
		panic(err)
	}
	for i, t := range r.Templates() {
		fmt.Printf("view %d: finger %d, quality %d, %d minutiae, %d extended blocks\n",
			i, t.Finger, t.Quality, len(t.Minutiae), len(r.Views[i].Extended))
	}
	fmt.Println(r.Validate(biometric.FormatISO2005))
	again, _ := r.MarshalISO()
	fmt.Println(bytes.Equal(again, raw))
	// Output:
	// view 0: finger 7, quality 90, 27 minutiae, 0 extended blocks
	// view 1: finger 2, quality 70, 22 minutiae, 1 extended blocks
	// <nil>
	// true
}
