// Package fuzzcover holds a test, and nothing else: every exported
// Parse*, Decode*, Unmarshal* and Read* function or method of the module
// (the entry points of untrusted bytes) must be reached by some fuzz
// target, or be on the commented exception list of fuzzcover_test.go.
//
// "Reached" is decided from the source alone (go/parser), by name: the
// bodies of the Fuzz* functions of every _test.go file, the test helpers
// they call, and then, transitively, every function or method of the
// module whose name those bodies mention (a selector on an imported
// package resolves to that package; a method call x.M reaches every method
// M of the module). It over-approximates (a call of io.Reader.Read
// reaches every Read method), so the exception list stays short; it never
// misses a call written in the source.
//
// Run `go test -v ./internal/fuzzcover` to see the list of uncovered
// functions and of exceptions that a merged fuzz target has made stale.
package fuzzcover
