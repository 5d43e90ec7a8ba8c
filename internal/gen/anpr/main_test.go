package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot walks up from the package folder to the folder with go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test folder")
		}
		dir = parent
	}
}

func sharedANPR(t *testing.T) (root, src string) {
	t.Helper()
	root = repoRoot(t)
	src = filepath.Join(root, "..", "shared", "data", "anpr")
	if _, err := os.Stat(filepath.Join(src, "ANPR_archivio_comuni.csv")); err != nil {
		t.Skipf("ANPR data absent: %v", err)
	}
	return root, src
}

// TestCommittedFilesUpToDate regenerates the tables twice into temporary
// folders and compares them with each other (determinism) and with the
// files committed under cie/ (freshness).
func TestCommittedFilesUpToDate(t *testing.T) {
	root, src := sharedANPR(t)
	a, b := t.TempDir(), t.TempDir()
	require.NoError(t, run(src, a, "ceased_states.csv"))
	require.NoError(t, run(src, b, "ceased_states.csv"))
	for _, name := range []string{filepath.Join(dataDir, dataFile), filepath.Join(dataDir, "NOTICE.md"), goFile} {
		ga, err := os.ReadFile(filepath.Join(a, name))
		require.NoError(t, err)
		gb, err := os.ReadFile(filepath.Join(b, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(ga, gb), "%s: two runs differ", name)
		committed, err := os.ReadFile(filepath.Join(root, "cie", name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(ga, committed), "cie/%s is stale: run go generate ./cie", name)
	}
}

func TestNoticeTravelsWithData(t *testing.T) {
	root := repoRoot(t)
	notice, err := os.ReadFile(filepath.Join(root, "cie", dataDir, "NOTICE.md"))
	require.NoError(t, err)
	assert.Contains(t, string(notice), "CC BY 4.0")
	assert.Contains(t, string(notice), "Ministero dell'Interno")
}

const comuniHeader = `"ID","DATAISTITUZIONE","DATACESSAZIONE","CODISTAT","CODCATASTALE","DENOMINAZIONE_IT","DENOMTRASLITTERATA","ALTRADENOMINAZIONE","ALTRADENOMTRASLITTERATA","ID_PROVINCIA","IDPROVINCIAISTAT","IDREGIONE","IDPREFETTURA","STATO","SIGLAPROVINCIA","FONTE","DATAULTIMOAGG","COD_DENOM"` + "\n"

const statiHeader = "ID,DENOMINAZIONE,DENOMINAZIONEISTAT,DENOMINAZIONEISTAT_EN,DATAINIZIOVALIDITA,DATAFINEVALIDITA,CODISO3166_1_ALPHA3,CODMAE,CODMIN,CODAT,CODISTAT,CITTADINANZA,NASCITA,RESIDENZA,FONTE,TIPO,CODISOSOVRANO,DATAULTIMOAGG\n"

// Two real rows (IDs 12560 and 1 of ANPR_archivio_comuni.csv) and one state.
const (
	goodComuni = "\ufeff" + comuniHeader +
		`12560,"1866-11-19","1924-11-13","028001","A001","ABANO","ABANO","","",28,"028","05","","C","PD","","2016-06-17","028500"` + "\n" +
		`1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","PD","A","PD","","2016-06-17",""` + "\n"
	goodStati = statiHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n" +
		"198,APOLIDE,Apolide,Stateless,01/01/1900,31/12/9999,,,999,,999,S,N,N,ISTAT,,,\n"
	goodCeased = "# comment\nCODAT,DENOMINAZIONE,DENOMINAZIONE_EN,CODISO3166_1_ALPHA3,DATAINIZIOVALIDITA,DATAFINEVALIDITA\n" +
		"Z105,CECOSLOVACCHIA,Czechoslovakia,CSK,01/01/1900,31/12/1992\n"
)

func writeSrc(t *testing.T, comuni, stati, ceased string) (src, ceasedPath string) {
	t.Helper()
	src = t.TempDir()
	for name, body := range map[string]string{
		"ANPR_archivio_comuni.csv": comuni, "ANPR_stati_esteri.csv": stati, "ceased.csv": ceased, "NOTICE.md": "CC BY 4.0\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(src, name), []byte(body), 0o644))
	}
	return src, filepath.Join(src, "ceased.csv")
}

func TestReadAll(t *testing.T) {
	src, ceased := writeSrc(t, goodComuni, goodStati, goodCeased)
	rows, err := readAll(src, ceased)
	require.NoError(t, err)
	assert.Equal(t, []row{
		{code: "A001", name: "ABANO", province: "PD", region: "05", istat: "028001", from: "18661119", to: "19241113"},
		{code: "A001", name: "ABANO TERME", province: "PD", region: "05", istat: "028001", from: "19241114"},
		{code: "Z105", name: "CECOSLOVACCHIA", alt: "Czechoslovakia", iso3: "CSK", from: "19000101", to: "19921231", foreign: "1"},
		{code: "Z112", name: "GERMANIA", alt: "Germany", istat: "216", iso3: "DEU", from: "19000101", foreign: "1"},
	}, rows)
	out := t.TempDir()
	require.NoError(t, run(src, out, ceased))
	_, err = os.Stat(filepath.Join(out, goFile))
	require.NoError(t, err)
}

// TestValidation feeds one bad row at a time and wants an error naming
// the field.
func TestValidation(t *testing.T) {
	row := func(from, to, istat, code, name, region, state, prov string) string {
		return `7,"` + from + `","` + to + `","` + istat + `","` + code + `","` + name + `","x","","",1,"001","` + region + `","","` + state + `","` + prov + `","","2016-06-17",""` + "\n"
	}
	ok := func() []string {
		return []string{"1861-03-17", "9999-12-31", "001001", "A074", "AGLIÈ", "01", "A", "TO"}
	}
	for _, tc := range []struct {
		field string
		edit  func(f []string)
	}{
		{"DATAISTITUZIONE", func(f []string) { f[0] = "1861-02-30" }},
		{"DATACESSAZIONE", func(f []string) { f[1] = "17/03/1861" }},
		{"DATACESSAZIONE", func(f []string) { f[6] = "C" }},                      // ceased but no end
		{"DATACESSAZIONE", func(f []string) { f[1] = "1850-01-01"; f[6] = "C" }}, // ends before it starts
		{"CODISTAT", func(f []string) { f[2] = "1001" }},
		{"CODCATASTALE", func(f []string) { f[3] = "A74" }},
		{"CODCATASTALE", func(f []string) { f[3] = "Z100" }},
		{"DENOMINAZIONE_IT", func(f []string) { f[4] = "" }},
		{"IDREGIONE", func(f []string) { f[5] = "21" }},
		{"STATO", func(f []string) { f[6] = "X" }},
		{"SIGLAPROVINCIA", func(f []string) { f[7] = "T0" }},
	} {
		f := ok()
		tc.edit(f)
		src, ceased := writeSrc(t, comuniHeader+row(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]), goodStati, goodCeased)
		_, err := readAll(src, ceased)
		if assert.Error(t, err, "bad %s %v", tc.field, f) {
			assert.Contains(t, err.Error(), tc.field, "bad %s %v", tc.field, f)
			assert.Contains(t, err.Error(), ":2:", "error names the line")
		}
	}
	f := ok()
	src, ceased := writeSrc(t, comuniHeader+row(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]), goodStati, goodCeased)
	_, err := readAll(src, ceased)
	require.NoError(t, err, "the unedited row is valid")

	// Overlapping periods of one code.
	src, ceased = writeSrc(t, goodComuni+`2,"1924-11-01","9999-12-31","028001","A001","ABANO BIS","x","","",28,"028","05","PD","A","PD","","2016-06-17",""`+"\n", goodStati, goodCeased)
	_, err = readAll(src, ceased)
	assert.ErrorContains(t, err, "overlap")

	for name, stati := range map[string]string{
		"CODAT":               statiHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,A112,216,S,S,S,MAECI,STATO,,\n",
		"DATAINIZIOVALIDITA":  statiHeader + "65,GERMANIA,Germania,Germany,1900-01-01,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"DATAFINEVALIDITA":    statiHeader + "65,GERMANIA,Germania,Germany,01/01/1900,30/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"CODISO3166_1_ALPHA3": statiHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DE,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"DENOMINAZIONE":       statiHeader + "65,,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"no column":           "ID,DENOMINAZIONE\n1,X\n",
	} {
		src, ceased := writeSrc(t, goodComuni, stati, goodCeased)
		_, err := readAll(src, ceased)
		if assert.Error(t, err, name) && name != "no column" {
			assert.Contains(t, err.Error(), name)
		}
	}
	src, ceased = writeSrc(t, goodComuni, goodStati, goodCeased)
	require.NoError(t, os.Remove(filepath.Join(src, "NOTICE.md")))
	err = run(src, t.TempDir(), ceased)
	assert.ErrorContains(t, err, "notice")
}

func TestEncodeRejectsControlCharacters(t *testing.T) {
	_, err := encode([]row{{code: "A001", name: "A\tB", from: "19000101"}})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "name"))
}
