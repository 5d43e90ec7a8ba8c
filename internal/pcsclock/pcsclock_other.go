//go:build !unix

package pcsclock

import "testing"

// Acquire does nothing where pcscd does not run.
func Acquire(testing.TB) {}
