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
