//go:build peers

// Differential tests against the npm peers (cie/testdata/peers): mrz@5.0.2,
// codice-fiscale-js@2.4.0 and @marketto/codice-fiscale-utils@3.1.3 with
// @marketto/belfiore-connector-embedded@1.2.1. `make test` enables the tag
// and scripts/setup.d/20-node-peers.sh installs the packages. Every
// disagreement is either a bug fixed here or a reason in peerAllow below and
// in PEERS.md.
package cie

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// peerPeople is how many generated people each differential test runs.
const peerPeople = 10000

// peerAllow lists the accepted disagreements, by reason. Each key is used
// by a classifier below; PEERS.md explains each one.
var peerAllow = map[string]string{
	"mrz-calendar":           "mrz@5.0.2 checks only month 1-12 and day 1-31, so it accepts 31 February and 29 February of non-leap years; ParseMRZ rejects them",
	"mrz-state-list":         "mrz@5.0.2 rejects State codes outside its ISO 3166 list (UTO, the ICAO specimen State); ParseMRZ checks only the alphabet",
	"mrz-filler-digit":       "mrz@5.0.2 accepts a filler '<' where a digit belongs (dates, check digits), counting it as 0; ParseMRZ requires digits, allowing \"<<\" only for an unknown part of the date of birth",
	"mrz-doc-code":           "mrz@5.0.2 accepts any letter as TD1 document code; ParseMRZ follows Doc 9303-5 (A, C or I, second character not V, not AI)",
	"cfjs-calendar":          "codice-fiscale-js@2.4.0 check() accepts 31 February and other non-existent days (spec sheet §0.11)",
	"cfjs-accents":           "codice-fiscale-js@2.4.0 drops letters with diacritics instead of transliterating them (Nicolò's ò, Müller's ü); we use the Italian table (Circ. 34/E 2011)",
	"marketto-name":          "@marketto/codice-fiscale-utils refuses (returns null for) names it does not consider valid: one-letter names, hyphenated names and long multi-part names; the DM 23/12/1976 rules apply to them all",
	"marketto-umlaut":        "@marketto/codice-fiscale-utils writes Ä/Ö/Ü as A/O/U; the Italian table (Circ. 1/2008, 34/E 2011) and ParseCodiceFiscale/ComputeCodiceFiscale write AE/OE/UE",
	"marketto-place":         "@marketto/codice-fiscale-utils validates the place and the century (20YY unless in the future) together; CodiceFiscale.Decode tries every century and the cie place tables",
	"marketto-place-data":    "the place tables differ: @marketto/belfiore-connector-embedded (ISTAT 2024-03) vs the ANPR archive embedded in cie",
	"compute-strict":         "ComputeCodiceFiscale refuses to compose a code with a birthplace not valid on the birth date in the ANPR archive (the PlaceError carries the nearest record); marketto encodeCf composes it when its own table has the place then",
	"marketto-out-of-period": "@marketto/codice-fiscale-utils rejects a codice fiscale whose place code its table does not have on the birth date; CodiceFiscale.Decode accepts a real code out of its period with FindingPlaceOutOfPeriod (issue 16)",
}

// peer runs peers.mjs once per test binary.
type peer struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	id  int
}

var (
	peerOnce sync.Once
	peerProc *peer
	peerErr  error
)

func startPeer(t *testing.T) *peer {
	t.Helper()
	peerOnce.Do(func() {
		dir := filepath.Join("testdata", "peers")
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "mrz")); err != nil {
			peerErr = fmt.Errorf("npm peers not installed (run scripts/setup.d/20-node-peers.sh): %v", err)
			return
		}
		node, err := exec.LookPath("node")
		if err != nil {
			peerErr = fmt.Errorf("node not found: %v", err)
			return
		}
		cmd := exec.Command(node, "peers.mjs")
		cmd.Dir = dir
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			peerErr = err
			return
		}
		outp, err := cmd.StdoutPipe()
		if err != nil {
			peerErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			peerErr = err
			return
		}
		sc := bufio.NewScanner(outp)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		peerProc = &peer{cmd: cmd, in: in, out: sc}
	})
	if peerErr != nil {
		t.Skipf("peers: %v", peerErr)
	}
	return peerProc
}

// batch sends the requests and decodes one answer per request into out
// (a pointer to a slice).
func (p *peer) batch(t *testing.T, reqs []map[string]any, out any) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(p.in)
		enc := json.NewEncoder(w)
		for _, r := range reqs {
			p.id++
			r["id"] = p.id
			if err := enc.Encode(r); err != nil {
				errc <- err
				return
			}
		}
		errc <- w.Flush()
	}()
	var raws []json.RawMessage
	for range reqs {
		if !p.out.Scan() {
			t.Fatalf("peers: reading answer: %v", p.out.Err())
		}
		raws = append(raws, json.RawMessage(slices.Clone(p.out.Bytes())))
	}
	if err := <-errc; err != nil {
		t.Fatalf("peers: writing requests: %v", err)
	}
	all, _ := json.Marshal(raws)
	if err := json.Unmarshal(all, out); err != nil {
		t.Fatalf("peers: decoding answers: %v", err)
	}
}

