package layering

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ciekit/ciekit"

// allowed lists, for every package of the module (paths relative to the
// module), what it may import directly besides the standard library: other
// module packages (relative paths) and outside packages (full paths; a
// trailing "/..." allows a whole module). The standard library is allowed
// everywhere except package C (adapters only, see cgo) and testing
// (test helpers only, see testingAllowed).
var allowed = map[string][]string{
	// The core.
	"cie":         {},
	"biometric":   {},
	"deploy":      {"cie"},
	"sedi":        {"cie"},
	"sad":         {"cie", "github.com/beevik/etree", "internal/secret", "sad/internal/ftp"},
	"scard":       {"internal/secret", "internal/tlv"},
	"scard/emrtd": {"cie", "golang.org/x/crypto/...", "internal/secret", "internal/tlv", "scard", "scard/emrtd/cvc", "scard/emrtd/internal/group"},
	"scard/ias":   {"internal/secret", "internal/tlv", "scard", "scard/emrtd"},
	"scard/sco":   {"internal/secret", "internal/tlv", "scard"},

	// Simulators, conformance suites, evaluation.
	"biometric/eval":        {"biometric", "biometric/fingerimage", "biometric/jpeg2000", "biometric/wsq", "golang.org/x/image/bmp", "golang.org/x/image/tiff"},
	"biometric/scansim":     {"biometric"},
	"biometric/scannertest": {"biometric"},
	"sad/ftpsim":            {},
	"sedi/seditest":         {"sedi"},
	"sedi/sqlitestore":      {"modernc.org/sqlite/...", "sedi"},
	"sad/internal/ftp":      {},
	"scard/cardsim":         {"cie", "internal/secret", "internal/tlv", "scard", "scard/emrtd", "scard/emrtd/cvc", "scard/ias", "scard/sco"},
	"scard/scardtest":       {"scard"},
	"scard/vpcd":            {"scard"},

	// cgo adapters: leaves.
	"biometric/usbscan": {"biometric", "github.com/google/gousb"},
	"scard/pcsc":        {"github.com/ebfe/scard", "scard"},

	// Internal helpers.
	"internal/amfm":              {},
	"internal/gen/anpr":          {"cie"},
	"internal/layering":          {},
	"internal/pcsclock":          {},
	"internal/secret":            {},
	"internal/secret/secrettest": {},
	"internal/tlv":               {},

	"sad/sqlregistry": {"sad"},

	"sad/sadcheck": {"internal/secret", "sad", "sad/internal/ftp"},

	"biometric/wsq": {},

	"biometric/fingerimage": {"biometric/wsq"},

	"biometric/jpeg2000": {},

	"biometric/faceimage": {"biometric/jpeg2000"},

	"scard/emrtd/cvc": {"golang.org/x/crypto/...", "internal/tlv", "scard", "scard/emrtd/internal/group"},

	"biometric/eval/detplot": {"biometric/eval", "gonum.org/v1/plot/..."},

	"internal/cli": {},

	"internal/fuzzcover": {},

	"scard/emrtd/internal/group": {"golang.org/x/crypto/..."},

	"internal/pemcert": {},

	// Programs.
	"examples/apr-server":                      {"github.com/jackc/pgx/v5/stdlib", "modernc.org/sqlite/...", "sad", "sad/sqlregistry"},
	"examples/cie-read":                        {"cie", "golang.org/x/term", "internal/cli", "internal/pemcert", "scard", "scard/cardsim", "scard/emrtd", "scard/ias", "scard/pcsc", "scard/vpcd"},
	"examples/deploy-plan":                     {"deploy"},
	"examples/fpbench":                         {"biometric", "biometric/eval", "biometric/eval/detplot", "biometric/scansim"},
	"examples/workstation":                     {"biometric", "biometric/faceimage", "biometric/fingerimage", "biometric/jpeg2000", "biometric/scansim", "cie", "internal/cli", "sad", "sad/ftpsim", "scard", "scard/cardsim", "scard/emrtd", "scard/emrtd/cvc", "scard/ias", "scard/sco"},
	"scripts/compare-mindtct":                  {"biometric", "biometric/scansim", "internal/amfm", "internal/cli"},
	"cie/cmd/anprdiff":                         {"cie", "internal/cli"},
	"sad/cmd/sadcheck":                         {"sad", "sad/sadcheck"},
	"scripts/compare-openjpeg":                 {"biometric/jpeg2000"},
	"scripts/compare-cvc":                      {"scard/emrtd/cvc"},
	"scripts/compare-wsq":                      {"biometric/fingerimage", "biometric/wsq", "internal/amfm", "internal/cli"},
	"examples/cie-tls":                         {"golang.org/x/term", "internal/cli", "internal/pemcert", "scard", "scard/cardsim", "scard/emrtd", "scard/ias", "scard/pcsc", "scard/vpcd"},
	"scripts/compare-fingerjet":                {"biometric", "biometric/eval", "golang.org/x/sys/unix", "internal/cli"},
	"scripts/interop-cie-middleware/cardserve": {"internal/cli", "scard/cardsim", "scard/emrtd", "scard/vpcd", "scripts/internal/interop"},
	"examples/cardserve":                       {"cie", "internal/cli", "scard", "scard/cardsim", "scard/emrtd", "scard/sco", "scard/vpcd"},
	"scripts/interop-npa/npaserve":             {"internal/cli", "scard/cardsim", "scard/emrtd", "scard/emrtd/cvc", "scard/vpcd", "scripts/internal/interop"},
	"scripts/interop-vicc":                     {},
	"scripts/internal/interop":                 {"scard", "scard/scardtest"},
}

