package cardsim_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadEMRTD(t *testing.T) {
	tests := []struct {
		name   string
		opts   emrtd.ReadOptions
		access string
	}{
		{"BAC", emrtd.ReadOptions{MRZ: testKey, NoPACE: true}, "BAC"},
		{"PACE-CAN", emrtd.ReadOptions{CAN: mustCAN(testCAN)}, "PACE"},
		{"PACE-MRZ", emrtd.ReadOptions{MRZ: testKey}, "PACE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t)
			c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
			e, err := emrtd.Read(t.Context(), c, tc.opts)
			require.NoError(t, err, "ReadEMRTD")
			assert.Equal(t, tc.access, e.Access)
			assert.ElementsMatch(t, []int{1, 2, 11, 12, 14}, e.DataGroupNumbers())
			for _, n := range e.DataGroupNumbers() {
				assert.Equal(t, sim.DataGroup(n), e.DataGroups[n], "DG%d", n)
			}
			mrz, err := e.MRZ()
			require.NoError(t, err)
			assert.Equal(t, "CA00000AA", mrz.DocumentNumber)
			assert.Equal(t, "ROSSI", mrz.Surname)
			assert.Equal(t, "850315", mrz.Birth)
			res, err := e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
			require.NoError(t, err, "passive authentication")
			assert.ElementsMatch(t, []int{1, 2, 11, 12, 14}, res.Verified)
			assert.Equal(t, []int{3}, res.NotRead)
		})
	}
}

// TestReadEMRTDDecoded checks that the data groups the simulator encodes
// decode to the configured personal data.
func TestReadEMRTDDecoded(t *testing.T) {
	sim := newCIE(t)
	e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN)})
	require.NoError(t, err)
	cfg := testConfig(7)
	d11, err := e.DG11()
	require.NoError(t, err)
	assert.Equal(t, cfg.Personal.FullName, d11.FullName)
	assert.Equal(t, cfg.Personal.PersonalNumber, d11.PersonalNumber)
	assert.Equal(t, cfg.Personal.FullDateOfBirth, d11.FullDateOfBirth)
	assert.Equal(t, cfg.Personal.PlaceOfBirth, d11.PlaceOfBirth)
	assert.Equal(t, cfg.Personal.Address, d11.Address)
	d12, err := e.DG12()
	require.NoError(t, err)
	assert.Equal(t, cfg.Document.IssuingAuthority, d12.IssuingAuthority)
	assert.Equal(t, cfg.Document.DateOfIssue, d12.DateOfIssue)
	faces, err := e.Faces()
	require.NoError(t, err)
	require.Len(t, faces, 1)
	assert.Equal(t, cfg.Photo, faces[0].Data)
	assert.Equal(t, 240, faces[0].Width)
	assert.Equal(t, 320, faces[0].Height)
	si, err := e.DG14()
	require.NoError(t, err)
	require.Len(t, si.ChipAuthentication, 1)
	assert.Equal(t, "0.4.0.127.0.7.2.2.3.1.1", si.ChipAuthentication[0].Protocol.String(), "id-CA-DH-3DES-CBC-CBC")
	require.Len(t, si.ChipAuthenticationPublicKeys, 1)
	assert.Equal(t, "0.4.0.127.0.7.2.2.1.1", si.ChipAuthenticationPublicKeys[0].Protocol.String(), "id-PK-DH")
	assert.Len(t, si.PACE, 2)
	assert.False(t, si.ActiveAuthentication, "the CIE has no Active Authentication")
	ca, err := emrtd.ParseCardAccess(e.CardAccess)
	require.NoError(t, err)
	require.NotEmpty(t, ca.PACE)
	assert.Equal(t, 2, ca.PACE[0].ParameterID)
	assert.Equal(t, []byte("0107"), []byte(e.COM.LDSVersion))
}

