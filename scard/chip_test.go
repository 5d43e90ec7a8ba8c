package scard

import (
	"context"
	"errors"

	"github.com/ciekit/ciekit/internal/tlv"
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

// fsCard is a small eMRTD card for tests of the read path: MF with
// EF.CardAccess, the eMRTD application with files, BAC, PACE and SM.
type fsCard struct {
	mf, app  map[uint16][]byte
	inApp    bool
	selected []byte
	bac      *BACChip
	paceInfo PACEInfo
	pw       PACEPassword
	pace     *PACEChip
	sm       *SecureMessaging
	cmds     int
	ca       *CAKey
	caCipher Cipher
	nextSM   *SecureMessaging
}

func (c *fsCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	c.cmds++
	cmd, err := ParseCommand(capdu)
	if err != nil {
		return Response{SW: SWWrongLength}.Bytes(), nil
	}
	sm := c.sm
	if cmd.CLA&ClaSM == ClaSM {
		if sm == nil {
			return Response{SW: SWSMObjectsMissing}.Bytes(), nil
		}
		if cmd, err = sm.UnwrapCommand(cmd); err != nil {
			c.sm = nil
			return Response{SW: SWSMObjectsIncorrect}.Bytes(), nil
		}
	} else if sm != nil {
		c.sm, sm = nil, nil // plain command ends the session
	}
	r := c.handle(cmd)
	if sm != nil && c.sm == sm {
		r, _ = sm.WrapResponse(r)
	}
	if c.nextSM != nil {
		c.sm, c.nextSM = c.nextSM, nil
	}
	return r.Bytes(), nil
}

func (c *fsCard) handle(cmd Command) Response {
	switch cmd.INS {
	case InsSelect:
		switch cmd.P1 {
		case 0x00:
			if string(cmd.Data) == "\x3F\x00" {
				c.inApp, c.selected = false, nil
				return Response{SW: SWSuccess}
			}
			return Response{SW: SWFileNotFound}
		case 0x04:
			if string(cmd.Data) == string(AIDeMRTD()) {
				c.inApp, c.selected = true, nil
				return Response{SW: SWSuccess}
			}
			return Response{SW: SWFileNotFound}
		case 0x02:
			if len(cmd.Data) != 2 {
				return Response{SW: SWWrongLength}
			}
			fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
			files := c.mf
			if c.inApp {
				files = c.app
			}
			f, ok := files[fid]
			if !ok {
				return Response{SW: SWFileNotFound}
			}
			if c.inApp && c.sm == nil {
				return Response{SW: SWSecurityStatusNotSatisfied}
			}
			c.selected = f
			return Response{SW: SWSuccess}
		}
		return Response{SW: SWIncorrectP1P2}
	case InsReadBinary:
		if c.selected == nil {
			return Response{SW: SWConditionsNotSatisfied}
		}
		off := int(cmd.P1)<<8 | int(cmd.P2)
		if off > len(c.selected) {
			return Response{SW: SWWrongOffset}
		}
		end := min(off+cmd.Ne, len(c.selected))
		r := Response{Data: c.selected[off:end], SW: SWSuccess}
		if end-off < cmd.Ne {
			r.SW = SWEndOfFile
		}
		return r
	case InsReadBinaryOdd:
		if c.selected == nil {
			return Response{SW: SWConditionsNotSatisfied}
		}
		v, ok := tlv.Find(cmd.Data, 0x54)
		if !ok {
			return Response{SW: SWWrongData}
		}
		off := 0
		for _, x := range v {
			off = off<<8 | int(x)
		}
		if off > len(c.selected) {
			return Response{SW: SWWrongOffset}
		}
		end := min(off+cmd.Ne-4, len(c.selected))
		return Response{Data: tlv.Append(nil, 0x53, c.selected[off:end]), SW: SWSuccess}
	case InsGetChallenge:
		ch, _ := c.bac.Challenge()
		return Response{Data: ch, SW: SWSuccess}
	case InsExternalAuthenticate:
		resp, sm, err := c.bac.MutualAuthenticate(cmd.Data)
		if err != nil {
			return Response{SW: SWSecurityStatusNotSatisfied}
		}
		c.sm = sm
		// the response itself goes out in plain
		return Response{Data: resp, SW: SWSuccess}
	case InsManageSecurityEnvironment:
		if cmd.P1 == 0x41 && cmd.P2 == 0xA6 && c.ca != nil && c.sm != nil {
			pk, ok := tlv.Find(cmd.Data, 0x91)
			if !ok {
				return Response{SW: SWWrongData}
			}
			next, err := c.ca.Agree(c.caCipher, pk)
			if err != nil {
				return Response{SW: SWWrongData}
			}
			c.nextSM = next
			return Response{SW: SWSuccess}
		}
		c.pace, _ = NewPACEChip(c.paceInfo, c.pw, nil)
		return Response{SW: SWSuccess}
	case InsGeneralAuthenticate:
		if c.pace == nil {
			return Response{SW: SWConditionsNotSatisfied}
		}
		r, err := c.pace.GeneralAuthenticate(cmd.Data)
		if err != nil {
			c.pace = nil
			return Response{SW: SWNoInformation}
		}
		if c.pace.Done() {
			c.sm = c.pace.SecureMessaging()
		}
		return Response{Data: r, SW: SWSuccess}
	}
	return Response{SW: SWInsNotSupported}
}
