package scard

import (
	"context"
	"errors"
)

// chipTransmitter is a minimal BAC-only card for tests.
type chipTransmitter struct{ chip *BACChip }

func (c chipTransmitter) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return Response{SW: SWWrongLength}.Bytes(), nil
	}
	switch cmd.INS {
	case InsGetChallenge:
		r, err := c.chip.Challenge()
		if err != nil {
			return nil, err
		}
		return Response{Data: r, SW: SWSuccess}.Bytes(), nil
	case InsExternalAuthenticate:
		r, _, err := c.chip.MutualAuthenticate(cmd.Data)
		if errors.Is(err, ErrAuthentication) {
			return Response{SW: SWSecurityStatusNotSatisfied}.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		return Response{Data: r, SW: SWSuccess}.Bytes(), nil
	}
	return Response{SW: SWInsNotSupported}.Bytes(), nil
}

// paceCard is a minimal PACE card for tests: MSE:SET AT, GENERAL
// AUTHENTICATE, and an SM-protected READ BINARY answering "echo".
type paceCard struct {
	info PACEInfo
	pw   PACEPassword
	chip *PACEChip
	sm   *SecureMessaging
}

func (c *paceCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return Response{SW: SWWrongLength}.Bytes(), nil
	}
	if c.sm != nil && cmd.CLA&ClaSM == ClaSM {
		plain, err := c.sm.UnwrapCommand(cmd)
		if err != nil {
			c.sm = nil
			return Response{SW: SWSMObjectsIncorrect}.Bytes(), nil
		}
		r, _ := c.sm.WrapResponse(Response{Data: []byte("echo")[:plain.Ne], SW: SWSuccess})
		return r.Bytes(), nil
	}
	switch cmd.INS {
	case InsManageSecurityEnvironment:
		proto, kind, _, err := ParseMSESetATPACE(cmd.Data)
		if err != nil || kind != c.pw.Kind() || proto.String() != c.info.Protocol.String() {
			return Response{SW: SWRefDataNotFound}.Bytes(), nil
		}
		c.chip, err = NewPACEChip(c.info, c.pw, nil)
		if err != nil {
			return nil, err
		}
		return Response{SW: SWSuccess}.Bytes(), nil
	case InsGeneralAuthenticate:
		if c.chip == nil {
			return Response{SW: SWConditionsNotSatisfied}.Bytes(), nil
		}
		r, err := c.chip.GeneralAuthenticate(cmd.Data)
		if errors.Is(err, ErrAuthentication) {
			c.chip = nil
			return Response{SW: SWNoInformation}.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		if c.chip.Done() {
			c.sm = c.chip.SecureMessaging()
		}
		return Response{Data: r, SW: SWSuccess}.Bytes(), nil
	}
	return Response{SW: SWInsNotSupported}.Bytes(), nil
}
