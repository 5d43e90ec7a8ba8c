package cie

import (
	"errors"
	"slices"
	"strings"
)

// Errors of [RepairMRZ]; the [*MRZError] it returns unwraps to one of them.
var (
	// ErrNoRepair: no MRZ within the allowed number of changes satisfies
	// every check digit and field type.
	ErrNoRepair = errors.New("cie: MRZ cannot be repaired")
	// ErrAmbiguousRepair: more than one MRZ with the fewest changes
	// satisfies every check, so none is returned.
	ErrAmbiguousRepair = errors.New("cie: MRZ repair is ambiguous")
)

// MRZChange is one edit made by [RepairMRZ]. Line and Pos are 1-based
// positions in the repaired lines. From is the character read (0 for an
// inserted filler), To the character written (0 for a deleted one).
// Reason is "type" (a letter where only digits are allowed, or the
// reverse), "check digit" (chosen because it satisfies a check digit) or
// "length" (a filler lost or doubled by OCR).
type MRZChange struct {
	Line, Pos int
	Field     string
	From, To  byte
	Reason    string
}

// RepairOptions configures [RepairMRZ]. The zero value is valid.
type RepairOptions struct {
	// MaxChanges is the largest number of edits tried (0 means 4).
	MaxChanges int
}

// mrzToDigit and mrzToLetter are the OCR confusions repaired by type.
// Into a digit position any of O, D, Q→0, I, L→1, Z→2, S→5, G→6, B→8 can
// only mean that digit. Into a letter position (which has no check digit)
// only the pairs of the confusion model are used, O/0, I/1, Z/2, S/5, B/8:
// an engine that also reads L as 1 or D as 0 would make those repairs
// wrong, so they are not attempted the other way.
var (
	mrzToDigit  = map[byte]byte{'O': '0', 'D': '0', 'Q': '0', 'I': '1', 'L': '1', 'Z': '2', 'S': '5', 'G': '6', 'B': '8'}
	mrzToLetter = map[byte]byte{'0': 'O', '1': 'I', '2': 'Z', '5': 'S', '8': 'B'}
	mrzPairs    = map[byte]byte{'O': '0', '0': 'O', 'I': '1', '1': 'I', 'Z': '2', '2': 'Z', 'S': '5', '5': 'S', 'B': '8', '8': 'B'}
)

