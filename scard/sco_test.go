package scard

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scoCard is a minimal card side of the ciekit SCO profile for tests of
// SCOClient (the full simulator is scard/cardsim.SCO).
type scoCard struct {
	info            SCOInfo
	pin, so         []byte
	pinTries, soTry int
	pinOK, soOK     bool
	selected        []byte
	selApp          bool
	keys            map[byte]crypto.Signer
	certs           map[byte][]byte
	alg, key        byte
}

func (c *scoCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return Response{SW: SWWrongLength}.Bytes(), nil
	}
	return c.handle(cmd).Bytes(), nil
}

func (c *scoCard) handle(cmd Command) Response {
	revoked := c.info.State == SCORevoked
	switch cmd.INS {
	case InsSelect:
		if cmd.P1 == 4 {
			c.selApp = string(cmd.Data) == string(AIDSCO())
			if !c.selApp {
				return Response{SW: SWFileNotFound}
			}
			return Response{SW: SWSuccess}
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		switch fid {
		case FIDSCOInfo:
			c.selected = c.info.Marshal()
		case FIDSCOAuthCert:
			c.selected = c.certs[1]
		case FIDSCOSignCert:
			c.selected = c.certs[2]
		default:
			return Response{SW: SWFileNotFound}
		}
		return Response{SW: SWSuccess}
	case InsReadBinary:
		off := int(cmd.P1)<<8 | int(cmd.P2)
		end := min(off+cmd.Ne, len(c.selected))
		if off > len(c.selected) {
			return Response{SW: SWWrongOffset}
		}
		return Response{Data: c.selected[off:end], SW: SWSuccess}
	case InsVerify:
		ref, tries, ok := c.pin, &c.pinTries, &c.pinOK
		if cmd.P2 == SCORefSO {
			ref, tries, ok = c.so, &c.soTry, &c.soOK
		}
		if len(cmd.Data) == 0 {
			if *ok {
				return Response{SW: SWSuccess}
			}
			return Response{SW: 0x63C0 | uint16(*tries)}
		}
		if *tries == 0 {
			return Response{SW: SWAuthMethodBlocked}
		}
		if ref == nil || subtle.ConstantTimeCompare(ref, cmd.Data) != 1 {
			*tries--
			return Response{SW: 0x63C0 | uint16(*tries)}
		}
		*ok = true
		return Response{SW: SWSuccess}
	}
	if revoked {
		return Response{SW: SWConditionsNotSatisfied}
	}
	switch cmd.INS {
	case InsResetRetryCounter:
		if !c.soOK {
			return Response{SW: SWSecurityStatusNotSatisfied}
		}
		if c.info.State != SCOIssued {
			return Response{SW: SWConditionsNotSatisfied}
		}
		c.pin, c.pinTries, c.info.State = append([]byte(nil), cmd.Data...), 3, SCOActive
		return Response{SW: SWSuccess}
	case InsPutData:
		if !c.soOK {
			return Response{SW: SWSecurityStatusNotSatisfied}
		}
		c.info.Sede = string(cmd.Data)
		return Response{SW: SWSuccess}
	case InsTerminateDF:
		if !c.soOK {
			return Response{SW: SWSecurityStatusNotSatisfied}
		}
		c.info.State = SCORevoked
		return Response{SW: SWSuccess}
	case InsManageSecurityEnvironment:
		c.alg, c.key = cmd.Data[2], cmd.Data[5]
		return Response{SW: SWSuccess}
	case InsPerformSecurityOperation, InsInternalAuthenticate:
		if !c.pinOK || c.info.State != SCOActive {
			return Response{SW: SWSecurityStatusNotSatisfied}
		}
		k := c.keys[c.key]
		var sig []byte
		var err error
		if c.alg == SCOAlgRSA {
			sig, err = rsa.SignPKCS1v15(nil, k.(*rsa.PrivateKey), 0, cmd.Data)
		} else {
			sig, err = ecdsa.SignASN1(rand.Reader, k.(*ecdsa.PrivateKey), cmd.Data)
		}
		if err != nil {
			return Response{SW: SWWrongData}
		}
		return Response{Data: sig, SW: SWSuccess}
	}
	return Response{SW: SWInsNotSupported}
}

func newSCOCard(t *testing.T) *scoCard {
	pki := pkiOnce()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(10), Subject: pkix.Name{CommonName: "Operatore"},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	authDER, err := x509.CreateCertificate(rand.Reader, tmpl, pki.dsCert, ecKey.Public(), pki.dsKey)
	require.NoError(t, err)
	return &scoCard{
		info: SCOInfo{State: SCOIssued, Serial: "SCO0001", Operator: "RSSMRA64M12H501R"},
		so:   []byte("Segreto-SO-2024"), pinTries: 3, soTry: 5,
		keys:  map[byte]crypto.Signer{1: ecKey, 2: pki.rsaKey},
		certs: map[byte][]byte{1: authDER, 2: pki.rsaCert.Raw},
	}
}

func TestSCOClientLifeCycle(t *testing.T) {
	t.Parallel()
	card := newSCOCard(t)
	ctx := t.Context()
	s := NewSCOClient(NewCard(card, nil))
	require.NoError(t, s.Select(ctx))
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, SCOIssued, info.State)

	so, err := NewMasterPassword("Segreto-SO-2024")
	require.NoError(t, err)
	wrongSO, _ := NewMasterPassword("sbagliato!")
	pin, _ := NewPIN("13572468")

	err = s.Activate(ctx, wrongSO, pin)
	var pe *PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 4, pe.Retries)
	assert.NotContains(t, err.Error(), "sbagliato")
	require.NoError(t, s.Activate(ctx, so, pin))
	require.NoError(t, s.AssociateSede(ctx, so, "H501-01"))
	info, err = s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, SCOActive, info.State)
	assert.Equal(t, "H501-01", info.Sede)

	digest := sha256.Sum256([]byte("richiesta CIE"))
	_, err = s.Sign(ctx, SCOKeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, ErrSecurityStatus, "signing before login")
	require.NoError(t, s.Login(ctx, pin))
	sig, err := s.Sign(ctx, SCOKeySignature, digest[:], crypto.SHA256)
	require.NoError(t, err)
	cert, err := s.Certificate(ctx, SCOKeySignature)
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig))

	signer, err := s.Signer(ctx, SCOKeyAuthentication)
	require.NoError(t, err)
	sig, err = signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	require.NoError(t, err)
	assert.True(t, ecdsa.VerifyASN1(signer.Public().(*ecdsa.PublicKey), digest[:], sig))

	require.NoError(t, s.Revoke(ctx, so))
	_, err = s.Sign(ctx, SCOKeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, ErrConditionsNotSatisfied)
	info, err = s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, SCORevoked, info.State)
}

func TestSecretsRedact(t *testing.T) {
	t.Parallel()
	pin, err := NewPIN("12345678")
	require.NoError(t, err)
	puk, _ := NewPUK("87654321")
	mp, _ := NewMasterPassword("topsecret!")
	for _, v := range []any{pin, puk, mp, &pin} {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmtSprintf(f, v)
			assert.NotContains(t, s, "12345678")
			assert.NotContains(t, s, "87654321")
			assert.NotContains(t, s, "topsecret")
		}
	}
	_, err = NewPIN("12a4")
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.NotContains(t, err.Error(), "12a4")
	q, _ := NewPIN("12345678")
	assert.True(t, pin.Equal(q))
	q.Zero()
	assert.False(t, pin.Equal(q))
}
