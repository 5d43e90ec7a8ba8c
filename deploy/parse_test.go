package deploy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seed opens one of the circulars in ../shared/seeds, or skips the test.
func seed(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "seeds", name))
	if err != nil {
		t.Skipf("seed documents not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

const (
	seedCirc4  = "000_a86ba7c3ab910ffb.txt" // Circ. 4/2017 with Allegati 1, 2, 3
	seedNapoli = "001_f7dc91859d1171a1.txt" // Prefettura di Napoli, Circ. 9/2017
)

func TestParseSeedNational(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedCirc4), ParseOptions{})
	require.NoError(t, err)
	assert.Empty(t, p.Problems, "rows of Circ. 4/2017 that did not parse")
	// Allegato 1 has 351 rows, though the circular's text announces "350
	// Comuni"; Allegato 3 lists the hubs of 18 regions and 36 prefectures.
	assert.Len(t, p.Installations, 351)
	assert.Len(t, p.Hubs, 18)
	assert.Len(t, p.Trainings, 36)

	first := p.Installations[0]
	assert.Equal(t, Installation{Line: 182, Region: "Abruzzo", Comune: "Avezzano", Province: "AQ",
		Start: date(2017, 6, 26), End: date(2017, 7, 7), TrainingHub: "L'Aquila", Course: date(2017, 4, 21), Operators: 3}, first)
	last := p.Installations[len(p.Installations)-1]
	assert.Equal(t, "Vittorio Veneto", last.Comune)

	assert.Equal(t, Hub{Line: 710, Region: "Piemonte", Cities: []string{"Cuneo", "Torino"}}, p.Hubs[0])
	for _, tr := range p.Trainings {
		if tr.Prefecture == "Napoli" {
			assert.Equal(t, []time.Time{date(2017, 4, 20), date(2017, 5, 12)}, tr.Dates)
		}
	}
}

func TestParseSeedNapoli(t *testing.T) {
	t.Parallel()
	p, err := Parse(seed(t, seedNapoli), ParseOptions{Province: "NA"})
	require.NoError(t, err)
	assert.Empty(t, p.Problems)
	assert.Len(t, p.Installations, 57) // rows across two pages, the second without a header
	assert.Equal(t, Installation{Line: 84, Comune: "Agerola", Province: "NA", Start: date(2017, 12, 13), End: date(2017, 12, 15),
		Workstations: 1, Course: date(2017, 12, 7), TimeSlot: TimeSlot{From: 9 * 60, To: 13 * 60}}, p.Installations[0])
	assert.Equal(t, "San Gennaro Vesuviano", p.Installations[40].Comune)
}

func TestParseOtherSeedsHaveNoTables(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"002_4b427b73c43d6f91.txt", "003_48cc0aafec4c0001.txt", "004_04fc0a72859891ce.txt"} {
		p, err := Parse(seed(t, name), ParseOptions{})
		require.NoError(t, err)
		assert.Empty(t, p.Installations, name)
		assert.Empty(t, p.Problems, name)
	}
}

func TestParseRowErrors(t *testing.T) {
	t.Parallel()
	doc := strings.Join([]string{
		"ALLEGATO I",
		"Regione\tComune\tProvincia\tInstallazione\t\tCorsi di formazione\t\t",
		"\t\t\tPeriodo installazione\tPolo formativo\tDate Corsi\tOperatori\t",
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3",
		"Abruzzo\tChieti\tCH\t31/02/17\t12/05/17\tPescara\t26/04/17\t3", // 31 February
		"Abruzzo\tChieti\tch\t02/05/17\t12/05/17\tPescara\t26/04/17\t3", // lower-case sigla
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17",    // operators missing
		"Abruzzo\t\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3",       // no comune
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\tzero",
		"page footer prose is skipped",
		"Prefettura\tDate di formazione\t",
		"Pescara\t26-apr\t",
		"Chieti\t31-feb\t",
		"Teramo\t5-xyz\t",
	}, "\n")
	p, err := Parse(strings.NewReader(doc), ParseOptions{})
	require.NoError(t, err)
	require.Len(t, p.Installations, 1)
	require.Len(t, p.Trainings, 1)
	assert.Equal(t, []time.Time{date(2017, 4, 26)}, p.Trainings[0].Dates, "year inferred from the course dates")

	want := []struct {
		line   int
		column string
		err    error
	}{
		{5, "Periodo installazione: inizio", ErrDate},
		{6, "Provincia", ErrValue},
		{7, "", ErrColumns},
		{8, "Comune", ErrEmpty},
		{9, "Operatori", ErrNumber},
		{14, "Date di formazione", ErrDate},
		{13, "Date di formazione", ErrDate},
	}
	require.Len(t, p.Problems, len(want))
	for i, w := range want {
		e := p.Problems[i]
		assert.Equal(t, w.line, e.Line, "problem %d: %v", i, e)
		assert.Equal(t, w.column, e.Column, "problem %d: %v", i, e)
		assert.ErrorIs(t, e, w.err, "problem %d", i)
	}
	assert.Equal(t, `deploy: line 5 (national plan, Periodo installazione: inizio): invalid date "31/02/17"`, p.Problems[0].Error())
}

