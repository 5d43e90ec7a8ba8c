package sad

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// builder turns messages into etree elements with a dialect's names. It
// does not validate: the encoders run the decoder over the result, so the
// rules exist once.
type builder struct {
	d   *Dialect
	bad string // path of the first value that XML cannot carry
}

func (b *builder) elem(parent *etree.Element, name string) *etree.Element {
	return parent.CreateElement(name)
}

// leaf adds <name>value</name> when value is not empty.
func (b *builder) leaf(parent *etree.Element, name, value string) {
	if value == "" {
		return
	}
	if b.bad == "" && !xmlText(value) {
		b.bad = elemPath(parent) + "/" + name
	}
	parent.CreateElement(name).SetText(value)
}

func (b *builder) date(parent *etree.Element, name string, t time.Time) {
	if !t.IsZero() {
		b.leaf(parent, name, t.Format(b.d.DateLayout))
	}
}

func (b *builder) dateTime(parent *etree.Element, name string, t time.Time) {
	if !t.IsZero() {
		b.leaf(parent, name, t.Format(b.d.DateTimeLayout))
	}
}

func (b *builder) flag(parent *etree.Element, name string, v *bool, pair Pair) {
	if v != nil {
		b.leaf(parent, name, pair.Format(*v))
	}
}

func (b *builder) place(parent *etree.Element, name string, p *Place) {
	if p == nil {
		return
	}
	e := b.elem(parent, name)
	b.leaf(e, b.d.Names.IstatCode, p.IstatCode)
	b.leaf(e, b.d.Names.Description, p.Description)
	b.leaf(e, b.d.Names.Province, p.Province)
}

func (b *builder) root(name, version string) *etree.Element {
	e := etree.NewElement(name)
	if b.d.Namespace != "" {
		e.CreateAttr("xmlns", b.d.Namespace)
	}
	if version == "" {
		version = b.d.Version
	}
	if version != "" && b.d.Names.VersionAttr != "" {
		e.CreateAttr(b.d.Names.VersionAttr, version)
	}
	return e
}

func (b *builder) request(r *Request) *etree.Element {
	nm := &b.d.Names
	root := b.root(nm.RequestRoot, r.Version)
	b.leaf(root, nm.RequestID, r.ID)
	b.leaf(root, nm.Operation, b.d.Operations[r.Op])
	b.dateTime(root, nm.RequestTime, r.Time)
	b.leaf(root, nm.RequestComune, r.Comune)
	b.leaf(root, nm.Workstation, r.Workstation)
	b.leaf(root, nm.Operator, r.Operator)
	if q := r.Query; q != nil {
		e := b.elem(root, nm.Query)
		b.leaf(e, nm.CodiceFiscale, q.CodiceFiscale)
		b.leaf(e, nm.Surname, q.Surname)
		b.leaf(e, nm.GivenNames, q.GivenNames)
		b.date(e, nm.BirthDate, q.BirthDate)
		b.leaf(e, nm.Sex, q.Sex)
		b.place(e, nm.BirthComune, q.BirthComune)
		b.place(e, nm.BirthState, stateOnly(q.BirthState))
	}
	if c := r.Card; c != nil {
		e := b.elem(root, nm.Card)
		b.leaf(e, nm.CodiceFiscale, c.CodiceFiscale)
		b.leaf(e, nm.APRID, c.APRID)
		b.leaf(e, nm.CardNumber, c.Number)
		if r.Op == OpIssue {
			b.date(e, nm.IssueDate, c.IssueDate)
			b.date(e, nm.ExpiryDate, c.ExpiryDate)
			b.flag(e, nm.ValidForTravel, c.ValidForTravel, b.d.Espatrio)
			b.place(e, nm.IssuingComune, c.IssuingComune)
			if c.Height != 0 {
				b.leaf(e, nm.Height, strconv.Itoa(c.Height))
			}
		}
		b.leaf(e, nm.PreviousCardNumber, c.PreviousNumber)
		switch r.Op {
		case OpCancel:
			b.date(e, nm.CancelDate, c.EventDate)
		case OpRevoke:
			b.date(e, nm.RevokeDate, c.EventDate)
		}
		b.leaf(e, nm.Reason, c.Reason)
	}
	return root
}

// stateOnly drops the province, which foreign states do not have.
func stateOnly(p *Place) *Place {
	if p == nil || p.Province == "" {
		return p
	}
	q := *p
	q.Province = ""
	return &q
}

