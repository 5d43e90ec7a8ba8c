// Command compare-fingerjet runs ciekit's extractor and FingerJet FX OSE
// (DigitalPersona/HID, LGPL-3; the judge) side by side on the FVC2002 B
// sets and prints one Markdown table: time per print, minutiae per print,
// failures to enrol, and the EER of each extractor's templates under
// ciekit's matcher and, when a BOZORTH3 binary is given, under NIST
// BOZORTH3.
//
// Neither judge is built here: FingerJet is its stock sample program
// fjfxSample (image.pgm -> ISO/IEC 19794-2:2005 template), built outside
// the repository from the public FingerJetFXOSE/FingerJetFXOSE source, and
// BOZORTH3 the NBIS 5.0.0 matcher built the same way:
//
//	go run ./scripts/compare-fingerjet -fjfx /work/tools/fingerjet/fjfxSample -bozorth3 /work/tools/bozorth3/bz3
//
// Timing: CPU time, single thread on both sides (the machine is shared, so
// wall-clock time mostly measures the neighbours; CPU time does not).
// ciekit's time is the best of -reps in-process Extract calls per image,
// with GOMAXPROCS 1, as process CPU time (garbage collection included).
// FingerJet runs as one process per image, so its time is the best of
// -reps child-process CPU times minus the median CPU cost of starting and
// ending the same binary without work (it prints its usage and exits),
// measured in the same run. The two are interleaved image by image.
// fjfxSample assumes 500 ppi: images of another resolution (DB2_B, 569
// ppi) are resampled to 500 ppi for it and its minutiae scaled back;
// ciekit is told the resolution and does the same inside.
//
// EER follows biometric/eval: 280 genuine pairs per set, impostors all
// 2,880 cross-finger pairs. A failure to enrol scores 0.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	_ "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/internal/cli"
)

func main() { cli.Main("compare-fingerjet", run) }

type side struct {
	ms       []float64 // per print
	minutiae int
	fte      int
	tpl      [][]*biometric.Template // [finger][impression]
	eerOwn   float64
	eerB3    float64
}

type setResult struct {
	name       string
	ours, fjfx side
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare-fingerjet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fjfx := fs.String("fjfx", os.Getenv("FJFX"), "path of FingerJet FX OSE's fjfxSample binary (default $FJFX)")
	bz3 := fs.String("bozorth3", os.Getenv("BOZORTH3"), "path of NIST BOZORTH3 (default $BOZORTH3; empty: skip the BOZORTH3 columns)")
	data := fs.String("data", "", "folder holding DB1_B … DB4_B (default: ../shared/data/fingerprints/fvc2002 beside the module root)")
	sets := fs.String("sets", "DB1_B,DB2_B,DB3_B,DB4_B", "comma-separated sets")
	reps := fs.Int("reps", 3, "timed runs per image and extractor (the best counts)")
	work := fs.String("work", "", "folder for the PGM, template and xyt files (default: a new temporary folder, removed afterwards)")
	if err := fs.Parse(args); err != nil {
		return cli.FlagSetError(err) // -h: exit 0; else exit 2, printed by fs
	}
	if *fjfx == "" {
		return errors.New("give -fjfx PATH (FingerJet FX OSE's fjfxSample, built outside the repository)")
	}
	if *reps < 1 {
		return errors.New("-reps must be at least 1")
	}
	if *data == "" {
		d, err := findData()
		if err != nil {
			return err
		}
		*data = d
	}
	if *work == "" {
		d, err := os.MkdirTemp("", "compare-fingerjet")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*work = d
	}
	runtime.GOMAXPROCS(1)
	startup, err := startupCost(ctx, *fjfx)
	if err != nil {
		return err
	}
	var res []setResult
	for _, set := range strings.Split(*sets, ",") {
		ppi := 500
		if set == "DB2_B" {
			ppi = 569
		}
		r, err := runSet(ctx, filepath.Join(*data, set), set, ppi, *fjfx, *bz3, *work, *reps, startup, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", set, err)
		}
		res = append(res, r)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(stdout, "command: go run ./scripts/compare-fingerjet %s\n", strings.Join(args, " "))
	fmt.Fprintf(stdout, "GOMAXPROCS %d, %s/%s, %s; load average at the end: %s", runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
	fmt.Fprintf(stdout, "times are CPU ms per print (best of %d); FingerJet process start+exit CPU cost subtracted: %.2f ms\n\n", *reps, startup)
	printTable(stdout, res, *bz3 != "")
	return nil
}

// startupCost is the median CPU time in ms of running fjfx without
// arguments (it prints its usage and exits).
func startupCost(ctx context.Context, fjfx string) (float64, error) {
	var ts []float64
	for range 21 {
		cmd := exec.CommandContext(ctx, fjfx)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				return 0, fmt.Errorf("running %s: %w", fjfx, err)
			}
		}
		ts = append(ts, childCPU(cmd))
	}
	slices.Sort(ts)
	return ts[len(ts)/2], nil
}

