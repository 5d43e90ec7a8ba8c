package biometric_test

import (
	"fmt"
	"image"
	_ "image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// Documented thresholds of the finger quality on scansim captures.
const (
	qualityGood = 70 // natural captures score at least this
	qualityPoor = 40 // deliberately poor captures score below this
)

// qualityFinger returns the 400x500 scansim finger of seed, growing each
// master once for both quality tests (it is the slow part under -race).
func qualityFinger(seed uint64) *scansim.Finger {
	qualityFingersMu.Lock()
	defer qualityFingersMu.Unlock()
	if f, ok := qualityFingers[seed]; ok {
		return f
	}
	f := scansim.NewFinger(seed, 400, 500)
	qualityFingers[seed] = f
	return f
}

var (
	qualityFingersMu sync.Mutex
	qualityFingers   = map[uint64]*scansim.Finger{}
)

// fingers returns n, or 1 under -short (rendering a scansim finger is the
// slow part under -race).
func fingers(n uint64) uint64 {
	if testing.Short() {
		return 1
	}
	return n
}

func extractQuality(t *testing.T, e *biometric.Extractor, img image.Image) int {
	t.Helper()
	_, err := e.Extract(nil, img)
	require.NoError(t, err)
	return int(e.Quality())
}

// TestQualityScansim checks the calibration: natural captures score high,
// the simulator's poor conditions (too light/dry, too dark/wet, partial,
// moved, noisy) score low.
func TestQualityScansim(t *testing.T) {
	var e biometric.Extractor
	for seed := uint64(1); seed <= fingers(4); seed++ {
		fg := qualityFinger(seed)
		q := extractQuality(t, &e, fg.Impress(scansim.NaturalCondition(seed), seed).Image)
		t.Logf("finger %d natural: %d", seed, q)
		assert.GreaterOrEqual(t, q, qualityGood, "natural capture, finger %d", seed)
		for _, fb := range []biometric.Feedback{biometric.FeedbackTooLight, biometric.FeedbackTooDark,
			biometric.FeedbackPartial, biometric.FeedbackMoved, biometric.FeedbackPoor} {
			q := extractQuality(t, &e, fg.Impress(scansim.PoorCondition(fb, seed), seed).Image)
			t.Logf("finger %d poor %q: %d", seed, fb, q)
			assert.Less(t, q, qualityPoor, "finger %d, poor condition %q", seed, fb)
		}
		for _, c := range []scansim.Condition{{Noise: 45}, {Pressure: 1}, {Partial: 0.7}} {
			q := extractQuality(t, &e, fg.Impress(c, seed).Image)
			t.Logf("finger %d %+v: %d", seed, c, q)
			assert.Less(t, q, qualityPoor, "finger %d, %+v", seed, c)
		}
	}
}

// degrade returns a copy of img with its contrast scaled by k around white
// and Gaussian noise of standard deviation sigma added.
func degrade(img *image.Gray, k, sigma float64, seed uint64) *image.Gray {
	out := image.NewGray(img.Rect)
	r := rand.New(rand.NewPCG(seed, 1))
	for i, v := range img.Pix {
		x := 255 - k*(255-float64(v)) + sigma*r.NormFloat64()
		out.Pix[i] = uint8(min(max(x+0.5, 0), 255))
	}
	return out
}

// assertFalls checks that qs does not rise by more than a small tolerance
// from one step to the next and ends clearly below where it started.
func assertFalls(t *testing.T, what string, qs []int) {
	t.Helper()
	for i := 1; i < len(qs); i++ {
		assert.LessOrEqual(t, qs[i], qs[i-1]+3, "%s: quality rises at step %d: %v", what, i, qs)
	}
	assert.GreaterOrEqual(t, qs[0], qualityGood, "%s: %v", what, qs)
	assert.Less(t, qs[len(qs)-1], qualityPoor, "%s: %v", what, qs)
}

// TestQualityMonotonic degrades one clean capture step by step: more
// noise, less contrast (at a fixed noise), tighter crops.
func TestQualityMonotonic(t *testing.T) {
	var e biometric.Extractor
	for seed := uint64(1); seed <= fingers(2); seed++ {
		clean := qualityFinger(seed).Impress(scansim.Condition{}, seed).Image
		var qs []int
		for _, sigma := range []float64{0, 10, 20, 30, 40, 55} {
			qs = append(qs, extractQuality(t, &e, degrade(clean, 1, sigma, seed)))
		}
		t.Logf("finger %d, noise sigma 0, 10, 20, 30, 40, 55: %v", seed, qs)
		assertFalls(t, fmt.Sprint("noise, finger ", seed), qs)
		qs = qs[:0]
		for _, k := range []float64{1, 0.6, 0.4, 0.3, 0.2} {
			qs = append(qs, extractQuality(t, &e, degrade(clean, k, 8, seed)))
		}
		t.Logf("finger %d, contrast 1, 0.6, 0.4, 0.3, 0.2 (noise 8): %v", seed, qs)
		assertFalls(t, fmt.Sprint("contrast, finger ", seed), qs)
		qs = qs[:0]
		for _, f := range []float64{1, 0.8, 0.65, 0.5, 0.4} {
			w, h := int(400*f), int(500*f)
			x0, y0 := (400-w)/2, (500-h)/2
			qs = append(qs, extractQuality(t, &e, clean.SubImage(image.Rect(x0, y0, x0+w, y0+h))))
		}
		t.Logf("finger %d, centred crop 1, 0.8, 0.65, 0.5, 0.4: %v", seed, qs)
		assertFalls(t, fmt.Sprint("crop, finger ", seed), qs)
	}
}

// qualityFVCDir finds ../shared/data/fingerprints/fvc2002 beside the
// module root, or skips.
func qualityFVCDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data", "fingerprints", "fvc2002")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("FVC2002 images absent: %v", err)
	}
	return d
}

