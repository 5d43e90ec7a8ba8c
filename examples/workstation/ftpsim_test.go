package main

import (
	"net/textproto"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFTPServerConfined checks that paths cannot leave the server's root.
func TestFTPServerConfined(t *testing.T) {
	t.Parallel()
	outer := t.TempDir()
	root := filepath.Join(outer, "root")
	require.NoError(t, os.Mkdir(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outer, "secret.txt"), []byte("outside"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "inside.txt"), []byte("12345"), 0o644))
	s, err := startFTPServer(root)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })

	c, err := textproto.Dial("tcp", s.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, _, err = c.ReadResponse(220)
	require.NoError(t, err)
	cmd := func(line string, want int) string {
		t.Helper()
		id, err := c.Cmd("%s", line)
		require.NoError(t, err)
		c.StartResponse(id)
		defer c.EndResponse(id)
		code, msg, err := c.ReadResponse(0)
		require.NoError(t, err, line)
		assert.Equal(t, want, code, "%s: %s", line, msg)
		return msg
	}
	cmd("USER anonymous", 331)
	cmd("PASS x", 230)
	assert.Equal(t, "5", cmd("SIZE /inside.txt", 213))
	assert.Equal(t, "5", cmd("SIZE ../../inside.txt", 213), "dot-dot stops at the root")
	cmd("SIZE ../secret.txt", 550)
	cmd("SIZE /../../secret.txt", 550)
	cmd("RNFR /inside.txt", 350)
	cmd("RNTO ../moved.txt", 250)
	_, err = os.Stat(filepath.Join(root, "moved.txt"))
	assert.NoError(t, err, "RNTO ../moved.txt stays in the root")
	cmd("DELE ../secret.txt", 550)
	_, err = os.Stat(filepath.Join(outer, "secret.txt"))
	assert.NoError(t, err, "DELE outside the root")
	cmd("NOOP", 502)
	cmd("QUIT", 221)
}