// RepairMRZ reads a TD1 MRZ as an OCR engine returns it from a photo or a
// scan, and returns the most likely valid MRZ with the list of changes
// made. The input is three lines separated by white space (or 90
// characters in one piece); lower case is upper-cased. When the input
// already parses ([ParseMRZ]) it is returned with no changes.
//
// Repairs use only what the MRZ itself guarantees (ICAO Doc 9303-3 §4.9,
// Doc 9303-5 §4.2):
//
//   - field types: a letter where only digits are allowed (dates, check
//     digits) becomes the digit it is confused with (O, D, Q→0; I, L→1;
//     Z→2; S→5; G→6; B→8), and a digit where only letters are allowed
//     (document code, States, sex, the name line; on a CIE the letters of
//     the card number, [ParseCardNumber]) the letter of the pairs O/0, I/1,
//     Z/2, S/5, B/8 (so a 1 in a name becomes I, even where the card has
//     L: no check digit covers the name);
//   - check digits: in the fields without a fixed type (document number,
//     optional data) a character is replaced by its confusion partner only
//     when that makes the field's check digit and the composite check digit
//     right;
//   - length: OCR miscounts the fillers of a run ("<<<<"): a line of 29 or
//     31 characters gets a filler '<' inserted next to a filler, or one of
//     its fillers removed, when that leads to a valid MRZ. The name line has
//     no check digit, so there a lost filler is repaired only when exactly
//     one placement gives a valid name line (a filler lost from the "<<"
//     separator is refused), and an extra one only when exactly one
//     placement is valid or when the line as read is a valid name line
//     whose padding holds the extra filler (the names as read are kept;
//     this is wrong only for a name without given names whose component
//     separator was doubled, "AB<CD" read as "AB<<CD"). A single filler
//     between two letters lost by the OCR cannot be seen and is not
//     repaired.
//
// Among the valid MRZs with the fewest changes (at most
// [RepairOptions.MaxChanges]) exactly one must exist; otherwise it refuses
// rather than guess. The error is a [*MRZError]: for a line count or a
// length that cannot be repaired, wrapping [ErrLength]; otherwise wrapping
// [ErrNoRepair] or [ErrAmbiguousRepair], with the line and position of
// the first error [ParseMRZ] found in the input. On error the MRZ and the
// changes are nil. Like every error of this package it holds at most one
// character of the input.
//
// Measured on 10,000 generated MRZs with one or two OCR confusions each,
// precision and recall are in BENCH.md (TestMRZRepairHarness).
func RepairMRZ(s string, opts RepairOptions) (*MRZ, []MRZChange, error) {
	if m, err := ParseMRZ(s); err == nil {
		return m, nil, nil
	}
	budget := opts.MaxChanges
	if budget <= 0 {
		budget = 4
	}
	raw := strings.Fields(strings.ToUpper(s))
	if len(raw) == 1 && len(raw[0]) == 90 {
		raw = []string{raw[0][:30], raw[0][30:60], raw[0][60:]}
	}
	if len(raw) != 3 {
		return nil, nil, &MRZError{Err: ErrLength}
	}
	for li, l := range raw {
		if len(l) < 29 || len(l) > 31 {
			return nil, nil, &MRZError{Line: li + 1, Err: ErrLength}
		}
	}
	_, firstErr := ParseMRZ(strings.Join(raw, "\n"))
	fail := func(sentinel error) error {
		e := &MRZError{Err: sentinel}
		if me, ok := errors.AsType[*MRZError](firstErr); ok {
			e.Line, e.Pos, e.Field = me.Line, me.Pos, me.Field
		}
		return e
	}

	// Line 3: type repair, then length.
	l3, ch3 := repairTyped(raw[2], 3, func(int) byte { return 'L' })
	if l3 == "" {
		return nil, nil, fail(ErrNoRepair)
	}
	l3c, lch3, err := repairNameLength(l3)
	if err != nil {
		return nil, nil, fail(err)
	}
	ch3 = append(ch3, lch3...)

	type result struct {
		lines   [3]string
		changes []MRZChange
	}
	var best []result
	bestCost := budget + 1
	for _, c1 := range lengthCandidates(raw[0], 1) {
		for _, c2 := range lengthCandidates(raw[1], 2) {
			base := len(c1.changes) + len(c2.changes) + len(ch3)
			if base > budget || base > bestCost {
				continue
			}
			for _, r := range repairLines12(c1.line, c2.line, l3c, budget-base) {
				cost := base + len(r.changes)
				if cost > bestCost {
					continue
				}
				all := slices.Concat(c1.changes, c2.changes, r.changes, ch3)
				if cost < bestCost {
					bestCost, best = cost, nil
				}
				if !slices.ContainsFunc(best, func(b result) bool { return b.lines == r.lines }) {
					best = append(best, result{r.lines, all})
				}
			}
		}
	}
	switch len(best) {
	case 0:
		return nil, nil, fail(ErrNoRepair)
	case 1:
	default:
		return nil, nil, fail(ErrAmbiguousRepair)
	}
	m, err := ParseMRZ(strings.Join(best[0].lines[:], "\n"))
	if err != nil {
		return nil, nil, fail(ErrNoRepair) // not reached: candidates are parsed
	}
	changes := best[0].changes
	slices.SortStableFunc(changes, func(a, b MRZChange) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Pos - b.Pos
	})
	return m, changes, nil
}

// lineCand is a line of 30 characters with the length edits that made it.
type lineCand struct {
	line    string
	changes []MRZChange
}

