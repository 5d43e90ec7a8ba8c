package cie

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ocrPairs are the substitutions of the confusion model of issue 16
// (O/0, I/1, S/5, B/8, Z/2, both ways); "<-" and "<+" are a filler lost
// and doubled.
var ocrPairs = [][2]byte{{'O', '0'}, {'I', '1'}, {'S', '5'}, {'B', '8'}, {'Z', '2'}}

// injectConfusion applies one confusion, chosen uniformly among the seven
// kinds and then uniformly among the positions where it applies, to
// lines. A filler is lost or doubled within a run of two or more fillers
// (OCR miscounts chevrons in a run; a single filler between letters
// leaves a gap of one character pitch) unless anyFiller is set, in which
// case any filler may be lost or doubled. It reports false when the kind
// applies nowhere.
func injectConfusion(r *rand.Rand, lines *[3]string, anyFiller bool) bool {
	kind := r.IntN(len(ocrPairs) + 2)
	type at struct{ li, p int }
	var where []at
	for li, l := range lines {
		for p := 0; p < len(l); p++ {
			switch {
			case kind < len(ocrPairs):
				if l[p] == ocrPairs[kind][0] || l[p] == ocrPairs[kind][1] {
					where = append(where, at{li, p})
				}
			case l[p] == '<' && (anyFiller || (p > 0 && l[p-1] == '<') || (p+1 < len(l) && l[p+1] == '<')):
				where = append(where, at{li, p})
			}
		}
	}
	if len(where) == 0 {
		return false
	}
	w := where[r.IntN(len(where))]
	l := lines[w.li]
	switch {
	case kind < len(ocrPairs):
		c := ocrPairs[kind][0]
		if l[w.p] == c {
			c = ocrPairs[kind][1]
		}
		lines[w.li] = l[:w.p] + string(c) + l[w.p+1:]
	case kind == len(ocrPairs): // lost
		lines[w.li] = l[:w.p] + l[w.p+1:]
	default: // doubled
		lines[w.li] = l[:w.p] + "<" + l[w.p:]
	}
	return true
}