// Name pools: Italian and foreign names with accents, apostrophes, spaces
// and hyphens (spec sheet §3.5, §5.1), plus random ASCII names.
var (
	peerSurnames = []string{
		"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
		"D'Angelo", "Dell'Acqua", "De Luca", "Di Stefano", "Lo Russo", "La Rosa", "Dall'Ò", "Fò", "Re", "Fo",
		"Nicolò", "Mazzà", "Cantù", "Forlì", "Sant'Elia", "De' Medici", "Della Valle Di Santa Croce",
		"Müller", "Öztürk", "Ñúñez", "Åberg", "Straße", "Łukasiewicz", "Dvořák", "Çelik", "Ærø", "O'Brien",
		"Ng", "Li", "Xu", "Wu", "Yu", "Ai", "Oe", "Ua", "Jöns", "Hernández-García", "Van Der Berg",
		"Papandropoulos", "Bennelong Wooloomooloo Warrandyte", "Ye", "Ó", "É",
	}
	peerGiven = []string{
		"Mario", "Luca", "Giuseppe", "Anna", "Maria Teresa", "Gianfranco", "Nicolò", "José", "Élise", "Ugo",
		"Jürgen", "Ötzi", "Ülkü", "Anna Maria", "Francesco Saverio", "Pier Paolo", "Gian-Luca", "Ai", "Io",
		"Ea", "Bo", "Zoë", "Chloé", "Noè", "Mattia", "Giulia", "Sofia", "Alessandro", "Leonardo", "Aurora",
		"Christopher Alexander Maximilian", "Eleonora", "Olga", "Ivo", "Ada", "Ettore", "Luciano", "Ümit", "Åsa",
	}
)

func peerRandomName(r *rand.Rand) string {
	const cons, vows = "BCDFGHJKLMNPQRSTVWXYZ", "AEIOU"
	n := 1 + r.IntN(12)
	b := make([]byte, 0, n+2)
	for i := 0; i < n; i++ {
		if r.IntN(2) == 0 {
			b = append(b, cons[r.IntN(len(cons))])
		} else {
			b = append(b, vows[r.IntN(len(vows))])
		}
		if i > 0 && i < n-1 && r.IntN(12) == 0 {
			b = append(b, " '-"[r.IntN(3)])
		}
	}
	return string(b)
}

type genPerson struct {
	Surname, Given string
	Sex            Sex
	Birth          time.Time
	Place          Place
}

func (p genPerson) person() Person {
	return Person{Surname: p.Surname, GivenNames: p.Given, Sex: p.Sex, BirthDate: p.Birth, BirthPlace: p.Place, Citizenship: "ITA"}
}

// peerPlaceRecords returns every comune and foreign-state record of the
// embedded tables, in their deterministic order.
func peerPlaceRecords() []Place {
	var all []Place
	for p := range Comuni() {
		all = append(all, p)
	}
	for p := range ForeignStates() {
		all = append(all, p)
	}
	return all
}

// peerGenerate returns n people from a fixed seed.
func peerGenerate(n int) []genPerson {
	r := rand.New(rand.NewPCG(2026, 11))
	places := peerPlaceRecords()
	first := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out := make([]genPerson, n)
	for i := range out {
		// A place record, and a birth date within its validity.
		var pl Place
		var from, to time.Time
		for {
			pl = places[r.IntN(len(places))]
			from, to = pl.From, pl.To
			if from.Before(first) {
				from = first
			}
			if to.IsZero() || to.After(last) {
				to = last
			}
			if !to.Before(from) {
				break
			}
		}
		days := int(to.Sub(from).Hours()/24) + 1
		p := genPerson{Sex: SexMale, Birth: from.AddDate(0, 0, r.IntN(days)), Place: pl}
		if r.IntN(2) == 0 {
			p.Sex = SexFemale
		}
		if r.IntN(3) == 0 {
			p.Surname = peerRandomName(r)
		} else {
			p.Surname = peerSurnames[r.IntN(len(peerSurnames))]
		}
		if r.IntN(3) == 0 {
			p.Given = peerRandomName(r)
		} else {
			p.Given = peerGiven[r.IntN(len(peerGiven))]
			if r.IntN(5) == 0 {
				p.Given += " " + peerGiven[r.IntN(len(peerGiven))]
			}
		}
		out[i] = p
	}
	return out
}

// peerStats counts agreements and allowed disagreements per reason.
type peerStats struct {
	agree   int
	allowed map[string]int
}

