package cardsim_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var eacOnce = sync.OnceValues(func() (*cardsim.EACPKI, error) {
	return cardsim.NewEACPKI(cardsim.EACPKIOptions{Rand: cardsim.DeterministicRand(7), Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
})

func eacPKI(t testing.TB) *cardsim.EACPKI {
	t.Helper()
	p, err := eacOnce()
	require.NoError(t, err, "NewEACPKI")
	return p
}

// issueDate is testConfig's Document.DateOfIssue, the card's initial
// current date.
var issueDate = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

func newEACCIE(t *testing.T) *cardsim.CIE {
	p := eacPKI(t)
	return newCIE(t, func(o *cardsim.CIEOptions) { o.CVCA = [][]byte{p.CVCA} })
}

func isChain(t *testing.T, rights cvc.Rights, from time.Time, days int) ([][]byte, *ecdsa.PrivateKey) {
	t.Helper()
	chain, key, err := eacPKI(t).IssueIS("WS00001", rights, from, days)
	require.NoError(t, err, "IssueIS")
	return chain, key
}

func swOf(err error) uint16 {
	var se *scard.StatusError
	if errors.As(err, &se) {
		return se.SW
	}
	return 0
}

func TestTerminalAuthentication(t *testing.T) {
	chainDG3, keyDG3 := isChain(t, cvc.ReadDG3, issueDate, 30)
	chainNone, keyNone := isChain(t, 0, issueDate, 30)
	chainOld, keyOld := isChain(t, cvc.ReadDG3, issueDate.AddDate(0, -3, 0), 30) // expired on the card's date
	_, otherKey := isChain(t, cvc.ReadDG3, issueDate, 30)
	tests := []struct {
		name   string
		opts   emrtd.ReadOptions
		wantSW uint16 // 0: DG3 read
	}{
		{"no TA: DG3 refused", emrtd.ReadOptions{CAN: mustCAN(testCAN), ChipAuthentication: true, DataGroups: []int{3}}, 0x6982},
		{"PACE+CA+TA", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chainDG3, Signer: keyDG3}}, 0},
		{"BAC+CA+TA", emrtd.ReadOptions{MRZ: testKey, NoPACE: true, Terminal: &emrtd.TAOptions{Certificates: chainDG3, Signer: keyDG3}}, 0},
		{"IS without the DG3 right", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chainNone, Signer: keyNone}}, 0x6982},
		{"expired IS certificate", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chainOld, Signer: keyOld}}, 0x6A80},
		{"wrong terminal key", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chainDG3, Signer: otherKey}}, 0x6300},
		{"IS chain without the DV", emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chainDG3[1:], Signer: keyDG3}}, 0x6A88},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := newEACCIE(t)
			c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
			e, err := emrtd.Read(t.Context(), c, tc.opts)
			if tc.wantSW != 0 {
				require.Error(t, err, "Read")
				assert.Equal(t, tc.wantSW, swOf(err), "Read error %v", err)
				if tc.wantSW == 0x6982 {
					assert.ErrorIs(t, err, scard.ErrSecurityStatus)
				}
				return
			}
			require.NoError(t, err, "Read")
			assert.True(t, e.TerminalAuthenticated, "TerminalAuthenticated")
			assert.Equal(t, sim.DataGroup(3), e.DataGroups[3], "DG3")
			_, err = e.Verify(emrtd.PAOptions{CSCA: sim.PKI().CSCAPool()})
			require.NoError(t, err, "passive authentication with DG3")
		})
	}
}

func TestTerminalAuthenticationRightsEndWithSession(t *testing.T) {
	chain, key := isChain(t, cvc.ReadDG3, issueDate, 30)
	sim := newEACCIE(t)
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
	_, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}})
	require.NoError(t, err)
	// A new PACE session without TA: DG3 is refused again.
	_, err = emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), ChipAuthentication: true, DataGroups: []int{3}})
	assert.Equal(t, uint16(0x6982), swOf(err), "second session: %v", err)
}

