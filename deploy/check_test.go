package deploy

import (
	"errors"
	"fmt"
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

// The findings in Circ. 4/2017: its Allegato 1 and 3, and its text.
func TestCheckSeedNational(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedCirc4), ParseOptions{})
	require.NoError(t, err)
	got := Check(p)
	want := []finding{
		{192, "Matera", ErrTrainingAfter, ""},
		{197, "Reggio Calabria", ErrSpelling, "REGGIO DI CALABRIA"},
		{271, "Reggio Emilia", ErrSpelling, "REGGIO NELL'EMILIA"},
		{321, "Bergamo", ErrProvinceMismatch, "BG"},
		{413, "Franca Villa Fontana", ErrSpelling, "FRANCAVILLA FONTANA"}, // resolved by FindComune, silently, before issue 16
		{440, "Alghero", ErrCourseNotOffered, ""},
		{441, "Assemini", ErrCourseNotOffered, ""},
		{444, "Carbonia", ErrProvinceMismatch, "SU"},
		{452, "Olbia", ErrProvinceMismatch, "SS"},
		{455, "Sanluri", ErrProvinceMismatch, "SU"},
		{457, "Tempio Pausania", ErrProvinceMismatch, "SS"},
		{459, "Villacidro", ErrProvinceMismatch, "SU"},
		{501, "Sciaccia", ErrSpelling, "SCIACCA"},
		{507, "Camaione", ErrSpelling, "CAMAIORE"},
		{197, "", ErrHubSpelling, "REGGIO DI CALABRIA"},
		{763, "", ErrHubMismatch, "Olbia"},
		{192, "", ErrClassroomFull, ""}, // Bari 08/05: 66 operators
		{201, "", ErrClassroomFull, ""}, // Napoli 20/04: 78
		{320, "", ErrClassroomFull, ""}, // Milano 19/04: 99
		{460, "", ErrClassroomFull, ""}, // Catania 26/04: 66
		{123, "", ErrComuniCount, ""},
		{737, "", ErrContradiction, ""},
	}
	assert.Equal(t, want, findings(got))
	for _, e := range got {
		t.Log(e)
	}
	assert.Contains(t, got[7].Error(), "CI was its province until 27/04/2016")
	// Issue 16 item 3: the official name, the province and the distance.
	assert.Equal(t, "line 413: Franca Villa Fontana: comune name not as ANPR writes it (as of 29/05/2017); did you mean \"FRANCAVILLA FONTANA\" (BR, edit distance 1)?", got[4].Message())
	// Issue 17 item 5: "350 Comuni" in the text against 351 rows, and the
	// two confirmation dates, each quoting both sources.
	assert.Contains(t, got[20].Message(), "composto da 350 Comuni")
	assert.Contains(t, got[20].Message(), "351 rows")
	assert.Contains(t, got[21].Message(), "entro e non oltre il 12 aprile 2017")
	assert.Contains(t, got[21].Message(), "entro e non oltre il 7 aprile 2017")
	assert.Len(t, got[21].Sources, 2)

	// The report separates the spelling findings from the date ones.
	cats := map[Category][]error{}
	for _, e := range got {
		cats[e.Category()] = append(cats[e.Category()], e.Err)
	}
	assert.NotContains(t, cats[CategoryNames], ErrCourseNotOffered)
	assert.Contains(t, cats[CategoryNames], ErrSpelling)
	assert.Equal(t, []error{ErrTrainingAfter, ErrCourseNotOffered, ErrCourseNotOffered}, cats[CategoryDates])
}

// Issue 16 item 3: a plan with misspelt names reports each one, with the
// official name, the province and the edit distance, and the rows still
// resolve; names written as ANPR writes them, beyond case, accents,
// apostrophes, "S." and the bilingual forms, are not findings.
func TestCheckSpelling(t *testing.T) {
	t.Parallel()
	row := func(line int, comune, prov string) Installation {
		return Installation{Line: line, Comune: comune, Province: prov, Start: date(2017, 10, 2), End: date(2017, 10, 4)}
	}
	p := &Plan{Installations: []Installation{
		row(1, "Sant'Anastasia", "NA"),
		row(2, "SANT ANASTASIA", "NA"),
		row(3, "Forli'", "FC"),
		row(4, "Forlì", "FC"),
		row(5, "S. Giovanni in Persiceto", "BO"),
		row(6, "Bolzano/Bozen", "BZ"),
		row(7, "Bozen", "BZ"),
		row(8, "cava de' tirreni", "SA"),
		row(9, "Casalnuovo di Napolli", "NA"),
		row(10, "Pomigliano D'Arcco", "NA"),
		row(11, "Castellamare di Stabia", "NA"),
		row(12, "Boscotrecase", "SA"), // the province is wrong, the name right
		row(13, "SanGiorgio a Cremano", "NA"),
	}}
	var got []string
	for _, e := range Check(p) {
		if e.Category() != CategoryNames {
			continue
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %d", e.Line, errName(e.Err), e.Suggestion, e.Province, e.Distance))
	}
	assert.Equal(t, []string{
		"9 spelling CASALNUOVO DI NAPOLI NA 1",
		"10 spelling POMIGLIANO D'ARCO NA 1",
		"11 spelling CASTELLAMMARE DI STABIA NA 1",
		"12 province NA  0",
		"13 spelling SAN GIORGIO A CREMANO NA 1",
	}, got)
	// Resolution still works: the misspelt rows are totalled in Campania.
	for _, s := range Summarize(p) {
		assert.NotEmpty(t, s.Region, "every row resolved")
	}
}

func errName(err error) string {
	switch err {
	case ErrSpelling:
		return "spelling"
	case ErrProvinceMismatch:
		return "province"
	case ErrUnknownComune:
		return "unknown"
	}
	return err.Error()
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
		{"comune misspelt", func(in *Installation) { in.Comune = "Chietti" }, ErrSpelling},
		{"comune unknown", func(in *Installation) { in.Comune = "Xqzwv" }, ErrUnknownComune},
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
	p.Installations[0].Comune, p.Installations[0].Province = "Xqzwv", "XX"
	assert.Equal(t, []finding{{10, "Xqzwv", ErrUnknownComune, ""}, {10, "Xqzwv", ErrUnknownProvince, ""}}, findings(Check(p)))

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
