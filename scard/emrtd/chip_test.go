package emrtd

import (
	"context"
	"errors"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
)

// chipTransmitter is a minimal BAC-only card for tests.
type chipTransmitter struct{ chip *BACChip }

func (c chipTransmitter) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return scard.Response{SW: scard.SWWrongLength}.Bytes(), nil
	}
	switch cmd.INS {
	case scard.InsGetChallenge:
		r, err := c.chip.Challenge()
		if err != nil {
			return nil, err
		}
		return scard.Response{Data: r, SW: scard.SWSuccess}.Bytes(), nil
	case scard.InsExternalAuthenticate:
		r, _, err := c.chip.MutualAuthenticate(cmd.Data)
		if errors.Is(err, scard.ErrAuthentication) {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		return scard.Response{Data: r, SW: scard.SWSuccess}.Bytes(), nil
	}
	return scard.Response{SW: scard.SWInsNotSupported}.Bytes(), nil
}

// paceCard is a minimal PACE card for tests: MSE:SET AT, GENERAL
// AUTHENTICATE, and an SM-protected READ BINARY answering "echo".
type paceCard struct {
	info PACEInfo
	pw   PACEPassword
	cam  *CAKey // Chip Authentication Mapping key
	chip *PACEChip
	sm   *scard.SecureMessaging
}

func (c *paceCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return scard.Response{SW: scard.SWWrongLength}.Bytes(), nil
	}
	if c.sm != nil && cmd.CLA&scard.ClaSM == scard.ClaSM {
		plain, err := c.sm.UnwrapCommand(cmd)
		if err != nil {
			c.sm = nil
			return scard.Response{SW: scard.SWSMObjectsIncorrect}.Bytes(), nil
		}
		r, _ := c.sm.WrapResponse(scard.Response{Data: []byte("echo")[:plain.Ne], SW: scard.SWSuccess})
		return r.Bytes(), nil
	}
	switch cmd.INS {
	case scard.InsManageSecurityEnvironment:
		proto, kind, _, err := ParseMSESetATPACE(cmd.Data)
		if err != nil || kind != c.pw.Kind() || proto.String() != c.info.Protocol.String() {
			return scard.Response{SW: scard.SWRefDataNotFound}.Bytes(), nil
		}
		c.chip, err = NewPACEChipCAM(c.info, c.pw, c.cam, nil)
		if err != nil {
			return nil, err
		}
		return scard.Response{SW: scard.SWSuccess}.Bytes(), nil
	case scard.InsGeneralAuthenticate:
		if c.chip == nil {
			return scard.Response{SW: scard.SWConditionsNotSatisfied}.Bytes(), nil
		}
		r, err := c.chip.GeneralAuthenticate(cmd.Data)
		if errors.Is(err, scard.ErrAuthentication) {
			c.chip = nil
			return scard.Response{SW: scard.SWNoInformation}.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		if c.chip.Done() {
			c.sm = c.chip.SecureMessaging()
		}
		return scard.Response{Data: r, SW: scard.SWSuccess}.Bytes(), nil
	}
	return scard.Response{SW: scard.SWInsNotSupported}.Bytes(), nil
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
	cam      *CAKey // PACE-CAM key
	pace     *PACEChip
	sm       *scard.SecureMessaging
	cmds     int
	ca       *CAKey
	caCipher scard.Cipher
	nextSM   *scard.SecureMessaging
}

