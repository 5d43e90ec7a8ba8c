package scard

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommandEncoding(t *testing.T) {
	t.Parallel()
	big := make([]byte, 300)
	cases := []struct {
		name string
		cmd  Command
		hex  string
	}{
		{"case 1", Command{INS: 0xA4}, "00A40000"},
		{"case 2S", Command{INS: 0xB0, Ne: 4}, "00B0000004"},
		{"case 2S 256", Command{INS: 0xB0, Ne: 256}, "00B0000000"},
		{"case 3S", Command{INS: 0xA4, P1: 2, P2: 0x0C, Data: []byte{1, 0x1E}}, "00A4020C02011E"},
		{"case 4S", Command{CLA: 0x10, INS: 0x86, Data: []byte{0x7C, 0}, Ne: 256}, "10860000027C0000"},
		{"case 2E", Command{INS: 0xB0, Ne: 65536}, "00B0000000" + "0000"},
		{"case 2E 300", Command{INS: 0xB0, Ne: 300}, "00B00000" + "00012C"},
		{"case 3E", Command{INS: 0x86, Data: big}, "00860000" + "00012C" + hexZeros(300)},
		{"case 4E", Command{INS: 0x86, Data: big, Ne: 65536}, "00860000" + "00012C" + hexZeros(300) + "0000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.cmd.Bytes()
			require.NoError(t, err)
			assert.Equal(t, unhex(t, tc.hex), b, "%s.Bytes()", tc.name)
			got, err := ParseCommand(b)
			require.NoError(t, err)
			if len(tc.cmd.Data) == 0 {
				tc.cmd.Data = nil
			}
			assert.Equal(t, tc.cmd, got, "ParseCommand(%X)", b)
		})
	}
	_, err := Command{Ne: 65537}.Bytes()
	require.ErrorIs(t, err, ErrMalformedAPDU)
	_, err = Command{Data: make([]byte, 65536)}.Bytes()
	require.ErrorIs(t, err, ErrMalformedAPDU)
}

func hexZeros(n int) string {
	b := make([]byte, 2*n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestParseCommandErrors(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"", "00A400", "00A4000003AABB", "00A4000002AABBCCDD", "00A400000000", "00A4000000000301"} {
		_, err := ParseCommand(unhex(t, h))
		require.ErrorIs(t, err, ErrMalformedAPDU, "ParseCommand(%s)", h)
		var ae *APDUError
		require.True(t, errors.As(err, &ae))
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		sw   uint16
		want error
	}{
		{0x6A82, ErrNotFound}, {0x6A88, ErrNotFound}, {0x6982, ErrSecurityStatus}, {0x6983, ErrAuthBlocked},
		{0x6985, ErrConditionsNotSatisfied}, {0x6700, ErrWrongLength}, {0x6A80, ErrWrongData}, {0x6B00, ErrWrongParameters},
		{0x6D00, ErrNotSupported}, {0x6988, ErrSecureMessaging}, {0x6F00, ErrCardError}, {0x63C2, ErrWrongPIN}, {0x63C0, ErrAuthBlocked},
	}
	for _, tc := range cases {
		err := Response{SW: tc.sw}.Err(InsSelect)
		require.ErrorIs(t, err, tc.want, "SW %04X", tc.sw)
	}
	assert.NoError(t, Response{SW: SWSuccess}.Err(InsSelect))
	var pe *PINError
	require.ErrorAs(t, Response{SW: 0x63C2}.Err(InsVerify), &pe)
	assert.Equal(t, 2, pe.Retries)
	assert.Equal(t, "scard: SELECT: status 6A82 (file or application not found)", Response{SW: 0x6A82}.Err(InsSelect).Error())
}

// funcTransmitter adapts a function.
type funcTransmitter func(capdu []byte) ([]byte, error)

func (f funcTransmitter) Transmit(_ context.Context, capdu []byte) ([]byte, error) { return f(capdu) }

func TestCardGetResponseAndLe(t *testing.T) {
	t.Parallel()
	s := &scripted{t: t, steps: [][2]string{
		{"00B0000000", "6C05"},                // wrong Le: retry with 05
		{"00B0000005", "0102030405" + "6103"}, // 3 more bytes
		{"00C0000003", "060708" + "9000"},
	}}
	c := NewCard(s, CardOptions{})
	got, err := c.Do(t.Context(), Command{INS: InsReadBinary, Ne: 256})
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8}, got)
	s.done()
}

func TestCardChaining(t *testing.T) {
	t.Parallel()
	var got [][]byte
	tr := funcTransmitter(func(capdu []byte) ([]byte, error) {
		got = append(got, capdu)
		return []byte{0x90, 0x00}, nil
	})
	c := NewCard(tr, CardOptions{NoExtended: true})
	data := make([]byte, 600)
	_, err := c.Do(t.Context(), Command{INS: 0xDA, Data: data})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, byte(0x10), got[0][0])
	assert.Equal(t, byte(0x10), got[1][0])
	assert.Equal(t, byte(0x00), got[2][0])
	assert.Equal(t, 600-2*255, int(got[2][4]))
}