func (s *peerStats) allow(t *testing.T, reason, detail string) {
	t.Helper()
	if _, ok := peerAllow[reason]; !ok {
		t.Errorf("unlisted disagreement %q: %s", reason, detail)
		return
	}
	if s.allowed == nil {
		s.allowed = map[string]int{}
	}
	s.allowed[reason]++
}

func (s *peerStats) report(t *testing.T, what string) {
	t.Helper()
	t.Logf("%s: %d agreements; allowed disagreements: %v", what, s.agree, s.allowed)
}

type mrzPeerAnswer struct {
	Valid   bool              `json:"valid"`
	Fields  map[string]string `json:"fields"`
	Invalid []string          `json:"invalid"`
	Error   string            `json:"error"`
}

func peerMRZFor(r *rand.Rand, p genPerson) (*MRZ, error) {
	num := fmt.Sprintf("C%c%05d%c%c", 'A'+r.IntN(26), r.IntN(100000), 'A'+r.IntN(26), 'A'+r.IntN(26))
	exp := time.Date(2020+r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	h := p.person()
	h.Citizenship = []string{"ITA", "ITA", "ITA", "DEU", "FRA", "ROU", "ALB", "MAR", "CHN"}[r.IntN(9)]
	if r.IntN(20) == 0 {
		h.Sex = SexUnspecified
	}
	c := &Card{Holder: h, Document: Document{Number: CardNumber(num), ExpiryDate: exp}}
	return EncodeMRZ(c, MRZOptions{Umlauts: UmlautPolicy(r.IntN(2))})
}

func TestPeersMRZ(t *testing.T) {
	pr := startPeer(t)
	r := rand.New(rand.NewPCG(9303, 5))
	people := peerGenerate(peerPeople)
	type item struct {
		lines   [3]string
		m       *MRZ // nil for a corrupted MRZ
		goErr   error
		fixture bool
	}
	var items []item
	for _, s := range mrzSpecimens {
		m := MustParseMRZ(s.lines)
		l, _ := m.Lines()
		items = append(items, item{lines: l, m: m, fixture: true})
	}
	for _, p := range people {
		m, err := peerMRZFor(r, p)
		if err != nil {
			t.Fatalf("building MRZ for %+v: %v", p, err)
		}
		l, err := m.Lines()
		if err != nil {
			t.Fatalf("Lines() for %+v: %v", p, err)
		}
		items = append(items, item{lines: l, m: m})
		// A corrupted copy: one character of line 1 or 2 replaced.
		c := l
		li := r.IntN(2)
		pos := r.IntN(30)
		const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
		b := []byte(c[li])
		b[pos] = alpha[r.IntN(len(alpha))]
		c[li] = string(b)
		_, gerr := ParseMRZ(c[0] + "\n" + c[1] + "\n" + c[2])
		items = append(items, item{lines: c, goErr: gerr})
	}
	reqs := make([]map[string]any, len(items))
	for i, it := range items {
		reqs[i] = map[string]any{"op": "mrz", "lines": it.lines[:]}
	}
	var ans []mrzPeerAnswer
	pr.batch(t, reqs, &ans)

	var st peerStats
	for i, it := range items {
		a := ans[i]
		in := strings.Join(it.lines[:], "\n")
		gm, gerr := ParseMRZ(in)
		if it.m != nil && gerr != nil {
			t.Fatalf("ParseMRZ of a rendered MRZ: %v", gerr)
		}
		peerOK := a.Valid && a.Error == ""
		switch {
		case gerr == nil && peerOK:
			// Compare the fields.
			f := a.Fields
			sex := map[Sex]string{SexMale: "male", SexFemale: "female", SexUnspecified: "nonspecified"}[gm.Sex]
			// mrz reports optional data with fillers as spaces, and for a
			// long document number the overflow as optional data too.
			opt1 := strings.ReplaceAll(gm.OptionalData1, "<", " ")
			if len(gm.DocumentNumber) > 9 {
				opt1 = strings.TrimRight(strings.ReplaceAll(it.lines[0][15:], "<", " "), " ")
			}
			opt2 := strings.ReplaceAll(gm.OptionalData2, "<", " ")
			got := []string{strings.TrimRight(gm.DocumentCode, "<"), gm.IssuingState, strings.ReplaceAll(gm.DocumentNumber, "<", " "), gm.Birth, sex, gm.Expiry, gm.Nationality, opt1, opt2, gm.Surname, gm.GivenNames}
			want := []string{f["documentCode"], f["issuingState"], f["documentNumber"], f["birthDate"], f["sex"], f["expirationDate"], f["nationality"], f["optional1"], f["optional2"], f["lastName"], f["firstName"]}
			if !slices.Equal(got, want) {
				t.Errorf("MRZ item %d: fields differ:\n go   %q\n peer %q", i, got, want)
				continue
			}
			st.agree++
		case gerr != nil && !peerOK:
			st.agree++
		case gerr != nil && peerOK:
			switch {
			case errors.Is(gerr, ErrDate):
				st.allow(t, "mrz-calendar", gerr.Error())
			case errors.Is(gerr, ErrCharacter) && mrzCharAt(it.lines, gerr) == '<':
				st.allow(t, "mrz-filler-digit", gerr.Error())
			case errors.Is(gerr, ErrDocumentCode):
				st.allow(t, "mrz-doc-code", gerr.Error())
			default:
				t.Errorf("MRZ item %d: ParseMRZ: %v; mrz accepts it", i, gerr)
			}
		default: // Go accepts, peer rejects
			onlyStates := len(a.Invalid) > 0
			for _, f := range a.Invalid {
				if f != "issuingState" && f != "nationality" {
					onlyStates = false
				}
			}
			if onlyStates {
				st.allow(t, "mrz-state-list", strings.Join(a.Invalid, ","))
			} else {
				t.Errorf("MRZ item %d (fixture %v): ParseMRZ accepts, mrz rejects: %v %s", i, it.fixture, a.Invalid, a.Error)
			}
		}
	}
	st.report(t, "mrz")
}

// mrzCharAt returns the character at the line and position of an MRZError.
func mrzCharAt(lines [3]string, err error) byte {
	var me *MRZError
	if !errors.As(err, &me) || me.Line < 1 || me.Pos < 1 {
		return 0
	}
	return lines[me.Line-1][me.Pos-1]
}

// peerToday is the reference date of the differential decoding.
var peerToday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// markettoDate is the birth date marketto assumes: 20YY unless that is in
// the future, else 19YY.
func markettoDate(code string) (time.Time, bool) {
	cf, err := ParseCodiceFiscale(code)
	if err != nil {
		return time.Time{}, false
	}
	yy, month, day, _ := cfDateParts([]byte(cf.Base()))
	y := 2000 + yy
	if y > peerToday.Year() {
		y -= 100
	}
	if !civilValid(y, int(month), day) {
		return time.Time{}, false
	}
	return time.Date(y, month, day, 0, 0, 0, 0, time.UTC), true
}

func mustDecode(t *testing.T, code string) *CodiceFiscaleInfo {
	t.Helper()
	info, err := CodiceFiscale(code).Decode(peerToday)
	if err != nil {
		t.Fatalf("Decode(%s): %v", code, err)
	}
	return info
}

type cfCheckAnswer struct {
	CFJS         bool `json:"cfjs"`
	Marketto     bool `json:"marketto"`
	MkPlaceValid bool `json:"mkPlaceValid"`
	Decode       *struct {
		Year, Month, Day int
		Gender           string
		Place            *string
	} `json:"decode"`
}

// cfFixtures are the codes of the spec sheet §5.4.
var cfFixtures = []string{
	"RSSMRA80A01H501U", "MRNLCU00A01H501J", "BNZVCN32S10E573Z", "BNZVCN32S10E57PV", "BNZVCNPNSMLERTPX",
	"RSSMRA80A01H5L1F", "DNGMTR01T71F205U", "FOXNCL99H05H501F", "DRSGFR75C15F839F", "MLLJGN70B02Z112T",
	"MCHFDA07A01D877A", "DGRFNC84T31G371E", "RSSMRA80B31H501W", "BLIPTR93MO4A674Q",
}

// peerFixturePeople are people whose codes are the spec sheet's §5.4 fixtures
// (names invented where the sheet gives only the code).
func peerFixturePeople(t *testing.T) []genPerson {
	t.Helper()
	fx := []genPerson{
		{"Rossi", "Mario", SexMale, date(1980, 1, 1), Place{Code: "H501"}},
		{"Moreno", "Luca", SexMale, date(2000, 1, 1), Place{Code: "H501"}},
		{"Benzi", "Vincenzo", SexMale, date(1932, 11, 10), Place{Code: "E573"}},
		{"D'Angelo", "Maria Teresa", SexFemale, date(2001, 12, 31), Place{Code: "F205"}},
		{"Fo", "Nicolò", SexMale, date(1999, 6, 5), Place{Code: "H501"}},
		{"De Rossi", "Gianfranco", SexMale, date(1975, 3, 15), Place{Code: "F839"}},
		{"Müller", "Jürgen", SexMale, date(1970, 2, 2), Place{Code: "Z112"}},
		{"Michelangeli", "Fadia", SexMale, date(1907, 1, 1), Place{Code: "D877"}},
		{"De Grandi", "Francesco", SexMale, date(1984, 12, 31), Place{Code: "G371"}},
	}
	for i := range fx {
		pl, err := LookupPlace(fx[i].Place.Code, fx[i].Birth)
		if err != nil {
			t.Fatalf("LookupPlace(%s, %s): %v", fx[i].Place.Code, fx[i].Birth.Format(time.DateOnly), err)
		}
		fx[i].Place = pl
	}
	return fx
}

func TestPeersCodiceFiscaleEncode(t *testing.T) {
	pr := startPeer(t)
	people := append(peerFixturePeople(t), peerGenerate(peerPeople)...)
	reqs := make([]map[string]any, len(people))
	for i, p := range people {
		reqs[i] = map[string]any{"op": "cf_encode", "surname": p.Surname, "name": p.Given,
			"year": p.Birth.Year(), "month": int(p.Birth.Month()), "day": p.Birth.Day(), "sex": p.Sex.String(), "place": p.Place.Code}
	}
	var ans []struct {
		CFJS, Marketto, MkSurname, MkName *string
		MkPlaceValid                      bool
	}
	pr.batch(t, reqs, &ans)
	var st peerStats
	for i, p := range people {
		got, err := ComputeCodiceFiscale(p.person())
		if err != nil {
			t.Fatalf("ComputeCodiceFiscale(%+v): %v", p, err)
		}
		// codice-fiscale-js.
		switch cj := deref(ans[i].CFJS); {
		case cj == string(got):
			st.agree++
		case cfjsDropsAccents(p, cj):
			st.allow(t, "cfjs-accents", p.Surname+" "+p.Given)
		default:
			t.Errorf("person %d %+v: cfCompute = %s, codice-fiscale-js = %s", i, p, got, cj)
		}
		// @marketto/codice-fiscale-utils.
		switch mk := deref(ans[i].Marketto); {
		case mk == string(got):
			st.agree++
		case ans[i].Marketto == nil && (ans[i].MkSurname == nil || ans[i].MkName == nil):
			st.allow(t, "marketto-name", p.Surname+" / "+p.Given)
		case ans[i].Marketto == nil && !ans[i].MkPlaceValid:
			st.allow(t, "marketto-place-data", p.Place.String()+" "+p.Birth.Format(time.DateOnly))
		case mk == string(cfComputeBase(p)):
			st.allow(t, "marketto-umlaut", p.Surname+" "+p.Given)
		default:
			t.Errorf("person %d %+v: cfCompute = %s, marketto = %s", i, p, got, mk)
		}
	}
	st.report(t, "codice fiscale encode")
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// cfjsDropsAccents reports whether code is what we compute when the letters
// with diacritics are removed from the names, as codice-fiscale-js does.
func cfjsDropsAccents(p genPerson, code string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 0x80 {
				return -1
			}
			return r
		}, s)
	}
	q := p
	q.Surname, q.Given = strip(p.Surname), strip(p.Given)
	if q == p {
		return false
	}
	c, err := cfCompute(q.Surname, q.Given, q.Sex, q.Birth, q.Place.Code)
	if err != nil { // a name made only of accented letters
		return strings.HasPrefix(code, "") && code != ""
	}
	return string(c) == code
}

