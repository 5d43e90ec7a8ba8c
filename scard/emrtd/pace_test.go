package emrtd

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func oid(t testing.TB, s string) asn1.ObjectIdentifier {
	t.Helper()
	var o asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		n, ok := new(big.Int).SetString(part, 10)
		require.True(t, ok)
		o = append(o, int(n.Int64()))
	}
	return o
}

// MRZ password of the ICAO Doc 9303-11 appendix G and H worked examples.
var paceMRZ = NewMRZKey("T22000129", "640812", "101031")

// TestPACEECDHGMKAT follows ICAO Doc 9303-11 appendix G ("Worked example:
// PACE - Generic Mapping", ECDH on brainpoolP256r1, AES-128,
// id-PACE-ECDH-GM-AES-CBC-CMAC-128). The APDU transcript and the terminal's
// private keys are those of the worked example, as also used in
// gmrtd/gmrtd pace_test.go TestDoPace_GM_ECDH.
func TestPACEECDHGMKAT(t *testing.T) {
	t.Parallel()
	pw, err := MRZPassword(paceMRZ)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "89DED1B26624EC1E634C1989302849DD"), scard.DeriveKey(scard.CipherAES128, secret.Reveal(pw.key), scard.KDFPassword), "K_pi")

	s := &scripted{t: t, steps: [][2]string{
		{"0022C1A40F800A04007F00070202040202830101", "9000"},
		{"10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"},
		{"10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00",
			"7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C549000"},
		{"10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200",
			"7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F0949000"},
		{"008600000C7C0A8508C2B0BD78D94BA86600", "7C0A86083ABB9674BCE93C089000"},
	}}
	rnd := bytes.NewReader(unhex(t, "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"+
		"A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"))
	c := scard.NewCard(s, scard.CardOptions{Rand: rnd})
	info := PACEInfo{Protocol: oid(t, OIDPACEECDHGMAES128), Version: 2, ParameterID: ParamBrainpool256}
	p, err := runPACE(t.Context(), c, info, pw)
	require.NoError(t, err)
	s.done()
	sm := c.SecureMessaging()
	require.NotNil(t, sm)
	assert.Equal(t, scard.CipherAES128, sm.Cipher())
	assert.Equal(t, unhex(t, "FE251C7858B356B24514B3BD5F4297D1"), p.kMac, "KS_mac")
	assert.Equal(t, make([]byte, 16), sm.SSC())
}

// TestPACEDHGMKAT follows ICAO Doc 9303-11 appendix H ("Worked example:
// PACE - Generic Mapping", DH with the 1024-bit MODP group of RFC 5114 2.1,
// parameter 0, id-PACE-DH-GM-AES-CBC-CMAC-128). Values as published there
// and reproduced in zienit icao_examples PACE_DH_GMTest.
func TestPACEDHGMKAT(t *testing.T) {
	t.Parallel()
	const (
		z       = "854D8DF5827FA6852D1A4FA701CDDDCA"
		mapIFD  = "23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022DCB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C"
		mapIC   = "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F2449400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6"
		ephIFD  = "907D89E2D425A178AA81AF4A7774EC8E388C115CAE67031E85EECE520BD911551B9AE4D04369F29A02626C86FBC6747CC7BC352645B6161A2A42D44EDA80A08FA8D61B76D3A154AD8A5A51786B0BC07147057871A922212C5F67F43173172236B7747D1671E6D692A3C7D40A0C3C5CE397545D015C175EB5130551EDBC2EE5D4"
		ephIC   = "075693D9AE941877573E634B6E644F8E60AF17A0076B8B123D9201074D36152BD8B3A213F53820C42ADC79AB5D0AEEC3AEFB91394DA476BD97B9B14D0A65C1FC71A0E019CB08AF55E1F729005FBA7E3FA5DC41899238A250767A6D46DB974064386CD456743585F8E5D90CC8B4004B1F6D866C79CE0584E49687FF61BC29AEA1"
		tIFD    = "B46DD9BD4D98381F"
		tIC     = "917F37B5C0E6D8D1"
		ksMac   = "805A1D27D45A5116F73C54469462B7D8"
		ksEnc   = "2F7F46ADCC9E7E521B45D192FAFA9126"
		skMap   = "5265030F751F4AD18B08AC565FC7AC952E41618D"
		skEph   = "89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA"
		gTilde  = "7C9CBFE98F9FBDDA8D143506FA7D9306F4CB17E3C71707AFF5E1C1A12370249684D64EE37AF44B8DBD9D45BF6023919CBAA027AB97ACC771666C8E98FF483301BFA4872DEDE9034EDFACB70814166B7F360676829B826BEA57291B5AD69FBC84EF1E779032A305803F74341793E869742D401325B37EE8565FFCDEE618342DC5"
		nonce   = "FA5B7E3E49753A0DB9178B7B9BD898C8"
		sharedK = "6BABC7B3A72BCD7EA385E4C62DB2625BD8613B24149E146A629311C4CA6698E38B834B6A9E9CD7184BA8834AFF5043D436950C4C1E7832367C10CB8C314D40E5990B0DF7013E64B4549E2270923D06F08CFF6BD3E977DDE6ABE4C31D55C0FA2E465E553E77BDF75E3193D3834FC26E8EB1EE2FA1E4FC97C18C3F6CFFFE2607FD"
	)
	pw, err := MRZPassword(paceMRZ)
	require.NoError(t, err)
	s := &scripted{t: t, steps: [][2]string{
		{"0022C1A40F800A04007F00070202040102830101", "9000"},
		{"10860000027C0000", "7C128010" + z + "9000"},
		{"10860000867C818381818 0" + mapIFD + "00", "7C81838281 80" + mapIC + "9000"},
		{"10860000867C818383818 0" + ephIFD + "00", "7C81838481 80" + ephIC + "9000"},
		{"008600000C7C0A8508" + tIFD + "00", "7C0A8608" + tIC + "9000"},
	}}
	rnd := bytes.NewReader(unhex(t, skMap+skEph))
	c := scard.NewCard(s, scard.CardOptions{Rand: rnd})
	info := PACEInfo{Protocol: oid(t, OIDPACEDHGMAES128), Version: 2, ParameterID: ParamDH1024}
	run, err := runPACE(t.Context(), c, info, pw)
	require.NoError(t, err)
	s.done()
	sm := c.SecureMessaging()
	require.NotNil(t, sm)
	assert.Equal(t, unhex(t, ksMac), run.kMac, "KS_mac")

	// Intermediate values of the worked example, recomputed on the chip side.
	p, err := newPACE(info, pw, bytes.NewReader(unhex(t, skMap)))
	require.NoError(t, err)
	p.s = unhex(t, nonce)
	require.NoError(t, p.genMapKey())
	require.NoError(t, p.mapGenerator(unhex(t, mapIC)))
	assert.Equal(t, unhex(t, gTilde), p.mapped.Encode(p.mapped.Gen()), "mapped generator")
	p.sk = new(big.Int).SetBytes(unhex(t, skEph))
	p.pk = p.mapped.Mul(p.mapped.Gen(), p.sk)
	assert.Equal(t, unhex(t, ephIFD), p.mapped.Encode(p.pk), "terminal ephemeral public key")
	require.NoError(t, p.agree(unhex(t, ephIC)))
	assert.Equal(t, unhex(t, ksEnc), p.kEnc, "KS_enc")
	assert.Equal(t, unhex(t, sharedK), p.mapped.Secret(p.mapped.Mul(p.pkPeer, p.sk)), "shared secret K")
}

