package biometric_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ciekit/ciekit/biometric"
)

// benchTemplates returns the 80 reference templates of FVC2002 DB1_B.
func benchTemplates(b testing.TB) []*biometric.Template {
	dir := filepath.Join(fvcDir(b), "DB1_B")
	var ts []*biometric.Template
	for f := range 10 {
		for i := range 8 {
			ts = append(ts, loadReferenceISO(b, dir, fmt.Sprintf("%d_%d", 101+f, i+1), 500))
		}
	}
	return ts
}

// BenchmarkMatch measures 1:1 matching (one op = one template pair) and
// 1:N search (one op = a search of a gallery of 80).
func BenchmarkMatch(b *testing.B) {
	ts := benchTemplates(b)
	ps := make([]*biometric.Prepared, len(ts))
	for i, t := range ts {
		ps[i] = biometric.Prepare(t)
	}
	b.Run("prepared", func(b *testing.B) {
		p := biometric.NewProbe(ts[0])
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			p.MatchPrepared(ps[k%len(ps)])
			k++
		}
	})
	b.Run("template", func(b *testing.B) {
		p := biometric.NewProbe(ts[0])
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			p.Match(ts[k%len(ts)])
			k++
		}
	})
	b.Run("search/80", func(b *testing.B) {
		var g biometric.Gallery
		for i, t := range ts {
			g.Add(fmt.Sprint(i), t)
		}
		p := biometric.NewProbe(ts[1])
		hits := make([]biometric.Hit, 0, 80)
		b.ReportAllocs()
		for b.Loop() {
			hits = g.Search(p, hits[:0], biometric.ThresholdFMR1000)
		}
	})
	b.Run("prepare", func(b *testing.B) {
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			biometric.Prepare(ts[k%len(ts)])
			k++
		}
	})
}

// TestMatchAllocs locks the allocation-free probe.
func TestMatchAllocs(t *testing.T) {
	ts := benchTemplates(t)
	ps := make([]*biometric.Prepared, len(ts))
	for i, tt := range ts {
		ps[i] = biometric.Prepare(tt)
	}
	p := biometric.NewProbe(ts[0])
	for _, tt := range ts { // warm up the scratch buffers
		p.Match(tt)
	}
	k := 0
	if n := testing.AllocsPerRun(200, func() { p.MatchPrepared(ps[k%len(ps)]); k++ }); n != 0 {
		t.Errorf("Probe.MatchPrepared: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() { p.Match(ts[k%len(ts)]); k++ }); n != 0 {
		t.Errorf("Probe.Match: %v allocs, want 0", n)
	}
}
