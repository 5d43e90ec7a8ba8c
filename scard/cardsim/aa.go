package cardsim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// withAA adds DG15 to dg when cfg asks for active authentication and
// keeps the key.
func (c *CIE) withAA(cfg CIEOptions, dg map[int][]byte) (map[int][]byte, error) {
	k := cfg.ActiveAuthentication
	if k == nil {
		return dg, nil
	}
	switch k.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey:
	default:
		return nil, errors.New("cardsim: CIEOptions.ActiveAuthentication must be an *rsa.PrivateKey or *ecdsa.PrivateKey")
	}
	b, err := emrtd.MarshalDG15(k.Public())
	if err != nil {
		return nil, err
	}
	dg[15] = b
	c.aaKey, c.aaHash = k, crypto.Hash(0)
	return dg, nil
}

// activeAuthenticate answers INTERNAL AUTHENTICATE in the eMRTD
// application (ICAO Doc 9303-11 6.1): an 8-byte challenge, signed.
func (c *CIE) activeAuthenticate(cmd scard.Command) scard.Response {
	if c.s.sm == nil {
		return sw(scard.SWSecurityStatusNotSatisfied)
	}
	if len(cmd.Data) != 8 {
		return sw(scard.SWWrongLength)
	}
	sig, err := emrtd.SignActiveAuthentication(c.aaKey, c.aaHash, cmd.Data, c.rand)
	if err != nil {
		return sw(scard.SWUnknown)
	}
	return ok(sig)
}