// cfComputeBase computes with Ä→A, Ö→O, Ü→U.
func cfComputeBase(p genPerson) CodiceFiscale {
	tr := func(s string) string { t, _ := translitName(s, UmlautBase); return t }
	c, _ := cfCompute(tr(p.Surname), tr(p.Given), p.Sex, p.Birth, p.Place.Code)
	return c
}

func TestPeersCodiceFiscaleCheck(t *testing.T) {
	pr := startPeer(t)
	r := rand.New(rand.NewPCG(1976, 12))
	var codes []string
	codes = append(codes, cfFixtures...)
	for _, p := range peerGenerate(peerPeople) {
		c, err := ComputeCodiceFiscale(p.person())
		if err != nil {
			t.Fatalf("ComputeCodiceFiscale(%+v): %v", p, err)
		}
		codes = append(codes, string(c), string(c.omocode(uint8(1+r.IntN(127)))))
		// One character replaced anywhere.
		b := []byte(c)
		const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		b[r.IntN(16)] = alpha[r.IntN(len(alpha))]
		codes = append(codes, string(b))
		// An impossible day with a correct check character.
		if r.IntN(10) == 0 {
			b := []byte(c)
			b[8], b[9], b[10] = 'B', '3', '0'
			b[15] = cfCheckChar(b)
			codes = append(codes, string(b))
		}
	}
	reqs := make([]map[string]any, len(codes))
	for i, c := range codes {
		reqs[i] = map[string]any{"op": "cf_check", "cf": c}
		if d, ok := markettoDate(c); ok {
			reqs[i]["place"] = c[11:15]
			reqs[i]["year"], reqs[i]["month"], reqs[i]["day"] = d.Year(), int(d.Month()), d.Day()
			if cf, err := ParseCodiceFiscale(c); err == nil {
				reqs[i]["place"] = string(cf.Base()[11:15])
			}
		}
	}
	var ans []cfCheckAnswer
	pr.batch(t, reqs, &ans)
	var cj, mk peerStats
	for i, code := range codes {
		a := ans[i]
		cf, gerr := ParseCodiceFiscale(code)
		// codice-fiscale-js: syntax and check character only.
		switch {
		case (gerr == nil) == a.CFJS:
			cj.agree++
		case a.CFJS && errors.Is(gerr, ErrDate):
			cj.allow(t, "cfjs-calendar", gerr.Error())
		default:
			t.Errorf("%s: ParseCodiceFiscale error %v, codice-fiscale-js check %v", code, gerr, a.CFJS)
		}
		// marketto: also place and century; compare with Decode.
		_, derr := CodiceFiscale(code).Decode(peerToday)
		md, mdOK := markettoDate(code)
		switch {
		case (derr == nil) == a.Marketto:
			mk.agree++
		case derr == nil && !a.Marketto && mdOK && !slices.ContainsFunc(mustDecode(t, code).Candidates, func(c BirthCandidate) bool { return c.Date.Equal(md) }):
			mk.allow(t, "marketto-place", code)
		case derr == nil && !a.Marketto && !a.MkPlaceValid:
			mk.allow(t, "marketto-place-data", code)
		case derr != nil && a.Marketto && (errors.Is(derr, ErrUnknownPlace) || errors.Is(derr, ErrPlaceNotValid)):
			mk.allow(t, "marketto-place-data", code)
		default:
			t.Errorf("%s: Decode error %v, marketto valid %v (place valid in marketto at %s: %v)", code, derr, a.Marketto, md.Format(time.DateOnly), a.MkPlaceValid)
		}
		// Decoded fields, when both accept.
		if gerr == nil && a.Marketto && a.Decode != nil {
			yy, month, day, sex := cfDateParts([]byte(cf.Base()))
			place := string(cf.Base()[11:15])
			if a.Decode.Year%100 != yy || a.Decode.Month != int(month) || a.Decode.Day != day ||
				a.Decode.Gender != sex.String() || a.Decode.Place == nil || *a.Decode.Place != place {
				t.Errorf("%s: decoded %02d-%02d-%02d %s %s; marketto %+v", code, yy, month, day, sex, place, *a.Decode)
			}
		}
	}
	cj.report(t, "codice-fiscale-js check")
	mk.report(t, "marketto validator")
}

