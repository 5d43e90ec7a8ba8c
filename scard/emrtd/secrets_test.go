package emrtd

import (
	"encoding/asn1"
	"testing"

	"github.com/ciekit/ciekit/internal/secret/secrettest"
	"github.com/stretchr/testify/require"
)

// TestProtocolStatesPrintNoKeys checks the protocol states whose keys the
// exported API cannot reach (scard/cardsim's TestNoSecretPrinted checks the
// rest): the chip authentication private keys (DH, and ECDH for PACE-CAM)
// and the PACE card side.
func TestProtocolStatesPrintNoKeys(t *testing.T) {
	t.Parallel()
	k, err := NewCAKey(ParamDH2048256, nil)
	require.NoError(t, err)
	secrettest.Check(t, k, k.priv.Bytes())

	can, err := NewCAN("483726")
	require.NoError(t, err)
	chip, err := NewPACEChip(PACEInfo{Protocol: asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 1, 1}, Version: 2, ParameterID: ParamDH2048256}, can.Password(), nil)
	require.NoError(t, err)
	secrettest.Check(t, chip, chip.p.kpi, []byte("483726"))

	// PACE-CAM: the chip's static ECDH key, alone and inside the card side.
	ec, err := NewCAKey(ParamBrainpool256, nil)
	require.NoError(t, err)
	secrettest.Check(t, ec, ec.ecPriv.Bytes())
	cam, err := NewPACEChipCAM(PACEInfo{Protocol: asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 6, 2}, Version: 2, ParameterID: ParamBrainpool256}, can.Password(), ec, nil)
	require.NoError(t, err)
	secrettest.Check(t, cam, ec.ecPriv.Bytes(), cam.p.kpi, []byte("483726"))
}
