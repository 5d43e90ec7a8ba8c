package sedi_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Importing sedi links no database driver (issue 15): its dependencies
// are the standard library and package cie. SQLite lives in
// sedi/sqlitestore.
func TestNoDatabaseDriver(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "github.com/ciekit/ciekit/sedi").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		switch p {
		case "github.com/ciekit/ciekit/sedi", "github.com/ciekit/ciekit/cie":
		default:
			t.Errorf("sedi depends on %s; want only the standard library and cie", p)
		}
	}
}
