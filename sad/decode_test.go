package sad

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPairs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pair  Pair
		in    string
		want  bool
		valid bool
	}{
		{PairSN, "S", true, true}, {PairSN, " n ", false, true}, {PairSN, "SI", false, false},
		{PairTF, "t", true, true}, {PairTF, "F", false, true}, {PairTF, "S", false, false},
		{PairSINO, "Si", true, true}, {PairSINO, "NO", false, true}, {PairSINO, "N", false, false},
		{PairTRUEFALSE, "true", true, true}, {PairTRUEFALSE, "False", false, true}, {PairTRUEFALSE, "1", false, false},
		{PairVEROFALSO, "VERO", true, true}, {PairVEROFALSO, "falso", false, true}, {PairVEROFALSO, "", false, false},
		{Pair10, "1", true, true}, {Pair10, "0", false, true}, {Pair10, "2", false, false},
	}
	for _, tc := range cases {
		got, err := tc.pair.Parse(tc.in)
		if !tc.valid {
			require.ErrorIs(t, err, ErrUnknownValue, "%v.Decode(%q)", tc.pair, tc.in)
			continue
		}
		require.NoError(t, err, "%v.Decode(%q)", tc.pair, tc.in)
		assert.Equal(t, tc.want, got, "%v.Decode(%q)", tc.pair, tc.in)
		back, err := tc.pair.Parse(tc.pair.Format(got))
		require.NoError(t, err)
		assert.Equal(t, got, back, "%v round trip", tc.pair)
	}
	for _, p := range []string{"S/N", "t/f", "SI/NO", "true/false", "Vero/Falso", "1/0"} {
		_, err := ParsePair(p)
		assert.NoError(t, err, "ParsePair(%q)", p)
	}
	_, err := ParsePair("Y/N")
	assert.ErrorIs(t, err, ErrUnknownValue, "ParsePair(Y/N)")
}

// TestEspatrioPairsOnTheWire checks every pair end to end: a response
// written with one pair decodes with the same pair, and a value of another
// pair is an error naming the element, never a default.
func TestEspatrioPairsOnTheWire(t *testing.T) {
	t.Parallel()
	for p := PairSN; p <= Pair10; p++ {
		d := DefaultDialect()
		d.Espatrio = p
		c := Codec{Dialect: d}
		b, err := c.marshalResponse(responseOne())
		require.NoError(t, err)
		got, err := c.unmarshalResponse(b)
		require.NoError(t, err)
		assert.Equal(t, true, *got.Subjects[0].ValidForTravel, "pair %v", p)
		other := DefaultDialect()
		other.Espatrio = (p + 1) % numPairs
		_, err = Codec{Dialect: other}.unmarshalResponse(b)
		var se *SyntaxError
		require.ErrorAs(t, err, &se, "pair %v read as %v", p, other.Espatrio)
		assert.ErrorIs(t, err, ErrUnknownValue)
		assert.Equal(t, "/RispostaSAD/Soggetto/ValiditaEspatrio", se.Path)
		assert.Greater(t, se.Line, 1)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	ok := string(mustMarshal(t, lookupByCF()))
	issue := string(mustMarshal(t, issueNotice()))
	cases := []struct {
		name, doc string
		want      error
		path      string
		line      int
	}{
		{"wrong root", `<Foo/>`, ErrWrongRoot, "/Foo", 1},
		{"missing ID", strings.Replace(ok, "<IdRichiesta>015146_POS01_20261123101500123</IdRichiesta>", "", 1), ErrMissingElement, "/RichiestaSAD", 2},
		{"bad ID", strings.Replace(ok, "015146_POS01_20261123101500123", "a/b", 1), ErrInvalidValue, "/RichiestaSAD/IdRichiesta", 3},
		{"unknown op", strings.Replace(ok, "INTERROGAZIONE", "CONSULTA", 1), ErrUnknownValue, "/RichiestaSAD/TipoRichiesta", 4},
		{"bad CF", strings.Replace(ok, "RSSMRA80A41H501Y", "RSSMRA80A41H501X", 1), ErrInvalidValue, "/RichiestaSAD/CriteriRicerca/CodiceFiscale", 10},
		{"duplicate", strings.Replace(ok, "<IdPostazione>POS01</IdPostazione>", "<IdPostazione>A</IdPostazione><IdPostazione>B</IdPostazione>", 1), ErrDuplicateElement, "/RichiestaSAD/IdPostazione[2]", 7},
		{"card in lookup", strings.Replace(ok, "</RichiestaSAD>", "<DatiCarta/></RichiestaSAD>", 1), ErrUnexpectedElement, "/RichiestaSAD/DatiCarta", 12},
		{"bad card number", strings.Replace(issue, "CA12345AB", "CA1234XAB", 1), ErrInvalidValue, "/RichiestaSAD/DatiCarta/NumeroCarta", 12},
		{"bad date", strings.Replace(issue, "2037-01-01", "2037-13-01", 1), ErrInvalidValue, "/RichiestaSAD/DatiCarta/DataScadenza", 14},
		{"expiry before issue", strings.Replace(issue, "2037-01-01", "2020-01-01", 1), ErrInvalidValue, "/RichiestaSAD/DatiCarta/DataScadenza", 14},
		{"unknown espatrio", strings.Replace(issue, "<ValiditaEspatrio>S<", "<ValiditaEspatrio>Y<", 1), ErrUnknownValue, "/RichiestaSAD/DatiCarta/ValiditaEspatrio", 15},
		{"missing espatrio", strings.Replace(issue, "<ValiditaEspatrio>S</ValiditaEspatrio>", "", 1), ErrMissingElement, "/RichiestaSAD/DatiCarta", 9},
		{"malformed", ok[:len(ok)-10], ErrMalformed, "", 0},
		{"text in leaf parent", strings.Replace(ok, "<IdPostazione>POS01</IdPostazione>", "<IdPostazione><X/></IdPostazione>", 1), ErrUnexpectedElement, "/RichiestaSAD/IdPostazione", 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := Codec{}.DecodeRequest(strings.NewReader(tc.doc))
			require.Error(t, err)
			assert.Nil(t, req, "no partial result with an error")
			require.ErrorIs(t, err, tc.want)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			if tc.path != "" {
				assert.Equal(t, tc.path, se.Path, "path of %v", err)
			}
			if tc.line != 0 {
				assert.Equal(t, tc.line, se.Line, "line of %v", err)
			}
			assert.NotContains(t, err.Error(), "RSSMRA80A41H501", "no personal data in errors")
		})
	}
}

