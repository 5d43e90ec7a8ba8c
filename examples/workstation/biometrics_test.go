package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

// TestCheckFingers verifies DG3 records against the right templates and
// refuses them against each other's: the read-back's 1:1 check can fail.
func TestCheckFingers(t *testing.T) {
	sc := scansim.New(scansim.Options{Seed: 11, Ideal: true})
	defer sc.Close()
	var ex biometric.Extractor
	var recs [][]byte
	var tmpls [2][]byte
	for i, pos := range fingers {
		c, err := sc.Capture(t.Context(), pos)
		require.NoError(t, err)
		ex.Options.Resolution = c.Resolution
		tm, err := ex.ExtractTemplate(c.Image)
		require.NoError(t, err)
		tm.Finger = pos
		tmpls[i], err = tm.MarshalISO()
		require.NoError(t, err)
		rec, err := fingerImageRecord(pos, c.Image, c.Resolution)
		require.NoError(t, err)
		recs = append(recs, rec)
	}
	got, err := checkFingers(recs, tmpls)
	require.NoError(t, err)
	for _, fc := range got {
		assert.True(t, fc.Match, "%s against its own template: score %.1f", fc.Finger, fc.Score)
	}
	swapped, err := checkFingers(recs, [2][]byte{tmpls[1], tmpls[0]})
	require.NoError(t, err)
	for _, fc := range swapped {
		assert.False(t, fc.Match, "%s against the other finger's template: score %.1f", fc.Finger, fc.Score)
	}
	_, err = checkFingers(recs[:1], tmpls)
	assert.Error(t, err, "one record")
}
