package biometric

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFVC2002Agreement compares our minutiae on the FVC2002 DB_B images
// with the reference ISO templates beside them (a commercial SDK's, made
// on images resized to 300x400: see the NOTICE in the data directory).
// Neither side is ground truth; the test reports agreement and guards
// against regressions with loose floors.
func TestFVC2002Agreement(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 320 images")
	}
	dir := sharedDir(t, "data/fingerprints/fvc2002")
	var total matchStats
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		res := 500
		if db == "DB2_B" {
			res = 569
		}
		e := Extractor{Options: Options{Resolution: res}}
		files, err := filepath.Glob(filepath.Join(dir, db, "*.png"))
		require.NoError(t, err)
		var st, st8 matchStats
		var quality int
		for _, f := range files {
			raw, err := os.ReadFile(strings.TrimSuffix(f, ".png") + ".iso")
			if err != nil {
				continue
			}
			tpl, err := ParseISO(raw)
			require.NoError(t, err, "ParseISO(%s)", f)
			rw, rh, ref := int(tpl.Width), int(tpl.Height), tpl.Minutiae
			img := loadPNG(t, f)
			b := img.Bounds()
			for i := range ref {
				ref[i].X = uint16(int(ref[i].X) * b.Dx() / rw)
				ref[i].Y = uint16(int(ref[i].Y) * b.Dy() / rh)
			}
			ms, err := e.Extract(nil, img)
			require.NoError(t, err, f)
			quality += int(e.Quality())
			st.add(matchMinutiae(ref, ms, 12))
			st8.add(matchMinutiae(ref, ms, 8))
		}
		t.Logf("%s: %d images, reference %d minutiae, ours %d, paired within 12 px %d: %.1f%% of reference, %.1f%% of ours (within 8 px: %.1f%%, %.1f%%); directions within 30°: %.1f%%, flipped: %.1f%%; mean finger quality %d",
			db, len(files), st.ref, st.det, st.matched, 100*st.recall(), 100*st.precision(), 100*st8.recall(), 100*st8.precision(),
			100*float64(st.angleOK)/float64(max(st.matched, 1)), 100*float64(st.flipped)/float64(max(st.matched, 1)), quality/max(len(files), 1))
		total.add(st)
	}
	t.Logf("all: reference %d, ours %d, paired %d: %.1f%% of reference, %.1f%% of ours; directions within 30°: %.1f%%",
		total.ref, total.det, total.matched, 100*total.recall(), 100*total.precision(), 100*float64(total.angleOK)/float64(max(total.matched, 1)))
	assert.GreaterOrEqual(t, total.recall(), 0.5, "share of reference minutiae found")
	assert.GreaterOrEqual(t, total.precision(), 0.5, "share of our minutiae confirmed by the reference")
	assert.GreaterOrEqual(t, float64(total.angleOK), 0.7*float64(total.matched), "directions agreeing within 30°")
}
