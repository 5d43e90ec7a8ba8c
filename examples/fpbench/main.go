// Command fpbench measures the fingerprint pipeline of package biometric.
//
//	fpbench extract [-dir DIR | -n N] [-csv FILE]   extraction time, precision and recall
//	fpbench fvc [-data DIR] [-out DIR]               the FVC protocol on the FVC2002 B sets
//	fpbench xyt -out DIR                             our templates as NIST .xyt + bozorth3 mates lists
//	fpbench rates -dir DIR                           FVC table of bozorth3 scores (scripts/bozorth3)
//
// extract reads every image of DIR (PNG, JPEG, GIF), or generates N
// synthetic prints with biometric/scansim, and reports the median and
// 95th-percentile extraction time; where ground truth is available (the
// generated prints, or a <name>.iso template beside an image, scaled from
// the record's image size to the image's) it also reports minutiae
// precision and recall. fvc extracts the 80 images of each set, runs the
// FVC protocol with the biometric matcher, and prints a table of EER,
// FMR100, FMR1000 and ZeroFMR per set and their mean, with DET curves
// (PNG and SVG) and a CSV of every score in -out.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fpbench:", err)
		os.Exit(1)
	}
}

const usage = `usage: fpbench extract [flags]   (fpbench extract -h for flags)
       fpbench fvc [flags]
       fpbench xyt -out DIR [flags]   (NIST .xyt files and bozorth3 mates lists)
       fpbench rates -dir DIR         (FVC table from bozorth3 scores)`

// run is the program: args are the command-line arguments without the
// program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no mode given\n%s", usage)
	}
	switch args[0] {
	case "extract":
		return runExtract(ctx, args[1:], stdout, stderr)
	case "fvc":
		return runFVC(ctx, args[1:], stdout, stderr)
	case "xyt":
		return runXYT(ctx, args[1:], stdout, stderr)
	case "rates":
		return runRates(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown mode %q\n%s", args[0], usage)
}

// progress draws a progress bar on w.
type progress struct {
	w     io.Writer
	total int
	label string
}

func (p *progress) set(done int) {
	if p.w == nil || p.total == 0 {
		return
	}
	const width = 30
	n := done * width / p.total
	bar := make([]byte, width)
	for i := range bar {
		if i < n {
			bar[i] = '#'
		} else {
			bar[i] = '.'
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d", p.label, bar, done, p.total)
	if done == p.total {
		fmt.Fprintln(p.w)
	}
}
