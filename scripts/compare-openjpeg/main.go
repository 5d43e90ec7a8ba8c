// Command compare-openjpeg measures ciekit's JPEG 2000 codec against
// OpenJPEG. See README in RESULTS.md.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/ciekit/ciekit/biometric/jpeg2000"
)

func main() {
	if len(os.Args) == 3 {
		b, err := os.ReadFile(os.Args[1])
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		img, err := jpeg2000.Decode(bytes.NewReader(b))
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		ref, err := readPNM(os.Args[2])
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		m, n, err := diff(img, ref)
		fmt.Println("maxdiff", m, "ndiff", n, err)
		return
	}
}
