package emrtd

import (
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// EF.CardAccess of real CIEs, from two public traces (OpenSC issue #2486,
// italia/cie-mrtd-example-app issue #1): one PACEInfo,
// id-PACE-DH-GM-3DES-CBC-CBC, version 2, parameter 2.
const cieCardAccess = "3114 3012 060A04007F0007020204010102010202 0102"

func TestParseCardAccessCIE(t *testing.T) {
	t.Parallel()
	b := unhex(t, cieCardAccess)
	si, err := ParseCardAccess(b)
	require.NoError(t, err)
	require.Len(t, si.PACE, 1)
	p := si.PACE[0]
	assert.Equal(t, OIDPACEDHGM3DES, p.Protocol.String())
	assert.Equal(t, 2, p.Version)
	assert.Equal(t, ParamDH2048256, p.ParameterID)
	assert.True(t, PACESupported(p))
	der, err := p.Marshal()
	require.NoError(t, err)
	assert.Equal(t, b, MarshalSecurityInfos(der), "re-encoding EF.CardAccess")
}

func TestParseDG14(t *testing.T) {
	t.Parallel()
	// ChipAuthenticationInfo (id-CA-DH-3DES-CBC-CBC, v1, key 1),
	// ChipAuthenticationPublicKeyInfo (id-PK-DH, a dummy SPKI, key 1),
	// TerminalAuthenticationInfo v1, and an unknown entry.
	der := unhex(t, "3139"+
		"3012060A04007F00070202030101020101020101"+
		"3012060904007F000702020101 3002 0500 020101"+
		"300D060804007F00070202020201 01"+
		"3003 0601 01")
	// Fix the outer SET length.
	inner := der[2:]
	der = append([]byte{0x31, byte(len(inner))}, inner...)
	si, err := ParseDG14(append([]byte{0x6E, byte(len(der))}, der...))
	require.NoError(t, err)
	require.Len(t, si.ChipAuthentication, 1)
	assert.Equal(t, 1, si.ChipAuthentication[0].KeyID)
	require.Len(t, si.ChipAuthenticationPublicKeys, 1)
	assert.Equal(t, unhex(t, "30020500"), si.ChipAuthenticationPublicKeys[0].SubjectPublicKeyInfo)
	assert.True(t, si.TerminalAuthentication)
	assert.Len(t, si.All, 4)

	_, err = ParseDG14(unhex(t, "6E03310130"))
	require.ErrorIs(t, err, scard.ErrMalformedData)
}
