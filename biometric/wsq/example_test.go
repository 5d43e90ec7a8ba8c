package wsq_test

import (
	"bytes"
	"fmt"
	"image"
	"log"

	"github.com/ciekit/ciekit/biometric/wsq"
)

// A synthetic ridge pattern: horizontal ridges nine pixels apart.
func ridges(w, h int) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Pix[y*w+x] = uint8(128 + 100*((y+x/7)%9)/9 - 50)
		}
	}
	return m
}

func ExampleEncode() {
	var buf bytes.Buffer
	err := wsq.Encode(&buf, ridges(320, 400), &wsq.Options{BitRate: 0.75, PPI: 500})
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := wsq.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Width, cfg.Height, buf.Len() < 320*400/5)
	// Output: 320 400 true
}

// Importing the package registers WSQ with the image package.
func Example_imageDecode() {
	var buf bytes.Buffer
	if err := wsq.Encode(&buf, ridges(256, 256), nil); err != nil {
		log.Fatal(err)
	}
	m, format, err := image.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, m.Bounds())
	// Output: wsq (0,0)-(256,256)
}

func ExampleDecodeWith() {
	var buf bytes.Buffer
	if err := wsq.Encode(&buf, ridges(256, 256), &wsq.Options{PPI: 1000}); err != nil {
		log.Fatal(err)
	}
	m, info, err := wsq.DecodeWith(&buf, &wsq.DecodeOptions{MaxPixels: 1 << 20})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Bounds().Dx(), info.PPI, info.BitRate)
	// Output: 256 1000 0.75
}

// A Decoder reuses its buffers over a run of files, as when reading a
// fingerprint collection.
func ExampleDecoder() {
	var files [][]byte
	for _, size := range []int{256, 320} {
		b, err := wsq.AppendEncode(nil, ridges(size, size), nil)
		if err != nil {
			log.Fatal(err)
		}
		files = append(files, b)
	}
	dec := wsq.Decoder{Options: wsq.DecodeOptions{MaxPixels: 1 << 20}}
	for _, data := range files {
		m, info, err := dec.Decode(data)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Bounds().Size(), info.PPI)
	}
	// Output:
	// (256,256) 500
	// (320,320) 500
}
