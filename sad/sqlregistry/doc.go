// Package sqlregistry answers SAD from an APR vendor's own relational
// database: a [sad.Registry] over database/sql, configured by a JSON file
// instead of Go code.
//
// Most APR products keep their register in PostgreSQL, Oracle, SQL Server,
// MySQL or SQLite and are written in Java, .NET or PHP. With this package a
// vendor describes, in a mapping file, the queries that find a subject by
// codice fiscale and by name and birth date, the columns that fill each
// [sad.Subject] field, and the statements that record the three notices
// (card issued, issuance cancelled, card revoked); [DecodeMapping] reads it,
// [Open] binds it to a *sql.DB the vendor opened with their driver, and a
// [sad.Server] (http) or [sad.Spool] (ftp) serves the result.
// examples/apr-server does exactly that with -db, -dsn and -mapping.
//
// # Mapping file
//
// A JSON object (testdata/mapping.json is a complete one, over
// testdata/schema.sql):
//
//	{
//	  "lookup_by_cf":   "SELECT * FROM residents WHERE cf = :cf",
//	  "lookup_by_name": "SELECT * FROM residents WHERE surname = :surname AND given_names = :given_names AND birth_date = :birth_date",
//	  "columns":   {"codice_fiscale": "cf", "birth_comune_istat": "birth_istat", ...},
//	  "issued":    {"statements": ["UPDATE residents SET card_number = :number ... WHERE cf = :cf", "INSERT INTO cards ..."]},
//	  "cancelled": {"statements": ["UPDATE cards SET state = 'CANCELLED' ... WHERE number = :number AND state = 'ISSUED'", ...]},
//	  "revoked":   {"statements": [...]},
//	  "placeholders": "dollar",        (optional: dollar for $1, question for ?; default from the driver)
//	  "notice_table": "sad_notice"     (optional)
//	}
//
// Parameters are written :name whatever the driver ([LookupParams],
// [NoticeParams]); the package renders them as $1 or ? for the driver, and
// leaves string literals, quoted identifiers, comments and ::casts alone.
// "columns" maps the Subject fields listed in [Fields] to result columns; a
// field left out is read from a column of its own name. Text columns,
// DATE/TIMESTAMP or "YYYY-MM-DD" text, BOOLEAN, 1/0 or S/N columns, and
// integer ISTAT codes (left-padded) are all accepted. A "resident" column
// that is false for every subject found answers outcome 05.
//
// # Notices and idempotence
//
// Each notice runs its statements in one transaction. When the first
// statement changes no row, the notice is refused with outcome 04, so it
// should be the one that finds the person or the card in the right state.
// The IdRichiesta of each notice carried out is recorded in the notice
// table in the same transaction: the workstation's repeat of a notice, or
// the ftp spool's replay after a crash, answers 00 again without running
// anything twice, and the same IdRichiesta for another card is refused.
//
// # Drivers
//
// Tested with PostgreSQL 15 through github.com/jackc/pgx/v5/stdlib and
// with SQLite through modernc.org/sqlite. With SQLite, open the database
// with "_txlock=immediate" and a busy timeout
// ("file:apr.db?_txlock=immediate&_pragma=busy_timeout(10000)"), or
// concurrent notices fail with SQLITE_BUSY. Other database/sql drivers
// should work with "placeholders" set; they are not tested.
package sqlregistry
