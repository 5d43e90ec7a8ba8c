package cie

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The file names under which ANPR publishes its archives (and under which
// ../shared/data/anpr holds them).
const (
	ANPRComuniFile = "ANPR_archivio_comuni.csv"
	ANPRStatesFile = "ANPR_stati_esteri.csv"
)

// ErrPlaceData reports an ANPR file that cannot be loaded: not CSV, a
// missing column, a value of the wrong shape, a truncated file.
var ErrPlaceData = errors.New("cie: invalid ANPR place data")

// PlaceDataError locates a defect in an ANPR file. File is the name given
// to the loader (for readers, [ANPRComuniFile] or [ANPRStatesFile]), Line
// the 1-based line where the record starts (0 for the whole file), Column
// the ANPR column name and Value its content (place data, not personal
// data). It unwraps to [ErrPlaceData] and to Err, the detail (a
// *csv.ParseError, an I/O error, or a description), when Err is not nil.
type PlaceDataError struct {
	File   string
	Line   int
	Column string
	Value  string
	Err    error
}

// Error returns, e.g., `cie: ANPR_archivio_comuni.csv line 12 DATACESSAZIONE "2020-13-01": invalid ANPR place data: not a date`.
func (e *PlaceDataError) Error() string {
	var b strings.Builder
	b.WriteString("cie: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(" line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Column != "" {
		b.WriteString(" ")
		b.WriteString(e.Column)
		fmt.Fprintf(&b, " %q", e.Value)
	}
	b.WriteString(": invalid ANPR place data")
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns [ErrPlaceData] and Err.
func (e *PlaceDataError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrPlaceData}
	}
	return []error{ErrPlaceData, e.Err}
}

// ceasedStates is the supplement of ceased foreign states (Z105
// Czechoslovakia, ...) that the ANPR table of states no longer lists but
// that codici fiscali still carry; see the comment at its top.
//
//go:embed internal/anpr/ceased_states.csv
var ceasedStates []byte

// sharedCodes are the codes that the ANPR archive gives to two comuni at
// once. D588: FILAGO (ID 11225) and MARNE (ID 3886), both BG, 1861-03-17
// to 1928-01-25, when they merged. Any other overlap is an error.
var sharedCodes = map[string]bool{"D588": true}

// DecodeANPR builds a place table from the ANPR archives as ANPR publishes
// them: comuni is ANPR_archivio_comuni.csv (UTF-8, optional BOM, the
// columns of its legend, dates yyyy-mm-dd, 9999-12-31 for "still
// valid"), states is ANPR_stati_esteri.csv (dates dd/mm/yyyy). Columns are
// found by name, so their order may change. A nil reader keeps that part
// of the embedded table (the comuni or the foreign states), so a program
// can refresh the comuni alone; [PlaceTable.Snapshot] is then the date of
// the file loaded only. The ceased foreign states that ANPR no
// longer lists (Z105 CECOSLOVACCHIA, ...) are added from the supplement
// embedded in the package when the states file lacks their code.
//
// Every record is validated: STATO A/C/D; a cadastral code of a letter and
// three digits (Z only for states; records of comuni ceased before 1930
// with the placeholder "ND" are skipped, as they cannot appear in a
// codice fiscale); dates that exist, from 1800, the end not before the
// start, an end exactly for ceased records; a 6-digit ISTAT code; a
// two-letter province; region 01-20 (EX and 00 for regions no longer
// existing); ISO 3166 alpha-3 codes; and no two records of one code valid
// on the same day (but for D588, which ANPR gives to two comuni until
// 1928). A file must end with a line break: one that does not was cut
// short. A file cut exactly at the end of a line cannot be told from a
// shorter archive; compare with [DiffPlaces] before trusting it.
//
// The error is a [*PlaceDataError] naming the file, line and column; no
// table is returned with it, so the caller's current table stays in force
// (see [Places]).
func DecodeANPR(comuni, states io.Reader) (*PlaceTable, error) {
	return loadANPR(comuni, ANPRComuniFile, states, ANPRStatesFile)
}

// ReadANPRFiles is [DecodeANPR] on the files at the paths comuni and states;
// an empty path keeps that part of the embedded table. Errors name the
// path given.
func ReadANPRFiles(comuni, states string) (*PlaceTable, error) {
	var rc, rs io.Reader
	if comuni != "" {
		f, err := os.Open(comuni)
		if err != nil {
			return nil, &PlaceDataError{File: comuni, Err: err}
		}
		defer f.Close()
		rc = f
	}
	if states != "" {
		f, err := os.Open(states)
		if err != nil {
			return nil, &PlaceDataError{File: states, Err: err}
		}
		defer f.Close()
		rs = f
	}
	return loadANPR(rc, comuni, rs, states)
}

// ReadANPRDir is [ReadANPRFiles] on the two files under their ANPR names
// in dir (../shared/data/anpr, or a download folder).
func ReadANPRDir(dir string) (*PlaceTable, error) {
	return ReadANPRFiles(filepath.Join(dir, ANPRComuniFile), filepath.Join(dir, ANPRStatesFile))
}

func loadANPR(comuni io.Reader, comuniName string, states io.Reader, statesName string) (*PlaceTable, error) {
	var rows []placeRow
	var snapshot int
	if comuni != nil {
		rc, snap, err := readANPRComuni(comuni, filepath.Base(comuniName))
		if err != nil {
			return nil, err
		}
		rows, snapshot = rc, snap
	} else {
		rows = embeddedRows(false) // its date does not count: see Snapshot
	}
	if states != nil {
		rs, snap, err := readANPRStates(states, filepath.Base(statesName), "CODAT", "DENOMINAZIONE", "DENOMINAZIONEISTAT_EN")
		if err != nil {
			return nil, err
		}
		extra, _, err := readANPRStates(bytes.NewReader(ceasedStates), "ceased_states.csv", "CODAT", "DENOMINAZIONE", "DENOMINAZIONE_EN")
		if err != nil {
			return nil, err // the embedded supplement: a broken build
		}
		have := map[string]bool{}
		for _, r := range rs {
			have[r.code] = true
		}
		for _, r := range extra {
			if !have[r.code] {
				rs = append(rs, r)
			}
		}
		rows = append(rows, rs...)
		snapshot = max(snapshot, snap)
	} else {
		rows = append(rows, embeddedRows(true)...)
	}
	return buildPlaceTable(rows, snapshot)
}

// placeRow is one record in the text form of the table format; from and
// to are yyyymmdd, to "" while valid, foreign "1" or "".
type placeRow struct {
	code, name, alt, province, region, istat, from, to, foreign, iso3 string
	line                                                              int    // source line, for errors
	file                                                              string // source file, for errors
}

func (r *placeRow) fields() [10]string {
	return [10]string{r.code, r.name, r.alt, r.province, r.region, r.istat, r.from, r.to, r.foreign, r.iso3}
}

// embeddedRows returns the foreign-state (foreign) or comune records of
// the embedded table as rows.
func embeddedRows(foreign bool) []placeRow {
	t := places()
	var rows []placeRow
	for i := range t.recs {
		if t.recs[i].foreign == foreign {
			rows = append(rows, t.row(i))
		}
	}
	return rows
}

// row returns record i as a placeRow.
func (t *PlaceTable) row(i int) placeRow {
	r := &t.recs[i]
	row := placeRow{code: t.field(i, fCode), name: t.field(i, fName), alt: t.field(i, fAlt),
		province: t.field(i, fProvince), region: t.field(i, fRegion), istat: t.field(i, fISTAT),
		from: strconv.Itoa(int(r.from)), iso3: t.field(i, fISO)}
	if r.to != openEnd {
		row.to = strconv.Itoa(int(r.to))
	}
	if r.foreign {
		row.foreign = "1"
	}
	return row
}

// buildPlaceTable sorts and checks the rows, renders them in the table
// format and decodes that, so that a loaded table answers exactly as the
// embedded one built from the same rows.
func buildPlaceTable(rows []placeRow, snapshot int) (*PlaceTable, error) {
	slices.SortStableFunc(rows, func(a, b placeRow) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.from, b.from), cmp.Compare(a.name, b.name))
	})
	for i := 1; i < len(rows); i++ {
		a, b := &rows[i-1], &rows[i]
		if a.code == b.code && (a.to == "" || b.from <= a.to) && !sharedCodes[a.code] {
			return nil, &PlaceDataError{File: b.file, Line: b.line, Column: "CODCATASTALE", Value: b.code,
				Err: fmt.Errorf("valid from %s while the record of %s (line %d) is valid until %s", b.from, a.name, a.line, cmp.Or(a.to, "today"))}
		}
	}
	text, err := renderPlaceText(rows, snapshot)
	if err != nil {
		return nil, err
	}
	t, err := parsePlaceText(text)
	if err != nil {
		return nil, &PlaceDataError{File: "table", Err: err}
	}
	return t, nil
}

