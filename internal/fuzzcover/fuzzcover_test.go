package fuzzcover

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// exceptions are entry points no fuzz target needs to reach, each with the
// reason. Keys are "pkg.Func" or "pkg.Type.Method", pkg relative to the
// module root. Shrink the list as fuzz targets land: the test logs the
// entries that have become reachable.
var exceptions = map[string]string{
	// Functions that only open files by path or directory and hand the
	// bytes to a fuzzed decoder.
	"cie.ReadANPRFiles": "opens files by path, then DecodeANPR (FuzzDecodeANPR)",
	"cie.ReadANPRDir":   "opens a directory, then DecodeANPR (FuzzDecodeANPR)",

	// Not untrusted bytes.
	"internal/cli.Command.Parse": "parses the program's own command line with package flag",
}

// entry matches the names of entry points of untrusted bytes.
var entry = regexp.MustCompile(`^(Parse|Decode|Unmarshal|Read)([A-Z0-9_]|$)`)

type decl struct {
	key   string   // pkg.Func or pkg.Type.Method
	pkg   string   // module-relative directory
	name  string   // Func or Method
	recv  string   // receiver type, "" for functions
	names []string // names the body mentions: "pkg:Func" for package selectors, ".M" for other selectors, "=F" for plain identifiers
	deps  []string // module-relative directories its file imports, and its own
}

type module struct {
	root, path string
	decls      []*decl
	fuzz       []*decl          // Fuzz* functions of test files
	testDecls  map[string]*decl // test-file functions by pkg dir + name, for helpers
}

func modulePath(t *testing.T, root string) string {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
			return f[1]
		}
	}
	t.Fatal("go.mod without a module line")
	return ""
}

// load parses every Go file of the module rooted at root.
func load(t *testing.T, root string) *module {
	m := &module{root: root, path: modulePath(t, root), testDecls: map[string]*decl{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (n == "testdata" || n == "vendor" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(p))
		dir = filepath.ToSlash(dir)
		test := strings.HasSuffix(p, "_test.go")
		imports := map[string]string{} // local name -> module-relative dir
		deps := []string{dir}
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			if !strings.HasPrefix(ip, m.path+"/") && ip != m.path {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(ip, m.path), "/")
			name := filepath.Base(ip)
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = rel
			deps = append(deps, rel)
		}
		for _, dd := range f.Decls {
			fd, ok := dd.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			d := &decl{pkg: dir, name: fd.Name.Name, deps: deps}
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				d.recv = recvName(fd.Recv.List[0].Type)
			}
			d.key = dir + "." + d.name
			if d.recv != "" {
				d.key = dir + "." + d.recv + "." + d.name
			}
			d.names = mentions(fd.Body, imports)
			switch {
			case test && strings.HasPrefix(d.name, "Fuzz") && d.recv == "":
				m.fuzz = append(m.fuzz, d)
			case test:
				m.testDecls[dir+"="+d.name] = d
			case f.Name.Name != "main":
				m.decls = append(m.decls, d)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func recvName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvName(x.X)
	case *ast.IndexExpr:
		return recvName(x.X)
	case *ast.IndexListExpr:
		return recvName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// mentions lists what a body names: package-qualified selectors, other
// selectors (method calls, method values) and plain identifiers.
func mentions(body ast.Node, imports map[string]string) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if dir, ok := imports[id.Name]; ok {
					out = append(out, dir+":"+x.Sel.Name)
					return false
				}
			}
			out = append(out, "."+x.Sel.Name)
		case *ast.Ident:
			out = append(out, "="+x.Name)
		}
		return true
	})
	slices.Sort(out)
	return slices.Compact(out)
}

