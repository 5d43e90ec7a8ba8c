package emrtd

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"

	"github.com/ciekit/ciekit/internal/tlv"
)

// AID is the ICAO LDS1 eMRTD application identifier.
var aidEMRTD = [...]byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}

// AID returns the ICAO eMRTD application identifier A0 00 00 02 47 10 01.
func AID() []byte { return append([]byte(nil), aidEMRTD[:]...) }

// File identifiers of the eMRTD application (ICAO Doc 9303-10 clause 4.6,
// 4.7). EF.CardAccess lives in the master file.
const (
	FIDCardAccess uint16 = 0x011C
	FIDCOM        uint16 = 0x011E
	FIDSOD        uint16 = 0x011D
)

// FIDDataGroup returns the file identifier of data group n (1..16):
// 0x0101 for DG1 ... 0x0110 for DG16.
func FIDDataGroup(n int) uint16 { return 0x0100 + uint16(n) }

// dgTags maps data group numbers to their outer tags (ICAO 9303-10 table 34).
var dgTags = [17]byte{0, 0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70}

// DataGroupTag returns the outer tag of data group n, or 0 if n is not 1..16.
func DataGroupTag(n int) byte {
	if n < 1 || n > 16 {
		return 0
	}
	return dgTags[n]
}

func dgForTag(t byte) int {
	for i := 1; i <= 16; i++ {
		if dgTags[i] == t {
			return i
		}
	}
	return 0
}

func dgName(n int) string { return fmt.Sprintf("DG%d", n) }

// COM is EF.COM (ICAO Doc 9303-10 clause 4.6.1).
type COM struct {
	LDSVersion     string // "aabb", e.g. "0107" on the CIE
	UnicodeVersion string // "aabbcc", e.g. "040000"
	DataGroups     []int  // data groups present, in file order
}

// ParseCOM parses EF.COM. Malformed input gives a [*DataError].
func ParseCOM(b []byte) (*COM, error) {
	v, err := tlv.Unwrap(b, 0x60)
	if err != nil {
		return nil, &scard.DataError{File: "EF.COM", Msg: err.Error()}
	}
	c := &COM{}
	if x, ok := tlv.Find(v, 0x5F01); ok {
		c.LDSVersion = string(x)
	}
	if x, ok := tlv.Find(v, 0x5F36); ok {
		c.UnicodeVersion = string(x)
	}
	list, ok := tlv.Find(v, 0x5C)
	if !ok {
		return nil, &scard.DataError{File: "EF.COM", Msg: "no tag list (5C)"}
	}
	for i, t := range list {
		n := dgForTag(t)
		if n == 0 {
			return nil, &scard.DataError{File: "EF.COM", Msg: fmt.Sprintf("tag list entry %d: unknown data group tag %02X", i+1, t)}
		}
		c.DataGroups = append(c.DataGroups, n)
	}
	return c, nil
}

// Marshal encodes EF.COM; card emulators use it.
func (c *COM) Marshal() []byte {
	var b tlv.Builder
	b.AddConstructed(0x60, func(b *tlv.Builder) {
		b.Add(0x5F01, []byte(c.LDSVersion))
		b.Add(0x5F36, []byte(c.UnicodeVersion))
		list := make([]byte, 0, len(c.DataGroups))
		for _, n := range c.DataGroups {
			list = append(list, DataGroupTag(n))
		}
		b.Add(0x5C, list)
	})
	return b.Bytes()
}

// ParseDG1 returns the MRZ stored in DG1 (tag 5F1F): for the CIE (TD1
// format) three lines of 30 characters joined with "\n"; for TD2/TD3 two
// lines. Pass it to cie.ParseAnyMRZ. Malformed input gives a [*DataError].
func ParseDG1(b []byte) (string, error) {
	v, err := tlv.Unwrap(b, 0x61)
	if err != nil {
		return "", &scard.DataError{File: "DG1", Msg: err.Error()}
	}
	m, ok := tlv.Find(v, 0x5F1F)
	if !ok {
		return "", &scard.DataError{File: "DG1", Msg: "no MRZ data object (5F1F)"}
	}
	for i, ch := range m {
		if !(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z' || ch == '<') {
			return "", &scard.DataError{File: "DG1", Msg: fmt.Sprintf("MRZ position %d: character %q outside [0-9A-Z<]", i+1, ch)}
		}
	}
	var width int
	switch len(m) {
	case 90:
		width = 30
	case 72:
		width = 36
	case 88:
		width = 44
	default:
		return "", &scard.DataError{File: "DG1", Msg: fmt.Sprintf("MRZ of %d characters, want 90, 72 or 88", len(m))}
	}
	lines := make([]string, 0, 3)
	for i := 0; i < len(m); i += width {
		lines = append(lines, string(m[i:i+width]))
	}
	return strings.Join(lines, "\n"), nil
}

