package sedi

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
)

// Store persists sedi, referenti and the outbox of events. Every change
// happens inside Update, which commits all of fn's writes or none of them.
// Implementations must be safe for concurrent use.
type Store interface {
	// Update runs fn in a read-write transaction, committed if fn returns
	// nil and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is a transaction of a [Store]. Values returned are copies: changing
// them changes nothing until they are put back. Lookups of missing IDs
// return a [*RuleError] with [RuleNotFound].
type Tx interface {
	Sede(id int64) (*Sede, error)
	// Sedi returns the sedi of a comune, or of every comune when comune is
	// "", ordered by ID.
	Sedi(comune string) ([]*Sede, error)
	// PutSede inserts s (ID 0: a new ID is assigned and returned) or
	// replaces the sede with its ID.
	PutSede(s *Sede) (int64, error)
	DeleteSede(id int64) error

	Referente(id int64) (*Referente, error)
	// Referenti returns a comune's list of contacts, or every contact when
	// comune is "", ordered by ID.
	Referenti(comune string) ([]*Referente, error)
	PutReferente(r *Referente) (int64, error)
	DeleteReferente(id int64) error

	// AddEvents appends events to the outbox, in order.
	AddEvents(evs ...Event) error
	// Events returns the outbox, oldest first.
	Events() ([]Event, error)
}

// NewMemoryStore returns an empty Store that keeps everything in memory.
// Update works on a copy of the data and swaps it in on success.
func NewMemoryStore() Store {
	return &memStore{data: memData{sedi: map[int64]*Sede{}, referenti: map[int64]*Referente{}}}
}

type memData struct {
	sedi      map[int64]*Sede
	referenti map[int64]*Referente
	events    []Event
	nextID    int64
}

func (d memData) clone() memData {
	c := memData{sedi: make(map[int64]*Sede, len(d.sedi)), referenti: maps.Clone(d.referenti), events: slices.Clone(d.events), nextID: d.nextID}
	for id, s := range d.sedi {
		c.sedi[id] = s.Clone()
	}
	return c
}

type memStore struct {
	mu   sync.RWMutex
	data memData
}

func (m *memStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{d: m.data.clone()}
	if err := fn(tx); err != nil {
		return err
	}
	m.data = tx.d
	return nil
}

func (m *memStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{d: m.data, readOnly: true})
}

func (m *memStore) Close() error { return nil }

type memTx struct {
	d        memData
	readOnly bool
}

var errReadOnly = &RuleError{Rule: RuleStep, Field: "transaction"}

func (t *memTx) Sede(id int64) (*Sede, error) {
	s, ok := t.d.sedi[id]
	if !ok {
		return nil, ruleErr(RuleNotFound, "Sede", "")
	}
	return s.Clone(), nil
}

func (t *memTx) Sedi(comune string) ([]*Sede, error) {
	var out []*Sede
	for _, s := range t.d.sedi {
		if comune == "" || s.Comune == comune {
			out = append(out, s.Clone())
		}
	}
	slices.SortFunc(out, func(a, b *Sede) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (t *memTx) PutSede(s *Sede) (int64, error) {
	if t.readOnly {
		return 0, errReadOnly
	}
	c := s.Clone()
	if c.ID == 0 {
		t.d.nextID++
		c.ID = t.d.nextID
	} else if _, ok := t.d.sedi[c.ID]; !ok {
		return 0, ruleErr(RuleNotFound, "Sede", "")
	}
	t.d.sedi[c.ID] = c
	return c.ID, nil
}

func (t *memTx) DeleteSede(id int64) error {
	if t.readOnly {
		return errReadOnly
	}
	if _, ok := t.d.sedi[id]; !ok {
		return ruleErr(RuleNotFound, "Sede", "")
	}
	delete(t.d.sedi, id)
	return nil
}

func (t *memTx) Referente(id int64) (*Referente, error) {
	r, ok := t.d.referenti[id]
	if !ok {
		return nil, ruleErr(RuleNotFound, "Referente", "")
	}
	c := *r
	return &c, nil
}

func (t *memTx) Referenti(comune string) ([]*Referente, error) {
	var out []*Referente
	for _, r := range t.d.referenti {
		if comune == "" || r.Comune == comune {
			c := *r
			out = append(out, &c)
		}
	}
	slices.SortFunc(out, func(a, b *Referente) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (t *memTx) PutReferente(r *Referente) (int64, error) {
	if t.readOnly {
		return 0, errReadOnly
	}
	c := *r
	if c.ID == 0 {
		t.d.nextID++
		c.ID = t.d.nextID
	} else if _, ok := t.d.referenti[c.ID]; !ok {
		return 0, ruleErr(RuleNotFound, "Referente", "")
	}
	t.d.referenti[c.ID] = &c
	return c.ID, nil
}

func (t *memTx) DeleteReferente(id int64) error {
	if t.readOnly {
		return errReadOnly
	}
	if _, ok := t.d.referenti[id]; !ok {
		return ruleErr(RuleNotFound, "Referente", "")
	}
	delete(t.d.referenti, id)
	return nil
}

func (t *memTx) AddEvents(evs ...Event) error {
	if t.readOnly {
		return errReadOnly
	}
	t.d.events = append(t.d.events, evs...)
	return nil
}

func (t *memTx) Events() ([]Event, error) { return slices.Clone(t.d.events), nil }