func TestCardTransportError(t *testing.T) {
	t.Parallel()
	c := NewCard(funcTransmitter(func([]byte) ([]byte, error) { return nil, ErrCardRemoved }), CardOptions{})
	_, err := c.Do(t.Context(), Command{INS: InsSelect})
	require.ErrorIs(t, err, ErrCardRemoved)
	c = NewCard(funcTransmitter(func([]byte) ([]byte, error) { return []byte{0x90}, nil }), CardOptions{})
	_, err = c.Do(t.Context(), Command{INS: InsSelect})
	require.ErrorIs(t, err, ErrMalformedAPDU)
}

func TestSecureMessagingRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ci := range []Cipher{CipherTDES, CipherAES128, CipherAES192, CipherAES256} {
		kEnc := DeriveKey(ci, []byte("secret"), KDFEnc)
		kMac := DeriveKey(ci, []byte("secret"), KDFMAC)
		term, err := NewSecureMessaging(ci, kEnc, kMac, nil)
		require.NoError(t, err)
		card, err := NewSecureMessaging(ci, kEnc, kMac, nil)
		require.NoError(t, err)
		for _, cmd := range []Command{
			{INS: InsSelect, P1: 4, P2: 0x0C, Data: []byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}},
			{INS: InsReadBinary, Ne: 0xDF},
			{INS: InsReadBinaryOdd, Data: []byte{0x54, 0x02, 0x80, 0x00}, Ne: 1000},
			{INS: InsGeneralAuthenticate, Data: make([]byte, 300), Ne: 256},
		} {
			w, err := term.WrapCommand(cmd)
			require.NoError(t, err)
			b, err := w.Bytes()
			require.NoError(t, err)
			parsed, err := ParseCommand(b)
			require.NoError(t, err)
			plain, err := card.UnwrapCommand(parsed)
			require.NoError(t, err, "%v %02X", ci, cmd.INS)
			if len(cmd.Data) == 0 {
				cmd.Data = nil
			}
			assert.Equal(t, cmd, plain, "%v: unwrapped command", ci)
			r, err := card.WrapResponse(Response{Data: []byte("hello"), SW: 0x6282})
			require.NoError(t, err)
			u, err := term.UnwrapResponse(r)
			require.NoError(t, err)
			assert.Equal(t, Response{Data: []byte("hello"), SW: 0x6282}, u)
		}
		// A flipped bit is detected and named.
		w, _ := term.WrapCommand(Command{INS: InsReadBinary, Ne: 4})
		w.Data[2] ^= 1
		_, err = card.UnwrapCommand(w)
		require.ErrorIs(t, err, ErrSecureMessaging)
	}
}

func TestCardDropsSMOnPlainSMError(t *testing.T) {
	t.Parallel()
	c := NewCard(funcTransmitter(func([]byte) ([]byte, error) { return []byte{0x69, 0x88}, nil }), CardOptions{})
	sm, err := NewSecureMessaging(CipherTDES, make([]byte, 16), make([]byte, 16), nil)
	require.NoError(t, err)
	c.SetSecureMessaging(sm)
	_, err = c.Do(t.Context(), Command{INS: InsReadBinary, Ne: 4})
	require.ErrorIs(t, err, ErrSecureMessaging)
	assert.Nil(t, c.SecureMessaging())
}

func TestCardChainingUnderSM(t *testing.T) {
	t.Parallel()
	kEnc := DeriveKey(CipherAES128, []byte("k"), KDFEnc)
	kMac := DeriveKey(CipherAES128, []byte("k"), KDFMAC)
	cardSM, err := NewSecureMessaging(CipherAES128, kEnc, kMac, nil)
	require.NoError(t, err)
	var got []byte
	var clas []byte
	tr := funcTransmitter(func(capdu []byte) ([]byte, error) {
		cmd, err := ParseCommand(capdu)
		require.NoError(t, err)
		require.LessOrEqual(t, len(capdu), 5+255+1, "short APDUs only")
		plain, err := cardSM.UnwrapCommand(cmd)
		require.NoError(t, err)
		clas = append(clas, plain.CLA)
		got = append(got, plain.Data...)
		r, err := cardSM.WrapResponse(Response{SW: SWSuccess})
		require.NoError(t, err)
		return r.Bytes(), nil
	})
	c := NewCard(tr, CardOptions{NoExtended: true})
	termSM, err := NewSecureMessaging(CipherAES128, kEnc, kMac, nil)
	require.NoError(t, err)
	c.SetSecureMessaging(termSM)
	data := make([]byte, 500)
	for i := range data {
		data[i] = byte(i)
	}
	_, err = c.Do(t.Context(), Command{INS: InsPutData, Data: data})
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, []byte{0x10, 0x10, 0x00}, clas)
}