// MarshalDG1 builds DG1 (tag 61) holding the MRZ in DO 5F1F (ICAO Doc
// 9303-10 clause 4.7.1) from MRZ lines; line breaks ("\n", "\r") are
// dropped. It is the inverse of [ParseDG1].
func MarshalDG1(mrz string) []byte {
	m := strings.NewReplacer("\n", "", "\r", "").Replace(mrz)
	var b tlv.Builder
	b.AddConstructed(0x61, func(b *tlv.Builder) { b.Add(0x5F1F, []byte(m)) })
	return b.Bytes()
}

// ImageFormat is the encoding of a facial image.
type ImageFormat int

// Image formats (ISO/IEC 19794-5:2005 clause 5.7.2 image data type).
const (
	ImageUnknown ImageFormat = iota
	ImageJPEG
	ImageJPEG2000
)

// String returns the name.
func (f ImageFormat) String() string {
	switch f {
	case ImageJPEG:
		return "JPEG"
	case ImageJPEG2000:
		return "JPEG 2000"
	}
	return "unknown"
}

// FaceImage is one facial image from DG2.
type FaceImage struct {
	Format ImageFormat
	Width  int // pixels, from the ISO/IEC 19794-5 image information
	Height int
	Data   []byte // the JPEG or JPEG 2000 file (aliases the DG2 input)
}

func sniffImage(b []byte) ImageFormat {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8}):
		return ImageJPEG
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20}),
		bytes.HasPrefix(b, []byte{0xFF, 0x4F, 0xFF, 0x51}):
		return ImageJPEG2000
	}
	return ImageUnknown
}

// ParseDG2 extracts the facial images of DG2: the biometric information
// group template 7F61 with one 7F60 template per face, each holding an
// ISO/IEC 19794-5 facial record (5F2E or 7F2E). Malformed input gives a
// [*DataError].
func ParseDG2(b []byte) ([]FaceImage, error) {
	bad := func(format string, a ...any) error {
		return &scard.DataError{File: "DG2", Msg: fmt.Sprintf(format, a...)}
	}
	bdbs, _, err := biometricBlocks(b, 0x75, "DG2")
	if err != nil {
		return nil, err
	}
	var out []FaceImage
	for _, bdb := range bdbs {
		faces, err := parseFacialRecord(bdb)
		if err != nil {
			// Not an ISO/IEC 19794-5:2005 record (e.g. the ISO/IEC
			// 39794-5 encoding of newer documents): fall back to the
			// embedded image, found by its signature.
			img, ok := findImage(bdb)
			if !ok {
				return nil, bad("face %d: %v", len(out)+1, err)
			}
			faces = []FaceImage{img}
		}
		out = append(out, faces...)
	}
	if len(out) == 0 {
		return nil, bad("no facial image")
	}
	return out, nil
}

func be(b []byte) int {
	n := 0
	for _, x := range b {
		n = n<<8 | int(x)
	}
	return n
}

// findImage locates a JPEG or JPEG 2000 stream inside b by its signature
// and returns it to the end of b.
func findImage(b []byte) (FaceImage, bool) {
	sigs := [][]byte{
		{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20},
		{0xFF, 0x4F, 0xFF, 0x51},
		{0xFF, 0xD8, 0xFF},
	}
	best := -1
	for _, sig := range sigs {
		if i := bytes.Index(b, sig); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return FaceImage{}, false
	}
	data := b[best:]
	return FaceImage{Format: sniffImage(data), Data: data}, true
}

