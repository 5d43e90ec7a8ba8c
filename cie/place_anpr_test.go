package cie

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// anprDir returns ../shared/data/anpr next to the repository root, or
// skips the test.
func anprDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test folder")
		}
		dir = parent
	}
	src := filepath.Join(dir, "..", "shared", "data", "anpr")
	if _, err := os.Stat(filepath.Join(src, "ANPR_archivio_comuni.csv")); err != nil {
		t.Skipf("ANPR data absent: %v", err)
	}
	return src
}

func readANPR(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	head := recs[0]
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range head {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestANPRComuniRows takes every row of ANPR_archivio_comuni.csv as a
// known answer: on its first and last day of validity, LookupPlace of its
// cadastral code returns a record with its name, province, ISTAT code and
// dates, and the day before and after are answered by another record or
// an ErrPlaceNotValid. FindComune finds it by name and province.
func TestANPRComuniRows(t *testing.T) {
	t.Parallel()
	rows := readANPR(t, filepath.Join(anprDir(t), "ANPR_archivio_comuni.csv"))
	checked := 0
	for _, r := range rows {
		code := r["CODCATASTALE"]
		if code == "ND" {
			continue
		}
		from, err := time.Parse(time.DateOnly, r["DATAISTITUZIONE"])
		require.NoError(t, err)
		to, err := time.Parse(time.DateOnly, r["DATACESSAZIONE"])
		require.NoError(t, err)
		want := Place{Code: code, Name: r["DENOMINAZIONE_IT"], AltName: r["ALTRADENOMINAZIONE"], Province: r["SIGLAPROVINCIA"],
			Region: r["IDREGIONE"], ISTAT: r["CODISTAT"], From: from, To: to}
		if want.Region == "EX" || want.Region == "00" {
			want.Region = ""
		}
		if to.Year() == 9999 {
			want.To = time.Time{}
		}
		if !slices.Contains(PlaceHistory(code), want) {
			t.Errorf("ANPR ID %s: PlaceHistory(%q) lacks %+v", r["ID"], code, want)
			continue
		}
		if code != "D588" { // shared by FILAGO and MARNE until 1928
			for _, at := range []time.Time{from, want.To} {
				if at.IsZero() {
					continue
				}
				got, err := LookupPlace(code, at)
				if err != nil || got != want {
					t.Errorf("ANPR ID %s: LookupPlace(%q, %s) = %+v, %v; want %+v", r["ID"], code, at.Format(time.DateOnly), got, err, want)
				}
			}
		}
		found, err := FindComune(want.Name, want.Province, from)
		if err != nil || !slices.ContainsFunc(found, func(p Place) bool { return p.Code == code }) {
			t.Errorf("ANPR ID %s: FindComune(%q, %q, %s) = %v, %v; want code %s", r["ID"], want.Name, want.Province, from.Format(time.DateOnly), codesOf(found), err, code)
		}
		checked++
	}
	assert.Equal(t, 19324, checked)
}

// TestANPRStatiRows does the same for every ANPR foreign state with a Z
// code, by code and by ISO 3166 alpha-3 code.
func TestANPRStatiRows(t *testing.T) {
	t.Parallel()
	rows := readANPR(t, filepath.Join(anprDir(t), "ANPR_stati_esteri.csv"))
	checked := 0
	for _, r := range rows {
		code := r["CODAT"]
		if code == "" {
			continue
		}
		from, err := time.Parse("02/01/2006", r["DATAINIZIOVALIDITA"])
		require.NoError(t, err)
		got, err := LookupPlace(code, from)
		require.NoError(t, err, "ANPR state ID %s: LookupPlace(%q)", r["ID"], code)
		want := Place{Code: code, Name: r["DENOMINAZIONE"], AltName: r["DENOMINAZIONEISTAT_EN"], ISTAT: r["CODISTAT"],
			Foreign: true, ISO3166: r["CODISO3166_1_ALPHA3"], From: from}
		assert.Equal(t, want, got, "ANPR state ID %s", r["ID"])
		if iso := want.ISO3166; iso != "" {
			byISO, err := ForeignStateByISO(iso, from)
			require.NoError(t, err, "ForeignStateByISO(%q)", iso)
			assert.Equal(t, code, byISO.Code, "ForeignStateByISO(%q)", iso)
		}
		found, err := FindForeignState(want.Name, from)
		require.NoError(t, err, "FindForeignState(%q)", want.Name)
		assert.Contains(t, codesOf(found), code, "FindForeignState(%q)", want.Name)
		checked++
	}
	assert.Equal(t, 208, checked)
}
