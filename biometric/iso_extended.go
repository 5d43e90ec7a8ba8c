package biometric

import (
	"encoding/binary"
	"fmt"
)

// RidgeCount is one entry of a ridge count block: the number of ridges
// crossed between two minutiae of the view, given by their indices as
// stored in the record.
type RidgeCount struct {
	A, B  uint8
	Count uint8
}

// Ridge count extraction methods (ISO/IEC 19794-2:2005 7.5.2.2).
const (
	RidgeCountNonSpecific    uint8 = 0
	RidgeCountFourNeighbour  uint8 = 1 // one neighbour per quadrant
	RidgeCountEightNeighbour uint8 = 2 // one neighbour per octant
)

// RidgeCounts is the content of an [ExtendedRidgeCount] block.
type RidgeCounts struct {
	Method uint8
	Counts []RidgeCount
}

// ParseRidgeCounts decodes the data of an [ExtendedRidgeCount] block: a
// method byte followed by 3-byte entries. Errors are [*FormatError] values
// with offsets relative to data.
func ParseRidgeCounts(data []byte) (RidgeCounts, error) {
	if len(data) == 0 {
		return RidgeCounts{}, eof(0, "ridge count extraction method")
	}
	if (len(data)-1)%3 != 0 {
		return RidgeCounts{}, bad(1+(len(data)-1)/3*3, "ridge count entry", "%d trailing bytes, entries are 3 bytes", (len(data)-1)%3)
	}
	rc := RidgeCounts{Method: data[0]}
	for p := 1; p < len(data); p += 3 {
		rc.Counts = append(rc.Counts, RidgeCount{A: data[p], B: data[p+1], Count: data[p+2]})
	}
	return rc, nil
}

// Append appends the block data encoding of rc to dst.
func (rc RidgeCounts) Append(dst []byte) []byte {
	dst = append(dst, rc.Method)
	for _, c := range rc.Counts {
		dst = append(dst, c.A, c.B, c.Count)
	}
	return dst
}

// Core is a core point: position in pixels and, when HasAngle is set, a
// direction in the record's angle unit (360/256 degrees for ISO, 2 degrees
// for ANSI).
type Core struct {
	X, Y     uint16
	HasAngle bool
	Angle    uint8
}

// Delta is a delta point: position in pixels and, when HasAngles is set,
// the directions of its three ridges in the record's angle unit.
type Delta struct {
	X, Y      uint16
	HasAngles bool
	Angles    [3]uint8
}

// CoreDelta is the content of an [ExtendedCoreDelta] block.
type CoreDelta struct {
	Cores  []Core
	Deltas []Delta
}

// ParseCoreDelta decodes the data of an [ExtendedCoreDelta] block in
// format f. The layouts differ: ISO/IEC 19794-2:2005 7.5.3 stores the
// angular flag in the top two bits of each point's x coordinate, ANSI
// INCITS 378-2004 6.6.3 once per list in the count byte. Errors are
// [*FormatError] values with offsets relative to data.
func ParseCoreDelta(data []byte, f Format) (CoreDelta, error) {
	rd := &reader{b: data}
	var cd CoreDelta
	h, ok := rd.u8()
	if !ok {
		return cd, eof(0, "number of cores")
	}
	ncores, listAngular := int(h&0x3f), h>>6 == 1
	if f == FormatANSI2004 {
		if h&0x30 != 0 || h>>6 > 1 {
			return cd, bad(0, "core information", "reserved bits set in %#02x", h)
		}
		ncores = int(h & 0x0f)
	} else if h>>6 != 0 {
		return cd, bad(0, "number of cores", "reserved bits set in %#02x", h)
	}
	for i := range ncores {
		x, y, angular, err := rd.point(f, "core", i, listAngular)
		if err != nil {
			return cd, err
		}
		c := Core{X: x, Y: y, HasAngle: angular}
		if angular {
			if c.Angle, ok = rd.u8(); !ok {
				return cd, eof(rd.off, fmt.Sprintf("core %d angle", i))
			}
		}
		cd.Cores = append(cd.Cores, c)
	}
	off := rd.off
	if h, ok = rd.u8(); !ok {
		return cd, eof(off, "number of deltas")
	}
	listAngular = h>>6 == 1
	if (f == FormatISO2005 && h>>6 != 0) || h>>6 > 1 {
		return cd, bad(off, "number of deltas", "reserved bits set in %#02x", h)
	}
	for i := range int(h & 0x3f) {
		x, y, angular, err := rd.point(f, "delta", i, listAngular)
		if err != nil {
			return cd, err
		}
		d := Delta{X: x, Y: y, HasAngles: angular}
		if angular {
			a, ok := rd.bytes(3)
			if !ok {
				return cd, eof(rd.off, fmt.Sprintf("delta %d angles", i))
			}
			copy(d.Angles[:], a)
		}
		cd.Deltas = append(cd.Deltas, d)
	}
	if rd.off != len(data) {
		return cd, bad(rd.off, "end of core and delta data", "%d trailing bytes", len(data)-rd.off)
	}
	return cd, nil
}

