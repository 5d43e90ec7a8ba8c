// Command fpbench measures the fingerprint pipeline of package biometric.
//
//	fpbench extract [-dir DIR | -n N] [-workers N] [-csv FILE]   extraction time, throughput, precision and recall
//	fpbench fvc [-data DIR] [-out DIR]                            the FVC protocol on the FVC2002 B sets
//	fpbench xyt -out DIR                                          our templates as NIST .xyt + bozorth3 mates lists
//	fpbench rates -dir DIR                                        FVC table of bozorth3 scores (scripts/bozorth3)
//
// extract reads every print of DIR, or generates N
// synthetic prints with biometric/scansim, extracts them on all cores (one
// biometric.Extractor per worker) and reports the throughput per core next
// to the single-thread latency (median and 95th percentile); where ground
// truth is available (the generated prints, or a <name>.iso template
// beside an image, scaled from the record's image size to the image's) it
// also reports minutiae precision and recall. fvc extracts the 80 images
// of each set, runs the FVC protocol with the biometric matcher, and prints
// a table of EER, FMR100, FMR1000 and ZeroFMR per set and their mean, with
// DET curves (PNG and SVG) and a CSV of every score in -out.
//
// Prints may be WSQ files (the NIST special databases), ISO/IEC 19794-4
// finger image records (.fir, .iso19794-4, or any file that starts
// "FIR\0"; a record with several finger images gives one print per image,
// named FILE#VIEW), TIFF (.tif, .tiff: the FVC2000/2002/2004 databases as
// distributed; 8-bit grey, or 16-bit grey kept at its precision), BMP
// (CASIA, PolyU; palette grey or 24-bit), PNG, JPEG or GIF, extensions in
// any case. Each is extracted at the resolution its file declares (WSQ's
// NISTCOM PPI, the record's image resolution, TIFF XResolution with
// ResolutionUnit inch or centimetre, BMP pixels per metre), else at -ppi;
// a declared value under 200 or over 10000 ppi, such as the 72 or 96 dpi
// image software writes by default, is no print's and -ppi is used (fvc's
// "resolution of the prints" lines say so). fvc and xyt take an FVC-style
// folder in any of these formats: 101_1.tif, 101_1.bmp, 101_1.wsq or
// 101_1.fir as well as 101_1.png.
//
// extract, after its summary, and fvc, per set, print a warning line when
// the prints' median ridge period implies a resolution more than 15 % off
// the one used (biometric.CheckResolution), e.g. 400 or 800 ppi prints read
// without -ppi; between 15 and 25 % the line says it may instead be
// fingers with finer or coarser ridges than most. The extract CSV has each
// print's ridge_period in pixels.
//
// Exit status: 0 success (also for -h), 1 failure, 2 usage error (unknown
// mode, bad flag or flag value).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err (if any) once and maps it to the exit status.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "fpbench:", err)
		fmt.Fprintln(stderr, "run 'fpbench -h' for usage")
		return 2
	}
	fmt.Fprintln(stderr, "fpbench:", err)
	return 1
}

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `fpbench measures ciekit's fingerprint extractor and matcher.

usage: fpbench extract [flags]   extraction time, throughput per core, precision/recall
       fpbench fvc [flags]       FVC protocol (EER, FMR100, FMR1000, ZeroFMR) on the FVC2002 B sets
       fpbench xyt -out DIR      our templates as NIST .xyt files and bozorth3 mates lists
       fpbench rates -dir DIR    FVC table of bozorth3 scores (scripts/bozorth3)
       fpbench MODE -h           the flags of MODE

prints: WSQ (.wsq), ISO/IEC 19794-4 finger image records (.fir, .iso19794-4, or content
       starting "FIR\0"; one print per finger image, named FILE#VIEW), TIFF (.tif, .tiff; 8- or
       16-bit grey, as FVC2000-2004 ship), BMP (CASIA, PolyU), PNG, JPEG, GIF.
       The resolution is the file's own (WSQ NISTCOM PPI, the record's, TIFF XResolution with
       ResolutionUnit inch or cm, BMP pixels per metre), else -ppi; a declared value under 200
       or over 10000 ppi (72 or 96 dpi placeholders) is ignored and -ppi used.

examples:
       fpbench extract -n 50                   50 synthetic prints on all cores
       fpbench extract -dir ~/sd302            every WSQ/record/TIFF/BMP/PNG/JPEG/GIF print of a folder
       fpbench fvc -out /tmp/fvc               FVC2002 B: table, det.png, det.svg, scores.csv
       fpbench fvc -data ~/mywsq -sets DB1     sets laid out like FVC (DB1/101_1.wsq …)
       fpbench fvc -data ~/fvc2004 -sets DB1_B,DB3_B -ppi DB3_B=512   FVC B sets as distributed (DB1_B/101_1.tif …)

exit status: 0 success, 1 failure, 2 usage error
`

// run is the program: args are the command-line arguments without the
// program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no mode given")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "extract":
		return runExtract(ctx, args[1:], stdout, stderr)
	case "fvc":
		return runFVC(ctx, args[1:], stdout, stderr)
	case "xyt":
		return runXYT(ctx, args[1:], stdout, stderr)
	case "rates":
		return runRates(ctx, args[1:], stdout, stderr)
	}
	return usagef("unknown mode %q (extract, fvc, xyt or rates)", args[0])
}

// newFlagSet returns a flag set for mode whose -h output is the mode's
// synopsis, its flags, an example and the exit codes (on stdout, as
// asked for).
func newFlagSet(mode, synopsis, example string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(mode, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: fpbench %s [flags]\n\n%s\n\nflags:\n", mode, synopsis)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nexample:\n  %s\n\nexit status: 0 success, 1 failure, 2 usage error\n", example)
	}
	return fs
}

// parseFlags parses args into fs: -h prints the usage on stdout and
// returns flag.ErrHelp (exit 0); any other flag error is a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return flag.ErrHelp
		}
		if a == "--" {
			break
		}
	}
	// The error is printed once, by main, with a pointer to -h.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// progress reports how far a long job is on w: a live bar redrawn in place
// when w is a terminal, otherwise a plain line at most every interval (and
// at the end), so that redirected logs get no carriage returns. It is safe
// for concurrent use.
type progress struct {
	w        io.Writer
	total    int
	label    string
	live     bool          // redraw in place (w is a terminal)
	interval time.Duration // between plain lines; 0 means 2 s

	mu    sync.Mutex
	done  int
	start time.Time
	last  time.Time
}

// newProgress returns a progress report on w (nil: none) for total items.
func newProgress(w io.Writer, total int, label string) *progress {
	p := &progress{w: w, total: total, label: label, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.live = true
		}
	}
	return p
}

// add records n more items done.
func (p *progress) add(n int) {
	if p == nil || p.w == nil || p.total == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	now := time.Now()
	if p.live {
		const width = 30
		k := p.done * width / p.total
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < k {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(p.w, "\r%s [%s] %d/%d", p.label, bar, p.done, p.total)
		if p.done >= p.total {
			fmt.Fprintln(p.w)
		}
		return
	}
	iv := p.interval
	if iv == 0 {
		iv = 2 * time.Second
	}
	if p.done >= p.total || now.Sub(p.last) >= iv {
		fmt.Fprintf(p.w, "%s: %d/%d (%.0f%%, %.1f s)\n", p.label, p.done, p.total, 100*float64(p.done)/float64(p.total), now.Sub(p.start).Seconds())
		p.last = now
	}
}
