package eval

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPairs(t *testing.T) {
	t.Parallel()
	assert.Len(t, GenuinePairs(10, 8), 280, "GenuinePairs(10, 8)")
	assert.Len(t, ImpostorPairs(10, 8, false), 45, "ImpostorPairs(10, 8, false)")
	assert.Len(t, ImpostorPairs(10, 8, true), 2880, "ImpostorPairs(10, 8, true)")
	assert.Empty(t, GenuinePairs(-1, 8))
	for _, p := range GenuinePairs(3, 4) {
		assert.True(t, p.Genuine && p.A.Finger == p.B.Finger && p.A.Impression < p.B.Impression, "%+v", p)
	}
	for _, p := range ImpostorPairs(3, 4, true) {
		assert.True(t, !p.Genuine && p.A.Finger < p.B.Finger, "%+v", p)
	}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		genuine, impostor []float64
		eer, fmr100, zero float64
	}{
		{"separated", []float64{5, 6, 7, 8}, []float64{1, 2, 3, 4}, 0, 0, 0},
		{"one overlap", []float64{3, 6, 7, 8}, []float64{1, 2, 4, 5}, 0.25, 0.25, 0.25},
		{"identical", []float64{1, 1}, []float64{1, 1}, 0.5, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Compute(tc.genuine, tc.impostor)
			assert.InDelta(t, tc.eer, r.EER, 1e-9, "Compute(%v, %v).EER", tc.genuine, tc.impostor)
			assert.InDelta(t, tc.fmr100, r.FMR100, 1e-9, "FMR100")
			assert.InDelta(t, tc.zero, r.ZeroFMR, 1e-9, "ZeroFMR")
		})
	}
	assert.True(t, math.IsNaN(Compute(nil, []float64{1}).EER), "EER without genuine scores")
}

func TestScorePairsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	n := 0
	ss, err := ScorePairs(ctx, GenuinePairs(2, 4), func(Pair) (float64, error) {
		n++
		if n == 3 {
			cancel()
		}
		return 1, nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, ss, 3, "scores before cancellation")
	boom := errors.New("boom")
	_, err = ScorePairs(t.Context(), GenuinePairs(1, 2), func(Pair) (float64, error) { return 0, boom })
	require.ErrorIs(t, err, boom)
}

func TestWriteScoresCSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, WriteScoresCSV(&b, "DB1_B", []Score{{Pair: Pair{A: Sample{0, 0}, B: Sample{0, 1}, Genuine: true}, Score: 42.5}}, true))
	assert.Equal(t, "set,finger_a,impression_a,finger_b,impression_b,genuine,score\nDB1_B,1,1,1,2,true,42.500\n", b.String())
}

func TestCompareMinutiae(t *testing.T) {
	t.Parallel()
	truth := []biometric.Minutia{{X: 10, Y: 10, Angle: 0}, {X: 100, Y: 100, Angle: 64}, {X: 200, Y: 50}}
	found := []biometric.Minutia{{X: 12, Y: 11, Angle: 5}, {X: 101, Y: 99, Angle: 192}, {X: 300, Y: 300}}
	a := CompareMinutiae(truth, found, Tolerance{})
	assert.Equal(t, Accuracy{Truth: 3, Found: 3, Paired: 1}, a, "angle checked")
	a = CompareMinutiae(truth, found, Tolerance{Distance: 5, Angle: -1})
	assert.Equal(t, 2, a.Paired, "angle ignored")
	assert.InDelta(t, 2.0/3, a.Precision(), 1e-9)
	assert.Equal(t, 1.0, Accuracy{}.Recall())
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Run(t.Context(), Protocol{}, func(Sample) (int, bool, error) { return 0, false, boom }, func(a, b int) float64 { return 0 })
	require.ErrorIs(t, err, boom)
	_, err = Run(t.Context(), Protocol{Fingers: 1}, func(Sample) (int, bool, error) { return 0, true, nil }, func(a, b int) float64 { return 0 })
	require.Error(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = Run(ctx, Protocol{}, func(Sample) (int, bool, error) { return 0, true, nil }, func(a, b int) float64 { return 0 })
	require.ErrorIs(t, err, context.Canceled)
	r, err := Run(t.Context(), Protocol{Fingers: 3, Impressions: 2, AllImpostors: true},
		func(s Sample) (int, bool, error) { return s.Finger, true, nil },
		func(a, b int) float64 {
			if a == b {
				return 1
			}
			return 0
		})
	require.NoError(t, err)
	assert.Equal(t, 3+12, r.Comparisons, "Run(3 fingers × 2).Comparisons")
	assert.Equal(t, 0.0, r.EER, "separable scores")
}

func TestLeaveOneOut(t *testing.T) {
	fs := LeaveOneOut(4)
	require.Len(t, fs, 4)
	for k, f := range fs {
		assert.Equal(t, k, f.Test, "fold %d", k)
		assert.Len(t, f.Train, 3, "fold %d", k)
		assert.NotContains(t, f.Train, k, "fold %d trains on its test set", k)
	}
	assert.Nil(t, LeaveOneOut(1))
}

func TestFMRAtQuantile(t *testing.T) {
	im := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	assert.InDelta(t, 0.3, FMRAt(im, 7), 1e-12)
	assert.InDelta(t, 0.2, FNMRAt(im, 2), 1e-12)
	assert.Equal(t, 7.0, Quantile(im, 0.3))
	assert.True(t, math.IsNaN(FMRAt(nil, 1)))
	assert.True(t, math.IsNaN(Quantile(nil, 0.1)))
}

func TestXYTAndScores(t *testing.T) {
	got := string(AppendXYT(nil, []biometric.Minutia{{X: 10, Y: 20, Angle: 64, Quality: 80}, {X: 1, Y: 2, Angle: 0}}))
	assert.Equal(t, "10 20 90 80\n1 2 0 0\n", got)
	pairs := GenuinePairs(1, 3)
	ss, err := ReadScores(strings.NewReader("12\n\n7 extra\n0\n"), pairs)
	require.NoError(t, err)
	require.Len(t, ss, 3)
	assert.Equal(t, 7.0, ss[1].Score)
	for _, in := range []string{"1\n2\n", "1\n2\n3\n4\n", "1\nx\n3\n"} {
		_, err := ReadScores(strings.NewReader(in), pairs)
		assert.Error(t, err, "ReadScores(%q)", in)
	}
}
