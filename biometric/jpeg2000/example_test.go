package jpeg2000_test

import (
	"errors"
	"fmt"
	"image"
	"os"

	"github.com/ciekit/ciekit/biometric/jpeg2000" // also registers JP2 and J2K with package image
)

// Importing the package lets image.Decode read JP2 files and J2K codestreams.
func Example() {
	f, err := os.Open("testdata/face_passport.jp2")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format, img.Bounds().Dx(), img.Bounds().Dy())
	// Output: jpeg2000 480 640
}

// A Decoder with a memory limit rejects larger images before allocating
// them.
func ExampleDecoder() {
	f, err := os.Open("testdata/face_passport.jp2")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	d := jpeg2000.Decoder{MaxSamples: 640 * 480} // one grey VGA frame
	_, err = d.Decode(f)
	fmt.Println(errors.Is(err, jpeg2000.ErrTooLarge))
	fmt.Println(err)
	// Output:
	// true
	// jpeg2000: offset 87 (SIZ): 921600 samples, limit 307200: image exceeds the memory limit
}