// lengthCandidates returns l itself when it has 30 characters, else every
// distinct line made by inserting a filler next to a filler or at the end
// (29 characters) or by deleting a filler (31).
func lengthCandidates(l string, li int) []lineCand {
	switch len(l) {
	case 30:
		return []lineCand{{line: l}}
	case 29:
		var out []lineCand
		for p := 0; p <= 29; p++ {
			if !(p == 29 || l[p] == '<' || (p > 0 && l[p-1] == '<')) {
				continue
			}
			n := l[:p] + "<" + l[p:]
			if !slices.ContainsFunc(out, func(c lineCand) bool { return c.line == n }) {
				out = append(out, lineCand{n, []MRZChange{{Line: li, Pos: p + 1, Field: mrzField(li, p+1), To: '<', Reason: "length"}}})
			}
		}
		return out
	case 31:
		var out []lineCand
		for p := 0; p < 31; p++ {
			if l[p] != '<' {
				continue
			}
			n := l[:p] + l[p+1:]
			if !slices.ContainsFunc(out, func(c lineCand) bool { return c.line == n }) {
				out = append(out, lineCand{n, []MRZChange{{Line: li, Pos: p + 1, Field: mrzField(li, p+1), From: '<', Reason: "length"}}})
			}
		}
		return out
	}
	return nil
}

// repairTyped applies the type repairs to line li: kind(p) (0-based) is
// 'D' for a digit position, 'L' for a letter-or-filler position, 'F' for a
// digit-or-filler position, anything else for no type. It returns "" when
// a character violates its type and has no confusion partner.
func repairTyped(l string, li int, kind func(int) byte) (string, []MRZChange) {
	b := []byte(l)
	var ch []MRZChange
	for p, c := range b {
		switch kind(p) {
		case 'D', 'F':
			if c >= '0' && c <= '9' || (c == '<' && kind(p) == 'F') {
				continue
			}
			d, ok := mrzToDigit[c]
			if !ok {
				return "", nil
			}
			b[p] = d
		case 'L':
			if c >= 'A' && c <= 'Z' || c == '<' {
				continue
			}
			d, ok := mrzToLetter[c]
			if !ok {
				return "", nil
			}
			b[p] = d
		default:
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<') {
				return "", nil
			}
			continue
		}
		ch = append(ch, MRZChange{Line: li, Pos: p + 1, Field: mrzField(li, p+1), From: c, To: b[p], Reason: "type"})
	}
	return string(b), ch
}

// mrzNameLineValid reports whether l3 is a name line ParseMRZ accepts.
func mrzNameLineValid(l3 string) bool {
	if len(l3) != 30 || l3[0] == '<' {
		return false
	}
	for i := range 30 {
		if c := l3[i]; !(c >= 'A' && c <= 'Z' || c == '<') {
			return false
		}
	}
	if i := strings.Index(l3, "<<"); i >= 0 {
		rest := strings.TrimRight(l3[i+2:], "<")
		if rest != "" && (rest[0] == '<' || strings.Contains(rest, "<<")) {
			return false
		}
	}
	return true
}

// repairNameLength fixes the length of the (type-repaired) name line; see
// RepairMRZ for the rule.
func repairNameLength(l3 string) (string, []MRZChange, error) {
	if len(l3) == 30 {
		return l3, nil, nil
	}
	var valid []lineCand
	for _, c := range lengthCandidates(l3, 3) {
		if mrzNameLineValid(c.line) {
			valid = append(valid, c)
		}
	}
	if len(valid) == 1 {
		return valid[0].line, valid[0].changes, nil
	}
	if len(valid) == 0 {
		return "", nil, ErrNoRepair
	}
	// Several placements. A lost filler could have been in the padding or
	// in the "<<" separator: refuse. An extra filler is removed from the
	// padding only when the line as read is a valid name line apart from
	// its length (so the names as read are kept, not moved).
	if len(l3) == 29 || !mrzNameLineValid(l3[:30]) || strings.TrimRight(l3, "<") != strings.TrimRight(l3[:30], "<") {
		return "", nil, ErrAmbiguousRepair
	}
	last := strings.LastIndexFunc(l3, func(r rune) bool { return r != '<' })
	var pad []lineCand
	for _, c := range valid {
		if c.changes[0].Pos-1 > last && !slices.ContainsFunc(pad, func(d lineCand) bool { return d.line == c.line }) {
			pad = append(pad, c)
		}
	}
	if len(pad) != 1 {
		return "", nil, ErrAmbiguousRepair
	}
	return pad[0].line, pad[0].changes, nil
}

