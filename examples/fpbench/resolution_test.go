package main

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xdraw "golang.org/x/image/draw"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// TestResolutionWarningExtract: extract warns when a folder of 800 ppi
// prints is extracted as 500 ppi, and not when told, nor on synthetic
// 500 ppi prints.
func TestResolutionWarningExtract(t *testing.T) {
	dir := t.TempDir()
	for s := range uint64(biometric.MinResolutionPrints + 1) {
		writePNG(t, filepath.Join(dir, fmt.Sprintf("p%d.png", s)), scansim.Generate(s+1, 320, 400).Resample(800).Image)
	}
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"-dir", dir}, true},
		{[]string{"-dir", dir, "-ppi", "800"}, false},
		{[]string{"-n", "6", "-size", "320x400"}, false},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"extract", "-q", "-latency", "0", "-workers", "2"}, tc.args...)
		require.NoError(t, run(t.Context(), args, &out, &errb), "fpbench %q: stderr %s", args, errb.String())
		if !tc.warn {
			assert.NotContains(t, out.String(), "warning:", "fpbench %q", args)
			continue
		}
		assert.Contains(t, out.String(), "warning: "+dir+": the prints' median ridge period is ", "fpbench %q", args)
		assert.Contains(t, out.String(), "ppi prints, not the 500 ppi used; set -ppi (or the files' resolution) if that is wrong\n", "fpbench %q", args)
		assert.Equal(t, 1, strings.Count(out.String(), "warning:"), "fpbench %q: one warning line", args)
	}
}

// TestResolutionWarningFVCSynthetic: fvc warns per set, and says a
// resolution is wrong only of the set whose resolution is wrong. The
// simulated fingers have ridges about 15 % coarser than FVC2002's (their
// periods are drawn from 8.6-10.2 px), so the sets at their true
// resolution may get the hedged line ("either not the ... or fingers with
// coarser ridges than most"), never the sure one.
func TestResolutionWarningFVCSynthetic(t *testing.T) {
	dir := t.TempDir()
	fvcFolder(t, dir, "HI", 3, 2, func(p string, m image.Image) {
		writePNG(t, p+".png", resampleTo(m, 800, 500))
	})
	fvcFolder(t, dir, "OK", 3, 2, func(p string, m image.Image) { writePNG(t, p+".png", m) })
	for _, tc := range []struct {
		ppi  string
		warn bool
	}{{"", true}, {"HI=800", false}} {
		var out, errb bytes.Buffer
		args := []string{"fvc", "-data", dir, "-sets", "HI,OK", "-fingers", "3", "-impressions", "2", "-cross=false", "-q", "-ppi", tc.ppi}
		require.NoError(t, run(t.Context(), args, &out, &errb), "fpbench %q: stderr %s", args, errb.String())
		sure := regexp.MustCompile(`(?m)^warning: (\w+): the prints' median ridge period is .*, not the \d+ ppi used; set -ppi`)
		var sets []string
		for _, m := range sure.FindAllStringSubmatch(out.String(), -1) {
			sets = append(sets, m[1])
		}
		if tc.warn {
			assert.Equal(t, []string{"HI"}, sets, "fpbench %q: sets said to be at the wrong resolution\n%s", args, out.String())
		} else {
			assert.Empty(t, sets, "fpbench %q: sets said to be at the wrong resolution\n%s", args, out.String())
		}
	}
}

// resampleTo scales m from ppi from to ppi to (Catmull-Rom), as a sensor
// of that resolution would see the finger.
func resampleTo(m image.Image, to, from int) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx()*to/from, b.Dy()*to/from))
	xdraw.CatmullRom.Scale(g, g.Rect, m, b, draw.Src, nil)
	return g
}

// TestResolutionWarningFVC2002: no warning on the four FVC2002 B sets at
// their resolution (DB2_B at 569 ppi, the default -ppi), and a warning on
// each resampled to 800 ppi unless told.
func TestResolutionWarningFVC2002(t *testing.T) {
	sets := []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"}
	data := fvcData(t, sets...)
	fingers, imps := "10", "8"
	if testing.Short() {
		fingers, imps = "5", "2"
	}
	var out, errb bytes.Buffer
	args := []string{"fvc", "-data", data, "-fingers", fingers, "-impressions", imps, "-all=false", "-cross=false", "-q"}
	require.NoError(t, run(t.Context(), args, &out, &errb), "fpbench %q: stderr %s", args, errb.String())
	assert.NotContains(t, out.String(), "warning:", "fpbench %q", args)

	dir := t.TempDir()
	convertFVC(t, data, dir, sets, 5, 2, func(set, base string, m image.Image) {
		from := 500
		if set == "DB2_B" {
			from = 569
		}
		writePNG(t, base+".png", resampleTo(m, 800, from))
	})
	for _, tc := range []struct {
		ppi string
	}{{""}, {"DB2_B=800"}, {"DB1_B=800,DB2_B=800,DB3_B=800,DB4_B=800"}} {
		out.Reset()
		args := []string{"fvc", "-data", dir, "-fingers", "5", "-impressions", "2", "-all=false", "-cross=false", "-q", "-ppi", tc.ppi}
		require.NoError(t, run(t.Context(), args, &out, &errb), "fpbench %q: stderr %s", args, errb.String())
		for _, set := range sets {
			told := strings.Contains(tc.ppi, set+"=800")
			if told {
				assert.NotContains(t, out.String(), "warning: "+set, "fpbench %q", args)
			} else {
				assert.Contains(t, out.String(), "warning: "+set+": the prints' median ridge period is ", "fpbench %q", args)
			}
		}
		t.Logf("fpbench %q:\n%s", args, out.String()[strings.Index(out.String(), "resolution of the prints"):])
	}
}
