package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// specimenMRZ is the MRZ of specimen().
const specimenMRZ = "C<ITACA00000AA4<<<<<<<<<<<<<<<\n6412308F3412307ITA<<<<<<<<<<<8\nROSSI<<BIANCA<<<<<<<<<<<<<<<<<"

// ePassCOM is the EF.COM vsmartcard's ePass emulator serves (see
// scripts/interop-vicc/RESULTS.md): its tag list is the ASCII text "6175"
// in two declared bytes.
var ePassCOM = []byte{0x60, 0x16, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0', 0x5C, 0x02, '6', '1', '7', '5'}

// ePassLike returns the specimen given the files of vsmartcard's ePass
// emulator (scripts/interop-vicc): its EF.COM, DG1, DG2 without the outer
// tag 75, no DG11, DG12, DG14 or EF.SOD, and an empty file at 010D.
func ePassLike(t *testing.T) *cardsim.CIE {
	t.Helper()
	sim, err := specimen()
	require.NoError(t, err)
	require.NoError(t, sim.SetEMRTDFile(emrtd.FIDCOM, ePassCOM))
	for _, fid := range []uint16{emrtd.FIDSOD, 0x010B, 0x010C, 0x010E} {
		require.NoError(t, sim.SetEMRTDFile(fid, nil))
	}
	require.NoError(t, sim.SetEMRTDFile(0x010D, []byte{}))
	dg2 := sim.DataGroup(2)
	i := bytes.Index(dg2, []byte{0x7F, 0x61})
	require.Positive(t, i)
	require.NoError(t, sim.SetDataGroup(2, dg2[i:]))
	return sim
}

// exitStatus is what cie-read's main would do with err: the status, and
// what it prints on stderr.
func exitStatus(err error) (int, string) {
	var stderr bytes.Buffer
	code := cli.Report(&stderr, command.Name, err)
	return code, stderr.String()
}

// TestPartialReadEPass: with -partial, a document like the ePass emulator
// is read to the end: each file with its size or error, the holder from
// DG1, why passive authentication is impossible, and exit status 1 (a
// finding) with nothing printed twice. Without -partial the read stops at
// EF.COM.
func TestPartialReadEPass(t *testing.T) {
	t.Parallel()
	sim := ePassLike(t)
	cfg := config{mrz: specimenMRZ, bac: true, partial: true}
	var out bytes.Buffer
	err := read(t.Context(), sim, cfg, sim.PKI().CSCAPool(), &out)
	s := out.String()
	code, stderr := exitStatus(err)
	assert.Equal(t, cli.ExitFailure, code, s)
	assert.Empty(t, stderr, "the findings are in the report, not printed again")
	for _, want := range []string{
		"Read through BAC: data groups [1]\n",
		"\nFiles:\n",
		"  EF.COM  FAILED: emrtd: reading EF.COM: scard: EF.COM: tag list entry 1: unknown data group tag 36\n",
		"  DG1     ",
		"  DG2     FAILED: emrtd: reading DG2: scard: DG2: outer tag 7F, want 75\n",
		"  DG13    FAILED: emrtd: reading DG13: ",
		"  EF.SOD  FAILED: emrtd: reading EF.SOD: ",
		"  Surname         ROSSI\n",
		"  Card number     CA00000AA\n",
		"  IMPOSSIBLE: EF.SOD was not read; data groups [1] cannot be checked\n",
		"\nIncomplete: 4 files could not be read (DG13, DG2, EF.COM, EF.SOD)\n",
	} {
		assert.Contains(t, s, want)
	}
	assert.Regexp(t, `  DG1     \d+ bytes\n`, s)
	assert.NotContains(t, s, "NIS")

	cfg.partial = false
	out.Reset()
	err = read(t.Context(), sim, cfg, sim.PKI().CSCAPool(), &out)
	require.ErrorIs(t, err, scard.ErrMalformedData)
	code, stderr = exitStatus(err)
	assert.Equal(t, cli.ExitFailure, code)
	assert.Contains(t, stderr, "cie-read: reading the eMRTD application: scard: EF.COM: tag list entry 1: unknown data group tag 36\n")
}

// TestPartialReadComplete: -partial on a conformant card lists every file
// with its size, verifies the card as without it, and exits 0.
func TestPartialReadComplete(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(t.Context(), []string{"-partial"}, &out, &out)
	require.NoError(t, err, out.String())
	s := out.String()
	for _, f := range []string{"EF.COM", "DG1", "DG2", "DG11", "DG12", "EF.SOD"} {
		assert.Regexp(t, `\n  `+f+` +\d+ bytes\n`, s)
	}
	assert.NotContains(t, s, "FAILED")
	assert.NotContains(t, s, "Incomplete")
	assert.Contains(t, s, "OK: the data are as the issuer signed them")
	assert.Contains(t, s, ": verified (IAS SOD and internal authentication)")
}

// TestPartialReadFaults: a card with one faulty file. A malformed DG2:
// what was read is verified (passive authentication of DG1, DG11, DG12,
// DG14 and the NIS), DG2 is listed as missing and the exit status is
// still 1. No DG1: there is no holder data to show.
func TestPartialReadFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fault  func(*cardsim.CIE) error
		want   []string
		absent string
	}{
		{"DG2 cut short", func(sim *cardsim.CIE) error {
			dg2 := sim.DataGroup(2)
			return sim.SetDataGroup(2, dg2[:len(dg2)/2])
		}, []string{
			"  DG2     FAILED: emrtd: reading DG2: ",
			"data groups verified [1 11 12 14]",
			": verified (IAS SOD and internal authentication)",
			"\nIncomplete: 1 files could not be read (DG2)\n",
		}, "No holder data"},
		{"no DG1", func(sim *cardsim.CIE) error {
			return sim.SetEMRTDFile(emrtd.FIDDataGroup(1), nil)
		}, []string{
			"  DG1     FAILED: emrtd: reading DG1: ",
			"No holder data: DG1 (the MRZ) was not read",
			"\nIncomplete: 1 files could not be read (DG1)\n",
		}, "Surname"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, err := specimen()
			require.NoError(t, err)
			require.NoError(t, tc.fault(sim))
			var out bytes.Buffer
			err = read(t.Context(), sim, config{can: specimenCAN, partial: true}, sim.PKI().CSCAPool(), &out)
			s := out.String()
			code, stderr := exitStatus(err)
			assert.Equal(t, cli.ExitFailure, code, s)
			assert.Empty(t, stderr, "the findings are in the report, not printed again")
			for _, want := range tc.want {
				assert.Contains(t, s, want)
			}
			assert.NotContains(t, s, tc.absent)
		})
	}
}