func TestTolerantDecoding(t *testing.T) {
	t.Parallel()
	// Case-insensitive names, a namespace prefix, unknown elements, other date layouts.
	doc := `<?xml version="1.0"?>
<s:richiestasad xmlns:s="urn:example" versione="2.8">
  <s:IDRICHIESTA>X1</s:IDRICHIESTA>
  <s:tiporichiesta>interrogazione</s:tiporichiesta>
  <s:Sconosciuto>ignored</s:Sconosciuto>
  <s:CriteriRicerca><s:Cognome>Rossi</s:Cognome><s:Nome>Maria</s:Nome><s:DataNascita>01/01/1980</s:DataNascita></s:CriteriRicerca>
</s:richiestasad>`
	req, err := Codec{}.DecodeRequest(strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, "X1", req.ID)
	assert.Equal(t, OpLookup, req.Op)
	assert.Equal(t, day(1980, 1, 1), req.Query.BirthDate)
}

func TestLatin1Decoding(t *testing.T) {
	t.Parallel()
	doc := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><RichiestaSAD><IdRichiesta>X1</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>" +
		"<CriteriRicerca><Cognome>D'ANGELO</Cognome><Nome>MAR\xcdA NICOL\xd2</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>")
	req, err := Codec{}.unmarshalRequest(doc)
	require.NoError(t, err)
	assert.Equal(t, "MARÍA NICOLÒ", req.Query.GivenNames)
	_, err = Codec{}.unmarshalRequest([]byte(`<?xml version="1.0" encoding="EBCDIC"?><RichiestaSAD/>`))
	assert.ErrorIs(t, err, ErrCharset)
}

