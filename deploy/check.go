package deploy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ciekit/ciekit/cie"
)

// Kinds of inconsistency; every [*Inconsistency] unwraps to one of them.
var (
	ErrPeriodReversed    = errors.New("deploy: installation period ends before it starts")
	ErrTrainingAfter     = errors.New("deploy: course after the installation starts")
	ErrCourseNotOffered  = errors.New("deploy: course date not among the prefecture's training dates")
	ErrUnknownHub        = errors.New("deploy: training hub not in the hubs table")
	ErrUnknownPrefecture = errors.New("deploy: training hub has no prefecture training dates")
	ErrUnknownComune     = errors.New("deploy: comune not in the ANPR table")
	ErrProvinceMismatch  = errors.New("deploy: comune not in that province")
	ErrRegionMismatch    = errors.New("deploy: province not in that region")
	ErrUnknownProvince   = errors.New("deploy: province sigla not in the ANPR table")
	ErrDuplicateComune   = errors.New("deploy: comune listed more than once")
	ErrSpelling          = errors.New("deploy: comune name not as ANPR writes it")
	ErrHubSpelling       = errors.New("deploy: training hub name not as ANPR writes the comune")
	ErrHubMismatch       = errors.New("deploy: training hub named differently in two tables")
	ErrOutsidePhase      = errors.New("deploy: installation outside the circular's phase")
	ErrComuniCount       = errors.New("deploy: number of comuni differs from the circular's text")
	ErrClassroomFull     = errors.New("deploy: more operators on one course day than a classroom seats")
	ErrContradiction     = errors.New("deploy: the documents disagree")
)

// Category groups findings for a report: the names a plan writes (comuni,
// provinces, regions, hubs), its dates, its counts and capacities, and
// what its documents say in prose.
type Category string

// Categories, in the order a report lists them.
const (
	CategoryNames     Category = "names"
	CategoryDates     Category = "dates"
	CategoryCounts    Category = "counts"
	CategoryDocuments Category = "documents"
)

// Category returns the group of the finding's kind.
func (e *Inconsistency) Category() Category {
	switch e.Err {
	case ErrUnknownComune, ErrProvinceMismatch, ErrRegionMismatch, ErrUnknownProvince, ErrSpelling, ErrHubSpelling, ErrHubMismatch, ErrUnknownHub, ErrUnknownPrefecture:
		return CategoryNames
	case ErrPeriodReversed, ErrTrainingAfter, ErrCourseNotOffered, ErrOutsidePhase:
		return CategoryDates
	case ErrComuniCount, ErrClassroomFull, ErrDuplicateComune:
		return CategoryCounts
	}
	return CategoryDocuments
}

// Inconsistency is one finding: something in a plan, or between the
// documents, that does not add up. Line is the row's line in the source (0
// if unknown); Detail says what was found and Suggestion, when not empty,
// the likely intended value: for names, the official name, with Province
// its province sigla and Distance the edit distance between the two
// spellings (after case, accents and apostrophes). Sources quotes the
// sentences of the documents that disagree, or the rule broken.
type Inconsistency struct {
	Line       int
	Comune     string
	Detail     string
	Suggestion string
	Province   string
	Distance   int
	Sources    []Source
	Err        error
}

// Error returns the finding with the package prefix, e.g. `deploy: line
// 501: Sciaccia: comune name not as ANPR writes it; did you mean "SCIACCA"
// (AG, edit distance 1)?`.
func (e *Inconsistency) Error() string { return "deploy: " + e.Message() }

// Message returns the finding without the package prefix, for reports.
func (e *Inconsistency) Message() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Comune != "" {
		fmt.Fprintf(&b, "%s: ", e.Comune)
	}
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "deploy: "))
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	if e.Suggestion != "" {
		fmt.Fprintf(&b, "; did you mean %q", e.Suggestion)
		switch {
		case e.Province != "" && e.Distance > 0:
			fmt.Fprintf(&b, " (%s, edit distance %d)", e.Province, e.Distance)
		case e.Province != "":
			fmt.Fprintf(&b, " (%s)", e.Province)
		}
		b.WriteString("?")
	}
	for _, src := range e.Sources {
		b.WriteString("; " + src.String())
	}
	return b.String()
}

