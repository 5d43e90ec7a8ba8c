package sad

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandler measures the http.Handler per request: decoding the
// RichiestaSAD, the MemoryRegistry call, encoding the RispostaSAD.
func BenchmarkHandler(b *testing.B) {
	cases := []struct {
		name string
		req  *Request
	}{
		{"lookup_cf", lookupByCF()},
		{"lookup_name", lookupByName()},
		{"issue", issueNotice()},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			s := &Server{Registry: sampleRegistry(), Now: fixtureTime}
			body, err := Codec{}.marshalRequest(tc.req)
			if err != nil {
				b.Fatal(err)
			}
			rd := bytes.NewReader(body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rd.Reset(body)
				r := httptest.NewRequest(http.MethodPost, "/sad", rd)
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkHTTPRoundTrip is a whole exchange over loopback: Client.Lookup
// against an httptest.Server running the handler.
func BenchmarkHTTPRoundTrip(b *testing.B) {
	srv := httptest.NewServer(&Server{Registry: sampleRegistry()})
	defer srv.Close()
	c, err := NewClient(Config{Host: "127.0.0.1", Port: srv.Listener.Addr().(*net.TCPAddr).Port, HTTPClient: srv.Client(), Comune: "015146", Workstation: "B"})
	if err != nil {
		b.Fatal(err)
	}
	q := Query{CodiceFiscale: "RSSMRA80A41H501Y"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Lookup(b.Context(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkDecodeResponse(b *testing.B) {
	body, err := Codec{}.marshalResponse(responseMultiple())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Codec{}).unmarshalResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponse(b *testing.B) {
	resp := responseMultiple()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := (Codec{}).EncodeResponse(&buf, resp); err != nil {
			b.Fatal(err)
		}
	}
}
