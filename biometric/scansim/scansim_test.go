package scansim_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a := scansim.Generate(7, 240, 300)
	b := scansim.Generate(7, 240, 300)
	assert.Equal(t, a.Image.Pix, b.Image.Pix, "Generate(7) images differ between calls")
	assert.Equal(t, a.Minutiae, b.Minutiae, "Generate(7) ground truth differs between calls")
	c := scansim.Generate(8, 240, 300)
	assert.NotEqual(t, a.Image.Pix, c.Image.Pix, "Generate(7) and Generate(8) give the same image")
}

// darkness returns the mean ink (255 - gray) in a 3x3 window.
func darkness(im *scansim.Impression, x, y float64) float64 {
	s := 0.0
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			s += 255 - float64(im.Image.GrayAt(int(math.Round(x))+dx, int(math.Round(y))+dy).Y)
		}
	}
	return s / 9
}

// TestGroundTruthOnImage checks the ground truth against the rendered
// pixels, for natural captures (rotated, shifted, noisy): a minutia lies on
// a ridge, the ridge continues along its direction, and (for endings) the
// valley continues the other way.
func TestGroundTruthOnImage(t *testing.T) {
	t.Parallel()
	var n, onRidge, endings, endOK, bifs, bifOK int
	seeds := uint64(4)
	if raceEnabled {
		seeds = 1
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		f := scansim.NewFinger(seed, 400, 500)
		c := scansim.NaturalCondition(seed)
		if seed == 2 {
			c.Distortion = 6 // strong skin distortion: the ground truth must follow it
		}
		im := f.Impress(c, seed)
		assert.GreaterOrEqual(t, len(im.Minutiae), 15, "seed %d (%v): ground-truth minutiae", seed, f.Class)
		assert.LessOrEqual(t, len(im.Minutiae), 130, "seed %d (%v): ground-truth minutiae", seed, f.Class)
		assert.Equal(t, biometric.FeedbackGood, im.Feedback, "seed %d natural capture feedback", seed)
		for _, m := range im.Minutiae {
			require.Less(t, int(m.X), 400)
			require.Less(t, int(m.Y), 500)
			a := float64(m.Angle) * 2 * math.Pi / 256
			dx, dy := math.Cos(a), -math.Sin(a)
			x, y := float64(m.X), float64(m.Y)
			n++
			if darkness(im, x, y) > 90 {
				onRidge++
			}
			ahead, behind := darkness(im, x+6*dx, y+6*dy), darkness(im, x-6*dx, y-6*dy)
			// An ending points into its ridge, away from the valley
			// beyond it; a bifurcation points between its forks (into
			// the valley that ends there), away from its stem.
			if m.Kind == biometric.KindEnding {
				endings++
				if ahead > behind+40 {
					endOK++
				}
			} else {
				bifs++
				if behind > ahead+40 {
					bifOK++
				}
			}
		}
	}
	t.Logf("%d minutiae, %d on a ridge; %d endings, %d ridge ahead and valley behind; %d bifurcations, %d valley ahead and ridge behind",
		n, onRidge, endings, endOK, bifs, bifOK)
	assert.GreaterOrEqual(t, float64(onRidge), 0.85*float64(n), "minutiae on a ridge")
	assert.GreaterOrEqual(t, float64(endOK), 0.8*float64(endings), "endings pointing into their ridge")
	assert.GreaterOrEqual(t, float64(bifOK), 0.8*float64(bifs), "bifurcations pointing between their forks")
}

