package scardtest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/scard/scardtest"
)

// FuzzParseTranscript: never panics; what parses writes back and parses
// to the same exchanges.
func FuzzParseTranscript(f *testing.F) {
	f.Add("# c\n> 00A4040C01A0\n< 9000\n> 00B00000\n< !card removed\n")
	f.Add("> 00\n")
	f.Add("< 9000")
	f.Fuzz(func(t *testing.T, in string) {
		xs, err := scardtest.ParseTranscript(strings.NewReader(in))
		if err != nil {
			if xs != nil {
				t.Fatalf("ParseTranscript returned exchanges with error %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := scardtest.WriteTranscript(&b, xs); err != nil {
			t.Fatal(err)
		}
		ys, err := scardtest.ParseTranscript(&b)
		if err != nil {
			t.Fatalf("re-parsing written transcript: %v\n%s", err, b.String())
		}
		if len(xs) != len(ys) {
			t.Fatalf("round trip: %d exchanges, want %d", len(ys), len(xs))
		}
		for i := range xs {
			if !bytes.Equal(xs[i].Command, ys[i].Command) || !bytes.Equal(xs[i].Response, ys[i].Response) {
				t.Fatalf("round trip exchange %d differs", i)
			}
		}
	})
}
