// Package sqlitestore keeps the data of package sedi in an SQL database
// with SQLite's dialect, so that a comune's sedi, contacts and event outbox
// survive restarts and crashes.
//
// [Open] opens (or creates) an SQLite file with the CGO-free driver
// modernc.org/sqlite; [New] takes a *sql.DB the caller opened, with any
// driver that speaks SQLite's SQL (RETURNING, INSERT OR IGNORE). Both
// return a [*Store], a [sedi.Store]. Importing package sedi alone links no
// database driver: only programs that import this package carry SQLite.
//
// Another database can be plugged into sedi by implementing [sedi.Store];
// package [github.com/ciekit/ciekit/sedi/seditest] holds the conformance
// suite that this store, the in-memory store and any other must pass.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ciekit/ciekit/sedi"
	_ "modernc.org/sqlite" // the CGO-free SQLite driver, registered as "sqlite"
)

// Store is a [sedi.Store] over an SQL database. It is safe for concurrent
// use; every Update is one database transaction.
type Store struct {
	db    *sql.DB
	owned bool // Close closes db
}

var _ sedi.Store = (*Store)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS sedi      (id INTEGER PRIMARY KEY, comune TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS referenti (id INTEGER PRIMARY KEY, comune TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events    (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ids       (one INTEGER PRIMARY KEY CHECK (one = 1), next INTEGER NOT NULL);
INSERT OR IGNORE INTO ids (one, next) VALUES (1, 0);
CREATE INDEX IF NOT EXISTS sedi_comune ON sedi (comune);
CREATE INDEX IF NOT EXISTS referenti_comune ON referenti (comune);`

// Open opens (creating it if needed) a durable Store in the SQLite
// database file at path, with the driver modernc.org/sqlite. Every Update
// is one SQLite transaction in WAL mode with synchronous=FULL, so once
// Update returns the change survives a crash, and a crash before that
// leaves no trace of it. Close the Store when done; it closes the
// database.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer; serialises Update and View
	s, err := New(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New returns a Store over db, which the caller opened and keeps owning
// (Close does not close it), creating the tables if they do not exist.
// db must speak SQLite's SQL; for durability, open it as [Open] does
// (WAL, synchronous=FULL, immediate transactions) and with one connection,
// which serialises transactions.
func New(ctx context.Context, db *sql.DB) (*Store, error) {
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("sqlitestore: creating schema: %w", err)
	}
	return &Store{db: db}, nil
}

// Update implements [sedi.Store].
func (s *Store) Update(ctx context.Context, fn func(sedi.Tx) error) error {
	return s.run(ctx, false, fn)
}

// View implements [sedi.Store].
func (s *Store) View(ctx context.Context, fn func(sedi.Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, readOnly bool, fn func(sedi.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("sqlitestore: beginning transaction: %w", err)
	}
	if err := fn(&sqliteTx{ctx: ctx, tx: tx, readOnly: readOnly}); err != nil {
		return errors.Join(err, rollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: committing: %w", err)
	}
	return nil
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("sqlitestore: rolling back: %w", err)
	}
	return nil
}

// Close closes the database if [Open] opened it; a Store from [New]
// leaves the caller's database open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.db.Close()
}

type sqliteTx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

func (t *sqliteTx) nextID() (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `UPDATE ids SET next = next + 1 WHERE one = 1 RETURNING next`).Scan(&id)
	return id, err
}

// get loads one row's JSON into v.
func (t *sqliteTx) get(table string, id int64, v any, field string) error {
	var data string
	err := t.tx.QueryRowContext(t.ctx, `SELECT data FROM `+table+` WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(field)
	}
	if err != nil {
		return fmt.Errorf("sqlitestore: reading %s %d: %w", table, id, err)
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return fmt.Errorf("sqlitestore: decoding %s %d: %w", table, id, err)
	}
	return nil
}

// list loads the rows of a table, of one comune or all, calling add for
// each row's JSON in ID order.
func (t *sqliteTx) list(table, comune string, add func(data []byte) error) error {
	q, args := `SELECT data FROM `+table+` ORDER BY id`, []any{}
	if comune != "" {
		q, args = `SELECT data FROM `+table+` WHERE comune = ? ORDER BY id`, []any{comune}
	}
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlitestore: listing %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("sqlitestore: listing %s: %w", table, err)
		}
		if err := add(data); err != nil {
			return fmt.Errorf("sqlitestore: decoding %s: %w", table, err)
		}
	}
	return rows.Err()
}

