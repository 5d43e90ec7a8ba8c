package faceimage_test

import (
	"fmt"
	"os"

	"github.com/ciekit/ciekit/biometric/faceimage"
)

// Build a DG2-style face record around a JPEG 2000 portrait, parse it back
// and decode the image.
func Example() {
	jp2, err := os.ReadFile("../jpeg2000/testdata/face_passport.jp2")
	if err != nil {
		fmt.Println(err)
		return
	}
	im, err := faceimage.NewImage(faceimage.DataJPEG2000, jp2)
	if err != nil {
		fmt.Println(err)
		return
	}
	im.Expression = faceimage.ExpressionNeutral
	rec := faceimage.Record{Images: []faceimage.Image{*im}}
	b, err := rec.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	parsed, err := faceimage.Parse(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	face := parsed.Images[0]
	img, err := face.Decode()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(b)-len(jp2), "bytes of record around the image")
	fmt.Println(face.Width, face.Height, face.ColourSpace == faceimage.ColourRGB24, img.Bounds())
	// Output:
	// 46 bytes of record around the image
	// 480 640 true (0,0)-(480,640)
}
