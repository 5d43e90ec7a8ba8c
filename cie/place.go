package cie

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ../internal/gen/anpr -src ../../shared/data/anpr -pkg .

// Place is a comune or a foreign state as recorded in the ANPR archives
// during one period of validity. A code may have several records over time
// (renames such as A001 ABANO, ABANO TERME from 1924-11-14; changes of
// province); [PlaceHistory] lists them. The zero Place is no place.
type Place struct {
	Code     string    // cadastral (Belfiore) code: "H501", or "Z112" for a foreign state
	Name     string    // official Italian name, upper case as ANPR writes it: "FORLÌ"
	AltName  string    // comuni: name in the second official language ("BOZEN"); states: the English name
	Province string    // province sigla ("RM"); "" for foreign states
	Region   string    // ISTAT region code "01".."20"; "" for foreign states and for records of regions no longer existing ("EX"/"00" in ANPR)
	ISTAT    string    // ISTAT code: 6 digits for a comune ("058091"), 3 for a state ("216")
	Foreign  bool      // a foreign state or territory (Z code)
	ISO3166  string    // ISO 3166-1 alpha-3 code of a foreign state ("DEU"); former codes (ISO 3166-3) for ceased states ("CSK"); "" for comuni
	From, To time.Time // validity, dates at midnight UTC, both days included; To is zero while the record is current
}

// ValidAt reports whether the record is valid on the calendar date of t
// (its year, month and day in t's location), From and To included. It is
// false for the zero time.
func (p Place) ValidAt(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	d := dateOf(t)
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// String returns "ROMA (RM)" for a comune and "GERMANIA" for a foreign
// state.
func (p Place) String() string {
	if p.Province == "" {
		return p.Name
	}
	return p.Name + " (" + p.Province + ")"
}

// Errors of the place lookups; [*PlaceError] unwraps to one of them.
var (
	// ErrUnknownPlace: no record, at any date, has that code or name.
	ErrUnknownPlace = errors.New("cie: unknown place")
	// ErrPlaceNotValid: the code or name exists, but no record of it is
	// valid at the date asked (a ceased comune, or one not yet instituted).
	ErrPlaceNotValid = errors.New("cie: place not valid at that date")
)

// PlaceError is a failed place lookup. Code is set by the lookups by code
// (the argument as given) and by ISO 3166 code; Name and Province by the
// lookups by name. At is the date asked (midnight UTC), zero for any date.
// Err is [ErrUnknownPlace] or [ErrPlaceNotValid].
type PlaceError struct {
	Code     string
	Name     string
	Province string
	At       time.Time
	Err      error
	// Nearest is set by the lookups by code when Err is ErrPlaceNotValid:
	// the record of the code whose period of validity is closest to At
	// (I603 on 1951-06-01: SENALE-SAN FELICE, from 1974-09-18). It is the
	// zero Place otherwise.
	Nearest Place
}

// Error returns, e.g., `cie: place "D877" on 1990-01-01: place not valid at that date`.
func (e *PlaceError) Error() string {
	var b strings.Builder
	b.WriteString("cie: place ")
	if e.Name != "" || e.Code == "" {
		fmt.Fprintf(&b, "name %q", e.Name)
		if e.Province != "" {
			fmt.Fprintf(&b, " (%s)", e.Province)
		}
	} else {
		fmt.Fprintf(&b, "%q", e.Code)
	}
	if !e.At.IsZero() {
		b.WriteString(" on ")
		b.WriteString(e.At.Format(time.DateOnly))
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "cie: "))
	}
	return b.String()
}

// Unwrap returns Err.
func (e *PlaceError) Unwrap() error { return e.Err }

// PlaceTable is one snapshot of the ANPR tables of comuni and foreign
// states: the embedded one ([EmbeddedPlaces]) or one loaded at run time
// ([DecodeANPR]). Its methods are those of the package-level lookups
// ([LookupPlace], [FindComune], ...), which use the embedded snapshot. A
// PlaceTable is immutable and safe for concurrent use by multiple
// goroutines. The zero value is an empty table (every lookup fails with
// [ErrUnknownPlace]); obtain real ones from [EmbeddedPlaces], [DecodeANPR]
// or [ReadANPRFiles].
type PlaceTable struct {
	snapshot time.Time         // latest DATAULTIMOAGG of the sources (see Snapshot)
	text     string            // the decoded table; the strings of recs point into it
	recs     []placeRec        // sorted by code, then From; comuni and states together
	byCode   map[string][2]int // code -> range [lo, hi) in recs
	byName   map[string][]int  // folded Name or AltName -> indexes into recs, ascending
	byISO    map[string][]int  // ISO3166 -> indexes into recs
	names    []string          // distinct folded comune names (Name and AltName), sorted, for SuggestComune
	maxName  int               // length of the longest of names
}