func TestTerminalCurrentDate(t *testing.T) {
	p := eacPKI(t)
	later := issueDate.AddDate(0, 2, 0)
	chain, key := isChain(t, cvc.ReadDG3, later, 10)
	sim := newEACCIE(t)
	assert.Equal(t, issueDate, sim.TerminalDate(), "initial date")
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
	_, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}})
	require.NoError(t, err)
	assert.Equal(t, later, sim.TerminalDate(), "date after a domestic IS certificate effective %s", later)
	// An IS certificate that expired before the new current date is now refused.
	old, oldKey := isChain(t, cvc.ReadDG3, issueDate, 30)
	_, err = emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: old, Signer: oldKey}})
	assert.Equal(t, uint16(0x6A80), swOf(err), "expired after the date update: %v", err)

	// A foreign DV (and its IS) does not move the date.
	fdvKey, fis := foreignChain(t, p, later.AddDate(1, 0, 0))
	sim2 := newEACCIE(t)
	c2 := scard.NewCard(sim2, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
	e, err := emrtd.Read(t.Context(), c2, emrtd.ReadOptions{CAN: mustCAN(testCAN), Terminal: &emrtd.TAOptions{Certificates: fis, Signer: fdvKey}})
	require.NoError(t, err, "foreign chain")
	assert.True(t, e.TerminalAuthenticated)
	assert.Equal(t, issueDate, sim2.TerminalDate(), "date after foreign certificates")
}

// foreignChain has the CVCA certify a foreign DV (role 01) that issues an
// IS certificate effective on from.
func foreignChain(t *testing.T, p *cardsim.EACPKI, from time.Time) (*ecdsa.PrivateKey, [][]byte) {
	t.Helper()
	cvca, err := cvc.Parse(p.CVCA)
	require.NoError(t, err)
	dvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	dvDER, err := cvc.Create(nil, &cvc.Certificate{CAR: cvca.CHR, CHR: "FRDVFOREIGN01", KeyAlgorithm: cvc.OIDTAECDSASHA256, Role: cvc.RoleDVForeign, Rights: cvc.ReadDG3, EffectiveDate: issueDate, ExpirationDate: issueDate.AddDate(3, 0, 0)}, &dvKey.PublicKey, cvca, p.CVCAKey)
	require.NoError(t, err)
	dv, err := cvc.Parse(dvDER)
	require.NoError(t, err)
	isKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	isDER, err := cvc.Create(nil, &cvc.Certificate{CAR: dv.CHR, CHR: "FRIS00001", KeyAlgorithm: cvc.OIDTAECDSASHA256, Role: cvc.RoleIS, Rights: cvc.ReadDG3, EffectiveDate: from, ExpirationDate: from.AddDate(0, 1, 0)}, &isKey.PublicKey, dv, dvKey)
	require.NoError(t, err)
	return isKey, [][]byte{dvDER, isDER}
}

// TestTerminalAuthenticationAfterPACECAM: after PACE-CAM took the chip's
// key from DG14, terminal authentication uses the DG14 read then, not a
// second copy from the card.
func TestTerminalAuthenticationAfterPACECAM(t *testing.T) {
	chain, key := isChain(t, cvc.ReadDG3, issueDate, 30)
	p := eacPKI(t)
	sim := newCIE(t, func(o *cardsim.CIEOptions) {
		o.CVCA = [][]byte{p.CVCA}
		o.PACEInfos = cardsim.PACEChipAuthenticationMapping()
	})
	c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
	dg14Reads := 0
	progress := func(file string, read, total int) {
		if file == "DG14" && read == total {
			dg14Reads++
		}
	}
	e, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN), Progress: progress,
		Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}})
	require.NoError(t, err)
	assert.Equal(t, emrtd.MappingChipAuthentication, e.PACE.Mapping)
	assert.True(t, e.TerminalAuthenticated)
	assert.Contains(t, e.DataGroups, 3, "DG3 read after terminal authentication")
	assert.Equal(t, 1, dg14Reads, "DG14 read from the card")
}
