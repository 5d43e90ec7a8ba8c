package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/faceimage"
	"github.com/ciekit/ciekit/biometric/fingerimage"
	"github.com/ciekit/ciekit/biometric/jpeg2000"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// The portrait in DG2: 480×640 colour, JPEG 2000 with the 9/7 wavelet at
// about 18 KB, the size and coding passports use (ICAO 9303-10 and the
// CIE's DG2, see ../shared/spec/cie-chip-and-sco.md 1.2).
const (
	photoW, photoH = 480, 640
	photoTarget    = 18000
)

// passportPhoto draws a synthetic head-and-shoulders portrait (skin, hair,
// clothes and a light background, with fine texture so that the encoder
// has detail to spend its bytes on) and encodes it as JPEG 2000. It
// returns the image as drawn and the JP2 file.
func passportPhoto(seed uint64) (*image.RGBA, []byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	r := rand.New(rand.NewPCG(seed, 0x9F2))
	skin := color.RGBA{uint8(200 + r.IntN(40)), uint8(150 + r.IntN(40)), uint8(120 + r.IntN(30)), 255}
	hair := color.RGBA{uint8(30 + r.IntN(80)), uint8(20 + r.IntN(50)), uint8(10 + r.IntN(30)), 255}
	cloth := color.RGBA{uint8(r.IntN(120)), uint8(r.IntN(120)), uint8(60 + r.IntN(120)), 255}
	cx := float64(photoW) / 2
	for y := range photoH {
		for x := range photoW {
			fx, fy := float64(x), float64(y)
			c := color.RGBA{228, 232, 236, 255} // background
			dx, dy := (fx-cx)/130, (fy-270)/170
			hx, hy := (fx-cx)/145, (fy-230)/175
			switch {
			case dx*dx+dy*dy <= 1:
				c = skin
				// eyes and mouth
				for _, ex := range []float64{cx - 55, cx + 55} {
					if ((fx-ex)/22)*((fx-ex)/22)+((fy-250)/10)*((fy-250)/10) <= 1 {
						c = color.RGBA{60, 50, 45, 255}
					}
				}
				if ((fx-cx)/45)*((fx-cx)/45)+((fy-360)/9)*((fy-360)/9) <= 1 {
					c = color.RGBA{170, 80, 80, 255}
				}
			case hx*hx+hy*hy <= 1 && fy < 300:
				c = hair
			case fy > 450 && math.Abs(fx-cx) < (fy-380)*1.6:
				c = cloth
			}
			// texture: smooth shading and a little noise
			shade := 0.85 + 0.15*math.Cos((fx-cx)/200)
			n := float64(r.IntN(9)) - 4
			px := func(v uint8) uint8 { return uint8(min(255, max(0, float64(v)*shade+n))) }
			img.SetRGBA(x, y, color.RGBA{px(c.R), px(c.G), px(c.B), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg2000.Encode(&b, img, &jpeg2000.EncodeOptions{TargetSize: photoTarget, Irreversible: true}); err != nil {
		return nil, nil, fmt.Errorf("encoding the portrait as JPEG 2000: %w", err)
	}
	return img, b.Bytes(), nil
}

// fingerImageRecord builds the ISO/IEC 19794-4:2005 finger image record of one
// capture, its image compressed with WSQ at the default 0.75 bit per
// pixel, as DG3 of a CIE holds it.
func fingerImageRecord(pos biometric.FingerPosition, img *image.Gray, ppi int) ([]byte, error) {
	fi, err := fingerimage.NewImage(fingerimage.Position(pos), img, fingerimage.WSQ, &fingerimage.EncodeOptions{PPI: ppi})
	if err != nil {
		return nil, fmt.Errorf("compressing the %s with WSQ: %w", fingerName(pos), err)
	}
	rec := fingerimage.Record{Images: []fingerimage.Image{fi}}
	return rec.Marshal()
}

// psnr compares two images of the same size over their RGB samples, in dB.
func psnr(a, b image.Image) float64 {
	var se float64
	n := 0
	bb := a.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				se += d * d
			}
			n += 3
		}
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// checkFace decodes DG2's 19794-5 record and its JPEG 2000 image, as a
// border-control reader would show it, and compares it with the portrait
// sent. It returns the record's image size and the decoded PSNR.
func checkFace(e *emrtd.Document, sent image.Image) (w, h int, dB float64, err error) {
	dg2 := e.DataGroups[2]
	i := bytes.Index(dg2, []byte("FAC\x00010\x00"))
	if i < 0 {
		return 0, 0, 0, errors.New("DG2 holds no ISO/IEC 19794-5 record")
	}
	rec, err := faceimage.Parse(dg2[i:])
	if err != nil {
		return 0, 0, 0, fmt.Errorf("parsing the DG2 face record: %w", err)
	}
	if len(rec.Images) != 1 || rec.Images[0].DataType != faceimage.DataJPEG2000 {
		return 0, 0, 0, errors.New("DG2 does not hold one JPEG 2000 face")
	}
	img, err := rec.Images[0].Decode()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("decoding the DG2 face: %w", err)
	}
	if img.Bounds() != sent.Bounds() {
		return 0, 0, 0, fmt.Errorf("DG2 face is %v, sent %v", img.Bounds(), sent.Bounds())
	}
	return int(rec.Images[0].Width), int(rec.Images[0].Height), psnr(img, sent), nil
}

// fingerCheck is the 1:1 verification of one finger read back from DG3.
type fingerCheck struct {
	Finger   string
	Minutiae int
	Score    float64
	Match    bool
}

// checkFingers decodes each 19794-4 record of DG3 (WSQ), extracts the
// minutiae of the decoded image and verifies them 1:1 against the template
// captured at the counter, as a border-control reader does.
func checkFingers(recs [][]byte, templates [2][]byte) ([]fingerCheck, error) {
	if len(recs) != 2 {
		return nil, fmt.Errorf("DG3 holds %d finger records, want 2", len(recs))
	}
	var ex biometric.Extractor
	out := make([]fingerCheck, 0, 2)
	for i, raw := range recs {
		rec, err := fingerimage.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parsing DG3 finger record %d: %w", i+1, err)
		}
		if len(rec.Images) != 1 || rec.Images[0].Compression != fingerimage.WSQ {
			return nil, fmt.Errorf("DG3 finger record %d: want one WSQ image", i+1)
		}
		fi := rec.Images[0]
		img, err := fi.Decode()
		if err != nil {
			return nil, fmt.Errorf("decoding DG3 finger %d (WSQ): %w", i+1, err)
		}
		ex.Options.Resolution = int(fi.ImageResX)
		probe, err := ex.ExtractTemplate(img)
		if err != nil {
			return nil, fmt.Errorf("extracting DG3 finger %d: %w", i+1, err)
		}
		probe.Finger = biometric.FingerPosition(fi.Position)
		ref, err := biometric.ParseISO(templates[i])
		if err != nil {
			return nil, fmt.Errorf("the captured template %d: %w", i+1, err)
		}
		same, score := biometric.SameFinger(&probe, ref)
		if biometric.FingerPosition(fi.Position) != ref.Finger {
			same = false
		}
		out = append(out, fingerCheck{Finger: fingerName(ref.Finger), Minutiae: len(probe.Minutiae), Score: score, Match: same})
	}
	return out, nil
}