func (e *Inconsistency) Unwrap() error { return e.Err }

// Check cross-checks a plan and returns every finding, rows first in the
// order of the plan's rows, then the findings about the plan as a whole
// (nil when there is none):
//
//   - installation periods that end before they start, courses after the
//     installation starts, and installations outside the phase of the
//     plan's circular ([Phases]);
//   - course dates that the hub's prefecture does not offer (Allegato 3),
//     hubs missing from the hubs table (checked only when the plan has
//     those tables), and more operators on one course day at one hub than
//     the 60 seats Allegato 3 asks of a classroom;
//   - names: comuni written other than ANPR writes them (beyond case,
//     accents, apostrophes, "S."/"SS." and the bilingual forms), with the
//     official name, its province and the edit distance, the row still
//     resolved to that comune ([ErrSpelling]); comuni that cannot be
//     resolved ([ErrUnknownComune]); comuni in another province, with the
//     date until which ANPR had them in the given one, after province
//     reforms; unknown province sigle; provinces outside the region the row
//     names; hub and prefecture names that are not the ANPR name of their
//     city, or that the hubs table and the training dates write
//     differently;
//   - comuni listed twice, and a number of rows other than the number of
//     comuni the circular's text announces;
//   - what the circular's prose says twice with different values, such as
//     two deadlines for the same confirmation ([ErrContradiction]), quoting
//     both sentences.
//
// Each finding unwraps to one of the package's Err* sentinels and has a
// [Category].
func Check(p *Plan) []*Inconsistency {
	var out []*Inconsistency
	add := func(in Installation, err error, detail, suggestion string) *Inconsistency {
		f := &Inconsistency{Line: in.Line, Comune: in.Comune, Detail: detail, Suggestion: suggestion, Err: err}
		out = append(out, f)
		return f
	}

	var hubs []string
	for _, h := range p.Hubs {
		hubs = append(hubs, h.Cities...)
	}
	phase, hasPhase := phaseOf(p.Circular)
	seen := map[string]int{}
	for _, in := range p.Installations {
		if in.End.Before(in.Start) {
			add(in, ErrPeriodReversed, fmt.Sprintf("%s to %s", formatDate(in.Start), formatDate(in.End)), "")
		}
		if !in.Course.IsZero() && in.Course.After(in.Start) {
			add(in, ErrTrainingAfter, fmt.Sprintf("course %s, installation from %s", formatDate(in.Course), formatDate(in.Start)), "")
		}
		if hasPhase && (in.Start.Before(phase.Start) || !phase.End.IsZero() && in.End.After(phase.End)) {
			f := add(in, ErrOutsidePhase, fmt.Sprintf("installation %s to %s, phase %d %s", formatDate(in.Start), formatDate(in.End), phase.Number, phaseSpan(phase)), "")
			f.Sources = phase.Sources[:1]
		}
		if in.TrainingHub != "" {
			if len(hubs) > 0 && !slices.ContainsFunc(hubs, func(h string) bool { return sameCity(h, in.TrainingHub) }) {
				add(in, ErrUnknownHub, in.TrainingHub, "")
			}
			if len(p.Trainings) > 0 && !in.Course.IsZero() {
				tr, ok := prefectureOf(p.Trainings, in.TrainingHub)
				switch {
				case !ok:
					add(in, ErrUnknownPrefecture, in.TrainingHub, "")
				case !slices.ContainsFunc(tr.Dates, in.Course.Equal):
					add(in, ErrCourseNotOffered, fmt.Sprintf("course %s, %s offers %s", formatDate(in.Course), tr.Prefecture, formatDates(tr.Dates)), "")
				}
			}
		}
		key := fold(in.Comune) + "|" + in.Province
		if prev, dup := seen[key]; dup {
			add(in, ErrDuplicateComune, fmt.Sprintf("also on line %d", prev), "")
		} else {
			seen[key] = in.Line
		}
		for _, e := range checkPlace(in) {
			f := add(in, e.err, e.detail, e.suggestion)
			f.Province, f.Distance = e.province, e.distance
		}
	}
	out = append(out, checkHubNames(p)...)
	out = append(out, checkClassrooms(p)...)
	out = append(out, checkStatements(p)...)
	return out
}