func runSet(ctx context.Context, dir, set string, ppi int, fjfx, bz3, work string, reps int, startup float64, stderr io.Writer) (setResult, error) {
	const fingers, imps = 10, 8
	r := setResult{name: set}
	for _, s := range []*side{&r.ours, &r.fjfx} {
		s.tpl = make([][]*biometric.Template, fingers)
		for f := range s.tpl {
			s.tpl[f] = make([]*biometric.Template, imps)
		}
	}
	wd := filepath.Join(work, set)
	if err := os.MkdirAll(wd, 0o755); err != nil {
		return r, err
	}
	e := biometric.Extractor{Options: biometric.Options{Resolution: ppi}}
	for f := range fingers {
		for i := range imps {
			if err := ctx.Err(); err != nil {
				return r, err
			}
			name := fmt.Sprintf("%d_%d", 101+f, i+1)
			img, err := loadGray(filepath.Join(dir, name+".png"))
			if err != nil {
				return r, err
			}
			w, h := img.Rect.Dx(), img.Rect.Dy()
			// Ours, in process.
			best := 1e9
			var t biometric.Template
			for range reps {
				start := cpuNow()
				t, err = e.ExtractTemplate(img)
				best = min(best, cpuNow()-start)
			}
			r.ours.ms = append(r.ours.ms, best)
			if err != nil || len(t.Minutiae) == 0 {
				r.ours.fte++
			} else {
				r.ours.minutiae += len(t.Minutiae)
				r.ours.tpl[f][i] = &t
			}
			// FingerJet, one process per run, at 500 ppi.
			in := img
			if ppi != 500 {
				in = resample(img, 500.0/float64(ppi))
			}
			pgm := filepath.Join(wd, name+".pgm")
			ist := filepath.Join(wd, name+".ist")
			if err := writePGM(pgm, in); err != nil {
				return r, err
			}
			bestFJ := 1e9
			ok := true
			for range reps {
				os.Remove(ist)
				cmd := exec.CommandContext(ctx, fjfx, pgm, ist)
				cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
				err := cmd.Run()
				bestFJ = min(bestFJ, childCPU(cmd))
				if err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						return r, fmt.Errorf("running %s: %w", fjfx, err)
					}
					ok = false // FingerJet's "no fingerprint" or another refusal
				}
			}
			r.fjfx.ms = append(r.fjfx.ms, max(bestFJ-startup, 0))
			if !ok {
				r.fjfx.fte++
				continue
			}
			raw, err := os.ReadFile(ist)
			if err != nil {
				return r, err
			}
			ft, err := biometric.ParseISO(raw)
			if err != nil {
				return r, fmt.Errorf("FingerJet template of %s: %w", name, err)
			}
			// Back to the input's pixel grid and resolution.
			for k := range ft.Minutiae {
				m := &ft.Minutiae[k]
				m.X = uint16(min(int(float64(m.X)*float64(w)/float64(in.Rect.Dx())+0.5), w-1))
				m.Y = uint16(min(int(float64(m.Y)*float64(h)/float64(in.Rect.Dy())+0.5), h-1))
			}
			ft.Width, ft.Height = uint16(w), uint16(h)
			ft.ResolutionX, ft.ResolutionY = biometric.PxPerCM(ppi), biometric.PxPerCM(ppi)
			r.fjfx.minutiae += len(ft.Minutiae)
			r.fjfx.tpl[f][i] = ft
		}
		fmt.Fprintf(stderr, "%s: finger %d/%d\n", set, f+1, fingers)
	}
	pairs := append(eval.GenuinePairs(fingers, imps), eval.ImpostorPairs(fingers, imps, true)...)
	for k, s := range []*side{&r.ours, &r.fjfx} {
		ss, err := eval.ScorePairs(ctx, pairs, func(p eval.Pair) (float64, error) {
			a, b := s.tpl[p.A.Finger][p.A.Impression], s.tpl[p.B.Finger][p.B.Impression]
			if a == nil || b == nil {
				return 0, nil
			}
			return biometric.Match(a, b), nil
		})
		if err != nil {
			return r, err
		}
		s.eerOwn = eval.Compute(eval.Split(ss)).EER
		if bz3 != "" {
			sd := filepath.Join(wd, []string{"ours", "fjfx"}[k])
			s.eerB3, err = bozorth(ctx, bz3, sd, s.tpl, pairs)
			if err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

// bozorth writes the templates as .xyt files (x y θ q, origin top-left,
// θ in degrees counter-clockwise: bozorth3 -m1) and a mates list of the
// pairs into dir, scores them with BOZORTH3 and returns the EER.
func bozorth(ctx context.Context, bin, dir string, tpl [][]*biometric.Template, pairs []eval.Pair) (float64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	path := func(s eval.Sample) string {
		return filepath.Join(dir, fmt.Sprintf("%d_%d.xyt", 101+s.Finger, s.Impression+1))
	}
	for f := range tpl {
		for i, t := range tpl[f] {
			var xyt []byte
			if t != nil {
				xyt = eval.AppendXYT(nil, t.Minutiae)
			}
			if err := os.WriteFile(path(eval.Sample{Finger: f, Impression: i}), xyt, 0o644); err != nil {
				return 0, err
			}
		}
	}
	var sb strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&sb, "%s\n%s\n", path(p.A), path(p.B))
	}
	mates := filepath.Join(dir, "mates.lis")
	if err := os.WriteFile(mates, []byte(sb.String()), 0o644); err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, bin, "-m1", "-M", mates).Output()
	if err != nil {
		return 0, fmt.Errorf("running %s: %w", bin, err)
	}
	ss, err := eval.ReadScores(bytes.NewReader(out), pairs)
	if err != nil {
		return 0, fmt.Errorf("bozorth3 output: %w", err)
	}
	return eval.Compute(eval.Split(ss)).EER, nil
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func printTable(w io.Writer, res []setResult, b3 bool) {
	fmt.Fprintln(w, "| set | ms/print ciekit | ms/print FingerJet | FingerJet/ciekit | minutiae ciekit | minutiae FingerJet | FTE ciekit | FTE FingerJet | EER % ciekit matcher: ciekit | FingerJet | EER % BOZORTH3: ciekit | FingerJet |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	var m [10]float64
	for _, r := range res {
		mo, mf := median(r.ours.ms), median(r.fjfx.ms)
		no := float64(r.ours.minutiae) / float64(max(80-r.ours.fte, 1))
		nf := float64(r.fjfx.minutiae) / float64(max(80-r.fjfx.fte, 1))
		b3o, b3f := "–", "–"
		if b3 {
			b3o, b3f = pct(r.ours.eerB3), pct(r.fjfx.eerB3)
		}
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2fx | %.1f | %.1f | %d | %d | %s | %s | %s | %s |\n", r.name, mo, mf, mf/max(mo, 1e-9), no, nf,
			r.ours.fte, r.fjfx.fte, pct(r.ours.eerOwn), pct(r.fjfx.eerOwn), b3o, b3f)
		for k, v := range []float64{mo, mf, no, nf, float64(r.ours.fte), float64(r.fjfx.fte), r.ours.eerOwn, r.fjfx.eerOwn, r.ours.eerB3, r.fjfx.eerB3} {
			m[k] += v
		}
	}
	n := float64(max(len(res), 1))
	for k := range m {
		m[k] /= n
	}
	b3o, b3f := "–", "–"
	if b3 {
		b3o, b3f = pct(m[8]), pct(m[9])
	}
	fmt.Fprintf(w, "| **mean** | %.2f | %.2f | **%.2fx** | %.1f | %.1f | %.1f | %.1f | **%s** | **%s** | %s | %s |\n", m[0], m[1], m[1]/max(m[0], 1e-9), m[2], m[3], m[4], m[5],
		pct(m[6]), pct(m[7]), b3o, b3f)
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 2, 64) }

