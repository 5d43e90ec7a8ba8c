package cardsim_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openpaceDir holds CVCA -> DV -> IS chains made by OpenPACE's cvc-create,
// not by ciekit (scripts/compare-cvc/run.sh), with the IS test keys.
const openpaceDir = "../emrtd/cvc/testdata/openpace"

// TestTerminalAuthenticationOpenPACEChains has the simulated CIE trust a
// CVCA certificate OpenPACE made and the workstation run terminal
// authentication with OpenPACE's DV and IS certificates and the IS key
// from its key file, for every algorithm of the test data (ECDSA on
// brainpoolP256r1, P-256 and brainpoolP384r1, RSA v1.5 and PSS): DG3 is
// read with the DG3 certificate, also through OpenPACE's CVCA link
// certificate, and refused with the DG4-only or the expired one, or
// without the link certificate.
func TestTerminalAuthenticationOpenPACEChains(t *testing.T) {
	read := func(t *testing.T, dir string, file string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		return b
	}
	// The IS certificates are effective from 2026-12-01 (run.sh); the
	// expired one ran out on 2026-01-31.
	chipDate := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	algs, err := filepath.Glob(filepath.Join(openpaceDir, "*"))
	require.NoError(t, err)
	require.NotEmpty(t, algs)
	for _, dir := range algs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			cvca := read(t, dir, "cvca.cvcert")
			key, err := cvc.ParsePrivateKey(read(t, dir, "IS-TEST-KEY.pkcs8"))
			require.NoError(t, err, "IS key")
			for _, tc := range []struct {
				name   string
				chain  []string
				wantSW uint16 // 0: DG3 read
			}{
				{"IS with DG3", []string{"dv.cvcert", "is.cvcert"}, 0},
				{"through a CVCA link certificate", []string{"link.cvcert", "dv2.cvcert", "is-link.cvcert"}, 0},
				{"IS with DG4 only", []string{"dv.cvcert", "is-dg4.cvcert"}, 0x6982},
				{"expired IS", []string{"dv.cvcert", "is-expired.cvcert"}, 0x6A80},
				{"IS of the linked CVCA's DV without the link", []string{"dv2.cvcert", "is-link.cvcert"}, 0x6A88},
			} {
				t.Run(tc.name, func(t *testing.T) {
					sim := newCIE(t, func(o *cardsim.CIEOptions) {
						o.CVCA = [][]byte{cvca}
						o.TerminalDate = chipDate
					})
					var chain [][]byte
					for _, f := range tc.chain {
						chain = append(chain, read(t, dir, f))
					}
					c := scard.NewCard(sim, scard.CardOptions{Rand: cardsim.DeterministicRand(5)})
					e, err := emrtd.Read(t.Context(), c, emrtd.ReadOptions{CAN: mustCAN(testCAN),
						Terminal: &emrtd.TAOptions{Certificates: chain, Signer: key}})
					if tc.wantSW != 0 {
						require.Error(t, err, "Read")
						assert.Equal(t, tc.wantSW, swOf(err), "Read error %v", err)
						return
					}
					require.NoError(t, err, "Read")
					assert.True(t, e.TerminalAuthenticated, "TerminalAuthenticated")
					require.NotEmpty(t, e.DataGroups[3], "DG3")
					assert.Equal(t, sim.DataGroup(3), e.DataGroups[3], "DG3")
					assert.Equal(t, chipDate, sim.TerminalDate(), "chip date after a domestic chain effective %s", chipDate.Format(time.DateOnly))
				})
			}
		})
	}
}
