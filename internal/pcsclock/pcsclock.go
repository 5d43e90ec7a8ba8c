//go:build unix

// Package pcsclock serialises the tests that use the machine's one pcscd
// and its virtual readers across test binaries (go test runs packages in
// parallel): each holds an exclusive lock on a file in the temporary
// directory while it runs.
package pcsclock

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Acquire blocks until the test holds the lock, released at its cleanup.
func Acquire(t testing.TB) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "ciekit-pcscd.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("pcsclock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("pcsclock: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
