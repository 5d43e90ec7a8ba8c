package deploy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors a [RowError] unwraps to.
var (
	ErrColumns = errors.New("deploy: wrong number of columns")
	ErrEmpty   = errors.New("deploy: empty field")
	ErrDate    = errors.New("deploy: invalid date")
	ErrNumber  = errors.New("deploy: invalid number")
	ErrValue   = errors.New("deploy: invalid value")
	ErrYear    = errors.New("deploy: year of a day-month date unknown")
)

// Table names used in [RowError.Table].
const (
	TableNational  = "national plan"
	TableMetro     = "metropolitan plan"
	TableHubs      = "training hubs"
	TableTrainings = "prefecture training dates"
)

// RowError is a table row that could not be read.
//
// Line is 1-based. Column names the field as the table heads it ("" for the
// whole row); Value is the offending text, at most 40 characters. Err is one
// of the package's sentinel errors.
type RowError struct {
	Line   int
	Table  string
	Column string
	Value  string
	Err    error
}

func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deploy: line %d (%s", e.Line, e.Table)
	if e.Column != "" {
		fmt.Fprintf(&b, ", %s", e.Column)
	}
	b.WriteString("): ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "deploy: "))
	if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

// ParseOptions tunes [Parse]. The zero value is valid.
type ParseOptions struct {
	// Year completes day-month dates such as "27-apr". When zero, Parse
	// uses the year that most of the document's full dates of courses (or,
	// failing those, of installations) carry.
	Year int

	// Province is the province sigla given to rows of tables that have no
	// province column. Empty leaves it empty, except in the Naples
	// circular, whose rows get "NA".
	Province string

	// Circular is the circular the document is; empty means the one its
	// heading names ("CIRCOLARE N. 4/2017"), if any.
	Circular Circular

	// MaxLineBytes bounds one input line; longer lines are reported as row
	// errors and skipped. Zero means 64 KiB.
	MaxLineBytes int
}

// Parse reads plan tables from the text of a circular or annex: the national
// plan, the metropolitan plan, the training hubs and the prefectures'
// training dates, in any number and order. Text outside the tables (prose,
// page headers, repeated or split header lines, other tables) is skipped.
//
// Every row of a recognised table is either in the returned Plan or in its
// Problems as a [*RowError]. The error is non-nil only when r fails.
func Parse(r io.Reader, opts ParseOptions) (*Plan, error) {
	max := opts.MaxLineBytes
	if max <= 0 {
		max = 64 << 10
	}
	p := &parser{opts: opts, plan: &Plan{Circular: opts.Circular}}
	br := bufio.NewReader(r)
	for line := 1; ; line++ {
		text, tooLong, err := readLine(br, max)
		if text != "" || tooLong {
			if line == 1 {
				text = strings.TrimPrefix(text, "\ufeff")
			}
			if tooLong {
				p.fail(line, "", "", ErrValue)
			} else {
				p.line(line, text)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("deploy: reading plan: %w", err)
		}
	}
	p.finish()
	return p.plan, nil
}

// readLine returns the next line without its terminator; tooLong reports a
// line over max bytes, whose rest is discarded.
func readLine(br *bufio.Reader, max int) (text string, tooLong bool, err error) {
	var b []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(b)+len(frag) > max {
			tooLong = true
		} else {
			b = append(b, frag...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			return "", true, err
		}
		s := strings.TrimRight(string(b), "\r\n")
		return s, false, err
	}
}

type section int

const (
	none section = iota
	national
	metro
	hubs
	trainings
)

func (s section) table() string {
	switch s {
	case national:
		return TableNational
	case metro:
		return TableMetro
	case hubs:
		return TableHubs
	case trainings:
		return TableTrainings
	}
	return ""
}

type pendingTraining struct {
	idx  int      // index into plan.Trainings
	raw  []string // the day-month texts, in the order of the zero dates
	line int
}

type parser struct {
	annex   string // the annex being read ("All. 2"), "" in the circular's text
	opts    ParseOptions
	plan    *Plan
	sec     section
	csv     bool // rows come from ReadCSV
	pending []pendingTraining
}

func (p *parser) fail(line int, column, value string, err error) {
	if utf8.RuneCountInString(value) > 40 {
		value = string([]rune(value)[:40])
	}
	table := p.sec.table()
	if p.csv {
		table = TableCSV
	}
	p.plan.Problems = append(p.plan.Problems, &RowError{Line: line, Table: table, Column: column, Value: value, Err: err})
}

// cells splits a tab-separated line, trimming each cell and dropping
// trailing empty cells.
func cells(text string) []string {
	f := strings.Split(text, "\t")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f
}

func (p *parser) line(n int, text string) {
	if !strings.Contains(text, "\t") {
		p.prose(n, text) // prose, page headers and blank lines never end a table
		return
	}
	f := cells(text)
	if len(f) == 0 {
		return
	}
	if s := headerOf(f); s != none {
		p.sec = s
		return
	}
	if f[0] == "" {
		if p.sec != none && continuationHeader(f) {
			return
		}
		p.sec = none // a header of a table we do not read
		return
	}
	switch p.sec {
	case national:
		p.nationalRow(n, f)
	case metro:
		p.metroRow(n, f)
	case hubs:
		p.hubRow(n, f)
	case trainings:
		p.trainingRow(n, f)
	}
}

func headerOf(f []string) section {
	first := strings.ToLower(f[0])
	second := ""
	if len(f) > 1 {
		second = strings.ToLower(f[1])
	}
	switch {
	case first == "regione" && second == "comune":
		return national
	case first == "regione" && strings.HasPrefix(second, "pol"):
		return hubs
	case first == "comune" && strings.HasPrefix(second, "installazione"):
		return metro
	case first == "prefettura" && strings.HasPrefix(second, "date"):
		return trainings
	}
	return none
}

var headerWords = []string{"periodo", "installazione", "polo", "inizio", "fine", "date", "operatori", "corsi"}

func continuationHeader(f []string) bool {
	for _, c := range f {
		c = strings.ToLower(c)
		for _, w := range headerWords {
			if strings.Contains(c, w) {
				return true
			}
		}
	}
	return false
}

var nationalColumns = []string{"Regione", "Comune", "Provincia", "Periodo installazione: inizio", "Periodo installazione: fine", "Polo formativo", "Date corsi", "Operatori"}

func (p *parser) nationalRow(n int, f []string) {
	if len(f) != len(nationalColumns) {
		p.fail(n, "", fmt.Sprintf("%d of %d columns", len(f), len(nationalColumns)), ErrColumns)
		return
	}
	in := Installation{Line: n}
	ok := p.text(n, nationalColumns[0], f[0], &in.Region) &&
		p.text(n, nationalColumns[1], f[1], &in.Comune) &&
		p.province(n, nationalColumns[2], f[2], &in.Province) &&
		p.date(n, nationalColumns[3], f[3], &in.Start) &&
		p.date(n, nationalColumns[4], f[4], &in.End) &&
		p.text(n, nationalColumns[5], f[5], &in.TrainingHub) &&
		p.date(n, nationalColumns[6], f[6], &in.Course) &&
		p.count(n, nationalColumns[7], f[7], &in.Operators)
	if ok {
		p.plan.Installations = append(p.plan.Installations, in)
	}
}

var metroColumns = []string{"Comune", "Installazione: inizio", "Installazione: fine", "PDL", "Data corso", "Fascia oraria"}

func (p *parser) metroRow(n int, f []string) {
	if len(f) != len(metroColumns) {
		p.fail(n, "", fmt.Sprintf("%d of %d columns", len(f), len(metroColumns)), ErrColumns)
		return
	}
	in := Installation{Line: n, Province: p.metroProvince()}
	ok := p.text(n, metroColumns[0], f[0], &in.Comune) &&
		p.date(n, metroColumns[1], f[1], &in.Start) &&
		p.date(n, metroColumns[2], f[2], &in.End) &&
		p.count(n, metroColumns[3], f[3], &in.Workstations) &&
		p.date(n, metroColumns[4], f[4], &in.Course) &&
		p.slot(n, metroColumns[5], f[5], &in.TimeSlot)
	if ok {
		p.plan.Installations = append(p.plan.Installations, in)
	}
}

// metroProvince is the province of a metropolitan plan's rows:
// [ParseOptions.Province], or NA for the Naples circular, whose Allegato 1
// lists "i Comuni dell'Area metropolitana di NAPOLI".
func (p *parser) metroProvince() string {
	if p.opts.Province == "" && p.plan.Circular == CircularNaples {
		return "NA"
	}
	return p.opts.Province
}

func (p *parser) hubRow(n int, f []string) {
	if len(f) != 2 {
		p.fail(n, "", fmt.Sprintf("%d of 2 columns", len(f)), ErrColumns)
		return
	}
	h := Hub{Line: n}
	if !p.text(n, "Regione", f[0], &h.Region) {
		return
	}
	for c := range strings.SplitSeq(f[1], ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			p.fail(n, "Polo", f[1], ErrEmpty)
			return
		}
		h.Cities = append(h.Cities, c)
	}
	p.plan.Hubs = append(p.plan.Hubs, h)
}

func (p *parser) trainingRow(n int, f []string) {
	if len(f) < 2 {
		p.fail(n, "Date di formazione", "", ErrEmpty)
		return
	}
	t := Training{Line: n}
	if !p.text(n, "Prefettura", f[0], &t.Prefecture) {
		return
	}
	pt := pendingTraining{line: n}
	for _, c := range f[1:] {
		if c == "" {
			continue
		}
		if d, err := parseFullDate(c); err == nil {
			t.Dates = append(t.Dates, d)
			continue
		}
		if _, _, err := parseDayMonth(c); err != nil {
			p.fail(n, "Date di formazione", c, ErrDate)
			return
		}
		pt.raw = append(pt.raw, c)
		t.Dates = append(t.Dates, time.Time{})
	}
	pt.idx = len(p.plan.Trainings)
	p.plan.Trainings = append(p.plan.Trainings, t)
	if len(pt.raw) > 0 {
		p.pending = append(p.pending, pt)
	}
}

// finish completes day-month dates with the given or inferred year.
func (p *parser) finish() {
	if len(p.pending) == 0 {
		return
	}
	year := p.opts.Year
	if year == 0 {
		year = p.inferYear()
	}
	p.sec = trainings // the errors below are about that table
	var drop []int
	for _, pt := range p.pending {
		t := &p.plan.Trainings[pt.idx]
		k := 0
		for i := range t.Dates {
			if !t.Dates[i].IsZero() {
				continue
			}
			raw := pt.raw[k]
			k++
			if year == 0 {
				p.fail(pt.line, "Date di formazione", raw, ErrYear)
				drop = append(drop, pt.idx)
				break
			}
			day, month, _ := parseDayMonth(raw)
			d, ok := civil(year, month, day)
			if !ok {
				p.fail(pt.line, "Date di formazione", raw, ErrDate)
				drop = append(drop, pt.idx)
				break
			}
			t.Dates[i] = d
		}
	}
	for i := len(drop) - 1; i >= 0; i-- {
		j := drop[i]
		p.plan.Trainings = append(p.plan.Trainings[:j], p.plan.Trainings[j+1:]...)
	}
}

func (p *parser) inferYear() int {
	count := map[int]int{}
	for _, in := range p.plan.Installations {
		if !in.Course.IsZero() {
			count[in.Course.Year()] += 2 // course dates are what Allegato 3 lists
		}
		count[in.Start.Year()]++
	}
	best, bestN := 0, 0
	for y, n := range count {
		if n > bestN || (n == bestN && y < best) {
			best, bestN = y, n
		}
	}
	return best
}

func (p *parser) text(n int, col, v string, dst *string) bool {
	if v == "" {
		p.fail(n, col, "", ErrEmpty)
		return false
	}
	*dst = v
	return true
}

func (p *parser) province(n int, col, v string, dst *string) bool {
	if len(v) != 2 || !isUpper(v[0]) || !isUpper(v[1]) {
		p.fail(n, col, v, ErrValue)
		return false
	}
	*dst = v
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func (p *parser) date(n int, col, v string, dst *time.Time) bool {
	if v == "" {
		p.fail(n, col, "", ErrEmpty)
		return false
	}
	d, err := parseFullDate(v)
	if err != nil {
		p.fail(n, col, v, ErrDate)
		return false
	}
	*dst = d
	return true
}

func (p *parser) count(n int, col, v string, dst *int) bool {
	c, err := strconv.Atoi(v)
	if err != nil || c <= 0 || c > 10000 {
		p.fail(n, col, v, ErrNumber)
		return false
	}
	*dst = c
	return true
}

func (p *parser) slot(n int, col, v string, dst *TimeSlot) bool {
	s, err := parseTimeSlot(v)
	if err != nil {
		p.fail(n, col, v, ErrValue)
		return false
	}
	*dst = s
	return true
}
