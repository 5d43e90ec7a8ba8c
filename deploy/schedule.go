package deploy

import (
	"cmp"
	"encoding/csv"
	"errors"
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
	// ClassroomConfirmation: the last day for a prefecture to confirm its
	// training classroom (Circ. 4/2017, which gives two different dates;
	// see [Deadlines]).
	ClassroomConfirmation MilestoneKind = "classroom-confirmation"
	// MasterPassword: the central systems send each Security Officer the
	// master password that activates the operator cards.
	MasterPassword MilestoneKind = "master-password"
	// SupplyForm: the installation contact completes the supply-portal
	// (Monitora) form.
	SupplyForm MilestoneKind = "supply-form"
	// Postponement: the last day to ask, with a letter signed by the mayor,
	// to move the installation.
	Postponement MilestoneKind = "postponement-request"
	// Course: the operators' training course.
	Course MilestoneKind = "course"
	// Install: the installation period itself.
	Install MilestoneKind = "installation"
)

// Deadline is a lead time before the first day of an installation period
// that a document sets for the plans of a circular.
type Deadline struct {
	Kind        MilestoneKind
	Days        int  // days before the installation starts
	Approximate bool // the source says "circa"
	Source      Source
}

// Deadlines returns the lead times that circular c itself sets for its
// plans (a new slice on every call), each with the sentence that sets it:
//
//   - Circ. 8/2017 and the Naples plan of its third phase (seed 001, All. 2
//     §3): the Monitora form "entro e non oltre tre settimane prima del
//     periodo assegnato al Comune" (21 days) and a postponement request
//     "con anticipo di 15 giorni";
//   - Circ. 4/2017 (seed 000) sets none: its plan gets only its courses and
//     installations (and the prefectures' classroom confirmation, a fixed
//     date).
//
// The master password's "circa 60 giorni" is no circular's: it is the
// SediCIE manual's ([MasterPasswordDeadline]), and [Milestones] adds it
// only when asked ([ScheduleOptions.MasterPassword]).
func Deadlines(c Circular) []Deadline {
	switch c {
	case CircularThirdPhase, CircularNaples:
		all2 := Source{Doc: CircularNaples, Section: "All. 2 §3"}
		monitora, post := all2, all2
		monitora.Quote = "deve avvenire entro e non oltre tre settimane prima del periodo assegnato al Comune per l’attivazione delle postazioni"
		post.Quote = "è necessario inviare con anticipo di 15 giorni una comunicazione a firma del Sindaco"
		return []Deadline{
			{Kind: SupplyForm, Days: 21, Source: monitora},
			{Kind: Postponement, Days: 15, Source: post},
		}
	}
	return nil
}

// MasterPasswordDeadline is the SediCIE manual's estimate of when the
// central systems send a Security Officer the master password: "circa 60
// giorni prima della data di installazione prevista dal piano di
// dispiegamento ministeriale" (§3.1.7, seed 004), after the sede is
// transmitted. It concerns the comuni that register in SediCIE, the
// application that Allegato 2 §3 of Circ. 8/2017 names.
var MasterPasswordDeadline = Deadline{Kind: MasterPassword, Days: 60, Approximate: true, Source: Source{Doc: Manual, Section: "§3.1.7",
	Quote: "generare ed inviare le credenziali dei Security Officer (la cosiddetta Master Password) circa 60 giorni prima della data di installazione"}}

// ScheduleOptions selects and overrides the lead times of [Milestones], in
// days before the first day of the installation period. Zero fields keep
// the source's value; negative ones are an error. An override applies
// only where the plan's circular sets that deadline, or, for the master
// password, when MasterPassword asks for it.
type ScheduleOptions struct {
	// MasterPassword adds the SediCIE manual's master-password estimate
	// ([MasterPasswordDeadline]) to every installation, whatever the
	// plan's circular.
	MasterPassword     bool
	MasterPasswordDays int // 60 in the SediCIE manual
	SupplyFormDays     int // 21 in Circ. 8/2017 All. 2 §3
	PostponementDays   int // 15 in Circ. 8/2017 All. 2 §3
}

// ErrLeadTime is returned by [Milestones] for a negative lead time.
var ErrLeadTime = errors.New("deploy: negative lead time")

// MaxLeadDays bounds the lead times of [ScheduleOptions].
const MaxLeadDays = 3660

func (o ScheduleOptions) days(k MilestoneKind, dflt int) (int, error) {
	v := map[MilestoneKind]int{MasterPassword: o.MasterPasswordDays, SupplyForm: o.SupplyFormDays, Postponement: o.PostponementDays}[k]
	switch {
	case v < 0 || v > MaxLeadDays:
		return 0, fmt.Errorf("%w: %s %d days (want 0 to %d)", ErrLeadTime, k, v, MaxLeadDays)
	case v == 0:
		return dflt, nil
	}
	return v, nil
}

// Milestone is one dated step of a comune's roll-out (or, for
// [ClassroomConfirmation], of a prefecture's: Comune then names the
// prefecture). Start and End are civil dates, both inclusive (End equals
// Start for one-day milestones). Approximate marks dates the sources give
// only as "about". Source is the sentence that sets the date; Note says
// what the reader must know about it (two sources disagreeing).
type Milestone struct {
	Kind        MilestoneKind
	Comune      string
	Province    string
	Start, End  time.Time
	Approximate bool
	Source      Source
	Note        string
}

