// Command anpr generates the compact place tables embedded in package cie
// from the ANPR archives of comuni and foreign states (CC BY 4.0,
// Ministero dell'Interno). From the repository root:
//
//	go run ./internal/gen/anpr                   # -src ../shared/data/anpr -pkg cie
//
// or `go generate ./cie`. When the source folder does not exist it says so
// and leaves the committed files alone. It writes
//
//	<pkg>/internal/anpr/places.tsv.gz   the table (format below)
//	<pkg>/internal/anpr/NOTICE.md       the CC BY 4.0 attribution, copied verbatim
//	<pkg>/zz_places_data.go             the //go:embed declaration
//
// It validates every row (code shape, dates, state A/C/D, ISTAT code,
// province sigla, ISO code, overlapping periods of one code) and fails on
// the first bad one, naming the file, line and field. Rows with the
// placeholder code "ND" (28 comuni ceased before 1930 that never had a
// cadastral code) are left out: they cannot appear in a codice fiscale.
// The ceased foreign states listed in ceased_states.csv (Z105
// Czechoslovakia, ...), which the ANPR table of states no longer carries,
// are added.
//
// # Format
//
// places.tsv.gz is gzip (best compression, no name, zero time) of UTF-8
// text. Line 1 is "ciekit-places 1\t<n>\t<columns>"; the n rows follow
// column by column (n lines of codes, then n lines of names, ...), which
// compresses about a third better than row by row. The columns are
//
//	code name alt province region istat from to foreign iso3
//
// with dates as yyyymmdd, to empty while the record is valid, foreign
// "1" or empty. Rows are sorted by code, then start of validity. The
// output depends on the input bytes only: running twice gives identical
// files.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	src := flag.String("src", filepath.Join("..", "shared", "data", "anpr"), "folder with ANPR_archivio_comuni.csv, ANPR_stati_esteri.csv and NOTICE.md")
	pkg := flag.String("pkg", "cie", "folder of package cie (output)")
	flag.Parse()
	if _, err := os.Stat(*src); errors.Is(err, fs.ErrNotExist) {
		// CI runs go generate ./... and diffs the tree; without the shared
		// data there is nothing to regenerate from, so keep what is committed.
		fmt.Fprintf(os.Stderr, "anpr: %s absent; keeping the committed tables\n", *src)
		return
	}
	if err := run(*src, *pkg, "ceased_states.csv"); err != nil {
		fmt.Fprintln(os.Stderr, "anpr:", err)
		os.Exit(1)
	}
}

// Output paths, relative to the package folder.
const (
	dataDir  = "internal/anpr"
	dataFile = "places.tsv.gz"
	goFile   = "zz_places_data.go"
)

// columns of the output, in order.
var columns = []string{"code", "name", "alt", "province", "region", "istat", "from", "to", "foreign", "iso3"}

// row is one output record.
type row struct {
	code, name, alt, province, region, istat, from, to, foreign, iso3 string
}

func (r row) fields() []string {
	return []string{r.code, r.name, r.alt, r.province, r.region, r.istat, r.from, r.to, r.foreign, r.iso3}
}

// run generates the files from the CSVs in src into pkg. ceased names the
// supplement of ceased states; a relative name is looked up next to this
// source file when run from the repository root, else in the working
// folder.
func run(src, pkg, ceased string) error {
	rows, err := readAll(src, ceased)
	if err != nil {
		return err
	}
	files, err := render(rows, src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(pkg, dataDir), 0o755); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(pkg, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readAll reads, validates and sorts every row.
func readAll(src, ceased string) ([]row, error) {
	comuni, err := readComuni(filepath.Join(src, "ANPR_archivio_comuni.csv"))
	if err != nil {
		return nil, err
	}
	stati, err := readStati(filepath.Join(src, "ANPR_stati_esteri.csv"), "CODAT", "DENOMINAZIONE", "DENOMINAZIONEISTAT_EN")
	if err != nil {
		return nil, err
	}
	extra, err := readStati(findCeased(ceased), "CODAT", "DENOMINAZIONE", "DENOMINAZIONE_EN")
	if err != nil {
		return nil, err
	}
	rows := slices.Concat(comuni, stati, extra)
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.from, b.from), cmp.Compare(a.name, b.name))
	})
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.code == b.code && (a.to == "" || b.from <= a.to) && !sharedCodes[a.code] {
			return nil, fmt.Errorf("code %s: periods overlap: %s %s-%s and %s %s-%s", a.code, a.name, a.from, a.to, b.name, b.from, b.to)
		}
	}
	return rows, nil
}