// genRepairMRZ returns a random valid MRZ: a CIE (card number two letters,
// five digits, two letters) seven times in ten, else a foreign TD1 with an
// alphanumeric number and optional data; names of one to three
// components.
func genRepairMRZ(r *rand.Rand) [3]string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const alnum = letters + "0123456789"
	word := func() string {
		n := 2 + r.IntN(9)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(26)]
		}
		return string(b)
	}
	name := func(k int) string {
		parts := make([]string, 1+r.IntN(k))
		for i := range parts {
			parts[i] = word()
		}
		return strings.Join(parts, " ")
	}
	for {
		birth := time.Date(1930+r.IntN(90), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		exp := time.Date(2020+r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		m := MRZ{DocumentCode: "C<", IssuingState: "ITA", Birth: birth.Format("060102"), Sex: []Sex{SexMale, SexFemale}[r.IntN(2)],
			Expiry: exp.Format("060102"), Nationality: "ITA", Surname: name(3), GivenNames: name(3)}
		if r.IntN(30) == 0 {
			m.GivenNames = "" // a mononym, or a surname only
		}
		if r.IntN(10) < 7 {
			m.DocumentNumber = fmt.Sprintf("C%c%05d%c%c", letters[r.IntN(26)], r.IntN(100000), letters[r.IntN(26)], letters[r.IntN(26)])
		} else {
			m.DocumentCode = []string{"I<", "ID", "A<"}[r.IntN(3)]
			m.IssuingState = []string{"DEU", "FRA", "BEL", "ESP", "D<<"}[r.IntN(5)]
			m.Nationality = m.IssuingState
			b := make([]byte, 9)
			for i := range b {
				b[i] = alnum[r.IntN(len(alnum))]
			}
			m.DocumentNumber = string(b)
			if r.IntN(2) == 0 {
				o := make([]byte, 1+r.IntN(10))
				for i := range o {
					o[i] = alnum[r.IntN(len(alnum))]
				}
				m.OptionalData2 = string(o)
			}
		}
		l, err := m.Lines()
		if err != nil {
			continue
		}
		if _, err := ParseMRZ(strings.Join(l[:], "\n")); err != nil {
			continue
		}
		return l
	}
}

// TestMRZRepairHarness is the evaluation of issue 16: n generated MRZs
// (10,000; 1,000 with -short) with one or two OCR confusions each.
// Precision is the share of returned MRZs equal to the original; recall
// the share of all inputs repaired to the original. The rules were
// written against seed (16, 1) with 2,000 MRZs; the figures reported in
// BENCH.md are from seed (16, 2), which was not looked at before.
func TestMRZRepairHarness(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	st := mrzRepairEval(rand.New(rand.NewPCG(16, 2)), n, false)
	t.Logf("MRZ repair, %d inputs (%d with one confusion, %d with two): returned %d, correct %d, wrong %d, refused %d (ambiguous %d); precision %.2f %%, recall %.2f %%; one confusion: recall %.2f %%, two: %.2f %%",
		st.n, st.n1, st.n-st.n1, st.correct+st.wrong, st.correct, st.wrong, st.refused, st.ambiguous,
		st.precision(), st.recall(), 100*float64(st.correct1)/float64(st.n1), 100*float64(st.correct-st.correct1)/float64(st.n-st.n1))
	assert.GreaterOrEqual(t, st.precision(), 99.0, "precision")
	assert.GreaterOrEqual(t, st.recall(), 95.0, "recall")
	// The same with a filler lost or doubled anywhere, single fillers
	// between letters included: reported, not asserted (a lost single
	// filler is invisible to any check).
	u := mrzRepairEval(rand.New(rand.NewPCG(16, 2)), n, true)
	t.Logf("any-filler model, %d inputs: returned %d, correct %d, wrong %d, refused %d (ambiguous %d); precision %.2f %%, recall %.2f %%",
		u.n, u.correct+u.wrong, u.correct, u.wrong, u.refused, u.ambiguous, u.precision(), u.recall())
}

type repairStats struct {
	n, n1, correct, correct1, wrong, refused, ambiguous int
}

func (s repairStats) precision() float64 {
	return 100 * float64(s.correct) / float64(max(1, s.correct+s.wrong))
}
func (s repairStats) recall() float64 { return 100 * float64(s.correct) / float64(max(1, s.n)) }

func mrzRepairEval(r *rand.Rand, n int, anyFiller bool) repairStats {
	var st repairStats
	for st.n < n {
		orig := genRepairMRZ(r)
		bad := orig
		k := 1 + r.IntN(2)
		ok := true
		for range k {
			ok = ok && injectConfusion(r, &bad, anyFiller)
		}
		if !ok || bad == orig {
			continue
		}
		st.n++
		if k == 1 {
			st.n1++
		}
		m, changes, err := RepairMRZ(strings.Join(bad[:], "\n"), RepairOptions{})
		switch {
		case err != nil:
			st.refused++
			if errors.Is(err, ErrAmbiguousRepair) {
				st.ambiguous++
			}
		case m.String() == strings.Join(orig[:], "\n") && len(changes) > 0:
			st.correct++
			if k == 1 {
				st.correct1++
			}
		default:
			st.wrong++
		}
	}
	return st
}

func TestRepairMRZ(t *testing.T) {
	t.Parallel()
	// Every specimen, with one confusion at each position where the
	// confusion model applies, is repaired to itself or refused, never
	// repaired to something else.
	var repaired, refused, stillValid int
	defer func() {
		t.Logf("specimens with one confusion: %d repaired, %d refused, %d still valid MRZs (returned unchanged), 0 wrong", repaired, refused, stillValid)
	}()
	for _, sp := range mrzSpecimens {
		m, ch, err := RepairMRZ(sp.lines, RepairOptions{})
		require.NoError(t, err, sp.name)
		assert.Empty(t, ch, "%s: a valid MRZ needs no change", sp.name)
		assert.Equal(t, sp.want, *m, sp.name)
		lines := strings.Fields(sp.lines)
		if len(lines) != 3 {
			continue
		}
		for li, l := range lines {
			for p := 0; p < 30; p++ {
				c, ok := mrzPartner(l[p])
				if !ok {
					continue
				}
				bad := slicesCopy(lines)
				bad[li] = l[:p] + string(c) + l[p+1:]
				got, ch, err := RepairMRZ(strings.Join(bad, "\n"), RepairOptions{})
				if err != nil {
					require.ErrorAs(t, err, new(*MRZError), "%s line %d pos %d", sp.name, li+1, p+1)
					refused++
					continue // refused: allowed, never wrong
				}
				if *got == sp.want {
					repaired++
					require.Len(t, ch, 1, "%s line %d pos %d: %+v", sp.name, li+1, p+1, ch)
					assert.Equal(t, MRZChange{Line: li + 1, Pos: p + 1, Field: mrzField(li+1, p+1), From: c, To: l[p], Reason: ch[0].Reason}, ch[0])
					continue
				}
				// A different valid MRZ is acceptable only if the
				// corrupted input itself was valid (no repair made).
				stillValid++
				assert.Empty(t, ch, "%s line %d pos %d: wrong repair %+v", sp.name, li+1, p+1, ch)
			}
		}
	}

	ok := "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<"
	for _, tc := range []struct {
		name, in string
		changes  []MRZChange
		err      error
	}{
		{"O for 0 in the date of birth", "C<ITACA00000AA4<<<<<<<<<<<<<<<\n64123O8F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
			[]MRZChange{{2, 6, "date of birth", 'O', '0', "type"}}, nil},
		{"8 for B in the name, lower case", strings.ToLower("C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<8IANCA<<<<<<<<<<<<<<<<<"),
			[]MRZChange{{3, 8, "name", '8', 'B', "type"}}, nil},
		{"2 for Z in the card number", "C<ITACA00000A24<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
			nil, ErrNoRepair}, // A2 -> AZ breaks the check digit: the number is CA00000AA
		{"filler lost in line 1", "C<ITACA00000AA4<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
			[]MRZChange{{1, 16, "optional data", 0, '<', "length"}}, nil},
		{"filler doubled in the padding of line 3", "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<<",
			[]MRZChange{{3, 14, "name", '<', 0, "length"}}, nil},
		{"separator filler lost: ambiguous", "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<BIANCA<<<<<<<<<<<<<<<<<",
			nil, ErrAmbiguousRepair},
		{"a wrong digit that is no confusion", "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412318F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
			nil, ErrNoRepair},
		{"two lines", "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0", nil, ErrLength},
		{"line of 27", "C<ITACA00000AA4<<<<<<<<<<<<\n6412308F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<", nil, ErrLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, ch, err := RepairMRZ(tc.in, RepairOptions{})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err, "RepairMRZ")
				assert.Nil(t, m)
				assert.Nil(t, ch)
				me, isMRZ := errors.AsType[*MRZError](err)
				require.True(t, isMRZ, "error type %T", err)
				assert.NotContains(t, me.Error(), "ROSSI")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, ok, m.String())
			assert.Equal(t, tc.changes, ch)
		})
	}
}

