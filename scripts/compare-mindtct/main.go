// Command compare-mindtct runs ciekit's minutiae extractor and NIST MINDTCT
// side by side on the same images and prints a Markdown table: extraction
// time per image (best of N runs, single thread, I/O excluded) and minutiae
// precision and recall.
//
// Images: synthetic AM-FM prints with exact ground truth (generated here),
// SFinGe-style prints from biometric/scansim with their ground truth, and,
// when present, the FVC2002 DB_B images of ../shared/data/fingerprints,
// scored against the reference ISO templates beside them (a third
// extractor's minutiae, so "agreement" rather than ground truth).
//
// MINDTCT is built outside the repository (see run.sh); run everything with
// run.sh. Usage:
//
//	go run ./scripts/compare-mindtct -driver /work/tools/nbis/driver [-synthetic 40] [-fvc dir]
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/ciekit/ciekit/internal/cli"
)

func main() { cli.Main("compare-mindtct", run) }

// sample is one image with its reference minutiae.
type sample struct {
	set  string
	name string
	img  *image.Gray
	ppi  int
	ref  []biometric.Minutia
	pgm  string
}

// result is one extractor's output on one image.
type result struct {
	ns int64
	ms []biometric.Minutia
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare-mindtct", flag.ContinueOnError)
	fs.SetOutput(stderr)
	driver := fs.String("driver", os.Getenv("MINDTCT_DRIVER"), "MINDTCT driver (c/driver.c built against NBIS outside the repository; default $MINDTCT_DRIVER)")
	nSynth := fs.Int("synthetic", 40, "number of synthetic AM-FM prints")
	nSim := fs.Int("scansim", 40, "number of scansim (SFinGe-style) prints")
	fvc := fs.String("fvc", "", "FVC2002 directory with DB1_B..DB4_B (default: ../shared/data/fingerprints/fvc2002 if present)")
	reps := fs.Int("reps", 3, "runs per image; the best time counts")
	tmp := fs.String("tmp", "", "directory for the PGM files (default: a new temporary directory)")
	if err := fs.Parse(args); err != nil {
		return cli.FlagSetError(err) // -h: exit 0; else exit 2, printed by fs
	}
	if *driver == "" {
		return errors.New("give -driver PATH (or MINDTCT_DRIVER): c/driver.c built against NBIS's MINDTCT outside the repository")
	}
	runtime.GOMAXPROCS(1)
	if *fvc == "" {
		if d, err := findShared("data/fingerprints/fvc2002"); err == nil {
			*fvc = d
		}
	}
	dir := *tmp
	if dir == "" {
		d, err := os.MkdirTemp("", "compare-mindtct")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}

	var samples []sample
	periods := []float64{7, 8, 9, 10, 11}
	noises := []float64{0, 30, 60}
	for i := range *nSynth {
		p, n := periods[i%len(periods)], noises[(i/len(periods))%len(noises)]
		sp := synthAMFM(uint64(i+1), 416, 512, 24, p, n)
		samples = append(samples, sample{set: "synthetic", name: fmt.Sprintf("synth%03d", i), img: sp.img, ppi: 500, ref: sp.truth})
	}
	for i := range *nSim {
		im := scansim.Generate(uint64(1000+i), 400, 500)
		samples = append(samples, sample{set: "scansim", name: fmt.Sprintf("sim%03d", i), img: im.Image, ppi: 500, ref: im.Minutiae})
	}
	if *fvc != "" {
		for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
			s, err := loadFVC(filepath.Join(*fvc, db), "fvc2002/"+db)
			if err != nil {
				return err
			}
			samples = append(samples, s...)
		}
	}
	for i := range samples {
		s := &samples[i]
		s.pgm = filepath.Join(dir, strings.ReplaceAll(s.set, "/", "_")+"_"+s.name+".pgm")
		if err := writePGM(s.pgm, s.img); err != nil {
			return err
		}
	}

	// Alternate the two extractors over chunks of images, so that a change
	// in the machine's load affects both alike.
	fmt.Fprintf(stderr, "timing %d images\n", len(samples))
	ours := make([]result, len(samples))
	theirs := make([]result, len(samples))
	exs := map[int]*biometric.Extractor{}
	const chunk = 20
	for c0 := 0; c0 < len(samples); c0 += chunk {
		c1 := min(c0+chunk, len(samples))
		for i := c0; i < c1; i++ {
			s := samples[i]
			if err := ctx.Err(); err != nil {
				return err
			}
			e := exs[s.ppi]
			if e == nil {
				e = &biometric.Extractor{Options: biometric.Options{Resolution: s.ppi}}
				exs[s.ppi] = e
			}
			var best time.Duration
			var ms []biometric.Minutia
			for r := range *reps {
				t0 := time.Now()
				out, err := e.Extract(ms[:0], s.img)
				dt := time.Since(t0)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", s.set, s.name, err)
				}
				ms = out
				if r == 0 || dt < best {
					best = dt
				}
			}
			ours[i] = result{ns: best.Nanoseconds(), ms: slices.Clone(ms)}
		}
		res, err := runDriver(ctx, *driver, *reps, samples[c0:c1])
		if err != nil {
			return err
		}
		copy(theirs[c0:c1], res)
	}
	printTable(stdout, samples, ours, theirs, *reps)
	return nil
}