// TestTransform checks that ground truth follows the capture's rotation
// and translation.
func TestTransform(t *testing.T) {
	t.Parallel()
	f := scansim.NewFinger(3, 300, 360)
	base := f.Impress(scansim.Condition{}, 1)
	moved := f.Impress(scansim.Condition{Rotation: 20, DX: 12, DY: -7}, 1)
	rot := 20 * math.Pi / 180
	paired := 0
	for _, m := range moved.Minutiae {
		// Undo: image -> centred -> rotate back.
		x, y := float64(m.X)-150-12, float64(m.Y)-180+7
		ux, uy := math.Cos(rot)*x-math.Sin(rot)*y+150, math.Sin(rot)*x+math.Cos(rot)*y+180
		for _, b := range base.Minutiae {
			if math.Hypot(float64(b.X)-ux, float64(b.Y)-uy) <= 1.5 {
				da := (int(m.Angle) - int(b.Angle) - 14 + 512) % 256 // 20° = 14.2 units
				assert.True(t, da <= 1 || da >= 255, "minutia at (%d,%d): angle %d, unrotated %d", m.X, m.Y, m.Angle, b.Angle)
				assert.Equal(t, b.Kind, m.Kind)
				paired++
				break
			}
		}
	}
	assert.GreaterOrEqual(t, paired, len(moved.Minutiae)*9/10, "rotated minutiae found in the upright capture")
}

// TestAgainstExtractor runs the package biometric extractor on natural
// captures and reports its agreement with the ground truth. The floor is
// loose: it guards the simulator against gross errors (wrong coordinates,
// flipped directions), not the extractor's accuracy.
func TestAgainstExtractor(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("extraction of several prints; slow under -short and -race")
	}
	t.Parallel()
	var ref, found, dirOK, detected int
	for seed := uint64(11); seed <= 15; seed++ {
		im := scansim.Generate(seed, 400, 500)
		if seed == 15 {
			im = im.Resample(569) // FVC2002 DB2's resolution
		}
		e := biometric.Extractor{Options: biometric.Options{Resolution: im.Resolution}}
		got, err := e.Extract(nil, im.Image)
		require.NoError(t, err)
		detected += len(got)
		used := make([]bool, len(got))
		for _, m := range im.Minutiae {
			ref++
			best, bd := -1, 12.0
			for j, g := range got {
				if d := math.Hypot(float64(g.X)-float64(m.X), float64(g.Y)-float64(m.Y)); !used[j] && d <= bd {
					best, bd = j, d
				}
			}
			if best >= 0 {
				used[best] = true
				found++
				if da := (int(got[best].Angle) - int(m.Angle) + 256) % 256; da <= 22 || da >= 234 {
					dirOK++
				}
			}
		}
	}
	t.Logf("extractor found %d of %d ground-truth minutiae within 12 px (recall %.0f%%, precision %.0f%% of its %d); %d of those within 30°",
		found, ref, 100*float64(found)/float64(ref), 100*float64(found)/float64(max(detected, 1)), detected, dirOK)
	assert.GreaterOrEqual(t, float64(found), 0.75*float64(ref), "ground-truth minutiae found by the extractor")
	assert.GreaterOrEqual(t, float64(dirOK), 0.8*float64(found), "directions agreeing within 30°")
}

func TestConditionFeedback(t *testing.T) {
	t.Parallel()
	for _, fb := range []biometric.Feedback{biometric.FeedbackGood, biometric.FeedbackTooLight, biometric.FeedbackTooDark,
		biometric.FeedbackPartial, biometric.FeedbackMoved, biometric.FeedbackPoor} {
		for seed := range uint64(20) {
			got, q := scansim.PoorCondition(fb, seed).Feedback()
			assert.Equal(t, fb, got, "PoorCondition(%v, %d).Feedback()", fb, seed)
			if fb == biometric.FeedbackGood {
				assert.GreaterOrEqual(t, q, uint8(60), "natural quality, seed %d", seed)
			}
		}
	}
}

