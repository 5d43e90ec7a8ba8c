package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot walks up from the package folder to the folder with go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test folder")
		}
		dir = parent
	}
}

func sharedANPR(t *testing.T) (root, src string) {
	t.Helper()
	root = repoRoot(t)
	src = filepath.Join(root, "..", "shared", "data", "anpr")
	if _, err := os.Stat(filepath.Join(src, "ANPR_archivio_comuni.csv")); err != nil {
		t.Skipf("ANPR data absent: %v", err)
	}
	return root, src
}

// TestCommittedFilesUpToDate regenerates the tables twice into temporary
// folders and compares them with each other (determinism) and with the
// files committed under cie/ (freshness).
func TestCommittedFilesUpToDate(t *testing.T) {
	root, src := sharedANPR(t)
	a, b := t.TempDir(), t.TempDir()
	require.NoError(t, run(src, a))
	require.NoError(t, run(src, b))
	for _, name := range []string{filepath.Join(dataDir, dataFile), filepath.Join(dataDir, "NOTICE.md"), goFile} {
		ga, err := os.ReadFile(filepath.Join(a, name))
		require.NoError(t, err)
		gb, err := os.ReadFile(filepath.Join(b, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(ga, gb), "%s: two runs differ", name)
		committed, err := os.ReadFile(filepath.Join(root, "cie", name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(ga, committed), "cie/%s is stale: run go generate ./cie", name)
	}
}

func TestNoticeTravelsWithData(t *testing.T) {
	root := repoRoot(t)
	notice, err := os.ReadFile(filepath.Join(root, "cie", dataDir, "NOTICE.md"))
	require.NoError(t, err)
	assert.Contains(t, string(notice), "CC BY 4.0")
	assert.Contains(t, string(notice), "Ministero dell'Interno")
}

// TestNoticeRequired: without the CC BY notice nothing is written.
func TestNoticeRequired(t *testing.T) {
	_, src := sharedANPR(t)
	dir := t.TempDir()
	for _, name := range []string{"ANPR_archivio_comuni.csv", "ANPR_stati_esteri.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	out := t.TempDir()
	err := run(dir, out)
	assert.ErrorContains(t, err, "notice")
	_, err = os.Stat(filepath.Join(out, goFile))
	assert.Error(t, err, "nothing written")
}