// reached returns the keys of the module functions reachable from the fuzz
// targets.
func (m *module) reached() map[string]bool {
	byPkgName := map[string][]*decl{} // "dir:Name" -> functions and methods
	byMethod := map[string][]*decl{}  // ".Name" -> methods
	for _, d := range m.decls {
		byPkgName[d.pkg+":"+d.name] = append(byPkgName[d.pkg+":"+d.name], d)
		if d.recv != "" {
			byMethod["."+d.name] = append(byMethod["."+d.name], d)
		}
	}
	seen := map[*decl]bool{}
	var work []*decl
	push := func(d *decl) {
		if !seen[d] {
			seen[d] = true
			work = append(work, d)
		}
	}
	for _, d := range m.fuzz {
		push(d)
	}
	for len(work) > 0 {
		d := work[len(work)-1]
		work = work[:len(work)-1]
		// A test-package directory is its package's directory: an
		// identifier names a function of the package (internal test) or
		// a helper of the test files.
		dir := d.pkg
		for _, n := range d.names {
			switch n[0] {
			case '=':
				for _, x := range byPkgName[dir+":"+n[1:]] {
					push(x)
				}
				if h, ok := m.testDecls[dir+n]; ok {
					push(h)
				}
			case '.':
				// x.M reaches the methods M of the packages the file
				// can name types of: its own and those it imports.
				for _, x := range byMethod[n] {
					if slices.Contains(d.deps, x.pkg) {
						push(x)
					}
				}
				if h, ok := m.testDecls[dir+"="+n[1:]]; ok {
					push(h) // method of a test helper type
				}
			default:
				for _, x := range byPkgName[n] {
					push(x)
				}
			}
		}
	}
	out := map[string]bool{}
	for d := range seen {
		out[d.key] = true
	}
	return out
}

// TestEntryPointsFuzzed: every exported entry point of untrusted bytes is
// reached by a fuzz target or is an exception with a reason.
func TestEntryPointsFuzzed(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	m := load(t, root)
	if len(m.fuzz) == 0 {
		t.Fatal("no Fuzz functions found: the walk is broken")
	}
	reached := m.reached()
	var entries, uncovered, stale []string
	for _, d := range m.decls {
		if !entry.MatchString(d.name) || !ast.IsExported(d.name) || d.recv != "" && !ast.IsExported(d.recv) {
			continue
		}
		entries = append(entries, d.key)
		_, excepted := exceptions[d.key]
		switch {
		case !reached[d.key] && !excepted:
			uncovered = append(uncovered, d.key)
		case reached[d.key] && excepted:
			stale = append(stale, d.key)
		}
	}
	slices.Sort(entries)
	slices.Sort(uncovered)
	slices.Sort(stale)
	t.Logf("%d entry points, %d fuzz targets", len(entries), len(m.fuzz))
	for k := range exceptions {
		if !slices.Contains(entries, k) && !strings.HasSuffix(k, ".Transmit") {
			t.Errorf("exception %s names no entry point of the module: remove it", k)
		}
	}
	for _, k := range stale {
		t.Logf("exception %s is now reached by a fuzz target: remove it from the list", k)
	}
	if len(uncovered) > 0 {
		t.Errorf("%d entry points reached by no fuzz target (add a target, or an exception with its reason):\n\t%s",
			len(uncovered), strings.Join(uncovered, "\n\t"))
	}
}

// TestReachability checks the walk on a small module: a parser called
// from a fuzz target, directly, through a test helper, through another
// function, or as a method of an imported type, is reached; one called
// only from a plain test, or a method of the same name in a package the
// caller does not import, is not.
func TestReachability(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n",
		"a/a.go": `package a
type T struct{}
func ParseA(b []byte) int { return helper(b) }
func helper(b []byte) int { return ReadInner(b) }
func ReadInner(b []byte) int { return len(b) }
func ParseOnlyTested(b []byte) int { return 0 }
func (T) DecodeM(b []byte) int { return 0 }
`,
		"b/b.go": `package b
type U struct{}
func (U) DecodeM(b []byte) int { return 1 }
func ParseViaHelper(b []byte) int { return 2 }
`,
		"a/a_test.go": `package a_test
import ("testing"; "example.com/m/a")
	func FuzzA(f *testing.F) { f.Fuzz(func(t *testing.T, b []byte) { a.ParseA(b); var x a.T; x.DecodeM(b); run(b) }) }
func TestOnly(t *testing.T) { a.ParseOnlyTested(nil) }
`,
		"a/helper_test.go": `package a_test
import bb "example.com/m/b"
func run(b []byte) { bb.ParseViaHelper(b) }
`,
	}
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := load(t, root).reached()
	for _, k := range []string{"a.ParseA", "a.ReadInner", "a.T.DecodeM", "b.ParseViaHelper"} {
		if !r[k] {
			t.Errorf("%s not reached", k)
		}
	}
	for _, k := range []string{"a.ParseOnlyTested", "b.U.DecodeM"} {
		if r[k] {
			t.Errorf("%s reached, but no fuzz target calls it", k)
		}
	}
}
