package cardsim_test

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ePassCOM is the EF.COM that vsmartcard's ePass emulator serves (read
// live, scripts/interop-vicc/RESULTS.md row 4; scard/emrtd's
// TestCOMQuirkEPassEmulator): LDS 1.7, Unicode 4.0.0, and a tag list 5C
// that declares two bytes but holds the four ASCII characters "6175"
// (virtualsmartcard/CardGenerator.py packs b"6175" with length 2), so the
// tag list is 36 31 and 37 35 follow inside 60.
var ePassCOM = []byte{0x60, 0x16, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0', 0x5C, 0x02, '6', '1', '7', '5'}

// TestPartialReadEPassDeviations documents how a partial read reports each
// deviation of vsmartcard's ePass emulator from ICAO Doc 9303 in the files
// it serves, replayed on the simulated CIE given the emulator's files
// (EF.COM, DG1, DG2 and an empty 010D; the emulator itself was run in
// scripts/interop-vicc, see its RESULTS.md):
//
//  1. EF.COM's tag list is the ASCII text "6175" in two declared bytes
//     (above): a *scard.DataError "tag list entry 1: unknown data group
//     tag 36" for EF.COM; the data groups are then probed.
//  2. EF.SOD is written at file id 010D (DG13's) instead of 011D (9303-10
//     4.6.2) and is empty: the read reports EF.SOD as not found
//     (errors.Is scard.ErrNotFound), the probe of DG13 finds an empty file
//     (a *scard.DataError), and Checks says passive authentication is
//     impossible, listing DG1 as unverifiable.
//  3. DG2 is the biometric group template 7F61 without the outer tag 75
//     (9303-10 4.7.2): a *scard.DataError "outer tag 7F, want 75" for DG2;
//     DG1 is still returned.
//  4. Replies under secure messaging carry no DO 99 (SEutils.py
//     protect_response has it commented out; 9303-11 9.8.6 requires it),
//     and error status words come without a MAC: scard rejects such a
//     reply with a *scard.SMError "missing DO 99"; in a partial read that
//     is the FileError of each file (scripts/interop-vicc replays the
//     emulator's own replies; the simulator always sends DO 99).
//  5. No EF.CardAccess: BAC only, as ciekit falls back to (9303-11 4.2).
func TestPartialReadEPassDeviations(t *testing.T) {
	sim := newCIE(t)
	require.NoError(t, sim.SetEMRTDFile(emrtd.FIDCOM, ePassCOM))
	require.NoError(t, sim.SetEMRTDFile(emrtd.FIDSOD, nil))
	require.NoError(t, sim.SetEMRTDFile(0x010D, []byte{}))
	// The emulator has no DG11, DG12 or DG14 for the probe to find (DG3
	// is not probed).
	for _, fid := range []uint16{0x010B, 0x010C, 0x010E} {
		require.NoError(t, sim.SetEMRTDFile(fid, nil))
	}
	dg2 := sim.DataGroup(2)
	i := bytes.Index(dg2, []byte{0x7F, 0x61})
	require.Positive(t, i, "7F61 in DG2")
	require.NoError(t, sim.SetDataGroup(2, dg2[i:])) // without the outer 75
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(9)})

	doc, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{MRZ: testKey, NoPACE: true, Partial: true})
	require.NoError(t, err, "Read with Partial")
	assert.Equal(t, "BAC", doc.Access)
	assert.Equal(t, []int{1}, doc.DataGroupNumbers())
	assert.Equal(t, sim.DataGroup(1), doc.DataGroups[1])

	require.Len(t, doc.FileErrors, 4)
	assert.Nil(t, doc.COM)
	var de *scard.DataError
	require.ErrorAs(t, doc.FileErrors["EF.COM"], &de)
	assert.Equal(t, "EF.COM", de.File)
	assert.Equal(t, "tag list entry 1: unknown data group tag 36", de.Msg)
	require.ErrorAs(t, doc.FileErrors["DG13"], &de, "the empty file at 010D")
	assert.ErrorIs(t, doc.FileErrors["DG13"], scard.ErrMalformedData)

	var fe *emrtd.FileError
	require.ErrorAs(t, doc.FileErrors["EF.SOD"], &fe)
	assert.Equal(t, "EF.SOD", fe.File)
	assert.ErrorIs(t, fe, scard.ErrNotFound)
	var se *scard.StatusError
	require.ErrorAs(t, fe, &se)
	assert.Equal(t, uint16(0x6A82), se.SW)

	require.ErrorAs(t, doc.FileErrors["DG2"], &de)
	assert.ErrorIs(t, doc.FileErrors["DG2"], scard.ErrMalformedData)
	assert.Contains(t, de.Msg, "want 75")

	assert.Equal(t, emrtd.Checks{MRZ: true, Unverifiable: []int{1}, Missing: []string{"DG13", "DG2", "EF.COM", "EF.SOD"}}, doc.Checks())
	require.Error(t, doc.Err())
	assert.ErrorIs(t, doc.Err(), scard.ErrNotFound)
	_, err = doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	assert.Error(t, err, "passive authentication without EF.SOD")
	m, err := doc.MRZ()
	require.NoError(t, err)
	assert.Equal(t, "CA00000AA", m.DocumentNumber)

	// Without Partial the first bad file ends the read, as before.
	_, err = emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true})
	assert.ErrorIs(t, err, scard.ErrMalformedData)
}

// TestPartialRead: each requested file gives its bytes or its own error.
func TestPartialRead(t *testing.T) {
	t.Run("no EF.COM", func(t *testing.T) {
		t.Parallel()
		sim := newCIE(t)
		require.NoError(t, sim.SetEMRTDFile(emrtd.FIDCOM, nil))
		doc, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN), Partial: true})
		require.NoError(t, err)
		assert.Nil(t, doc.COM)
		assert.ErrorIs(t, doc.FileErrors["EF.COM"], scard.ErrNotFound)
		// Probed without EF.COM: the groups the card has, none it lacks.
		assert.Equal(t, []int{1, 2, 11, 12, 14}, doc.DataGroupNumbers())
		assert.Len(t, doc.FileErrors, 1)
		res, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err, "passive authentication of what was read")
		assert.Equal(t, []int{1, 2, 11, 12, 14}, res.Verified)
		assert.Equal(t, emrtd.Checks{MRZ: true, PassiveAuthentication: true, Missing: []string{"EF.COM"}}, doc.Checks())
	})
	t.Run("requested group missing", func(t *testing.T) {
		t.Parallel()
		sim := newCIE(t)
		doc, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN), Partial: true, DataGroups: []int{1, 5, 3, 11}})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 11}, doc.DataGroupNumbers())
		assert.ErrorIs(t, doc.FileErrors["DG5"], scard.ErrNotFound)
		assert.ErrorIs(t, doc.FileErrors["DG3"], scard.ErrSecurityStatus, "DG3 needs terminal authentication")
		assert.Len(t, doc.FileErrors, 2)
		res, err := doc.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 11}, res.Verified)
	})
	t.Run("card removed ends the read", func(t *testing.T) {
		t.Parallel()
		sim := newCIE(t)
		sim.RemoveAfter(12)
		_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN), Partial: true})
		assert.ErrorIs(t, err, scard.ErrCardRemoved)
	})
}