// parseFacialRecord parses an ISO/IEC 19794-5:2005 facial record data block.
func parseFacialRecord(b []byte) ([]FaceImage, error) {
	if len(b) < 14 || string(b[:4]) != "FAC\x00" {
		return nil, fmt.Errorf("not an ISO/IEC 19794-5 record (no FAC header)")
	}
	total := be(b[8:12])
	n := be(b[12:14])
	if total > len(b) || total < 14 {
		return nil, fmt.Errorf("record length %d exceeds the %d bytes present", total, len(b))
	}
	rest := b[14:total]
	var out []FaceImage
	for i := 0; i < n; i++ {
		if len(rest) < 32 {
			return nil, fmt.Errorf("facial record %d truncated", i+1)
		}
		blockLen := be(rest[0:4])
		points := be(rest[4:6])
		if blockLen > len(rest) || blockLen < 32+8*points {
			return nil, fmt.Errorf("facial record %d: block length %d inconsistent", i+1, blockLen)
		}
		info := rest[20+8*points:]
		img := FaceImage{Width: be(info[2:4]), Height: be(info[4:6])}
		img.Data = rest[32+8*points : blockLen]
		switch info[1] {
		case 0:
			img.Format = ImageJPEG
		case 1:
			img.Format = ImageJPEG2000
		}
		if s := sniffImage(img.Data); s != ImageUnknown {
			img.Format = s
		}
		out = append(out, img)
		rest = rest[blockLen:]
	}
	return out, nil
}

// MarshalDG2 builds DG2 (tag 75) with one ISO/IEC 19794-5:2005 facial record
// holding img, in the biometric information template of ICAO Doc 9303-10
// clause 4.7.2: 7F61 { 02 count, 7F60 { A1 header, 5F2E record } }. The
// image is stored as given (it is not decoded); Width and Height are written
// in the image information block, Format as the image data type (0 JPEG, 1
// JPEG 2000; [ImageUnknown] is written as JPEG). It is the inverse of
// [ParseDG2].
func MarshalDG2(img FaceImage) []byte {
	// ISO/IEC 19794-5:2005: general header (14), facial information (20),
	// image information (12), image data.
	rec := make([]byte, 0, 46+len(img.Data))
	rec = append(rec, "FAC\x00010\x00"...)
	rec = binary.BigEndian.AppendUint32(rec, uint32(46+len(img.Data)))
	rec = binary.BigEndian.AppendUint16(rec, 1) // one facial image
	rec = binary.BigEndian.AppendUint32(rec, uint32(32+len(img.Data)))
	rec = binary.BigEndian.AppendUint16(rec, 0) // feature points
	rec = append(rec, 0, 0, 0)                  // gender, eye, hair unspecified
	rec = append(rec, 0, 0, 0)                  // feature mask
	rec = append(rec, 0, 0)                     // expression
	rec = append(rec, 0, 0, 0, 0, 0, 0)         // pose angles and uncertainties
	rec = append(rec, 1, imageDataType(img.Format))
	rec = binary.BigEndian.AppendUint16(rec, uint16(img.Width))
	rec = binary.BigEndian.AppendUint16(rec, uint16(img.Height))
	rec = append(rec, 1, 2)                     // 24-bit RGB; digital camera
	rec = binary.BigEndian.AppendUint16(rec, 0) // device type
	rec = binary.BigEndian.AppendUint16(rec, 0) // quality
	rec = append(rec, img.Data...)
	return biometricGroup(0x75, []byte{0x02}, 0x0008, [][]byte{rec})
}

// imageDataType is the ISO/IEC 19794-5:2005 clause 5.7.2 image data type
// byte of f; [sniffImage] and parseFacialRecord read it back.
func imageDataType(f ImageFormat) byte {
	if f == ImageJPEG2000 {
		return 1
	}
	return 0
}

// MarshalDG3 builds DG3 (tag 63) with one biometric data block per non-empty
// finger template (ISO/IEC 19794-4 records on a real CIE; stored as given).
// With no template, as for a card issued without fingerprints (under 12, or
// fingerprints impossible), the group has a count of 0.
func MarshalDG3(fingers ...[]byte) []byte {
	var recs [][]byte
	for _, f := range fingers {
		if len(f) > 0 {
			recs = append(recs, f)
		}
	}
	return biometricGroup(0x63, []byte{0x08}, 0x0007, recs)
}