func (c *fsCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	c.cmds++
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return scard.Response{SW: scard.SWWrongLength}.Bytes(), nil
	}
	sm := c.sm
	if cmd.CLA&scard.ClaSM == scard.ClaSM {
		if sm == nil {
			return scard.Response{SW: scard.SWSMObjectsMissing}.Bytes(), nil
		}
		if cmd, err = sm.UnwrapCommand(cmd); err != nil {
			c.sm = nil
			return scard.Response{SW: scard.SWSMObjectsIncorrect}.Bytes(), nil
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

func (c *fsCard) handle(cmd scard.Command) scard.Response {
	switch cmd.INS {
	case scard.InsSelect:
		switch cmd.P1 {
		case 0x00:
			if string(cmd.Data) == "\x3F\x00" {
				c.inApp, c.selected = false, nil
				return scard.Response{SW: scard.SWSuccess}
			}
			return scard.Response{SW: scard.SWFileNotFound}
		case 0x04:
			if string(cmd.Data) == string(AID()) {
				c.inApp, c.selected = true, nil
				return scard.Response{SW: scard.SWSuccess}
			}
			return scard.Response{SW: scard.SWFileNotFound}
		case 0x02:
			if len(cmd.Data) != 2 {
				return scard.Response{SW: scard.SWWrongLength}
			}
			fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
			files := c.mf
			if c.inApp {
				files = c.app
			}
			f, ok := files[fid]
			if !ok {
				return scard.Response{SW: scard.SWFileNotFound}
			}
			if c.inApp && c.sm == nil {
				return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
			}
			c.selected = f
			return scard.Response{SW: scard.SWSuccess}
		}
		return scard.Response{SW: scard.SWIncorrectP1P2}
	case scard.InsReadBinary:
		if c.selected == nil {
			return scard.Response{SW: scard.SWConditionsNotSatisfied}
		}
		off := int(cmd.P1)<<8 | int(cmd.P2)
		if off > len(c.selected) {
			return scard.Response{SW: scard.SWWrongOffset}
		}
		end := min(off+cmd.Ne, len(c.selected))
		r := scard.Response{Data: c.selected[off:end], SW: scard.SWSuccess}
		if end-off < cmd.Ne {
			r.SW = scard.SWEndOfFile
		}
		return r
	case scard.InsReadBinaryOdd:
		if c.selected == nil {
			return scard.Response{SW: scard.SWConditionsNotSatisfied}
		}
		v, ok := tlv.Find(cmd.Data, 0x54)
		if !ok {
			return scard.Response{SW: scard.SWWrongData}
		}
		off := 0
		for _, x := range v {
			off = off<<8 | int(x)
		}
		if off > len(c.selected) {
			return scard.Response{SW: scard.SWWrongOffset}
		}
		end := min(off+cmd.Ne-4, len(c.selected))
		return scard.Response{Data: tlv.Append(nil, 0x53, c.selected[off:end]), SW: scard.SWSuccess}
	case scard.InsGetChallenge:
		ch, _ := c.bac.Challenge()
		return scard.Response{Data: ch, SW: scard.SWSuccess}
	case scard.InsExternalAuthenticate:
		resp, sm, err := c.bac.MutualAuthenticate(cmd.Data)
		if err != nil {
			return scard.Response{SW: scard.SWSecurityStatusNotSatisfied}
		}
		c.sm = sm
		// the response itself goes out in plain
		return scard.Response{Data: resp, SW: scard.SWSuccess}
	case scard.InsManageSecurityEnvironment:
		if cmd.P1 == 0x41 && cmd.P2 == 0xA6 && c.ca != nil && c.sm != nil {
			pk, ok := tlv.Find(cmd.Data, 0x91)
			if !ok {
				return scard.Response{SW: scard.SWWrongData}
			}
			next, err := c.ca.Agree(c.caCipher, pk)
			if err != nil {
				return scard.Response{SW: scard.SWWrongData}
			}
			c.nextSM = next
			return scard.Response{SW: scard.SWSuccess}
		}
		c.pace, _ = NewPACEChipCAM(c.paceInfo, c.pw, c.cam, nil)
		return scard.Response{SW: scard.SWSuccess}
	case scard.InsGeneralAuthenticate:
		if c.pace == nil {
			return scard.Response{SW: scard.SWConditionsNotSatisfied}
		}
		r, err := c.pace.GeneralAuthenticate(cmd.Data)
		if err != nil {
			c.pace = nil
			return scard.Response{SW: scard.SWNoInformation}
		}
		if c.pace.Done() {
			c.sm = c.pace.SecureMessaging()
		}
		return scard.Response{Data: r, SW: scard.SWSuccess}
	}
	return scard.Response{SW: scard.SWInsNotSupported}
}