func TestPeersOmocodes(t *testing.T) {
	pr := startPeer(t)
	people := peerGenerate(300)
	reqs := make([]map[string]any, len(people))
	codes := make([]CodiceFiscale, len(people))
	for i, p := range people {
		c, err := ComputeCodiceFiscale(p.person())
		if err != nil {
			t.Fatal(err)
		}
		codes[i] = c
		reqs[i] = map[string]any{"op": "cf_omocodes", "cf": string(c)}
	}
	var ans []struct{ CFJS []string }
	pr.batch(t, reqs, &ans)
	for i, c := range codes {
		var ours []string
		for o := range c.Omocodes() {
			if o != c {
				ours = append(ours, string(o))
			}
		}
		slices.Sort(ours)
		theirs := slices.Clone(ans[i].CFJS)
		slices.Sort(theirs)
		if !slices.Equal(ours, theirs) {
			t.Errorf("%s: %d omocodes, codice-fiscale-js %d; sets differ", c, len(ours), len(theirs))
		}
	}
}

// peerOutOfPeriod returns n people whose birthplace code was not valid on
// their birth date: born before the code's first record (up to 40 years,
// not before 1900), or after its last record ceased (up to 40 years, not
// after peerToday), from a fixed seed. The issue-16 cases come first.
func peerOutOfPeriod(n int) []genPerson {
	out := []genPerson{}
	for _, c := range outOfPeriodCases {
		out = append(out, genPerson{"Rossi", "Maria", SexFemale, c.birth, Place{Code: c.code}})
	}
	r := rand.New(rand.NewPCG(1974, 9))
	var codes []string
	for p := range Comuni() {
		if len(codes) == 0 || codes[len(codes)-1] != p.Code {
			codes = append(codes, p.Code)
		}
	}
	floor := date(1900, 1, 1)
	for len(out) < n {
		h := PlaceHistory(codes[r.IntN(len(codes))])
		first, last := h[0], h[len(h)-1]
		var lo, hi time.Time
		if r.IntN(2) == 0 {
			lo, hi = first.From.AddDate(-40, 0, 0), first.From.AddDate(0, 0, -1)
			if lo.Before(floor) {
				lo = floor
			}
		} else {
			if last.To.IsZero() {
				continue
			}
			lo, hi = last.To.AddDate(0, 0, 1), last.To.AddDate(40, 0, 0)
			if hi.After(peerToday) {
				hi = peerToday
			}
			if lo.Before(floor) {
				lo = floor
			}
		}
		if hi.Before(lo) {
			continue
		}
		b := lo.AddDate(0, 0, r.IntN(int(hi.Sub(lo).Hours()/24)+1))
		if _, err := LookupPlace(first.Code, b); err == nil {
			continue // a gap between records is not what this test is about
		}
		p := genPerson{Surname: peerSurnames[r.IntN(len(peerSurnames))], Given: peerGiven[r.IntN(len(peerGiven))], Sex: SexMale, Birth: b, Place: Place{Code: first.Code}}
		if r.IntN(2) == 0 {
			p.Sex = SexFemale
		}
		out = append(out, p)
	}
	return out
}

