package sad

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden; run go test ./sad -update")
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the encoder's output:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func latin1Dialect() *Dialect {
	d := DefaultDialect()
	d.Name = "latin1-TF"
	d.Charset = Latin1
	d.Espatrio = PairTF
	d.DateLayout = "02/01/2006"
	return d
}

func TestGoldenRequests(t *testing.T) {
	cases := []struct {
		name  string
		codec Codec
		req   *Request
	}{
		{"lookup_cf", Codec{}, lookupByCF()},
		{"lookup_name", Codec{}, lookupByName()},
		{"issue", Codec{}, issueNotice()},
		{"cancel", Codec{}, cancelNotice()},
		{"revoke", Codec{}, revokeNotice()},
		{"issue_latin1_tf", Codec{Dialect: latin1Dialect()}, issueNotice()},
		{"lookup_name_latin1", Codec{Dialect: latin1Dialect()}, lookupByName()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.codec.marshalRequest(tc.req)
			require.NoError(t, err)
			golden(t, "request_"+tc.name+".golden", b)
			got, err := tc.codec.unmarshalRequest(b)
			require.NoError(t, err)
			assert.Equal(t, tc.req, got, "UnmarshalRequest(MarshalRequest(%s))", tc.name)
		})
	}
}

func TestGoldenResponses(t *testing.T) {
	cases := []struct {
		name  string
		codec Codec
		resp  *Response
	}{
		{"one", Codec{}, responseOne()},
		{"multiple", Codec{}, responseMultiple()},
		{"not_found", Codec{}, responseNotFound()},
		{"issued", Codec{}, responseIssued()},
		{"not_allowed", Codec{}, responseNotAllowed()},
		{"multiple_latin1_tf", Codec{Dialect: latin1Dialect()}, responseMultiple()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.codec.marshalResponse(tc.resp)
			require.NoError(t, err)
			golden(t, "response_"+tc.name+".golden", b)
			got, err := tc.codec.unmarshalResponse(b)
			require.NoError(t, err)
			assert.Equal(t, tc.resp, got, "UnmarshalResponse(MarshalResponse(%s))", tc.name)
		})
	}
}
