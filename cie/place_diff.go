package cie

import (
	"slices"
)

// PlaceChangeKind classifies a [PlaceChange].
type PlaceChangeKind uint8

const (
	// PlaceAdded: a code the old table does not have (a new comune, or
	// one that merges others under a new code).
	PlaceAdded PlaceChangeKind = iota + 1
	// PlaceCeased: the code's latest record was current in the old table
	// and has an end date in the new one (a merger or suppression).
	PlaceCeased
	// PlaceRenamed: the code's current name changed (a new record with
	// another name, or the same record renamed).
	PlaceRenamed
	// PlaceMoved: the code's current province changed.
	PlaceMoved
	// PlaceRevised: any other change to the code's records (dates,
	// ISTAT codes, second-language names, a corrected history).
	PlaceRevised
	// PlaceRemoved: a code the new table lacks. ANPR keeps ceased comuni
	// in its archive, so this usually means a truncated or partial file.
	PlaceRemoved
)

// String returns "added", "ceased", "renamed", "moved", "revised" or
// "removed".
func (k PlaceChangeKind) String() string {
	switch k {
	case PlaceAdded:
		return "added"
	case PlaceCeased:
		return "ceased"
	case PlaceRenamed:
		return "renamed"
	case PlaceMoved:
		return "moved"
	case PlaceRevised:
		return "revised"
	case PlaceRemoved:
		return "removed"
	}
	return "unknown"
}

// PlaceChange is one code whose records differ between two tables. Old
// and New are the code's latest records in each (the zero Place where the
// table lacks the code).
type PlaceChange struct {
	Kind     PlaceChangeKind
	Code     string
	Old, New Place
}

// DiffPlaces compares two tables code by code, comuni and foreign states,
// and returns one change per code whose records differ, by code. A code
// that both ceased and was renamed (a rename on the day of a merger)
// is reported as ceased; a rename that also moved province as renamed.
// The slice is the caller's.
func DiffPlaces(old, new *PlaceTable) []PlaceChange {
	var out []PlaceChange
	codes := map[string]bool{}
	for c := range old.byCode {
		codes[c] = true
	}
	for c := range new.byCode {
		codes[c] = true
	}
	sorted := make([]string, 0, len(codes))
	for c := range codes {
		sorted = append(sorted, c)
	}
	slices.Sort(sorted)
	for _, code := range sorted {
		ho, hn := old.PlaceHistory(code), new.PlaceHistory(code)
		switch {
		case len(ho) == 0:
			out = append(out, PlaceChange{Kind: PlaceAdded, Code: code, New: hn[len(hn)-1]})
			continue
		case len(hn) == 0:
			out = append(out, PlaceChange{Kind: PlaceRemoved, Code: code, Old: ho[len(ho)-1]})
			continue
		case slices.Equal(ho, hn):
			continue
		}
		o, n := ho[len(ho)-1], hn[len(hn)-1]
		c := PlaceChange{Kind: PlaceRevised, Code: code, Old: o, New: n}
		switch {
		case o.To.IsZero() && !n.To.IsZero():
			c.Kind = PlaceCeased
		case o.Name != n.Name:
			c.Kind = PlaceRenamed
		case o.Province != n.Province:
			c.Kind = PlaceMoved
		}
		out = append(out, c)
	}
	return out
}
