package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunSmallPlan(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.txt")
	require.NoError(t, os.WriteFile(plan, []byte(strings.Join([]string{
		"Regione\tComune\tProvincia\tInstallazione\t\tCorsi di formazione\t\t",
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3",
		"Abruzzo\tChieti\tCH\t02/05/17\t30/04/17\tPescara\t26/04/17\t3",
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t31/04/17\t3",
		"Prefettura\tDate di formazione",
		"Pescara\t26-apr",
	}, "\n")), 0o644))
	ics := filepath.Join(dir, "out.ics")
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-ics", ics, plan}, &out, &errOut))
	s := out.String()
	assert.Contains(t, s, "2 installations, 0 training hubs, 1 prefectures, 1 unreadable rows")
	assert.Contains(t, s, "invalid date \"31/04/17\"")
	assert.Contains(t, s, "Abruzzo")
	assert.Contains(t, s, "installation period ends before it starts")
	assert.Contains(t, s, "comune listed more than once")
	b, err := os.ReadFile(ics)
	require.NoError(t, err)
	assert.Equal(t, 10, strings.Count(string(b), "BEGIN:VEVENT"))
}

func TestRunSeeds(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "seeds", "000_a86ba7c3ab910ffb.txt")
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("seed documents not available: %v", err)
	}
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-ics", "", seed}, &out, &out))
	assert.Contains(t, out.String(), "351 installations, 18 training hubs, 36 prefectures, 0 unreadable rows")
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(t.Context(), nil, &out, &out))
	assert.Error(t, run(t.Context(), []string{"/does/not/exist"}, &out, &out))
	assert.Error(t, run(t.Context(), []string{"-bogus"}, &out, &out))
}
