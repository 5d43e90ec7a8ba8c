package fingerimage_test

import (
	"fmt"
	"image"
	"log"

	"github.com/ciekit/ciekit/biometric/fingerimage"
)

// ridges is a stand-in for a captured print.
func ridges(w, h int) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Pix[y*w+x] = uint8(128 + 100*((y+x/7)%9)/9 - 50)
		}
	}
	return m
}

// Two WSQ fingers in one ISO/IEC 19794-4:2005 record, as in ICAO DG3.
func Example() {
	var imgs []fingerimage.Image
	for _, pos := range []fingerimage.Position{fingerimage.RightIndex, fingerimage.LeftIndex} {
		im, err := fingerimage.NewImage(pos, ridges(256, 360), fingerimage.WSQ, nil)
		if err != nil {
			log.Fatal(err)
		}
		imgs = append(imgs, im)
	}
	data, err := (&fingerimage.Record{Images: imgs}).Marshal()
	if err != nil {
		log.Fatal(err)
	}

	rec, err := fingerimage.Parse(data)
	if err != nil {
		log.Fatal(err)
	}
	for _, im := range rec.Images {
		m, err := im.Decode()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(im.Position, im.Compression, im.ImageResX, m.Bounds().Size())
	}
	// Output:
	// right index WSQ 500 (256,360)
	// left index WSQ 500 (256,360)
}

func ExampleParse() {
	_, err := fingerimage.Parse([]byte("FIR\x00010\x00\x00\x00"))
	fmt.Println(err)
	// Output: fingerimage: offset 8 (record length): 6 bytes needed, 2 left
}
