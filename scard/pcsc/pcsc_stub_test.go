//go:build !(cgo || windows) || ciekit_nopcsc

package pcsc

import (
	"errors"
	"testing"
)

func TestStub(t *testing.T) {
	_, err := Open()
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Open() = %v, want an error wrapping errors.ErrUnsupported", err)
	}
}
