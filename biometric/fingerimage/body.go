package fingerimage

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	"github.com/ciekit/ciekit/biometric/wsq"
)

// formats maps compressions to the image.RegisterFormat name of their
// decoder.
var formats = map[Compression]string{WSQ: "wsq", JPEG: "jpeg", PNG: "png", JPEG2000: "jpeg2000", JPEG2000Lossless: "jpeg2000"}

// Decode decodes the image data into an image of Width × Height pixels:
// *image.Gray for 8-bit data (WSQ, 8-bit raw, grey PNG or JPEG),
// *image.Gray16 for deeper raw data. WSQ, PNG and JPEG decoders are built
// in; JPEG 2000 data decodes when the program has registered a decoder for
// it with image.RegisterFormat, and otherwise gives an error wrapping
// errors.ErrUnsupported. Sizes are checked against the header and against
// MaxPixels before decoding. Other errors are *FormatError values.
func (im *Image) Decode() (image.Image, error) {
	if im.Width <= 0 || im.Height <= 0 {
		return nil, im.fail("line lengths", "%d × %d image", im.Width, im.Height)
	}
	if im.Width*im.Height > MaxPixels {
		return nil, &FormatError{Offset: im.dataOff, Field: "line lengths", Msg: fmt.Sprintf("%d × %d pixels, limit %d", im.Width, im.Height, MaxPixels), Err: ErrTooLarge}
	}
	switch im.Compression {
	case Raw:
		return im.decodeRaw()
	case RawPacked:
		return im.decodePacked()
	}
	want, ok := formats[im.Compression]
	if !ok {
		return nil, im.fail("compression", "unknown algorithm %v", im.Compression)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		if want == "jpeg2000" && errors.Is(err, image.ErrFormat) {
			return nil, fmt.Errorf("fingerimage: JPEG 2000 image data needs a registered JPEG 2000 decoder: %w", errors.ErrUnsupported)
		}
		return nil, im.fail("image data", "%v data: %v", im.Compression, err)
	}
	if format != want && !(want == "jpeg2000" && (format == "jp2" || format == "j2k")) {
		return nil, im.fail("image data", "header says %v, data is %s", im.Compression, format)
	}
	if cfg.Width != im.Width || cfg.Height != im.Height {
		return nil, im.fail("image data", "%v image is %d × %d, header says %d × %d", im.Compression, cfg.Width, cfg.Height, im.Width, im.Height)
	}
	m, _, err := image.Decode(bytes.NewReader(im.Data))
	if err != nil {
		return nil, im.fail("image data", "%v data: %v", im.Compression, err)
	}
	return m, nil
}

