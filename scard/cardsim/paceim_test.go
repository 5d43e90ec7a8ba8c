package cardsim_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandLog records the header of every command APDU a card receives.
type commandLog struct {
	t    scard.Transmitter
	mu   sync.Mutex
	cmds [][4]byte
}

func (l *commandLog) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if len(capdu) >= 4 {
		l.mu.Lock()
		l.cmds = append(l.cmds, [4]byte(capdu[:4]))
		l.mu.Unlock()
	}
	return l.t.Transmit(ctx, capdu)
}

// count returns how many commands had INS ins, P1 p1 and P2 p2.
func (l *commandLog) count(ins, p1, p2 byte) int {
	n := 0
	for _, h := range l.cmds {
		if h[1] == ins && h[2] == p1 && h[3] == p2 {
			n++
		}
	}
	return n
}

// TestReadIMDocument reads a simulated document that offers only PACE
// with Integrated Mapping (ECDH, brainpoolP256r1, AES-128) with the CAN
// and with the MRZ, verifies it, and runs chip authentication on request
// (Integrated Mapping does not authenticate the chip).
func TestReadIMDocument(t *testing.T) {
	t.Parallel()
	sim := newCIE(t, func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEIntegratedMapping() })
	for _, opts := range []emrtd.ReadOptions{{CAN: mustCAN(testCAN)}, {MRZ: testKey}, {CAN: mustCAN(testCAN), ChipAuthentication: true}} {
		c := scard.NewCard(sim, scard.CardOptions{})
		e, err := emrtd.Read(t.Context(), c, opts)
		require.NoError(t, err)
		assert.Equal(t, "PACE", e.Access)
		require.NotNil(t, e.PACE)
		assert.Equal(t, emrtd.MappingIntegrated, e.PACE.Mapping)
		assert.Equal(t, "0.4.0.127.0.7.2.2.4.4.2", e.PACE.Protocol.String())
		assert.ElementsMatch(t, []int{1, 2, 11, 12, 14}, e.DataGroupNumbers())
		assert.Nil(t, e.CardSecurity)
		_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err)
		assert.Equal(t, opts.ChipAuthentication, e.ChipAuthenticated)
		if opts.ChipAuthentication {
			assert.Equal(t, emrtd.ChipAuthCA, e.ChipAuthenticatedBy)
		}
		si, err := e.DG14()
		require.NoError(t, err)
		require.Len(t, si.PACE, 1)
		assert.Equal(t, emrtd.MappingIntegrated, si.PACE[0].Mapping())
	}
	// A wrong CAN fails as with Generic Mapping.
	_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("654321")})
	require.ErrorIs(t, err, scard.ErrAuthentication)
}

// TestReadCAMDocument reads a simulated document that offers only PACE
// with Chip Authentication Mapping: the chip is authenticated within PACE
// with the key of DG14 (which passive authentication covers), and chip
// authentication is not run again when asked for. The simulated
// EF.CardSecurity, signed by the document signer, holds the same key.
func TestReadCAMDocument(t *testing.T) {
	t.Parallel()
	sim := newCIE(t, func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEChipAuthenticationMapping() })
	for _, opts := range []emrtd.ReadOptions{{CAN: mustCAN(testCAN)}, {MRZ: testKey, ChipAuthentication: true}} {
		log := &commandLog{t: sim}
		c := scard.NewCard(log, scard.CardOptions{})
		e, err := emrtd.Read(t.Context(), c, opts)
		require.NoError(t, err)
		require.NotNil(t, e.PACE)
		assert.Equal(t, emrtd.MappingChipAuthentication, e.PACE.Mapping)
		assert.True(t, e.PACE.ChipAuthenticated)
		assert.True(t, e.ChipAuthenticated)
		assert.True(t, e.Checks().ChipAuthenticated)
		assert.Equal(t, emrtd.ChipAuthPACECAMDG14, e.ChipAuthenticatedBy)
		assert.Nil(t, e.CardSecurity, "not needed: DG14 has the key")
		require.NotNil(t, e.PACE.ChipAuthenticationKey)
		assert.Equal(t, emrtd.OIDPKECDH, e.PACE.ChipAuthenticationKey.Protocol.String())
		assert.Equal(t, emrtd.ParamBrainpool256, e.PACE.ChipAuthenticationKey.KeyID)
		assert.Zero(t, log.count(scard.InsManageSecurityEnvironment, 0x41, 0xA6), "no MSE:SET KAT: chip authentication is not run again")
		assert.Zero(t, log.count(scard.InsManageSecurityEnvironment, 0x41, 0xA4), "no MSE:SET AT for chip authentication")

		// EF.CardSecurity (MF, after PACE) is signed by the document
		// signer and holds the same key.
		require.NoError(t, c.Select(t.Context(), 0x00, []byte{0x3F, 0x00}))
		raw, err := c.ReadTLVFile(t.Context(), emrtd.FIDCardSecurity, "EF.CardSecurity", nil)
		require.NoError(t, err)
		cs, err := emrtd.ParseCardSecurity(raw)
		require.NoError(t, err)
		resCS := *e.PACE
		resCS.ChipAuthenticated, resCS.ChipAuthenticationKey = false, nil
		require.NoError(t, resCS.VerifyCAM(cs.SecurityInfos))
		cert, err := cs.VerifySignature()
		require.NoError(t, err)
		assert.True(t, cert.Equal(sim.PKI().DocumentSigner))
		_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err)
		dg14, err := e.DG14()
		require.NoError(t, err)
		res := *e.PACE
		res.ChipAuthenticated, res.ChipAuthenticationKey = false, nil
		require.NoError(t, res.VerifyCAM(dg14))
	}
}

