package cardsim_test

import (
	"flag"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/scardtest"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.apdu transcripts from the simulator")

func TestCIEConformance(t *testing.T) {
	sim := newCIE(t)
	scardtest.TestTransmitter(t, func(t *testing.T) scard.Transmitter {
		sim.Insert()
		return sim
	})
}

// TestTranscripts replays sessions recorded from the simulator: any change
// in the APDUs the terminal sends or the card answers shows up as a diff.
// Regenerate with go test ./scard/cardsim -run Transcripts -update.
func TestTranscripts(t *testing.T) {
	tests := []struct {
		name string
		opts emrtd.ReadOptions
	}{
		{"bac", emrtd.ReadOptions{MRZ: testKey, NoPACE: true, DataGroups: []int{1, 11}}},
		{"pace-can", emrtd.ReadOptions{CAN: mustCAN(testCAN), DataGroups: []int{1, 11}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "testdata/" + tc.name + ".apdu"
			var tr scard.Transmitter
			if *update {
				tr = scardtest.Record(t, newCIE(t), path)
			} else {
				tr = scardtest.Playback(t, path)
			}
			c := scard.NewCard(tr, scard.CardOptions{Rand: cardsim.DeterministicRand(11)})
			e, err := emrtd.Read(t.Context(), c, tc.opts)
			require.NoError(t, err)
			p, err := pkiOnce()
			require.NoError(t, err)
			_, err = e.Verify(emrtd.PAOptions{CSCA: p.CSCAPool()})
			require.NoError(t, err)
		})
		t.Run(tc.name+"/card", func(t *testing.T) {
			// The simulator itself still answers exactly as recorded.
			scardtest.Replay(t, newCIE(t), "testdata/"+tc.name+".apdu")
		})
	}
}