// repairLines12 returns every repair of lines 1 and 2 (30 characters each)
// with at most budget changes that makes the whole MRZ parse, with the
// fewest changes first found; the caller keeps the cheapest.
func repairLines12(l1, l2, l3 string, budget int) []struct {
	lines   [3]string
	changes []MRZChange
} {
	type res = struct {
		lines   [3]string
		changes []MRZChange
	}
	cie := strings.HasPrefix(l1, "C<ITA")
	t1, ch1 := repairTyped(l1, 1, func(p int) byte {
		switch {
		case p == 0 || (p >= 2 && p < 5):
			return 'L'
		case p == 14:
			return 'F' // '<' before a long document number
		case cie && (p == 5 || p == 6 || p == 12 || p == 13):
			return 'L'
		case cie && p >= 7 && p < 12:
			return 'D'
		}
		return 0
	})
	t2, ch2 := repairTyped(l2, 2, func(p int) byte {
		switch {
		case p < 6:
			return 'F' // "<<" for an unknown part of the date of birth
		case p == 6 || (p >= 8 && p < 15) || p == 29:
			return 'D'
		case p == 7 || (p >= 15 && p < 18):
			return 'L'
		}
		return 0
	})
	if t1 == "" || t2 == "" {
		return nil
	}
	typed := slices.Concat(ch1, ch2)
	if len(typed) > budget {
		return nil
	}
	try := func(a, b string) bool { _, err := ParseMRZ(a + "\n" + b + "\n" + l3); return err == nil }
	if try(t1, t2) {
		return []res{{[3]string{t1, t2, l3}, typed}}
	}
	// Untyped positions whose character has a confusion partner: the
	// document number (unless typed on a CIE) and the optional data.
	type pos struct {
		line, p int
		alt     byte
	}
	var cands []pos
	for p := 5; p < 30; p++ {
		if p == 14 || (cie && p < 14) {
			continue
		}
		if alt, ok := mrzPartner(t1[p]); ok {
			cands = append(cands, pos{1, p, alt})
		}
	}
	for p := 18; p < 29; p++ {
		if alt, ok := mrzPartner(t2[p]); ok {
			cands = append(cands, pos{2, p, alt})
		}
	}
	left := min(budget-len(typed), 2)
	var out []res
	for n := 1; n <= left && len(out) == 0; n++ {
		var rec func(start int, chosen []pos)
		rec = func(start int, chosen []pos) {
			if len(chosen) == n {
				b1, b2 := []byte(t1), []byte(t2)
				ch := slices.Clone(typed)
				for _, c := range chosen {
					b := b1
					if c.line == 2 {
						b = b2
					}
					ch = append(ch, MRZChange{Line: c.line, Pos: c.p + 1, Field: mrzField(c.line, c.p+1), From: b[c.p], To: c.alt, Reason: "check digit"})
					b[c.p] = c.alt
				}
				if try(string(b1), string(b2)) {
					out = append(out, res{[3]string{string(b1), string(b2), l3}, ch})
				}
				return
			}
			for i := start; i < len(cands); i++ {
				rec(i+1, append(chosen, cands[i]))
			}
		}
		rec(0, nil)
	}
	return out
}

// mrzPartner returns the confusion partner of c in an untyped field (the
// pairs of the model only).
func mrzPartner(c byte) (byte, bool) {
	d, ok := mrzPairs[c]
	return d, ok
}
