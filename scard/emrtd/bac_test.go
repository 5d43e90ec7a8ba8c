package emrtd

import (
	"bytes"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ICAO Doc 9303-11 (8th ed.) appendix D, "Worked example: Basic Access
// Control". Values as published there (also reproduced in public test
// suites, e.g. AndyQ/NFCPassportReader BACTests and zienit icao_examples
// SMTest).
var icaoD = struct {
	key                             MRZKey
	info                            string
	kEnc, kMac                      string
	rndICC, rndIFD, kIFD            string
	cmdData, respData               string
	ksEnc, ksMac, ssc               string
	selectCmd, selectResp           string
	read4Cmd, read4Resp, read4Data  string
	read18Cmd, read18Resp, read18Dt string
}{
	key:        NewMRZKey("L898902C", "690806", "940623"),
	info:       "L898902C<369080619406236",
	kEnc:       "AB94FDECF2674FDFB9B391F85D7F76F2",
	kMac:       "7962D9ECE03D1ACD4C76089DCE131543",
	rndICC:     "4608F91988702212",
	rndIFD:     "781723860C06C226",
	kIFD:       "0B795240CB7049B01C19B33E32804F0B",
	cmdData:    "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7",
	respData:   "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449",
	ksEnc:      "979EC13B1CBFE9DCD01AB0FED307EAE5",
	ksMac:      "F1CB1F1FB5ADF208806B89DC579DC1F8",
	ssc:        "887022120C06C226",
	selectCmd:  "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
	selectResp: "990290008E08FA855A5D4C50A8ED9000",
	read4Cmd:   "0CB000000D9701048E08ED6705417E96BA5500",
	read4Resp:  "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000",
	read4Data:  "60145F01",
	read18Cmd:  "0CB000040D9701128E082EA28A70F3C7B53500",
	read18Resp: "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
	read18Dt:   "04303130365F36063034303030305C026175",
}

func TestBACKeyDerivationKAT(t *testing.T) {
	t.Parallel()
	info, err := icaoD.key.Info()
	require.NoError(t, err)
	assert.Equal(t, icaoD.info, info, "MRZ information")
	kEnc, kMac, err := icaoD.key.BACKeys()
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.kEnc), kEnc, "K_enc")
	assert.Equal(t, unhex(t, icaoD.kMac), kMac, "K_mac")
	h, _ := icaoD.key.hash()
	assert.Equal(t, unhex(t, "239AB9CB282DAF66231DC5A4DF6BFBAE"), h[:16], "K_seed")
}

func TestBACTerminalKAT(t *testing.T) {
	t.Parallel()
	s := &scripted{t: t, steps: [][2]string{
		{"0084000008", icaoD.rndICC + "9000"},
		{"0082000028" + icaoD.cmdData + "28", icaoD.respData + "9000"},
		// SELECT EF.COM, READ BINARY 4 bytes, READ BINARY 18 bytes at offset 4 (D.4)
		{icaoD.selectCmd, icaoD.selectResp},
		{icaoD.read4Cmd, icaoD.read4Resp},
		{icaoD.read18Cmd, icaoD.read18Resp},
	}}
	rnd := bytes.NewReader(unhex(t, icaoD.rndIFD+icaoD.kIFD))
	c := scard.NewCard(s, scard.CardOptions{Rand: rnd})
	require.NoError(t, BAC(t.Context(), c, icaoD.key))
	require.NotNil(t, c.SecureMessaging())
	assert.Equal(t, unhex(t, icaoD.ssc), c.SecureMessaging().SSC(), "SSC after BAC")

	require.NoError(t, c.SelectEF(t.Context(), 0x011E))
	got, err := c.Do(t.Context(), scard.Command{INS: scard.InsReadBinary, Ne: 4})
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.read4Data), got, "first 4 bytes of EF.COM")
	got, err = c.Do(t.Context(), scard.Command{INS: scard.InsReadBinary, P2: 4, Ne: 0x12})
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.read18Dt), got, "remaining 18 bytes of EF.COM")
	s.done()
}

func TestBACChipKAT(t *testing.T) {
	t.Parallel()
	// K.ICC of the worked example.
	rnd := bytes.NewReader(unhex(t, icaoD.rndICC+"0B4F80323EB3191CB04970CB4052790B"))
	chip, err := NewBACChip(icaoD.key, rnd)
	require.NoError(t, err)
	ch, err := chip.Challenge()
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.rndICC), ch)
	resp, sm, err := chip.MutualAuthenticate(unhex(t, icaoD.cmdData))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.respData), resp, "E.ICC||M.ICC")
	assert.Equal(t, unhex(t, icaoD.ssc), sm.SSC())

	// Card side of the SM examples: unwrap SELECT, wrap its response.
	cmd, err := scard.ParseCommand(unhex(t, icaoD.selectCmd))
	require.NoError(t, err)
	plain, err := sm.UnwrapCommand(cmd)
	require.NoError(t, err)
	assert.Equal(t, scard.Command{CLA: 0, INS: scard.InsSelect, P1: 2, P2: 0x0C, Data: []byte{0x01, 0x1E}}, plain)
	r, err := sm.WrapResponse(scard.Response{SW: scard.SWSuccess})
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.selectResp), r.Bytes())
	cmd, err = scard.ParseCommand(unhex(t, icaoD.read4Cmd))
	require.NoError(t, err)
	plain, err = sm.UnwrapCommand(cmd)
	require.NoError(t, err)
	assert.Equal(t, 4, plain.Ne)
	r, err = sm.WrapResponse(scard.Response{Data: unhex(t, icaoD.read4Data), SW: scard.SWSuccess})
	require.NoError(t, err)
	assert.Equal(t, unhex(t, icaoD.read4Resp), r.Bytes())
}

func TestBACWrongKey(t *testing.T) {
	t.Parallel()
	chip, err := NewBACChip(icaoD.key, nil)
	require.NoError(t, err)
	wrong := NewMRZKey("L898902C", "690807", "940623")
	c := scard.NewCard(chipTransmitter{chip}, scard.CardOptions{})
	err = BAC(t.Context(), c, wrong)
	require.ErrorIs(t, err, scard.ErrAuthentication)
	assert.Nil(t, c.SecureMessaging())

	c = scard.NewCard(chipTransmitter{chip}, scard.CardOptions{})
	require.NoError(t, BAC(t.Context(), c, icaoD.key))
}

func TestMRZKeyInvalid(t *testing.T) {
	t.Parallel()
	for _, k := range []MRZKey{
		NewMRZKey("ca00000aa", "690806", "940623"),
		NewMRZKey("CA00000AA", "69086", "940623"),
		NewMRZKey("CA00000AA", "690806", "9406X3"),
	} {
		_, err := k.Info()
		require.ErrorIs(t, err, scard.ErrInvalidKey)
		assert.NotContains(t, err.Error(), "690806")
	}
	assert.Equal(t, "MRZKey(redacted)", icaoD.key.String())
}
