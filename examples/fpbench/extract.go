package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/scansim"
)

type extractResult struct {
	name          string
	width, height int
	ppi           int
	file          eval.Print // the file's resolution fields (files only)
	dur           time.Duration
	minutiae      int
	quality       uint8
	period        float32 // median ridge period, input pixels (biometric.Extractor.RidgePeriod)
	acc           eval.Accuracy
	hasTruth      bool
	err           error
}

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", "Extracts every print of a folder, or N synthetic prints (biometric/scansim), on all cores with one\nbiometric.Extractor per worker; reports throughput per core, single-thread latency, and precision/recall\nwhere ground truth exists (synthetic prints, or <name>.iso templates beside the images).\nFormats: "+formats+"; a record with several finger images gives one print per image, named FILE#VIEW.\n"+resolutionRule,
		"fpbench extract -n 100 -workers 2 -csv /tmp/extract.csv", stdout, stderr)
	dir := fs.String("dir", "", "folder of prints to extract (WSQ, 19794-4 records, TIFF, BMP, PNG, JPEG, GIF)")
	n := fs.Int("n", 0, "number of synthetic prints to generate instead (biometric/scansim)")
	seed := fs.Uint64("seed", 1, "seed of the first synthetic print")
	size := fs.String("size", "400x500", "size of the synthetic prints, WxH")
	ppi := fs.Int("ppi", 500, "resolution in pixels per inch of images that declare none (PNG, JPEG, GIF, or a TIFF, BMP, WSQ or 19794-4 file without one)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "extraction workers, each with its own Extractor (default: all cores)")
	latN := fs.Int("latency", 20, "prints timed alone on one thread first, for the single-thread latency (0: none)")
	csvPath := fs.String("csv", "", "write per-image results to this CSV file")
	tolD := fs.Float64("tol", 12, "distance tolerance for precision/recall, pixels")
	tolA := fs.Float64("angle", 45, "angle tolerance for precision/recall, degrees (negative: ignore angles)")
	quiet := fs.Bool("q", false, "no progress report")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if (*dir == "") == (*n <= 0) {
		return usagef("extract: give exactly one of -dir DIR and -n N")
	}
	if *workers < 1 {
		return usagef("extract: -workers must be at least 1, not %d", *workers)
	}
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil || w < biometric.MinImageSize || h < biometric.MinImageSize || w > 2000 || h > 2000 {
		return usagef("extract: bad -size %q (WxH, %d..2000)", *size, biometric.MinImageSize)
	}
	var files []printRef
	total := *n
	if *dir != "" {
		var err error
		if files, err = listPrints(*dir); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		if len(files) == 0 {
			return fmt.Errorf("extract: no prints in %s (%s)", *dir, formats)
		}
		total = len(files)
	}
	tol := eval.Tolerance{Distance: *tolD, Angle: *tolA}
	opts := biometric.Options{Resolution: *ppi}
	// load returns input i with its resolution and ground truth, and for
	// a file the resolution fields it declares.
	load := func(i int) (string, image.Image, int, []biometric.Minutia, bool, eval.Print, error) {
		if files != nil {
			p, err := loadPrint(files[i])
			if err != nil {
				return "", nil, 0, nil, false, p, fmt.Errorf("extract: %w", err)
			}
			var truth []biometric.Minutia
			ok := false
			if files[i].views <= 1 { // a whole file: its template may lie beside it
				path := files[i].path
				truth, ok, err = loadTruth(strings.TrimSuffix(path, filepath.Ext(path))+".iso", p.Image.Bounds())
			}
			return p.Name, p.Image, p.Resolution(*ppi), truth, ok, eval.Print{PPI: p.PPI, IgnoredPPI: p.IgnoredPPI}, err
		}
		s := *seed + uint64(i)
		im := scansim.Generate(s, w, h)
		return "synthetic-" + strconv.FormatUint(s, 10), im.Image, im.Resolution, im.Minutiae, true, eval.Print{}, nil
	}
	// Single-thread latency: the first prints alone, one Extractor.
	var single []time.Duration
	if k := min(*latN, total); k > 0 {
		var bar *progress
		if !*quiet {
			bar = newProgress(stderr, k, "single-thread latency")
		}
		e := biometric.Extractor{Options: opts}
		var dst []biometric.Minutia
		for i := range k {
			if err := ctx.Err(); err != nil {
				return err
			}
			_, img, rppi, _, _, _, err := load(i)
			if err != nil {
				return err
			}
			e.Options.Resolution = rppi
			if i == 0 { // the first call sizes the buffers: not a steady-state figure
				dst, _ = e.Extract(dst[:0], img)
			}
			start := time.Now()
			dst, _ = e.Extract(dst[:0], img)
			single = append(single, time.Since(start))
			bar.add(1)
		}
	}
	// The batch: all inputs on the workers.
	res := make([]extractResult, total)
	var bar *progress
	if !*quiet {
		bar = newProgress(stderr, total, fmt.Sprintf("extract (%d workers)", *workers))
	}
	jobs := make(chan int)
	errc := make(chan error, *workers)
	var wg sync.WaitGroup
	start := time.Now()
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := biometric.Extractor{Options: opts}
			var dst []biometric.Minutia
			for i := range jobs {
				name, img, rppi, truth, hasTruth, file, err := load(i)
				if err != nil {
					errc <- err
					return
				}
				e.Options.Resolution = rppi
				r := extractResult{name: name, width: img.Bounds().Dx(), height: img.Bounds().Dy(), ppi: rppi, file: file, hasTruth: hasTruth}
				t0 := time.Now()
				dst, err = e.Extract(dst[:0], img)
				r.dur = time.Since(t0)
				r.err = err
				if err == nil {
					r.minutiae = len(dst)
					r.quality = e.Quality()
					r.period = e.RidgePeriod()
					if hasTruth {
						r.acc = eval.CompareMinutiae(truth, dst, tol)
					}
				} else if hasTruth {
					r.acc = eval.Accuracy{Truth: len(truth)}
				}
				res[i] = r
				bar.add(1)
			}
		}()
	}
	var err error
