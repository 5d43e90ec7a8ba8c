package biometric_test

import (
	"image"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
)

func TestAssessImage(t *testing.T) {
	t.Parallel()
	f := scansim.NewFinger(3, 400, 500)
	for _, fb := range []biometric.Feedback{biometric.FeedbackGood, biometric.FeedbackTooLight, biometric.FeedbackTooDark,
		biometric.FeedbackPartial, biometric.FeedbackMoved, biometric.FeedbackPoor} {
		for seed := range uint64(3) {
			im := f.Impress(scansim.PoorCondition(fb, seed), seed)
			got, q := biometric.AssessImage(im.Image)
			t.Logf("%v (seed %d) -> %v, quality %d, %s", fb, seed, got, q, biometric.AssessStatsString(im.Image))
			assert.Equal(t, fb, got, "AssessImage of a capture made %q (seed %d)", fb, seed)
		}
	}
	got, q := biometric.AssessImage(image.NewGray(image.Rect(0, 0, 300, 300)))
	assert.Equal(t, biometric.FeedbackPoor, got, "blank image")
	assert.Zero(t, q)
	got, _ = biometric.AssessImage(nil)
	assert.Equal(t, biometric.FeedbackPoor, got)
}

func BenchmarkAssessImage(b *testing.B) {
	img := scansim.Generate(1, 400, 500).Image
	b.ReportAllocs()
	b.SetBytes(int64(len(img.Pix)))
	for b.Loop() {
		biometric.AssessImage(img)
	}
}
