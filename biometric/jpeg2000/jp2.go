package jpeg2000

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// JP2 file format (T.800 Annex I). Only what a decoder needs is read: the
// image header, the colour specification and the codestream; palettes and
// component mappings (used for indexed images, not faces) are rejected.

var jp2Signature = []byte{0, 0, 0, 12, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A}

// Enumerated colour spaces of the colr box (I.5.3.3).
const (
	csSRGB = 16
	csGrey = 17
	csSYCC = 18
)

type jp2Info struct {
	codestream []byte
	offset     int
	enumCS     int // 0 when absent or an ICC profile
	hasHeader  bool
}

type box struct {
	typ     string
	off     int // offset of the box header
	body    []byte
	bodyOff int
	nextOff int
}

func readBox(b []byte, off int) (box, error) {
	if len(b)-off < 8 {
		return box{}, truncated(off, "JP2 box header")
	}
	l := uint64(binary.BigEndian.Uint32(b[off:]))
	typ := string(b[off+4 : off+8])
	hdr := 8
	switch l {
	case 0:
		l = uint64(len(b) - off)
	case 1:
		if len(b)-off < 16 {
			return box{}, truncated(off, "JP2 box "+quoteType(typ)+" XLBox")
		}
		l = binary.BigEndian.Uint64(b[off+8:])
		hdr = 16
	}
	if l < uint64(hdr) {
		return box{}, malformed(off, "JP2 box "+quoteType(typ)+" LBox", "length %d", l)
	}
	if l > uint64(len(b)-off) {
		return box{}, truncated(off, "JP2 box "+quoteType(typ))
	}
	end := off + int(l)
	return box{typ: typ, off: off, body: b[off+hdr : end], bodyOff: off + hdr, nextOff: end}, nil
}

func quoteType(t string) string { return fmt.Sprintf("%q", t) }

// parseJP2 walks the top-level boxes of a JP2 file.
func parseJP2(b []byte) (*jp2Info, error) {
	if !bytes.HasPrefix(b, jp2Signature) {
		return nil, malformed(0, "JP2 signature box", "bad signature")
	}
	info := &jp2Info{}
	for off := len(jp2Signature); off < len(b); {
		bx, err := readBox(b, off)
		if err != nil {
			return nil, err
		}
		switch bx.typ {
		case "jp2h":
			if err := info.parseHeader(bx); err != nil {
				return nil, err
			}
			info.hasHeader = true
		case "jp2c":
			if !info.hasHeader {
				return nil, malformed(bx.off, "JP2 jp2c box", "codestream before the header box")
			}
			info.codestream = bx.body
			info.offset = bx.bodyOff
			return info, nil
		}
		off = bx.nextOff
	}
	return nil, malformed(len(b), "JP2 jp2c box", "no codestream box")
}

func (info *jp2Info) parseHeader(h box) error {
	seenColr := false
	for off := 0; off < len(h.body); {
		bx, err := readBox(h.body, off)
		if err != nil {
			if fe, ok := err.(*FormatError); ok {
				fe.Offset += int64(h.bodyOff)
			}
			return err
		}
		abs := h.bodyOff + bx.off
		switch bx.typ {
		case "ihdr":
			if len(bx.body) != 14 {
				return malformed(abs, "JP2 ihdr box", "length %d", len(bx.body)+8)
			}
			if bx.body[11] != 7 {
				return unsupported(abs, "JP2 ihdr C", "compression type %d", bx.body[11])
			}
		case "colr":
			if seenColr || len(bx.body) < 3 {
				break // only the first colr box counts (I.5.3.3)
			}
			seenColr = true
			if bx.body[0] == 1 && len(bx.body) >= 7 {
				info.enumCS = int(binary.BigEndian.Uint32(bx.body[3:]))
			}
		case "pclr", "cmap":
			return unsupported(abs, "JP2 "+bx.typ+" box", "palette images")
		}
		off = bx.nextOff
	}
	return nil
}
