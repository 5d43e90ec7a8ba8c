package cie

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedANPR returns the folder of the ANPR archives in ../shared, or
// skips.
func sharedANPR(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "anpr")
	if _, err := os.Stat(filepath.Join(dir, ANPRComuniFile)); err != nil {
		tb.Skipf("ANPR archives absent: %v", err)
	}
	return dir
}

// TestDecodeANPRSameAsEmbedded loads the archives of ../shared at run time
// and wants the very table that is embedded: the same bytes when written,
// the same records, and the same answers to every lookup by code at
// several dates and to a lookup by every name.
func TestDecodeANPRSameAsEmbedded(t *testing.T) {
	tab, err := ReadANPRDir(sharedANPR(t))
	require.NoError(t, err)
	emb := EmbeddedPlaces()
	assert.Equal(t, day(2023, 5, 16), tab.Snapshot(), "Snapshot: latest DATAULTIMOAGG of the archive")
	assert.Equal(t, emb.Snapshot(), tab.Snapshot())
	var buf bytes.Buffer
	_, err = tab.WriteTo(&buf)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(placesData, buf.Bytes()), "WriteTo of the loaded table differs from the embedded bytes")
	require.Equal(t, emb.Len(), tab.Len())
	dates := []time.Time{{}, day(1870, 1, 1), day(1927, 8, 2), day(1951, 6, 1), day(1992, 4, 16), day(2026, 11, 23)}
	n := 0
	for p := range emb.Comuni() {
		for _, at := range dates {
			a, aerr := emb.LookupPlace(p.Code, at)
			b, berr := tab.LookupPlace(p.Code, at)
			if a != b || (aerr == nil) != (berr == nil) {
				t.Fatalf("LookupPlace(%s, %v): embedded %v, %v; loaded %v, %v", p.Code, at, a, aerr, b, berr)
			}
			n++
		}
		fa, _ := emb.FindComune(p.Name, p.Province, p.From)
		fb, _ := tab.FindComune(p.Name, p.Province, p.From)
		assert.Equal(t, fa, fb, "FindComune(%q, %q, %v)", p.Name, p.Province, p.From)
	}
	for p := range emb.ForeignStates() {
		a, _ := emb.ForeignStateByISO(p.ISO3166, p.From)
		b, _ := tab.ForeignStateByISO(p.ISO3166, p.From)
		assert.Equal(t, a, b, "ForeignStateByISO(%q)", p.ISO3166)
		assert.Equal(t, emb.PlaceHistory(p.Code), tab.PlaceHistory(p.Code), "PlaceHistory(%s)", p.Code)
	}
	t.Logf("%d lookups by code agree", n)
}

const (
	testComuniHeader = `"ID","DATAISTITUZIONE","DATACESSAZIONE","CODISTAT","CODCATASTALE","DENOMINAZIONE_IT","DENOMTRASLITTERATA","ALTRADENOMINAZIONE","ALTRADENOMTRASLITTERATA","ID_PROVINCIA","IDPROVINCIAISTAT","IDREGIONE","IDPREFETTURA","STATO","SIGLAPROVINCIA","FONTE","DATAULTIMOAGG","COD_DENOM"` + "\n"
	testStatesHeader = "ID,DENOMINAZIONE,DENOMINAZIONEISTAT,DENOMINAZIONEISTAT_EN,DATAINIZIOVALIDITA,DATAFINEVALIDITA,CODISO3166_1_ALPHA3,CODMAE,CODMIN,CODAT,CODISTAT,CITTADINANZA,NASCITA,RESIDENZA,FONTE,TIPO,CODISOSOVRANO,DATAULTIMOAGG\n"
	// Two real rows (IDs 12560 and 1 of ANPR_archivio_comuni.csv) and two
	// states (IDs 65 and 198 of ANPR_stati_esteri.csv).
	testComuni = "\ufeff" + testComuniHeader +
		`12560,"1866-11-19","1924-11-13","028001","A001","ABANO","ABANO","","",28,"028","05","","C","PD","","2016-06-17","028500"` + "\n" +
		`1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","ABANO TERME","","",28,"028","05","PD","A","PD","","2016-06-17",""` + "\n"
	testStates = testStatesHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,28/09/2016\r\n" +
		"198,APOLIDE,Apolide,Stateless,01/01/1900,31/12/9999,,,999,,999,S,N,N,ISTAT,,,\r\n"
)

