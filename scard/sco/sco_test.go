package sco

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
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scoCard is a minimal card side of the ciekit SCO profile for tests of
// Client (the full simulator is scard/cardsim.SCO).
type scoCard struct {
	info            Info
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
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return scard.Response{SW: scard.SWWrongLength}.Bytes(), nil
	}
	return c.handle(cmd).Bytes(), nil
}

func (c *scoCard) handle(cmd scard.Command) scard.Response {
	revoked := c.info.State == Revoked
	switch cmd.INS {
	case scard.InsSelect:
		if cmd.P1 == 4 {
			c.selApp = string(cmd.Data) == string(AID())
			if !c.selApp {
				return scard.Response{SW: scard.SWFileNotFound}
			}
			return scard.Response{SW: scard.SWSuccess}
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		switch fid {
		case FIDInfo:
			c.selected = c.info.Marshal()
		case FIDAuthCert:
			c.selected = c.certs[1]
		case FIDSignCert:
			c.selected = c.certs[2]
		default:
			return scard.Response{SW: scard.SWFileNotFound}
		}
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsReadBinary:
		off := int(cmd.P1)<<8 | int(cmd.P2)
		end := min(off+cmd.Ne, len(c.selected))
		if off > len(c.selected) {
			return scard.Response{SW: scard.SWWrongOffset}
		}
		return scard.Response{Data: c.selected[off:end], SW: scard.SWSuccess}
	case scard.InsVerify:
		ref, tries, ok := c.pin, &c.pinTries, &c.pinOK
		if cmd.P2 == RefSO {
			ref, tries, ok = c.so, &c.soTry, &c.soOK
		}
		if len(cmd.Data) == 0 {
			if *ok {
				return scard.Response{SW: scard.SWSuccess}
			}
			return scard.Response{SW: 0x63C0 | uint16(*tries)}
		}
		if *tries == 0 {
			return scard.Response{SW: scard.SWAuthMethodBlocked}
		}
		if ref == nil || subtle.ConstantTimeCompare(ref, cmd.Data) != 1 {
			*tries--
			return scard.Response{SW: 0x63C0 | uint16(*tries)}
		}
		*ok = true
		return scard.Response{SW: scard.SWSuccess}
	}
	if revoked {
		return scard.Response{SW: scard.SWConditionsNotSatisfied}
	}
	switch cmd.INS {
	case scard.InsResetRetryCounter:
		if !c.soOK {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
		}
		if c.info.State != Issued {
			return scard.Response{SW: scard.SWConditionsNotSatisfied}
		}
		c.pin, c.pinTries, c.info.State = append([]byte(nil), cmd.Data...), 3, Active
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsPutData:
		if !c.soOK {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
		}
		c.info.Sede = string(cmd.Data)
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsTerminateDF:
		if !c.soOK {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
		}
		c.info.State = Revoked
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsManageSecurityEnvironment:
		c.alg, c.key = cmd.Data[2], cmd.Data[5]
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsPerformSecurityOperation, scard.InsInternalAuthenticate:
		if !c.pinOK || c.info.State != Active {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
		}
		k := c.keys[c.key]
		var sig []byte
		var err error
		if c.alg == AlgRSA {
			sig, err = rsa.SignPKCS1v15(nil, k.(*rsa.PrivateKey), 0, cmd.Data)
		} else {
			sig, err = ecdsa.SignASN1(rand.Reader, k.(*ecdsa.PrivateKey), cmd.Data)
		}
		if err != nil {
			return scard.Response{SW: scard.SWWrongData}
		}
		return scard.Response{Data: sig, SW: scard.SWSuccess}
	}
	return scard.Response{SW: scard.SWInsNotSupported}
}

// operatorKeys are the operator card's two keys (ECDSA P-256 for
// authentication, RSA for signing), with certificates from one test CA.
var operatorKeys = sync.OnceValue(func() (k struct {
	ec, rsa         crypto.Signer
	ecCert, rsaCert []byte
}) {
	ca, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test operator CA"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), KeyUsage: x509.KeyUsageCertSign}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	issue := func(serial int64, pub crypto.PublicKey) []byte {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "Operatore"},
			NotBefore: caT.NotBefore, NotAfter: caT.NotAfter, KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caT, pub, ca)
		if err != nil {
			panic(err)
		}
		return der
	}
	k.ec, k.rsa, k.ecCert, k.rsaCert = ec, rk, issue(10, ec.Public()), issue(11, rk.Public())
	return k
})

func newSCOCard(t *testing.T) *scoCard {
	k := operatorKeys()
	return &scoCard{
		info: Info{State: Issued, Serial: "SCO0001", Operator: "RSSMRA64M12H501R"},
		so:   []byte("Segreto-SO-2024"), pinTries: 3, soTry: 5,
		keys:  map[byte]crypto.Signer{1: k.ec, 2: k.rsa},
		certs: map[byte][]byte{1: k.ecCert, 2: k.rsaCert},
	}
}

func TestSCOClientLifeCycle(t *testing.T) {
	t.Parallel()
	card := newSCOCard(t)
	ctx := t.Context()
	s := NewClient(scard.NewCard(card, scard.CardOptions{}))
	require.NoError(t, s.Select(ctx))
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, Issued, info.State)

	so, err := NewMasterPassword("Segreto-SO-2024")
	require.NoError(t, err)
	wrongSO, _ := NewMasterPassword("sbagliato!")
	pin, _ := scard.NewPIN("13572468")

	err = s.Activate(ctx, wrongSO, pin)
	var pe *scard.PINError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 4, pe.Retries)
	assert.NotContains(t, err.Error(), "sbagliato")
	require.NoError(t, s.Activate(ctx, so, pin))
	require.NoError(t, s.AssociateSede(ctx, so, "H501-01"))
	info, err = s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, Active, info.State)
	assert.Equal(t, "H501-01", info.Sede)

	digest := sha256.Sum256([]byte("richiesta CIE"))
	_, err = s.Sign(ctx, KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrSecurityStatus, "signing before login")
	require.NoError(t, s.Login(ctx, pin))
	sig, err := s.Sign(ctx, KeySignature, digest[:], crypto.SHA256)
	require.NoError(t, err)
	cert, err := s.Certificate(ctx, KeySignature)
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig))

	signer, err := s.Signer(ctx, KeyAuthentication)
	require.NoError(t, err)
	sig, err = signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	require.NoError(t, err)
	assert.True(t, ecdsa.VerifyASN1(signer.Public().(*ecdsa.PublicKey), digest[:], sig))

	require.NoError(t, s.Revoke(ctx, so))
	_, err = s.Sign(ctx, KeySignature, digest[:], crypto.SHA256)
	require.ErrorIs(t, err, scard.ErrConditionsNotSatisfied)
	info, err = s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, Revoked, info.State)
}

func TestMasterPasswordRedacts(t *testing.T) {
	t.Parallel()
	mp, err := NewMasterPassword("topsecret!")
	require.NoError(t, err)
	for _, v := range []any{mp, &mp} {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(f, v), "topsecret")
		}
	}
}