// fail reports a problem with the image data; Offset is where the data
// starts in the record it was parsed from (0 for an image built in memory).
func (im *Image) fail(field, format string, args ...any) error {
	return &FormatError{Offset: im.dataOff, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (im *Image) decodeRaw() (image.Image, error) {
	n := im.Width * im.Height
	switch {
	case im.Depth <= 8:
		if len(im.Data) != n {
			return nil, im.fail("image data", "%d bytes of raw %d-bit data, want %d", len(im.Data), im.Depth, n)
		}
		m := image.NewGray(image.Rect(0, 0, im.Width, im.Height))
		copy(m.Pix, im.Data)
		if im.Depth < 8 {
			scaleUp(m.Pix, im.Depth)
		}
		return m, nil
	default:
		if len(im.Data) != 2*n {
			return nil, im.fail("image data", "%d bytes of raw %d-bit data, want %d", len(im.Data), im.Depth, 2*n)
		}
		m := image.NewGray16(image.Rect(0, 0, im.Width, im.Height))
		copy(m.Pix, im.Data)
		if im.Depth < 16 {
			for i := 0; i < len(m.Pix); i += 2 {
				v := uint32(m.Pix[i])<<8 | uint32(m.Pix[i+1])
				v = v * 0xffff / (1<<im.Depth - 1)
				m.Pix[i], m.Pix[i+1] = byte(v>>8), byte(v)
			}
		}
		return m, nil
	}
}

// decodePacked reads bit-packed pixels of Depth (1..8) bits, most
// significant bit first, each row starting on a byte boundary.
func (im *Image) decodePacked() (image.Image, error) {
	if im.Depth > 8 {
		return nil, im.fail("pixel depth", "bit packing of %d-bit pixels", im.Depth)
	}
	d := int(im.Depth)
	rowBytes := (im.Width*d + 7) / 8
	if len(im.Data) != rowBytes*im.Height {
		return nil, im.fail("image data", "%d bytes of %d-bit packed data, want %d", len(im.Data), d, rowBytes*im.Height)
	}
	m := image.NewGray(image.Rect(0, 0, im.Width, im.Height))
	for y := range im.Height {
		row := im.Data[y*rowBytes:]
		for x := range im.Width {
			bit := x * d
			v := 0
			for k := range d {
				b := bit + k
				v = v<<1 | int(row[b/8]>>(7-b%8))&1
			}
			m.Pix[y*im.Width+x] = uint8(v)
		}
	}
	scaleUp(m.Pix, im.Depth)
	return m, nil
}

func scaleUp(pix []uint8, depth uint8) {
	maxv := 1<<depth - 1
	for i, v := range pix {
		pix[i] = uint8(min(int(v), maxv) * 255 / maxv)
	}
}

// EncodeOptions configures NewImage. The zero value gives 500 ppi, WSQ at
// wsq.DefaultBitRate and JPEG at quality 90.
type EncodeOptions struct {
	// PPI is the scan and image resolution in pixels per inch; 0 means 500.
	PPI int
	// BitRate is the WSQ bit rate; 0 means wsq.DefaultBitRate.
	BitRate float64
	// JPEGQuality is the JPEG quality 1..100; 0 means 90.
	JPEGQuality int
}

// NewImage encodes m as a finger image of position pos with compression c
// (Raw, WSQ, PNG or JPEG; the image is converted to 8-bit grey first) and
// fills in its size, 8-bit depth, resolution, one view and a live-scan
// plain impression. JPEG 2000 gives an error wrapping errors.ErrUnsupported;
// other errors wrap ErrEncode or come from the codec.
func NewImage(pos Position, m image.Image, c Compression, o *EncodeOptions) (Image, error) {
	ppi, rate, quality := 500, 0.0, 90
	if o != nil {
		if o.PPI != 0 {
			ppi = o.PPI
		}
		rate = o.BitRate
		if o.JPEGQuality != 0 {
			quality = o.JPEGQuality
		}
	}
	if ppi <= 0 || ppi > 0xffff {
		return Image{}, fmt.Errorf("%w: resolution %d ppi", ErrEncode, ppi)
	}
	b := m.Bounds()
	if b.Dx() <= 0 || b.Dx() > 0xffff || b.Dy() <= 0 || b.Dy() > 0xffff {
		return Image{}, fmt.Errorf("%w: %d × %d image", ErrEncode, b.Dx(), b.Dy())
	}
	g, ok := m.(*image.Gray)
	if !ok || g.Rect.Min != (image.Point{}) || g.Stride != b.Dx() {
		g = image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(g, g.Rect, m, b.Min, draw.Src)
	}
	im := Image{
		Position: pos, ViewCount: 1, ViewNumber: 1,
		ScaleUnits: 1, ScanResX: uint16(ppi), ScanResY: uint16(ppi), ImageResX: uint16(ppi), ImageResY: uint16(ppi),
		Depth: 8, Compression: c, Width: b.Dx(), Height: b.Dy(),
	}
	var buf bytes.Buffer
	var err error
	switch c {
	case Raw:
		im.Data = append([]byte(nil), g.Pix...)
		return im, nil
	case WSQ:
		im.Data, err = wsq.AppendEncode(nil, g, &wsq.Options{BitRate: rate, PPI: ppi})
		return im, err
	case PNG:
		err = png.Encode(&buf, g)
	case JPEG:
		err = jpeg.Encode(&buf, g, &jpeg.Options{Quality: quality})
	case JPEG2000, JPEG2000Lossless:
		return Image{}, fmt.Errorf("fingerimage: writing JPEG 2000: %w", errors.ErrUnsupported)
	default:
		return Image{}, fmt.Errorf("%w: compression %v", ErrEncode, c)
	}
	if err != nil {
		return Image{}, err
	}
	im.Data = buf.Bytes()
	return im, nil
}