// placeRec is one record, compactly: its strings as offsets into the
// table text (about 48 bytes instead of the 168 of a Place).
type placeRec struct {
	off     [recFields]uint32
	n       [recFields]uint8
	foreign bool
	from    int32 // yyyymmdd
	to      int32 // yyyymmdd, 99991231 while valid
}

// The string fields of a placeRec.
const (
	fCode = iota
	fName
	fAlt
	fProvince
	fRegion
	fISTAT
	fISO
	recFields
)

// openEnd is the to of a record still valid.
const openEnd = 99991231

// field returns string field k of record i.
func (t *PlaceTable) field(i, k int) string {
	r := &t.recs[i]
	return t.text[r.off[k] : r.off[k]+uint32(r.n[k])]
}

// place builds the Place of record i; it does not allocate.
func (t *PlaceTable) place(i int) Place {
	r := &t.recs[i]
	p := Place{
		Code: t.field(i, fCode), Name: t.field(i, fName), AltName: t.field(i, fAlt),
		Province: t.field(i, fProvince), Region: t.field(i, fRegion), ISTAT: t.field(i, fISTAT),
		ISO3166: t.field(i, fISO), Foreign: r.foreign, From: dayTime(int(r.from)),
	}
	if r.to != openEnd {
		p.To = dayTime(int(r.to))
	}
	return p
}

// dayTime is the inverse of dayNumber, at midnight UTC.
func dayTime(n int) time.Time {
	return time.Date(n/10000, time.Month(n/100%100), n%100, 0, 0, 0, 0, time.UTC)
}

// dayNumber returns the calendar date of t as yyyymmdd.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// validAt reports whether record i is valid on the day numbered day.
func (t *PlaceTable) validAt(i, day int) bool {
	r := &t.recs[i]
	return int(r.from) <= day && day <= int(r.to)
}

// places decodes the embedded table on first use.
var places = sync.OnceValue(func() *PlaceTable {
	t, err := decodePlaces(placesData)
	if err != nil {
		// The table is generated, validated and embedded at build time, and
		// TestEmbeddedPlaces decodes it: a failure here is a broken build,
		// not bad input.
		panic("cie: embedded place table: " + err.Error())
	}
	return t
})

// EmbeddedPlaces returns the place table compiled into the package from
// the ANPR archives (see the package doc, # Places). It is decoded on
// first use (a few milliseconds; see BENCH.md) and shared: every call
// returns the same table. The package-level lookups ([LookupPlace],
// [FindComune], [CodiceFiscale.Decode], ...) use it.
func EmbeddedPlaces() *PlaceTable { return places() }

// Snapshot returns the date of the table's data: the most recent
// DATAULTIMOAGG (date of last update of a record) in the ANPR files it was
// built from, at midnight UTC (for [DecodeANPR] with a nil reader, in the
// file that was loaded: the part kept from the embedded table does not
// count). ANPR publishes no date for the files
// themselves, so this is the best measure of how old a table is; an
// application may warn when it is older than, say, a year. It is the zero
// time when the files carry no update date.
func (t *PlaceTable) Snapshot() time.Time { return t.snapshot }

// Len returns the number of records (comuni and foreign states, current
// and ceased).
func (t *PlaceTable) Len() int { return len(t.recs) }

// placeColumns is the column order of the embedded table (see
// internal/gen/anpr).
const placeColumns = "code name alt province region istat from to foreign iso3"

// placesMagic starts the header line of the table format (version 2 adds
// the snapshot date).
const placesMagic = "ciekit-places 2\t"

// decodePlaces decodes the format written by [PlaceTable.WriteTo].
func decodePlaces(data []byte) (*PlaceTable, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return parsePlaceText(string(raw))
}

