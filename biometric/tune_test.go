package biometric

import (
	"fmt"
	"image"
	"os"
	"os/exec"
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
	// CIEKIT_TUNE_BOZORTH3=path: score the pairs with NIST BOZORTH3 (built
	// outside the repository) instead of our matcher.
	bz3 := os.Getenv("CIEKIT_TUNE_BOZORTH3")
	// eers returns the EER of each set with parameters p.
	eers := func(p filterParams, mp matchParams) (out [4]float64) {
		matchTune = mp
		defer func() { matchTune = defaultMatchParams }()
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
			var bzs []float64
			if bz3 != "" {
				bzs = bozorth3Scores(t, bz3, ts[:])
			}
			var gen, imp []float64
			for a := range 80 {
				for b := a + 1; b < 80; b++ {
					s := 0.0
					if bzs != nil {
						s, bzs = bzs[0], bzs[1:]
					} else if ts[a] != nil && ts[b] != nil {
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
	type param struct {
		name   string
		values []float64
		set    func(p *filterParams, v float64)
		setM   func(p *matchParams, v float64)
	}
	params := []param{
		{"borderReach", []float64{12, 18, 32}, func(p *filterParams, v float64) { p.borderReach = float32(v) }, nil},
		{"breakDist", []float64{8, 20}, func(p *filterParams, v float64) { p.breakDist = float32(v) }, nil},
		{"clusterDist", []float64{0, 4, 7, 8, 9, 10, 12}, func(p *filterParams, v float64) { p.clusterDist = int32(v) }, nil},
		{"dirBlend", []float64{0.5, 0.75, 0.9}, func(p *filterParams, v float64) { p.dirBlend = float32(v) }, nil},
		{"dirLen", []float64{12, 16, 20, 24}, func(p *filterParams, v float64) { p.dirLen = int(v) }, nil},
		{"endShift", []float64{-0.3, -0.2, 0, 0.1}, func(p *filterParams, v float64) { p.endShift = float32(v) }, nil},
		{"forkShift", []float64{0, 0.15, 0.45}, func(p *filterParams, v float64) { p.forkShift = float32(v) }, nil},
		{"cloudCount", []float64{3, 6, 1000}, func(p *filterParams, v float64) { p.cloudCount = int(v) }, nil},
		{"borderBlocks", []float64{0, 2}, func(p *filterParams, v float64) { p.borderBlocks = uint8(v) }, nil},
		{"spurLen", []float64{0, 4, 10}, func(p *filterParams, v float64) { p.spurLen = int(v) }, nil},
		{"shortRidge", []float64{0, 4, 8, 12}, func(p *filterParams, v float64) { p.shortRidge = int(v) }, nil},
		{"bridgeLen", []float64{0, 4, 6, 10}, func(p *filterParams, v float64) { p.bridgeLen = int(v) }, nil},
		{"borderQ", []float64{0.2, 0.4, 0.8}, func(p *filterParams, v float64) { p.borderQ = float32(v) }, nil},
		{"minQ", []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3}, func(p *filterParams, v float64) { p.minQ = float32(v) }, nil},
		{"qLo", []float64{0.5, 0.3, 0.15, 0.05}, nil, func(p *matchParams, v float64) { p.qLo = float32(v) }},
		{"soft", []float64{0.2, 0.4, 0.6, 0.8, 1}, nil, func(p *matchParams, v float64) { p.soft = float32(v) }},
		{"angleTol", []float64{9, 15, 18}, nil, func(p *matchParams, v float64) { p.angleTol = int8(v) }},
		{"distBase", []float64{6, 10, 12}, nil, func(p *matchParams, v float64) { p.distBase = float32(v) }},
		{"distGrow", []float64{0.05, 0.075, 0.125, 0.15}, nil, func(p *matchParams, v float64) { p.distGrow = float32(v) }},
		{"distMax", []float64{16, 24, 28}, nil, func(p *matchParams, v float64) { p.distMax = float32(v) }},
		{"alongSigma", []float64{2, 4, 5, 8}, func(p *filterParams, v float64) { p.alongSigma = float32(v) }, nil},
		{"segFrac", []float64{0.2, 0.25, 0.35}, func(p *filterParams, v float64) { p.segFrac = float32(v) }, nil},
		{"growCoh", []float64{0.5, 0.7}, func(p *filterParams, v float64) { p.growCoh = float32(v) }, nil},
		{"growE", []float64{0.01, 0.03, 0.1}, func(p *filterParams, v float64) { p.growE = float32(v) }, nil},
		{"edgeQ", []float64{0.05, 0.15, 0.3, 0.6}, func(p *filterParams, v float64) { p.edgeQ = float32(v) }, nil},
		{"oriNorm", []float64{0.01, 0.25, 0.4, 0.5, 0.6, 0.75, 1}, func(p *filterParams, v float64) { p.oriNorm = float32(v) }, nil},
		{"frameReach", []float64{0.5, 4, 8, 10, 12, 14, 16, 20}, func(p *filterParams, v float64) { p.frameReach = float32(v) }, nil},
		{"forkNoReach", []float64{1}, func(p *filterParams, v float64) { p.forkNoReach = v != 0 }, nil},
		{"floor", []float64{4, 6, 12}, nil, func(p *matchParams, v float64) { p.floor = float32(v) }},
		{"wFloor", []float64{0, 0.25, 0.3, 0.35}, nil, func(p *matchParams, v float64) { p.wFloor = float32(v) }},
	}
	defM := defaultMatchParams
	set := func(pr int, p *filterParams, mp *matchParams, v float64) {
		if params[pr].set != nil {
			params[pr].set(p, v)
		} else {
			params[pr].setM(mp, v)
		}
	}
	for k, pr := range params {
		if v, ok := setBase[pr.name]; ok {
			set(k, &def, &defM, v)
		}
	}
	base := eers(def, defM)
	t.Logf("base %+v %+v: EER %s", def, defM, fmtEERs(base))
	if joint := os.Getenv("CIEKIT_TUNE_JOINT"); joint != "" {
		// Every combination of the named parameters' values (each with
		// its base value too); each fold chooses the combination with the
		// lowest mean EER on its three training sets.
		var idx []int
		for _, name := range strings.Split(joint, ",") {
			k := slices.IndexFunc(params, func(p param) bool { return p.name == name })
			if k < 0 {
				t.Fatalf("CIEKIT_TUNE_JOINT: no parameter %q", name)
			}
			idx = append(idx, k)
		}
		type combo struct {
			vs   []float64 // -1: base value
			eers [4]float64
		}
		var combos []combo
		var comboEERs [][4]float64
		var walk func(d int, vs []float64)
		walk = func(d int, vs []float64) {
			if d == len(idx) {
				p, mp := def, defM
				for n, v := range vs {
					if v >= 0 {
						set(idx[n], &p, &mp, v)
					}
				}
				c := combo{vs: slices.Clone(vs), eers: eers(p, mp)}
				combos = append(combos, c)
				comboEERs = append(comboEERs, c.eers)
				t.Logf("%s = %v: EER %s", joint, c.vs, fmtEERs(c.eers))
				return
			}
			for _, v := range append([]float64{-1}, params[idx[d]].values...) {
				walk(d+1, append(vs, v))
			}
		}
		walk(0, nil)
		var held float64
		var chosen []string
		for k := range sets {
			best := looChoose(k, comboEERs)
			held += combos[best].eers[k] / 4
			chosen = append(chosen, fmt.Sprintf("%s: %v (%.2f%%)", sets[k], combos[best].vs, 100*combos[best].eers[k]))
		}
		t.Logf("%s jointly, leave-one-set-out: held-out mean EER %.2f%% (base %.2f%%); chosen on the other three (-1 = base): %s",
			joint, 100*held, 100*(base[0]+base[1]+base[2]+base[3])/4, strings.Join(chosen, ", "))
		return
	}
	only := os.Getenv("CIEKIT_TUNE_ONLY") // comma-separated parameter names; empty: all
	for pk, pr := range params {
		if only != "" && !slices.Contains(strings.Split(only, ","), pr.name) {
			continue
		}
		type trial struct {
			v    float64
			eers [4]float64
		}
		trials := []trial{{v: -1, eers: base}} // v = -1: the default
		trialEERs := [][4]float64{base}
		for _, v := range pr.values {
			p, mp := def, defM
			set(pk, &p, &mp, v)
			trials = append(trials, trial{v, eers(p, mp)})
			trialEERs = append(trialEERs, trials[len(trials)-1].eers)
			t.Logf("%s = %g: EER %s", pr.name, v, fmtEERs(trials[len(trials)-1].eers))
		}
		var held, heldDef float64
		var chosen []string
		for k := range sets {
			best := looChoose(k, trialEERs)
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

// looChoose returns the index of the trial with the lowest mean EER on
// the sets other than k; the first (the base) wins ties.
func looChoose(k int, eers [][4]float64) int {
	best, bestMean := 0, 0.0
	for n, e := range eers {
		m := 0.0
		for j := range e {
			if j != k {
				m += e[j] / 3
			}
		}
		if n == 0 || m < bestMean-1e-9 {
			best, bestMean = n, m
		}
	}
	return best
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

// bozorth3Scores scores every pair a < b of ts (in that order) with the
// BOZORTH3 binary bz3 (-m1: xyt with the origin top-left); a missing
// template scores 0.
func bozorth3Scores(t *testing.T, bz3 string, ts []*Template) []float64 {
	dir := t.TempDir()
	var mates strings.Builder
	for n, tpl := range ts {
		var b []byte
		if tpl != nil {
			for _, m := range tpl.Minutiae {
				b = fmt.Appendf(b, "%d %d %d %d\n", m.X, m.Y, int(float64(m.Angle)*360/256+0.5)%360, m.Quality)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(n, ".xyt")), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for a := range ts {
		for b := a + 1; b < len(ts); b++ {
			fmt.Fprintf(&mates, "%s\n%s\n", filepath.Join(dir, fmt.Sprint(a, ".xyt")), filepath.Join(dir, fmt.Sprint(b, ".xyt")))
		}
	}
	ml := filepath.Join(dir, "mates.lis")
	if err := os.WriteFile(ml, []byte(mates.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bz3, "-m1", "-M", ml).Output()
	if err != nil {
		t.Fatalf("bozorth3: %v", err)
	}
	var ss []float64
	for _, f := range strings.Fields(string(out)) {
		var v float64
		if _, err := fmt.Sscan(f, &v); err != nil {
			t.Fatalf("bozorth3 output %q", f)
		}
		ss = append(ss, v)
	}
	if len(ss) != len(ts)*(len(ts)-1)/2 {
		t.Fatalf("bozorth3: %d scores", len(ss))
	}
	return ss
}
