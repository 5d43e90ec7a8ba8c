package deploy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// StatementKind names what a sentence of a circular's prose states.
type StatementKind string

// Statement kinds.
const (
	// StatementDeadline: "entro e non oltre il 12 aprile 2017"; Topic says
	// what is due ("classroom-confirmation" for the prefectures'
	// confirmation of the training classrooms, else "other").
	StatementDeadline StatementKind = "deadline"
	// StatementComuniCount: "composto da 350 Comuni", the number of comuni
	// the plan announces.
	StatementComuniCount StatementKind = "comuni-count"
	// StatementEndpoint: a service address the workstations must reach,
	// with its ports ("<https://cieonline.interno.gov.it> (porta 443)").
	StatementEndpoint StatementKind = "endpoint"
	// StatementRemoteAssistance: the ports on which remote assistance to
	// the workstations must work ("sulla porta 80 e 443").
	StatementRemoteAssistance StatementKind = "remote-assistance"
	// StatementPhaseStart: the day a roll-out phase starts ("A partire dal
	// 4 luglio 2016 è stata avviata la prima fase"); Count is the phase's
	// number, Date the day as written (a mistyped year stays as it is).
	StatementPhaseStart StatementKind = "phase-start"
)

// Topics of deadline statements.
const (
	TopicClassroomConfirmation = "classroom-confirmation"
	TopicOther                 = "other"
)

// Statement is a fact a circular states in prose, outside the tables, read
// by [Parse] so that [Check] and [CompareDocuments] can hold the documents
// to their own words. Line is the 1-based line of the sentence; Source
// quotes it (at most about 200 characters around the statement).
type Statement struct {
	Kind   StatementKind `json:"kind"`
	Line   int           `json:"line"`
	Topic  string        `json:"topic,omitempty"`
	Date   time.Time     `json:"date,omitzero"`
	Count  int           `json:"count,omitempty"`
	Host   string        `json:"host,omitempty"`
	Ports  []int         `json:"ports,omitempty"`
	Source Source        `json:"source"`
}

// maxStatements bounds the statements kept from one document.
const maxStatements = 1000

// prose reads the statements of one line of prose.
func (p *parser) prose(n int, text string) {
	t := strings.TrimSpace(text)
	if t == "" {
		return
	}
	if c := detectCircular(t); c != "" && p.plan.Circular == "" {
		p.plan.Circular = c
	}
	if a, ok := annexHeading(t); ok {
		p.annex = a
		return
	}
	if len(p.plan.Statements) >= maxStatements {
		return
	}
	low := lowerInPlace(t)
	add := func(st Statement, at int) {
		st.Line = n
		st.Source = Source{Doc: p.plan.Circular, Section: p.annex, Quote: sentenceAround(t, at)}
		p.plan.Statements = append(p.plan.Statements, st)
	}
	for i := 0; ; {
		j := strings.Index(low[i:], "entro e non oltre il ")
		if j < 0 {
			break
		}
		at := i + j
		i = at + len("entro e non oltre il ")
		if d, ok := italianDate(low[i:]); ok {
			topic := TopicOther
			a, b := sentenceBounds(low, at)
			sent := low[a:b]
			if strings.Contains(sent, "conferm") && strings.Contains(sent, "aul") {
				topic = TopicClassroomConfirmation
			}
			add(Statement{Kind: StatementDeadline, Topic: topic, Date: d}, at)
		}
	}
	if at := strings.Index(low, "composto da "); at >= 0 {
		rest := low[at+len("composto da "):]
		num, tail, _ := strings.Cut(rest, " ")
		if c, err := strconv.Atoi(num); err == nil && c > 0 && c < 100000 && strings.HasPrefix(tail, "comuni") {
			add(Statement{Kind: StatementComuniCount, Count: c}, at)
		}
	}
	for _, ph := range phaseStarts(low) {
		add(Statement{Kind: StatementPhaseStart, Count: ph.number, Date: ph.date}, ph.at)
	}
	if strings.Contains(low, "collegamento remoto") {
		if at := strings.Index(low, "sulla porta"); at >= 0 {
			if ports := portsIn(low[at+len("sulla porta"):]); len(ports) > 0 {
				add(Statement{Kind: StatementRemoteAssistance, Ports: ports}, at)
			}
		}
	}
	if host, rest, ok := endpointLine(t); ok {
		var ports []int
		if k := strings.Index(rest, "(port"); k >= 0 {
			ports = portsIn(rest[k:])
		}
		if len(ports) > 0 {
			add(Statement{Kind: StatementEndpoint, Host: host, Ports: ports}, 0)
		}
	}
}

