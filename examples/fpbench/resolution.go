package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/ciekit/ciekit/biometric"
)

// periodTally collects the ridge periods of a set's prints by the
// resolution each was extracted at.
type periodTally map[int][]float32

// add records the period of a print extracted at ppi (0: none measured).
func (t periodTally) add(ppi int, period float32) {
	if period > 0 {
		t[ppi] = append(t[ppi], period)
	}
}

// warn writes one line per resolution whose prints' median ridge period
// suggests another (biometric.CheckResolution), naming set.
func (t periodTally) warn(w io.Writer, set string) {
	ppis := slices.Sorted(maps.Keys(t))
	for _, ppi := range ppis {
		c := biometric.CheckResolution(t[ppi], ppi)
		if !c.Mismatch {
			continue
		}
		name := set
		if len(ppis) > 1 {
			name = fmt.Sprintf("%s (the %d prints at %d ppi)", set, c.Prints, ppi)
		}
		fmt.Fprintf(w, "warning: %s: %v; set -ppi (or the files' resolution) if that is wrong\n", name, c)
	}
}
