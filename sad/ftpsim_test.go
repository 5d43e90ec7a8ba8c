package sad

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sad/ftpsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFTPSimEndToEnd runs the ftp transport with no daemon: Client ->
// ftpsim -> directory <- Spool.
func TestFTPSimEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	up, down := filepath.Join(root, "upload"), filepath.Join(root, "download")
	require.NoError(t, os.MkdirAll(up, 0o755))
	require.NoError(t, os.MkdirAll(down, 0o755))
	srv, err := ftpsim.NewServer(root)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	spool := &Spool{Server: &Server{Registry: NewMemoryRegistry(SampleSubjects())}, UploadDir: up, DownloadDir: down,
		StateDir: filepath.Join(dir, "state"), PollInterval: 10 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- spool.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	c, err := NewClient(Config{Transport: FTP, Host: "127.0.0.1", Port: srv.Port(), UploadDir: "upload", DownloadDir: "download",
		PollInterval: 10 * time.Millisecond, Timeout: 20 * time.Second, Comune: "015146", Workstation: "SIM"})
	require.NoError(t, err)
	resp, err := c.Lookup(t.Context(), Query{CodiceFiscale: "PPSNDR90L15Z129Y"})
	require.NoError(t, err)
	require.Len(t, resp.Subjects, 1)
	assert.Equal(t, "235", resp.Subjects[0].Citizenships[0].IstatCode)
	_, err = c.NotifyIssued(t.Context(), CardData{CodiceFiscale: "PPSNDR90L15Z129Y", Number: "CA00002AA",
		IssueDate: day(2026, 11, 23), ExpiryDate: day(2036, 7, 15), ValidForTravel: Bool(false)})
	require.NoError(t, err)
	for _, d := range []string{up, down} {
		entries, err := os.ReadDir(d)
		require.NoError(t, err)
		assert.Empty(t, entries, d)
	}
}