// renderPlaceText writes the uncompressed table format (see
// internal/gen/anpr): the header, then the rows column by column.
func renderPlaceText(rows []placeRow, snapshot int) (string, error) {
	var b strings.Builder
	snap := ""
	if snapshot != 0 {
		snap = strconv.Itoa(snapshot)
	}
	fmt.Fprintf(&b, "%s%d\t%s\t%s\n", placesMagic, len(rows), snap, placeColumns)
	for c := range 10 {
		for i := range rows {
			v := rows[i].fields()[c]
			if strings.ContainsAny(v, "\t\n\r") || len(v) > 255 {
				return "", &PlaceDataError{File: rows[i].file, Line: rows[i].line, Column: strings.Fields(placeColumns)[c], Value: v,
					Err: errors.New("control character or longer than 255 bytes")}
			}
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// WriteTo writes the table in the compact format embedded in the package
// (gzip, best compression, no name, zero time, so that the bytes depend on
// the records only), for `go generate` (see cmd/anprdiff and
// internal/gen/anpr). It returns the number of bytes written and the first
// write error.
func (t *PlaceTable) WriteTo(w io.Writer) (int64, error) {
	rows := make([]placeRow, 0, len(t.recs))
	for i := range t.recs {
		rows = append(rows, t.row(i))
	}
	snap := 0
	if !t.snapshot.IsZero() {
		snap = dayNumber(t.snapshot)
	}
	text, err := renderPlaceText(rows, snap)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	zw.ModTime = time.Time{}
	if _, err := io.WriteString(zw, text); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}

// anprCSV reads an ANPR CSV file: it strips a BOM, requires a header with
// the named columns and a final line break, and calls row for each record
// with a getter by column name and the record's 1-based line.
func anprCSV(r io.Reader, file string, cols []string, row func(get func(string) string, line int) error) error {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	tail := &lastByte{r: br}
	cr := csv.NewReader(tail)
	cr.Comment = '#'
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file")
		}
		return &PlaceDataError{File: file, Line: 1, Err: err}
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[strings.TrimSpace(h)] = i
	}
	for _, c := range cols {
		if _, ok := idx[c]; !ok {
			return &PlaceDataError{File: file, Line: 1, Err: fmt.Errorf("no column %s", c)}
		}
	}
	n := len(head)
	line := 1 // of the last record read
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos panics after a failed Read (FuzzDecodeANPR found it):
			// take the line from the error.
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				line = pe.StartLine
			} else {
				line++
			}
			return &PlaceDataError{File: file, Line: line, Err: err}
		}
		line, _ = cr.FieldPos(0)
		if len(rec) != n { // csv enforces this after the first record; be explicit
			return &PlaceDataError{File: file, Line: line, Err: fmt.Errorf("%d fields, want %d", len(rec), n)}
		}
		get := func(c string) string {
			if j, ok := idx[c]; ok {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		if err := row(get, line); err != nil {
			return err
		}
	}
	if tail.n > 0 && tail.last != '\n' {
		return &PlaceDataError{File: file, Line: line, Err: errors.New("no line break at the end: the file was cut short")}
	}
	return nil
}

