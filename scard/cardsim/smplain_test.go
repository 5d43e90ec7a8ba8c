package cardsim_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawLog records every exchange with the simulator as the bytes on the wire.
type rawLog struct {
	t    scard.Transmitter
	cmds [][]byte
	rsps [][]byte
}

func (l *rawLog) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	r, err := l.t.Transmit(ctx, capdu)
	l.cmds = append(l.cmds, append([]byte(nil), capdu...))
	l.rsps = append(l.rsps, append([]byte(nil), r...))
	return r, err
}

func (l *rawLog) lastResponse() []byte { return l.rsps[len(l.rsps)-1] }

// sscPlus returns ssc + n, big-endian, as wide as ssc.
func sscPlus(ssc []byte, n int64) []byte {
	v := new(big.Int).Add(new(big.Int).SetBytes(ssc), big.NewInt(n))
	return v.FillBytes(make([]byte, len(ssc)))
}

// TestEMRTDMissingFileThenFile reads a missing file, then an existing one,
// in one eMRTD secure-messaging session (BAC), with the chip answering the
// 6A82 protected (the default) or in plain (SetPlainSMErrors). The session
// survives either way: a protected error moves both counters by two, a
// plain one by one (scard.PlainSMStatus).
func TestEMRTDMissingFileThenFile(t *testing.T) {
	for _, plain := range []bool{false, true} {
		name := map[bool]string{false: "protected", true: "plain"}[plain]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t)
			sim.SetPlainSMErrors(plain)
			log := &rawLog{t: sim}
			c := scard.NewCard(log, scard.CardOptions{Rand: cardsim.DeterministicRand(9)})
			ctx := t.Context()
			require.NoError(t, c.SelectAID(ctx, emrtd.AID()))
			require.NoError(t, emrtd.BAC(ctx, c, testKey))
			sm := c.SecureMessaging()
			require.NotNil(t, sm, "BAC installs secure messaging")
			before := sm.SSC()

			err := c.SelectEF(ctx, 0x0105) // DG5: not on the card
			require.ErrorIs(t, err, scard.ErrNotFound, "SELECT DG5")
			if plain {
				assert.Equal(t, []byte{0x6A, 0x82}, log.lastResponse(), "the chip's answer to SELECT DG5")
				assert.Equal(t, sscPlus(before, 1), sm.SSC(), "SSC after a plain 6A82: the command only")
			} else {
				assert.Greater(t, len(log.lastResponse()), 2, "a protected 6A82 carries DO 99 and DO 8E")
				assert.Equal(t, sscPlus(before, 2), sm.SSC(), "SSC after a protected 6A82")
			}
			assert.Same(t, sm, c.SecureMessaging(), "the session survives the 6A82")

			dg1, err := c.ReadFile(ctx, 0x0101, "DG1")
			require.NoError(t, err, "reading DG1 after the 6A82")
			assert.Equal(t, sim.DataGroup(1), dg1)
			for i, cmd := range log.cmds[len(log.cmds)-3:] {
				assert.Equal(t, byte(0x0C), cmd[0]&0x0C, "command %d after the 6A82 is protected", i)
			}
		})
	}
}

// TestReadEMRTDPlainErrors reads the eMRTD application of a chip that
// answers errors in plain, asking for DG3 (terminal authentication
// needed: 6982) and DG5 (not on the card: 6A82) between DG1 and DG11, with
// a partial read: every error comes bare, and the read goes on in the
// same session to the end, with passive authentication.
func TestReadEMRTDPlainErrors(t *testing.T) {
	for _, tc := range readAccess {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newCIE(t)
			sim.SetPlainSMErrors(true)
			log := &rawLog{t: sim}
			c := scard.NewCard(log, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
			opts := tc.opts
			opts.DataGroups, opts.Partial = []int{1, 3, 5, 11}, true
			e, err := emrtd.Read(t.Context(), c, opts)
			require.NoError(t, err, "emrtd.Read")
			assert.Equal(t, []int{1, 11}, e.DataGroupNumbers())
			assert.ErrorIs(t, e.FileErrors["DG3"], scard.ErrSecurityStatus, "DG3")
			assert.ErrorIs(t, e.FileErrors["DG5"], scard.ErrNotFound, "DG5")
			res, err := e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
			require.NoError(t, err, "passive authentication")
			assert.ElementsMatch(t, []int{1, 11}, res.Verified)
			var bare []string
			for i, cmd := range log.cmds {
				if cmd[0]&0x0C == 0x0C && len(log.rsps[i]) == 2 {
					bare = append(bare, fmt.Sprintf("%X", log.rsps[i]))
				}
			}
			assert.Equal(t, []string{"6982", "6A82"}, bare, "bare answers to protected commands")
			assert.NotNil(t, c.SecureMessaging(), "the session is still installed")
		})
	}
}

// TestIASWrongPINThenPIN: in one IAS secure channel, a wrong PIN (the card
// answers 63C2 in plain, as the CIE middleware expects) and then the right
// one, then a read in secure messaging: one key agreement for all of it.
func TestIASWrongPINThenPIN(t *testing.T) {
	sim := newCIE(t)
	log := &rawLog{t: sim}
	ic := ias.NewClient(scard.NewCard(log, scard.CardOptions{}))
	ctx := t.Context()
	require.NoError(t, ic.Select(ctx))
	pin := func(s string) scard.PIN { p, err := scard.NewPIN(s); require.NoError(t, err); return p }

	err := ic.VerifyPIN(ctx, pin("00000000"))
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe, "wrong PIN")
	assert.Equal(t, cardsim.PINTries-1, pe.Retries)
	assert.Equal(t, []byte{0x63, byte(0xC0 | (cardsim.PINTries - 1))}, log.lastResponse(), "the card's answer to the wrong PIN")
	require.True(t, ic.ChannelOpen(), "the channel survives the wrong PIN")

	require.NoError(t, ic.VerifyPIN(ctx, pin(cardsim.DefaultPIN)), "right PIN in the same channel")
	_, err = ic.ReadCertificate(ctx)
	require.NoError(t, err, "reading the certificate in secure messaging")
	keyAgreements := 0
	for _, cmd := range log.cmds {
		if len(cmd) > 4 && cmd[1] == scard.InsManageSecurityEnvironment && cmd[2] == 0x41 && cmd[3] == 0xA6 && cmd[0]&0x10 == 0 {
			keyAgreements++
		}
	}
	assert.Equal(t, 1, keyAgreements, "MSE:SET KAT commands (channel openings)")
}
