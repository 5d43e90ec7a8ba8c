package sqlregistry

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatement(t *testing.T) {
	for _, tc := range []struct {
		src, dollar, question string
		names                 []string
	}{
		{"SELECT * FROM r WHERE cf = :cf", "SELECT * FROM r WHERE cf = $1", "SELECT * FROM r WHERE cf = ?", []string{"cf"}},
		{"WHERE (:sex = '' OR sex = :sex) AND d = :birth_date::date", "WHERE ($1 = '' OR sex = $1) AND d = $2::date",
			"WHERE (? = '' OR sex = ?) AND d = ?::date", []string{"sex", "sex", "birth_date"}},
		{"SELECT ':not_a_param', \"x:y\", 'it''s :no' -- :nor\n/* :nor */ FROM t WHERE a = :cf", "SELECT ':not_a_param', \"x:y\", 'it''s :no' -- :nor\n/* :nor */ FROM t WHERE a = $1",
			"SELECT ':not_a_param', \"x:y\", 'it''s :no' -- :nor\n/* :nor */ FROM t WHERE a = ?", []string{"cf"}},
	} {
		st, err := parseStatement(tc.src)
		require.NoError(t, err, "parseStatement(%q)", tc.src)
		d, names := st.render(true)
		assert.Equal(t, tc.dollar, d)
		q, qnames := st.render(false)
		assert.Equal(t, tc.question, q)
		assert.Equal(t, tc.names, qnames)
		assert.LessOrEqual(t, len(names), len(qnames))
	}
	for _, src := range []string{"SELECT 'open", "SELECT \"open", "SELECT /* open", "WHERE a = : b"} {
		_, err := parseStatement(src)
		var pe *paramError
		assert.ErrorAs(t, err, &pe, "parseStatement(%q)", src)
	}
}

func TestDecodeMapping(t *testing.T) {
	base, err := os.ReadFile("testdata/mapping.json")
	require.NoError(t, err)
	m, err := DecodeMapping(strings.NewReader(string(base)))
	require.NoError(t, err)
	assert.Equal(t, "sad_notice", m.NoticeTable)

	edit := func(f func(map[string]any)) string {
		var v map[string]any
		require.NoError(t, json.Unmarshal(base, &v))
		f(v)
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	for _, tc := range []struct {
		name, doc, field string
		offset           bool
	}{
		{"syntax", `{"lookup_by_cf": "x",}`, "", true},
		{"unknown member", edit(func(v map[string]any) { v["lookup_by_fc"] = "x" }), "", false},
		{"unknown column key", edit(func(v map[string]any) { v["columns"].(map[string]any)["surnome"] = "x" }), "columns.surnome", false},
		{"unknown parameter", edit(func(v map[string]any) { v["lookup_by_cf"] = "SELECT * FROM r WHERE cf = :codice" }), "lookup_by_cf", true},
		{"notice parameter in a lookup", edit(func(v map[string]any) { v["lookup_by_cf"] = "SELECT :number" }), "lookup_by_cf", true},
		{"missing lookup", edit(func(v map[string]any) { delete(v, "lookup_by_name") }), "lookup_by_name", false},
		{"no statements", edit(func(v map[string]any) { v["revoked"] = map[string]any{"statements": []any{}} }), "revoked.statements", false},
		{"unterminated literal", edit(func(v map[string]any) {
			v["cancelled"] = map[string]any{"statements": []any{"UPDATE c SET s = 'X WHERE n = :number"}}
		}), "cancelled.statements[0]", true},
		{"placeholders", edit(func(v map[string]any) { v["placeholders"] = "colon" }), "placeholders", false},
		{"notice table", edit(func(v map[string]any) { v["notice_table"] = "x; DROP TABLE y" }), "notice_table", false},
		{"wrong type", edit(func(v map[string]any) { v["issued"] = "UPDATE" }), "issued", true},
		{"trailing data", string(base) + "{}", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeMapping(strings.NewReader(tc.doc))
			assert.Nil(t, m)
			var me *MappingError
			require.ErrorAs(t, err, &me)
			assert.ErrorIs(t, err, ErrMapping)
			assert.Equal(t, tc.field, me.Field, "DecodeMapping: %v", err)
			if tc.offset {
				assert.Positive(t, me.Offset, "DecodeMapping: %v", err)
			}
		})
	}
	_, err = DecodeMapping(strings.NewReader(strings.Repeat(" ", 1<<20+1)))
	assert.True(t, errors.Is(err, ErrMapping))
}
