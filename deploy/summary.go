package deploy

import (
	"cmp"
	"slices"
	"time"

	"github.com/ciekit/ciekit/cie"
)

// RegionSummary totals a plan's installations in one region.
// OperatorRows and WorkstationRows count the rows that carry those columns
// (the national table has operators and no workstations, the Naples table
// the reverse): a total over no rows is unknown, not zero.
type RegionSummary struct {
	Region          string
	Comuni          int
	Operators       int
	Workstations    int
	OperatorRows    int
	WorkstationRows int
	First, Last     time.Time // first and last day of installation
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
		if in.Operators > 0 {
			s.OperatorRows++
		}
		if in.Workstations > 0 {
			s.WorkstationRows++
		}
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

// regionOf resolves a row's comune as [Check] does (misspellings and a
// wrong province included) and returns its region's name.
func regionOf(in Installation) string {
	if res, ok := resolveComune(in.Comune, in.Province, in.Start); ok {
		return regionNames[res.place.Region]
	}
	if found, _ := cie.FindComune(in.Comune, "", in.Start); len(found) == 1 {
		return regionNames[found[0].Region]
	}
	return ""
}
