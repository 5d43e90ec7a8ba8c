package sad

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless is an infinite stream of one byte pattern.
type endless struct {
	pat []byte
	off int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pat[e.off%len(e.pat)]
		e.off++
	}
	return len(p), nil
}

func TestHostileXML(t *testing.T) {
	t.Parallel()
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<RichiestaSAD><IdRichiesta>&lol3;</IdRichiesta></RichiestaSAD>`
	xxe := `<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<RichiestaSAD><IdRichiesta>&xxe;</IdRichiesta></RichiestaSAD>`
	undeclared := `<RichiestaSAD><IdRichiesta>&xxe;</IdRichiesta></RichiestaSAD>`
	deep := "<RichiestaSAD>" + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + "</RichiestaSAD>"
	wide := "<RichiestaSAD>" + strings.Repeat("<a/>", 30000) + "</RichiestaSAD>"
	cases := []struct {
		name string
		r    io.Reader
		want error
	}{
		{"billion laughs", strings.NewReader(laughs), ErrDTD},
		{"external entity", strings.NewReader(xxe), ErrDTD},
		{"undeclared entity", strings.NewReader(undeclared), ErrDTD},
		{"deep nesting", strings.NewReader(deep), ErrTooDeep},
		{"many elements", strings.NewReader(wide), ErrTooManyElements},
		{"endless text", io.MultiReader(strings.NewReader("<RichiestaSAD><Nome>"), &endless{pat: []byte("A")}), ErrTooLarge},
		{"endless elements", io.MultiReader(strings.NewReader("<RichiestaSAD>"), &endless{pat: []byte("<x>")}), ErrTooDeep},
		{"endless attributes", io.MultiReader(strings.NewReader("<RichiestaSAD "), &endless{pat: []byte(`a="b" `)}), ErrTooLarge},
		{"two roots", strings.NewReader("<RichiestaSAD/><RichiestaSAD/>"), ErrMalformed},
		{"empty", strings.NewReader(""), ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := Codec{}.DecodeRequest(tc.r)
			require.ErrorIs(t, err, tc.want, "DecodeRequest(%s)", tc.name)
			assert.Nil(t, req)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			t.Logf("%s: %v", tc.name, err)
		})
	}
}

// TestHostileMemoryBounded checks that an endless document costs bounded
// memory: the decoder stops at MaxBytes.
func TestHostileMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("memory measurement")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	lim := Limits{MaxBytes: 4 << 20}
	_, err := Codec{Limits: lim}.DecodeRequest(io.MultiReader(strings.NewReader("<RichiestaSAD><Nome>"), &endless{pat: []byte("ABCDEFGH")}))
	require.ErrorIs(t, err, ErrTooLarge)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(64<<20), "decoding an endless document allocated %d bytes", allocated)
}

func TestLimitExactSize(t *testing.T) {
	t.Parallel()
	b := mustMarshal(t, lookupByCF())
	_, err := Codec{Limits: Limits{MaxBytes: int64(len(b))}}.DecodeRequest(bytes.NewReader(b))
	require.NoError(t, err, "a document of exactly MaxBytes")
	_, err = Codec{Limits: Limits{MaxBytes: int64(len(b) - 1)}}.DecodeRequest(bytes.NewReader(b))
	require.ErrorIs(t, err, ErrTooLarge)
}
