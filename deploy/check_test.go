package deploy

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type finding struct {
	line       int
	comune     string
	err        error
	suggestion string
}

func findings(incs []*Inconsistency) []finding {
	var out []finding
	for _, e := range incs {
		out = append(out, finding{e.Line, e.Comune, e.Err, e.Suggestion})
	}
	return out
}

// The inconsistencies in Circ. 4/2017 Allegato 1 and 3; README.md lists
// them too.
func TestCheckSeedNational(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedCirc4), ParseOptions{})
	require.NoError(t, err)
	got := Check(p)
	want := []finding{
		{192, "Matera", ErrTrainingAfter, ""},
		{197, "Reggio Calabria", ErrUnknownComune, "REGGIO DI CALABRIA"},
		{271, "Reggio Emilia", ErrUnknownComune, "REGGIO NELL'EMILIA"},
		{321, "Bergamo", ErrProvinceMismatch, "BG"},
		{440, "Alghero", ErrCourseNotOffered, ""},
		{441, "Assemini", ErrCourseNotOffered, ""},
		{444, "Carbonia", ErrProvinceMismatch, "SU"},
		{452, "Olbia", ErrProvinceMismatch, "SS"},
		{455, "Sanluri", ErrProvinceMismatch, "SU"},
		{457, "Tempio Pausania", ErrProvinceMismatch, "SS"},
		{459, "Villacidro", ErrProvinceMismatch, "SU"},
		{501, "Sciaccia", ErrUnknownComune, "SCIACCA"},
		{507, "Camaione", ErrUnknownComune, "CAMAIORE"},
	}
	assert.Equal(t, want, findings(got))
	for _, e := range got {
		t.Log(e)
	}
	assert.Contains(t, got[6].Error(), "CI was its province until 27/04/2016")
}

func TestCheckSeedNapoli(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedNapoli), ParseOptions{Province: "NA"})
	require.NoError(t, err)
	assert.Empty(t, Check(p))
}

func TestCheckRules(t *testing.T) {
	t.Parallel()
	ok := Installation{Line: 10, Region: "Abruzzo", Comune: "Chieti", Province: "CH", Start: date(2017, 5, 2), End: date(2017, 5, 12),
		TrainingHub: "Pescara", Course: date(2017, 4, 26), Operators: 3}
	base := func() *Plan {
		return &Plan{
			Installations: []Installation{ok},
			Hubs:          []Hub{{Region: "Abruzzo", Cities: []string{"L'Aquila", "Pescara"}}},
			Trainings:     []Training{{Prefecture: "Pescara", Dates: []time.Time{date(2017, 4, 26)}}},
		}
	}
	require.Empty(t, Check(base()), "a consistent plan")

	for _, tc := range []struct {
		name string
		edit func(*Installation)
		want error
	}{
		{"period reversed", func(in *Installation) { in.End = date(2017, 4, 30) }, ErrPeriodReversed},
		{"course after installation", func(in *Installation) { in.Course = date(2017, 5, 3) }, ErrTrainingAfter},
		{"course not offered", func(in *Installation) { in.Course = date(2017, 4, 27) }, ErrCourseNotOffered},
		{"hub unknown", func(in *Installation) { in.TrainingHub = "Teramo" }, ErrUnknownHub},
		{"comune unknown", func(in *Installation) { in.Comune = "Chietti" }, ErrUnknownComune},
		{"wrong province", func(in *Installation) { in.Province = "PE" }, ErrProvinceMismatch},
		{"wrong region", func(in *Installation) { in.Region = "Molise" }, ErrRegionMismatch},
		{"ceased comune", func(in *Installation) {
			in.Region, in.Comune, in.Province = "Calabria", "Rossano", "CS"
			in.Start, in.End = date(2019, 5, 2), date(2019, 5, 12) // merged into Corigliano-Rossano in 2018
		}, ErrUnknownComune},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p.Installations[0])
			got := Check(p)
			require.NotEmpty(t, got)
			assert.ErrorIs(t, got[0], tc.want, "%v", got)
			assert.Equal(t, 10, got[0].Line)
		})
	}

	p := base()
	p.Installations[0].Comune, p.Installations[0].Province = "Chietti", "XX"
	assert.Equal(t, []finding{{10, "Chietti", ErrUnknownComune, ""}, {10, "Chietti", ErrUnknownProvince, ""}}, findings(Check(p)))

	p = base()
	p.Installations = append(p.Installations, ok)
	p.Installations[1].Line = 11
	got := Check(p)
	require.Len(t, got, 1)
	assert.ErrorIs(t, got[0], ErrDuplicateComune)
	assert.Equal(t, "deploy: line 11: Chieti: comune listed more than once (also on line 10)", got[0].Error())

	// Regions and hubs as the annexes spell them.
	p = base()
	p.Installations[0].Region = "abruzzo"
	p.Installations[0].TrainingHub = "pescara"
	assert.Empty(t, Check(p))
	tr := Installation{Line: 1, Region: "Trentino-Alto Adige", Comune: "Merano", Province: "BZ", Start: date(2017, 5, 29), End: date(2017, 6, 9)}
	assert.Empty(t, Check(&Plan{Installations: []Installation{tr}}))
	assert.True(t, sameCity("Olbia", "Olbia-Tempio"))
	assert.False(t, sameCity("Olbia", "Tempio"))
	assert.True(t, errors.Is(&Inconsistency{Err: ErrUnknownHub}, ErrUnknownHub))
}
