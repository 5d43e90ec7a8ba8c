package deploy

import (
	"strings"
	"time"
	"unicode"

	"github.com/ciekit/ciekit/cie"
)

// spellKey is the form in which a plan's name is compared with the name
// ANPR writes, for the spelling findings: upper case, accents removed,
// apostrophes (also as written for an accent, "FORLI'") read as spaces,
// runs of spaces collapsed. Hyphens, letters and word breaks count:
// "Franca Villa Fontana" is not FRANCAVILLA FONTANA.
func spellKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		r = unicode.ToUpper(r)
		switch {
		case r == '\'' || r == '’' || r == '`' || r == '´' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/' || r == '.':
		default:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if i := strings.IndexRune(accentedUpper, r); i >= 0 {
			b.WriteByte(plain[len([]rune(accentedUpper[:i]))] - ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

const accentedUpper = "ÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝŸÇÑŠŽČĆĐ"

// editDistance is the optimal-string-alignment distance between a and b,
// by rune: insertions, deletions, substitutions and transpositions of
// adjacent runes each count 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	pp := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}

// saintForms expands the documented abbreviations of a name, "S." (San,
// Santo, Santa, Sant') and "SS." (Santi, Santissimo), as whole words; it
// returns nil when the name has none.
func saintForms(name string) []string {
	words := strings.Fields(strings.ReplaceAll(name, ".", ". "))
	forms := []string{""}
	found := false
	for _, w := range words {
		alts := []string{w}
		switch strings.ToUpper(w) {
		case "S.":
			alts, found = []string{"SAN", "SANTO", "SANTA", "SANT'"}, true
		case "SS.":
			alts, found = []string{"SANTI", "SANTISSIMO"}, true
		}
		if len(forms)*len(alts) > 16 {
			alts = alts[:1]
		}
		next := make([]string, 0, len(forms)*len(alts))
		for _, f := range forms {
			for _, a := range alts {
				sep := " "
				if strings.HasSuffix(f, "'") || f == "" {
					sep = ""
				}
				next = append(next, f+sep+a)
			}
		}
		forms = next
	}
	if !found {
		return nil
	}
	return forms
}

// writtenAs reports whether name is how ANPR writes the place, beyond
// case, accents and apostrophes, the abbreviations "S."/"SS." and the
// bilingual forms (either official name, or both as "Bolzano/Bozen"). It
// returns the edit distance between the two spellings otherwise.
func writtenAs(name string, pl cie.Place) (ok bool, distance int) {
	official := []string{spellKey(pl.Name)}
	if pl.AltName != "" {
		alt := spellKey(pl.AltName)
		official = append(official, alt, official[0]+"/"+alt, alt+"/"+official[0])
	}
	forms := append([]string{name}, saintForms(name)...)
	best := -1
	for _, f := range forms {
		k := spellKey(f)
		for _, o := range official {
			if k == o {
				return true, 0
			}
		}
	}
	k := spellKey(name)
	for _, o := range official[:1] {
		if d := editDistance(k, o); best < 0 || d < best {
			best = d
		}
	}
	return false, best
}

// resolution is how a plan's comune name maps to ANPR: the place, whether
// the name is written as ANPR writes it, and the edit distance if not.
type resolution struct {
	place    cie.Place
	exact    bool
	distance int
	guessed  bool // found only by the closest-name search
}

// resolveComune finds the comune a plan means by name in province ("" for
// any) on the date at: by the names FindComune accepts, or else by the one
// closest name in the province (a unique best candidate). ok is false when
// neither finds one.
func resolveComune(name, province string, at time.Time) (res resolution, ok bool) {
	if found, _ := cie.FindComune(name, province, at); len(found) > 0 {
		pl := found[0]
		exact, d := writtenAs(name, pl)
		return resolution{place: pl, exact: exact, distance: d}, true
	}
	if province == "" {
		return resolution{}, false
	}
	cands := cie.SuggestComune(name, province, at, 2)
	if len(cands) == 0 {
		return resolution{}, false
	}
	_, d0 := writtenAs(name, cands[0])
	if len(cands) > 1 {
		if _, d1 := writtenAs(name, cands[1]); d1 <= d0 {
			return resolution{}, false // two as close: no guess
		}
	}
	return resolution{place: cands[0], distance: d0, guessed: true}, true
}