func (b *builder) response(r *Response) *etree.Element {
	nm := &b.d.Names
	root := b.root(nm.ResponseRoot, r.Version)
	b.leaf(root, nm.RequestID, r.ID)
	b.leaf(root, nm.Operation, b.d.Operations[r.Op])
	b.dateTime(root, nm.ResponseTime, r.Time)
	es := b.elem(root, nm.Outcome)
	b.leaf(es, nm.OutcomeCode, b.d.Codes[r.Outcome.Code])
	b.leaf(es, nm.OutcomeText, r.Outcome.Description)
	b.leaf(root, nm.CardNumber, r.CardNumber)
	for i := range r.Subjects {
		b.subject(root, &r.Subjects[i])
	}
	return root
}

func (b *builder) subject(parent *etree.Element, s *Subject) {
	nm := &b.d.Names
	e := b.elem(parent, nm.Subject)
	b.leaf(e, nm.APRID, s.APRID)
	b.leaf(e, nm.CodiceFiscale, s.CodiceFiscale)
	b.leaf(e, nm.Surname, s.Surname)
	b.leaf(e, nm.GivenNames, s.GivenNames)
	b.leaf(e, nm.Sex, s.Sex)
	b.date(e, nm.BirthDate, s.BirthDate)
	b.place(e, nm.BirthComune, s.BirthComune)
	b.place(e, nm.BirthState, stateOnly(s.BirthState))
	b.leaf(e, nm.BirthLocality, s.BirthLocality)
	if a := s.BirthAct; a != nil {
		ae := b.elem(e, nm.BirthAct)
		if a.Text != "" && a.Comune == nil && a.Year == "" && a.Part == "" && a.Series == "" && a.Number == "" {
			ae.SetText(a.Text)
			if b.bad == "" && !xmlText(a.Text) {
				b.bad = elemPath(ae)
			}
		} else {
			b.place(ae, nm.ActComune, a.Comune)
			b.leaf(ae, nm.ActYear, a.Year)
			b.leaf(ae, nm.ActPart, a.Part)
			b.leaf(ae, nm.ActSeries, a.Series)
			b.leaf(ae, nm.ActNumber, a.Number)
		}
	}
	for i := range s.Citizenships {
		b.place(e, nm.Citizenship, stateOnly(&s.Citizenships[i]))
	}
	b.leaf(e, nm.MaritalStatus, s.MaritalStatus)
	if r := s.Residence; r != nil {
		re := b.elem(e, nm.Residence)
		b.place(re, nm.ResidenceComune, &r.Comune)
		b.leaf(re, nm.Address, r.Address)
		b.leaf(re, nm.StreetKind, r.StreetKind)
		b.leaf(re, nm.StreetName, r.StreetName)
		b.leaf(re, nm.HouseNumber, r.HouseNumber)
		b.leaf(re, nm.HouseSuffix, r.HouseSuffix)
		b.leaf(re, nm.Apartment, r.Apartment)
		b.leaf(re, nm.PostCode, r.PostCode)
	}
	b.flag(e, nm.AIRE, s.AIRE, b.d.Flags)
	b.flag(e, nm.ValidForTravel, s.ValidForTravel, b.d.Espatrio)
	if p := s.Parents; p != nil && (p.Father != nil || p.Mother != nil) {
		ge := b.elem(e, nm.Parents)
		b.parent(ge, nm.Father, p.Father)
		b.parent(ge, nm.Mother, p.Mother)
	}
	if d := s.Document; d != nil {
		de := b.elem(e, nm.Document)
		b.leaf(de, nm.DocNumber, d.Number)
		b.leaf(de, nm.DocType, d.Type)
		b.date(de, nm.IssueDate, d.IssueDate)
		b.date(de, nm.ExpiryDate, d.ExpiryDate)
	}
}

func (b *builder) parent(parent *etree.Element, name string, p *Parent) {
	if p == nil {
		return
	}
	e := b.elem(parent, name)
	b.leaf(e, b.d.Names.Surname, p.Surname)
	b.leaf(e, b.d.Names.GivenNames, p.GivenNames)
	b.leaf(e, b.d.Names.CodiceFiscale, p.CodiceFiscale)
}

// xmlText reports whether s is valid UTF-8 made only of characters XML 1.0
// allows (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]).
func xmlText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r < 0x20:
			return false
		case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

// checkBuilt validates a built element by decoding it, and converts the
// decoder's error into a ValidationError.
func checkBuilt[T any](b *builder, root *etree.Element, decode func(*decoder, *tree) (T, error)) error {
	if b.bad != "" {
		return &ValidationError{Path: b.bad, Err: fmt.Errorf("%w: characters XML cannot carry", ErrInvalidValue)}
	}
	x := &decoder{d: b.d}
	if _, err := decode(x, &tree{root: root}); err != nil {
		if se, ok := err.(*SyntaxError); ok {
			return &ValidationError{Path: se.Path, Err: se.Err}
		}
		return err
	}
	return nil
}