// cpuNow is this process's CPU time in ms.
func cpuNow() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return float64(ts.Sec)*1e3 + float64(ts.Nsec)/1e6
}

// childCPU is the user+system CPU time in ms of a finished command.
func childCPU(cmd *exec.Cmd) float64 {
	if cmd.ProcessState == nil {
		return 0
	}
	return (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() * 1000
}

func loadGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	if g, ok := img.(*image.Gray); ok {
		return g, nil
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g, nil
}

// resample scales img by f (output pixels per input pixel), bilinearly.
func resample(img *image.Gray, f float64) *image.Gray {
	sw, sh := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := int(float64(sw)*f+0.5), int(float64(sh)*f+0.5)
	out := image.NewGray(image.Rect(0, 0, dw, dh))
	for y := range dh {
		fy := min(max((float64(y)+0.5)/f-0.5, 0), float64(sh-1))
		y0 := int(fy)
		y1 := min(y0+1, sh-1)
		wy := fy - float64(y0)
		for x := range dw {
			fx := min(max((float64(x)+0.5)/f-0.5, 0), float64(sw-1))
			x0 := int(fx)
			x1 := min(x0+1, sw-1)
			wx := fx - float64(x0)
			p := func(xx, yy int) float64 { return float64(img.Pix[yy*img.Stride+xx]) }
			v := (p(x0, y0)*(1-wx)+p(x1, y0)*wx)*(1-wy) + (p(x0, y1)*(1-wx)+p(x1, y1)*wx)*wy
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

func writePGM(path string, img *image.Gray) error {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	b := fmt.Appendf(nil, "P5\n%d %d\n255\n", w, h)
	for y := range h {
		b = append(b, img.Pix[y*img.Stride:y*img.Stride+w]...)
	}
	return os.WriteFile(path, b, 0o644)
}

// findData looks for ../shared/data/fingerprints/fvc2002 beside the
// module root above the working directory.
func findData() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data", "fingerprints", "fvc2002")
			if _, err := os.Stat(d); err != nil {
				return "", fmt.Errorf("no FVC2002 data in %s; pass -data DIR", d)
			}
			return d, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory; pass -data DIR")
		}
		dir = up
	}
}