// point reads the position of core or delta i (what names the list) and
// whether it has angles: for ISO the flag in the top two bits of x, for
// ANSI listAngular, the flag of the whole list.
func (rd *reader) point(f Format, what string, i int, listAngular bool) (x, y uint16, angular bool, err error) {
	off := rd.off
	x, ok1 := rd.u16()
	y, ok2 := rd.u16()
	if !ok1 || !ok2 {
		return 0, 0, false, eof(off, fmt.Sprintf("%s %d", what, i))
	}
	angular = listAngular
	if f == FormatISO2005 {
		angular = x>>14 == 1
	}
	if (f == FormatANSI2004 && x>>14 != 0) || x>>14 > 1 || y>>14 != 0 {
		return 0, 0, false, bad(off, fmt.Sprintf("%s %d", what, i), "reserved bits set")
	}
	return x & maxCoordinate, y, angular, nil
}

// Append appends the block data encoding of cd in format f to dst. It
// returns an error wrapping [ErrEncoding] if a count or coordinate does not
// fit, or, for ANSI, if the cores (or the deltas) disagree on having
// angles; on error dst is returned unchanged.
func (cd CoreDelta) Append(dst []byte, f Format) ([]byte, error) {
	maxCores := 63
	if f == FormatANSI2004 {
		maxCores = 15
	}
	if len(cd.Cores) > maxCores || len(cd.Deltas) > 63 {
		return dst, encErr("%d cores and %d deltas, at most %d and 63 fit", len(cd.Cores), len(cd.Deltas), maxCores)
	}
	flag := func(b bool) uint16 {
		if b {
			return 1
		}
		return 0
	}
	b := dst
	var err error
	h := byte(len(cd.Cores))
	if f == FormatANSI2004 && len(cd.Cores) > 0 {
		h |= byte(flag(cd.Cores[0].HasAngle)) << 6
	}
	b = append(b, h)
	for i, c := range cd.Cores {
		if b, err = appendPoint(b, f, "core", i, c.X, c.Y, c.HasAngle); err != nil {
			return dst, err
		}
		if f == FormatANSI2004 && c.HasAngle != cd.Cores[0].HasAngle {
			return dst, encErr("core %d: ANSI cores must all have an angle or none", i)
		}
		if c.HasAngle {
			b = append(b, c.Angle)
		}
	}
	h = byte(len(cd.Deltas))
	if f == FormatANSI2004 && len(cd.Deltas) > 0 {
		h |= byte(flag(cd.Deltas[0].HasAngles)) << 6
	}
	b = append(b, h)
	for i, d := range cd.Deltas {
		if b, err = appendPoint(b, f, "delta", i, d.X, d.Y, d.HasAngles); err != nil {
			return dst, err
		}
		if f == FormatANSI2004 && d.HasAngles != cd.Deltas[0].HasAngles {
			return dst, encErr("delta %d: ANSI deltas must all have angles or none", i)
		}
		if d.HasAngles {
			b = append(b, d.Angles[:]...)
		}
	}
	return b, nil
}

// appendPoint appends the position of core or delta i (what names the
// list), for ISO with the angle flag in the top two bits of x. It fails if
// a coordinate does not fit in 14 bits.
func appendPoint(b []byte, f Format, what string, i int, x, y uint16, angular bool) ([]byte, error) {
	if x > maxCoordinate || y > maxCoordinate {
		return b, encErr("%s %d: coordinate above 16383", what, i)
	}
	if f == FormatISO2005 && angular {
		x |= 1 << 14
	}
	b = binary.BigEndian.AppendUint16(b, x)
	return binary.BigEndian.AppendUint16(b, y), nil
}
