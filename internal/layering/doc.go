// Package layering holds the test that enforces the module's import graph
// (like go/build's deps_test.go): the cgo-free core never reaches cgo, the
// hardware adapters or the examples.
package layering
