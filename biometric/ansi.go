package biometric

// ParseANSI decodes an ANSI INCITS 378-2004 finger minutiae record and
// returns its first view as a [Template], with minutia angles converted
// from 2-degree units to the 360/256-degree units of [Minutia.Angle]. Use
// [ParseANSIRecord] for records with several views, extended data or a
// CBEFF product identifier. Errors are [*FormatError] values
// (errors.Is(err, ErrFormat)).
func ParseANSI(b []byte) (*Template, error) {
	r, err := ParseANSIRecord(b)
	if err != nil {
		return nil, err
	}
	return firstView(r, FormatANSI2004)
}

// ParseANSIRecord decodes an ANSI INCITS 378-2004 finger minutiae record
// with all its views, extended data and CBEFF product identifier. Angles
// (2-degree units, 0..179) become 360/256-degree units; the conversion is
// exact both ways on those values, so encoding the result with
// [Record.MarshalANSI] gives back b exactly. The decoder accepts the
// 6-byte length form (0 followed by a 4-byte length) only for records of
// 65536 bytes or more, as an encoder must write them. Errors are
// [*FormatError] values (errors.Is(err, ErrFormat)). The returned record
// does not alias b.
func ParseANSIRecord(b []byte) (*Record, error) {
	return parseRecord(b, FormatANSI2004)
}

// MarshalANSI encodes t as a single-view ANSI INCITS 378-2004 record with
// no extended data, capture equipment 0 and CBEFF product identifier 0
// (unreported: NIST's validator wants an IBIA-registered owner, set one with
// [Record]). Angles are rounded to the nearest
// 2-degree unit. It returns an error wrapping [ErrEncoding] if a field is
// out of range.
func (t *Template) MarshalANSI() ([]byte, error) { return t.AppendANSI(nil) }

// AppendANSI appends the ANSI INCITS 378-2004 encoding of t (see
// [Template.MarshalANSI]) to dst and returns the extended slice. It
// allocates only if dst lacks capacity; on error dst is returned unchanged.
func (t *Template) AppendANSI(dst []byte) ([]byte, error) {
	return appendSingle(dst, t, FormatANSI2004)
}

// MarshalANSI encodes r as an ANSI INCITS 378-2004 record. It returns an
// error wrapping [ErrEncoding] if a field is out of range.
func (r *Record) MarshalANSI() ([]byte, error) { return r.AppendANSI(nil) }

// AppendANSI appends the ANSI INCITS 378-2004 encoding of r to dst and
// returns the extended slice; on error dst is returned unchanged.
func (r *Record) AppendANSI(dst []byte) ([]byte, error) {
	return appendRecord(dst, r, FormatANSI2004)
}

// DetectFormat guesses the format of a finger minutiae record from its
// header: ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 share the magic
// and version and differ in the width of the record length. It returns
// [FormatISO2005] when the 4-byte length at offset 8 equals len(b),
// [FormatANSI2004] when the 2-byte (or 6-byte) form does, and 0 otherwise.
func DetectFormat(b []byte) Format {
	if len(b) < isoHeaderLen || string(b[:4]) != fmrMagic || string(b[4:8]) != fmrVersion2004 {
		return 0
	}
	n4 := int64(b[8])<<24 | int64(b[9])<<16 | int64(b[10])<<8 | int64(b[11])
	if n4 == int64(len(b)) {
		return FormatISO2005
	}
	n2 := int64(b[8])<<8 | int64(b[9])
	if n2 == 0 && len(b) >= 14 {
		n2 = int64(b[10])<<24 | int64(b[11])<<16 | int64(b[12])<<8 | int64(b[13])
	}
	if n2 == int64(len(b)) {
		return FormatANSI2004
	}
	return 0
}
