package vicc_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/pcsc"
	"github.com/ciekit/ciekit/scard/scardtest"
)

// TestRecordEPass reads vsmartcard's ePass emulator (vicc -t ePass, run
// outside the repository and connected to pcscd through vpcd; see
// RESULTS.md) with ciekit's reader and records the session in
// testdata/$CIEKIT_VICC_OUT (default vicc-epass.apdu). It runs only when
// CIEKIT_VICC_READER names the PC/SC reader holding the emulator (e.g.
// "Virtual PCD 00 01"); CI replays the recordings instead
// (TestEPassDeviations).
func TestRecordEPass(t *testing.T) {
	reader := os.Getenv("CIEKIT_VICC_READER")
	if reader == "" {
		t.Skip("CIEKIT_VICC_READER not set: no live ePass emulator")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	pc, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	card, err := pc.Connect(ctx, reader, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer card.Close()
	out := os.Getenv("CIEKIT_VICC_OUT")
	if out == "" {
		out = "vicc-epass.apdu"
	}
	rec := scardtest.Record(t, card, filepath.Join("testdata", filepath.Base(out)))
	// CIEKIT_VICC_DGS=1,2 reads only DG1 and DG2 (the probe of the other
	// groups is skipped).
	var dgs []int
	if os.Getenv("CIEKIT_VICC_DGS") == "1,2" {
		dgs = []int{1, 2}
	}
	doc, err := readEPassGroups(ctx, rec, dgs)
	if err != nil {
		t.Logf("Read: %v", err) // recorded as well: the replay test says what it means
		return
	}
	t.Logf("access %s, data groups %v, file errors %v, checks %+v", doc.Access, doc.DataGroupNumbers(), doc.FileErrors, doc.Checks())
}

// epassMRZ is the MRZ the emulator was given: ICAO Doc 9303's specimen
// passport (TD3), whose BAC keys are worked in 9303-11 appendix D.
const epassMRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"

// readEPass is the read recorded and replayed: the MRZ key, a partial
// read of what EF.COM lists, fixed terminal randomness.
func readEPass(ctx context.Context, tr scard.Transmitter) (*emrtd.Document, error) {
	return readEPassGroups(ctx, tr, nil)
}

// readEPassGroups is readEPass of the data groups dgs (nil: as EF.COM
// says, or probed).
func readEPassGroups(ctx context.Context, tr scard.Transmitter, dgs []int) (*emrtd.Document, error) {
	key, err := emrtd.MRZKeyFromMRZ(epassMRZ)
	if err != nil {
		return nil, err
	}
	c := scard.NewCard(tr, scard.CardOptions{Rand: fixedRand{}})
	return emrtd.Read(ctx, c, emrtd.ReadOptions{MRZ: key, Partial: true, DataGroups: dgs})
}

// fixedRand gives the same bytes every time (the BAC nonce and keys of
// the terminal), so that the replay sends the recorded commands. Tests
// only.
type fixedRand struct{}

func (fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(0x5A ^ i)
	}
	return len(p), nil
}