// ParseDG3 returns the biometric data blocks of DG3 (tag 63), in order: on
// the CIE, one ISO/IEC 19794-4 finger image record per finger (decode them
// with package biometric/fingerimage). A DG3 without fingerprints gives an
// empty slice. The blocks alias b. Malformed input, or a count (DO 02) that
// differs from the templates present, gives a [*DataError].
func ParseDG3(b []byte) ([][]byte, error) {
	out, count, err := biometricBlocks(b, 0x63, "DG3")
	if err != nil {
		return nil, err
	}
	if count != len(out) {
		return nil, &scard.DataError{File: "DG3", Msg: fmt.Sprintf("number of instances %d, %d templates present", count, len(out))}
	}
	return out, nil
}

// biometricBlocks returns the biometric data blocks (5F2E or 7F2E) of the
// templates 7F60 in the group 7F61 of a biometric data group, and its
// number of instances (DO 02; -1 if absent).
func biometricBlocks(b []byte, tag tlv.Tag, file string) ([][]byte, int, error) {
	bad := func(format string, a ...any) error {
		return &scard.DataError{File: file, Msg: fmt.Sprintf(format, a...)}
	}
	v, err := tlv.Unwrap(b, tag)
	if err != nil {
		return nil, 0, bad("%v", err)
	}
	group, ok := tlv.Find(v, 0x7F61)
	if !ok {
		return nil, 0, bad("no biometric information group template (7F61)")
	}
	count := -1
	out := [][]byte{}
	p := tlv.Parser(group)
	for !p.Empty() {
		var t tlv.Tag
		var val []byte
		if !p.Read(&t, &val) {
			return nil, 0, bad("malformed object in 7F61")
		}
		switch t {
		case 0x02:
			if len(val) != 1 || count >= 0 {
				return nil, 0, bad("number of instances (02) malformed or repeated")
			}
			count = int(val[0])
		case 0x7F60:
			bdb, ok := tlv.Find(val, 0x5F2E)
			if !ok {
				if bdb, ok = tlv.Find(val, 0x7F2E); !ok {
					return nil, 0, bad("biometric information template %d without data block", len(out)+1)
				}
			}
			out = append(out, bdb)
		}
	}
	return out, count, nil
}

// biometricGroup builds tag { 7F61 { 02 n, 7F60 { A1 {...}, 5F2E rec } ... } }
// (ICAO Doc 9303-10 clause 4.7.2, table 36/37: biometric header template
// with header version, biometric type, format owner and format type).
func biometricGroup(tag tlv.Tag, bioType []byte, format uint16, recs [][]byte) []byte {
	var b tlv.Builder
	b.AddConstructed(tag, func(b *tlv.Builder) {
		b.AddConstructed(0x7F61, func(b *tlv.Builder) {
			b.Add(0x02, []byte{byte(len(recs))})
			for _, r := range recs {
				b.AddConstructed(0x7F60, func(b *tlv.Builder) {
					b.AddConstructed(0xA1, func(b *tlv.Builder) {
						b.Add(0x80, []byte{0x01, 0x01})                      // patron header version
						b.Add(0x81, bioType)                                 // biometric type
						b.Add(0x87, []byte{0x01, 0x01})                      // format owner ISO/IEC JTC 1 SC 37
						b.Add(0x88, []byte{byte(format >> 8), byte(format)}) // format type
					})
					b.Add(0x5F2E, r)
				})
			}
		})
	})
	return b.Bytes()
}

// DG11 holds the additional personal details of ICAO Doc 9303-10 clause
// 4.7.11 as the CIE fills them. Strings are as stored, with '<' fillers;
// use the helper methods for the common splits.
type DG11 struct {
	FullName        string    // 5F0E, "SURNAME<<GIVEN<NAMES"
	PersonalNumber  string    // 5F10; on the CIE the codice fiscale
	FullDateOfBirth time.Time // 5F2B; zero if absent or partial
	PlaceOfBirth    string    // 5F11, e.g. "ROMA<RM" or "PARIGI<FRANCIA"
	Address         string    // 5F42, e.g. "VIA ROMA 1<ROMA<RM"
	Telephone       string    // 5F12
	Profession      string    // 5F13
	OtherNames      []string  // 5F0F, in template A0
}

