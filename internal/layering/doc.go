// Package layering holds the test that enforces the module's import graph,
// as go/build's deps_test.go does for the standard library.
//
// The graph is an allow-list (allowed in layering_test.go): every package of
// the module states the module packages and outside modules it may import
// directly. A package missing from the list fails the test, and so does an
// import the list does not name, so a new package or a new edge is a
// reviewed decision, never a default. On top of the list, three rules hold
// transitively: only the cgo adapters reach cgo (package C) or the adapters'
// outside modules; nothing but examples imports an adapter; simulators are
// production code and never import testing or testify.
package layering