// parsePlaceText decodes the uncompressed table text: a header line
// "ciekit-places 2\t<n>\t<snapshot yyyymmdd or empty>\t<columns>", then
// the n rows column by column.
func parsePlaceText(text string) (*PlaceTable, error) {
	head, _, ok := strings.Cut(text, "\n")
	if !ok {
		return nil, errors.New("no header")
	}
	if !strings.HasPrefix(head, placesMagic) {
		return nil, fmt.Errorf("header %q: not %q", head, placesMagic)
	}
	hf := strings.Split(strings.TrimPrefix(head, placesMagic), "\t")
	if len(hf) != 3 {
		return nil, fmt.Errorf("header %q: want 3 fields after the magic", head)
	}
	n, err := strconv.Atoi(hf[0])
	if err != nil || n < 0 || n > len(text) {
		return nil, fmt.Errorf("header %q: row count", head)
	}
	snapshot, err := parseCompactDate(hf[1])
	if err != nil {
		return nil, fmt.Errorf("header %q: snapshot: %v", head, err)
	}
	if hf[2] != placeColumns {
		return nil, fmt.Errorf("columns %q, want %q", hf[2], placeColumns)
	}
	const ncol = 10
	// starts[k] is the offset in text of line k of the body; a sentinel
	// follows the last line.
	starts := make([]int, 0, ncol*n+1)
	for pos := len(head) + 1; pos < len(text); {
		starts = append(starts, pos)
		j := strings.IndexByte(text[pos:], '\n')
		if j < 0 {
			return nil, errors.New("unterminated last line")
		}
		pos += j + 1
	}
	if len(starts) != ncol*n {
		return nil, fmt.Errorf("%d lines for %d rows", len(starts), n)
	}
	starts = append(starts, len(text))
	col := func(c, i int) string { return text[starts[c*n+i] : starts[c*n+i+1]-1] }
	t := &PlaceTable{
		snapshot: snapshot,
		text:     text,
		recs:     make([]placeRec, n),
		byCode:   make(map[string][2]int, n/2),
		byName:   make(map[string][]int, n),
		byISO:    map[string][]int{},
	}
	strCols := [recFields]int{fCode: 0, fName: 1, fAlt: 2, fProvince: 3, fRegion: 4, fISTAT: 5, fISO: 9}
	for i := range n {
		from, err := parseCompactDate(col(6, i))
		if err != nil || from.IsZero() {
			return nil, fmt.Errorf("row %d: from %q", i, col(6, i))
		}
		to, err := parseCompactDate(col(7, i))
		if err != nil {
			return nil, fmt.Errorf("row %d: to %q", i, col(7, i))
		}
		r := &t.recs[i]
		for k, c := range strCols {
			k0 := starts[c*n+i]
			l := starts[c*n+i+1] - 1 - k0
			if l > 255 {
				return nil, fmt.Errorf("row %d: column %d longer than 255 bytes", i, c)
			}
			r.off[k], r.n[k] = uint32(k0), uint8(l)
		}
		r.foreign = col(8, i) == "1"
		r.from, r.to = int32(dayNumber(from)), openEnd
		if !to.IsZero() {
			r.to = int32(dayNumber(to))
		}
	}
	seen := map[string]bool{}
	var buf []byte
	for i := range t.recs {
		p := t.place(i)
		if i > 0 && t.field(i-1, fCode) > p.Code {
			return nil, fmt.Errorf("row %d: code %s out of order", i, p.Code)
		}
		r := t.byCode[p.Code]
		if r[1] == 0 {
			r[0] = i
		}
		r[1] = i + 1
		t.byCode[p.Code] = r
		for _, name := range [2]string{p.Name, p.AltName} {
			buf = foldPlace(buf[:0], name)
			if len(buf) == 0 {
				continue
			}
			k := string(buf)
			if l := t.byName[k]; len(l) == 0 || l[len(l)-1] != i {
				t.byName[k] = append(l, i)
			}
			if !p.Foreign && !seen[k] {
				seen[k] = true
				t.names = append(t.names, k)
				t.maxName = max(t.maxName, len(k))
			}
		}
		if p.ISO3166 != "" {
			t.byISO[p.ISO3166] = append(t.byISO[p.ISO3166], i)
		}
	}
	slices.Sort(t.names)
	return t, nil
}

