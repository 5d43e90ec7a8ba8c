package cardsim_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smReadForm describes a protected READ BINARY as sent on the wire: the
// value of DO 97 and the outer Le ("00", "0000" or "" when absent).
func smReadForm(capdu []byte) (do97, outerLe string, err error) {
	if len(capdu) < 5 || capdu[0]&0x0C != 0x0C || capdu[1] != scard.InsReadBinary {
		return "", "", fmt.Errorf("%X is not a protected READ BINARY", capdu)
	}
	var data []byte
	switch {
	case capdu[4] != 0: // short Lc
		n := int(capdu[4])
		if len(capdu) < 5+n {
			return "", "", fmt.Errorf("%X: short Lc %d beyond the end", capdu, n)
		}
		data, outerLe = capdu[5:5+n], fmt.Sprintf("%X", capdu[5+n:])
	case len(capdu) >= 7: // extended Lc
		n := int(capdu[5])<<8 | int(capdu[6])
		if len(capdu) < 7+n {
			return "", "", fmt.Errorf("%X: extended Lc %d beyond the end", capdu, n)
		}
		data, outerLe = capdu[7:7+n], fmt.Sprintf("%X", capdu[7+n:])
	default:
		return "", "", fmt.Errorf("%X: no data field", capdu)
	}
	if len(data) < 2 || data[0] != 0x97 || int(data[1])+2 > len(data) {
		return "", "", fmt.Errorf("%X: data field does not start with DO 97", capdu)
	}
	return fmt.Sprintf("%X", data[2:2+int(data[1])]), outerLe, nil
}

// readAccess are the two ways the tests open the eMRTD application of a
// simulated CIE before reading it.
var readAccess = []struct {
	name string
	opts emrtd.ReadOptions
}{
	{"BAC", emrtd.ReadOptions{MRZ: testKey, NoPACE: true}},
	{"PACE-CAN", emrtd.ReadOptions{CAN: mustCAN(testCAN)}},
}

// TestSMReadBinaryForm: every READ BINARY ciekit protects while reading a
// CIE's eMRTD application (BAC and PACE) carries a one-byte DO 97 of at
// most DF and a short outer Le 00, the form the CIE middleware, PagoPA's
// CIE SDK and JMRTD send to real documents (scard/SM.md).
func TestSMReadBinaryForm(t *testing.T) {
	for _, tc := range readAccess {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t)
			log := &rawLog{t: sim}
			c := scard.NewCard(log, scard.CardOptions{Rand: cardsim.DeterministicRand(3)})
			_, err := emrtd.Read(t.Context(), c, tc.opts)
			require.NoError(t, err, "emrtd.Read")
			reads := 0
			for _, cmd := range log.cmds {
				if cmd[0]&0x0C != 0x0C || cmd[1] != scard.InsReadBinary {
					continue
				}
				reads++
				do97, le, err := smReadForm(cmd)
				require.NoError(t, err)
				assert.Len(t, do97, 2, "DO 97 of %X: one byte", cmd)
				assert.LessOrEqual(t, do97, "DF", "DO 97 of %X", cmd)
				assert.Equal(t, "00", le, "outer Le of %X", cmd)
			}
			assert.Greater(t, reads, 8, "protected READ BINARY commands")
		})
	}
}

// TestReadEMRTDShortAPDUOnly reads a chip that refuses extended lengths
// with a bare 6700 it does not count (SetShortAPDUOnly, as gmrtd issue
// 457's Chinese passport): the plain read of EF.CardAccess falls back to
// a short Le, and the reads in secure messaging, short from the start,
// never meet the refusal. Passive authentication holds.
//
// PACE runs with ECDH generic mapping on P-256: PACE with the CIE's DH
// parameters needs extended lengths in its GENERAL AUTHENTICATE steps, as
// PagoPA's SDK sends them to real CIEs.
func TestReadEMRTDShortAPDUOnly(t *testing.T) {
	ecdhOnly := func(o *cardsim.CIEOptions) {
		o.PACEInfos = []emrtd.PACEInfo{{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, 2, 2}, Version: 2, ParameterID: emrtd.ParamP256}}
	}
	for _, tc := range readAccess {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t, ecdhOnly)
			sim.SetShortAPDUOnly(true)
			log := &rawLog{t: sim}
			c := scard.NewCard(log, scard.CardOptions{Rand: cardsim.DeterministicRand(4)})
			e, err := emrtd.Read(t.Context(), c, tc.opts)
			require.NoError(t, err, "emrtd.Read")
			assert.Empty(t, e.FileErrors)
			_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
			require.NoError(t, err, "passive authentication")
			for i, cmd := range log.cmds {
				if cmd[0]&0x0C == 0x0C {
					assert.NotEqual(t, "6700", fmt.Sprintf("%X", log.rsps[i]), "protected command %X refused", cmd)
				}
			}
		})
	}
}