func TestDecodeANPRSmall(t *testing.T) {
	t.Parallel()
	tab, err := DecodeANPR(strings.NewReader(testComuni), strings.NewReader(testStates))
	require.NoError(t, err)
	var got []Place
	for p := range tab.Comuni() {
		got = append(got, p)
	}
	for p := range tab.ForeignStates() {
		got = append(got, p)
	}
	assert.Equal(t, []Place{
		{Code: "A001", Name: "ABANO", Province: "PD", Region: "05", ISTAT: "028001", From: day(1866, 11, 19), To: day(1924, 11, 13)},
		{Code: "A001", Name: "ABANO TERME", Province: "PD", Region: "05", ISTAT: "028001", From: day(1924, 11, 14)},
		// The ceased states come from the embedded supplement.
		{Code: "Z105", Name: "CECOSLOVACCHIA", AltName: "Czechoslovakia", Foreign: true, ISO3166: "CSK", From: day(1900, 1, 1), To: day(1992, 12, 31)},
		{Code: "Z111", Name: "REPUBBLICA DEMOCRATICA TEDESCA", AltName: "German Democratic Republic", Foreign: true, ISO3166: "DDR", From: day(1900, 1, 1), To: day(1990, 10, 2)},
		{Code: "Z112", Name: "GERMANIA", AltName: "Germany", ISTAT: "216", Foreign: true, ISO3166: "DEU", From: day(1900, 1, 1)},
	}, got[:5])
	assert.Equal(t, day(2016, 9, 28), tab.Snapshot(), "Snapshot: the states' DATAULTIMOAGG (dd/mm/yyyy) is later")

	// A nil reader keeps that part of the embedded table.
	only, err := DecodeANPR(strings.NewReader(testComuni), nil)
	require.NoError(t, err)
	_, err = only.LookupPlace("H501", day(2020, 1, 1))
	assert.ErrorIs(t, err, ErrUnknownPlace, "Roma is not in the small comuni file")
	p, err := only.LookupPlace("Z112", day(2020, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, "GERMANIA", p.Name)
}

// TestDecodeANPRErrors feeds one defect at a time and wants a
// *PlaceDataError naming the line and the column, and no table.
func TestDecodeANPRErrors(t *testing.T) {
	t.Parallel()
	row := func(f []string) string {
		return `7,"` + f[0] + `","` + f[1] + `","` + f[2] + `","` + f[3] + `","` + f[4] + `","x","","",1,"001","` + f[5] + `","","` + f[6] + `","` + f[7] + `","","` + f[8] + `",""` + "\n"
	}
	ok := func() []string {
		return []string{"1861-03-17", "9999-12-31", "001001", "A074", "AGLIÈ", "01", "A", "TO", "2016-06-17"}
	}
	good := testComuniHeader + row(ok())
	_, err := DecodeANPR(strings.NewReader(good), nil)
	require.NoError(t, err, "the unedited row is valid")
	for _, tc := range []struct {
		column string
		edit   func(f []string)
	}{
		{"DATAISTITUZIONE", func(f []string) { f[0] = "1861-02-30" }},
		{"DATAISTITUZIONE", func(f []string) { f[0] = "1761-03-17" }},
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
		{"DATAULTIMOAGG", func(f []string) { f[8] = "ieri" }},
	} {
		f := ok()
		tc.edit(f)
		in := testComuniHeader + row(ok()) + row(f)
		tab, err := DecodeANPR(strings.NewReader(in), nil)
		require.Error(t, err, "bad %s %v", tc.column, f)
		assert.Nil(t, tab)
		assert.ErrorIs(t, err, ErrPlaceData)
		pe, ok := errors.AsType[*PlaceDataError](err)
		require.True(t, ok, "error type %T", err)
		assert.Equal(t, 3, pe.Line, "bad %s: %v", tc.column, err)
		if tc.column != "DATACESSAZIONE" || pe.Column != "CODCATASTALE" { // an overlap is reported on the code
			assert.Equal(t, tc.column, pe.Column, "bad %s: %v", tc.column, err)
		}
		assert.Contains(t, err.Error(), "line 3")
	}

	// Overlapping periods of one code, reported on the later record.
	_, err = DecodeANPR(strings.NewReader(testComuni+`2,"1924-11-01","9999-12-31","028001","A001","ABANO BIS","x","","",28,"028","05","PD","A","PD","","2016-06-17",""`+"\n"), nil)
	if pe, ok := errors.AsType[*PlaceDataError](err); assert.True(t, ok, "overlap: %v", err) {
		assert.Equal(t, 4, pe.Line)
		assert.Equal(t, "CODCATASTALE", pe.Column)
	}

	for name, states := range map[string]string{
		"CODAT":               testStatesHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,A112,216,S,S,S,MAECI,STATO,,\n",
		"DATAINIZIOVALIDITA":  testStatesHeader + "65,GERMANIA,Germania,Germany,1900-01-01,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"DATAFINEVALIDITA":    testStatesHeader + "65,GERMANIA,Germania,Germany,01/01/1900,30/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"CODISO3166_1_ALPHA3": testStatesHeader + "65,GERMANIA,Germania,Germany,01/01/1900,31/12/9999,DE,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
		"DENOMINAZIONE":       testStatesHeader + "65,,Germania,Germany,01/01/1900,31/12/9999,DEU,230,216,Z112,216,S,S,S,MAECI,STATO,,\n",
	} {
		_, err := DecodeANPR(nil, strings.NewReader(states))
		pe, ok := errors.AsType[*PlaceDataError](err)
		if assert.True(t, ok, "%s: %v", name, err) {
			assert.Equal(t, name, pe.Column)
			assert.Equal(t, 2, pe.Line)
			assert.Equal(t, ANPRStatesFile, pe.File)
		}
	}
	for name, in := range map[string]string{
		"empty":         "",
		"no column":     "ID,DENOMINAZIONE\n1,X\n",
		"short record":  testComuniHeader + `1,"1924-11-14","9999-12-31"` + "\n",
		"open quote":    testComuniHeader + `1,"1924-11-14` + "\n",
		"no line break": strings.TrimSuffix(testComuni, "\n"),
	} {
		_, err := DecodeANPR(strings.NewReader(in), nil)
		assert.ErrorIs(t, err, ErrPlaceData, name)
	}
}

// TestPlacesCorruptKeepsOld: a corrupt or truncated archive is an error
// naming the line, and the table in force stays.
func TestPlacesCorruptKeepsOld(t *testing.T) {
	dir := sharedANPR(t)
	full, err := os.ReadFile(filepath.Join(dir, ANPRComuniFile))
	require.NoError(t, err)
	var ps Places
	require.Same(t, EmbeddedPlaces(), ps.Table(), "the zero Places holds the embedded table")
	small, err := ps.Refresh(strings.NewReader(testComuni), nil)
	require.NoError(t, err)
	require.Same(t, small, ps.Table())

	lines := bytes.SplitAfter(full, []byte("\n"))
	cut := bytes.Join(lines[:5000], nil)
	cut = append(cut, lines[5000][:len(lines[5000])/2]...) // cut in the middle of line 5001
	corrupt := bytes.Join(lines, nil)
	corrupt = bytes.Replace(corrupt, []byte(`"H501","ROMA"`), []byte(`"H5O1","ROMA"`), 1)
	for name, data := range map[string][]byte{"truncated": cut, "corrupt": corrupt} {
		tab, err := ps.Refresh(bytes.NewReader(data), nil)
		require.Error(t, err, name)
		assert.Nil(t, tab, name)
		pe, ok := errors.AsType[*PlaceDataError](err)
		require.True(t, ok, "%s: %T %v", name, err, err)
		assert.Positive(t, pe.Line, "%s: %v", name, err)
		assert.Same(t, small, ps.Table(), "%s: the table in force changed", name)
		t.Logf("%s: %v", name, err)
	}
	pe := func(data []byte) *PlaceDataError {
		_, err := DecodeANPR(bytes.NewReader(data), nil)
		e, _ := errors.AsType[*PlaceDataError](err)
		return e
	}
	assert.Equal(t, 5001, pe(cut).Line, "the truncated line")
	line := 1 + bytes.Count(full[:bytes.Index(full, []byte(`"H501","ROMA"`))], []byte("\n"))
	assert.Equal(t, line, pe(corrupt).Line, "the corrupt line")
	assert.Equal(t, "CODCATASTALE", pe(corrupt).Column)
	ps.Set(nil)
	assert.Same(t, EmbeddedPlaces(), ps.Table())
}

// BenchmarkDecodeANPR measures loading the archives of ../shared (2.4 MB of
// CSV) into a table; the retained heap of one table is reported as
// "heap-B/table". The figures are in BENCH.md.
func BenchmarkDecodeANPR(b *testing.B) {
	dir := sharedANPR(b)
	comuni, err := os.ReadFile(filepath.Join(dir, ANPRComuniFile))
	require.NoError(b, err)
	states, err := os.ReadFile(filepath.Join(dir, ANPRStatesFile))
	require.NoError(b, err)
	b.Run("csv", func(b *testing.B) {
		b.SetBytes(int64(len(comuni) + len(states)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeANPR(bytes.NewReader(comuni), bytes.NewReader(states)); err != nil {
				b.Fatal(err)
			}
		}
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		tab, _ := DecodeANPR(bytes.NewReader(comuni), bytes.NewReader(states))
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(tab)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc), "heap-B/table")
	})
	b.Run("embedded", func(b *testing.B) {
		b.SetBytes(int64(len(placesData)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePlaces(placesData); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzDecodeANPR feeds arbitrary bytes as the comuni and the states file:
// no panic, and either a table or a *PlaceDataError, never both.
func FuzzDecodeANPR(f *testing.F) {
	f.Add([]byte(testComuni), []byte(testStates))
	f.Add([]byte(testComuniHeader+`1,"1924-11-14","9999-12-31","028001","A001","ABANO TERME","","","",28,"028","05","PD","A","PD","",""`+"\n"), []byte(""))
	f.Add([]byte("\ufeff\"ID\"\n\"1"), []byte("CODAT\nZ112\n"))
	f.Add([]byte(testComuniHeader+`1,"1924-11-14","9999-12-31","028001","A001","`+strings.Repeat("A", 300)+`","","","",28,"028","05","PD","A","PD","",""`+"\n"), []byte(testStates))
	f.Fuzz(func(t *testing.T, comuni, states []byte) {
		tab, err := DecodeANPR(bytes.NewReader(comuni), bytes.NewReader(states))
		if err != nil {
			if tab != nil {
				t.Fatalf("DecodeANPR returned a table with error %v", err)
			}
			if _, ok := errors.AsType[*PlaceDataError](err); !ok {
				t.Fatalf("DecodeANPR error %T %v, want *PlaceDataError", err, err)
			}
			return
		}
		// A loaded table answers lookups and round-trips through WriteTo.
		var buf bytes.Buffer
		if _, err := tab.WriteTo(&buf); err != nil {
			t.Fatalf("WriteTo: %v", err)
		}
		back, err := decodePlaces(buf.Bytes())
		if err != nil || back.Len() != tab.Len() {
			t.Fatalf("decoding WriteTo: %v", err)
		}
		for p := range tab.Comuni() {
			if _, err := tab.LookupPlace(p.Code, p.From); err != nil {
				t.Fatalf("LookupPlace(%s, %v): %v", p.Code, p.From, err)
			}
		}
	})
}

func TestDiffPlaces(t *testing.T) {
	t.Parallel()
	row := func(id, from, to, code, name, state, prov, istat string) string {
		return id + `,"` + from + `","` + to + `","` + istat + `","` + code + `","` + name + `","x","","",1,"001","01","","` + state + `","` + prov + `","","2016-06-17",""` + "\n"
	}
	old := testComuniHeader +
		row("1", "1861-03-17", "9999-12-31", "A074", "AGLIÈ", "A", "TO", "001001") +
		row("2", "1861-03-17", "9999-12-31", "A075", "AGNA", "A", "PD", "028002") +
		row("3", "1861-03-17", "9999-12-31", "A076", "AGNADELLO", "A", "CR", "019002") +
		row("4", "1861-03-17", "9999-12-31", "A077", "AGNONE", "A", "CB", "094002") +
		row("5", "1861-03-17", "9999-12-31", "A078", "AGOSTA", "A", "RM", "058002")
	new := testComuniHeader +
		row("1", "1861-03-17", "9999-12-31", "A074", "AGLIÈ", "A", "TO", "001001") + // unchanged
		row("2", "1861-03-17", "2024-12-31", "A075", "AGNA", "C", "PD", "028002") + // ceased
		row("3", "1861-03-17", "9999-12-31", "A076", "AGNADELLO", "A", "LO", "019002") + // moved
		row("4", "1861-03-17", "9999-12-31", "A077", "AGNONE", "A", "CB", "094003") + // revised
		// A078 removed
		row("6", "2025-01-01", "9999-12-31", "M500", "AGNA NUOVA", "A", "PD", "028999") // added
	a, err := DecodeANPR(strings.NewReader(old), nil)
	require.NoError(t, err)
	b, err := DecodeANPR(strings.NewReader(new), nil)
	require.NoError(t, err)
	var got []string
	for _, c := range DiffPlaces(a, b) {
		if c.Code[0] != 'Z' {
			got = append(got, c.Kind.String()+" "+c.Code)
		}
	}
	assert.Equal(t, []string{"ceased A075", "moved A076", "revised A077", "removed A078", "added M500"}, got)
	assert.Empty(t, DiffPlaces(EmbeddedPlaces(), EmbeddedPlaces()))
}

func TestZeroPlaceTable(t *testing.T) {
	t.Parallel()
	var z PlaceTable
	_, err := z.LookupPlace("H501", day(2020, 1, 1))
	assert.ErrorIs(t, err, ErrUnknownPlace)
	_, err = z.FindComune("Roma", "", time.Time{})
	assert.ErrorIs(t, err, ErrUnknownPlace)
	_, err = z.ForeignStateByISO("DEU", time.Time{})
	assert.ErrorIs(t, err, ErrUnknownPlace)
	assert.Nil(t, z.PlaceHistory("H501"))
	assert.Nil(t, z.SuggestComune("Roma", "", time.Time{}, 3))
	assert.Zero(t, z.Len())
	assert.True(t, z.Snapshot().IsZero())
	var buf bytes.Buffer
	_, err = z.WriteTo(&buf)
	require.NoError(t, err)
	back, err := decodePlaces(buf.Bytes())
	require.NoError(t, err)
	assert.Zero(t, back.Len())
}
