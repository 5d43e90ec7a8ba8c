package biometric

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTuneLeaveOneSetOut is the leave-one-set-out harness for the
// false-minutia rules: for each parameter in turn (the others at their
// defaults) and each FVC2002 B set held out, the value with the lowest
// mean EER (our matcher, 280 genuine and 2,880 impostor pairs per set) on
// the three other sets is chosen, and the held-out set's EER at that value
// is reported next to its EER at the base values (the defaults, or those
// given in CIEKIT_TUNE_BASE as name=value,... for a later stage). It only
// runs with CIEKIT_TUNE=1 (it extracts 320 images per value tried);
// CIEKIT_TUNE_ONLY=name,... limits it to some parameters.
func TestTuneLeaveOneSetOut(t *testing.T) {
	if os.Getenv("CIEKIT_TUNE") == "" {
		t.Skip("set CIEKIT_TUNE=1 to run the tuning harness")
	}
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	sets := []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"}
	var imgs [4][80]image.Image
	for k, db := range sets {
		for f := range 10 {
			for i := range 8 {
				imgs[k][f*8+i] = loadPNG(t, filepath.Join(dir, db, fmt.Sprintf("%d_%d.png", 101+f, i+1)))
			}
		}
	}
	// eers returns the EER of each set with parameters p.
	eers := func(p filterParams) (out [4]float64) {
		for k, db := range sets {
			res := 500
			if db == "DB2_B" {
				res = 569
			}
			e := Extractor{Options: Options{Resolution: res}, tune: &p}
			var ts [80]*Template
			for n, img := range imgs[k] {
				tpl, err := e.ExtractTemplate(img)
				if err == nil && len(tpl.Minutiae) > 0 {
					ts[n] = &tpl
				}
			}
			var gen, imp []float64
			for a := range 80 {
				for b := a + 1; b < 80; b++ {
					s := 0.0
					if ts[a] != nil && ts[b] != nil {
						s = Match(ts[a], ts[b])
					}
					if a/8 == b/8 {
						gen = append(gen, s)
					} else {
						imp = append(imp, s)
					}
				}
			}
			out[k] = tuneEER(gen, imp)
		}
		return out
	}
	def := (&Extractor{}).params()
	// CIEKIT_TUNE_BASE=name=value,... starts from other values (the
	// choices of an earlier stage).
	setBase := map[string]float64{}
	if b := os.Getenv("CIEKIT_TUNE_BASE"); b != "" {
		for _, kv := range strings.Split(b, ",") {
			var v float64
			name, val, _ := strings.Cut(kv, "=")
			if _, err := fmt.Sscan(val, &v); err != nil {
				t.Fatalf("CIEKIT_TUNE_BASE entry %q", kv)
			}
			setBase[name] = v
		}
	}
	params := []struct {
		name   string
		values []float64
		set    func(p *filterParams, v float64)
	}{
		{"borderReach", []float64{12, 18, 32}, func(p *filterParams, v float64) { p.borderReach = float32(v) }},
		{"breakDist", []float64{8, 20}, func(p *filterParams, v float64) { p.breakDist = float32(v) }},
		{"clusterDist", []float64{0, 4, 8}, func(p *filterParams, v float64) { p.clusterDist = int32(v) }},
		{"cloudCount", []float64{3, 6, 1000}, func(p *filterParams, v float64) { p.cloudCount = int(v) }},
		{"borderBlocks", []float64{0, 2}, func(p *filterParams, v float64) { p.borderBlocks = uint8(v) }},
		{"spurLen", []float64{0, 4, 10}, func(p *filterParams, v float64) { p.spurLen = int(v) }},
		{"shortRidge", []float64{0, 4, 8, 12}, func(p *filterParams, v float64) { p.shortRidge = int(v) }},
		{"bridgeLen", []float64{0, 4, 6, 10}, func(p *filterParams, v float64) { p.bridgeLen = int(v) }},
	}
	for _, pr := range params {
		if v, ok := setBase[pr.name]; ok {
			pr.set(&def, v)
		}
	}
	base := eers(def)
	t.Logf("base %+v: EER %s", def, fmtEERs(base))
	only := os.Getenv("CIEKIT_TUNE_ONLY") // comma-separated parameter names; empty: all
	for _, pr := range params {
		if only != "" && !slices.Contains(strings.Split(only, ","), pr.name) {
			continue
		}
		type trial struct {
			v    float64
			eers [4]float64
		}
		trials := []trial{{v: -1, eers: base}} // v = -1: the default
		for _, v := range pr.values {
			p := def
			pr.set(&p, v)
			trials = append(trials, trial{v, eers(p)})
			t.Logf("%s = %g: EER %s", pr.name, v, fmtEERs(trials[len(trials)-1].eers))
		}
		var held, heldDef float64
		var chosen []string
		for k := range sets {
			best, bestMean := 0, 0.0
			for n, tr := range trials {
				m := 0.0
				for j := range sets {
					if j != k {
						m += tr.eers[j] / 3
					}
				}
				if n == 0 || m < bestMean-1e-9 {
					best, bestMean = n, m
				}
			}
			held += trials[best].eers[k] / 4
			heldDef += base[k] / 4
			c := "default"
			if trials[best].v >= 0 {
				c = fmt.Sprint(trials[best].v)
			}
			chosen = append(chosen, sets[k]+": "+c)
		}
		t.Logf("%s, leave-one-set-out: held-out mean EER %.2f%% (base %.2f%%); chosen on the other three: %s",
			pr.name, 100*held, 100*heldDef, strings.Join(chosen, ", "))
	}
}

func fmtEERs(e [4]float64) string {
	return fmt.Sprintf("%.2f%% %.2f%% %.2f%% %.2f%% (mean %.2f%%)", 100*e[0], 100*e[1], 100*e[2], 100*e[3], 100*(e[0]+e[1]+e[2]+e[3])/4)
}

// tuneEER is the FVC EER (mean of FMR and FNMR where they cross).
func tuneEER(gen, imp []float64) float64 {
	ts := slices.Sorted(slices.Values(append(slices.Clone(gen), imp...)))
	best, bestGap := 1.0, 2.0
	for _, th := range ts {
		fnmr, fmr := 0, 0
		for _, g := range gen {
			if g < th {
				fnmr++
			}
		}
		for _, s := range imp {
			if s >= th {
				fmr++
			}
		}
		a, b := float64(fnmr)/float64(len(gen)), float64(fmr)/float64(len(imp))
		if gap := abs64(a - b); gap < bestGap {
			best, bestGap = (a+b)/2, gap
		}
	}
	return best
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
