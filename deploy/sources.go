package deploy

import (
	"strings"
	"time"
)

// Circular identifies the document a plan, a rule or a finding comes from.
// The seeds are the files of ../shared/seeds, named in each constant's
// comment; the zero Circular is "unknown" (a plan built in code or read
// from CSV or JSON without one).
type Circular string

// The circulars of the seeds.
const (
	// CircularNational is Circ. 4/2017 of the Ministero dell'Interno,
	// Direzione Centrale per i Servizi Demografici, of 31/03/2017 (seed
	// 000): the second phase, with the national plan (Allegato 1), the
	// workstation annex (Allegato 2) and the training hubs and classroom
	// dates (Allegato 3).
	CircularNational Circular = "Circ. 4/2017"
	// CircularThirdPhase is Circ. 8/2017 of the Ministero dell'Interno of
	// 05/09/2017, which opens the third phase. The seeds hold it only as
	// reported by a news article (seed 002) and through its Allegato 2, which
	// the Naples circular reproduces (seed 001).
	CircularThirdPhase Circular = "Circ. 8/2017"
	// CircularNaples is Circ. 9/2017 of the Prefettura di Napoli (seed 001):
	// the third phase's plan for the comuni of the metropolitan area
	// (Allegato 1) and Allegato 2 of Circ. 8/2017.
	CircularNaples Circular = "Circ. 9/2017 Prefettura di Napoli"
)

// Seed returns the number of the seed file that holds c ("000", "001"),
// or "" for an unknown circular.
func (c Circular) Seed() string {
	switch c {
	case CircularNational:
		return "000"
	case CircularNaples:
		return "001"
	case CircularThirdPhase:
		return "002"
	}
	return ""
}

// Manual is the SediCIE manual ("Gestione SediCIE - Manuale per i Comuni
// emettitori della CIE", seed 004), cited by rules that come from it.
const Manual Circular = "SediCIE manual"

// Source is where a rule or a statement comes from: the document, its
// section and, for findings, the sentence as the document writes it.
type Source struct {
	Doc     Circular `json:"doc"`
	Section string   `json:"section,omitempty"` // e.g. "All. 2 §3"
	Quote   string   `json:"quote,omitempty"`   // verbatim, possibly shortened with "…"
}

// String cites s: `Circ. 4/2017 All. 3 (seed 000): "entro e non oltre il 7 aprile 2017"`.
func (s Source) String() string {
	var b strings.Builder
	if s.Doc == "" {
		b.WriteString("this document")
	}
	b.WriteString(string(s.Doc))
	if s.Section != "" {
		b.WriteString(" " + s.Section)
	}
	seed := s.Doc.Seed()
	if s.Doc == Manual {
		seed = "004"
	}
	if seed != "" {
		b.WriteString(" (seed " + seed + ")")
	}
	if s.Quote != "" {
		b.WriteString(`: "` + s.Quote + `"`)
	}
	return b.String()
}

// detectCircular recognises the circular a document is from by its
// heading line ("CIRCOLARE N. 4/2017", at the start of a line in capitals,
// as the circulars write it; a news article that mentions a circular in
// passing is not one), or returns "".
func detectCircular(line string) Circular {
	if !strings.HasPrefix(line, "CIRCOLARE N") {
		return ""
	}
	l := strings.ToUpper(strings.Join(strings.Fields(line), ""))
	switch {
	case strings.Contains(l, "CIRCOLAREN.4/2017"):
		return CircularNational
	case strings.Contains(l, "CIRCOLAREN.9/2017"):
		return CircularNaples
	case strings.Contains(l, "CIRCOLAREN.8/2017"):
		return CircularThirdPhase
	}
	return ""
}

// Phase is one of the three roll-out phases of the CIE as the seeds state
// them. Comuni is the number of comuni the phase adds; AtLeast marks a
// count given as "oltre" (more than). End is zero when no source gives it.
type Phase struct {
	Number   int
	Start    time.Time
	End      time.Time
	Comuni   int
	AtLeast  bool
	Circular Circular // the circular whose plans belong to the phase ("" for the first)
	Sources  []Source
}

// Phases returns the three phases (a new slice on every call):
//
//  1. from 4 July 2016, 199 comuni (Circ. 4/2017; Circ. 9/2017 Napoli);
//  2. from 26 April 2017, 350 comuni, the national plan of Circ. 4/2017;
//  3. from 2 October 2017, "oltre 7.500 Comuni", to be completed "entro la
//     fine del 2018" (Circ. 8/2017 as reported in seed 002; Circ. 9/2017
//     Napoli).
func Phases() []Phase {
	return []Phase{
		{Number: 1, Start: date(2016, 7, 4), Comuni: 199, Sources: []Source{
			{Doc: CircularNational, Section: "Dotazioni dei Comuni", Quote: "A partire dal 4 luglio 2016 è stata avviata la prima fase di dispiegamento della CIE presso 199 Comuni."},
		}},
		{Number: 2, Start: date(2017, 4, 26), Comuni: 350, Circular: CircularNational, Sources: []Source{
			{Doc: CircularNational, Section: "Dotazioni dei Comuni", Quote: "A partire dal prossimo 26 aprile 2017, in conformità al piano di dispiegamento approvato dalla Commissione interministeriale della CIE (all. 1), i restanti comuni saranno gradualmente abilitati all'emissione della nuova CIE."},
			{Doc: CircularNational, Section: "Dotazioni dei Comuni", Quote: "il primo, composto da 350 Comuni che assieme ai precedenti 199 coprirà il 50% della popolazione"},
			{Doc: CircularNaples, Quote: "della seconda fase di emissione della nuova carta d'identità elettronica (CIE), che ha coinvolto, a livello nazionale, ulteriori 350 Comuni oltre ai precedenti 199"},
		}},
		{Number: 3, Start: date(2017, 10, 2), End: date(2018, 12, 31), Comuni: 7500, AtLeast: true, Circular: CircularThirdPhase, Sources: []Source{
			{Doc: CircularThirdPhase, Section: "(seed 002, news report)", Quote: "Dal 2 ottobre 2017 parte la terza e ultima fase"},
			{Doc: CircularThirdPhase, Section: "(seed 002, news report)", Quote: "Con quest'ultima fase il sistema andrà a regime coinvolgendo gradualmente oltre 7.500 Comuni."},
			{Doc: CircularThirdPhase, Section: "(seed 002, news report)", Quote: "Il piano ministeriale prevede il suo completamento entro la fine del 2018."},
			{Doc: CircularNaples, Quote: "La terza fase, che avrà inizio il 2 ottobre p.v."},
		}},
	}
}

// phaseOf returns the phase a circular's plan belongs to.
func phaseOf(c Circular) (Phase, bool) {
	if c == CircularNaples {
		c = CircularThirdPhase
	}
	for _, p := range Phases() {
		if p.Circular != "" && p.Circular == c {
			return p, true
		}
	}
	return Phase{}, false
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
