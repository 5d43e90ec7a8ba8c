package main

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ciekit/ciekit/biometric/jpeg2000"
)

// psnr returns the peak signal-to-noise ratio of b against a over the R, G,
// B (or grey) samples.
func psnr(a, b image.Image) float64 {
	sa, sb := rgbSamples(a), rgbSamples(b)
	var se float64
	for i := range sa {
		d := float64(sa[i]) - float64(sb[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255*float64(len(sa))/se)
}

func db(v float64) string {
	if math.IsInf(v, 1) {
		return "lossless"
	}
	return fmt.Sprintf("%.2f", v)
}

// encoderSection encodes synthetic faces with ciekit (lossless and at
// passport sizes), has opj_decompress decode each file, and compares size
// and PSNR with opj_compress at the same size.
func encoderSection(w io.Writer, dir string) error {
	fmt.Fprintf(w, "## Files written by ciekit's encoder, decoded by opj_decompress\n\n")
	fmt.Fprintf(w, "ciekit: jpeg2000.Encode (5/3, RCT, one layer, PCRD truncation to the target). opj = opj_decompress's pixels of\n")
	fmt.Fprintf(w, "ciekit's file; \"= ciekit\" says they equal ciekit's own decoder's. For reference, opj_compress at the same size\n")
	fmt.Fprintf(w, "(-r set from ciekit's size) with 5/3 and with 9/7 (-I), PSNR against the original. Encode times: fastest of %d runs;\n", *runs)
	fmt.Fprintf(w, "ciekit's is jpeg2000.Encode from an image in memory to bytes, opj_compress's the \"encode time\" it reports for its\n")
	fmt.Fprintf(w, "whole run (reading the PNM and writing the file included) with 5/3 at the same size.\n\n")
	fmt.Fprintf(w, "| image | target | ciekit bytes | opj decodes, = ciekit | ciekit PSNR dB | opj_compress 5/3 PSNR | opj_compress 9/7 PSNR | ciekit encode ms | opj_compress ms |\n")
	fmt.Fprintf(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|\n")
	type face struct {
		name string
		img  image.Image
	}
	var faces []face
	for s := uint64(11); s <= 16; s++ {
		faces = append(faces, face{fmt.Sprintf("colour 480x640 seed %d", s), synthFace(480, 640, s, true)})
	}
	faces = append(faces, face{"grey 480x640 seed 17", synthFace(480, 640, 17, false)})
	for fi, f := range faces {
		_, grey := f.img.(*image.Gray)
		targets := []int{15000, 18000, 20000, 0}
		if fi > 0 {
			targets = []int{18000}
		}
		for _, target := range targets {
			var out []byte
			best := time.Duration(math.MaxInt64)
			for range *runs {
				var buf bytes.Buffer
				start := time.Now()
				if err := jpeg2000.Encode(&buf, f.img, &jpeg2000.EncodeOptions{TargetSize: target}); err != nil {
					return fmt.Errorf("%s: Encode: %v", f.name, err)
				}
				best = min(best, time.Since(start))
				out = buf.Bytes()
			}
			path := filepath.Join(dir, fmt.Sprintf("e%d_%d.jp2", fi, target))
			if err := os.WriteFile(path, out, 0o644); err != nil {
				return err
			}
			own, err := jpeg2000.Decode(bytes.NewReader(out))
			if err != nil {
				return fmt.Errorf("%s: decoding our own file: %v", f.name, err)
			}
			opj, _, err := decodeOPJ(path, grey)
			status := "yes"
			if err != nil {
				status = "FAILED: " + err.Error()
			} else if m, n, _ := diff(opj, own); m != 0 {
				status = fmt.Sprintf("yes, but %d samples differ by up to %d", n, m)
			} else {
				status = "yes, = ciekit"
			}
			ref53, ref97 := "", ""
			var topj time.Duration
			if target > 0 {
				rate := rateFor(f.img, len(out))
				for i, args := range [][]string{{"-r", rate}, {"-I", "-r", rate}} {
					p, t, err := timedOPJCompress(dir, f.img, testCase{fmt.Sprintf("ref%d", i), args, ".jp2"}, fmt.Sprintf("r%d_%d_%d", fi, target, i))
					if err != nil {
						return err
					}
					img, _, err := decodeOPJ(p, grey)
					if err != nil {
						return err
					}
					st, _ := os.Stat(p)
					v := fmt.Sprintf("%s (%d B)", db(psnr(f.img, img)), st.Size())
					if i == 0 {
						ref53, topj = v, t
					} else {
						ref97 = v
					}
				}
			} else {
				p, t, err := timedOPJCompress(dir, f.img, testCase{"lossless", nil, ".jp2"}, fmt.Sprintf("r%d_lossless", fi))
				if err != nil {
					return err
				}
				st, _ := os.Stat(p)
				ref53, ref97, topj = fmt.Sprintf("lossless (%d B)", st.Size()), "", t
			}
			tname := fmt.Sprint(target)
			if target == 0 {
				tname = "lossless"
			}
			fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |\n", f.name, tname, len(out), status, db(psnr(f.img, own)), ref53, ref97, ms(best), ms(topj))
		}
	}
	return nil
}

// timedOPJCompress runs opj_compress like encodeOPJ, returning the fastest
// "encode time" it reports over the runs (its whole run: reading the PNM,
// encoding, writing the file; whole ms).
func timedOPJCompress(dir string, img image.Image, tc testCase, name string) (string, time.Duration, error) {
	in := filepath.Join(dir, name+pnmExt(img))
	if err := writePNM(in, img); err != nil {
		return "", 0, err
	}
	out := filepath.Join(dir, name+tc.ext)
	best := time.Duration(math.MaxInt64)
	for range *runs {
		args := append([]string{"-i", in, "-o", out}, tc.args...)
		b, err := exec.Command(*opjCompress, args...).CombinedOutput()
		if err != nil {
			return "", 0, fmt.Errorf("opj_compress %v: %v\n%s", args, err, b)
		}
		best = min(best, opjTime(b, "encode time:"))
	}
	return out, best, nil
}