type phaseStart struct {
	number int
	date   time.Time
	at     int
}

var phaseOrdinals = []string{"prima", "seconda", "terza"}

// phaseStarts finds the sentences of a lower-case line that date the start
// of a phase: a date "26 aprile 2017" (any year of one to four digits)
// after "dal", "data" or "il", and, after it in the same sentence (or else before it), an ordinal
// "prima", "seconda" or "terza" followed within three words by "fase".
func phaseStarts(low string) []phaseStart {
	if !strings.Contains(low, "fase") {
		return nil
	}
	var out []phaseStart
	words := strings.Fields(low)
	offsets := make([]int, len(words)) // byte offset of each word
	pos := 0
	for i, w := range words {
		pos += strings.Index(low[pos:], w)
		offsets[i] = pos
		pos += len(w)
	}
	ordinalAt := func(i int) int { // phase number of an ordinal at word i, or 0
		n := slices.Index(phaseOrdinals, strings.Trim(words[i], ",.;:"))
		if n < 0 {
			return 0
		}
		for j := i + 1; j < len(words) && j <= i+3; j++ {
			if strings.HasPrefix(words[j], "fase") {
				return n + 1
			}
		}
		return 0
	}
	for i := 0; i+2 < len(words) && len(out) < 8; i++ {
		m := slices.Index(italianMonthNames[:], words[i+1])
		d, err1 := strconv.Atoi(words[i])
		y, err2 := strconv.Atoi(strings.TrimRight(words[i+2], ".,;:"))
		if m < 0 || err1 != nil || err2 != nil || d < 1 || d > 31 || y < 1 || y > 9999 {
			continue
		}
		// "dal 26 aprile", "in data 26 aprile", "avrà inizio il 2 ottobre";
		// not "circolare ... del 31 marzo 2017", the date of a document.
		if i == 0 || !slices.Contains([]string{"dal", "data", "il"}, words[i-1]) {
			continue
		}
		day, ok := civil(y, time.Month(m+1), d)
		if !ok {
			continue
		}
		a, b := sentenceBounds(low, offsets[i])
		n := 0
		for j := i + 3; j < len(words) && offsets[j] < b && n == 0; j++ {
			n = ordinalAt(j)
		}
		for j := i - 1; j >= 0 && offsets[j] >= a && n == 0; j-- {
			n = ordinalAt(j)
		}
		if n > 0 {
			out = append(out, phaseStart{number: n, date: day, at: offsets[i]})
		}
	}
	return out
}

// annexHeading recognises "ALLEGATO 2", "Allegato 3", "ALLEGATO I".
func annexHeading(t string) (string, bool) {
	f := strings.Fields(t)
	if len(f) != 2 || !strings.EqualFold(f[0], "allegato") || len(f[1]) > 4 {
		return "", false
	}
	return "All. " + f[1], true
}

// endpointLine reads "- <https://host[:port]/path> (porta 443);" and
// returns the host and the text after the address.
func endpointLine(t string) (host, rest string, ok bool) {
	t = strings.TrimLeft(t, "-–• ")
	if !strings.HasPrefix(t, "<http") {
		return "", "", false
	}
	end := strings.IndexByte(t, '>')
	if end < 0 {
		return "", "", false
	}
	u := t[1:end]
	_, after, ok := strings.Cut(u, "://")
	if !ok {
		return "", "", false
	}
	h, _, _ := strings.Cut(after, "/")
	h, _, _ = strings.Cut(h, ":")
	if h == "" || len(h) > 253 {
		return "", "", false
	}
	return strings.ToLower(h), t[end+1:], true
}

// portsIn reads the port numbers at the start of s ("porta 80 e 443",
// "(porte 8442 e 8443)", "(porta 443, 80)"), stopping at the first word
// that is neither a number nor a connective; sorted, without repeats.
func portsIn(s string) []int {
	var ports []int
	s = strings.NewReplacer("(", " ", ")", " ", ",", " ", ";", " ", ":", " ").Replace(s)
	for i, w := range strings.Fields(s) {
		if i > 12 {
			break
		}
		switch w {
		case "porta", "porte", "e", "and":
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(w, "."))
		if err != nil || n <= 0 || n > 65535 {
			break
		}
		ports = append(ports, n)
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// italianMonthNames are the months as the circulars write them in prose.
var italianMonthNames = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// italianDate reads "12 aprile 2017" (lower case) at the start of s.
func italianDate(s string) (time.Time, bool) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return time.Time{}, false
	}
	d, err1 := strconv.Atoi(f[0])
	y, err2 := strconv.Atoi(strings.TrimRight(f[2], ".,;:"))
	m := slices.Index(italianMonthNames[:], f[1])
	if err1 != nil || err2 != nil || m < 0 || y < 1900 || y > 2100 {
		return time.Time{}, false
	}
	return civil(y, time.Month(m+1), d)
}