// markettoSameDate reports whether marketto's assumed birth date for code
// is birth.
func markettoSameDate(code string, birth time.Time) bool {
	d, ok := markettoDate(code)
	return ok && d.Equal(birth)
}

// TestPeersBirthplaceOutOfPeriod: codes whose birthplace was not valid on
// the birth date (issue 16: I603/1951, I560/1963, D244/1956, and 3,000
// generated people whose code predates the archive's record or follows
// its cessation). Decode accepts them with a finding; codice-fiscale-js
// checks syntax only and must accept them; marketto's validator and its
// encoder consult its own place table; codice-fiscale-js's helpers must
// compose the same code.
func TestPeersBirthplaceOutOfPeriod(t *testing.T) {
	pr := startPeer(t)
	people := peerOutOfPeriod(3003)
	codes := make([]CodiceFiscale, len(people))
	var reqs []map[string]any
	for i, p := range people {
		c, err := cfCompute(p.Surname, p.Given, p.Sex, p.Birth, p.Place.Code)
		if err != nil {
			t.Fatalf("cfCompute(%+v): %v", p, err)
		}
		codes[i] = c
		y, m, d := p.Birth.Date()
		reqs = append(reqs,
			map[string]any{"op": "cf_check", "cf": string(c), "place": p.Place.Code, "year": y, "month": int(m), "day": d},
			map[string]any{"op": "cf_encode", "surname": p.Surname, "name": p.Given, "year": y, "month": int(m), "day": d, "sex": p.Sex.String(), "place": p.Place.Code})
	}
	var ans []struct {
		CFJS         any  `json:"cfjs"` // bool for cf_check, code for cf_encode
		Marketto     any  `json:"marketto"`
		MkPlaceValid bool `json:"mkPlaceValid"`
		Decode       *any `json:"decode"`
		MkSurname    *string
	}
	pr.batch(t, reqs, &ans)
	var dec, cj, mkv, mke, enc peerStats
	outOfPeriod, mkvConnector := 0, 0
	for i, p := range people {
		chk, en := ans[2*i], ans[2*i+1]
		c := codes[i]
		info, err := c.Decode(peerToday)
		if err != nil {
			t.Errorf("%s (%s on %s): Decode: %v", c, p.Place.Code, p.Birth.Format(time.DateOnly), err)
			continue
		}
		// Ours: the birth date is a candidate; out of period, with a
		// finding, unless another century is in period.
		k := slices.IndexFunc(info.Candidates, func(b BirthCandidate) bool { return b.Date.Equal(p.Birth) })
		switch {
		case k >= 0 && info.Candidates[k].OutOfPeriod:
			outOfPeriod++
			dec.agree++
		case k < 0 && !info.Candidates[0].OutOfPeriod:
			dec.agree++ // e.g. 1925 out of period, 2025 in period: the in-period century wins
		default:
			t.Errorf("%s: birth %s, candidates %+v", c, p.Birth.Format(time.DateOnly), info.Candidates)
		}
		if i < len(outOfPeriodCases) && (chk.CFJS != true || chk.Marketto != true) {
			t.Errorf("issue-16 case %s: the peers no longer accept it (codice-fiscale-js %v, marketto %v)", c, chk.CFJS, chk.Marketto)
		}
		// codice-fiscale-js check(): syntax and check character.
		if chk.CFJS == true {
			cj.agree++
		} else {
			t.Errorf("%s: codice-fiscale-js check() = %v", c, chk.CFJS)
		}
		// codice-fiscale-js helpers compose the same code.
		if en.CFJS == string(c) {
			enc.agree++
		} else if cfjsDropsAccents(p, fmt.Sprint(en.CFJS)) {
			enc.allow(t, "cfjs-accents", p.Surname+" "+p.Given)
		} else {
			t.Errorf("%s: codice-fiscale-js helpers compose %v", c, en.CFJS)
		}
		// marketto's validator: valid like ours, or it rejects because its
		// table has no record of the code on that date.
		switch {
		case chk.Marketto == true:
			mkv.agree++
		case !markettoSameDate(string(c), p.Birth):
			mkv.allow(t, "marketto-place", string(c))
		default:
			// Every person here is out of period by construction. marketto's
			// validator checks the place against its own dates of
			// institution and cessation; its connector's from(date).findByCode
			// (mkPlaceValid) does not always agree with the validator (for
			// comuni instituted since 2014 it reports them valid on earlier
			// dates), so it is logged, not used to classify.
			if chk.MkPlaceValid {
				mkvConnector++
			}
			mkv.allow(t, "marketto-out-of-period", fmt.Sprintf("%s %s", p.Place.Code, p.Birth.Format(time.DateOnly)))
		}
		// Encoding: ComputeCodiceFiscale refuses a place not valid on the
		// birth date (the computed code would be a guess); marketto's
		// encodeCf refuses too unless its table has the place then.
		_, gerr := ComputeCodiceFiscale(p.person())
		switch {
		case gerr == nil:
			t.Errorf("%s: ComputeCodiceFiscale accepts a place not valid on the birth date", c)
		case en.Marketto == nil:
			mke.agree++
		case en.Marketto == string(c):
			mke.allow(t, "compute-strict", fmt.Sprintf("%s %s", p.Place.Code, p.Birth.Format(time.DateOnly)))
		case en.MkSurname == nil:
			mke.allow(t, "marketto-name", p.Surname+" / "+p.Given)
		default:
			t.Errorf("%s: ComputeCodiceFiscale: %v; marketto encodeCf %v (place valid there: %v)", c, gerr, en.Marketto, en.MkPlaceValid)
		}
	}
	t.Logf("%d people, %d decoded out of period with a finding; marketto's validator rejected %d codes that its connector reports valid on the birth date", len(people), outOfPeriod, mkvConnector)
	dec.report(t, "Decode (ours)")
	cj.report(t, "codice-fiscale-js check")
	enc.report(t, "codice-fiscale-js compose")
	mkv.report(t, "marketto validator")
	mke.report(t, "marketto encodeCf vs ComputeCodiceFiscale")
}

