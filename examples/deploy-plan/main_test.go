package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writePlan(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.txt")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
	return path
}

func seedPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "seeds", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("seed documents not available: %v", err)
	}
	return p
}

const (
	seedNational = "000_a86ba7c3ab910ffb.txt"
	seedNaples   = "001_f7dc91859d1171a1.txt"
)

func TestRunSmallPlan(t *testing.T) {
	plan := writePlan(t,
		"Regione\tComune\tProvincia\tInstallazione\t\tCorsi di formazione\t\t",
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3",
		"Abruzzo\tChieti\tCH\t02/05/17\t30/04/17\tPescara\t26/04/17\t3",
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t31/04/17\t3",
		"Prefettura\tDate di formazione",
		"Pescara\t26-apr",
	)
	ics := filepath.Join(t.TempDir(), "out.ics")
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-ics", ics, plan}, &out, &errOut)
	require.ErrorIs(t, err, errFindings)
	s := out.String()
	assert.Contains(t, s, "2 installations, 0 training hubs, 1 prefectures, 1 unreadable rows")
	assert.Contains(t, s, "invalid date \"31/04/17\"")
	assert.Contains(t, s, "Abruzzo")
	assert.Contains(t, s, "installation period ends before it starts")
	assert.Contains(t, s, "comune listed more than once")
	b, err := os.ReadFile(ics)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(b), "BEGIN:VEVENT"), "a plan of no known circular: courses and installations only")
}

// Issue 19 item 8: -h exits 0 with the inputs, an example and the exit
// codes, on stdout.
func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &out, &errOut)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, exitClean, exitCode(err, &errOut))
	assert.Empty(t, errOut.String())
	for _, want := range []string{"usage: deploy-plan", "Inputs", "Example:", "deploy-plan -ics napoli.ics", "Exit status: 0 no findings, 1 findings", "2 usage error", "-ics file"} {
		assert.Contains(t, out.String(), want)
	}
	assert.NotContains(t, out.String(), "(default \"plan.ics\")")
}

// Issue 19 item 8: exit status 2 for usage errors, 1 for failures and
// findings, 0 when clean; each error printed once.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"no file", nil, exitUsage},
		{"unknown flag", []string{"-bogus"}, exitUsage},
		{"bad province", []string{"-province", "Napoli", "x.txt"}, exitUsage},
		{"bad year", []string{"-year", "-3", "x.txt"}, exitUsage},
		{"missing file", []string{"/does/not/exist"}, exitFindings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, &out, &errOut)
			require.Error(t, err)
			assert.Equal(t, tc.want, exitCode(err, &errOut))
			assert.Equal(t, 1, strings.Count(errOut.String(), "deploy-plan: "), "printed once: %q", errOut.String())
		})
	}
	clean := writePlan(t,
		"Comune\tInstallazione\t\tPDL\tData corso\tFascia oraria",
		"\tInizio\tFine",
		"Cardito\t02/10/2017\t04/10/2017\t2\t27/09/2017\t14:00 - 18:00",
	)
	var out bytes.Buffer
	err := run(t.Context(), []string{"-province", "NA", clean}, &out, &out)
	require.NoError(t, err, out.String())
	assert.Equal(t, exitClean, exitCode(err, &out))
	assert.Contains(t, out.String(), "No findings")
}

// Issue 19 item 8: nothing is written into the working directory by
// default.
func TestNoFilesByDefault(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	plan := writePlan(t, "Comune\tInstallazione\t\tPDL\tData corso\tFascia oraria", "Cardito\t02/10/2017\t04/10/2017\t2\t27/09/2017\t14:00 - 18:00")
	var out bytes.Buffer
	_ = run(t.Context(), []string{"-province", "NA", plan}, &out, &out)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "files written to the working directory")
}

// Issue 19 item 8: the per-region table shows only the columns the source
// has; the national table has operators, no workstations.
func TestSummaryColumns(t *testing.T) {
	var out bytes.Buffer
	_ = run(t.Context(), []string{seedPath(t, seedNational)}, &out, &out)
	s := out.String()
	head := s[strings.Index(s, "region "):]
	head = head[:strings.IndexByte(head, '\n')]
	assert.Contains(t, head, "operators")
	assert.NotContains(t, head, "workstations")
	assert.NotContains(t, s, " 0  ", "no column of zeros")

	out.Reset()
	_ = run(t.Context(), []string{seedPath(t, seedNaples)}, &out, &out)
	s = out.String()
	head = s[strings.Index(s, "region "):]
	head = head[:strings.IndexByte(head, '\n')]
	assert.Contains(t, head, "workstations")
	assert.NotContains(t, head, "operators")
}

// Issue 19 item 8 and issue 17 item 5: findings without the package
// prefix, exit status 1, the 350 announced against 351 rows and the two
// confirmation dates as findings quoting both sources, spelling findings
// apart from the dates (issue 16).
func TestRunSeeds(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{seedPath(t, seedNational), seedPath(t, seedNaples)}, &out, &errOut)
	require.ErrorIs(t, err, errFindings)
	assert.Equal(t, exitFindings, exitCode(err, &errOut))
	assert.Empty(t, errOut.String(), "findings go to stdout, and are no error message")
	s := out.String()
	assert.Contains(t, s, "351 installations, 18 training hubs, 36 prefectures, 0 unreadable rows")
	assert.NotContains(t, s, "deploy: ")
	assert.Contains(t, s, "the text announces 350 comuni, Allegato 1 has 351 rows")
	assert.Contains(t, s, `"…`) // the quotes
	assert.Contains(t, s, "entro e non oltre il 12 aprile 2017")
	assert.Contains(t, s, "entro e non oltre il 7 aprile 2017")
	assert.Contains(t, s, "remote assistance on port 443 in Circ. 4/2017")
	names := strings.Index(s, "Names (comuni")
	dates := strings.Index(s, "Dates:")
	require.Positive(t, names)
	require.Greater(t, dates, names)
	spelling := strings.Index(s, "Sciaccia: comune name not as ANPR writes it")
	course := strings.Index(s, "Alghero: course date not among")
	assert.True(t, names < spelling && spelling < dates && dates < course, "spelling under Names, course dates under Dates")
}

// Issue 19 item 8: the Naples calendar's UIDs have the province, never an
// empty one.
func TestNaplesCalendar(t *testing.T) {
	for _, tc := range []struct {
		args []string
		per  int
	}{
		{nil, 4},                          // Monitora, postponement, course, installation
		{[]string{"-master-password"}, 5}, // and the SediCIE manual's master password
	} {
		ics := filepath.Join(t.TempDir(), "napoli.ics")
		var out bytes.Buffer
		err := run(t.Context(), append(tc.args, "-ics", ics, seedPath(t, seedNaples)), &out, &out)
		require.NoError(t, err, out.String())
		b, err := os.ReadFile(ics)
		require.NoError(t, err)
		var uids int
		for _, l := range strings.Split(string(b), "\r\n") {
			if strings.HasPrefix(l, "UID:") {
				uids++
				assert.Contains(t, l, "-na@", l)
				assert.NotContains(t, l, "-@", l)
			}
		}
		assert.Equal(t, 57*tc.per, uids, "%v", tc.args)
	}
}

func TestExitCodeOfOtherErrors(t *testing.T) {
	var errOut bytes.Buffer
	assert.Equal(t, exitFindings, exitCode(errors.New("boom"), &errOut))
	assert.Equal(t, "deploy-plan: boom\n", errOut.String())
}
