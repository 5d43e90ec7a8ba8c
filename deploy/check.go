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
)

// Inconsistency is one thing in a plan that does not add up. Line is the
// row's line in the source (0 if unknown); Detail says what was found and
// Suggestion, when not empty, the likely intended value.
type Inconsistency struct {
	Line       int
	Comune     string
	Detail     string
	Suggestion string
	Err        error
}

func (e *Inconsistency) Error() string {
	var b strings.Builder
	b.WriteString("deploy: ")
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
		fmt.Fprintf(&b, "; did you mean %q?", e.Suggestion)
	}
	return b.String()
}

func (e *Inconsistency) Unwrap() error { return e.Err }

// Check cross-checks a plan and returns every inconsistency found, in the
// order of the plan's rows (nil when there is none):
//
//   - installation periods that end before they start, and courses after
//     the installation starts;
//   - course dates that the hub's prefecture does not offer (Allegato 3),
//     and hubs missing from the hubs table (checked only when the plan has
//     those tables);
//   - comuni unknown to the ANPR table at their installation date (with the
//     closest official name as the suggestion), or in another province (with
//     the date until which ANPR had them in the given one, after province
//     reforms); unknown province sigle; provinces outside the region the
//     row names;
//   - comuni listed twice.
func Check(p *Plan) []*Inconsistency {
	var out []*Inconsistency
	add := func(in Installation, err error, detail, suggestion string) {
		out = append(out, &Inconsistency{Line: in.Line, Comune: in.Comune, Detail: detail, Suggestion: suggestion, Err: err})
	}

	var hubs []string
	for _, h := range p.Hubs {
		hubs = append(hubs, h.Cities...)
	}
	seen := map[string]int{}
	for _, in := range p.Installations {
		if in.End.Before(in.Start) {
			add(in, ErrPeriodReversed, fmt.Sprintf("%s to %s", formatDate(in.Start), formatDate(in.End)), "")
		}
		if !in.Course.IsZero() && in.Course.After(in.Start) {
			add(in, ErrTrainingAfter, fmt.Sprintf("course %s, installation from %s", formatDate(in.Course), formatDate(in.Start)), "")
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
			add(in, e.err, e.detail, e.suggestion)
		}
	}
	return out
}

type placeProblem struct {
	err                error
	detail, suggestion string
}

// checkPlace checks a row's comune, province and region against ANPR as of
// the installation date.
func checkPlace(in Installation) []placeProblem {
	at := in.Start
	found, _ := cie.FindComune(in.Comune, in.Province, at)
	if len(found) == 0 && in.Province != "" {
		if elsewhere, _ := cie.FindComune(in.Comune, "", at); len(elsewhere) > 0 {
			provs := make([]string, len(elsewhere))
			for i, pl := range elsewhere {
				provs[i] = pl.Province
			}
			detail := in.Province + " given, ANPR has " + strings.Join(provs, ", ")
			if len(elsewhere) == 1 {
				detail += formerProvince(elsewhere[0].Code, in.Province)
			}
			return []placeProblem{{err: ErrProvinceMismatch, detail: detail, suggestion: provs[0]}}
		}
	}
	if len(found) == 0 {
		pr := placeProblem{err: ErrUnknownComune, detail: "as of " + formatDate(at)}
		if s := cie.SuggestComune(in.Comune, in.Province, at, 1); len(s) > 0 {
			pr.suggestion = s[0].Name
		}
		if in.Province != "" && !provinceKnown(in.Province, at) {
			return []placeProblem{pr, {err: ErrUnknownProvince, detail: in.Province}}
		}
		return []placeProblem{pr}
	}
	var out []placeProblem
	pl := found[0]
	if in.Region != "" && pl.Region != "" {
		if want, ok := regionNames[pl.Region]; ok && !sameRegion(in.Region, want) {
			out = append(out, placeProblem{err: ErrRegionMismatch, detail: fmt.Sprintf("%s is in %s", pl.Province, want), suggestion: want})
		}
	}
	return out
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
