package deploy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./deploy -update to create it")
	assert.Equal(t, string(want), string(got), "output differs from %s", path)
}

func samplePlan() *Plan {
	return &Plan{Installations: []Installation{
		{Region: "Campania", Comune: "Sant'Anastasia", Province: "NA", Start: date(2017, 6, 26), End: date(2017, 7, 7),
			TrainingHub: "Napoli", Course: date(2017, 5, 12), Operators: 3},
		{Comune: "Cardito", Province: "NA", Start: date(2017, 10, 2), End: date(2017, 10, 4),
			Workstations: 2, Course: date(2017, 9, 27), TimeSlot: TimeSlot{From: 14 * 60, To: 18 * 60}},
	}}
}

func TestMilestones(t *testing.T) {
	t.Parallel()
	ms := Milestones(samplePlan(), ScheduleOptions{})
	require.Len(t, ms, 10)
	byKind := map[MilestoneKind]Milestone{}
	for _, m := range ms {
		if m.Comune == "Cardito" {
			byKind[m.Kind] = m
		}
	}
	assert.Equal(t, date(2017, 8, 3), byKind[MasterPassword].Start, "60 days before 2 Oct")
	assert.True(t, byKind[MasterPassword].Approximate)
	assert.Equal(t, date(2017, 9, 11), byKind[SupplyForm].Start, "three weeks before")
	assert.Equal(t, date(2017, 9, 17), byKind[Postponement].Start, "15 days before")
	assert.Equal(t, date(2017, 9, 27), byKind[Course].Start)
	assert.Equal(t, Milestone{Kind: Install, Comune: "Cardito", Province: "NA", Start: date(2017, 10, 2), End: date(2017, 10, 4)}, byKind[Install])
	for i := 1; i < len(ms); i++ {
		assert.False(t, ms[i].Start.Before(ms[i-1].Start), "milestones sorted by date")
	}

	custom := Milestones(samplePlan(), ScheduleOptions{MasterPasswordDays: 90})
	assert.Equal(t, date(2017, 3, 28), custom[0].Start)
}

func TestWriteICSGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteICS(&buf, Milestones(samplePlan(), ScheduleOptions{}), ICSOptions{Stamp: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}))
	out := buf.String()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(line), 75, "line %d longer than 75 octets: %q", i+1, line)
		assert.NotContains(t, line, "\n")
	}
	assert.Contains(t, out, `Sant'Anastasia (NA): installazione postazioni`)
	assert.Equal(t, 10, strings.Count(out, "BEGIN:VEVENT"))
	golden(t, "plan.ics.golden", buf.Bytes())
}

func TestICSFolding(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	iw := &icsWriter{w: &buf}
	long := "SUMMARY:" + strings.Repeat("è", 60) // 2-byte runes straddle the fold
	iw.line(long)
	require.NoError(t, iw.err)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	require.Greater(t, len(lines), 1)
	var unfolded strings.Builder
	for i, l := range lines {
		assert.LessOrEqual(t, len(l), 75)
		if i > 0 {
			require.True(t, strings.HasPrefix(l, " "))
			l = l[1:]
		}
		unfolded.WriteString(l)
	}
	assert.Equal(t, long, unfolded.String())
	assert.Equal(t, `a\\b\;c\,d\ne`, icsText("a\\b;c,d\ne"))
}

func TestWriteMilestonesCSVGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteMilestonesCSV(&buf, Milestones(samplePlan(), ScheduleOptions{})))
	golden(t, "milestones.csv.golden", buf.Bytes())
}
