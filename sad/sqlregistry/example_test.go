package sqlregistry_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/sqlregistry"
	_ "modernc.org/sqlite"
)

// A register kept in SQLite, answered through a mapping.
func Example() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file::memory:?_txlock=immediate")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	db.Exec(`CREATE TABLE people (cf TEXT PRIMARY KEY, cognome TEXT, nome TEXT, sesso TEXT, nato DATE, comune TEXT, card TEXT)`)
	db.Exec(`INSERT INTO people VALUES ('RSSMRA80A41H501Y', 'ROSSI', 'MARIA', 'F', '1980-01-01', '058091', NULL)`)

	m, err := sqlregistry.DecodeMapping(strings.NewReader(`{
		"lookup_by_cf": "SELECT * FROM people WHERE cf = :cf",
		"lookup_by_name": "SELECT * FROM people WHERE cognome = :surname AND nome = :given_names AND nato = :birth_date",
		"columns": {"codice_fiscale": "cf", "surname": "cognome", "given_names": "nome", "sex": "sesso",
			"birth_date": "nato", "birth_comune_istat": "comune", "document_number": "card"},
		"issued": {"statements": ["UPDATE people SET card = :number WHERE cf = :cf"]},
		"cancelled": {"statements": ["UPDATE people SET card = NULL WHERE cf = :cf AND card = :number"]},
		"revoked": {"statements": ["UPDATE people SET card = NULL WHERE cf = :cf AND card = :number"]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	reg, err := sqlregistry.Open(ctx, db, m)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &sad.Server{Registry: reg}
	resp := srv.Answer(ctx, &sad.Request{ID: "R1", Op: sad.OpIssue, Card: &sad.CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA00000AA"}})
	fmt.Println(resp.Outcome.Code)
	subjects, err := reg.Lookup(ctx, &sad.Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(subjects[0].Surname, subjects[0].BirthComune.IstatCode, subjects[0].Document.Number)
	// Output:
	// ok
	// ROSSI 058091 CA00000AA
}