// lowerInPlace returns s in lower case with every byte where it was in s,
// so that offsets found in the result index s too: strings.ToLower
// changes the length of invalid UTF-8 (each byte becomes a 3-byte U+FFFD)
// and of a few letters (İ, Ⱥ), and the statements quote s at offsets found
// in the lower-case text. A rune whose lower case has another length, and
// every invalid byte, is kept as it is.
func lowerInPlace(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); r != utf8.RuneError && utf8.RuneLen(l) == n {
			b = utf8.AppendRune(b, l)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// sentenceBounds returns the byte range of the sentence of t around byte
// offset at. A sentence ends at ". " after a word of three or more letters
// or after digits, so "n. 3" and "p.v." do not end one.
func sentenceBounds(t string, at int) (start, end int) {
	isEnd := func(i int) bool { // t[i] == '.' followed by a space
		j := i
		for j > 0 && (t[j-1] >= '0' && t[j-1] <= '9') {
			j--
		}
		if j < i {
			return true
		}
		n := 0
		for j > 0 && t[j-1] != ' ' && t[j-1] != '.' {
			j--
			n++
		}
		return n >= 3
	}
	start = 0
	for i := at - 1; i > 0; i-- {
		if t[i] == '.' && i+1 < len(t) && t[i+1] == ' ' && isEnd(i) {
			start = i + 2
			break
		}
	}
	end = len(t)
	for i := at; i+1 < len(t); i++ {
		if t[i] == '.' && t[i+1] == ' ' && isEnd(i) {
			end = i + 1
			break
		}
	}
	return start, end
}

// sentenceAround returns the sentence of t around byte offset at, shortened
// to about 200 characters with "…" where cut.
func sentenceAround(t string, at int) string {
	start, end := sentenceBounds(t, at)
	s := t[start:end]
	const maxQuote = 200
	if utf8.RuneCountInString(s) <= maxQuote {
		return s
	}
	// Keep the part around the statement.
	from := max(0, at-start-80)
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	// Cut after maxQuote runes by byte offset, so that invalid UTF-8 is
	// quoted as it is, not as U+FFFD.
	rest := s[from:]
	cut, n := 0, 0
	for cut < len(rest) && n < maxQuote {
		_, size := utf8.DecodeRuneInString(rest[cut:])
		cut += size
		n++
	}
	out := rest[:cut]
	if from > 0 {
		out = "…" + out
	}
	if cut < len(rest) {
		out += "…"
	}
	return out
}

// checkStatements reports what a document's prose states twice with
// different values, and a plan whose rows differ in number from the comuni
// its text announces.
func checkStatements(p *Plan) []*Inconsistency {
	var out []*Inconsistency
	var deadlines []Statement
	for _, st := range p.Statements {
		switch st.Kind {
		case StatementDeadline:
			if st.Topic == TopicClassroomConfirmation {
				deadlines = append(deadlines, st)
			}
		case StatementComuniCount:
			if p.Circular == CircularNational && len(p.Installations) > 0 && len(p.Installations) != st.Count {
				out = append(out, &Inconsistency{Line: st.Line, Err: ErrComuniCount,
					Detail:  fmt.Sprintf("the text announces %d comuni, Allegato 1 has %d rows", st.Count, len(p.Installations)),
					Sources: []Source{st.Source, {Doc: p.Circular, Section: "All. 1", Quote: fmt.Sprintf("%d rows", len(p.Installations))}}})
			}
		}
	}
	phases := Phases()
	for _, st := range statementsOf(p, StatementPhaseStart) {
		if st.Count < 1 || st.Count > len(phases) {
			continue
		}
		ph := phases[st.Count-1]
		if !st.Date.Equal(ph.Start) {
			out = append(out, &Inconsistency{Line: st.Line, Err: ErrContradiction,
				Detail:  fmt.Sprintf("phase %d starts on %s here, on %s in %s", st.Count, formatPhaseDate(st.Date), formatDate(ph.Start), ph.Sources[0].Doc),
				Sources: []Source{st.Source, ph.Sources[0]}})
		}
	}
	for i := 1; i < len(deadlines); i++ {
		a, b := deadlines[0], deadlines[i]
		if !a.Date.Equal(b.Date) {
			out = append(out, &Inconsistency{Line: b.Line, Err: ErrContradiction,
				Detail:  fmt.Sprintf("the confirmation of the training classrooms is due %s (line %d) and %s (line %d)", formatDate(a.Date), a.Line, formatDate(b.Date), b.Line),
				Sources: []Source{a.Source, b.Source}})
		}
	}
	return out
}

// CompareDocuments reports what two documents state differently about the
// same thing (the findings have Line 0; their Detail names the line in
// each document): the service endpoints and their ports, and the ports for
// remote assistance. The later circular normally supersedes the earlier,
// but a comune that read one of them configures its network by it, so
// every difference is a finding ([ErrContradiction], [CategoryDocuments])
// quoting both sources. a and b are typically plans parsed from two
// circulars; their installations are not compared.
func CompareDocuments(a, b *Plan) []*Inconsistency {
	var out []*Inconsistency
	ra, rb := statementsOf(a, StatementRemoteAssistance), statementsOf(b, StatementRemoteAssistance)
	if len(ra) > 0 && len(rb) > 0 && !slices.Equal(ra[0].Ports, rb[0].Ports) {
		out = append(out, &Inconsistency{Err: ErrContradiction,
			Detail: fmt.Sprintf("remote assistance on %s in %s (line %d), on %s in %s (line %d)",
				joinPorts(ra[0].Ports), nameOf(a), ra[0].Line, joinPorts(rb[0].Ports), nameOf(b), rb[0].Line),
			Sources: []Source{ra[0].Source, rb[0].Source}})
	}
	ea, eb := endpointPorts(a), endpointPorts(b)
	if len(ea) == 0 || len(eb) == 0 {
		return out
	}
	hosts := make([]string, 0, len(ea)+len(eb))
	for h := range ea {
		hosts = append(hosts, h)
	}
	for h := range eb {
		if _, ok := ea[h]; !ok {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		sa, inA := ea[h]
		sb, inB := eb[h]
		var detail string
		var src []Source
		switch {
		case !inA:
			detail, src = fmt.Sprintf("%s (%s) is listed in %s (line %d), not in %s", h, joinPorts(sb.Ports), nameOf(b), sb.Line, nameOf(a)), []Source{sb.Source}
		case !inB:
			detail, src = fmt.Sprintf("%s (%s) is listed in %s (line %d), not in %s", h, joinPorts(sa.Ports), nameOf(a), sa.Line, nameOf(b)), []Source{sa.Source}
		case !slices.Equal(sa.Ports, sb.Ports):
			detail = fmt.Sprintf("%s on %s in %s (line %d), on %s in %s (line %d)", h, joinPorts(sa.Ports), nameOf(a), sa.Line, joinPorts(sb.Ports), nameOf(b), sb.Line)
			src = []Source{sa.Source, sb.Source}
		default:
			continue
		}
		out = append(out, &Inconsistency{Err: ErrContradiction, Detail: detail, Sources: src})
	}
	return out
}

// formatPhaseDate writes d as dd/mm/yyyy, keeping a mistyped year as
// written ("26/04/207").
func formatPhaseDate(d time.Time) string {
	return fmt.Sprintf("%02d/%02d/%d", d.Day(), int(d.Month()), d.Year())
}

func statementsOf(p *Plan, k StatementKind) []Statement {
	var out []Statement
	for _, st := range p.Statements {
		if st.Kind == k {
			out = append(out, st)
		}
	}
	return out
}

// endpointPorts merges the endpoint statements of p by host (a host may be
// listed on several lines, one per port).
func endpointPorts(p *Plan) map[string]Statement {
	m := map[string]Statement{}
	for _, st := range statementsOf(p, StatementEndpoint) {
		prev, ok := m[st.Host]
		if ok {
			st.Ports = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(prev.Ports), st.Ports...))))
			st.Line, st.Source = prev.Line, prev.Source
		}
		m[st.Host] = st
	}
	return m
}

func nameOf(p *Plan) string {
	if p.Circular == "" {
		return "the other document"
	}
	return string(p.Circular)
}

// joinPorts writes "port 443" or "ports 80 and 443".
func joinPorts(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	if len(s) == 1 {
		return "port " + s[0]
	}
	return "ports " + strings.Join(s, " and ")
}