// lastByte remembers the last byte read through it.
type lastByte struct {
	r    io.Reader
	last byte
	n    int64
}

func (l *lastByte) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.last = p[n-1]
		l.n += int64(n)
	}
	return n, err
}

// readANPRComuni reads ANPR_archivio_comuni.csv; the snapshot is the
// latest DATAULTIMOAGG as yyyymmdd.
func readANPRComuni(r io.Reader, file string) ([]placeRow, int, error) {
	var rows []placeRow
	snapshot := 0
	err := anprCSV(r, file, []string{"DATAISTITUZIONE", "DATACESSAZIONE", "CODISTAT", "CODCATASTALE", "DENOMINAZIONE_IT",
		"ALTRADENOMINAZIONE", "IDREGIONE", "STATO", "SIGLAPROVINCIA"}, func(get func(string) string, line int) error {
		bad := func(col, why string) error {
			return &PlaceDataError{File: file, Line: line, Column: col, Value: get(col), Err: errors.New(why)}
		}
		state := get("STATO")
		if state != "A" && state != "C" && state != "D" {
			return bad("STATO", "not A, C or D")
		}
		code := get("CODCATASTALE")
		if code == "ND" && state == "C" {
			return nil // no cadastral code: cannot appear in a codice fiscale
		}
		if !cfPlaceSyntax(code) || code[0] == 'Z' {
			return bad("CODCATASTALE", "not a comune's cadastral code")
		}
		from, err := anprDate(get("DATAISTITUZIONE"), "2006-01-02")
		if err != nil || from == "" {
			return bad("DATAISTITUZIONE", "not a date from 1800")
		}
		to, err := anprDate(get("DATACESSAZIONE"), "2006-01-02")
		if err != nil {
			return bad("DATACESSAZIONE", "not a date from 1800")
		}
		if (state == "A") != (to == "") || (to != "" && to < from) {
			return bad("DATACESSAZIONE", "inconsistent with STATO "+state+" and DATAISTITUZIONE "+get("DATAISTITUZIONE"))
		}
		name := get("DENOMINAZIONE_IT")
		if name == "" {
			return bad("DENOMINAZIONE_IT", "empty")
		}
		if istat := get("CODISTAT"); !anprDigits(istat, 6) {
			return bad("CODISTAT", "not 6 digits")
		}
		if p := get("SIGLAPROVINCIA"); !anprUpper(p, 2) {
			return bad("SIGLAPROVINCIA", "not 2 capital letters")
		}
		region := get("IDREGIONE")
		switch {
		case region == "EX" || region == "00":
			region = ""
		case !anprDigits(region, 2) || region < "01" || region > "20":
			return bad("IDREGIONE", "not 01-20, EX or 00")
		}
		if s, err := anprUpdated(get("DATAULTIMOAGG")); err != nil {
			return bad("DATAULTIMOAGG", "not a date")
		} else {
			snapshot = max(snapshot, s)
		}
		rows = append(rows, placeRow{code: code, name: name, alt: get("ALTRADENOMINAZIONE"), province: get("SIGLAPROVINCIA"),
			region: region, istat: get("CODISTAT"), from: from, to: to, line: line, file: file})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return rows, snapshot, nil
}

// readANPRStates reads a table of foreign states; rows without a
// cadastral code (stateless, "not attributable", territories without one)
// are skipped.
func readANPRStates(r io.Reader, file, codeCol, nameCol, enCol string) ([]placeRow, int, error) {
	var rows []placeRow
	snapshot := 0
	err := anprCSV(r, file, []string{codeCol, nameCol, enCol, "CODISO3166_1_ALPHA3", "DATAINIZIOVALIDITA", "DATAFINEVALIDITA"},
		func(get func(string) string, line int) error {
			bad := func(col, why string) error {
				return &PlaceDataError{File: file, Line: line, Column: col, Value: get(col), Err: errors.New(why)}
			}
			code := get(codeCol)
			if code == "" {
				return nil
			}
			if !cfPlaceSyntax(code) || code[0] != 'Z' {
				return bad(codeCol, "not a foreign state's cadastral code")
			}
			from, err := anprDate(get("DATAINIZIOVALIDITA"), "02/01/2006")
			if err != nil || from == "" {
				return bad("DATAINIZIOVALIDITA", "not a date from 1800")
			}
			to, err := anprDate(get("DATAFINEVALIDITA"), "02/01/2006")
			if err != nil || (to != "" && to < from) {
				return bad("DATAFINEVALIDITA", "not a date from 1800 and not before DATAINIZIOVALIDITA")
			}
			if get(nameCol) == "" {
				return bad(nameCol, "empty")
			}
			iso := get("CODISO3166_1_ALPHA3")
			if iso != "" && !anprUpper(iso, 3) {
				return bad("CODISO3166_1_ALPHA3", "not 3 capital letters")
			}
			istat := get("CODISTAT")
			if istat != "" && !anprDigits(istat, 3) {
				return bad("CODISTAT", "not 3 digits")
			}
			if s, err := anprUpdated(get("DATAULTIMOAGG")); err != nil {
				return bad("DATAULTIMOAGG", "not a date")
			} else {
				snapshot = max(snapshot, s)
			}
			rows = append(rows, placeRow{code: code, name: get(nameCol), alt: get(enCol), istat: istat,
				iso3: iso, from: from, to: to, foreign: "1", line: line, file: file})
			return nil
		})
	if err != nil {
		return nil, 0, err
	}
	return rows, snapshot, nil
}

// anprDigits reports whether s is n ASCII digits.
func anprDigits(s string, n int) bool { return anprRange(s, n, '0', '9') }

// anprUpper reports whether s is n ASCII capital letters.
func anprUpper(s string, n int) bool { return anprRange(s, n, 'A', 'Z') }

// anprRange reports whether s is n bytes, each within lo..hi.
func anprRange(s string, n int, lo, hi byte) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// anprDate converts a date in layout to yyyymmdd; 9999-12-31 means "still
// valid" and becomes "". Dates before 1800 are refused.
func anprDate(s, layout string) (string, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", err
	}
	if t.Year() == 9999 {
		if t.Month() != 12 || t.Day() != 31 {
			return "", errors.New("year 9999 other than 31 December")
		}
		return "", nil
	}
	if t.Year() < 1800 {
		return "", errors.New("before 1800")
	}
	return t.Format("20060102"), nil
}

// anprUpdated parses DATAULTIMOAGG, which the archive writes yyyy-mm-dd
// and its legend dd/mm/yyyy; both are accepted, and "" is 0.
func anprUpdated(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return dayNumber(t), nil
		}
	}
	return 0, errors.New("not a date")
}

// Places holds the place table in force in a long-running program, so
// that it can be refreshed from new ANPR files without a rebuild. The zero
// value holds the embedded table. A failed [Places.Refresh] leaves the table
// in force unchanged. It is safe for concurrent use by multiple
// goroutines: readers get a consistent *PlaceTable from [Places.Table].
type Places struct {
	cur atomic.Pointer[PlaceTable]
}

// Table returns the table in force: the last one loaded or set, or the
// embedded one.
func (p *Places) Table() *PlaceTable {
	if t := p.cur.Load(); t != nil {
		return t
	}
	return places()
}

// Set puts t in force; a nil t restores the embedded table.
func (p *Places) Set(t *PlaceTable) { p.cur.Store(t) }

// Refresh loads new ANPR files with [DecodeANPR] and, if they are valid, puts
// the new table in force and returns it. On error the table in force is
// unchanged and the error is [DecodeANPR]'s.
func (p *Places) Refresh(comuni, states io.Reader) (*PlaceTable, error) {
	t, err := DecodeANPR(comuni, states)
	if err != nil {
		return nil, err
	}
	p.cur.Store(t)
	return t, nil
}
