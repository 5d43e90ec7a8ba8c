package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
)

// readPNM reads a binary PGM (P5) or PPM (P6) file with maxval 255, as
// opj_decompress writes them.
func readPNM(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(b))
	var tok [4]string
	for i := range tok {
		t, err := pnmToken(r)
		if err != nil {
			return nil, fmt.Errorf("%s: header: %v", path, err)
		}
		tok[i] = t
	}
	magic := tok[0]
	var w, h, maxv int
	if _, err := fmt.Sscan(tok[1]+" "+tok[2]+" "+tok[3], &w, &h, &maxv); err != nil {
		return nil, fmt.Errorf("%s: header: %v", path, err)
	}
	if maxv != 255 {
		return nil, fmt.Errorf("%s: maxval %d", path, maxv)
	}
	rect := image.Rect(0, 0, w, h)
	switch magic {
	case "P5":
		img := image.NewGray(rect)
		if _, err := io.ReadFull(r, img.Pix); err != nil {
			return nil, err
		}
		return img, nil
	case "P6":
		img := image.NewRGBA(rect)
		px := make([]byte, 3*w*h)
		if _, err := io.ReadFull(r, px); err != nil {
			return nil, err
		}
		for i := range w * h {
			copy(img.Pix[4*i:], px[3*i:3*i+3])
			img.Pix[4*i+3] = 0xFF
		}
		return img, nil
	}
	return nil, fmt.Errorf("%s: not P5/P6", path)
}

// writePNM writes img as P5 (grey) or P6.
func writePNM(path string, img image.Image) error {
	var buf bytes.Buffer
	b := img.Bounds()
	if g, ok := img.(*image.Gray); ok {
		fmt.Fprintf(&buf, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			buf.Write(g.Pix[g.PixOffset(b.Min.X, y):][:b.Dx()])
		}
	} else {
		fmt.Fprintf(&buf, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				buf.Write([]byte{c.R, c.G, c.B})
			}
		}
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// diff returns the largest absolute sample difference and how many samples
// differ, over the R, G, B (or grey) channels.
func diff(a, b image.Image) (maxd, n int, err error) {
	if a.Bounds() != b.Bounds() {
		return 0, 0, fmt.Errorf("bounds %v vs %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			cb := color.RGBAModel.Convert(b.At(x, y)).(color.RGBA)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B)} {
				if d < 0 {
					d = -d
				}
				if d > 0 {
					n++
				}
				maxd = max(maxd, d)
			}
		}
	}
	return maxd, n, nil
}

// pnmToken reads one header token, skipping whitespace and # comments, and
// consumes the single whitespace byte that ends it.
func pnmToken(r *bufio.Reader) (string, error) {
	var t []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		switch {
		case c == '#' && len(t) == 0:
			if _, err := r.ReadString('\n'); err != nil {
				return "", err
			}
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			if len(t) > 0 {
				return string(t), nil
			}
		default:
			t = append(t, c)
		}
	}
}

// yccRaw returns img as planar 8-bit Y, Cb, Cr (JFIF equations) with the
// chroma planes subsampled 2 horizontally and dy vertically, taking the
// top-left sample of each block.
func yccRaw(img image.Image, dy int) []byte {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	var y, cb, cr []byte
	for j := range h {
		for i := range w {
			c := color.RGBAModel.Convert(img.At(r.Min.X+i, r.Min.Y+j)).(color.RGBA)
			yy, u, v := color.RGBToYCbCr(c.R, c.G, c.B)
			y = append(y, yy)
			if i%2 == 0 && j%dy == 0 {
				cb, cr = append(cb, u), append(cr, v)
			}
		}
	}
	return append(append(y, cb...), cr...)
}