// TestCAMDocumentEAC checks that a PACE-CAM document keeps the DH key of
// EAC chip authentication (which terminal authentication builds on), and
// that chip authentication still works after PACE-CAM when run
// explicitly.
func TestCAMDocumentEAC(t *testing.T) {
	t.Parallel()
	sim := newCIE(t, func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEChipAuthenticationMapping() })
	e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN)})
	require.NoError(t, err)
	assert.True(t, e.ChipAuthenticated)
	c := scard.NewCard(sim, scard.CardOptions{})
	_, err = emrtd.RunPACE(t.Context(), c, cardsim.PACEChipAuthenticationMapping()[0], mustCAN(testCAN).Password())
	require.NoError(t, err)
	require.NoError(t, c.SelectAID(t.Context(), emrtd.AID()))
	raw, err := c.ReadTLVFile(t.Context(), emrtd.FIDDataGroup(14), "DG14", nil)
	require.NoError(t, err)
	si, err := emrtd.ParseDG14(raw)
	require.NoError(t, err)
	require.NoError(t, emrtd.ChipAuthentication(t.Context(), c, si))
	_, err = c.ReadTLVFile(t.Context(), emrtd.FIDDataGroup(1), "DG1", nil)
	require.NoError(t, err)
}

func TestPACEInfosOption(t *testing.T) {
	t.Parallel()
	p, err := pkiOnce()
	require.NoError(t, err)
	cfg := testConfig(7)
	cfg.PKI = p
	cfg.PACEInfos = []emrtd.PACEInfo{}
	_, err = cardsim.NewCIE(cfg)
	require.Error(t, err)
	cfg.PACEInfos = []emrtd.PACEInfo{{Protocol: cardsim.PACEIntegratedMapping()[0].Protocol, Version: 2, ParameterID: emrtd.ParamP224}}
	_, err = cardsim.NewCIE(cfg)
	require.ErrorContains(t, err, "PACEInfos[0]")
}

// TestCAMMalformedDG14ReadOnce: in a partial read after PACE-CAM, a DG14
// that fails (here: no outer tag 6E) is recorded once and not read again
// with the other data groups.
func TestCAMMalformedDG14ReadOnce(t *testing.T) {
	t.Parallel()
	sim := newCIE(t, func(o *cardsim.CIEOptions) { o.PACEInfos = cardsim.PACEChipAuthenticationMapping() })
	require.NoError(t, sim.SetEMRTDFile(0x010E, []byte{0x30, 0x03, 0x02, 0x01, 0x01}))
	dg14Reads := 0
	progress := func(file string, read, total int) {
		if file == "DG14" && read == total {
			dg14Reads++
		}
	}
	c := scard.NewCard(sim, scard.CardOptions{})
	e, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), Partial: true, Progress: progress})
	require.NoError(t, err)
	require.Contains(t, e.FileErrors, "DG14")
	assert.NotContains(t, e.DataGroups, 14)
	assert.Contains(t, e.DataGroups, 1, "the other data groups are read")
	assert.Equal(t, 1, dg14Reads, "DG14 read from the card")
}
