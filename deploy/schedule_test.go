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
	return &Plan{Circular: CircularNaples, Installations: []Installation{
		{Comune: "Sant'Anastasia", Province: "NA", Start: date(2017, 11, 20), End: date(2017, 11, 22),
			Workstations: 1, Course: date(2017, 10, 30), TimeSlot: TimeSlot{From: 9 * 60, To: 13 * 60}},
		{Comune: "Cardito", Province: "NA", Start: date(2017, 10, 2), End: date(2017, 10, 4),
			Workstations: 2, Course: date(2017, 9, 27), TimeSlot: TimeSlot{From: 14 * 60, To: 18 * 60}},
	}}
}

func milestones(t *testing.T, p *Plan, opts ScheduleOptions) []Milestone {
	t.Helper()
	ms, err := Milestones(p, opts)
	require.NoError(t, err)
	return ms
}

// Issue 17 item 2: the lead times belong to the circular that sets them.
// Circ. 9/2017 (Napoli) All. 2 §3: "deve avvenire entro e non oltre tre
// settimane prima del periodo assegnato al Comune per l'attivazione delle
// postazioni"; "è necessario inviare con anticipo di 15 giorni una
// comunicazione a firma del Sindaco"; SediCIE manual §3.1.7: "circa 60
// giorni prima della data di installazione".
func TestMilestones(t *testing.T) {
	t.Parallel()
	// The circular's own: Monitora and postponement, no master password.
	own := milestones(t, samplePlan(), ScheduleOptions{})
	require.Len(t, own, 8)
	for _, m := range own {
		assert.NotEqual(t, MasterPassword, m.Kind, "the master password is the manual's, not the circular's")
	}
	ms := milestones(t, samplePlan(), ScheduleOptions{MasterPassword: true})
	require.Len(t, ms, 10)
	byKind := map[MilestoneKind]Milestone{}
	for _, m := range ms {
		if m.Comune == "Cardito" {
			byKind[m.Kind] = m
		}
	}
	assert.Equal(t, date(2017, 8, 3), byKind[MasterPassword].Start, "60 days before 2 Oct")
	assert.True(t, byKind[MasterPassword].Approximate)
	assert.Equal(t, Manual, byKind[MasterPassword].Source.Doc)
	assert.Equal(t, date(2017, 9, 11), byKind[SupplyForm].Start, "three weeks before")
	assert.Contains(t, byKind[SupplyForm].Source.Quote, "tre settimane prima")
	assert.Equal(t, date(2017, 9, 17), byKind[Postponement].Start, "15 days before")
	assert.Contains(t, byKind[Postponement].Source.Quote, "con anticipo di 15 giorni")
	assert.Equal(t, date(2017, 9, 27), byKind[Course].Start)
	assert.Equal(t, date(2017, 10, 2), byKind[Install].Start)
	assert.Equal(t, date(2017, 10, 4), byKind[Install].End)
	for i := 1; i < len(ms); i++ {
		assert.False(t, ms[i].Start.Before(ms[i-1].Start), "milestones sorted by date")
	}

	custom := milestones(t, samplePlan(), ScheduleOptions{MasterPassword: true, MasterPasswordDays: 90})
	assert.Equal(t, date(2017, 7, 4), custom[0].Start)

	// Issue 17 item 4: negative lead times are refused.
	for _, o := range []ScheduleOptions{{MasterPasswordDays: -1}, {SupplyFormDays: -21}, {PostponementDays: -15}, {PostponementDays: MaxLeadDays + 1}} {
		_, err := Milestones(samplePlan(), o)
		assert.ErrorIs(t, err, ErrLeadTime, "%+v", o)
		_, err = Milestones(&Plan{}, o)
		assert.ErrorIs(t, err, ErrLeadTime, "%+v on an empty plan", o)
	}
}

// Issue 17 item 2: Circ. 4/2017 sets no lead times; the old code put 158
// master-password dates of its plan before the circular itself (Matera:
// 25/02/2017 for a circular of 31/03/2017).
func TestMilestonesNationalPlan(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedCirc4), ParseOptions{})
	require.NoError(t, err)
	require.Equal(t, CircularNational, p.Circular)
	ms := milestones(t, p, ScheduleOptions{SupplyFormDays: 30})
	count := map[MilestoneKind]int{}
	for _, m := range ms {
		count[m.Kind]++
		assert.False(t, m.Start.Before(date(2017, 3, 31)), "%s %s on %s, before the circular", m.Kind, m.Comune, formatDate(m.Start))
	}
	assert.Equal(t, map[MilestoneKind]int{Course: 351, Install: 351, ClassroomConfirmation: 36}, count)
	// The confirmation date: the text says 12 April, Allegato 3 says 7
	// April; the earlier is kept, and the note says so.
	for _, m := range ms {
		if m.Kind == ClassroomConfirmation {
			assert.Equal(t, date(2017, 4, 7), m.Start)
			assert.Contains(t, m.Note, "12/04/2017")
			break
		}
	}
}

func TestWriteICSGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, WriteICS(&buf, milestones(t, samplePlan(), ScheduleOptions{MasterPassword: true}), ICSOptions{Stamp: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}))
	out := buf.String()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		assert.LessOrEqual(t, len(line), 75, "line %d longer than 75 octets: %q", i+1, line)
		assert.NotContains(t, line, "\n")
	}
	assert.Contains(t, out, `Sant'Anastasia (NA): installazione postazioni`)
	assert.NotContains(t, out, "-@", "no empty province in a UID")
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
	require.NoError(t, WriteMilestonesCSV(&buf, milestones(t, samplePlan(), ScheduleOptions{MasterPassword: true})))
	golden(t, "milestones.csv.golden", buf.Bytes())
}
