package sad

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// decoder walks a parsed tree with a dialect. Every rule on the content of
// SAD messages lives here: the encoders run the same walk over the tree they
// build, so what encodes always decodes to the same message.
type decoder struct {
	d     *Dialect
	lines map[*etree.Element]int
}

// node is an element of the tree being decoded. Paths for error messages
// are computed from the tree only when an error occurs.
type node struct {
	e *etree.Element
}

func (x *decoder) fail(n node, err error) error {
	return &SyntaxError{Line: x.lines[n.e], Path: elemPath(n.e), Err: err}
}

// elemPath renders e's path, with 1-based indexes for repeated names.
func elemPath(e *etree.Element) string {
	var parts []string
	for ; e != nil && e.Tag != ""; e = e.Parent() {
		seg := e.Tag
		if p := e.Parent(); p != nil {
			n, i := 0, 0
			for _, t := range p.Child {
				if c, ok := t.(*etree.Element); ok && strings.EqualFold(c.Tag, e.Tag) {
					n++
					if c == e {
						i = n
					}
				}
			}
			if n > 1 {
				seg += "[" + strconv.Itoa(i) + "]"
			}
		}
		parts = append(parts, seg)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// kids returns the child elements of p whose local name matches name,
// ignoring case and namespace prefixes.
func (x *decoder) kids(p node, name string) []node {
	var out []node
	for _, t := range p.e.Child {
		if c, ok := t.(*etree.Element); ok && strings.EqualFold(c.Tag, name) {
			out = append(out, node{e: c})
		}
	}
	return out
}

// one returns the single child called name. A missing required child is an
// ErrMissingElement naming the parent; two children are ErrDuplicateElement.
func (x *decoder) one(p node, name string, required bool) (node, bool, error) {
	var found *etree.Element
	for _, t := range p.e.Child {
		if c, ok := t.(*etree.Element); ok && strings.EqualFold(c.Tag, name) {
			if found != nil {
				return node{}, false, x.fail(node{e: c}, ErrDuplicateElement)
			}
			found = c
		}
	}
	if found == nil {
		if required {
			return node{}, false, x.fail(p, fmt.Errorf("%w: %s", ErrMissingElement, name))
		}
		return node{}, false, nil
	}
	return node{e: found}, true, nil
}

func hasChildElement(e *etree.Element) bool {
	for _, t := range e.Child {
		if _, ok := t.(*etree.Element); ok {
			return true
		}
	}
	return false
}

// leaf returns the trimmed text of the single child called name. An empty
// element counts as absent.
func (x *decoder) leaf(p node, name string, required bool) (string, node, error) {
	c, ok, err := x.one(p, name, required)
	if err != nil || !ok {
		return "", c, err
	}
	if hasChildElement(c.e) {
		return "", c, x.fail(c, fmt.Errorf("%w: child elements in a text field", ErrUnexpectedElement))
	}
	s := clean(allText(c.e))
	if s == "" && required {
		return "", c, x.fail(c, fmt.Errorf("%w: empty", ErrMissingElement))
	}
	return s, c, nil
}

// clean trims a value and turns tabs and line breaks into spaces: SAD
// values are single lines, and a raw CR would not survive re-encoding.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// allText concatenates the character data directly inside e.
func allText(e *etree.Element) string {
	if len(e.Child) == 1 {
		if cd, ok := e.Child[0].(*etree.CharData); ok {
			return cd.Data
		}
	}
	var b strings.Builder
	for _, t := range e.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}

// text reads a free-text leaf of at most max characters ([TextError]
// outside the free-text character set).
func (x *decoder) text(p node, name string, required bool, max int) (string, error) {
	return x.runes(p, name, required, max, textRune)
}

// name reads a personal-name leaf of at most max characters, in the
// character set of names ([TextError] otherwise).
func (x *decoder) name(p node, name string, required bool, max int) (string, error) {
	return x.runes(p, name, required, max, nameRune)
}

func (x *decoder) runes(p node, name string, required bool, max int, ok func(rune) bool) (string, error) {
	s, c, err := x.leaf(p, name, required)
	if err != nil || s == "" {
		return "", err
	}
	if err := checkLen(s, max, name); err != nil {
		return "", x.fail(c, err)
	}
	if err := checkRunes(s, name, ok); err != nil {
		return "", x.fail(c, err)
	}
	return s, nil
}

// check reads a leaf, upper-cases it and runs a validator on it.
func (x *decoder) check(p node, name string, required bool, upper bool, f func(string) error) (string, error) {
	s, c, err := x.leaf(p, name, required)
	if err != nil || s == "" {
		return "", err
	}
	if upper {
		s = strings.ToUpper(s)
	}
	if err := f(s); err != nil {
		return "", x.fail(c, err)
	}
	return s, nil
}

func (x *decoder) cf(p node, name string, required bool) (string, error) {
	return x.check(p, name, required, true, checkCF)
}

func (x *decoder) date(p node, name string, required bool) (time.Time, error) {
	return x.timeIn(p, name, required, "date", x.d.DateLayout, x.d.AcceptDates)
}

func (x *decoder) dateTime(p node, name string, required bool) (time.Time, error) {
	return x.timeIn(p, name, required, "timestamp", x.d.DateTimeLayout, x.d.AcceptDateTimes)
}

// timeIn reads a date or timestamp in the dialect's layout or one of the
// layouts it also accepts; what names the value in the error.
func (x *decoder) timeIn(p node, name string, required bool, what, layout string, accept []string) (time.Time, error) {
	s, c, err := x.leaf(p, name, required)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	for i := -1; i < len(accept); i++ {
		l := layout
		if i >= 0 {
			l = accept[i]
		}
		if l == "" {
			continue
		}
		if t, err := time.Parse(l, s); err == nil {
			if err := checkDate(t); err != nil {
				return time.Time{}, x.fail(c, err)
			}
			return t, nil
		}
	}
	return time.Time{}, x.fail(c, fmt.Errorf("%w: not a %s in a known layout", ErrInvalidValue, what))
}

func (x *decoder) flag(p node, name string, pair Pair) (*bool, error) {
	s, c, err := x.leaf(p, name, false)
	if err != nil || s == "" {
		return nil, err
	}
	v, err := pair.Parse(s)
	if err != nil {
		return nil, x.fail(c, err)
	}
	return &v, nil
}

func (x *decoder) root(t *tree, name string) (node, error) {
	n := node{e: t.root}
	if !strings.EqualFold(t.root.Tag, name) {
		return n, x.fail(n, fmt.Errorf("%w: %s, want %s", ErrWrongRoot, clip(t.root.Tag), name))
	}
	return n, nil
}

func (x *decoder) version(n node) (string, error) {
	for _, a := range n.e.Attr {
		if strings.EqualFold(a.Key, x.d.Names.VersionAttr) {
			v := clean(a.Value)
			if err := checkLen(v, 10, "version"); err != nil {
				return "", x.fail(n, err)
			}
			return v, nil
		}
	}
	return "", nil
}

func (x *decoder) request(t *tree) (*Request, error) {
	nm := &x.d.Names
	root, err := x.root(t, nm.RequestRoot)
	if err != nil {
		return nil, err
	}
	req := &Request{}
	if req.Version, err = x.version(root); err != nil {
		return nil, err
	}
	if req.ID, err = x.check(root, nm.RequestID, true, false, checkRequestID); err != nil {
		return nil, err
	}
	s, c, err := x.leaf(root, nm.Operation, true)
	if err != nil {
		return nil, err
	}
	op, ok := x.d.operation(s)
	if !ok {
		return nil, x.fail(c, fmt.Errorf("%w: operation %q", ErrUnknownValue, clip(s)))
	}
	req.Op = op
	if req.Time, err = x.dateTime(root, nm.RequestTime, false); err != nil {
		return nil, err
	}
	if req.Comune, err = x.check(root, nm.RequestComune, false, false, func(s string) error { return checkDigits(s, 6, "ISTAT code") }); err != nil {
		return nil, err
	}
	if req.Workstation, err = x.text(root, nm.Workstation, false, 20); err != nil {
		return nil, err
	}
	if req.Operator, err = x.cf(root, nm.Operator, false); err != nil {
		return nil, err
	}
	q, hasQ, err := x.one(root, nm.Query, false)
	if err != nil {
		return nil, err
	}
	cd, hasC, err := x.one(root, nm.Card, false)
	if err != nil {
		return nil, err
	}
	if op == OpLookup {
		if hasC {
			return nil, x.fail(cd, fmt.Errorf("%w: card data in a lookup", ErrUnexpectedElement))
		}
		if !hasQ {
			return nil, x.fail(root, fmt.Errorf("%w: %s", ErrMissingElement, nm.Query))
		}
		if req.Query, err = x.query(q); err != nil {
			return nil, err
		}
		return req, nil
	}
	if hasQ {
		return nil, x.fail(q, fmt.Errorf("%w: lookup criteria in a card notice", ErrUnexpectedElement))
	}
	if !hasC {
		return nil, x.fail(root, fmt.Errorf("%w: %s", ErrMissingElement, nm.Card))
	}
	if req.Card, err = x.card(cd, op); err != nil {
		return nil, err
	}
	return req, nil
}

func (x *decoder) query(n node) (*Query, error) {
	nm := &x.d.Names
	q := &Query{}
	var err error
	if q.CodiceFiscale, err = x.cf(n, nm.CodiceFiscale, false); err != nil {
		return nil, err
	}
	byName := q.CodiceFiscale == ""
	if q.Surname, err = x.name(n, nm.Surname, byName, 200); err != nil {
		return nil, err
	}
	if q.GivenNames, err = x.name(n, nm.GivenNames, byName, 200); err != nil {
		return nil, err
	}
	if q.BirthDate, err = x.date(n, nm.BirthDate, byName); err != nil {
		return nil, err
	}
	if q.Sex, err = x.check(n, nm.Sex, false, true, checkSex); err != nil {
		return nil, err
	}
	if q.BirthComune, q.BirthState, err = x.birthPlace(n, false); err != nil {
		return nil, err
	}
	return q, nil
}

// birthPlace reads ComuneNascita or StatoEsteroNascita, at most one of them.
func (x *decoder) birthPlace(n node, required bool) (*Place, *Place, error) {
	nm := &x.d.Names
	c, hasC, err := x.one(n, nm.BirthComune, false)
	if err != nil {
		return nil, nil, err
	}
	s, hasS, err := x.one(n, nm.BirthState, false)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case hasC && hasS:
		return nil, nil, x.fail(s, fmt.Errorf("%w: both a comune and a foreign state of birth", ErrUnexpectedElement))
	case hasC:
		p, err := x.place(c, true)
		return p, nil, err
	case hasS:
		p, err := x.place(s, false)
		return nil, p, err
	case required:
		return nil, nil, x.fail(n, fmt.Errorf("%w: %s or %s", ErrMissingElement, nm.BirthComune, nm.BirthState))
	}
	return nil, nil, nil
}

// place reads a comune (6-digit ISTAT code, province) or a state (3 digits).
func (x *decoder) place(n node, comune bool) (*Place, error) {
	nm := &x.d.Names
	digits := 3
	if comune {
		digits = 6
	}
	p := &Place{}
	var err error
	if p.IstatCode, err = x.check(n, nm.IstatCode, true, false, func(s string) error { return checkDigits(s, digits, "ISTAT code") }); err != nil {
		return nil, err
	}
	if p.Description, err = x.text(n, nm.Description, false, 200); err != nil {
		return nil, err
	}
	if comune {
		if p.Province, err = x.check(n, nm.Province, false, true, checkProvince); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (x *decoder) card(n node, op Operation) (*CardData, error) {
	nm := &x.d.Names
	c := &CardData{}
	var err error
	if c.CodiceFiscale, err = x.cf(n, nm.CodiceFiscale, true); err != nil {
		return nil, err
	}
	if c.APRID, err = x.text(n, nm.APRID, false, 30); err != nil {
		return nil, err
	}
	strict := op == OpIssue
	if c.Number, err = x.check(n, nm.CardNumber, true, true, func(s string) error { return checkCardNumber(s, strict) }); err != nil {
		return nil, err
	}
	if c.PreviousNumber, err = x.check(n, nm.PreviousCardNumber, false, true, func(s string) error { return checkCardNumber(s, false) }); err != nil {
		return nil, err
	}
	if c.Reason, err = x.text(n, nm.Reason, false, 240); err != nil {
		return nil, err
	}
	switch op {
	case OpIssue:
		if c.IssueDate, err = x.date(n, nm.IssueDate, true); err != nil {
			return nil, err
		}
		if c.ExpiryDate, err = x.date(n, nm.ExpiryDate, true); err != nil {
			return nil, err
		}
		if !c.ExpiryDate.After(c.IssueDate) {
			e, _, _ := x.one(n, nm.ExpiryDate, true)
			return nil, x.fail(e, fmt.Errorf("%w: expiry not after issue", ErrInvalidValue))
		}
		s, sn, err := x.leaf(n, nm.ValidForTravel, true)
		if err != nil {
			return nil, err
		}
		v, err := x.d.Espatrio.Parse(s)
		if err != nil {
			return nil, x.fail(sn, err)
		}
		c.ValidForTravel = &v
		if ic, ok, err := x.one(n, nm.IssuingComune, false); err != nil {
			return nil, err
		} else if ok {
			if c.IssuingComune, err = x.place(ic, true); err != nil {
				return nil, err
			}
		}
		hs, hn, err := x.leaf(n, nm.Height, false)
		if err != nil {
			return nil, err
		}
		if hs != "" {
			h, err := strconv.Atoi(hs)
			if err != nil || h < 30 || h > 260 {
				return nil, x.fail(hn, fmt.Errorf("%w: height in cm, want 30-260", ErrInvalidValue))
			}
			c.Height = h
		}
	case OpCancel:
		if c.EventDate, err = x.date(n, nm.CancelDate, true); err != nil {
			return nil, err
		}
	case OpRevoke:
		if c.EventDate, err = x.date(n, nm.RevokeDate, true); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (x *decoder) response(t *tree) (*Response, error) {
	nm := &x.d.Names
	root, err := x.root(t, nm.ResponseRoot)
	if err != nil {
		return nil, err
	}
	resp := &Response{}
	if resp.Version, err = x.version(root); err != nil {
		return nil, err
	}
	if resp.ID, err = x.check(root, nm.RequestID, true, false, checkRequestID); err != nil {
		return nil, err
	}
	s, c, err := x.leaf(root, nm.Operation, false)
	if err != nil {
		return nil, err
	}
	if s != "" {
		op, ok := x.d.operation(s)
		if !ok {
			return nil, x.fail(c, fmt.Errorf("%w: operation %q", ErrUnknownValue, clip(s)))
		}
		resp.Op = op
	}
	if resp.Time, err = x.dateTime(root, nm.ResponseTime, false); err != nil {
		return nil, err
	}
	es, _, err := x.one(root, nm.Outcome, true)
	if err != nil {
		return nil, err
	}
	s, c, err = x.leaf(es, nm.OutcomeCode, true)
	if err != nil {
		return nil, err
	}
	code, ok := x.d.code(s)
	if !ok {
		return nil, x.fail(c, fmt.Errorf("%w: outcome code %q", ErrUnknownValue, clip(s)))
	}
	resp.Outcome.Code = code
	if resp.Outcome.Description, err = x.text(es, nm.OutcomeText, false, 240); err != nil {
		return nil, err
	}
	if resp.CardNumber, err = x.check(root, nm.CardNumber, false, true, func(s string) error { return checkCardNumber(s, false) }); err != nil {
		return nil, err
	}
	subs := x.kids(root, nm.Subject)
	if len(subs) > 0 && code != CodeOK && code != CodeMultiple && code != CodeNotResident {
		return nil, x.fail(subs[0], fmt.Errorf("%w: subjects with outcome %v", ErrUnexpectedElement, code))
	}
	for _, sn := range subs {
		sub, err := x.subject(sn)
		if err != nil {
			return nil, err
		}
		resp.Subjects = append(resp.Subjects, *sub)
	}
	return resp, nil
}

func (x *decoder) subject(n node) (*Subject, error) {
	nm := &x.d.Names
	s := &Subject{}
	var err error
	if s.APRID, err = x.text(n, nm.APRID, false, 30); err != nil {
		return nil, err
	}
	if s.CodiceFiscale, err = x.cf(n, nm.CodiceFiscale, true); err != nil {
		return nil, err
	}
	if s.Surname, err = x.name(n, nm.Surname, true, 200); err != nil {
		return nil, err
	}
	if s.GivenNames, err = x.name(n, nm.GivenNames, true, 200); err != nil {
		return nil, err
	}
	if s.Sex, err = x.check(n, nm.Sex, true, true, checkSex); err != nil {
		return nil, err
	}
	if s.BirthDate, err = x.date(n, nm.BirthDate, true); err != nil {
		return nil, err
	}
	if s.BirthComune, s.BirthState, err = x.birthPlace(n, true); err != nil {
		return nil, err
	}
	if s.BirthLocality, err = x.name(n, nm.BirthLocality, false, 200); err != nil {
		return nil, err
	}
	if an, ok, err := x.one(n, nm.BirthAct, false); err != nil {
		return nil, err
	} else if ok {
		if s.BirthAct, err = x.birthAct(an); err != nil {
			return nil, err
		}
	}
	for _, cn := range x.kids(n, nm.Citizenship) {
		p, err := x.place(cn, false)
		if err != nil {
			return nil, err
		}
		s.Citizenships = append(s.Citizenships, *p)
	}
	if s.MaritalStatus, err = x.check(n, nm.MaritalStatus, false, false, func(v string) error { return checkDigits(v, 1, "marital status") }); err != nil {
		return nil, err
	}
	if rn, ok, err := x.one(n, nm.Residence, false); err != nil {
		return nil, err
	} else if ok {
		if s.Residence, err = x.residence(rn); err != nil {
			return nil, err
		}
	}
	if s.AIRE, err = x.flag(n, nm.AIRE, x.d.Flags); err != nil {
		return nil, err
	}
	if s.ValidForTravel, err = x.flag(n, nm.ValidForTravel, x.d.Espatrio); err != nil {
		return nil, err
	}
	if gn, ok, err := x.one(n, nm.Parents, false); err != nil {
		return nil, err
	} else if ok {
		s.Parents = &Parents{}
		if s.Parents.Father, err = x.parent(gn, nm.Father); err != nil {
			return nil, err
		}
		if s.Parents.Mother, err = x.parent(gn, nm.Mother); err != nil {
			return nil, err
		}
		if s.Parents.Father == nil && s.Parents.Mother == nil {
			s.Parents = nil // an empty Genitori is an absent one
		}
	}
	if dn, ok, err := x.one(n, nm.Document, false); err != nil {
		return nil, err
	} else if ok {
		d := &Document{}
		if d.Number, err = x.check(dn, nm.DocNumber, true, true, func(v string) error { return checkCardNumber(v, false) }); err != nil {
			return nil, err
		}
		if d.Type, err = x.text(dn, nm.DocType, false, 40); err != nil {
			return nil, err
		}
		if d.IssueDate, err = x.date(dn, nm.IssueDate, false); err != nil {
			return nil, err
		}
		if d.ExpiryDate, err = x.date(dn, nm.ExpiryDate, false); err != nil {
			return nil, err
		}
		s.Document = d
	}
	return s, nil
}

func (x *decoder) birthAct(n node) (*BirthAct, error) {
	nm := &x.d.Names
	a := &BirthAct{}
	if !hasChildElement(n.e) {
		a.Text = clean(allText(n.e))
		if a.Text == "" {
			return nil, nil // an empty element is an absent one
		}
		if err := checkLen(a.Text, 200, nm.BirthAct); err != nil {
			return nil, x.fail(n, err)
		}
		return a, nil
	}
	var err error
	if cn, ok, err := x.one(n, nm.ActComune, false); err != nil {
		return nil, err
	} else if ok {
		if a.Comune, err = x.place(cn, true); err != nil {
			return nil, err
		}
	}
	if a.Year, err = x.check(n, nm.ActYear, false, false, func(v string) error { return checkDigits(v, 4, "year") }); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{nm.ActPart, &a.Part}, {nm.ActSeries, &a.Series}, {nm.ActNumber, &a.Number}} {
		if *f.dst, err = x.text(n, f.name, false, 20); err != nil {
			return nil, err
		}
	}
	if *a == (BirthAct{}) {
		return nil, nil
	}
	return a, nil
}

func (x *decoder) residence(n node) (*Residence, error) {
	nm := &x.d.Names
	r := &Residence{}
	cn, _, err := x.one(n, nm.ResidenceComune, true)
	if err != nil {
		return nil, err
	}
	p, err := x.place(cn, true)
	if err != nil {
		return nil, err
	}
	r.Comune = *p
	for _, f := range []struct {
		name string
		dst  *string
		max  int
	}{
		{nm.Address, &r.Address, 200}, {nm.StreetKind, &r.StreetKind, 40}, {nm.StreetName, &r.StreetName, 200},
		{nm.HouseNumber, &r.HouseNumber, 20}, {nm.HouseSuffix, &r.HouseSuffix, 20}, {nm.Apartment, &r.Apartment, 20},
	} {
		if *f.dst, err = x.text(n, f.name, false, f.max); err != nil {
			return nil, err
		}
	}
	if r.PostCode, err = x.check(n, nm.PostCode, false, false, func(v string) error { return checkDigits(v, 5, "postcode") }); err != nil {
		return nil, err
	}
	return r, nil
}

func (x *decoder) parent(n node, name string) (*Parent, error) {
	pn, ok, err := x.one(n, name, false)
	if err != nil || !ok {
		return nil, err
	}
	nm := &x.d.Names
	p := &Parent{}
	if p.Surname, err = x.name(pn, nm.Surname, true, 200); err != nil {
		return nil, err
	}
	if p.GivenNames, err = x.name(pn, nm.GivenNames, true, 200); err != nil {
		return nil, err
	}
	if p.CodiceFiscale, err = x.cf(pn, nm.CodiceFiscale, false); err != nil {
		return nil, err
	}
	return p, nil
}
