package sqlitestore_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sedi"
	"github.com/ciekit/ciekit/sedi/seditest"
	"github.com/ciekit/ciekit/sedi/sqlitestore"
	"github.com/stretchr/testify/require"
)

// The SQLite store, opened by path, passes the conformance suite.
func TestOpenConformance(t *testing.T) {
	t.Parallel()
	seditest.TestStore(t, func(t *testing.T) sedi.Store {
		s, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "sedi.db"))
		require.NoError(t, err)
		return s
	})
}

// A *sql.DB the caller opened works the same, and stays the caller's.
func TestNewConformance(t *testing.T) {
	t.Parallel()
	seditest.TestStore(t, func(t *testing.T) sedi.Store {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "own.db")+"?_pragma=busy_timeout(5000)&_txlock=immediate")
		require.NoError(t, err)
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		s, err := sqlitestore.New(t.Context(), db)
		require.NoError(t, err)
		return s
	})
}

func TestNewLeavesDBOpen(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "own.db"))
	require.NoError(t, err)
	defer db.Close()
	s, err := sqlitestore.New(t.Context(), db)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, db.PingContext(t.Context()), "Close of a Store from New closed the caller's database")
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

		s, err := sqlitestore.Open(t.Context(), db)
		require.NoError(t, err, "round %d: reopening after the kill", round)
		require.NoError(t, seditest.CheckInvariants(t.Context(), s), "round %d", round)
		require.NoError(t, s.Close())
	}
	s, err := sqlitestore.Open(t.Context(), db)
	require.NoError(t, err)
	defer s.Close()
	var n int
	require.NoError(t, s.View(t.Context(), func(tx sedi.Tx) error {
		all, err := tx.Sedi("")
		n = len(all)
		return err
	}))
	require.NotZero(t, n, "the children wrote nothing before being killed")
	t.Logf("%d sedi written across 5 killed runs", n)
}

func crashChild(t *testing.T, path string) {
	seed, _ := strconv.Atoi(os.Getenv("SEDI_CRASH_SEED"))
	s, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sedi.NewRegistry(s, sedi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	for {
		if err := seditest.RandomOps(context.Background(), r, rng, 100); err != nil {
			t.Fatal(err)
		}
	}
}
