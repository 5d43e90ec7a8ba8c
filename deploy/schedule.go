package deploy

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MilestoneKind names a step of a comune's roll-out.
type MilestoneKind string

// Milestone kinds, in the order they fall before an installation.
const (
	// MasterPassword: the central systems send each Security Officer the
	// master password that activates the operator cards, "circa 60 giorni
	// prima della data di installazione" (SediCIE manual, "Trasmetti dati").
	MasterPassword MilestoneKind = "master-password"
	// SupplyForm: the installation contact completes the supply-portal
	// (Monitora) form "entro e non oltre tre settimane prima del periodo
	// assegnato" (Circ. 8/2017, Allegato 2 §3).
	SupplyForm MilestoneKind = "supply-form"
	// Postponement: the last day to ask, with a letter signed by the mayor,
	// to move the installation: "con anticipo di 15 giorni" (same section).
	Postponement MilestoneKind = "postponement-request"
	// Course: the operators' training course.
	Course MilestoneKind = "course"
	// Install: the installation period itself.
	Install MilestoneKind = "installation"
)

// ScheduleOptions sets the lead times of [Milestones], in days before the
// first day of the installation period. Zero fields take the circulars'
// values, given on each field.
type ScheduleOptions struct {
	MasterPasswordDays int // 60
	SupplyFormDays     int // 21
	PostponementDays   int // 15
}

func (o ScheduleOptions) withDefaults() ScheduleOptions {
	if o.MasterPasswordDays == 0 {
		o.MasterPasswordDays = 60
	}
	if o.SupplyFormDays == 0 {
		o.SupplyFormDays = 21
	}
	if o.PostponementDays == 0 {
		o.PostponementDays = 15
	}
	return o
}

// Milestone is one dated step of a comune's roll-out. Start and End are
// civil dates, both inclusive (End equals Start for one-day milestones).
// Approximate marks dates the sources give only as "about".
type Milestone struct {
	Kind        MilestoneKind
	Comune      string
	Province    string
	Start, End  time.Time
	Approximate bool
}

// Summary is a one-line Italian title for calendars.
func (m Milestone) Summary() string {
	place := m.Comune
	if m.Province != "" {
		place += " (" + m.Province + ")"
	}
	switch m.Kind {
	case MasterPassword:
		return "CIE " + place + ": invio master password ai Security Officer (circa)"
	case SupplyForm:
		return "CIE " + place + ": termine compilazione portale Monitora"
	case Postponement:
		return "CIE " + place + ": termine richiesta di posticipo installazione"
	case Course:
		return "CIE " + place + ": corso di formazione operatori"
	case Install:
		return "CIE " + place + ": installazione postazioni"
	}
	return "CIE " + place + ": " + string(m.Kind)
}

// Milestones returns the milestones of every installation of p, sorted by
// date, then comune, then kind. Installations without a start date are
// skipped.
func Milestones(p *Plan, opts ScheduleOptions) []Milestone {
	opts = opts.withDefaults()
	var ms []Milestone
	for _, in := range p.Installations {
		if in.Start.IsZero() {
			continue
		}
		before := func(k MilestoneKind, days int, approx bool) {
			d := in.Start.AddDate(0, 0, -days)
			ms = append(ms, Milestone{Kind: k, Comune: in.Comune, Province: in.Province, Start: d, End: d, Approximate: approx})
		}
		before(MasterPassword, opts.MasterPasswordDays, true)
		before(SupplyForm, opts.SupplyFormDays, false)
		before(Postponement, opts.PostponementDays, false)
		if !in.Course.IsZero() {
			ms = append(ms, Milestone{Kind: Course, Comune: in.Comune, Province: in.Province, Start: in.Course, End: in.Course})
		}
		end := in.End
		if end.Before(in.Start) {
			end = in.Start // Check reports it; the calendar still shows the start
		}
		ms = append(ms, Milestone{Kind: Install, Comune: in.Comune, Province: in.Province, Start: in.Start, End: end})
	}
	slices.SortStableFunc(ms, func(a, b Milestone) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Comune, b.Comune), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)))
	})
	return ms
}

func kindOrder(k MilestoneKind) int {
	return slices.Index([]MilestoneKind{MasterPassword, SupplyForm, Postponement, Course, Install}, k)
}

// ICSOptions tunes [WriteICS]. The zero value is valid.
type ICSOptions struct {
	// Stamp is the DTSTAMP of every event; zero means time.Now(). Set it
	// for byte-stable output.
	Stamp time.Time
	// Name is the calendar name (X-WR-CALNAME); empty means
	// "Piano di dispiegamento CIE".
	Name string
}

// WriteICS writes ms as an iCalendar (RFC 5545) stream of all-day events,
// with CRLF line endings and lines folded at 75 octets.
func WriteICS(w io.Writer, ms []Milestone, opts ICSOptions) error {
	stamp := opts.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	name := cmp.Or(opts.Name, "Piano di dispiegamento CIE")
	iw := &icsWriter{w: w}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:-//ciekit//deploy//IT")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("X-WR-CALNAME:" + icsText(name))
	for _, m := range ms {
		iw.line("BEGIN:VEVENT")
		iw.line("UID:" + milestoneUID(m))
		iw.line("DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"))
		iw.line("DTSTART;VALUE=DATE:" + m.Start.Format("20060102"))
		iw.line("DTEND;VALUE=DATE:" + m.End.AddDate(0, 0, 1).Format("20060102"))
		iw.line("SUMMARY:" + icsText(m.Summary()))
		iw.line("CATEGORIES:" + icsText(string(m.Kind)))
		iw.line("TRANSP:TRANSPARENT")
		iw.line("END:VEVENT")
	}
	iw.line("END:VCALENDAR")
	return iw.err
}

func milestoneUID(m Milestone) string {
	var b strings.Builder
	b.WriteString(string(m.Kind))
	b.WriteByte('-')
	b.WriteString(m.Start.Format("20060102"))
	b.WriteByte('-')
	for _, r := range strings.ToLower(m.Comune + "-" + m.Province) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r > 127:
			b.WriteString(strconv.FormatInt(int64(r), 36))
		default:
			b.WriteByte('_')
		}
	}
	b.WriteString("@ciekit.deploy")
	return b.String()
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "")
	return r.Replace(s)
}

type icsWriter struct {
	w   io.Writer
	err error
}

// line writes one content line folded at 75 octets without splitting a
// UTF-8 sequence (RFC 5545 §3.1).
func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	var b strings.Builder
	width := 0
	for _, r := range s {
		n := len(string(r))
		if width+n > 75 {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	b.WriteString("\r\n")
	_, iw.err = io.WriteString(iw.w, b.String())
}

// WriteMilestonesCSV writes ms as CSV with a header line: kind, comune,
// province, start, end (dd/mm/yyyy), approximate, summary.
func WriteMilestonesCSV(w io.Writer, ms []Milestone) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"kind", "comune", "province", "start", "end", "approximate", "summary"})
	for _, m := range ms {
		_ = cw.Write([]string{string(m.Kind), m.Comune, m.Province, formatDate(m.Start), formatDate(m.End), strconv.FormatBool(m.Approximate), m.Summary()})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("deploy: writing milestones: %w", err)
	}
	return nil
}