// sharedCodes are the codes that the ANPR archive gives to two comuni at
// once. D588: FILAGO (ID 11225) and MARNE (ID 3886), both BG, 1861-03-17 to
// 1928-01-25, when they merged. Any other overlap is an error.
var sharedCodes = map[string]bool{"D588": true}

func findCeased(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	if p := filepath.Join("internal", "gen", "anpr", name); fileExists(p) {
		return p
	}
	if p := filepath.Join("..", "internal", "gen", "anpr", name); fileExists(p) { // go generate runs in cie/
		return p
	}
	return name
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// render returns the generated files by path relative to the package.
func render(rows []row, src string) (map[string][]byte, error) {
	data, err := encode(rows)
	if err != nil {
		return nil, err
	}
	notice, err := os.ReadFile(filepath.Join(src, "NOTICE.md"))
	if err != nil {
		return nil, fmt.Errorf("the CC BY notice must travel with the data: %w", err)
	}
	return map[string][]byte{
		filepath.Join(dataDir, dataFile):    data,
		filepath.Join(dataDir, "NOTICE.md"): notice,
		goFile:                              []byte(goSource),
	}, nil
}

const goSource = `// Code generated by "go run ./internal/gen/anpr"; DO NOT EDIT.

package cie

import _ "embed"

// placesData is the table of comuni and foreign states generated from the
// ANPR archives (CC BY 4.0, Ministero dell'Interno; see
// internal/anpr/NOTICE.md). Its format is documented in internal/gen/anpr.
//
//go:embed internal/anpr/places.tsv.gz
var placesData []byte
`

// encode writes the rows column by column, gzip-compressed with a zero
// modification time so that the bytes depend on the input only.
func encode(rows []row) ([]byte, error) {
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "ciekit-places 1\t%d\t%s\n", len(rows), strings.Join(columns, " "))
	for c := range columns {
		for _, r := range rows {
			v := r.fields()[c]
			if strings.ContainsAny(v, "\t\n\r") {
				return nil, fmt.Errorf("code %s: control character in %s %q", r.code, columns[c], v)
			}
			raw.WriteString(v)
			raw.WriteByte('\n')
		}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.ModTime = time.Time{}
	zw.Name = ""
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readCSV(path string) (header map[string]int, recs [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.Comment = '#'
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	header = map[string]int{}
	for i, h := range head {
		header[h] = i
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return header, recs, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		recs = append(recs, rec)
	}
}

func needColumns(path string, h map[string]int, cols ...string) error {
	for _, col := range cols {
		if _, ok := h[col]; !ok {
			return fmt.Errorf("%s: no column %s", path, col)
		}
	}
	return nil
}

// fieldError names the file, line and field of a bad value.
func fieldError(path string, line int, field, value string) error {
	return fmt.Errorf("%s:%d: invalid %s %q", path, line, field, value)
}

func readComuni(path string) ([]row, error) {
	h, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if err := needColumns(path, h, "DATAISTITUZIONE", "DATACESSAZIONE", "CODISTAT", "CODCATASTALE", "DENOMINAZIONE_IT",
		"ALTRADENOMINAZIONE", "IDREGIONE", "STATO", "SIGLAPROVINCIA"); err != nil {
		return nil, err
	}
	var rows []row
	for i, rec := range recs {
		line := i + 2
		get := func(c string) string { return strings.TrimSpace(rec[h[c]]) }
		bad := func(field string) error { return fieldError(path, line, field, get(field)) }
		state := get("STATO")
		if state != "A" && state != "C" && state != "D" {
			return nil, bad("STATO")
		}
		code := get("CODCATASTALE")
		if code == "ND" && state == "C" {
			continue // no cadastral code: cannot appear in a codice fiscale
		}
		if !isBelfiore(code) || code[0] == 'Z' {
			return nil, bad("CODCATASTALE")
		}
		from, err := isoDate(get("DATAISTITUZIONE"))
		if err != nil || from == "" {
			return nil, bad("DATAISTITUZIONE")
		}
		to, err := isoDate(get("DATACESSAZIONE"))
		if err != nil || (state == "A") != (to == "") || (to != "" && to < from) {
			return nil, bad("DATACESSAZIONE")
		}
		name := get("DENOMINAZIONE_IT")
		if name == "" {
			return nil, bad("DENOMINAZIONE_IT")
		}
		if istat := get("CODISTAT"); !isDigits(istat, 6) {
			return nil, bad("CODISTAT")
		}
		if p := get("SIGLAPROVINCIA"); !isUpper(p, 2) {
			return nil, bad("SIGLAPROVINCIA")
		}
		region := get("IDREGIONE")
		switch {
		case region == "EX" || region == "00":
			region = ""
		case !isDigits(region, 2) || region < "01" || region > "20":
			return nil, bad("IDREGIONE")
		}
		rows = append(rows, row{
			code: code, name: name, alt: get("ALTRADENOMINAZIONE"), province: get("SIGLAPROVINCIA"),
			region: region, istat: get("CODISTAT"), from: from, to: to,
		})
	}
	return rows, nil
}

// readStati reads a table of foreign states; rows without a cadastral code
// (stateless, "not attributable", territories without one) are skipped.
func readStati(path, codeCol, nameCol, enCol string) ([]row, error) {
	h, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if err := needColumns(path, h, codeCol, nameCol, enCol, "CODISO3166_1_ALPHA3", "DATAINIZIOVALIDITA", "DATAFINEVALIDITA"); err != nil {
		return nil, err
	}
	var rows []row
	for i, rec := range recs {
		line := i + 2
		get := func(c string) string {
			if j, ok := h[c]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		bad := func(field string) error { return fieldError(path, line, field, get(field)) }
		code := get(codeCol)
		if code == "" {
			continue
		}
		if !isBelfiore(code) || code[0] != 'Z' {
			return nil, bad(codeCol)
		}
		from, err := itDate(get("DATAINIZIOVALIDITA"))
		if err != nil || from == "" {
			return nil, bad("DATAINIZIOVALIDITA")
		}
		to, err := itDate(get("DATAFINEVALIDITA"))
		if err != nil || (to != "" && to < from) {
			return nil, bad("DATAFINEVALIDITA")
		}
		if get(nameCol) == "" {
			return nil, bad(nameCol)
		}
		iso := get("CODISO3166_1_ALPHA3")
		if iso != "" && !isUpper(iso, 3) {
			return nil, bad("CODISO3166_1_ALPHA3")
		}
		istat := get("CODISTAT")
		if istat != "" && !isDigits(istat, 3) {
			return nil, bad("CODISTAT")
		}
		rows = append(rows, row{code: code, name: get(nameCol), alt: get(enCol), istat: istat,
			iso3: iso, from: from, to: to, foreign: "1"})
	}
	return rows, nil
}

func isBelfiore(s string) bool {
	return len(s) == 4 && s[0] >= 'A' && s[0] <= 'Z' && isDigits(s[1:], 3)
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpper(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// isoDate converts yyyy-mm-dd to yyyymmdd; 9999-12-31 means "still valid"
// and becomes "".
func isoDate(s string) (string, error) {
	return convDate(s, "2006-01-02")
}

// itDate converts dd/mm/yyyy likewise.
func itDate(s string) (string, error) {
	return convDate(s, "02/01/2006")
}

func convDate(s, layout string) (string, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", err
	}
	if t.Year() == 9999 {
		if t.Month() != 12 || t.Day() != 31 {
			return "", fmt.Errorf("date %q: year 9999 other than 31 December", s)
		}
		return "", nil
	}
	if t.Year() < 1800 {
		return "", fmt.Errorf("date %q before 1800", s)
	}
	return t.Format("20060102"), nil
}