// TestPACEChipRoundTrip runs terminal and card sides against each other for
// every implemented parameter set, with the right and a wrong password.
func TestPACEChipRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		proto string
		param int
	}{
		{"DH-GM-3DES-param2 (CIE)", OIDPACEDHGM3DES, ParamDH2048256},
		{"DH-GM-AES128-param1", OIDPACEDHGMAES128, ParamDH2048224},
		{"ECDH-GM-AES128-brainpoolP256r1", OIDPACEECDHGMAES128, ParamBrainpool256},
		{"ECDH-GM-AES128-P256", OIDPACEECDHGMAES128, ParamP256},
		{"ECDH-GM-AES256-P384", OIDPACEECDHGMAES256, ParamP384},
		{"ECDH-GM-3DES-P256", OIDPACEECDHGM3DES, ParamP256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info := PACEInfo{Protocol: oid(t, tc.proto), Version: 2, ParameterID: tc.param}
			can, err := CANPassword("123456")
			require.NoError(t, err)
			chip := &paceCard{info: info, pw: can}
			c := scard.NewCard(chip, scard.CardOptions{})
			require.NoError(t, PACE(t.Context(), c, info, can))
			// One SM exchange through the chip's session.
			got, err := c.Do(t.Context(), scard.Command{INS: scard.InsReadBinary, Ne: 4})
			require.NoError(t, err)
			assert.Equal(t, []byte("echo"), got)

			wrong, err := CANPassword("123457")
			require.NoError(t, err)
			c = scard.NewCard(chip, scard.CardOptions{})
			err = PACE(t.Context(), c, info, wrong)
			require.ErrorIs(t, err, scard.ErrAuthentication)
			assert.Nil(t, c.SecureMessaging())
		})
	}
}

func TestPACEUnsupported(t *testing.T) {
	t.Parallel()
	can, _ := CANPassword("123456")
	_, err := NewPACEChip(PACEInfo{Protocol: oid(t, "0.4.0.127.0.7.2.2.4.5.2"), ParameterID: 13}, can, nil)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	// Integrated Mapping's point encoding needs p = 3 mod 4: not P-224.
	_, err = NewPACEChip(PACEInfo{Protocol: oid(t, OIDPACEECDHIMAES128), ParameterID: ParamP224}, can, nil)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	assert.False(t, PACESupported(PACEInfo{Protocol: oid(t, OIDPACEECDHIMAES128), ParameterID: ParamP224}))
	assert.True(t, PACESupported(PACEInfo{Protocol: oid(t, OIDPACEECDHIMAES128), ParameterID: ParamP256}))
	// Chip Authentication Mapping has no 3DES variant and needs the chip's key.
	_, err = NewPACEChip(PACEInfo{Protocol: oid(t, "0.4.0.127.0.7.2.2.4.6.1"), ParameterID: 13}, can, nil)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	_, err = NewPACEChip(PACEInfo{Protocol: oid(t, OIDPACEECDHCAMAES128), ParameterID: 13}, can, nil)
	require.ErrorIs(t, err, scard.ErrInvalidKey)
	dhKey, err := NewCAKey(ParamDH1024, nil)
	require.NoError(t, err)
	_, err = NewPACEChipCAM(PACEInfo{Protocol: oid(t, OIDPACEECDHCAMAES128), ParameterID: 13}, can, dhKey, nil)
	require.ErrorIs(t, err, scard.ErrInvalidKey)
	_, err = NewPACEChip(PACEInfo{Protocol: oid(t, OIDPACEDHGM3DES), ParameterID: 13}, can, nil)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	_, err = NewPACEChip(PACEInfo{Protocol: oid(t, OIDPACEECDHGMAES128), ParameterID: 17}, can, nil)
	require.ErrorIs(t, err, scard.ErrNotSupported)
	_, err = CANPassword("12345a")
	require.ErrorIs(t, err, scard.ErrInvalidKey)
	assert.NotContains(t, can.String(), "123456")
}
