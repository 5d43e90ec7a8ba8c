package biometric

import (
	"slices"
)

// Match returns the similarity score of two templates (see [FMR] for the
// scale). It is a convenience for one comparison; to compare one template
// with many, use a [Probe].
func Match(a, b *Template) float64 {
	return NewProbe(a).Match(b)
}

// SameFinger reports whether two captures are of the same finger, with the
// score it decided on: the workstation uses it to refuse a "left" print
// that is the right one again, and to check a recapture against the first.
// It matches both ways, keeps the better score, and accepts it from
// [ThresholdFMR1000] up: on the FVC2002 B sets' reference templates it
// accepted 0 of 11,520 pairs of different fingers and 984 of 1,120 pairs
// of captures of one finger (88 %; TestSameFingerFVC). Synthetic prints of
// one pattern class (biometric/scansim) are taken for one another more
// often (0 to 3 of 56 pairs in TestSameFingerScansim).
func SameFinger(a, b *Template) (same bool, score float64) {
	s := max(Match(a, b), Match(b, a))
	return s >= ThresholdFMR1000, s
}

// Hit is one gallery entry returned by [Gallery.Search].
type Hit struct {
	Index int     // position in the gallery, in order of Add
	ID    string  // the identifier given to Add
	Score float64 // similarity with the probe
}

// Gallery is an in-memory set of prepared templates for 1:N search.
//
// The zero Gallery is empty and ready to use. Add must not run
// concurrently with other methods; Search may run concurrently from
// several goroutines, each with its own Probe.
type Gallery struct {
	ids []string
	ts  []*Prepared
}

// Add prepares t and appends it to the gallery under id.
func (g *Gallery) Add(id string, t *Template) {
	g.ids = append(g.ids, id)
	g.ts = append(g.ts, Prepare(t))
}

// Len returns the number of templates in the gallery.
func (g *Gallery) Len() int { return len(g.ts) }

// Search matches probe against every template of the gallery and appends
// to dst the entries scoring at least threshold, best first (ties by
// gallery order). It allocates only when dst must grow.
func (g *Gallery) Search(probe *Probe, dst []Hit, threshold float64) []Hit {
	n0 := len(dst)
	for i, t := range g.ts {
		s := probe.MatchPrepared(t)
		if s >= threshold {
			dst = append(dst, Hit{Index: i, ID: g.ids[i], Score: s})
		}
	}
	hits := dst[n0:]
	slices.SortStableFunc(hits, func(a, b Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return dst
}
