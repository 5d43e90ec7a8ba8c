package sedi_test

import (
	"testing"

	"github.com/ciekit/ciekit/sedi"
	"github.com/ciekit/ciekit/sedi/seditest"
)

// The in-memory store passes the conformance suite that every Store must.
func TestMemoryStoreConformance(t *testing.T) {
	t.Parallel()
	seditest.TestStore(t, func(*testing.T) sedi.Store { return sedi.NewMemoryStore() })
}