func TestEncodeValidation(t *testing.T) {
	t.Parallel()
	req := issueNotice()
	req.Card.ValidForTravel = nil
	_, err := Codec{}.marshalRequest(req)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrMissingElement)
	assert.Equal(t, "/RichiestaSAD/DatiCarta", ve.Path)

	req = lookupByCF()
	req.Query.CodiceFiscale = "RSSMRA80A41H501Z"
	_, err = Codec{}.marshalRequest(req)
	assert.ErrorIs(t, err, ErrInvalidValue)

	req = lookupByName()
	req.Query.Surname = "ROSSI\x00"
	_, err = Codec{}.marshalRequest(req)
	assert.ErrorIs(t, err, ErrInvalidValue)

	resp := responseNotFound()
	resp.Subjects = []Subject{subjectMaria()}
	_, err = Codec{}.marshalResponse(resp)
	assert.ErrorIs(t, err, ErrUnexpectedElement, "subjects with outcome 01")
}

func TestNewRequestID(t *testing.T) {
	t.Parallel()
	id := NewRequestID("015146", "POSTAZIONE 01", fixtureTime().Add(123*1e6))
	assert.Equal(t, "015146_POSTA_20261123101500123", id)
	require.NoError(t, checkRequestID(id))
	c, err := NewClient(Config{Host: "127.0.0.1", Comune: "015146", Workstation: "P1", Now: fixtureTime})
	require.NoError(t, err)
	a, b := c.nextID(fixtureTime()), c.nextID(fixtureTime())
	assert.NotEqual(t, a, b, "IDs in the same millisecond")
}

func TestCheckCF(t *testing.T) {
	t.Parallel()
	for _, cf := range []string{"RSSMRA80A41H501Y", "VRDGPP70M10F205O", "RSSMRA80A01H501U", "12345678901"} {
		assert.NoError(t, checkCF(cf), cf)
	}
	for _, cf := range []string{"RSSMRA80A01H501T", "RSSMRA80Z01H501U", "RSSMRA", "1234567890A"} {
		assert.True(t, errors.Is(checkCF(cf), ErrInvalidValue), cf)
	}
}

func mustMarshal(t *testing.T, r *Request) []byte {
	t.Helper()
	b, err := Codec{}.marshalRequest(r)
	require.NoError(t, err)
	return b
}

func TestDialectValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, DefaultDialect().Validate())
	require.NoError(t, latin1Dialect().Validate())
	breakers := map[string]func(d *Dialect){
		"empty name":      func(d *Dialect) { d.Names.Surname = "" },
		"bad name":        func(d *Dialect) { d.Names.Surname = "Cog nome" },
		"repeated op":     func(d *Dialect) { d.Operations[OpCancel] = "emissione" },
		"missing code":    func(d *Dialect) { delete(d.Codes, CodeInternal) },
		"bad pair":        func(d *Dialect) { d.Espatrio = Pair(42) },
		"lossy layout":    func(d *Dialect) { d.DateLayout = "2006-01" },
		"no seconds":      func(d *Dialect) { d.DateTimeLayout = "2006-01-02T15:04" },
		"unknown charset": func(d *Dialect) { d.Charset = Charset(7) },
	}
	for name, f := range breakers {
		d := DefaultDialect()
		f(d)
		assert.ErrorIs(t, d.Validate(), ErrConfig, name)
	}
	d := DefaultDialect()
	d.Names.Surname = ""
	_, err := NewClient(Config{Host: "x", Codec: Codec{Dialect: d}})
	assert.ErrorIs(t, err, ErrConfig, "NewClient with an invalid dialect")
}

// TestHandlerAllocs locks the allocation budget of a lookup.
func TestHandlerAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation budget")
	}
	s := &Server{Registry: sampleRegistry(), Now: fixtureTime}
	body := mustMarshal(t, lookupByCF())
	n := testing.AllocsPerRun(50, func() {
		r := httptest.NewRequest(http.MethodPost, "/sad", bytes.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
	})
	if n > 600 {
		t.Errorf("ServeHTTP(lookup by CF): %v allocs, want at most 600 (BENCHMARKS.md: 511)", n)
	}
}

// badRegistry returns data the layout cannot carry.
type badRegistry struct{ MemoryRegistry }

func (*badRegistry) Lookup(context.Context, *Query) ([]Subject, error) {
	s := subjectMaria()
	s.CodiceFiscale = "NOT-A-CF"
	return []Subject{s}, nil
}

func TestHandlerUnencodableAnswer(t *testing.T) {
	t.Parallel()
	c := newHTTPClient(t, &Server{Registry: &badRegistry{}})
	_, err := c.Lookup(t.Context(), Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	require.ErrorIs(t, err, ErrAPR, "invalid registry data become outcome 99")
}
