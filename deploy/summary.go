package deploy

import (
	"cmp"
	"slices"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// RegionSummary totals a plan's installations in one region.
type RegionSummary struct {
	Region       string
	Comuni       int
	Operators    int
	Workstations int
	First, Last  time.Time // first and last day of installation
}

// Summarize totals p per region, sorted by region name. Rows without a
// region (the Naples table) take the region of their comune in the ANPR
// table; rows whose region cannot be found are totalled under "".
func Summarize(p *Plan) []RegionSummary {
	byRegion := map[string]*RegionSummary{}
	for _, in := range p.Installations {
		region := in.Region
		if region == "" {
			region = regionOf(in)
		}
		s := byRegion[region]
		if s == nil {
			s = &RegionSummary{Region: region, First: in.Start, Last: in.End}
			byRegion[region] = s
		}
		s.Comuni++
		s.Operators += in.Operators
		s.Workstations += in.Workstations
		if in.Start.Before(s.First) {
			s.First = in.Start
		}
		if in.End.After(s.Last) {
			s.Last = in.End
		}
	}
	out := make([]RegionSummary, 0, len(byRegion))
	for _, s := range byRegion {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b RegionSummary) int { return cmp.Compare(a.Region, b.Region) })
	return out
}

func regionOf(in Installation) string {
	found, _ := cie.FindComune(in.Comune, in.Province, in.Start)
	if len(found) == 0 {
		return ""
	}
	return regionNames[found[0].Region]
}
