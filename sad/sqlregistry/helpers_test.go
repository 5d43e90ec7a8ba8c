package sqlregistry

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/sad"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// defaultPostgresDSN is the cluster scripts/setup.d/40-postgresql.sh starts.
const defaultPostgresDSN = "host=/var/run/postgresql port=55432 user=postgres dbname=postgres sslmode=disable"

// openPostgres returns a fresh database on the test PostgreSQL server
// (CIEKIT_POSTGRES_DSN, or the setup script's cluster), dropped at the end,
// or skips with the reason when no server answers.
func openPostgres(t testing.TB) *sql.DB {
	t.Helper()
	dsn := os.Getenv("CIEKIT_POSTGRES_DSN")
	if dsn == "" {
		dsn = defaultPostgresDSN
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Skipf("postgresql: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Skipf("postgresql not reachable at %q (run scripts/setup.d/40-postgresql.sh as root, or set CIEKIT_POSTGRES_DSN): %v", dsn, err)
	}
	var b [6]byte
	crand.Read(b[:])
	name := "ciekit_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Skipf("postgresql: creating a test database: %v", err)
	}
	db, err := sql.Open("pgx", dsn+" dbname="+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	return db
}

func openSQLite(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/apr.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execScript(t testing.TB, db *sql.DB, script string) {
	t.Helper()
	for _, st := range strings.Split(script, ";") {
		if strings.TrimSpace(stripComments(st)) == "" {
			continue
		}
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("%v\n%s", err, st)
		}
	}
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadMapping(t testing.TB) *Mapping {
	t.Helper()
	f, err := os.Open("testdata/mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := DecodeMapping(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// register is a test database with the schema, the sample subjects and n
// generated residents, and a Registry over it.
func register(t testing.TB, db *sql.DB, n int) *Registry {
	t.Helper()
	execScript(t, db, readFile(t, "testdata/schema.sql"))
	subjects := append(sad.SampleSubjects(), generate(t, n)...)
	insertSubjects(t, db, subjects)
	r, err := Open(t.Context(), db, loadMapping(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func insertSubjects(t testing.TB, db *sql.DB, subjects []sad.Subject) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range subjects {
		if _, err := tx.Exec(insertSQL(&subjects[i], !nonResident(&subjects[i]))); err != nil {
			tx.Rollback()
			t.Fatalf("inserting %s: %v", subjects[i].CodiceFiscale, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func lit(s string) string {
	if s == "" {
		return "NULL"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func litDate(d time.Time) string {
	if d.IsZero() {
		return "NULL"
	}
	return "'" + d.Format(time.DateOnly) + "'"
}

func litBool(b *bool, def string) string {
	switch {
	case b == nil:
		return def
	case *b:
		return "TRUE"
	}
	return "FALSE"
}

// insertSQL renders one subject as an INSERT into testdata/schema.sql's
// residents table. resident false marks the generated non-residents.
func insertSQL(s *sad.Subject, resident bool) string {
	var birthIstat, birthName, birthProv, stateIstat, stateName string
	if p := s.BirthComune; p != nil {
		birthIstat, birthName, birthProv = p.IstatCode, p.Description, p.Province
	}
	if p := s.BirthState; p != nil {
		stateIstat, stateName = p.IstatCode, p.Description
	}
	var cit, citName string
	if len(s.Citizenships) > 0 {
		cit, citName = s.Citizenships[0].IstatCode, s.Citizenships[0].Description
	}
	var resIstat, resName, resProv, addr, cap string
	if r := s.Residence; r != nil {
		resIstat, resName, resProv, addr, cap = r.Comune.IstatCode, r.Comune.Description, r.Comune.Province, r.Address, r.PostCode
	}
	var fs, fn, fcf, ms, mn, mcf string
	if p := s.Parents; p != nil {
		if p.Father != nil {
			fs, fn, fcf = p.Father.Surname, p.Father.GivenNames, p.Father.CodiceFiscale
		}
		if p.Mother != nil {
			ms, mn, mcf = p.Mother.Surname, p.Mother.GivenNames, p.Mother.CodiceFiscale
		}
	}
	var cn, ct string
	var ci, ce time.Time
	if d := s.Document; d != nil {
		cn, ct, ci, ce = d.Number, d.Type, d.IssueDate, d.ExpiryDate
	}
	res := "TRUE"
	if !resident {
		res = "FALSE"
	}
	return fmt.Sprintf("INSERT INTO residents (cf, apr_id, surname, given_names, sex, birth_date, birth_istat, birth_name, birth_prov, "+
		"birth_state, birth_state_name, birth_locality, citizenship, citizenship_name, marital_status, res_istat, res_name, res_prov, address, cap, "+
		"aire, valid_for_travel, resident, father_surname, father_names, father_cf, mother_surname, mother_names, mother_cf, "+
		"card_number, card_type, card_issued, card_expires) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "+
		"%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
		lit(s.CodiceFiscale), lit(s.APRID), lit(s.Surname), lit(s.GivenNames), lit(s.Sex), litDate(s.BirthDate),
		lit(birthIstat), lit(birthName), lit(birthProv), lit(stateIstat), lit(stateName), lit(s.BirthLocality),
		lit(cit), lit(citName), lit(s.MaritalStatus), lit(resIstat), lit(resName), lit(resProv), lit(addr), lit(cap),
		litBool(s.AIRE, "FALSE"), litBool(s.ValidForTravel, "NULL"), res, lit(fs), lit(fn), lit(fcf), lit(ms), lit(mn), lit(mcf),
		lit(cn), lit(ct), litDate(ci), litDate(ce))
}

var (
	surnames = []string{"ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO",
		"BRUNO", "GALLO", "CONTI", "DE LUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO", "LOMBARDI", "D'AMICO"}
	males   = []string{"MARCO", "LUCA", "GIUSEPPE", "FRANCESCO", "ANDREA", "NICOLÒ", "MATTEO", "ALESSANDRO", "LORENZO", "GIOVANNI"}
	females = []string{"MARIA", "ANNA", "GIULIA", "FRANCESCA", "SARA", "CHIARA", "ELENA", "LAURA", "ALESSIA", "MARTINA"}
	comuni  = []string{"F205", "H501", "F839", "L219"} // Milano, Roma, Napoli, Torino
)

// generate returns n synthetic residents with valid codici fiscali
// (deterministic): every 97th a minor with both parents, every 211th on
// the AIRE, every 101st not resident ([nonResident]), and every 500th
// a homonym of the one before (same names and birth date, another comune).
func generate(t testing.TB, n int) []sad.Subject {
	t.Helper()
	rng := rand.New(rand.NewPCG(18, 2026))
	var out []sad.Subject
	for i := range n {
		female := rng.IntN(2) == 0
		given := males[rng.IntN(len(males))]
		sex := cie.SexMale
		if female {
			given, sex = females[rng.IntN(len(females))], cie.SexFemale
		}
		birth := time.Date(1930+rng.IntN(90), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		surname := surnames[rng.IntN(len(surnames))]
		code := comuni[rng.IntN(len(comuni))]
		if i%500 == 499 {
			prev := out[len(out)-1]
			surname, given, birth = prev.Surname, prev.GivenNames, prev.BirthDate
			sex = cie.SexMale
			if prev.Sex == "F" {
				sex = cie.SexFemale
			}
			for _, c := range comuni {
				if c != code && prev.BirthComune.IstatCode != istatOf(t, c, birth) {
					code = c
					break
				}
			}
		}
		minor := i%97 == 5
		if minor {
			birth = time.Date(2012+rng.IntN(10), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		place, err := cie.LookupPlace(code, birth)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := cie.ComputeCodiceFiscale(cie.Person{Surname: surname, GivenNames: given, Sex: sex, BirthDate: birth, BirthPlace: place})
		if err != nil {
			t.Fatal(err)
		}
		s := sad.Subject{
			APRID: fmt.Sprintf("G%06d", i), CodiceFiscale: cf.String(), Surname: surname, GivenNames: given, Sex: string(rune(sex)),
			BirthDate:      birth,
			BirthComune:    &sad.Place{IstatCode: place.ISTAT, Description: place.Name, Province: place.Province},
			Citizenships:   []sad.Place{{IstatCode: "100", Description: "ITALIANA"}},
			Residence:      &sad.Residence{Comune: sad.Place{IstatCode: "015146", Description: "MILANO", Province: "MI"}, Address: fmt.Sprintf("VIA ROMA %d", 1+i%300), PostCode: "20121"},
			AIRE:           sad.Bool(i%211 == 7),
			ValidForTravel: sad.Bool(!minor),
		}
		if minor {
			s.Parents = &sad.Parents{Father: &sad.Parent{Surname: surname, GivenNames: "PAOLO"}, Mother: &sad.Parent{Surname: "VERDI", GivenNames: "ANNA"}}
		}
		out = append(out, s)
	}
	return dedupe(out)
}

func istatOf(t testing.TB, code string, at time.Time) string {
	p, err := cie.LookupPlace(code, at)
	if err != nil {
		t.Fatal(err)
	}
	return p.ISTAT
}

// dedupe drops the rare generated people whose codice fiscale repeats
// (the same names, date and comune drawn twice).
func dedupe(in []sad.Subject) []sad.Subject {
	seen := map[string]bool{}
	for _, s := range sad.SampleSubjects() {
		seen[s.CodiceFiscale] = true
	}
	out := in[:0]
	for _, s := range in {
		if !seen[s.CodiceFiscale] {
			seen[s.CodiceFiscale] = true
			out = append(out, s)
		}
	}
	return out
}

// nonResident marks every 101st generated resident as no longer resident.
func nonResident(s *sad.Subject) bool {
	var i int
	_, err := fmt.Sscanf(s.APRID, "G%06d", &i)
	return err == nil && i%101 == 3
}
