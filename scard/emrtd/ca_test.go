package emrtd

import (
	"crypto"
	"testing"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChipAuthentication(t *testing.T) {
	t.Parallel()
	card, key := newFSCard(t, false)
	ca, err := NewCAKey(ParamDH2048256, nil)
	require.NoError(t, err)
	entries, err := ca.SecurityInfos(oid(t, OIDCADH3DES), 1)
	require.NoError(t, err)
	set := MarshalSecurityInfos(entries...)
	dg14 := append([]byte{0x6E}, append(lenBytes(len(set)), set...)...)
	card.app[FIDDataGroup(14)] = dg14
	card.ca, card.caCipher = ca, scard.CipherTDES
	// Re-sign the SOD with DG14.
	dgs := map[int][]byte{14: dg14}
	for _, n := range []int{1, 2, 11, 12} {
		dgs[n] = card.app[FIDDataGroup(n)]
	}
	pki := pkiOnce()
	card.app[FIDSOD], err = CreateSOD(dgs, pki.dsCert, pki.dsKey, SODOptions{Hash: crypto.SHA256})
	require.NoError(t, err)

	c := scard.NewCard(card, scard.CardOptions{})
	e, err := Read(t.Context(), c, ReadOptions{MRZ: key, ChipAuthentication: true, DataGroups: []int{1, 14}})
	require.NoError(t, err)
	assert.True(t, e.ChipAuthenticated)
	si, err := e.DG14()
	require.NoError(t, err)
	require.Len(t, si.ChipAuthenticationPublicKeys, 1)
	_, err = e.Verify(PAOptions{CSCA: pool(pki.csca)})
	require.NoError(t, err)

	// A clone with a different key cannot continue the session.
	other, err := NewCAKey(ParamDH2048256, nil)
	require.NoError(t, err)
	card.ca = other
	c = scard.NewCard(card, scard.CardOptions{})
	_, err = Read(t.Context(), c, ReadOptions{MRZ: key, ChipAuthentication: true, DataGroups: []int{1}})
	require.ErrorIs(t, err, scard.ErrSecureMessaging)
}

func lenBytes(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	}
	return []byte{0x82, byte(n >> 8), byte(n)}
}
