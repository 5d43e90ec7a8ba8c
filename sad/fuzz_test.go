package sad

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addSeeds(f *testing.F, prefix string) {
	files, _ := filepath.Glob(filepath.Join("testdata", prefix+"*.golden"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<RichiestaSAD><IdRichiesta>X</IdRichiesta></RichiestaSAD>`))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`))
	f.Add([]byte("<RichiestaSAD versione=\"2&#13;8\"><IdRichiesta>X</IdRichiesta><TipoRichiesta>INTERROGAZIONE</TipoRichiesta>" +
		"<CriteriRicerca><Cognome>A&#13;B</Cognome><Nome>C&#9;D</Nome><DataNascita>1980-01-01</DataNascita></CriteriRicerca></RichiestaSAD>"))
}

// fuzzLimits keep each input cheap.
var fuzzCodec = Codec{Limits: Limits{MaxBytes: 64 << 10, MaxElements: 2000}}

// FuzzDecodeRequest: never panic, no partial result with an error, typed
// errors, and whatever decodes re-encodes and decodes to the same bytes.
func FuzzDecodeRequest(f *testing.F) {
	addSeeds(f, "request_")
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := fuzzCodec.unmarshalRequest(b)
		if err != nil {
			if req != nil {
				t.Fatalf("partial result with error %v", err)
			}
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T %v, want *SyntaxError", err, err)
			}
			return
		}
		out, err := fuzzCodec.marshalRequest(req)
		if err != nil {
			t.Fatalf("decoded request does not encode: %v", err)
		}
		again, err := fuzzCodec.unmarshalRequest(out)
		if err != nil {
			t.Fatalf("encoded request does not decode: %v\n%s", err, out)
		}
		out2, err := fuzzCodec.marshalRequest(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("round trip not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}

// FuzzDecodeResponse is FuzzDecodeRequest for responses.
func FuzzDecodeResponse(f *testing.F) {
	addSeeds(f, "response_")
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := fuzzCodec.unmarshalResponse(b)
		if err != nil {
			if resp != nil {
				t.Fatalf("partial result with error %v", err)
			}
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T %v, want *SyntaxError", err, err)
			}
			return
		}
		out, err := fuzzCodec.marshalResponse(resp)
		if err != nil {
			t.Fatalf("decoded response does not encode: %v", err)
		}
		again, err := fuzzCodec.unmarshalResponse(out)
		if err != nil {
			t.Fatalf("encoded response does not decode: %v\n%s", err, out)
		}
		out2, err := fuzzCodec.marshalResponse(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("round trip not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}

// FuzzLatin1 checks the charset conversions against each other.
func FuzzLatin1(f *testing.F) {
	f.Add([]byte("D'ANGELO NICOL\xd2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sb strings.Builder
		buf := make([]byte, 3)
		r := &latin1Reader{r: bytes.NewReader(b)}
		for {
			n, err := r.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		back, err := toLatin1(nil, []byte(sb.String()))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("latin1 round trip: %v %q != %q", err, back, b)
		}
	})
}

// FuzzDecodeDefaultLimits decodes with the zero Codec (default limits, the
// reconstruction dialect), as the Server, the Spool and the Client do
// unless configured: never a panic, and either a result or a *SyntaxError.
func FuzzDecodeDefaultLimits(f *testing.F) {
	addSeeds(f, "")
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := Codec{}.DecodeRequest(bytes.NewReader(b))
		if (err == nil) == (req == nil) {
			t.Fatalf("DecodeRequest = %v, %v", req, err)
		}
		if _, ok := err.(*SyntaxError); err != nil && !ok {
			t.Fatalf("DecodeRequest error %T %v", err, err)
		}
		resp, err := Codec{}.DecodeResponse(bytes.NewReader(b))
		if (err == nil) == (resp == nil) {
			t.Fatalf("DecodeResponse = %v, %v", resp, err)
		}
		if _, ok := err.(*SyntaxError); err != nil && !ok {
			t.Fatalf("DecodeResponse error %T %v", err, err)
		}
	})
}

// FuzzParseTransport: only "http" and "ftp" (any case, spaces trimmed)
// parse, String round-trips, and errors wrap ErrConfig.
func FuzzParseTransport(f *testing.F) {
	for _, s := range []string{"http", " FTP ", "https", "", "ftp\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseTransport(s)
		if err != nil {
			if !errors.Is(err, ErrConfig) || tr != 0 {
				t.Fatalf("ParseTransport(%q) = %v, %v", s, tr, err)
			}
			if len(err.Error()) > 200 {
				t.Fatalf("ParseTransport(%q): unbounded error", s)
			}
			return
		}
		if !strings.EqualFold(strings.TrimSpace(s), tr.String()) {
			t.Fatalf("ParseTransport(%q) = %v", s, tr)
		}
	})
}

// FuzzParsePair: a parsed pair's String parses back to it, and its two
// constants decode to true and false.
func FuzzParsePair(f *testing.F) {
	for _, s := range []string{"S/N", "si/no", "VERO/FALSO", "1/0", "Y/N", "", "T/F/X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePair(s)
		if err != nil {
			if len(err.Error()) > 200 {
				t.Fatalf("ParsePair(%q): unbounded error", s)
			}
			return
		}
		again, err := ParsePair(p.String())
		if err != nil || again != p {
			t.Fatalf("ParsePair(%q) = %v; ParsePair(%q) = %v, %v", s, p, p.String(), again, err)
		}
		yes, err1 := p.Parse(p.Format(true))
		no, err2 := p.Parse(p.Format(false))
		if err1 != nil || err2 != nil || !yes || no {
			t.Fatalf("pair %v does not round-trip its constants", p)
		}
	})
}