// TestPeersMRZRepair measures RepairMRZ against mrz@5.0.2's parse with
// autocorrect (which corrects O/0, I/1, S/5, B/8, Z/2, G/6 by field type
// only) on the same corrupted MRZs, in one run: 3,000 generated MRZs
// (seed 16/4, not the harness's) with one or two substitutions of the
// confusion model (the peer needs lines of 30 characters, so no filler is
// lost or doubled), then 3,000 with the full model, where the peer cannot
// read a line of 29 or 31 characters. For the peer, "correct" means valid
// and every field equal to what it reads from the original MRZ.
func TestPeersMRZRepair(t *testing.T) {
	pr := startPeer(t)
	for _, full := range []bool{false, true} {
		r := rand.New(rand.NewPCG(16, 4))
		var origs, bads [][3]string
		for len(bads) < 3000 {
			o := genRepairMRZ(r)
			b := o
			ok := true
			for range 1 + r.IntN(2) {
				if full {
					ok = ok && injectConfusion(r, &b, false)
				} else {
					ok = ok && injectSubstitution(r, &b)
				}
			}
			if ok && b != o {
				origs, bads = append(origs, o), append(bads, b)
			}
		}
		var reqs []map[string]any
		for i := range bads {
			reqs = append(reqs, map[string]any{"op": "mrz", "lines": origs[i][:]}, map[string]any{"op": "mrz_autocorrect", "lines": bads[i][:]})
		}
		var ans []struct {
			Valid  bool              `json:"valid"`
			Fields map[string]string `json:"fields"`
		}
		pr.batch(t, reqs, &ans)
		var ours, peer repairStats
		peerRejectsOrig := 0
		for i := range bads {
			ours.n++
			peer.n++
			m, ch, err := RepairMRZ(strings.Join(bads[i][:], "\n"), RepairOptions{})
			switch {
			case err != nil:
				ours.refused++
			case m.String() == strings.Join(origs[i][:], "\n") && len(ch) > 0:
				ours.correct++
			default:
				ours.wrong++
			}
			o, c := ans[2*i], ans[2*i+1]
			if !o.Valid {
				peerRejectsOrig++ // e.g. the State "D<<" (mrz-state-list)
			}
			switch {
			case !c.Valid:
				peer.refused++
			case o.Valid && maps.Equal(o.Fields, c.Fields):
				peer.correct++
			default:
				peer.wrong++
			}
		}
		model := "substitutions only"
		if full {
			model = "full model (fillers lost or doubled too)"
		}
		t.Logf("%s, %d inputs: RepairMRZ correct %d, wrong %d, refused %d (precision %.2f %%, recall %.2f %%); mrz autocorrect correct %d, wrong %d, invalid %d (precision %.2f %%, recall %.2f %%; it rejects %d of the originals themselves)",
			model, ours.n, ours.correct, ours.wrong, ours.refused, ours.precision(), ours.recall(),
			peer.correct, peer.wrong, peer.refused, peer.precision(), peer.recall(), peerRejectsOrig)
		if ours.precision() < 99 {
			t.Errorf("%s: RepairMRZ precision %.2f %% < 99 %%", model, ours.precision())
		}
	}
}
