package cie

import (
	"strings"
	"unicode"
)

// UmlautPolicy selects how letters with a diaeresis or ring are written in
// the Latin-only alphabet of the MRZ and of the codice fiscale, where ICAO
// Doc 9303-3 §6.A allows two forms.
type UmlautPolicy uint8

const (
	// UmlautExpand writes Ä→AE, Ö→OE, Ü→UE, Å→AA: the Italian administrative
	// table (Circ. Min. Interno 1/2008, Agenzia Entrate Circ. 34/E 2011) and
	// ICAO's first option. It is the zero value and the default.
	UmlautExpand UmlautPolicy = iota
	// UmlautBase writes Ä→A, Ö→O, Ü→U, Å→A (ICAO's second option).
	UmlautBase
)

// mrzLatin maps upper-case letters with diacritics to their ICAO Doc 9303-3
// §6.A transliteration. The four letters that depend on the policy are
// handled in translitName.
var mrzLatin = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ā': "A", 'Ă': "A", 'Ą': "A",
	'Æ': "AE", 'Ç': "C", 'Ć': "C", 'Ĉ': "C", 'Ċ': "C", 'Č': "C",
	'Ð': "D", 'Ď': "D", 'Đ': "D",
	'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ē': "E", 'Ĕ': "E", 'Ė': "E", 'Ę': "E", 'Ě': "E",
	'Ĝ': "G", 'Ğ': "G", 'Ġ': "G", 'Ģ': "G", 'Ĥ': "H", 'Ħ': "H",
	'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I", 'Ĩ': "I", 'Ī': "I", 'Ĭ': "I", 'Į': "I", 'İ': "I",
	'Ĳ': "IJ", 'Ĵ': "J", 'Ķ': "K",
	'Ĺ': "L", 'Ļ': "L", 'Ľ': "L", 'Ŀ': "L", 'Ł': "L",
	'Ñ': "N", 'Ń': "N", 'Ņ': "N", 'Ň': "N", 'Ŋ': "N",
	'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ō': "O", 'Ŏ': "O", 'Ő': "O", 'Ø': "OE", 'Œ': "OE",
	'Ŕ': "R", 'Ŗ': "R", 'Ř': "R",
	'Ś': "S", 'Ŝ': "S", 'Ş': "S", 'Š': "S", 'ß': "SS", 'ẞ': "SS",
	'Ţ': "T", 'Ť': "T", 'Ŧ': "T", 'Þ': "TH",
	'Ù': "U", 'Ú': "U", 'Û': "U", 'Ũ': "U", 'Ū': "U", 'Ŭ': "U", 'Ů': "U", 'Ű': "U", 'Ų': "U",
	'Ŵ': "W", 'Ý': "Y", 'Ŷ': "Y", 'Ÿ': "Y", 'Ź': "Z", 'Ż': "Z", 'Ž': "Z",
}

// translitName writes a name in the letters A-Z, with a single space between
// components: apostrophes (and the other marks used as apostrophes) are
// dropped, joining the components; spaces, hyphens and commas separate
// components; full stops are dropped; letters with diacritics are
// transliterated; other punctuation is dropped. It returns the 1-based rune
// position of the first character it cannot write (a digit, a non-Latin
// letter, a symbol), or 0.
func translitName(s string, u UmlautPolicy) (string, int) {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	pos := 0
	for _, r := range s {
		pos++
		r = unicode.ToUpper(r)
		var out string
		switch {
		case r >= 'A' && r <= 'Z':
			out = string(r)
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '´' || r == '‘' || r == '.':
			continue
		case r == ' ' || r == '-' || r == ',' || r == '\t' || r == '‐' || r == '–' || r == 0xa0:
			sep = true
			continue
		case unicode.IsPunct(r):
			continue // other punctuation is omitted (Doc 9303-3 §4.6)
		case r == 'Ä' || r == 'Ö' || r == 'Ü' || r == 'Å':
			out = translitUmlaut(r, u)
		default:
			t, ok := mrzLatin[r]
			if !ok {
				return "", pos
			}
			out = t
		}
		if sep && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sep = false
		b.WriteString(out)
	}
	return b.String(), 0
}

// translitUmlaut writes Ä, Ö, Ü or Å according to the policy.
func translitUmlaut(r rune, u UmlautPolicy) string {
	expand := u == UmlautExpand
	switch r {
	case 'Ä':
		if expand {
			return "AE"
		}
		return "A"
	case 'Ö':
		if expand {
			return "OE"
		}
		return "O"
	case 'Ü':
		if expand {
			return "UE"
		}
		return "U"
	default: // 'Å'
		if expand {
			return "AA"
		}
		return "A"
	}
}
