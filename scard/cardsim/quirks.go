package cardsim

import (
	"fmt"

	"github.com/ciekit/ciekit/scard"
)

// SetEMRTDFile sets the content of the elementary file fid of the eMRTD
// application (EF.COM 011E, DG1-DG16 0101-0110, EF.SOD 011D, or any other
// file id), creating it (readable in secure messaging) if the card has no
// such file, without re-signing EF.SOD. With data nil it removes the file,
// so that SELECT answers 6A82. It plays documents that deviate from ICAO
// Doc 9303-10: an EF.SOD at the wrong file id, a malformed EF.COM, a data
// group without its outer tag. It returns an error for DG3 (protected by
// terminal authentication) or a file id outside 0101-011F.
func (c *CIE) SetEMRTDFile(fid uint16, data []byte) error {
	if fid < 0x0101 || fid > 0x011F || fid == 0x0103 {
		return fmt.Errorf("cardsim: eMRTD file %04X cannot be set", fid)
	}
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	d := c.emrtd
	for i, e := range d.efs {
		if e.fid != fid {
			continue
		}
		if data == nil {
			d.efs = append(d.efs[:i:i], d.efs[i+1:]...)
			return nil
		}
		e.data = append([]byte(nil), data...)
		return nil
	}
	if data != nil {
		d.efs = append(d.efs, &ef{fid: fid, sfi: byte(fid & 0x1F), data: append([]byte(nil), data...), read: accessSM})
	}
	return nil
}

// SetCardAccess sets the content of EF.CardAccess (MF 011C) without
// changing the PACE protocols the chip accepts. It plays documents whose
// EF.CardAccess lists only some of the protocols the chip supports (a
// terminal that takes the first PACEInfo, as OpenPACE does, then runs the
// one listed) or is malformed. data nil restores the card's own content.
func (c *CIE) SetCardAccess(data []byte) {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	if data == nil {
		data = c.cardAccess()
	}
	for _, e := range c.mf.efs {
		if e.fid == 0x011C {
			e.data = append([]byte(nil), data...)
		}
	}
}

// SetPlainSMErrors makes the eMRTD application answer a protected command
// that fails with a bare status word, without DO 99 and MAC and without
// counting the response in its send sequence counter, whenever
// [scard.PlainSMStatus] allows it (6A82 for a missing file, 6982, ...); a
// plain 6987/6988 still ends the session. It plays chips that answer
// errors so, as vsmartcard's ePass emulator does and as the CIE's IAS
// application does (the simulator's IAS channel always answers so). By
// default every response of the eMRTD application is protected (ICAO Doc
// 9303-11 9.8). Either way the session goes on after the error.
func (c *CIE) SetPlainSMErrors(on bool) {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	c.plainSMErrors = on
}

// emrtdPlainStatus reports whether the eMRTD session answers r in plain
// (SetPlainSMErrors).
func (c *CIE) emrtdPlainStatus(r scard.Response) bool {
	return c.plainSMErrors && !c.iasSM() && len(r.Data) == 0 && scard.PlainSMStatus(r.SW)
}

// SetShortAPDUOnly makes the chip refuse every extended-length command
// APDU (ISO/IEC 7816-3 12.1.3: Lc or Le in three or two bytes) with a
// bare 6700, before secure messaging sees it: the send sequence counter
// does not move and the session goes on. It plays documents without
// extended lengths, as gmrtd found a Chinese passport to answer an
// extended READ BINARY in secure messaging (gmrtd issue 457; US passports
// lack extended lengths as well) and as OpenSC's driver assumes of the
// Polish eDO. PACE with DH parameters, whose 2048-bit keys need extended
// lengths, then fails as on such a chip. By default the chip accepts both.
func (c *CIE) SetShortAPDUOnly(on bool) {
	c.dev.xmu.Lock()
	defer c.dev.xmu.Unlock()
	c.shortOnly = on
}

// extendedAPDU reports whether capdu uses extended length fields: after
// the header, a zero byte followed by at least two more (a short APDU's
// Lc is never zero, and a short case 2 is five bytes long).
func extendedAPDU(capdu []byte) bool {
	return len(capdu) >= 7 && capdu[4] == 0
}
