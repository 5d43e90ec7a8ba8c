package cardsim

import (
	"errors"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// offeredPACE returns the PACE protocols a simulated CIE offers, in
// EF.CardAccess and DG14: id-PACE-DH-GM-3DES-CBC-CBC version 2 with
// parameter 2, as on real CIEs, and with ecdh also
// id-PACE-ECDH-GM-AES-CBC-CMAC-128 with parameter 12 (NIST P-256).
func offeredPACE(ecdh bool) []emrtd.PACEInfo {
	infos := []emrtd.PACEInfo{{Protocol: oidPACEDHGM3DES, Version: 2, ParameterID: emrtd.ParamDH2048256}}
	if ecdh {
		infos = append(infos, emrtd.PACEInfo{Protocol: oidPACEECDHGMAES128, Version: 2, ParameterID: emrtd.ParamP256})
	}
	return infos
}

// paceMSE handles MSE:SET AT for PACE (ICAO Doc 9303-11 4.4.4.1, D.3):
// DO 80 protocol, DO 83 password reference (01 MRZ, 02 CAN), optional DO 84
// parameter ID. It starts a new run and ends any secure messaging.
func (c *CIE) paceMSE(cmd scard.Command) scard.Response {
	c.s.pace = nil
	oid, kind, param, err := emrtd.ParseMSESetATPACE(cmd.Data)
	if err != nil {
		return sw(scard.SWWrongData)
	}
	var info *emrtd.PACEInfo
	for _, in := range offeredPACE(c.ecdh) {
		if in.Protocol.Equal(oid) && (param < 0 || param == in.ParameterID) {
			info = &in
			break
		}
	}
	if info == nil {
		return sw(scard.SWRefDataNotFound)
	}
	var pw emrtd.PACEPassword
	switch kind {
	case emrtd.PasswordCAN:
		pw = c.can.Password()
	case emrtd.PasswordMRZ:
		pw, err = emrtd.MRZPassword(c.mrzKey)
	default:
		return sw(scard.SWRefDataNotFound) // PIN/PUK-keyed PACE is not on the CIE
	}
	if err != nil {
		return sw(scard.SWUnknown)
	}
	chip, err := emrtd.NewPACEChip(*info, pw, c.rand)
	if errors.Is(err, scard.ErrNotSupported) {
		return sw(scard.SWRefDataNotFound)
	}
	if err != nil {
		return sw(scard.SWUnknown)
	}
	c.s.pace = chip
	return ok(nil)
}

// generalAuthenticate runs one PACE step. The first three steps come with
// CLA bit 10 (command chaining), the last without. A failed step answers
// 6300 and forgets the run; the terminal must start again with MSE:SET AT.
func (c *CIE) generalAuthenticate(cmd scard.Command, chained bool) scard.Response {
	chip := c.s.pace
	if chip == nil {
		return sw(scard.SWConditionsNotSatisfied)
	}
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(scard.SWIncorrectP1P2)
	}
	resp, err := chip.GeneralAuthenticate(cmd.Data)
	if err != nil {
		c.s.pace = nil
		if errors.Is(err, scard.ErrAuthentication) {
			return sw(scard.SWNoInformation)
		}
		return sw(scard.SWUnknown)
	}
	if chip.Done() {
		c.s.pace = nil
		if chained {
			return sw(scard.SWConditionsNotSatisfied)
		}
		c.s.sm = chip.SecureMessaging()
		c.newSM(chip.ID())
	}
	return ok(resp)
}