// TestQualityFVC checks that quality predicts matchability on FVC2002
// DB1..4_B: each image's mean genuine score (biometric.Match against the
// other 7 impressions of its finger) is lower, on average, in the lowest
// quality third than in the highest. It prints the table committed in
// QUALITY.md.
func TestQualityFVC(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 320 images")
	}
	dir := qualityFVCDir(t)
	type row struct {
		q     int
		score float64
	}
	var all []row
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		res := 500
		if db == "DB2_B" {
			res = 569
		}
		e := biometric.Extractor{Options: biometric.Options{Resolution: res}}
		var ts [10][8]biometric.Template
		var qs [10][8]int
		for f := range 10 {
			for i := range 8 {
				img := loadQualityPNG(t, filepath.Join(dir, db, fmt.Sprintf("%d_%d.png", 101+f, i+1)))
				tpl, err := e.ExtractTemplate(img)
				require.NoError(t, err)
				ts[f][i], qs[f][i] = tpl, int(tpl.Quality)
			}
		}
		var rows []row
		for f := range 10 {
			for i := range 8 {
				var s float64
				for j := range 8 {
					if j != i {
						s += biometric.Match(&ts[f][i], &ts[f][j])
					}
				}
				rows = append(rows, row{qs[f][i], s / 7})
			}
		}
		lo, hi := tercileMeans(rows, func(r row) (int, float64) { return r.q, r.score })
		t.Logf("%s: mean genuine score, lowest quality third %.1f (q %d..%d), highest third %.1f (q %d..%d)",
			db, lo.score, lo.qmin, lo.qmax, hi.score, hi.qmin, hi.qmax)
		all = append(all, rows...)
	}
	bands := [][2]int{{0, 0}, {1, 9}, {10, 39}, {40, 69}, {70, 100}}
	for _, b := range bands {
		var n int
		var sum float64
		for _, r := range all {
			if r.q >= b[0] && r.q <= b[1] {
				n++
				sum += r.score
			}
		}
		if n > 0 {
			t.Logf("quality %3d..%3d: %3d images, mean genuine score %.1f", b[0], b[1], n, sum/float64(n))
		}
	}
	lo, hi := tercileMeans(all, func(r row) (int, float64) { return r.q, r.score })
	t.Logf("all: mean genuine score, lowest quality third %.1f (q %d..%d), highest third %.1f (q %d..%d)",
		lo.score, lo.qmin, lo.qmax, hi.score, hi.qmin, hi.qmax)
	assert.Less(t, lo.score, hi.score, "low-quality images must match worse")
	assert.Less(t, lo.qmax, hi.qmin+1, "terciles ordered")
}

type tercile struct {
	score      float64
	qmin, qmax int
}

// tercileMeans sorts rows by quality and returns the mean score and the
// quality range of the lowest and highest thirds.
func tercileMeans[R any](rows []R, get func(R) (int, float64)) (lo, hi tercile) {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b R) int { qa, _ := get(a); qb, _ := get(b); return qa - qb })
	n := len(rows) / 3
	mean := func(part []R) tercile {
		t := tercile{qmin: 101, qmax: -1}
		for _, r := range part {
			q, s := get(r)
			t.score += s
			t.qmin, t.qmax = min(t.qmin, q), max(t.qmax, q)
		}
		t.score /= float64(len(part))
		return t
	}
	return mean(rows[:n]), mean(rows[len(rows)-n:])
}

func loadQualityPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, _, err := image.Decode(f)
	require.NoError(t, err, "decode %s", path)
	return img
}

// TestQualityNatural checks that captures in natural conditions (the
// scanner's good path) do not fall below the "good" level, so that the
// workstation does not retry them: 12 fingers x 4 captures.
func TestQualityNatural(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 12 fingers")
	}
	var e biometric.Extractor
	lowest := 100
	for seed := uint64(101); seed <= 112; seed++ {
		fg := scansim.NewFinger(seed, 400, 500)
		for k := range uint64(4) {
			s := seed*10 + k
			q := extractQuality(t, &e, fg.Impress(scansim.NaturalCondition(s), s).Image)
			lowest = min(lowest, q)
			assert.GreaterOrEqual(t, q, qualityGood, "finger %d, natural condition %d", seed, s)
		}
	}
	t.Logf("lowest quality of 48 natural captures: %d", lowest)
}