func TestParseDayMonthNeedsYear(t *testing.T) {
	t.Parallel()
	doc := "Prefettura\tDate di formazione\nRoma\t19-apr\n"
	p, err := Parse(strings.NewReader(doc), ParseOptions{})
	require.NoError(t, err)
	require.Len(t, p.Problems, 1)
	assert.ErrorIs(t, p.Problems[0], ErrYear)
	assert.Empty(t, p.Trainings)

	p, err = Parse(strings.NewReader(doc), ParseOptions{Year: 2018})
	require.NoError(t, err)
	assert.Empty(t, p.Problems)
	assert.Equal(t, []time.Time{date(2018, 4, 19)}, p.Trainings[0].Dates)
}

func TestParseLongLineAndCRLF(t *testing.T) {
	t.Parallel()
	doc := "\ufeffComune\tInstallazione\t\tPDL\tData corso\tFascia oraria\r\n" +
		"\tInizio\tFine\t\t\t\r\n" +
		"Capri\t18/12/2017\t20/12/2017\t1\t07/12/2017\t09:00 - 13:00\r\n" +
		"Capri\t" + strings.Repeat("x", 200) + "\r\n"
	p, err := Parse(strings.NewReader(doc), ParseOptions{MaxLineBytes: 100})
	require.NoError(t, err)
	require.Len(t, p.Installations, 1)
	assert.Equal(t, "Capri", p.Installations[0].Comune)
	require.Len(t, p.Problems, 1)
	assert.Equal(t, 4, p.Problems[0].Line)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	t.Parallel()
	p, err := Parse(failingReader{}, ParseOptions{})
	assert.Nil(t, p)
	assert.ErrorContains(t, err, "disk on fire")
}

func TestDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"26/04/17", date(2017, 4, 26), true},
		{"26/04/2017", date(2017, 4, 26), true},
		{"6/4/17", date(2017, 4, 6), true},
		{"29/02/2016", date(2016, 2, 29), true},
		{"29/02/17", time.Time{}, false},
		{"26/04/201", time.Time{}, false},
		{"26-04-17", time.Time{}, false},
		{"aa/04/17", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, err := parseFullDate(tc.in)
		if tc.ok {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got, tc.in)
		} else {
			assert.Error(t, err, tc.in)
		}
	}
	for _, tc := range []struct {
		in    string
		day   int
		month time.Month
		ok    bool
	}{
		{"27-apr", 27, time.April, true},
		{"2-mag", 2, time.May, true},
		{"12-Maggio", 12, time.May, true},
		{"1-dic.", 1, time.December, true},
		{"32-apr", 0, 0, false},
		{"apr-27", 0, 0, false},
		{"27-ap", 0, 0, false},
	} {
		d, m, err := parseDayMonth(tc.in)
		assert.Equal(t, tc.ok, err == nil, tc.in)
		assert.Equal(t, tc.day, d, tc.in)
		assert.Equal(t, tc.month, m, tc.in)
	}
	s, err := parseTimeSlot("14:00 - 18:00")
	require.NoError(t, err)
	assert.Equal(t, "14:00-18:00", s.String())
	_, err = parseTimeSlot("18:00 - 14:00")
	assert.Error(t, err)
	_, err = parseTimeSlot("25:00 - 26:00")
	assert.Error(t, err)
}
