package sedi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkInvariants verifies what must hold whatever the sequence of
// actions: every COMPLETA sede passes every rule; role holders are
// associated contacts; associated contacts exist and are in the sede's
// comune's list; a comune's list has no codice fiscale twice; nobody is
// Security Officer in two comuni.
func checkInvariants(ctx context.Context, s Store) error {
	return s.View(ctx, func(tx Tx) error {
		sedi, err := tx.Sedi("")
		if err != nil {
			return err
		}
		soComune := map[string]string{}
		for _, se := range sedi {
			if se.State == Completa {
				if err := Validate(tx, se); err != nil {
					return fmt.Errorf("sede %d is COMPLETA but: %w", se.ID, err)
				}
			}
			for _, id := range append(slices.Clone(se.SecurityOfficers), se.InstallContact, se.Manager) {
				if id != 0 && !slices.Contains(se.Referenti, id) {
					return fmt.Errorf("sede %d: role holder %d not associated", se.ID, id)
				}
			}
			for _, id := range se.Referenti {
				r, err := tx.Referente(id)
				if err != nil {
					return fmt.Errorf("sede %d: associated contact %d: %w", se.ID, id, err)
				}
				if r.Comune != se.Comune {
					return fmt.Errorf("sede %d: contact %d of comune %s", se.ID, id, r.Comune)
				}
			}
			for _, id := range se.SecurityOfficers {
				r, _ := tx.Referente(id)
				cf := normCF(r.CodiceFiscale)
				if c, ok := soComune[cf]; ok && c != se.Comune {
					return fmt.Errorf("a Security Officer in %s and %s", c, se.Comune)
				}
				soComune[cf] = se.Comune
			}
		}
		refs, err := tx.Referenti("")
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, r := range refs {
			k := r.Comune + "|" + normCF(r.CodiceFiscale)
			if seen[k] {
				return fmt.Errorf("codice fiscale twice in the list of %s", r.Comune)
			}
			seen[k] = true
		}
		return nil
	})
}

var people = []ReferenteData{
	person("Mario", "Rossi", cfRossi), person("Luca", "Moreno", cfMoreno), person("Maria Teresa", "D'Angelo", cfDAngelo),
	person("Nicolò", "Fo", cfFo), person("Gianfranco", "De Rossi", cfDeRossi), person("Jürgen", "Müller", cfMuller),
}

// randomOps runs n random actions, most of them legal, some not; rule
// errors are expected and ignored, any other error is returned.
func randomOps(ctx context.Context, r *Registry, rng *rand.Rand, n int) error {
	comuni := []string{roma, milano, "L219"}
	var flows []*Flow
	for range n {
		if len(flows) == 0 || rng.IntN(8) == 0 {
			f, err := r.Begin(ctx, comuni[rng.IntN(len(comuni))])
			if err != nil {
				return err
			}
			flows = append(flows, f)
			continue
		}
		f := flows[rng.IntN(len(flows))]
		s, err := r.Sede(ctx, f.ID())
		if err != nil {
			flows = slices.DeleteFunc(flows, func(g *Flow) bool { return g == f })
			continue
		}
		refs, _ := r.Referenti(ctx, s.Comune)
		anyRef := func() int64 {
			if len(refs) == 0 || rng.IntN(10) == 0 {
				return int64(rng.IntN(50))
			}
			return refs[rng.IntN(len(refs))].ID
		}
		switch rng.IntN(16) {
		case 0:
			d := validSede()
			if rng.IntN(4) == 0 {
				d.CAP = "bad"
			}
			err = f.Dati(ctx, d)
		case 1, 2:
			_, err = f.AddReferente(ctx, people[rng.IntN(len(people))])
		case 3:
			err = f.Associa(ctx, anyRef())
		case 4:
			_, err = f.Dissocia(ctx, anyRef(), rng.IntN(2) == 0)
		case 5:
			err = f.NextReferenti(ctx)
		case 6:
			err = f.AddSecurityOfficer(ctx, anyRef())
		case 7:
			err = f.NextSecurityOfficers(ctx)
		case 8:
			err = f.SetInstallContact(ctx, anyRef())
		case 9:
			err = f.NextInstallContact(ctx)
		case 10:
			err = f.SetManager(ctx, anyRef())
		case 11:
			err = f.NextManager(ctx)
		case 12:
			err = f.Conferma(ctx)
		case 13:
			_, err = f.Trasmetti(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		case 14:
			if rng.IntN(3) == 0 {
				_, err = r.RemoveSede(ctx, f.ID())
			} else {
				var g *Flow
				g, err = r.Edit(ctx, f.ID())
				if err == nil {
					flows = append(flows, g)
				}
			}
		case 15:
			err = f.ModificaReferente(ctx, anyRef(), people[rng.IntN(len(people))])
		}
		if err != nil && !isRuleError(err) {
			return err
		}
	}
	return nil
}

func isRuleError(err error) bool {
	var re *RuleError
	return asRuleError(err, &re)
}

func asRuleError(err error, target **RuleError) bool {
	if re, ok := err.(*RuleError); ok {
		*target = re
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if asRuleError(e, target) {
				return true
			}
		}
	}
	return false
}

// Random sequences of actions never break an invariant, on either store.
func TestPropertyInvariants(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, r *Registry) {
		ctx := t.Context()
		seeds, steps := 40, 60
		if _, ok := r.store.(*sqliteStore); ok || testing.Short() {
			seeds = 8
		}
		for seed := range seeds {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			for range steps / 10 {
				require.NoError(t, randomOps(ctx, r, rng, 10), "seed %d", seed)
				require.NoError(t, checkInvariants(ctx, r.store), "seed %d", seed)
			}
		}
		// The random walks did transmit sedi sometimes, or the test proves
		// little.
		evs, err := r.Events(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, evs, "no sede was ever transmitted")
	})
}

// The crash test runs the random walk in a child process on an SQLite
// file and kills it with SIGKILL at a random moment, several times over
// the same file; after each kill the database must open and every
// invariant must hold.
func TestCrashSafety(t *testing.T) {
	if path := os.Getenv("SEDI_CRASH_CHILD_DB"); path != "" {
		crashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	db := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 5 {
		cmd := exec.Command(exe, "-test.run=^TestCrashSafety$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SEDI_CRASH_CHILD_DB="+db, "SEDI_CRASH_SEED="+strconv.Itoa(round))
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		s, err := OpenSQLite(t.Context(), db)
		require.NoError(t, err, "round %d: reopening after the kill", round)
		require.NoError(t, checkInvariants(t.Context(), s), "round %d", round)
		require.NoError(t, s.Close())
	}
	s, err := OpenSQLite(t.Context(), db)
	require.NoError(t, err)
	defer s.Close()
	var n int
	require.NoError(t, s.View(t.Context(), func(tx Tx) error {
		all, err := tx.Sedi("")
		n = len(all)
		return err
	}))
	require.NotZero(t, n, "the children wrote nothing before being killed")
	t.Logf("%d sedi written across 5 killed runs", n)
}

func crashChild(t *testing.T, path string) {
	seed, _ := strconv.Atoi(os.Getenv("SEDI_CRASH_SEED"))
	s, err := OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry(s, Options{})
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	for {
		if err := randomOps(context.Background(), r, rng, 100); err != nil {
			t.Fatal(err)
		}
	}
}