// TestShortAPDUOnlyKeepsSession: a chip that refuses an extended command
// in secure messaging answers a bare 6700 and counts nothing, so the
// terminal that sent it must take its own step of the send sequence
// counter back to go on (what JMRTD's DefaultFileSystem and gmrtd since
// issue 457 do); ciekit never needs to, because it sends no extended
// command in secure messaging when reading.
func TestShortAPDUOnlyKeepsSession(t *testing.T) {
	sim := newCIE(t)
	sim.SetShortAPDUOnly(true)
	ctx := context.Background()
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(4)})
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	require.NoError(t, emrtd.BAC(ctx, c, testKey))
	sm := c.SecureMessaging()
	before := sm.SSC()
	require.NoError(t, c.SelectEF(ctx, 0x0101))

	// An extended READ BINARY, wrapped by hand so that the counter can be
	// inspected: the chip refuses it bare.
	w, err := sm.WrapCommand(scard.Command{INS: scard.InsReadBinary, Ne: 0x1000})
	require.NoError(t, err)
	raw, err := w.Bytes()
	require.NoError(t, err)
	rsp, err := sim.Transmit(ctx, raw)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x67, 0x00}, rsp, "the chip's answer to an extended command")
	assert.Equal(t, sscPlus(before, 3), sm.SSC(), "the terminal counted SELECT (2) and the refused command (1)")

	// The chip did not count it: a terminal keeping its step is refused
	// with 6988 on the next command, and the session ends.
	dg1, err := c.ReadBinary(ctx, 0, 16)
	require.ErrorIs(t, err, scard.ErrSecureMessaging, "a read with the counter one ahead of the chip's")
	assert.Nil(t, dg1)
	assert.Nil(t, c.SecureMessaging(), "6988 ends the session")
}

// readSNICC reads EF.SN.ICC (MF D003) with the middleware's commands
// (IAS::ReadPAN): SELECT the IAS application, SELECT D003, READ BINARY.
func readSNICC(t *testing.T, sim *cardsim.CIE) []byte {
	t.Helper()
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	require.NoError(t, c.SelectAID(ctx, ias.AID()))
	b, err := c.ReadFile(ctx, ias.FIDSNICC, "EF.SN.ICC")
	require.NoError(t, err, "reading EF.SN.ICC")
	return b
}

// TestSNICCWithNIS: with CIEOptions.SNICCWithNIS the hex of bytes 5 to 10
// of EF.SN.ICC, the name under which the official middleware's PKCS#11
// side looks for a card's enrolment (IAS::IsEnrolled, GetCertificate),
// is the NIS, the name under which its enrolment (AbilitaCIE) files it.
// The other bytes, and every other file of the card, are those of the
// default card built from the same randomness.
func TestSNICCWithNIS(t *testing.T) {
	plain := newCIE(t)
	withNIS := newCIE(t, func(o *cardsim.CIEOptions) { o.SNICCWithNIS = true })
	require.Equal(t, "123456789012", withNIS.NIS())

	got, def := readSNICC(t, withNIS), readSNICC(t, plain)
	require.Len(t, got, 12, "EF.SN.ICC with the NIS")
	require.Len(t, def, 12, "EF.SN.ICC by default")
	assert.Equal(t, withNIS.NIS(), fmt.Sprintf("%X", got[5:11]), "hex of EF.SN.ICC bytes 5-10")
	assert.Equal(t, []byte{0x12, 0x34, 0x56, 0x78, 0x90, 0x12}, got[5:11])
	assert.Equal(t, def[:5], got[:5], "bytes 0-4 as on the default card")
	assert.Equal(t, def[11:], got[11:], "byte 11 as on the default card")
	assert.NotEqual(t, plain.NIS(), fmt.Sprintf("%X", def[5:11]), "the default card's EF.SN.ICC is random")

	ctx := t.Context()
	var serials [2][]byte
	for i, sim := range []*cardsim.CIE{plain, withNIS} {
		ic := ias.NewClient(scard.NewCard(sim, scard.CardOptions{}))
		require.NoError(t, ic.Select(ctx))
		var err error
		serials[i], err = ic.ReadSerial(ctx)
		require.NoError(t, err, "EF.Serial")
	}
	assert.Equal(t, serials[0], serials[1], "EF.Serial does not change with SNICCWithNIS")
	for n := range 16 {
		assert.Equal(t, plain.DataGroup(n), withNIS.DataGroup(n), "DG%d does not change with SNICCWithNIS", n)
	}
}