func TestPassiveAuthenticationFails(t *testing.T) {
	t.Run("tampered DG11", func(t *testing.T) {
		sim := newCIE(t)
		dg := sim.DataGroup(11)
		dg[len(dg)-1] ^= 0x01
		require.NoError(t, sim.SetDataGroup(11, dg))
		e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN)})
		require.NoError(t, err)
		_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.ErrorIs(t, err, emrtd.ErrHashMismatch)
		var hm *emrtd.HashMismatchError
		require.ErrorAs(t, err, &hm)
		assert.Equal(t, 11, hm.DG)
	})
	t.Run("wrong CSCA", func(t *testing.T) {
		sim := newCIE(t)
		other, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(1000), KeyBits: 1024})
		require.NoError(t, err)
		e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true})
		require.NoError(t, err)
		_, err = e.Verify(emrtd.PAOptions{CSCA: other.CSCAPool()})
		require.ErrorIs(t, err, emrtd.ErrUntrustedSigner)
		assert.NotErrorIs(t, err, emrtd.ErrHashMismatch)
	})
	t.Run("wrong CAN", func(t *testing.T) {
		sim := newCIE(t)
		_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN("654321")})
		require.ErrorIs(t, err, scard.ErrAuthentication)
		// The card is still usable with the right CAN.
		_, err = emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN)})
		require.NoError(t, err)
	})
	t.Run("wrong MRZ", func(t *testing.T) {
		sim := newCIE(t)
		bad := emrtd.NewMRZKey("CA00000AA", "850315", "340316")
		_, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{MRZ: bad, NoPACE: true})
		require.ErrorIs(t, err, scard.ErrAuthentication)
	})
}

func TestPACEECDH(t *testing.T) {
	sim := newCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{})
	ctx := t.Context()
	pw, err := emrtd.CANPassword(testCAN)
	require.NoError(t, err)
	info := emrtd.PACEInfo{Protocol: []int{0, 4, 0, 127, 0, 7, 2, 2, 4, 2, 2}, Version: 2, ParameterID: 12}
	require.NoError(t, emrtd.PACE(ctx, c, info, pw))
	assert.Equal(t, scard.CipherAES128, c.SecureMessaging().Cipher())
	require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
	assert.Equal(t, sim.DataGroup(1), readFile(t, c, 0x0101))
}

func TestPSSSecurityObjects(t *testing.T) {
	sim := newCIE(t, func(c *cardsim.CIEOptions) { c.PSS = true })
	e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), emrtd.ReadOptions{CAN: mustCAN(testCAN)})
	require.NoError(t, err)
	res, err := e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err, "EF.SOD with SHA-512 and RSASSA-PSS")
	assert.ElementsMatch(t, []int{1, 2, 11, 12, 14}, res.Verified)
	_, err = ias.NewClient(scard.NewCard(sim, scard.CardOptions{})).VerifyNIS(t.Context(), ias.NISOptions{CSCA: sim.PKI().CSCAPool()})
	require.NoError(t, err, "IAS SOD with SHA-512 and RSASSA-PSS")
}

// TestCardAccessMatchesRealCIE: EF.CardAccess is byte for byte the one of
// the two public traces of real CIEs (OpenSC issue 2486,
// italia/cie-mrtd-example-app issue 1).
func TestCardAccessMatchesRealCIE(t *testing.T) {
	want := []byte{0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x02}
	assert.Equal(t, want, cardsim.MarshalCardAccess(false))
}

func TestChipAuthentication(t *testing.T) {
	for _, opts := range []emrtd.ReadOptions{
		{MRZ: testKey, NoPACE: true, ChipAuthentication: true},
		{CAN: mustCAN(testCAN), ChipAuthentication: true},
	} {
		sim := newCIE(t)
		e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), opts)
		require.NoError(t, err, "ReadEMRTD with chip authentication")
		for _, n := range e.DataGroupNumbers() {
			assert.Equal(t, sim.DataGroup(n), e.DataGroups[n], "DG%d read after chip authentication", n)
		}
		_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
		require.NoError(t, err)
	}
}

// TestClonedChip: a clone carries the original's files and SOD, so passive
// authentication passes, but not its chip authentication key.
func TestClonedChip(t *testing.T) {
	orig := newCIE(t)
	clone := newCIE(t, func(c *cardsim.CIEOptions) { c.Rand = cardsim.DeterministicRand(999) })
	clone.CloneFrom(orig)
	e, err := emrtd.Read(t.Context(), scard.NewCard(clone, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true})
	require.NoError(t, err)
	_, err = e.Verify(emrtd.PAOptions{CSCA: orig.PKI().CSCAPool()})
	require.NoError(t, err, "passive authentication cannot tell a clone")
	_, err = emrtd.Read(t.Context(), scard.NewCard(clone, scard.CardOptions{}), emrtd.ReadOptions{MRZ: testKey, NoPACE: true, ChipAuthentication: true})
	require.ErrorIs(t, err, scard.ErrSecureMessaging, "chip authentication exposes the clone")
}