// put inserts (id 0: new id) or replaces a row.
func (t *sqliteTx) put(table string, id *int64, comune string, v func() any, field string) (int64, error) {
	if t.readOnly {
		return 0, errReadOnly()
	}
	if *id == 0 {
		n, err := t.nextID()
		if err != nil {
			return 0, fmt.Errorf("sqlitestore: allocating an id: %w", err)
		}
		*id = n
		data, err := json.Marshal(v())
		if err != nil {
			return 0, err
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO `+table+` (id, comune, data) VALUES (?, ?, ?)`, n, comune, data); err != nil {
			return 0, fmt.Errorf("sqlitestore: inserting into %s: %w", table, err)
		}
		return n, nil
	}
	data, err := json.Marshal(v())
	if err != nil {
		return 0, err
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE `+table+` SET comune = ?, data = ? WHERE id = ?`, comune, data, *id)
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: updating %s %d: %w", table, *id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, notFound(field)
	}
	return *id, nil
}

func (t *sqliteTx) del(table string, id int64, field string) error {
	if t.readOnly {
		return errReadOnly()
	}
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlitestore: deleting from %s: %w", table, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(field)
	}
	return nil
}

func (t *sqliteTx) Sede(id int64) (*sedi.Sede, error) {
	var s sedi.Sede
	if err := t.get("sedi", id, &s, "Sede"); err != nil {
		return nil, err
	}
	return &s, nil
}

func (t *sqliteTx) Sedi(comune string) ([]*sedi.Sede, error) {
	var out []*sedi.Sede
	err := t.list("sedi", comune, func(data []byte) error {
		var s sedi.Sede
		err := json.Unmarshal(data, &s)
		out = append(out, &s)
		return err
	})
	return out, err
}

func (t *sqliteTx) PutSede(s *sedi.Sede) (int64, error) {
	c := s.Clone()
	return t.put("sedi", &c.ID, c.Comune, func() any { return c }, "Sede")
}

func (t *sqliteTx) DeleteSede(id int64) error { return t.del("sedi", id, "Sede") }

func (t *sqliteTx) Referente(id int64) (*sedi.Referente, error) {
	var r sedi.Referente
	if err := t.get("referenti", id, &r, "Referente"); err != nil {
		return nil, err
	}
	return &r, nil
}

func (t *sqliteTx) Referenti(comune string) ([]*sedi.Referente, error) {
	var out []*sedi.Referente
	err := t.list("referenti", comune, func(data []byte) error {
		var r sedi.Referente
		err := json.Unmarshal(data, &r)
		out = append(out, &r)
		return err
	})
	return out, err
}

func (t *sqliteTx) PutReferente(r *sedi.Referente) (int64, error) {
	c := *r
	return t.put("referenti", &c.ID, c.Comune, func() any { return c }, "Referente")
}

func (t *sqliteTx) DeleteReferente(id int64) error { return t.del("referenti", id, "Referente") }

func (t *sqliteTx) AddEvents(evs ...sedi.Event) error {
	if t.readOnly {
		return errReadOnly()
	}
	for _, e := range evs {
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO events (data) VALUES (?)`, data); err != nil {
			return fmt.Errorf("sqlitestore: recording event: %w", err)
		}
	}
	return nil
}

func (t *sqliteTx) Events() ([]sedi.Event, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT data FROM events ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: listing events: %w", err)
	}
	defer rows.Close()
	var out []sedi.Event
	for rows.Next() {
		var data []byte
		var e sedi.Event
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, fmt.Errorf("sqlitestore: decoding event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func errReadOnly() error { return &sedi.RuleError{Rule: sedi.RuleStep, Field: "transaction"} }

func notFound(field string) error { return &sedi.RuleError{Rule: sedi.RuleNotFound, Field: field} }
