package sad

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemoryRegistry is an in-memory [Registry]: a reference APR for tests,
// examples and demonstrations (examples/apr-server serves one). Lookups
// match the codice fiscale exactly, or surname, given names and birth date
// ignoring case and spaces, plus sex and birth place when the query has
// them. Notices keep a card ledger: an issue notice for an unknown person,
// or a cancellation or revocation of an unknown card, is [ErrNotAllowed];
// repeating a notice with the same data succeeds (idempotent, as the
// [Spool] requires). It is safe for concurrent use.
type MemoryRegistry struct {
	mu       sync.Mutex
	subjects []Subject
	byCF     map[string][]int // upper-case codice fiscale -> indexes in subjects
	cards    map[string]*CardRecord
}

// CardRecord is what a [MemoryRegistry] knows of a card.
type CardRecord struct {
	Number        string
	CodiceFiscale string
	IssueDate     time.Time
	ExpiryDate    time.Time
	State         Operation // OpIssue, OpCancel or OpRevoke: the last notice
	EventDate     time.Time // date of the cancellation or revocation
	Notices       int       // notices received for this card, repeats included
}

// NewMemoryRegistry returns a registry holding a copy of subjects.
func NewMemoryRegistry(subjects []Subject) *MemoryRegistry {
	m := &MemoryRegistry{subjects: slices.Clone(subjects), byCF: make(map[string][]int, len(subjects)), cards: make(map[string]*CardRecord)}
	for i := range m.subjects {
		cf := strings.ToUpper(m.subjects[i].CodiceFiscale)
		m.byCF[cf] = append(m.byCF[cf], i)
	}
	return m
}

var _ Registry = (*MemoryRegistry)(nil)

func norm(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

// Lookup implements [Registry]. The returned subjects are copies; their
// pointer fields are shared with the registry and must not be modified.
func (m *MemoryRegistry) Lookup(ctx context.Context, q *Query) ([]Subject, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q == nil {
		return nil, ErrInvalidRequest
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Subject
	if q.CodiceFiscale != "" {
		for _, i := range m.byCF[strings.ToUpper(q.CodiceFiscale)] {
			out = append(out, m.subjects[i])
		}
		return out, nil
	}
	for i := range m.subjects {
		s := &m.subjects[i]
		if norm(s.Surname) != norm(q.Surname) || norm(s.GivenNames) != norm(q.GivenNames) || !s.BirthDate.Equal(q.BirthDate) {
			continue
		}
		if q.Sex != "" && !strings.EqualFold(q.Sex, s.Sex) {
			continue
		}
		if q.BirthComune != nil && (s.BirthComune == nil || s.BirthComune.IstatCode != q.BirthComune.IstatCode) {
			continue
		}
		if q.BirthState != nil && (s.BirthState == nil || s.BirthState.IstatCode != q.BirthState.IstatCode) {
			continue
		}
		out = append(out, *s)
	}
	return out, nil
}

func (m *MemoryRegistry) subject(cf string) *Subject {
	if idx := m.byCF[strings.ToUpper(cf)]; len(idx) > 0 {
		return &m.subjects[idx[0]]
	}
	return nil
}

// CardIssued implements [Registry]: it records the card and makes it the
// subject's current document.
func (m *MemoryRegistry) CardIssued(ctx context.Context, c *CardData) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.subject(c.CodiceFiscale)
	if s == nil {
		return fmt.Errorf("%w: unknown person", ErrNotAllowed)
	}
	if r, ok := m.cards[c.Number]; ok {
		if !strings.EqualFold(r.CodiceFiscale, c.CodiceFiscale) || r.State != OpIssue {
			return fmt.Errorf("%w: card already known", ErrNotAllowed)
		}
		r.Notices++
		return nil // a repeated notice
	}
	m.cards[c.Number] = &CardRecord{
		Number: c.Number, CodiceFiscale: s.CodiceFiscale, IssueDate: c.IssueDate, ExpiryDate: c.ExpiryDate,
		State: OpIssue, Notices: 1,
	}
	s.Document = &Document{Number: c.Number, Type: "ELETTRONICA", IssueDate: c.IssueDate, ExpiryDate: c.ExpiryDate}
	if c.ValidForTravel != nil {
		s.ValidForTravel = Bool(*c.ValidForTravel)
	}
	return nil
}

// CardCancelled implements [Registry].
func (m *MemoryRegistry) CardCancelled(ctx context.Context, c *CardData) error {
	return m.end(ctx, c, OpCancel)
}

// CardRevoked implements [Registry].
func (m *MemoryRegistry) CardRevoked(ctx context.Context, c *CardData) error {
	return m.end(ctx, c, OpRevoke)
}

func (m *MemoryRegistry) end(ctx context.Context, c *CardData, op Operation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.cards[c.Number]
	if !ok || !strings.EqualFold(r.CodiceFiscale, c.CodiceFiscale) {
		return fmt.Errorf("%w: unknown card", ErrNotAllowed)
	}
	switch {
	case r.State == op && r.EventDate.Equal(c.EventDate):
		r.Notices++
		return nil // a repeated notice
	case r.State != OpIssue:
		return fmt.Errorf("%w: card already cancelled or revoked", ErrNotAllowed)
	}
	r.State, r.EventDate = op, c.EventDate
	r.Notices++
	if s := m.subject(c.CodiceFiscale); s != nil && s.Document != nil && s.Document.Number == c.Number {
		s.Document = nil
	}
	return nil
}

// Card returns a copy of the record of card number n.
func (m *MemoryRegistry) Card(n string) (CardRecord, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.cards[n]
	if !ok {
		return CardRecord{}, false
	}
	return *r, true
}

// Len returns the number of subjects.
func (m *MemoryRegistry) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.subjects)
}
