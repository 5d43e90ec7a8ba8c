package ftpsim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ciekit/ciekit/sad/internal/ftp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServer(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "up"), 0o755))
	s, err := NewServer(root)
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	c, err := ftp.Dial(ctx, s.Addr(), "", "")
	require.NoError(t, err)
	defer c.Close()

	require.NoError(t, c.Store(ctx, "/up/a.tmp", []byte("hello")))
	require.NoError(t, c.Rename(ctx, "up/a.tmp", "up/a.xml"))
	n, err := c.Size(ctx, "up/a.xml")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	b, err := c.Retrieve(ctx, "up/a.xml", 100)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	_, err = c.Retrieve(ctx, "up/missing.xml", 100)
	assert.True(t, ftp.NotFound(err), "RETR of a missing file: %v", err)
	require.NoError(t, c.Delete(ctx, "up/a.xml"))
	_, err = c.Size(ctx, "up/a.xml")
	assert.True(t, ftp.NotFound(err))

	// Paths cannot leave the root.
	require.NoError(t, c.Store(ctx, "../../escape.txt", []byte("x")))
	assert.FileExists(t, filepath.Join(root, "escape.txt"), "confined to the root")
	assert.NoFileExists(t, filepath.Join(filepath.Dir(root), "escape.txt"))
}

func TestClose(t *testing.T) {
	s, err := NewServer(t.TempDir())
	require.NoError(t, err)
	c, err := ftp.Dial(t.Context(), s.Addr(), "", "")
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, s.Close(), "Close with a client connected returns")
	_, err = NewServer(filepath.Join(t.TempDir(), "missing"))
	assert.Error(t, err)
}