// Summary is a one-line Italian title for calendars.
func (m Milestone) Summary() string {
	place := m.Comune
	if m.Province != "" {
		place += " (" + m.Province + ")"
	}
	switch m.Kind {
	case ClassroomConfirmation:
		return "CIE " + place + ": termine conferma disponibilità aula corsi"
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
// date, then comune, then kind: the lead times of p's circular
// ([Deadlines]; none for a plan of Circ. 4/2017 or of no known circular),
// the master password if opts asks for it, the course and the
// installation period. For a plan whose circular
// states a deadline for the prefectures' classroom confirmation, each
// prefecture of its training dates gets a [ClassroomConfirmation] on the
// earliest date stated, with a Note when the circular states another.
// Installations without a start date are skipped. The error wraps
// [ErrLeadTime] when opts has a negative or too large lead time.
func Milestones(p *Plan, opts ScheduleOptions) ([]Milestone, error) {
	deadlines := Deadlines(p.Circular)
	if opts.MasterPassword {
		deadlines = append([]Deadline{MasterPasswordDeadline}, deadlines...)
	}
	for i, d := range deadlines {
		days, err := opts.days(d.Kind, d.Days)
		if err != nil {
			return nil, err
		}
		deadlines[i].Days = days
	}
	for _, k := range []MilestoneKind{MasterPassword, SupplyForm, Postponement} {
		if _, err := opts.days(k, 0); err != nil {
			return nil, err
		}
	}
	var ms []Milestone
	table := Source{Doc: p.Circular, Section: "All. 1"}
	for _, in := range p.Installations {
		if in.Start.IsZero() {
			continue
		}
		for _, d := range deadlines {
			day := in.Start.AddDate(0, 0, -d.Days)
			ms = append(ms, Milestone{Kind: d.Kind, Comune: in.Comune, Province: in.Province, Start: day, End: day, Approximate: d.Approximate, Source: d.Source})
		}
		if !in.Course.IsZero() {
			ms = append(ms, Milestone{Kind: Course, Comune: in.Comune, Province: in.Province, Start: in.Course, End: in.Course, Source: table})
		}
		end := in.End
		if end.Before(in.Start) {
			end = in.Start // Check reports it; the calendar still shows the start
		}
		ms = append(ms, Milestone{Kind: Install, Comune: in.Comune, Province: in.Province, Start: in.Start, End: end, Source: table})
	}
	ms = append(ms, classroomMilestones(p)...)
	slices.SortStableFunc(ms, func(a, b Milestone) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Comune, b.Comune), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)))
	})
	return ms, nil
}

// classroomMilestones dates each prefecture's classroom confirmation on the
// earliest deadline the plan's prose states for it.
func classroomMilestones(p *Plan) []Milestone {
	var first *Statement
	var others []string
	for i, st := range p.Statements {
		if st.Kind != StatementDeadline || st.Topic != TopicClassroomConfirmation {
			continue
		}
		if first == nil || st.Date.Before(first.Date) {
			first = &p.Statements[i]
		}
	}
	if first == nil {
		return nil
	}
	for _, st := range p.Statements {
		if st.Kind == StatementDeadline && st.Topic == TopicClassroomConfirmation && !st.Date.Equal(first.Date) {
			others = append(others, fmt.Sprintf("%s also states %s", st.Source.Section, formatDate(st.Date)))
		}
	}
	var note string
	if len(others) > 0 {
		src := cmp.Or(first.Source.Section, "text")
		note = "earliest date, from " + src + "; " + strings.Join(others, "; ")
	}
	var ms []Milestone
	for _, t := range p.Trainings {
		ms = append(ms, Milestone{Kind: ClassroomConfirmation, Comune: "Prefettura di " + t.Prefecture, Start: first.Date, End: first.Date, Source: first.Source, Note: note})
	}
	return ms
}

func kindOrder(k MilestoneKind) int {
	return slices.Index([]MilestoneKind{ClassroomConfirmation, MasterPassword, SupplyForm, Postponement, Course, Install}, k)
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
		if d := m.description(); d != "" {
			iw.line("DESCRIPTION:" + icsText(d))
		}
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
	place := m.Comune
	if m.Province != "" {
		place += "-" + m.Province
	}
	for _, r := range strings.ToLower(place) {
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

// description is the source of m and its note, for calendars.
func (m Milestone) description() string {
	var parts []string
	if m.Source.Doc != "" {
		parts = append(parts, "Fonte: "+m.Source.String())
	}
	if m.Note != "" {
		parts = append(parts, "Nota: "+m.Note)
	}
	return strings.Join(parts, "\n")
}

// WriteMilestonesCSV writes ms as CSV with a header line: kind, comune,
// province, start, end (dd/mm/yyyy), approximate, summary, source, note.
func WriteMilestonesCSV(w io.Writer, ms []Milestone) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"kind", "comune", "province", "start", "end", "approximate", "summary", "source", "note"})
	for _, m := range ms {
		src := ""
		if m.Source.Doc != "" {
			src = m.Source.String()
		}
		_ = cw.Write([]string{string(m.Kind), m.Comune, m.Province, formatDate(m.Start), formatDate(m.End), strconv.FormatBool(m.Approximate), m.Summary(), src, m.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("deploy: writing milestones: %w", err)
	}
	return nil
}
