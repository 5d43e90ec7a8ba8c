package sqlregistry

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParseStatement: never panics; the rendered SQL puts back exactly the
// text between parameters; every offset points at a ':'.
func FuzzParseStatement(f *testing.F) {
	f.Add("SELECT * FROM r WHERE cf = :cf AND x = ':y' -- :z\n")
	f.Add("a::date /* :b */ \"c:d\" 'e''f' :g1 :")
	f.Fuzz(func(t *testing.T, src string) {
		st, err := parseStatement(src)
		if err != nil {
			var pe *paramError
			if st != nil || !errors.As(err, &pe) || pe.offset < 1 || pe.offset > len(src) {
				t.Fatalf("parseStatement(%q) = %v, %v", src, st, err)
			}
			return
		}
		var b strings.Builder
		for i, p := range st.params {
			if src[st.offsets[i]-1] != ':' {
				t.Fatalf("offset %d of %q is not a ':'", st.offsets[i], src)
			}
			b.WriteString(st.parts[i] + ":" + p)
		}
		b.WriteString(st.parts[len(st.parts)-1])
		if b.String() != src {
			t.Fatalf("reassembled %q from %q", b.String(), src)
		}
		st.render(true)
		st.render(false)
	})
}

// FuzzDecodeMapping: never panics, no partial result with an error, and
// every error is a *MappingError.
func FuzzDecodeMapping(f *testing.F) {
	if b, err := os.ReadFile("testdata/mapping.json"); err == nil {
		f.Add(string(b))
	}
	f.Add(`{"lookup_by_cf":":cf","lookup_by_name":":surname","issued":{"statements":["x"]},"cancelled":{"statements":["x"]},"revoked":{"statements":["x"]}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := DecodeMapping(strings.NewReader(doc))
		if err != nil {
			var me *MappingError
			if m != nil || !errors.As(err, &me) {
				t.Fatalf("DecodeMapping = %v, %T %v", m, err, err)
			}
			return
		}
		if m.lookupCF == nil || m.lookupName == nil || len(m.issued) == 0 {
			t.Fatal("a decoded mapping is not compiled")
		}
	})
}
