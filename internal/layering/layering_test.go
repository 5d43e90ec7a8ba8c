package layering

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ciekit/ciekit"

// forbidden lists, for each core package prefix, import paths it must never
// reach, directly or indirectly.
var forbidden = map[string][]string{
	module + "/cie":       {"C", "github.com/ebfe/scard", "github.com/google/gousb", "github.com/beevik/etree", module + "/scard", module + "/sad", module + "/biometric", module + "/sedi", module + "/deploy"},
	module + "/scard":     {"C", "github.com/ebfe/scard", "github.com/google/gousb", module + "/sad", module + "/biometric", module + "/sedi", module + "/deploy"},
	module + "/sad":       {"C", "github.com/ebfe/scard", "github.com/google/gousb", module + "/scard", module + "/biometric"},
	module + "/biometric": {"C", "github.com/ebfe/scard", "github.com/google/gousb", module + "/cie", module + "/scard", module + "/sad"},
	module + "/sedi":      {"C", "github.com/ebfe/scard", "github.com/google/gousb", module + "/scard", module + "/biometric"},
	module + "/deploy":    {"C", "github.com/ebfe/scard", "github.com/google/gousb", module + "/scard", module + "/biometric"},
	module + "/internal":  {"C", "github.com/ebfe/scard", "github.com/google/gousb"},
}

// adapters may use cgo; only examples may import them.
var adapters = []string{module + "/scard/pcsc", module + "/biometric/usbscan"}

// simulators are production code for users' tests and demos: they must not
// import the testing package, and the core packages must not import them
// (nor the test-helper packages).
var (
	simulators  = []string{module + "/scard/cardsim", module + "/biometric/scansim", module + "/scard/vpcd"}
	testHelpers = []string{module + "/scard/scardtest", module + "/biometric/scannertest", module + "/internal/pcsclock"}
	core        = []string{module + "/cie", module + "/scard", module + "/scard/emrtd", module + "/scard/ias", module + "/scard/sco", module + "/sad", module + "/biometric", module + "/sedi", module + "/deploy"}
)

func isIn(path string, list []string) bool {
	for _, a := range list {
		if path == a {
			return true
		}
	}
	return false
}

type pkg struct {
	ImportPath string
	Deps       []string
	Imports    []string
	Standard   bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func isAdapter(path string) bool {
	for _, a := range adapters {
		if path == a || strings.HasPrefix(path, a+"/") {
			return true
		}
	}
	return false
}

func TestImportGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("go list over the module is slow in -short mode")
	}
	for _, p := range listPackages(t) {
		if isAdapter(p.ImportPath) || strings.HasPrefix(p.ImportPath, module+"/examples/") {
			continue
		}
		for prefix, bad := range forbidden {
			if p.ImportPath != prefix && !strings.HasPrefix(p.ImportPath, prefix+"/") {
				continue
			}
			for _, d := range append(p.Deps, p.Imports...) {
				for _, b := range bad {
					if d == b || strings.HasPrefix(d, b+"/") {
						t.Errorf("%s depends on %s; the import graph forbids it", p.ImportPath, d)
					}
				}
			}
		}
		for _, d := range p.Deps {
			if isAdapter(d) {
				t.Errorf("%s depends on the cgo adapter %s; only examples may", p.ImportPath, d)
			}
			if isIn(p.ImportPath, core) && (isIn(d, simulators) || isIn(d, testHelpers)) {
				t.Errorf("core package %s depends on %s", p.ImportPath, d)
			}
			if isIn(p.ImportPath, simulators) && (d == "testing" || strings.HasPrefix(d, "github.com/stretchr/testify")) {
				t.Errorf("simulator %s imports %s; simulators are production code", p.ImportPath, d)
			}
		}
	}
}
