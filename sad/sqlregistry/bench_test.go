package sqlregistry

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciekit/ciekit/sad"
)

// BenchmarkLookup measures lookups by codice fiscale against a register of
// the sample subjects plus 10,000 generated residents, in memory
// (sad.MemoryRegistry), in SQLite and in PostgreSQL (skipped without a
// server), at 1, 16 and 64 concurrent clients, two ways:
//
//   - registry: Registry.Lookup alone;
//   - http: a whole sad.Client.Lookup over loopback to a sad.Server (XML
//     encoding and decoding on both sides, client and server on the same
//     machine), what a workstation sees.
//
// It reports lookups/s and the 99th-percentile latency (p99-µs). Command
// and figures: BENCHMARKS.md.
func BenchmarkLookup(b *testing.B) {
	backends := []struct {
		name string
		open func(b *testing.B) (sad.Registry, []string)
	}{
		{"memory", func(b *testing.B) (sad.Registry, []string) {
			gen := generate(b, 10000)
			return sad.NewMemoryRegistry(append(sad.SampleSubjects(), gen...)), residentCFs(gen)
		}},
		{"sqlite", func(b *testing.B) (sad.Registry, []string) {
			return register(b, openSQLite(b), 10000), residentCFs(generate(b, 10000))
		}},
		{"postgres", func(b *testing.B) (sad.Registry, []string) {
			return register(b, openPostgres(b), 10000), residentCFs(generate(b, 10000))
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			reg, cfs := be.open(b)
			for _, via := range []string{"registry", "http"} {
				for _, clients := range []int{1, 16, 64} {
					b.Run(via+"/clients="+strconv.Itoa(clients), func(b *testing.B) {
						lookup := registryLookup(reg)
						if via == "http" {
							lookup = httpLookup(b, reg, clients)
						}
						benchClients(b, clients, cfs, lookup)
					})
				}
			}
		})
	}
}

func residentCFs(gen []sad.Subject) []string {
	var out []string
	for i := range gen {
		if !nonResident(&gen[i]) {
			out = append(out, gen[i].CodiceFiscale)
		}
	}
	return out
}

type lookupFunc func(b *testing.B, cf string)

func registryLookup(reg sad.Registry) lookupFunc {
	return func(b *testing.B, cf string) {
		got, err := reg.Lookup(b.Context(), &sad.Query{CodiceFiscale: cf})
		if err != nil || len(got) != 1 {
			b.Errorf("Lookup(%s) = %d subjects, %v", cf, len(got), err)
		}
	}
}

func httpLookup(b *testing.B, reg sad.Registry, clients int) lookupFunc {
	srv := httptest.NewServer(&sad.Server{Registry: reg})
	b.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	c, err := sad.NewClient(sad.Config{Host: host, Port: p, Path: "/sad", Comune: "015146", Workstation: "BENCH",
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients + 4}}})
	if err != nil {
		b.Fatal(err)
	}
	return func(b *testing.B, cf string) {
		resp, err := c.Lookup(b.Context(), sad.Query{CodiceFiscale: cf})
		if err != nil || len(resp.Subjects) != 1 {
			b.Errorf("Client.Lookup(%s): %v", cf, err)
		}
	}
}

// benchClients runs b.N lookups spread over clients goroutines and reports
// lookups/s and p99 latency.
func benchClients(b *testing.B, clients int, cfs []string, lookup lookupFunc) {
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var warm sync.WaitGroup // open the connection pools before timing
	for c := range clients {
		warm.Go(func() { lookup(b, cfs[c%len(cfs)]) })
	}
	warm.Wait()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t := time.Now()
				lookup(b, cfs[int(i)%len(cfs)])
				lat[c] = append(lat[c], time.Since(t))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "lookups/s")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
}
