package sco

import "testing"

// FuzzParseSCOInfo feeds arbitrary bytes to the operator card's info file
// parser (it was part of the LDS fuzz target before the split of scard).
func FuzzParseSCOInfo(f *testing.F) {
	f.Add((&Info{State: Active, Serial: "1"}).Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseInfo(b)
	})
}