func phaseSpan(ph Phase) string {
	if ph.End.IsZero() {
		return "from " + formatDate(ph.Start)
	}
	return formatDate(ph.Start) + " to " + formatDate(ph.End)
}

type placeProblem struct {
	err                error
	detail, suggestion string
	province           string
	distance           int
}

// checkPlace checks a row's comune, province and region against ANPR as of
// the installation date.
func checkPlace(in Installation) []placeProblem {
	at := in.Start
	res, ok := resolveComune(in.Comune, in.Province, at)
	if !ok && in.Province != "" {
		if elsewhere, _ := cie.FindComune(in.Comune, "", at); len(elsewhere) > 0 {
			provs := make([]string, len(elsewhere))
			for i, pl := range elsewhere {
				provs[i] = pl.Province
			}
			detail := in.Province + " given, ANPR has " + strings.Join(provs, ", ")
			if len(elsewhere) == 1 {
				detail += formerProvince(elsewhere[0].Code, in.Province)
			}
			out := []placeProblem{{err: ErrProvinceMismatch, detail: detail, suggestion: provs[0]}}
			if len(elsewhere) == 1 {
				out[0].suggestion = elsewhere[0].Province
				if exact, d := writtenAs(in.Comune, elsewhere[0]); !exact {
					out = append(out, placeProblem{err: ErrSpelling, detail: "as of " + formatDate(at), suggestion: elsewhere[0].Name, province: elsewhere[0].Province, distance: d})
				}
			}
			return out
		}
	}
	if !ok {
		pr := placeProblem{err: ErrUnknownComune, detail: "as of " + formatDate(at)}
		if s := cie.SuggestComune(in.Comune, in.Province, at, 1); len(s) > 0 {
			pr.suggestion, pr.province = s[0].Name, s[0].Province
			_, pr.distance = writtenAs(in.Comune, s[0])
		}
		if in.Province != "" && !provinceKnown(in.Province, at) {
			return []placeProblem{pr, {err: ErrUnknownProvince, detail: in.Province}}
		}
		return []placeProblem{pr}
	}
	var out []placeProblem
	pl := res.place
	if !res.exact {
		detail := "as of " + formatDate(at)
		if res.guessed {
			detail += "; resolved to the closest name in " + pl.Province
		}
		out = append(out, placeProblem{err: ErrSpelling, detail: detail, suggestion: pl.Name, province: pl.Province, distance: res.distance})
	}
	if in.Region != "" && pl.Region != "" {
		if want, ok := regionNames[pl.Region]; ok && !sameRegion(in.Region, want) {
			out = append(out, placeProblem{err: ErrRegionMismatch, detail: fmt.Sprintf("%s is in %s", pl.Province, want), suggestion: want})
		}
	}
	return out
}

// checkHubNames reports hub and prefecture names that are not the ANPR
// name of a comune (each name once, at its first row), and hubs that the
// hubs table and the training dates of Allegato 3 write differently.
func checkHubNames(p *Plan) []*Inconsistency {
	var out []*Inconsistency
	at := planDate(p)
	seen := map[string]bool{}
	check := func(line int, name, where string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		res, ok := resolveComune(name, "", at)
		if !ok {
			// A city without a province: take the closest name anywhere,
			// if one is clearly closest.
			if s := cie.SuggestComune(name, "", at, 2); len(s) == 1 || len(s) == 2 && dist(name, s[0]) < dist(name, s[1]) {
				res, ok = resolution{place: s[0], distance: dist(name, s[0])}, true
			}
		}
		switch {
		case !ok:
			// Not a comune: reported below if the other table names it
			// differently, and by the hub checks otherwise.
		case !res.exact:
			out = append(out, &Inconsistency{Line: line, Detail: where + " " + strconvQuote(name), Suggestion: res.place.Name,
				Province: res.place.Province, Distance: res.distance, Err: ErrHubSpelling})
		}
	}
	for _, in := range p.Installations {
		check(in.Line, in.TrainingHub, "training hub")
	}
	for _, h := range p.Hubs {
		for _, c := range h.Cities {
			check(h.Line, c, "hubs table")
		}
	}
	for _, t := range p.Trainings {
		check(t.Line, t.Prefecture, "training dates")
	}
	// The same hub written two ways in Allegato 3.
	for _, h := range p.Hubs {
		for _, c := range h.Cities {
			for _, t := range p.Trainings {
				if fold(c) != fold(t.Prefecture) && sameCity(c, t.Prefecture) {
					out = append(out, &Inconsistency{Line: t.Line, Detail: fmt.Sprintf("hubs table (line %d) writes %q, training dates write %q", h.Line, c, t.Prefecture),
						Suggestion: c, Err: ErrHubMismatch})
				}
			}
		}
	}
	return out
}