// Surname returns the part of FullName before "<<", fillers as spaces.
func (d *DG11) Surname() string {
	s, _, _ := strings.Cut(d.FullName, "<<")
	return strings.TrimSpace(strings.ReplaceAll(s, "<", " "))
}

// GivenNames returns the part of FullName after "<<", fillers as spaces.
func (d *DG11) GivenNames() string {
	_, g, _ := strings.Cut(d.FullName, "<<")
	return strings.TrimSpace(strings.ReplaceAll(g, "<", " "))
}

// PlaceOfBirthParts splits PlaceOfBirth at '<' and drops empty parts. For
// people born in Italy the CIE stores "COMUNE<PROVINCIA" (two parts); for
// people born abroad it stores the place and the state ("PARIGI<FRANCIA")
// or the state alone, and some documents carry "(EE)" or a single field.
// Callers should not assume the number of parts.
func (d *DG11) PlaceOfBirthParts() []string { return splitFillers(d.PlaceOfBirth) }

// CodiceFiscale validates PersonalNumber as a codice fiscale with
// [cie.ParseCodiceFiscale].
func (d *DG11) CodiceFiscale() (cie.CodiceFiscale, error) {
	cf, err := cie.ParseCodiceFiscale(d.PersonalNumber)
	if err != nil {
		return "", fmt.Errorf("DG11 personal number: %w", err)
	}
	return cf, nil
}

// AddressParts splits Address at '<' and drops empty parts.
func (d *DG11) AddressParts() []string { return splitFillers(d.Address) }

