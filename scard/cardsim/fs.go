package cardsim

import "github.com/ciekit/ciekit/internal/tlv"

// access is the read condition of an elementary file.
type access uint8

const (
	accessAlways access = iota // plain read allowed
	accessSM                   // needs a BAC or PACE secure-messaging session
	accessPIN                  // needs the PIN verified in this session
	accessNever                // needs something the simulator does not offer
	accessDG3                  // needs terminal authentication with the DG3 right (6982 before)
)

// ef is an elementary file.
type ef struct {
	fid  uint16
	sfi  byte // 0: none
	data []byte
	read access
}

// df is a dedicated file (application) with its elementary files.
type df struct {
	name string
	aid  []byte
	fid  uint16 // 0: none
	efs  []*ef
}

func (d *df) byFID(fid uint16) *ef {
	for _, e := range d.efs {
		if e.fid == fid {
			return e
		}
	}
	return nil
}

func (d *df) bySFI(sfi byte) *ef {
	for _, e := range d.efs {
		if e.sfi != 0 && e.sfi == sfi {
			return e
		}
	}
	return nil
}

// fcp returns a minimal file control parameters template (ISO/IEC 7816-4
// 5.3.3): size and identifier for an EF, name for a DF.
func (e *ef) fcp() []byte {
	var b tlv.Builder
	b.AddConstructed(0x62, func(b *tlv.Builder) {
		b.Add(0x80, []byte{byte(len(e.data) >> 8), byte(len(e.data))})
		b.Add(0x82, []byte{0x01}) // working EF, transparent
		b.Add(0x83, []byte{byte(e.fid >> 8), byte(e.fid)})
	})
	return b.Bytes()
}

func (d *df) fcp() []byte {
	var b tlv.Builder
	b.AddConstructed(0x62, func(b *tlv.Builder) {
		b.Add(0x82, []byte{0x38}) // DF
		if d.fid != 0 {
			b.Add(0x83, []byte{byte(d.fid >> 8), byte(d.fid)})
		}
		if d.aid != nil {
			b.Add(0x84, d.aid)
		}
	})
	return b.Bytes()
}
