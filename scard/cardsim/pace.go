package cardsim

import (
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// offeredPACE returns the PACE protocols a simulated CIE offers by
// default, in EF.CardAccess and DG14: id-PACE-DH-GM-3DES-CBC-CBC version 2
// with parameter 2, as on real CIEs, and with ecdh also
// id-PACE-ECDH-GM-AES-CBC-CMAC-128 with parameter 12 (NIST P-256).
// [CIEOptions.PACEInfos] replaces them.
func offeredPACE(ecdh bool) []emrtd.PACEInfo {
	infos := []emrtd.PACEInfo{{Protocol: oidPACEDHGM3DES, Version: 2, ParameterID: emrtd.ParamDH2048256}}
	if ecdh {
		infos = append(infos, emrtd.PACEInfo{Protocol: oidPACEECDHGMAES128, Version: 2, ParameterID: emrtd.ParamP256})
	}
	return infos
}

var (
	oidPACEECDHIMAES128  = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 4, 2}
	oidPACEECDHCAMAES128 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4, 6, 2}
	oidCAECDHAES128      = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 3, 2, 2}
)

// PACEIntegratedMapping returns, for [CIEOptions.PACEInfos], the one
// PACEInfo of a document that offers only PACE with Integrated Mapping:
// id-PACE-ECDH-IM-AES-CBC-CMAC-128 (0.4.0.127.0.7.2.2.4.4.2) on
// brainpoolP256r1 (parameter 13), the setting of ICAO Doc 9303-11
// appendix H.1. Real CIEs do not offer it.
func PACEIntegratedMapping() []emrtd.PACEInfo {
	return []emrtd.PACEInfo{{Protocol: oidPACEECDHIMAES128, Version: 2, ParameterID: emrtd.ParamBrainpool256}}
}

// PACEChipAuthenticationMapping returns, for [CIEOptions.PACEInfos], the
// one PACEInfo of a document that offers only PACE with Chip
// Authentication Mapping: id-PACE-ECDH-CAM-AES-CBC-CMAC-128
// (0.4.0.127.0.7.2.2.4.6.2) on brainpoolP256r1 (parameter 13), the
// setting of ICAO Doc 9303-11 appendix I. The card then has an ECDH chip
// authentication key on that curve, published in DG14 and in a signed
// EF.CardSecurity. Real CIEs do not offer it.
func PACEChipAuthenticationMapping() []emrtd.PACEInfo {
	return []emrtd.PACEInfo{{Protocol: oidPACEECDHCAMAES128, Version: 2, ParameterID: emrtd.ParamBrainpool256}}
}

// pace is the PACE configuration of a simulated card: the PACEInfos it
// offers and, for Chip Authentication Mapping, its ECDH keys by parameter
// ID.
type pace struct {
	infos   []emrtd.PACEInfo // CIEOptions.PACEInfos, or offeredPACE(ecdh)
	camKeys map[int]*emrtd.CAKey
}

// setupPACE checks CIEOptions.PACEInfos (nil: the CIE's, [offeredPACE])
// and makes the CAM keys.
func (c *CIE) setupPACE(infos []emrtd.PACEInfo) error {
	if infos == nil {
		c.pace.infos = offeredPACE(c.ecdh)
		return nil
	}
	if len(infos) == 0 {
		return errors.New("cardsim: CIEOptions.PACEInfos is empty (nil means the default)")
	}
	c.pace.infos = append([]emrtd.PACEInfo(nil), infos...)
	for i, info := range infos {
		if !emrtd.PACESupported(info) {
			return fmt.Errorf("cardsim: CIEOptions.PACEInfos[%d]: %s with parameters %d is not implemented", i, info.Protocol, info.ParameterID)
		}
		if info.Mapping() != emrtd.MappingChipAuthentication || c.pace.camKeys[info.ParameterID] != nil {
			continue
		}
		k, err := emrtd.NewCAKey(info.ParameterID, c.rand)
		if err != nil {
			return err
		}
		if c.pace.camKeys == nil {
			c.pace.camKeys = map[int]*emrtd.CAKey{}
		}
		c.pace.camKeys[info.ParameterID] = k
	}
	return nil
}

// cardAccess returns the card's own EF.CardAccess: its PACEInfos.
func (c *CIE) cardAccess() []byte {
	return emrtd.MarshalSecurityInfos(marshalPACEInfos(c.pace.infos)...)
}

// paceFiles returns EF.CardAccess, DG14 and EF.CardSecurity (nil unless
// the card offers CAM): DG14 lists the PACEInfos and, for CAM, the chip
// authentication entries of the ECDH keys (keyId = parameter ID), which
// sign makes EF.CardSecurity of. With the default protocols they are the
// files real CIEs carry.
func (c *CIE) paceFiles(sign func(entries [][]byte) ([]byte, error)) (cardAccess, dg14, cardSecurity []byte, err error) {
	entries := marshalPACEInfos(c.pace.infos)
	for id, k := range c.pace.camKeys { // MarshalSecurityInfos sorts the entries
		e, err := k.SecurityInfos(oidCAECDHAES128, id)
		if err != nil {
			return nil, nil, nil, err
		}
		entries = append(entries, e...)
	}
	if dg14, err = encodeDG14(c.caKey, entries); err != nil {
		return nil, nil, nil, err
	}
	if len(c.pace.camKeys) > 0 {
		if cardSecurity, err = sign(entries); err != nil {
			return nil, nil, nil, err
		}
	}
	return c.cardAccess(), dg14, cardSecurity, nil
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
	for _, in := range c.pace.infos {
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
	chip, err := emrtd.NewPACEChipCAM(*info, pw, c.pace.camKeys[info.ParameterID], c.rand)
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
