package deploy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	want := samplePlan()
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, want))
	golden(t, "plan.csv.golden", buf.Bytes())

	got, err := ReadCSV(&buf)
	require.NoError(t, err)
	require.Empty(t, got.Problems)
	for i := range got.Installations {
		got.Installations[i].Line = 0
	}
	assert.Equal(t, want.Installations, got.Installations)
}

func TestCSVRoundTripSeed(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedCirc4), ParseOptions{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, p))
	back, err := ReadCSV(&buf)
	require.NoError(t, err)
	require.Empty(t, back.Problems)
	require.Len(t, back.Installations, len(p.Installations))
	for i := range back.Installations {
		back.Installations[i].Line = p.Installations[i].Line
	}
	assert.Equal(t, p.Installations, back.Installations)
}

func TestReadCSVProblems(t *testing.T) {
	t.Parallel()
	in := "comune,start,end,operators\n" +
		"Capri,18/12/2017,20/12/2017,1\n" +
		"Capri,18/13/2017,20/12/2017,1\n" +
		",18/12/2017,20/12/2017,1\n" +
		"Capri,18/12/2017,20/12/2017,-4\n" +
		"Capri,18/12/2017\n" +
		"\"Capri,18/12/2017,20/12/2017,1\n"
	p, err := ReadCSV(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, p.Installations, 1)
	require.Len(t, p.Problems, 5)
	assert.Equal(t, []error{ErrDate, ErrEmpty, ErrNumber, ErrColumns, ErrValue},
		[]error{p.Problems[0].Err, p.Problems[1].Err, p.Problems[2].Err, p.Problems[3].Err, p.Problems[4].Err})
	assert.Equal(t, 3, p.Problems[0].Line)
	assert.Equal(t, "csv", p.Problems[0].Table)

	_, err = ReadCSV(strings.NewReader("comune,start,colour\n"))
	assert.ErrorIs(t, err, ErrColumns)
	_, err = ReadCSV(strings.NewReader("comune,start\n"))
	assert.ErrorIs(t, err, ErrColumns)
	_, err = ReadCSV(strings.NewReader(""))
	assert.Error(t, err)
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	want := samplePlan()
	b, err := json.Marshal(want)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"time_slot":"14:00-18:00"`)
	assert.NotContains(t, string(b), `"time_slot":""`)
	var got Plan
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, want.Installations, got.Installations)

	assert.Error(t, json.Unmarshal([]byte(`{"installations":[{"time_slot":"9-13"}]}`), &got))
}