// parseCompactDate parses yyyymmdd (a real calendar date) to midnight
// UTC; "" is the zero time.
func parseCompactDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) != 8 {
		return time.Time{}, errors.New("not a date")
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, errors.New("not a date")
		}
		n = n*10 + int(s[i]-'0')
	}
	y, m, d := n/10000, time.Month(n/100%100), n%100
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != m || t.Day() != d {
		return time.Time{}, errors.New("not a calendar date")
	}
	return t, nil
}

// codeKey upper-cases a 4-byte code into buf without allocating; ok is
// false when s cannot be a code.
func codeKey(buf *[4]byte, s string) bool {
	s = strings.TrimSpace(s)
	if len(s) != 4 {
		return false
	}
	for i := range 4 {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	return true
}

// LookupPlace returns the record of the comune or foreign state with the
// cadastral (Belfiore) code code, e.g. "H501" or "Z112" (case-insensitive,
// surrounding spaces ignored), that is valid on the date of at. When at is
// the zero time it returns the latest record of the code. It does not
// allocate on success.
//
// A code may denote different names over time (A001 is ABANO until
// 1924-11-13, then ABANO TERME); homonymous comuni have distinct codes
// (VIGNOLA L884 TN, 1920-1929, and L885 MO). In the one case where ANPR
// gives a code to two comuni at once (D588: FILAGO and MARNE, BG, until
// 1928-01-25) the first by name is returned; [PlaceHistory] lists both.
//
// The error is a [*PlaceError] wrapping [ErrUnknownPlace] when no record has
// the code, or [ErrPlaceNotValid] when none is valid at that date.
func LookupPlace(code string, at time.Time) (Place, error) {
	return places().LookupPlace(code, at)
}

// LookupPlace is [LookupPlace] on table t.
func (t *PlaceTable) LookupPlace(code string, at time.Time) (Place, error) {
	var k [4]byte
	var r [2]int
	if codeKey(&k, code) {
		r = t.byCode[string(k[:])]
	}
	if r[1] == 0 {
		return Place{}, &PlaceError{Code: code, At: dateOf(at), Err: ErrUnknownPlace}
	}
	if at.IsZero() {
		return t.place(r[1] - 1), nil
	}
	d := dayNumber(at)
	for i := r[0]; i < r[1]; i++ {
		if t.validAt(i, d) {
			return t.place(i), nil
		}
	}
	return Place{}, &PlaceError{Code: code, At: dateOf(at), Err: ErrPlaceNotValid, Nearest: t.place(t.nearest(r, d))}
}

// nearest returns the index, within the range r of one code's records, of
// the record whose period is closest to the day numbered d (by calendar
// days; on a tie, the earlier record).
func (t *PlaceTable) nearest(r [2]int, d int) int {
	best, bestDist := r[0], int64(-1)
	day := epochDay(d)
	for i := r[0]; i < r[1]; i++ {
		rec := &t.recs[i]
		var dist int64
		switch {
		case d < int(rec.from):
			dist = epochDay(int(rec.from)) - day
		case d > int(rec.to):
			dist = day - epochDay(int(rec.to))
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = i, dist
		}
	}
	return best
}

// epochDay returns the day numbered yyyymmdd as days since 1970-01-01.
func epochDay(n int) int64 { return dayTime(n).Unix() / 86400 }

// PlaceHistory returns every record of a code (case-insensitive) in time
// order, or nil for an unknown code. The slice is the caller's.
func PlaceHistory(code string) []Place { return places().PlaceHistory(code) }

// PlaceHistory is [PlaceHistory] on table t.
func (t *PlaceTable) PlaceHistory(code string) []Place {
	var k [4]byte
	if !codeKey(&k, code) {
		return nil
	}
	r := t.byCode[string(k[:])]
	if r[1] == 0 {
		return nil
	}
	out := make([]Place, 0, r[1]-r[0])
	for i := r[0]; i < r[1]; i++ {
		out = append(out, t.place(i))
	}
	return out
}

// FindComune returns the comuni named name in the province with sigla
// province that are valid on the date of at (zero time: at any date), by
// code. The province is compared after trimming white space and
// upper-casing ("rm", " RM " and "RM" are equal); an empty or blank
// province ("", " ", "\t") means any province, as an empty form field or
// CSV cell would (FindComune("vo", " ", time.Time{}) finds VO' (PD); the
// case is kept in testdata/fuzz/FuzzFindComune). Each code appears once, as its record valid at at
// (for the zero time, its latest record bearing that name). The slice is
// the caller's.
//
// Names are compared after normalisation: case, accents, apostrophes,
// hyphens, dots and spaces are ignored, so "Forlì", "FORLI'" and "Forli"
// are equal, as are "Cava de' Tirreni" and "CAVA DE TIRRENI",
// "Sant'Anastasia" and "SANT ANASTASIA", "Bozen" and "BOZEN" (second
// official language). An accent written as a trailing apostrophe is thus
// understood too. Folding accents merges a few distinct comuni: "Paternò"
// finds both PATERNÒ (CT, G371) and PATERNO (PZ, M269); pass the province
// to tell them apart. The abbreviations "S." and "SS." (saint) are expanded
// only when the name as written matches nothing: "S. Anastasia" finds
// SANT'ANASTASIA and "S. Giovanni in Persiceto" SAN GIOVANNI IN
// PERSICETO (the variants tried are SAN, SANTO, SANTA and SANT' for "S.",
// SANTI and SANTISSIMO for "SS."); no ANPR name contains such an
// abbreviation, so this never hides an exact match. Likewise a name with
// a slash, as ISTAT writes bilingual names ("Bolzano/Bozen"), is looked up
// by each of its two parts. Names are matched whole: use [SuggestComune]
// for misspellings.
//
// The error is a [*PlaceError] wrapping [ErrUnknownPlace] when no comune
// in that province ever had the name, or [ErrPlaceNotValid] when one had,
// but none is valid at that date; the result is then nil.
func FindComune(name, province string, at time.Time) ([]Place, error) {
	return places().FindComune(name, province, at)
}

// FindComune is [FindComune] on table t.
func (t *PlaceTable) FindComune(name, province string, at time.Time) ([]Place, error) {
	return t.findPlaces(name, province, at, false)
}

// FindForeignState returns the foreign states or territories whose Italian
// name (as ANPR writes it: "GERMANIA", "REPUBBLICA CECA") or English name
// ("Germany") matches name, valid on the date of at (zero time: at any
// date), normalised as in [FindComune]. The errors are as for FindComune.
func FindForeignState(name string, at time.Time) ([]Place, error) {
	return places().FindForeignState(name, at)
}

// FindForeignState is [FindForeignState] on table t.
func (t *PlaceTable) FindForeignState(name string, at time.Time) ([]Place, error) {
	return t.findPlaces(name, "", at, true)
}

func (t *PlaceTable) findPlaces(name, province string, at time.Time, foreign bool) ([]Place, error) {
	var kb [64]byte
	key := foldPlace(kb[:0], name)
	province = strings.ToUpper(strings.TrimSpace(province))
	out, known := t.appendMatches(nil, key, province, at, foreign)
	if !known && !foreign {
		variants := saintVariants(name)
		if a, b, ok := strings.Cut(name, "/"); ok {
			variants = append(variants, a, b)
		}
		for _, v := range variants {
			o, k := t.appendMatches(nil, foldPlace(kb[:0], v), province, at, foreign)
			known = known || k
			for _, p := range o {
				if !slices.ContainsFunc(out, func(q Place) bool { return q.Code == p.Code }) {
					out = append(out, p)
				}
			}
		}
		slices.SortFunc(out, func(a, b Place) int { return strings.Compare(a.Code, b.Code) })
	}
	if len(out) > 0 {
		return out, nil
	}
	err := ErrUnknownPlace
	if known {
		err = ErrPlaceNotValid
	}
	return nil, &PlaceError{Name: name, Province: province, At: dateOf(at), Err: err}
}

// appendMatches appends the records named key (folded); known reports
// whether any record of that name and province exists at any date.
func (t *PlaceTable) appendMatches(out []Place, key []byte, province string, at time.Time, foreign bool) (_ []Place, known bool) {
	if len(key) == 0 {
		return out, false
	}
	d := 0
	if !at.IsZero() {
		d = dayNumber(at)
	}
	for _, i := range t.byName[string(key)] {
		if t.recs[i].foreign != foreign || (province != "" && t.field(i, fProvince) != province) {
			continue
		}
		known = true
		if d != 0 && !t.validAt(i, d) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Code == t.field(i, fCode) {
			out[n-1] = t.place(i) // same code: keep its latest record
			continue
		}
		out = append(out, t.place(i))
	}
	return out, known
}

// saintVariants returns name with the saint abbreviations "S." / "S" and
// "SS." / "SS" (whole words) expanded, at most 16 variants, or nil when
// there is none.
func saintVariants(name string) []string {
	words := strings.Fields(strings.ReplaceAll(name, ".", ". "))
	variants := []string{""}
	found := false
	for _, w := range words {
		var alts []string
		switch strings.ToUpper(strings.TrimSuffix(w, ".")) {
		case "S":
			alts = []string{"SAN", "SANTO", "SANTA", "SANT'"}
		case "SS":
			alts = []string{"SANTI", "SANTISSIMO"}
		default:
			alts = []string{w}
		}
		if len(alts) > 1 {
			found = true
		}
		if len(variants)*len(alts) > 16 {
			alts = alts[:1]
		}
		next := make([]string, 0, len(variants)*len(alts))
		for _, v := range variants {
			for _, a := range alts {
				next = append(next, v+" "+a)
			}
		}
		variants = next
	}
	if !found {
		return nil
	}
	return variants
}

// ForeignStateByISO returns the foreign state with the ISO 3166-1 alpha-3
// code iso3 (case-insensitive; "DEU") valid on the date of at (zero time:
// its latest record). Ceased states carry their former code (ISO 3166-3):
// "CSK" is Z105 CECOSLOVACCHIA until 1992-12-31. The error is a
// [*PlaceError] with Code iso3, wrapping [ErrUnknownPlace] or
// [ErrPlaceNotValid].
func ForeignStateByISO(iso3 string, at time.Time) (Place, error) {
	return places().ForeignStateByISO(iso3, at)
}

// ForeignStateByISO is [ForeignStateByISO] on table t.
func (t *PlaceTable) ForeignStateByISO(iso3 string, at time.Time) (Place, error) {
	var kb [3]byte
	s := strings.TrimSpace(iso3)
	var idx []int
	if len(s) == 3 {
		for i := range 3 {
			kb[i] = byte(unicode.ToUpper(rune(s[i])))
		}
		idx = t.byISO[string(kb[:])]
	}
	if len(idx) == 0 {
		return Place{}, &PlaceError{Code: iso3, At: dateOf(at), Err: ErrUnknownPlace}
	}
	if at.IsZero() {
		return t.place(idx[len(idx)-1]), nil
	}
	d := dayNumber(at)
	for _, i := range idx {
		if t.validAt(i, d) {
			return t.place(i), nil
		}
	}
	return Place{}, &PlaceError{Code: iso3, At: dateOf(at), Err: ErrPlaceNotValid}
}

// SuggestComune returns up to n comuni whose names are closest to name,
// for "did you mean" hints on misspelt names: the optimal-string-alignment
// edit distance (insertions, deletions, substitutions and transpositions
// of adjacent letters each count 1) between the normalised names (see
// [FindComune]), limited to max(2, len/3) edits for a normalised name of
// len letters, and at most 5. Only comuni in province (a sigla, "" for any) valid on the
// date of at (zero time: any date) are considered. Results are ordered by
// distance, then name, then code; an exact match comes first. It returns
// nil when nothing is close enough or n <= 0. The slice is the caller's.
//
// It compares against all ~9,000 distinct names; see BenchmarkSuggestComune
// for its cost.
func SuggestComune(name, province string, at time.Time, n int) []Place {
	return places().SuggestComune(name, province, at, n)
}

// SuggestComune is [SuggestComune] on table t.
func (t *PlaceTable) SuggestComune(name, province string, at time.Time, n int) []Place {
	var kb [64]byte
	key := foldPlace(kb[:0], name)
	if len(key) == 0 || n <= 0 {
		return nil
	}
	province = strings.ToUpper(strings.TrimSpace(province))
	limit := min(max(2, len(key)/3), maxSuggestEdits)
	if len(key) > t.maxName+limit {
		return nil // longer than any name by more than the limit
	}
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	var ed editScratch
	var hist [27]int
	for _, c := range key {
		hist[letterBucket(c)]++
	}
	for _, other := range t.names {
		if abs(len(other)-len(key)) > limit || bagDistance(&hist, len(key), other, limit) > limit {
			continue
		}
		if d := ed.distance(key, other, limit); d <= limit {
			cands = append(cands, cand{other, d})
		}
	}
	// t.names is sorted, so a stable sort by distance keeps name order.
	slices.SortStableFunc(cands, func(a, b cand) int { return a.d - b.d })
	var out []Place
	for _, c := range cands {
		out, _ = t.appendMatches(out, []byte(c.name), province, at, false)
		if len(out) >= n {
			return out[:n]
		}
	}
	return out
}

// maxSuggestEdits caps the edit distance of [SuggestComune]: further
// names are no longer plausible misspellings, and the cap bounds the cost
// of long inputs.
const maxSuggestEdits = 5

// letterBucket maps A..Z to 0..25 and any other byte to 26.
func letterBucket(c byte) int {
	if c >= 'A' && c <= 'Z' {
		return int(c - 'A')
	}
	return 26
}

// bagDistance is a cheap lower bound of the edit distance between the
// string whose letter counts are hist (n bytes) and b: the larger of the
// number of letters of b not in it and of letters of it not in b (as
// multisets). Edits change it by at most 1 and transpositions not at all.
// It stops counting past limit.
func bagDistance(hist *[27]int, n int, b string, limit int) int {
	h := *hist
	extra := 0
	for i := range len(b) {
		k := letterBucket(b[i])
		if h[k] > 0 {
			h[k]--
		} else if extra++; extra > limit {
			return extra
		}
	}
	return max(extra, n-(len(b)-extra))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editScratch holds the rows of the distance computation, so that
// comparing against every name allocates nothing for names up to 63
// bytes.
type editScratch struct {
	rows [3][64]int
}

// distance is the optimal-string-alignment distance between the byte
// strings a and b (folded names, ASCII but for rare letters), or limit+1
// as soon as it must exceed limit.
func (s *editScratch) distance(a []byte, b string, limit int) int {
	var pp, prev, cur []int
	if len(b) < len(s.rows[0]) {
		pp, prev, cur = s.rows[0][:len(b)+1], s.rows[1][:len(b)+1], s.rows[2][:len(b)+1]
	} else {
		pp, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	return min(prev[len(b)], limit+1)
}

// Comuni iterates over every comune record, active and ceased, by code,
// then start of validity.
func Comuni() iter.Seq[Place] { return places().Comuni() }

// Comuni is [Comuni] on table t.
func (t *PlaceTable) Comuni() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for i := range t.recs {
			if !t.recs[i].foreign && !yield(t.place(i)) {
				return
			}
		}
	}
}

// ForeignStates iterates over every foreign-state record, current and
// ceased, by code, then start of validity.
func ForeignStates() iter.Seq[Place] { return places().ForeignStates() }

// ForeignStates is [ForeignStates] on table t.
func (t *PlaceTable) ForeignStates() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for i := range t.recs {
			if t.recs[i].foreign && !yield(t.place(i)) {
				return
			}
		}
	}
}