func TestScanner(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := scansim.New(scansim.Options{Seed: 5, Width: 200, Height: 240, Script: []scansim.Step{
		{Feedback: biometric.FeedbackTooLight},
		{Err: biometric.ErrDeviceGone},
		{NoFinger: true},
	}})
	c, err := s.Capture(ctx, biometric.RightIndex)
	require.NoError(t, err)
	assert.Equal(t, biometric.FeedbackTooLight, c.Feedback)
	assert.Equal(t, biometric.RightIndex, c.Finger)
	assert.Equal(t, 500, c.Resolution)
	assert.Equal(t, 200, c.Image.Bounds().Dx())

	_, err = s.Capture(ctx, biometric.RightIndex)
	require.ErrorIs(t, err, biometric.ErrDeviceGone)

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = s.Capture(short, biometric.RightIndex)
	cancel()
	require.ErrorIs(t, err, biometric.ErrNoFinger)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	im, err := s.CaptureImpression(ctx, biometric.RightIndex)
	require.NoError(t, err)
	assert.True(t, im.Feedback.OK(), "capture after the script: %v", im.Feedback)
	assert.Equal(t, 4, s.Captures())

	// Same seed, same person: the first unscripted capture of another
	// scanner sees the same master pattern.
	assert.Equal(t, s.Finger(biometric.RightIndex).Minutiae, scansim.New(scansim.Options{Seed: 5, Width: 200, Height: 240}).Finger(biometric.RightIndex).Minutiae)
	assert.NotEqual(t, s.Finger(biometric.RightIndex).Minutiae, s.Finger(biometric.LeftIndex).Minutiae)

	_, err = s.Capture(ctx, 11)
	require.Error(t, err)

	require.NoError(t, s.Close())
	_, err = s.Capture(ctx, biometric.RightIndex)
	require.ErrorIs(t, err, biometric.ErrDeviceGone)
}

func TestScannerContext(t *testing.T) {
	t.Parallel()
	s := scansim.New(scansim.Options{Width: 160, Height: 200, Latency: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var err error
	wg.Go(func() { _, err = s.Capture(ctx, biometric.LeftThumb) })
	// A second capture while the first waits finds the device busy.
	for s.Captures() == 0 {
		time.Sleep(time.Millisecond)
	}
	_, err2 := s.Capture(t.Context(), biometric.LeftThumb)
	require.ErrorIs(t, err2, biometric.ErrScannerBusy)
	cancel()
	wg.Wait()
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, biometric.ErrNoFinger))
}

func TestResample(t *testing.T) {
	t.Parallel()
	im := scansim.Generate(5, 300, 360)
	up := im.Resample(569)
	assert.Equal(t, 569, up.Resolution)
	assert.Equal(t, 341, up.Image.Bounds().Dx(), "300 px at 500 ppi -> 569 ppi")
	require.Len(t, up.Minutiae, len(im.Minutiae))
	tpl := up.Template()
	assert.Equal(t, biometric.PxPerCM(569), tpl.ResolutionX)
	// The pixels around each scaled minutia look like the original's.
	var diff, n float64
	for i, m := range im.Minutiae {
		u := up.Minutiae[i]
		assert.InDelta(t, float64(m.X)*569/500, float64(u.X), 1.2)
		assert.Equal(t, m.Angle, u.Angle)
		diff += math.Abs(float64(im.Image.GrayAt(int(m.X), int(m.Y)).Y) - float64(up.Image.GrayAt(int(u.X), int(u.Y)).Y))
		n++
	}
	assert.Less(t, diff/n, 40.0, "mean gray difference at the minutiae after resampling")
	s := scansim.New(scansim.Options{Seed: 1, Width: 200, Height: 240, Resolution: 569})
	c, err := s.Capture(t.Context(), biometric.LeftRing)
	require.NoError(t, err)
	assert.Equal(t, 569, c.Resolution)
	assert.Equal(t, 228, c.Image.Bounds().Dx())
}

func TestImpressionRecord(t *testing.T) {
	t.Parallel()
	f := scansim.NewFinger(4, 300, 360) // a whorl: two cores, two deltas
	im := f.Impress(scansim.Condition{}, 1)
	r := im.Record()
	require.NoError(t, r.Validate(biometric.FormatISO2005))
	b, err := r.MarshalISO()
	require.NoError(t, err)
	back, err := biometric.ParseISORecord(b)
	require.NoError(t, err)
	assert.Equal(t, im.Minutiae, back.Views[0].Minutiae)
	require.Len(t, back.Views[0].Extended, 1)
	cd, err := biometric.ParseCoreDelta(back.Views[0].Extended[0].Data, biometric.FormatISO2005)
	require.NoError(t, err)
	assert.Len(t, cd.Cores, len(im.Cores))
	assert.Len(t, cd.Deltas, len(im.Deltas))
	t.Logf("%v: %d cores, %d deltas in the image", f.Class, len(im.Cores), len(im.Deltas))
}