// adapters are the cgo packages; only programs may import them.
var adapters = []string{"biometric/usbscan", "scard/pcsc"}

// simulators are production code for users' tests and demos.
var simulators = []string{"biometric/scansim", "sad/ftpsim", "scard/cardsim", "scard/vpcd"}

// testingAllowed are the packages that exist to be called from tests and
// so may import testing.
var testingAllowed = []string{"biometric/scannertest", "internal/pcsclock", "internal/secret/secrettest", "scard/scardtest", "sedi/seditest"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
	Standard   bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
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

func rel(path string) (string, bool) {
	if path == module {
		return ".", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func isProgram(r string) bool {
	return strings.HasPrefix(r, "examples/") || strings.HasPrefix(r, "scripts/") || strings.Contains(r, "/cmd/")
}

// allows reports whether the allow-list entry list admits the import imp.
func allows(list []string, imp string) bool {
	if r, ok := rel(imp); ok {
		return slices.Contains(list, r)
	}
	for _, a := range list {
		if base, ok := strings.CutSuffix(a, "/..."); ok && (imp == base || strings.HasPrefix(imp, base+"/")) {
			return true
		}
		if imp == a {
			return true
		}
	}
	return false
}

func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".") && imp != "C"
}

func TestAllowList(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range listPackages(t) {
		r, _ := rel(p.ImportPath)
		seen[r] = true
		list, ok := allowed[r]
		if !ok {
			t.Errorf("%s is not in internal/layering's allow-list: add it with the imports it may use", r)
			continue
		}
		for _, imp := range p.Imports {
			switch {
			case imp == "C":
				if !slices.Contains(adapters, r) {
					t.Errorf("%s uses cgo; only the adapters %v may", r, adapters)
				}
			case imp == "testing" || strings.HasPrefix(imp, "github.com/stretchr/testify"):
				if !slices.Contains(testingAllowed, r) {
					t.Errorf("%s imports %s outside its tests", r, imp)
				}
			case isStd(imp):
			case !allows(list, imp):
				t.Errorf("%s imports %s, which its allow-list entry does not name", r, imp)
			}
		}
	}
	for r := range allowed {
		if !seen[r] {
			t.Errorf("allow-list entry %s names no package of the module: remove it", r)
		}
	}
}

// TestTransitive checks the rules that must hold over the whole dependency
// graph, not only the direct imports.
func TestTransitive(t *testing.T) {
	for _, p := range listPackages(t) {
		r, _ := rel(p.ImportPath)
		if isProgram(r) || slices.Contains(adapters, r) {
			continue
		}
		for _, d := range p.Deps {
			dr, inModule := rel(d)
			switch {
			case d == "C":
				t.Errorf("%s reaches cgo", r)
			case d == "github.com/ebfe/scard" || d == "github.com/google/gousb":
				t.Errorf("%s reaches the adapter dependency %s", r, d)
			case inModule && slices.Contains(adapters, dr):
				t.Errorf("%s reaches the cgo adapter %s; only programs may", r, dr)
			case slices.Contains(simulators, r) && (d == "testing" || strings.HasPrefix(d, "github.com/stretchr/testify")):
				t.Errorf("simulator %s reaches %s; simulators are production code", r, d)
			}
		}
	}
}

// TestAllowListSelfCheck makes sure the checker itself can fail.
func TestAllowListSelfCheck(t *testing.T) {
	if allows(nil, module+"/scard") {
		t.Error("an empty entry admits scard")
	}
	if !allows([]string{"golang.org/x/crypto/..."}, "golang.org/x/crypto/cryptobyte/asn1") {
		t.Error("a /... entry does not admit a subpackage")
	}
	if allows([]string{"github.com/beevik/etree"}, "github.com/beevik/etreeX") {
		t.Error("an exact entry admits a longer path")
	}
	if !isStd("crypto/sha256") || isStd("golang.org/x/crypto") || isStd("C") {
		t.Error("isStd")
	}
}
