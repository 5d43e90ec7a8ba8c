package cie

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ../internal/gen/anpr -src ../../shared/data/anpr -out internal/anpr

// placesData is the embedded table generated from the ANPR archives of
// comuni and foreign states (CC BY 4.0, Ministero dell'Interno; see
// internal/anpr/NOTICE.md).
//
//go:embed internal/anpr/places.tsv.gz
var placesData []byte

// Place is a comune or a foreign state as recorded in the ANPR archives
// during one period of validity. A code may have several records over time
// (renames, territorial changes).
type Place struct {
	Code     string    // cadastral (Belfiore) code: H501, or Z112 for a foreign state
	Name     string    // official Italian name, upper case as ANPR writes it: "FORLÌ"
	AltName  string    // name in the second official language (comuni), or the English name (states)
	Province string    // province sigla ("RM"); "" for foreign states
	Region   string    // ISTAT region code "01".."20"; "" for foreign states and regions no longer existing
	ISTAT    string    // ISTAT code of the comune or state
	Foreign  bool      // a foreign state or territory
	ISO3166  string    // ISO 3166-1 alpha-3 code of a foreign state ("DEU")
	From, To time.Time // validity; To is the last valid day, zero while the record is current
}

// ValidAt reports whether the record is valid on the date of t.
func (p Place) ValidAt(t time.Time) bool {
	d := dateOf(t)
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// String returns "ROMA (RM)" for a comune and "GERMANIA" for a state.
func (p Place) String() string {
	if p.Province == "" {
		return p.Name
	}
	return p.Name + " (" + p.Province + ")"
}

// Errors of the place lookups; [*PlaceError] unwraps to one of them.
var (
	ErrUnknownPlace  = errors.New("cie: unknown place code")
	ErrPlaceNotValid = errors.New("cie: place not valid at that date")
)

// PlaceError is a failed lookup of a place code at a date.
type PlaceError struct {
	Code string
	At   time.Time
	Err  error
}

func (e *PlaceError) Error() string {
	if e.At.IsZero() {
		return fmt.Sprintf("cie: place %q: %s", e.Code, strings.TrimPrefix(e.Err.Error(), "cie: "))
	}
	return fmt.Sprintf("cie: place %q on %s: %s", e.Code, e.At.Format("2006-01-02"), strings.TrimPrefix(e.Err.Error(), "cie: "))
}

func (e *PlaceError) Unwrap() error { return e.Err }

type placeTable struct {
	all    []Place          // sorted by code, then From
	byCode map[string][]int // code -> indexes into all
	byName map[string][]int // folded name or alt name -> indexes
	names  []string         // distinct folded comune names, for suggestions
	byISO  map[string][]int
}

var places = sync.OnceValue(func() *placeTable {
	t, err := decodePlaces(placesData)
	if err != nil {
		// The table is generated and embedded at build time; a failure
		// here is a broken build, not bad input.
		panic("cie: embedded place table: " + err.Error())
	}
	return t
})

func decodePlaces(data []byte) (*placeTable, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	t := &placeTable{byCode: map[string][]int{}, byName: map[string][]int{}, byISO: map[string][]int{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 10 {
			return nil, fmt.Errorf("line %q: %d fields", line, len(f))
		}
		from, err := time.Parse("20060102", f[6])
		if err != nil {
			return nil, err
		}
		var to time.Time
		if f[7] != "" {
			if to, err = time.Parse("20060102", f[7]); err != nil {
				return nil, err
			}
		}
		t.all = append(t.all, Place{Code: f[0], Name: f[1], AltName: f[2], Province: f[3], Region: f[4], ISTAT: f[5],
			From: from, To: to, Foreign: f[8] == "1", ISO3166: f[9]})
	}
	seen := map[string]bool{}
	for i, p := range t.all {
		t.byCode[p.Code] = append(t.byCode[p.Code], i)
		for _, n := range []string{p.Name, p.AltName} {
			if n == "" {
				continue
			}
			k := foldPlace(n)
			if l := t.byName[k]; len(l) == 0 || l[len(l)-1] != i {
				t.byName[k] = append(t.byName[k], i)
			}
			if !p.Foreign && !seen[k] {
				seen[k] = true
				t.names = append(t.names, k)
			}
		}
		if p.ISO3166 != "" {
			t.byISO[p.ISO3166] = append(t.byISO[p.ISO3166], i)
		}
	}
	slices.Sort(t.names)
	return t, nil
}

// LookupPlace returns the record of the place with the given cadastral code
// (case-insensitive) that is valid at the date of at, or its latest record
// when at is the zero time. It returns a
// [*PlaceError] wrapping [ErrUnknownPlace] when no record has the code, or
// [ErrPlaceNotValid] when none is valid at that date.
func LookupPlace(code string, at time.Time) (Place, error) {
	t := places()
	idx := t.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if len(idx) == 0 {
		return Place{}, &PlaceError{Code: code, At: dateOf(at), Err: ErrUnknownPlace}
	}
	if at.IsZero() {
		return t.all[idx[len(idx)-1]], nil
	}
	for _, i := range idx {
		if t.all[i].ValidAt(at) {
			return t.all[i], nil
		}
	}
	return Place{}, &PlaceError{Code: code, At: dateOf(at), Err: ErrPlaceNotValid}
}

// PlaceHistory returns every record of a code in time order, or nil.
func PlaceHistory(code string) []Place {
	t := places()
	idx := t.byCode[strings.ToUpper(strings.TrimSpace(code))]
	out := make([]Place, len(idx))
	for i, j := range idx {
		out[i] = t.all[j]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// FindComune returns the comuni whose name (Italian or second language)
// matches name, in the given province (a sigla; "" for any) and valid at
// the date of at (zero time: at any date). Names match regardless of case,
// accents (also written as a trailing apostrophe: "FORLI'"), apostrophes,
// hyphens and spaces. Each code appears once (its record valid at at, or
// its latest). The error is non-nil only for an empty name.
func FindComune(name, province string, at time.Time) ([]Place, error) {
	return findPlaces(name, province, at, false)
}

// FindForeignState returns the foreign states or territories whose Italian
// or English name matches name, valid at the date of at (zero: any date).
func FindForeignState(name string, at time.Time) ([]Place, error) {
	return findPlaces(name, "", at, true)
}

func findPlaces(name, province string, at time.Time, foreign bool) ([]Place, error) {
	k := foldPlace(name)
	if k == "" {
		return nil, fmt.Errorf("cie: empty place name")
	}
	t := places()
	province = strings.ToUpper(strings.TrimSpace(province))
	var out []Place
	for _, i := range t.byName[k] {
		p := t.all[i]
		if p.Foreign != foreign || (province != "" && p.Province != province) {
			continue
		}
		if !at.IsZero() && !p.ValidAt(at) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Code == p.Code {
			out[n-1] = p // keep the latest record of a code
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// ForeignStateByISO returns the foreign state with ISO 3166-1 alpha-3 code
// iso3 valid at the date of at.
func ForeignStateByISO(iso3 string, at time.Time) (Place, error) {
	t := places()
	code := strings.ToUpper(strings.TrimSpace(iso3))
	idx := t.byISO[code]
	if len(idx) == 0 {
		return Place{}, &PlaceError{Code: iso3, At: dateOf(at), Err: ErrUnknownPlace}
	}
	for _, i := range idx {
		if t.all[i].ValidAt(at) {
			return t.all[i], nil
		}
	}
	return Place{}, &PlaceError{Code: iso3, At: dateOf(at), Err: ErrPlaceNotValid}
}

// SuggestComune returns up to n comuni whose names are closest to name (by
// edit distance over normalised names), valid at at (zero: any date) and in
// province if not "", closest first. It is meant for "did you mean" hints
// on misspelt names.
func SuggestComune(name, province string, at time.Time, n int) []Place {
	k := foldPlace(name)
	if k == "" || n <= 0 {
		return nil
	}
	t := places()
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	limit := max(2, utf8.RuneCountInString(k)/3)
	for _, other := range t.names {
		if abs(len(other)-len(k)) > limit {
			continue
		}
		if d := editDistance(k, other, limit); d <= limit {
			cands = append(cands, cand{other, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.d - b.d })
	var out []Place
	for _, c := range cands {
		found, _ := findPlaces(c.name, province, at, false)
		for _, p := range found {
			if len(out) == n {
				return out
			}
			out = append(out, p)
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance between a and b, or limit+1
// when it exceeds limit.
func editDistance(a, b string, limit int) int {
	var bufA, bufB [64]rune
	ra, rb := append(bufA[:0], []rune(a)...), append(bufB[:0], []rune(b)...)
	var rowBuf [2][65]int
	if len(rb) > 64 {
		return limit + 1
	}
	prev, cur := rowBuf[0][:len(rb)+1], rowBuf[1][:len(rb)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Comuni iterates over every comune record, active and ceased, by code and
// date.
func Comuni() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for _, p := range places().all {
			if !p.Foreign && !yield(p) {
				return
			}
		}
	}
}

// ForeignStates iterates over every foreign-state record, by code and date.
func ForeignStates() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for _, p := range places().all {
			if p.Foreign && !yield(p) {
				return
			}
		}
	}
}

// foldPlace normalises a place name for comparison: upper case, accents
// removed, and only letters and digits kept, so "Forlì", "FORLI'" and
// "Forli" fold alike, as do "Cava de' Tirreni" and "CAVA DE TIRRENI".
func foldPlace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToUpper(r)
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteByte(byte(r))
			}
			continue
		}
		if base, ok := placeBase[r]; ok {
			b.WriteByte(base)
		} else if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// placeBase maps the accented capitals found in Italian, German, French,
// Slovene and Ladin place names to their base letter.
var placeBase = map[rune]byte{
	'À': 'A', 'Á': 'A', 'Â': 'A', 'Ã': 'A', 'Ä': 'A', 'Å': 'A',
	'È': 'E', 'É': 'E', 'Ê': 'E', 'Ë': 'E',
	'Ì': 'I', 'Í': 'I', 'Î': 'I', 'Ï': 'I',
	'Ò': 'O', 'Ó': 'O', 'Ô': 'O', 'Õ': 'O', 'Ö': 'O',
	'Ù': 'U', 'Ú': 'U', 'Û': 'U', 'Ü': 'U',
	'Ç': 'C', 'Č': 'C', 'Ć': 'C', 'Ñ': 'N', 'Š': 'S', 'Ž': 'Z', 'Ý': 'Y', 'Đ': 'D',
}

// dateOf truncates t to its calendar date at midnight UTC.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