func splitFillers(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "<") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseLDSDate reads an LDS full date: 8 ASCII digits YYYYMMDD or 4 BCD
// bytes. Unknown parts ("00" or "<<") give the zero time and ok=true.
func parseLDSDate(v []byte) (time.Time, bool) {
	s := string(v)
	if len(v) == 4 {
		s = fmt.Sprintf("%02X%02X%02X%02X", v[0], v[1], v[2], v[3])
	}
	if len(s) != 8 {
		return time.Time{}, false
	}
	if strings.ContainsAny(s, "<") || strings.HasSuffix(s, "00") || s[4:6] == "00" {
		return time.Time{}, true
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// eachDO calls fn with each data object of the data group file b (outer
// tag tag) and a constructor of errors that name the file.
func eachDO(b []byte, tag tlv.Tag, file string, fn func(t tlv.Tag, val []byte, bad func(string, ...any) error) error) error {
	bad := func(format string, a ...any) error {
		return &scard.DataError{File: file, Msg: fmt.Sprintf(format, a...)}
	}
	v, err := tlv.Unwrap(b, tag)
	if err != nil {
		return bad("%v", err)
	}
	p := tlv.Parser(v)
	for !p.Empty() {
		var t tlv.Tag
		var val []byte
		if !p.Read(&t, &val) {
			return bad("malformed data object at byte %d", len(v)-len(p))
		}
		if err := fn(t, val, bad); err != nil {
			return err
		}
	}
	return nil
}

// ParseDG11 parses DG11. Malformed input gives a [*DataError].
func ParseDG11(b []byte) (*DG11, error) {
	d := &DG11{}
	err := eachDO(b, 0x6B, "DG11", func(t tlv.Tag, val []byte, bad func(string, ...any) error) error {
		switch t {
		case 0x5F0E:
			d.FullName = string(val)
		case 0x5F10:
			d.PersonalNumber = string(val)
		case 0x5F11:
			d.PlaceOfBirth = string(val)
		case 0x5F42:
			d.Address = string(val)
		case 0x5F12:
			d.Telephone = string(val)
		case 0x5F13:
			d.Profession = string(val)
		case 0x5F2B:
			dt, ok := parseLDSDate(val)
			if !ok {
				return bad("full date of birth (5F2B) is not YYYYMMDD")
			}
			d.FullDateOfBirth = dt
		case 0x5F0F:
			// An other name outside the A0 template, as some issuers
			// (China) write it.
			d.OtherNames = append(d.OtherNames, string(val))
		case 0xA0:
			q := tlv.Parser(val)
			for !q.Empty() {
				var tt tlv.Tag
				var vv []byte
				if !q.Read(&tt, &vv) {
					return bad("malformed other names (A0)")
				}
				if tt == 0x5F0F { // the count (02) is implied by the entries
					d.OtherNames = append(d.OtherNames, string(vv))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Marshal encodes DG11 with the fields that are set; card emulators use it.
func (d *DG11) Marshal() []byte {
	type field struct {
		tag tlv.Tag
		v   string
	}
	var date string
	if !d.FullDateOfBirth.IsZero() {
		date = d.FullDateOfBirth.Format("20060102")
	}
	fields := []field{{0x5F0E, d.FullName}, {0x5F10, d.PersonalNumber}, {0x5F2B, date}, {0x5F11, d.PlaceOfBirth},
		{0x5F42, d.Address}, {0x5F12, d.Telephone}, {0x5F13, d.Profession}}
	var list []byte
	var body tlv.Builder
	for i, f := range fields {
		if i == 1 && len(d.OtherNames) > 0 {
			// Other names follow the full name: listed as 5F0F, stored as
			// A0 { 02 count, 5F0F name ... } (ICAO Doc 9303-10 4.7.11).
			list = tlv.AppendTag(list, 0x5F0F)
			body.AddConstructed(0xA0, func(b *tlv.Builder) {
				b.Add(0x02, []byte{byte(len(d.OtherNames))})
				for _, n := range d.OtherNames {
					b.Add(0x5F0F, []byte(n))
				}
			})
		}
		if f.v == "" {
			continue
		}
		list = tlv.AppendTag(list, f.tag)
		body.Add(f.tag, []byte(f.v))
	}
	var b tlv.Builder
	b.AddConstructed(0x6B, func(b *tlv.Builder) {
		b.Add(0x5C, list)
		b.AddRaw(body.Bytes())
	})
	return b.Bytes()
}

// DG12 holds the additional document details of ICAO Doc 9303-10 clause
// 4.7.12.
type DG12 struct {
	IssuingAuthority    string    // 5F19, e.g. "COMUNE DI ROMA"
	DateOfIssue         time.Time // 5F26; zero if absent
	Endorsements        string    // 5F1B
	PersonalizationTime string    // 5F55, as stored (yyyymmddhhmmss)
}

// ParseDG12 parses DG12. Malformed input gives a [*DataError].
func ParseDG12(b []byte) (*DG12, error) {
	d := &DG12{}
	err := eachDO(b, 0x6C, "DG12", func(t tlv.Tag, val []byte, bad func(string, ...any) error) error {
		switch t {
		case 0x5F19:
			d.IssuingAuthority = string(val)
		case 0x5F26:
			dt, ok := parseLDSDate(val)
			if !ok {
				return bad("date of issue (5F26) is not YYYYMMDD")
			}
			d.DateOfIssue = dt
		case 0x5F1B:
			d.Endorsements = string(val)
		case 0x5F55:
			d.PersonalizationTime = string(val)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Marshal encodes DG12 with the fields that are set; card emulators use it.
func (d *DG12) Marshal() []byte {
	var list []byte
	var body tlv.Builder
	add := func(t tlv.Tag, v string) {
		if v != "" {
			list = tlv.AppendTag(list, t)
			body.Add(t, []byte(v))
		}
	}
	add(0x5F19, d.IssuingAuthority)
	if !d.DateOfIssue.IsZero() {
		add(0x5F26, d.DateOfIssue.Format("20060102"))
	}
	add(0x5F1B, d.Endorsements)
	add(0x5F55, d.PersonalizationTime)
	var b tlv.Builder
	b.AddConstructed(0x6C, func(b *tlv.Builder) {
		b.Add(0x5C, list)
		b.AddRaw(body.Bytes())
	})
	return b.Bytes()
}

// ParseDG14 parses DG14 (tag 6E), the SecurityInfos for chip
// authentication. Malformed input gives a [*DataError].
func ParseDG14(b []byte) (*SecurityInfos, error) {
	v, err := tlv.Unwrap(b, 0x6E)
	if err != nil {
		return nil, &scard.DataError{File: "DG14", Msg: err.Error()}
	}
	return ParseSecurityInfos("DG14", v)
}