// runDriver runs the MINDTCT driver once per resolution over all images.
func runDriver(ctx context.Context, driver string, reps int, samples []sample) ([]result, error) {
	out := make([]result, len(samples))
	byPPI := map[int][]int{}
	for i, s := range samples {
		byPPI[s.ppi] = append(byPPI[s.ppi], i)
	}
	for ppi, idx := range byPPI {
		args := []string{"-n", strconv.Itoa(reps), "-ppi", strconv.Itoa(ppi)}
		pos := map[string]int{}
		for _, i := range idx {
			args = append(args, samples[i].pgm)
			pos[samples[i].pgm] = i
		}
		cmd := exec.CommandContext(ctx, driver, args...)
		cmd.Stderr = os.Stderr
		raw, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("running %s: %w", driver, err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(raw)))
		cur := -1
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 6 && f[0] == "image" {
				i, ok := pos[f[1]]
				if !ok {
					return nil, fmt.Errorf("driver reported unknown image %s", f[1])
				}
				ns, _ := strconv.ParseInt(f[4], 10, 64)
				out[i].ns = ns
				cur = i
				continue
			}
			if len(f) != 5 || cur < 0 {
				return nil, fmt.Errorf("driver output line %q", sc.Text())
			}
			x, _ := strconv.Atoi(f[0])
			y, _ := strconv.Atoi(f[1])
			t, _ := strconv.Atoi(f[2])
			rel, _ := strconv.ParseFloat(f[4], 64)
			kind := biometric.KindEnding
			if f[3] == "B" {
				kind = biometric.KindBifurcation
			}
			out[cur].ms = append(out[cur].ms, biometric.Minutia{
				X: uint16(x), Y: uint16(y), Angle: uint8(int(math.Round(float64(t)*256/360)) & 255),
				Kind: kind, Quality: uint8(math.Round(rel * 100)),
			})
		}
	}
	return out, nil
}

type stats struct {
	ref, det, matched, dirOK int
	posErr                   float64
	times                    []float64 // ms
}

func (s *stats) add(ref, det []biometric.Minutia, tol float64, ns int64) {
	m := match(ref, det, tol)
	s.ref += len(ref)
	s.det += len(det)
	s.matched += m.matched
	s.dirOK += m.dirOK
	s.posErr += m.posErr
	s.times = append(s.times, float64(ns)/1e6)
}

func (s *stats) median() float64 {
	t := slices.Clone(s.times)
	slices.Sort(t)
	if len(t) == 0 {
		return 0
	}
	return t[len(t)/2]
}

func (s *stats) p95() float64 {
	t := slices.Clone(s.times)
	slices.Sort(t)
	if len(t) == 0 {
		return 0
	}
	return t[min(len(t)-1, int(math.Ceil(0.95*float64(len(t))))-1)]
}

func (s *stats) mean() float64 {
	var a float64
	for _, v := range s.times {
		a += v
	}
	return a / max(float64(len(s.times)), 1)
}

