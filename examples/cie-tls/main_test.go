package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunSim: mutual TLS with the simulated CIE in memory.
func TestRunSim(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 2048-bit card keys")
	}
	var out, errb bytes.Buffer
	require.NoError(t, run(t.Context(), nil, strings.NewReader(""), &out, &errb), "stderr: %s", errb.String())
	assert.Contains(t, out.String(), "Server answered: hello ")
	assert.Contains(t, out.String(), "authenticated with your CIE (TLS 1.2)")
	assert.NotContains(t, out.String(), "12345678", "the PIN is never printed")
}

// TestRunWrongPIN: a wrong PIN read from stdin fails with the tries left
// and is not echoed.
func TestRunWrongPIN(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 2048-bit card keys")
	}
	var out, errb bytes.Buffer
	err := run(t.Context(), []string{"-pin-stdin"}, strings.NewReader("87654321\n"), &out, &errb)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 tries left")
	assert.NotContains(t, err.Error()+out.String()+errb.String(), "87654321")
}