func slicesCopy(s []string) []string { return append([]string(nil), s...) }

// FuzzRepairMRZ: no panic; a result is a valid MRZ with its changes, an
// error a *MRZError and nothing else; a valid input comes back unchanged.
func FuzzRepairMRZ(f *testing.F) {
	for _, sp := range mrzSpecimens {
		f.Add(sp.lines)
	}
	f.Add("C<ITACA00000AA4<<<<<<<<<<<<<<\n64123O8F2212304ITA<<<<<<<<<<<0\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<<")
	f.Add("<\n<\n<")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		m, ch, err := RepairMRZ(s, RepairOptions{})
		if err != nil {
			if m != nil || ch != nil {
				t.Fatalf("RepairMRZ returned a result with error %v", err)
			}
			if _, ok := errors.AsType[*MRZError](err); !ok {
				t.Fatalf("RepairMRZ error %T", err)
			}
			return
		}
		if _, perr := ParseMRZ(m.String()); perr != nil {
			t.Fatalf("RepairMRZ returned an MRZ that does not parse: %v", perr)
		}
		if p, perr := ParseMRZ(s); perr == nil && (len(ch) != 0 || *p != *m) {
			t.Fatalf("RepairMRZ changed a valid MRZ: %+v", ch)
		}
		if len(ch) > 4 {
			t.Fatalf("RepairMRZ made %d changes, more than the default budget", len(ch))
		}
	})
}

// BenchmarkRepairMRZ repairs 256 generated MRZs with one or two
// confusions each (seed 16/3), per repair.
func BenchmarkRepairMRZ(b *testing.B) {
	r := rand.New(rand.NewPCG(16, 3))
	var in []string
	for len(in) < 256 {
		orig := genRepairMRZ(r)
		bad := orig
		ok := true
		for range 1 + r.IntN(2) {
			ok = ok && injectConfusion(r, &bad, false)
		}
		if ok && bad != orig {
			in = append(in, strings.Join(bad[:], "\n"))
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _, _ = RepairMRZ(in[i%len(in)], RepairOptions{})
		i++
	}
}

// injectSubstitution applies one substitution of the confusion model (no
// filler lost or doubled).
func injectSubstitution(r *rand.Rand, lines *[3]string) bool {
	for {
		b := *lines
		if !injectConfusion(r, &b, false) {
			continue
		}
		if len(b[0]) == 30 && len(b[1]) == 30 && len(b[2]) == 30 {
			*lines = b
			return true
		}
	}
}