func printTable(w io.Writer, samples []sample, ours, theirs []result, reps int) {
	var sets []string
	for _, s := range samples {
		if !slices.Contains(sets, s.set) {
			sets = append(sets, s.set)
		}
	}
	fmt.Fprintf(w, "Side by side on %d images (%s, %s/%s, GOMAXPROCS=1; time = best of %d runs per image, I/O excluded).\n",
		len(samples), runtime.Version(), runtime.GOOS, runtime.GOARCH, reps)
	fmt.Fprintf(w, "synthetic (AM-FM spirals, noise 0/30/60) and scansim (SFinGe-style prints of biometric/scansim, natural conditions): precision/recall against exact ground truth, a pair within 8 px; dir = share of pairs within 30°.\n")
	fmt.Fprintf(w, "FVC2002: the reference is another extractor's ISO template (SecuGen, rescaled), pairs within 12 px: agreement, not ground truth.\n\n")
	fmt.Fprintf(w, "| set | images | extractor | median ms | mean ms | p95 ms | minutiae/img | precision | recall | F1 | dir ok | pos err px |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var allO, allT stats
	for _, set := range sets {
		var so, st stats
		n := 0
		tol := 12.0
		if set == "synthetic" || set == "scansim" {
			tol = 8
		}
		for i, s := range samples {
			if s.set != set {
				continue
			}
			n++
			so.add(s.ref, ours[i].ms, tol, ours[i].ns)
			st.add(s.ref, theirs[i].ms, tol, theirs[i].ns)
		}
		allO.times = append(allO.times, so.times...)
		allT.times = append(allT.times, st.times...)
		for _, r := range []struct {
			name string
			s    *stats
		}{{"ciekit", &so}, {"mindtct", &st}} {
			p := float64(r.s.matched) / max(float64(r.s.det), 1)
			rc := float64(r.s.matched) / max(float64(r.s.ref), 1)
			fmt.Fprintf(w, "| %s | %d | %s | %.2f | %.2f | %.2f | %.1f | %.3f | %.3f | %.3f | %.3f | %.2f |\n",
				set, n, r.name, r.s.median(), r.s.mean(), r.s.p95(), float64(r.s.det)/float64(n),
				p, rc, 2*p*rc/max(p+rc, 1e-9),
				float64(r.s.dirOK)/max(float64(r.s.matched), 1), r.s.posErr/max(float64(r.s.matched), 1))
		}
	}
	fmt.Fprintf(w, "\nAll images: ciekit median %.2f ms, mean %.2f ms; mindtct median %.2f ms, mean %.2f ms; speed-up %.1fx (medians), %.1fx (means).\n",
		allO.median(), allO.mean(), allT.median(), allT.mean(), allT.median()/allO.median(), allT.mean()/allO.mean())
}

type matchResult struct {
	matched, dirOK int
	posErr         float64
}

// match pairs ref and det one to one, closest first, within tol pixels.
func match(ref, det []biometric.Minutia, tol float64) matchResult {
	type pair struct {
		i, j int
		d    float64
	}
	var ps []pair
	for i, r := range ref {
		for j, d := range det {
			if dd := math.Hypot(float64(r.X)-float64(d.X), float64(r.Y)-float64(d.Y)); dd <= tol {
				ps = append(ps, pair{i, j, dd})
			}
		}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmpFloat(a.d, b.d) })
	ur, ud := make([]bool, len(ref)), make([]bool, len(det))
	var m matchResult
	for _, p := range ps {
		if ur[p.i] || ud[p.j] {
			continue
		}
		ur[p.i], ud[p.j] = true, true
		m.matched++
		m.posErr += p.d
		a := math.Abs(float64(ref[p.i].Angle)-float64(det[p.j].Angle)) * 360 / 256
		if a > 180 {
			a = 360 - a
		}
		if a <= 30 {
			m.dirOK++
		}
	}
	return m
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func findShared(sub string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", sub)
			_, err := os.Stat(p)
			return p, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found")
		}
		dir = parent
	}
}

// loadFVC reads the PNG images of one FVC set with their ISO templates,
// rescaled from the 300x400 the templates were made at.
func loadFVC(dir, set string) ([]sample, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		return nil, err
	}
	ppi := 500
	if strings.HasSuffix(set, "DB2_B") {
		ppi = 569 // FVC2002 DB2 is about 569 ppi
	}
	var out []sample
	for _, f := range files {
		raw, err := os.ReadFile(strings.TrimSuffix(f, ".png") + ".iso")
		if err != nil {
			continue
		}
		rw, rh, ref, err := readISO(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			return nil, fmt.Errorf("%s: not 8-bit gray", f)
		}
		b := g.Bounds()
		for i := range ref {
			ref[i].X = uint16(int(ref[i].X) * b.Dx() / rw)
			ref[i].Y = uint16(int(ref[i].Y) * b.Dy() / rh)
		}
		out = append(out, sample{set: set, name: strings.TrimSuffix(filepath.Base(f), ".png"), img: g, ppi: ppi, ref: ref})
	}
	return out, nil
}

// readISO reads the first view of an ISO/IEC 19794-2:2005 record.
func readISO(b []byte) (w, h int, ms []biometric.Minutia, err error) {
	if len(b) < 28 || string(b[:8]) != "FMR\x00 20\x00" {
		return 0, 0, nil, errors.New("not an ISO 19794-2:2005 record")
	}
	w, h = int(binary.BigEndian.Uint16(b[14:])), int(binary.BigEndian.Uint16(b[16:]))
	n := int(b[27])
	if len(b) < 28+6*n || w == 0 || h == 0 {
		return 0, 0, nil, errors.New("truncated ISO record")
	}
	for i := range n {
		m := b[28+6*i:]
		ms = append(ms, biometric.Minutia{
			Kind:  biometric.MinutiaKind(m[0] >> 6),
			X:     binary.BigEndian.Uint16(m[0:]) & 0x3fff,
			Y:     binary.BigEndian.Uint16(m[2:]) & 0x3fff,
			Angle: m[4],
		})
	}
	return w, h, ms, nil
}

func writePGM(path string, img *image.Gray) error {
	b := img.Bounds()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	fmt.Fprintf(bw, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := img.PixOffset(b.Min.X, y)
		bw.Write(img.Pix[off : off+b.Dx()])
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