func dist(name string, pl cie.Place) int {
	_, d := writtenAs(name, pl)
	return d
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// planDate is the earliest installation date of p, the date at which its
// names are checked; zero (any date) for a plan without installations.
func planDate(p *Plan) time.Time {
	var at time.Time
	for _, in := range p.Installations {
		if at.IsZero() || in.Start.Before(at) {
			at = in.Start
		}
	}
	return at
}

// formerProvince says when the comune last belonged to the given province,
// as ANPR's history records it (provinces were reorganised, e.g. in
// Sardinia in 2016), or "" if it never did.
func formerProvince(code, sigla string) string {
	h := cie.PlaceHistory(code)
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Province == sigla && !h[i].To.IsZero() {
			return fmt.Sprintf("; %s was its province until %s", sigla, formatDate(h[i].To))
		}
	}
	return ""
}

func provinceKnown(sigla string, at time.Time) bool {
	for pl := range cie.Comuni() {
		if pl.Province == sigla && pl.ValidAt(at) {
			return true
		}
	}
	return false
}

// regionNames are the ISTAT region codes (ANPR IDREGIONE) and names.
var regionNames = map[string]string{
	"01": "Piemonte", "02": "Valle d'Aosta/Vallée d'Aoste", "03": "Lombardia", "04": "Trentino-Alto Adige/Südtirol",
	"05": "Veneto", "06": "Friuli-Venezia Giulia", "07": "Liguria", "08": "Emilia-Romagna", "09": "Toscana",
	"10": "Umbria", "11": "Marche", "12": "Lazio", "13": "Abruzzo", "14": "Molise", "15": "Campania",
	"16": "Puglia", "17": "Basilicata", "18": "Calabria", "19": "Sicilia", "20": "Sardegna",
}

// sameRegion compares a region as a plan writes it with the official name:
// "Emilia Romagna" and "Trentino-Alto Adige" match.
func sameRegion(given, official string) bool {
	g, o := fold(given), fold(official)
	if g == o {
		return true
	}
	for _, part := range strings.Split(official, "/") {
		if fold(part) == g {
			return true
		}
	}
	return false
}

// fold lower-cases s and keeps only its letters and digits, without
// accents: "Forlì", "FORLI'" and "Forli" fold alike, as do "Emilia
// Romagna" and "Emilia-Romagna".
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = unicode.ToLower(r)
		if i := strings.IndexRune(accented, r); i >= 0 {
			b.WriteByte(plain[len([]rune(accented[:i]))])
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// accented and plain map the accented lower-case letters of Italian,
// German, French and Slovene place names to their base letters.
const (
	accented = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñšžčćđ"
	plain    = "aaaaaaeeeeiiiiooooouuuuyycnszccd"
)

// sameCity compares the names of hubs and prefectures. The annexes name
// some differently ("Olbia" in the hubs table, "Olbia-Tempio" in the
// training dates), so a name also matches its own first hyphenated part.
func sameCity(a, b string) bool {
	fa, fb := fold(a), fold(b)
	if fa == fb {
		return true
	}
	first := func(s string) string { f, _, _ := strings.Cut(s, "-"); return fold(f) }
	return first(a) == fb || fa == first(b)
}

// prefectureOf finds the training dates of a hub's prefecture.
func prefectureOf(ts []Training, hub string) (Training, bool) {
	for _, t := range ts {
		if fold(t.Prefecture) == fold(hub) {
			return t, true
		}
	}
	for _, t := range ts {
		if sameCity(t.Prefecture, hub) {
			return t, true
		}
	}
	return Training{}, false
}

func formatDates(ds []time.Time) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = formatDate(d)
	}
	return cmp.Or(strings.Join(s, ", "), "none")
}
