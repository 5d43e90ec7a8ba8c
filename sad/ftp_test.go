//go:build linux

package sad

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vsftpd is a real FTP daemon started for one test: anonymous access with
// upload, rename and delete, chrooted in a temporary directory, listening
// on a loopback port. scripts/setup.d/30-ftp.sh installs it.
type vsftpd struct {
	root string // the ftp root on disk
	port int
}

func startVsftpd(t *testing.T) *vsftpd {
	t.Helper()
	bin, err := exec.LookPath("vsftpd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/vsftpd"); serr != nil {
			t.Skipf("vsftpd not installed (scripts/setup.d/30-ftp.sh installs it): %v", err)
		}
		bin = "/usr/sbin/vsftpd"
	}
	if os.Geteuid() != 0 {
		t.Skip("vsftpd: anonymous chroot needs root")
	}
	if _, err := os.Stat("/var/run/vsftpd/empty"); err != nil {
		require.NoError(t, os.MkdirAll("/var/run/vsftpd/empty", 0o755))
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	for _, d := range []string{root, filepath.Join(root, "upload"), filepath.Join(root, "download")} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.Chmod(filepath.Join(root, "upload"), 0o777))
	require.NoError(t, os.Chmod(filepath.Join(root, "download"), 0o777))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(dir, "vsftpd.conf")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, `listen=YES
listen_address=127.0.0.1
listen_port=%d
background=NO
anonymous_enable=YES
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
anon_root=%s
no_anon_password=YES
allow_writeable_chroot=YES
seccomp_sandbox=NO
pasv_enable=YES
pasv_address=127.0.0.1
xferlog_enable=NO
dirmessage_enable=NO
connect_from_port_20=NO
secure_chroot_dir=/var/run/vsftpd/empty
ftp_username=ftp
`, port, root), 0o644))
	cmd := exec.Command(bin, conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the daemon and its session children
		cmd.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Skipf("vsftpd did not start: %v: %s", err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &vsftpd{root: root, port: port}
}

func TestFTPEndToEnd(t *testing.T) {
	t.Parallel()
	srv := startVsftpd(t)
	reg := sampleRegistry()
	spool := &Spool{Server: &Server{Registry: reg}, UploadDir: filepath.Join(srv.root, "upload"),
		DownloadDir: filepath.Join(srv.root, "download"), StateDir: filepath.Join(filepath.Dir(srv.root), "state"),
		PollInterval: 20 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- spool.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	c, err := NewClient(Config{Transport: FTP, Host: "127.0.0.1", Port: srv.port, UploadDir: "/upload", DownloadDir: "/download",
		PollInterval: 20 * time.Millisecond, Timeout: 20 * time.Second, Comune: "015146", Workstation: "POS01"})
	require.NoError(t, err)

	resp, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.NoError(t, err)
	require.Len(t, resp.Subjects, 1)
	assert.Equal(t, subjectMaria(), resp.Subjects[0])

	_, err = c.Lookup(t.Context(), Query{CodiceFiscale: "VRDGPP70M10F205O"})
	require.ErrorIs(t, err, ErrUnknownPerson)

	resp, err = c.NotifyIssued(t.Context(), CardData{CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA00001AA",
		IssueDate: day(2026, 11, 23), ExpiryDate: day(2037, 1, 1), ValidForTravel: Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, "CA00001AA", resp.CardNumber)

	// The client removed its answers; nothing is left in either directory.
	for _, d := range []string{"upload", "download"} {
		entries, err := os.ReadDir(filepath.Join(srv.root, d))
		require.NoError(t, err)
		assert.Empty(t, entries, "%s after the exchanges", d)
	}
}

func TestFTPTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	srv := startVsftpd(t) // no spool: nobody answers
	c, err := NewClient(Config{Transport: FTP, Host: "127.0.0.1", Port: srv.port, UploadDir: "upload", DownloadDir: "download",
		PollInterval: 20 * time.Millisecond, Timeout: 3 * time.Second})
	require.NoError(t, err)
	_, err = c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	entries, _ := os.ReadDir(filepath.Join(srv.root, "upload"))
	require.Len(t, entries, 1, "the request was uploaded and renamed")
	assert.Regexp(t, `\.xml$`, entries[0].Name())

	c.cfg.Timeout = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Lookup(ctx, Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 10*time.Second, "cancellation is prompt")

	_, err = (&Client{cfg: Config{Transport: FTP, Host: "127.0.0.1", Port: srv.port, User: "nobody", Password: NewPassword("secret-pw"), UploadDir: "u", DownloadDir: "d"}, http: nil}).Do(t.Context(), lookupByCF())
	require.Error(t, err, "local users are disabled")
	assert.NotContains(t, err.Error(), "secret-pw")
}
