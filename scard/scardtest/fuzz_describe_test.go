package scardtest_test

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/scard/scardtest"
)

// FuzzDescribe: Describe names any command APDU, well-formed or not,
// without panicking, on one line.
func FuzzDescribe(f *testing.F) {
	f.Add([]byte{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01})
	f.Add([]byte{0x00, 0x86, 0x00, 0x00, 0x02, 0x7C, 0x00, 0x00})
	f.Add([]byte{0x10, 0x86, 0x00, 0x00, 0x04, 0x7C, 0x02, 0x81, 0x00, 0x00})
	f.Add([]byte{0x0C, 0xB0, 0x00, 0x00, 0x00})
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, capdu []byte) {
		d := scardtest.Describe(capdu)
		if d == "" || bytes.ContainsAny([]byte(d), "\r\n") {
			t.Fatalf("Describe(%x) = %q", capdu, d)
		}
	})
}

// FuzzMutate: Mutate never panics, never changes its input and returns as
// many responses as it was given; DecodeResponses inverts EncodeResponses.
func FuzzMutate(f *testing.F) {
	f.Add([]byte{0x00, 0x02, 0x90, 0x00, 0x00, 0x03, 0x01, 0x90, 0x00}, []byte{1, 3, 0, 1, 0x55})
	f.Fuzz(func(t *testing.T, enc, ops []byte) {
		rs := scardtest.DecodeResponses(enc)
		back := scardtest.DecodeResponses(scardtest.EncodeResponses(rs))
		if len(back) != len(rs) {
			t.Fatalf("round trip: %d responses, want %d", len(back), len(rs))
		}
		snapshot := scardtest.EncodeResponses(rs)
		m := scardtest.Mutate(rs, ops)
		if len(m) != len(rs) {
			t.Fatalf("Mutate returned %d responses for %d", len(m), len(rs))
		}
		if !bytes.Equal(scardtest.EncodeResponses(rs), snapshot) {
			t.Fatal("Mutate changed its input")
		}
	})
}