// foldPlace appends the normalised form of a place name to dst: letters
// and digits only, upper case, accents removed (À→A, ß→SS, Č→C, ...),
// everything else (spaces, apostrophes, hyphens, dots) dropped. Letters
// without a mapping are kept as they are (in UTF-8).
func foldPlace(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				dst = append(dst, c)
			case c >= 'a' && c <= 'z':
				dst = append(dst, c-('a'-'A'))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == 'ß' || r == 'ẞ' {
			dst = append(dst, 'S', 'S')
			continue
		}
		r = unicode.ToUpper(r)
		if b := foldAccent(r); b != 0 {
			dst = append(dst, b)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

// foldAccent maps the accented capitals of Italian, German, French,
// Slovene and Ladin place names to their base letter, or returns 0.
func foldAccent(r rune) byte {
	switch r {
	case 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å':
		return 'A'
	case 'È', 'É', 'Ê', 'Ë':
		return 'E'
	case 'Ì', 'Í', 'Î', 'Ï':
		return 'I'
	case 'Ò', 'Ó', 'Ô', 'Õ', 'Ö':
		return 'O'
	case 'Ù', 'Ú', 'Û', 'Ü':
		return 'U'
	case 'Ç', 'Č', 'Ć':
		return 'C'
	case 'Ñ':
		return 'N'
	case 'Š':
		return 'S'
	case 'Ž':
		return 'Z'
	case 'Ý':
		return 'Y'
	case 'Đ':
		return 'D'
	}
	return 0
}

// dateOf truncates t to its calendar date at midnight UTC; the zero time
// stays zero.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
