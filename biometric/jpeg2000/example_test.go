package jpeg2000_test

import (
	"fmt"
	"image"
	"os"

	_ "github.com/ciekit/ciekit/biometric/jpeg2000" // registers JP2 and J2K with package image
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
