package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/scansim"
)

type extractResult struct {
	name          string
	width, height int
	dur           time.Duration
	minutiae      int
	quality       uint8
	acc           eval.Accuracy
	hasTruth      bool
	err           error
}

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "folder of images to extract")
	n := fs.Int("n", 0, "number of synthetic prints to generate instead (biometric/scansim)")
	seed := fs.Uint64("seed", 1, "seed of the first synthetic print")
	size := fs.String("size", "400x500", "size of the synthetic prints, WxH")
	ppi := fs.Int("ppi", 500, "resolution of the images in pixels per inch")
	csvPath := fs.String("csv", "", "write per-image results to this CSV file")
	tolD := fs.Float64("tol", 12, "distance tolerance for precision/recall, pixels")
	tolA := fs.Float64("angle", 45, "angle tolerance for precision/recall, degrees (negative: ignore angles)")
	quiet := fs.Bool("q", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*dir == "") == (*n <= 0) {
		return errors.New("extract: give exactly one of -dir and -n")
	}
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil || w < biometric.MinImageSize || h < biometric.MinImageSize || w > 2000 || h > 2000 {
		return fmt.Errorf("extract: bad -size %q (WxH, %d..2000)", *size, biometric.MinImageSize)
	}
	var files []string
	total := *n
	if *dir != "" {
		ents, err := os.ReadDir(*dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".png", ".jpg", ".jpeg", ".gif":
				files = append(files, filepath.Join(*dir, e.Name()))
			}
		}
		if len(files) == 0 {
			return fmt.Errorf("extract: no images in %s", *dir)
		}
		total = len(files)
	}
	tol := eval.Tolerance{Distance: *tolD, Angle: *tolA}
	e := biometric.Extractor{Options: biometric.Options{Resolution: *ppi}}
	bar := progress{w: stderr, total: total, label: "extract"}
	if *quiet {
		bar.w = nil
	}
	var res []extractResult
	var dst []biometric.Minutia
	for i := range total {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r extractResult
		var img image.Image
		var truth []biometric.Minutia
		if files != nil {
			r.name = filepath.Base(files[i])
			var err error
			img, err = loadImage(files[i])
			if err != nil {
				return err
			}
			truth, r.hasTruth, err = loadTruth(strings.TrimSuffix(files[i], filepath.Ext(files[i]))+".iso", img.Bounds())
			if err != nil {
				return err
			}
		} else {
			s := *seed + uint64(i)
			r.name = "synthetic-" + strconv.FormatUint(s, 10)
			im := scansim.Generate(s, w, h)
			img, truth, r.hasTruth = im.Image, im.Minutiae, true
		}
		r.width, r.height = img.Bounds().Dx(), img.Bounds().Dy()
		start := time.Now()
		var err error
		dst, err = e.Extract(dst[:0], img)
		r.dur = time.Since(start)
		r.err = err
		if err == nil {
			r.minutiae = len(dst)
			r.quality = e.Quality()
			if r.hasTruth {
				r.acc = eval.CompareMinutiae(truth, dst, tol)
			}
		} else if r.hasTruth {
			r.acc = eval.Accuracy{Truth: len(truth)}
		}
		res = append(res, r)
		bar.set(i + 1)
	}
	if *csvPath != "" {
		if err := writeExtractCSV(*csvPath, res); err != nil {
			return err
		}
	}
	printExtractSummary(stdout, res)
	return nil
}

func loadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return img, nil
}

// loadTruth reads a ground-truth ISO template if there is one, scaling its
// minutiae from the record's image size to b's.
func loadTruth(path string, b image.Rectangle) ([]biometric.Minutia, bool, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t, err := biometric.ParseISO(raw)
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	scaleTemplate(t, b.Dx(), b.Dy())
	return t.Minutiae, true, nil
}

// scaleTemplate scales t's minutiae from its recorded image size to w×h.
func scaleTemplate(t *biometric.Template, w, h int) {
	if t.Width == 0 || t.Height == 0 {
		return
	}
	for i := range t.Minutiae {
		m := &t.Minutiae[i]
		m.X = uint16(min(int(m.X)*w/int(t.Width), 0x3FFF))
		m.Y = uint16(min(int(m.Y)*h/int(t.Height), 0x3FFF))
	}
	t.Width, t.Height = uint16(w), uint16(h)
}

func writeExtractCSV(path string, res []extractResult) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"image", "width", "height", "ms", "minutiae", "quality", "truth", "paired", "precision", "recall", "error"})
	for _, r := range res {
		rec := []string{r.name, strconv.Itoa(r.width), strconv.Itoa(r.height),
			strconv.FormatFloat(r.dur.Seconds()*1000, 'f', 3, 64), strconv.Itoa(r.minutiae), strconv.Itoa(int(r.quality)),
			"", "", "", "", ""}
		if r.hasTruth {
			rec[6], rec[7] = strconv.Itoa(r.acc.Truth), strconv.Itoa(r.acc.Paired)
			rec[8] = strconv.FormatFloat(r.acc.Precision(), 'f', 4, 64)
			rec[9] = strconv.FormatFloat(r.acc.Recall(), 'f', 4, 64)
		}
		if r.err != nil {
			rec[10] = r.err.Error()
		}
		cw.Write(rec)
	}
	cw.Flush()
	return errors.Join(cw.Error(), f.Close())
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := int(p*float64(len(s)-1) + 0.5)
	return s[i]
}

func printExtractSummary(w io.Writer, res []extractResult) {
	var ds []time.Duration
	var acc eval.Accuracy
	fails, truths, mins := 0, 0, 0
	for _, r := range res {
		ds = append(ds, r.dur)
		if r.err != nil {
			fails++
		}
		if r.hasTruth {
			truths++
			acc = acc.Add(r.acc)
		}
		mins += r.minutiae
	}
	fmt.Fprintf(w, "images %d, failed %d, mean minutiae %.1f\n", len(res), fails, float64(mins)/float64(max(len(res), 1)))
	fmt.Fprintf(w, "extraction time: median %.2f ms, p95 %.2f ms\n", ms(percentile(ds, 0.5)), ms(percentile(ds, 0.95)))
	if truths > 0 {
		fmt.Fprintf(w, "against ground truth (%d images): precision %.1f%%, recall %.1f%% (%d paired of %d found, %d true)\n",
			truths, 100*acc.Precision(), 100*acc.Recall(), acc.Paired, acc.Found, acc.Truth)
	}
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }
