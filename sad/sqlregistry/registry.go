package sqlregistry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/sad"
)

// Registry is a [sad.Registry] over a database/sql database described by a
// [Mapping]. It is safe for concurrent use (as *sql.DB is).
type Registry struct {
	db     *sql.DB
	m      *Mapping
	dollar bool

	lookupCF, lookupName   prepared
	issued, cancelled, rev []prepared
	ledgerGet, ledgerPut   string
}

type prepared struct {
	sql   string
	names []string
}

var _ sad.Registry = (*Registry)(nil)

// Open returns a Registry over db, which the caller opened (and closes,
// after the Registry's last use) with the driver of their choice. It
// creates the mapping's notice table when missing:
//
//	CREATE TABLE IF NOT EXISTS sad_notice (
//	    request_id VARCHAR(30) PRIMARY KEY, operation VARCHAR(12) NOT NULL,
//	    card_number VARCHAR(20) NOT NULL, codice_fiscale VARCHAR(16) NOT NULL,
//	    recorded_at VARCHAR(25) NOT NULL)
//
// Errors are the database's, wrapped as "creating the notice table: %w".
func Open(ctx context.Context, db *sql.DB, m *Mapping) (*Registry, error) {
	if m == nil || m.lookupCF == nil {
		return nil, &MappingError{Err: errors.New("not compiled: use DecodeMapping")}
	}
	r := &Registry{db: db, m: m}
	switch m.Placeholders {
	case "dollar":
		r.dollar = true
	case "question":
	default:
		pkg := reflect.TypeOf(db.Driver()).Elem().PkgPath()
		r.dollar = strings.Contains(pkg, "jackc/pgx") || strings.Contains(pkg, "lib/pq")
	}
	render := func(st *statement) prepared {
		s, names := st.render(r.dollar)
		return prepared{s, names}
	}
	r.lookupCF, r.lookupName = render(m.lookupCF), render(m.lookupName)
	for _, n := range []struct {
		src []*statement
		dst *[]prepared
	}{{m.issued, &r.issued}, {m.cancelled, &r.cancelled}, {m.revoked, &r.rev}} {
		for _, st := range n.src {
			*n.dst = append(*n.dst, render(st))
		}
	}
	t := m.NoticeTable
	p := func(i int) string {
		if r.dollar {
			return "$" + strconv.Itoa(i)
		}
		return "?"
	}
	r.ledgerGet = "SELECT operation, card_number, codice_fiscale FROM " + t + " WHERE request_id = " + p(1)
	r.ledgerPut = "INSERT INTO " + t + " (request_id, operation, card_number, codice_fiscale, recorded_at) VALUES (" +
		p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ")"
	_, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+t+` (
	request_id VARCHAR(30) PRIMARY KEY,
	operation VARCHAR(12) NOT NULL,
	card_number VARCHAR(20) NOT NULL,
	codice_fiscale VARCHAR(16) NOT NULL,
	recorded_at VARCHAR(25) NOT NULL)`)
	if err != nil {
		return nil, fmt.Errorf("creating the notice table: %w", err)
	}
	return r, nil
}

func args(names []string, vals map[string]any) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = vals[n]
	}
	return out
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// dateArg is a date parameter of a notice: "YYYY-MM-DD", or NULL when absent.
func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// Lookup implements [sad.Registry]. A query error is returned as is (the
// [sad.Server] answers 99 without its text); a row whose values do not make
// a valid subject is an error naming the field and the row's codice fiscale
// position only. When every subject found has resident false, it returns
// them with [sad.ErrNotResident] (outcome 05); otherwise the resident ones.
func (r *Registry) Lookup(ctx context.Context, q *sad.Query) ([]sad.Subject, error) {
	if q == nil {
		return nil, sad.ErrInvalidRequest
	}
	vals := map[string]any{
		"cf": strings.ToUpper(q.CodiceFiscale), "surname": normName(q.Surname), "given_names": normName(q.GivenNames),
		"birth_date": date(q.BirthDate), "sex": q.Sex, "birth_istat": "",
	}
	switch {
	case q.BirthComune != nil:
		vals["birth_istat"] = q.BirthComune.IstatCode
	case q.BirthState != nil:
		vals["birth_istat"] = q.BirthState.IstatCode
	}
	p := r.lookupName
	if q.CodiceFiscale != "" {
		p = r.lookupCF
	}
	rows, err := r.db.QueryContext(ctx, p.sql, args(p.names, vals)...)
	if err != nil {
		return nil, fmt.Errorf("sqlregistry: lookup query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	idx := r.columnIndex(cols)
	var found, resident []sad.Subject
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		s, res, err := subject(idx, raw, len(found)+1)
		if err != nil {
			return nil, err
		}
		found = append(found, s)
		if res {
			resident = append(resident, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(found) > 0 && len(resident) == 0 {
		return found, sad.ErrNotResident
	}
	return resident, nil
}

func normName(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

// columnIndex maps each Subject field to its result column, or -1.
func (r *Registry) columnIndex(cols []string) map[string]int {
	idx := make(map[string]int, len(Fields))
	for _, f := range Fields {
		want := f
		if c, ok := r.m.Columns[f]; ok {
			want = c
		}
		idx[f] = -1
		for i, c := range cols {
			if strings.EqualFold(c, want) {
				idx[f] = i
				break
			}
		}
	}
	return idx
}

// CardIssued implements [sad.Registry].
func (r *Registry) CardIssued(ctx context.Context, c *sad.CardData) error {
	return r.notice(ctx, sad.OpIssue, c, r.issued)
}

// CardCancelled implements [sad.Registry].
func (r *Registry) CardCancelled(ctx context.Context, c *sad.CardData) error {
	return r.notice(ctx, sad.OpCancel, c, r.cancelled)
}

// CardRevoked implements [sad.Registry].
func (r *Registry) CardRevoked(ctx context.Context, c *sad.CardData) error {
	return r.notice(ctx, sad.OpRevoke, c, r.rev)
}

// notice runs the statements of one notice in a transaction. With the
// request in ctx ([sad.RequestFromContext]) the IdRichiesta is recorded in
// the same transaction, and a repeated one returns the first outcome
// without running anything again; the same ID for another card or
// operation is refused (04). Without it (a direct call) the statements
// simply run.
func (r *Registry) notice(ctx context.Context, op sad.Operation, c *sad.CardData, sts []prepared) error {
	if c == nil {
		return sad.ErrInvalidRequest
	}
	id := ""
	if req, ok := sad.RequestFromContext(ctx); ok {
		id = req.ID
	}
	valid := false
	if c.ValidForTravel != nil {
		valid = *c.ValidForTravel
	}
	issuing := ""
	if c.IssuingComune != nil {
		issuing = c.IssuingComune.IstatCode
	}
	vals := map[string]any{
		"request_id": id, "cf": strings.ToUpper(c.CodiceFiscale), "apr_id": c.APRID, "number": c.Number,
		"issue_date": dateArg(c.IssueDate), "expiry_date": dateArg(c.ExpiryDate), "valid_for_travel": valid,
		"issuing_istat": issuing, "height": c.Height, "previous_number": c.PreviousNumber,
		"event_date": dateArg(c.EventDate), "reason": c.Reason,
	}
	err := r.noticeTx(ctx, op, id, vals, sts)
	if err != nil && id != "" && ctx.Err() == nil {
		// A concurrent twin of this notice (same IdRichiesta) may have
		// committed while this one waited on its locks and then found the
		// card already changed: if the ledger now holds the ID for the same
		// notice, this one is a repeat and succeeds.
		var gotOp, gotCard, gotCF string
		if r.db.QueryRowContext(ctx, r.ledgerGet, id).Scan(&gotOp, &gotCard, &gotCF) == nil &&
			gotOp == op.String() && gotCard == vals["number"] && gotCF == vals["cf"] {
			return nil
		}
	}
	return err
}

func (r *Registry) noticeTx(ctx context.Context, op sad.Operation, id string, vals map[string]any, sts []prepared) (err error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if id != "" {
		var gotOp, gotCard, gotCF string
		switch err := tx.QueryRowContext(ctx, r.ledgerGet, id).Scan(&gotOp, &gotCard, &gotCF); {
		case err == nil:
			if gotOp != op.String() || gotCard != vals["number"] || gotCF != vals["cf"] {
				return fmt.Errorf("%w: IdRichiesta already used for another notice", sad.ErrNotAllowed)
			}
			return tx.Commit() // a repeated notice: already recorded
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("sqlregistry: reading the notice table: %w", err)
		}
	}
	for i, p := range sts {
		res, err := tx.ExecContext(ctx, p.sql, args(p.names, vals)...)
		if err != nil {
			return fmt.Errorf("sqlregistry: %s statement %d: %w", op, i+1, err)
		}
		if i == 0 {
			if n, err := res.RowsAffected(); err == nil && n == 0 {
				return fmt.Errorf("%w: no matching person or card", sad.ErrNotAllowed)
			}
		}
	}
	if id != "" {
		if _, err := tx.ExecContext(ctx, r.ledgerPut, id, op.String(), vals["number"], vals["cf"], time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("sqlregistry: recording the notice: %w", err)
		}
	}
	return tx.Commit()
}