feed:
	for i := range total {
		select {
		case jobs <- i:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	wall := time.Since(start)
	if *csvPath != "" {
		if err := writeExtractCSV(*csvPath, res); err != nil {
			return err
		}
	}
	printExtractSummary(stdout, res, single, wall, *workers, files != nil, *ppi)
	periods := periodTally{}
	for _, r := range res {
		periods.add(r.ppi, r.period)
	}
	set := "the synthetic prints"
	if *dir != "" {
		set = *dir
	}
	periods.warn(stdout, set)
	return nil
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
	cw.Write([]string{"image", "width", "height", "ppi", "ms", "minutiae", "quality", "truth", "paired", "precision", "recall", "error", "ridge_period"})
	for _, r := range res {
		rec := []string{r.name, strconv.Itoa(r.width), strconv.Itoa(r.height), strconv.Itoa(r.ppi),
			strconv.FormatFloat(r.dur.Seconds()*1000, 'f', 3, 64), strconv.Itoa(r.minutiae), strconv.Itoa(int(r.quality)),
			"", "", "", "", "", strconv.FormatFloat(float64(r.period), 'f', 2, 32)}
		if r.hasTruth {
			rec[7], rec[8] = strconv.Itoa(r.acc.Truth), strconv.Itoa(r.acc.Paired)
			rec[9] = strconv.FormatFloat(r.acc.Precision(), 'f', 4, 64)
			rec[10] = strconv.FormatFloat(r.acc.Recall(), 'f', 4, 64)
		}
		if r.err != nil {
			rec[11] = r.err.Error()
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

func printExtractSummary(w io.Writer, res []extractResult, single []time.Duration, wall time.Duration, workers int, fromFiles bool, ppi int) {
	ppis := ppiCount{def: ppi}
	var ds []time.Duration
	var acc eval.Accuracy
	var busy time.Duration
	fails, truths, mins := 0, 0, 0
	for _, r := range res {
		ds = append(ds, r.dur)
		busy += r.dur
		if r.err != nil {
			fails++
		}
		if r.hasTruth {
			truths++
			acc = acc.Add(r.acc)
		}
		mins += r.minutiae
		ppis.add(r.file)
	}
	n := float64(max(len(res), 1))
	fmt.Fprintf(w, "images %d, failed %d, mean minutiae %.1f\n", len(res), fails, float64(mins)/n)
	if fromFiles {
		fmt.Fprintf(w, "resolution of the prints: %s\n", &ppis)
	}
	if len(single) > 0 {
		fmt.Fprintf(w, "single-thread latency (%d prints, one Extractor, warm): median %.2f ms, p95 %.2f ms\n", len(single), ms(percentile(single, 0.5)), ms(percentile(single, 0.95)))
	}
	perCore := 0.0
	if busy > 0 {
		perCore = n / busy.Seconds()
	}
	fmt.Fprintf(w, "batch on %d workers (GOMAXPROCS %d): %.1f prints/s wall clock including loading; extraction %.1f prints/s per core (median %.2f ms, p95 %.2f ms per print under that load)\n",
		workers, runtime.GOMAXPROCS(0), n/wall.Seconds(), perCore, ms(percentile(ds, 0.5)), ms(percentile(ds, 0.95)))
	if truths > 0 {
		fmt.Fprintf(w, "against ground truth (%d images): precision %.1f%%, recall %.1f%% (%d paired of %d found, %d true)\n",
			truths, 100*acc.Precision(), 100*acc.Recall(), acc.Paired, acc.Found, acc.Truth)
	}
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }
