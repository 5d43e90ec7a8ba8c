package faceimage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"

	"github.com/ciekit/ciekit/biometric/jpeg2000"
)

// Sentinel errors, wrapped by *FieldError.
var (
	// ErrMalformed reports a record that breaks ISO/IEC 19794-5:2005.
	ErrMalformed = errors.New("faceimage: malformed record")
	// ErrUnsupported reports a valid record this package does not handle
	// (another version of the standard, an unknown image data type).
	ErrUnsupported = errors.New("faceimage: unsupported record")
)

// FieldError says which field of a record is wrong and where: Offset is the
// field's byte offset from the start of the record.
type FieldError struct {
	Offset int
	Field  string
	Detail string
	Err    error
}

func (e *FieldError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "faceimage: ")
	}
	if e.Detail != "" {
		msg = e.Detail + ": " + msg
	}
	return fmt.Sprintf("faceimage: offset %d (%s): %s", e.Offset, e.Field, msg)
}

func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(off int, field string, err error, format string, args ...any) error {
	return &FieldError{Offset: off, Field: field, Detail: fmt.Sprintf(format, args...), Err: err}
}

// Gender codes (5.5.3).
type Gender uint8

const (
	GenderUnspecified Gender = 0x00
	GenderMale        Gender = 0x01
	GenderFemale      Gender = 0x02
	GenderUnknown     Gender = 0xFF
)

// EyeColour codes (5.5.4).
type EyeColour uint8

const (
	EyeUnspecified  EyeColour = 0x00
	EyeBlack        EyeColour = 0x01
	EyeBlue         EyeColour = 0x02
	EyeBrown        EyeColour = 0x03
	EyeGrey         EyeColour = 0x04
	EyeGreen        EyeColour = 0x05
	EyeMultiColored EyeColour = 0x06
	EyePink         EyeColour = 0x07
	EyeUnknown      EyeColour = 0xFF
)

// HairColour codes (5.5.5).
type HairColour uint8

const (
	HairUnspecified HairColour = 0x00
	HairBald        HairColour = 0x01
	HairBlack       HairColour = 0x02
	HairBlonde      HairColour = 0x03
	HairBrown       HairColour = 0x04
	HairGrey        HairColour = 0x05
	HairWhite       HairColour = 0x06
	HairRed         HairColour = 0x07
	HairGreen       HairColour = 0x08
	HairBlue        HairColour = 0x09
	HairUnknown     HairColour = 0xFF
)

// FeatureMask is the 24-bit property mask (5.5.6).
type FeatureMask uint32

const (
	FeaturesSpecified        FeatureMask = 1 << 0
	FeatureGlasses           FeatureMask = 1 << 1
	FeatureMoustache         FeatureMask = 1 << 2
	FeatureBeard             FeatureMask = 1 << 3
	FeatureTeethVisible      FeatureMask = 1 << 4
	FeatureBlink             FeatureMask = 1 << 5
	FeatureMouthOpen         FeatureMask = 1 << 6
	FeatureLeftEyePatch      FeatureMask = 1 << 7
	FeatureRightEyePatch     FeatureMask = 1 << 8
	FeatureDarkGlasses       FeatureMask = 1 << 9
	FeatureMedicalDistortion FeatureMask = 1 << 10
	featureMaskBits                      = 24
	maxFeatureMask           FeatureMask = 1<<featureMaskBits - 1
)

// Expression codes (5.5.7).
type Expression uint16

const (
	ExpressionUnspecified Expression = 0
	ExpressionNeutral     Expression = 1
	ExpressionSmileClosed Expression = 2
	ExpressionSmileOpen   Expression = 3
	ExpressionRaisedBrows Expression = 4
	ExpressionLookingAway Expression = 5
	ExpressionSquinting   Expression = 6
	ExpressionFrowning    Expression = 7
)

// ImageType is the face image type (5.7.1).
type ImageType uint8

const (
	TypeBasic        ImageType = 0
	TypeFullFrontal  ImageType = 1
	TypeTokenFrontal ImageType = 2
)

// DataType is the image data type (5.7.2).
type DataType uint8

const (
	DataJPEG     DataType = 0
	DataJPEG2000 DataType = 1
)

// ColourSpace codes (5.7.4).
type ColourSpace uint8

const (
	ColourUnspecified ColourSpace = 0
	ColourRGB24       ColourSpace = 1
	ColourYUV422      ColourSpace = 2
	ColourGrey8       ColourSpace = 3
	ColourOther       ColourSpace = 4
)

// SourceType codes (5.7.6).
type SourceType uint8

const (
	SourceUnspecified     SourceType = 0
	SourcePhotoUnknown    SourceType = 1
	SourcePhotoDigitalCam SourceType = 2
	SourcePhotoScanner    SourceType = 3
	SourceVideoUnknown    SourceType = 4
	SourceVideoAnalogue   SourceType = 5
	SourceVideoDigital    SourceType = 6
	SourceUnknown         SourceType = 7
)

// Pose holds the coded yaw, pitch and roll (5.5.8): 0 is unspecified, and
// otherwise the angle in degrees is 2·(value − 91), from −180 to +180.
type Pose struct{ Yaw, Pitch, Roll uint8 }

// Angles returns the pose angles in degrees and whether each is specified.
func (p Pose) Angles() (yaw, pitch, roll int, ok [3]bool) {
	conv := func(v uint8) (int, bool) {
		if v == 0 {
			return 0, false
		}
		return 2 * (int(v) - 91), true
	}
	yaw, ok[0] = conv(p.Yaw)
	pitch, ok[1] = conv(p.Pitch)
	roll, ok[2] = conv(p.Roll)
	return
}

// FeaturePoint is one MPEG-4 facial feature point (5.6): Type 1 is a 2D
// MPEG-4 point, and Code holds the major point number in its high nibble and
// the minor in its low one (so 0x91 is point 9.1, the right nostril).
type FeaturePoint struct {
	Type     uint8
	Code     uint8
	X, Y     uint16
	Reserved uint16 // zero in conforming records; kept so records round-trip
}

// Major returns the MPEG-4 feature point group.
func (f FeaturePoint) Major() int { return int(f.Code >> 4) }

// Minor returns the point's number within its group.
func (f FeaturePoint) Minor() int { return int(f.Code & 0x0F) }

// Image is one facial record data block: facial information, feature
// points, image information and the encoded image.
type Image struct {
	Gender          Gender
	EyeColour       EyeColour
	HairColour      HairColour
	Features        FeatureMask
	Expression      Expression
	Pose            Pose
	PoseUncertainty Pose // each value 0 (unspecified) or 1-181 degrees
	FeaturePoints   []FeaturePoint
	Type            ImageType
	DataType        DataType
	Width, Height   uint16
	ColourSpace     ColourSpace
	Source          SourceType
	DeviceType      uint16
	Quality         uint16
	Data            []byte // the JPEG or JPEG 2000 file

	off int // offset of the block in the record it was parsed from
}

// Record is an ISO/IEC 19794-5:2005 face image record.
type Record struct {
	Images []Image
}

const (
	headerLen   = 14
	infoLen     = 20
	pointLen    = 8
	imageInfLen = 12
)

var (
	formatID = []byte("FAC\x00")
	version  = []byte("010\x00")
)

// Parse decodes a face image record. The returned record's Data slices
// alias b. Errors are *FieldError values wrapping ErrMalformed or
// ErrUnsupported.
func Parse(b []byte) (*Record, error) {
	if len(b) < headerLen {
		return nil, fieldErr(0, "record header", ErrMalformed, "%d bytes, want at least %d", len(b), headerLen)
	}
	if !bytes.Equal(b[:4], formatID) {
		return nil, fieldErr(0, "format identifier", ErrMalformed, "%q, want \"FAC\\x00\"", b[:4])
	}
	if !bytes.Equal(b[4:8], version) {
		return nil, fieldErr(4, "version number", ErrUnsupported, "%q, want \"010\\x00\" (ISO/IEC 19794-5:2005)", b[4:8])
	}
	if l := binary.BigEndian.Uint32(b[8:]); uint64(l) != uint64(len(b)) {
		return nil, fieldErr(8, "length of record", ErrMalformed, "%d, but the record has %d bytes", l, len(b))
	}
	n := int(binary.BigEndian.Uint16(b[12:]))
	if n == 0 {
		return nil, fieldErr(12, "number of facial images", ErrMalformed, "zero")
	}
	rec := &Record{Images: make([]Image, 0, min(n, (len(b)-headerLen)/(infoLen+imageInfLen)+1))}
	off := headerLen
	for i := range n {
		im, next, err := parseImage(b, off, i)
		if err != nil {
			return nil, err
		}
		rec.Images = append(rec.Images, im)
		off = next
	}
	if off != len(b) {
		return nil, fieldErr(off, "record", ErrMalformed, "%d bytes after the last facial record data block", len(b)-off)
	}
	return rec, nil
}

func parseImage(b []byte, off, i int) (Image, int, error) {
	var im Image
	name := func(f string) string { return fmt.Sprintf("image %d %s", i, f) }
	if len(b)-off < infoLen {
		return im, 0, fieldErr(off, name("facial information"), ErrMalformed, "%d bytes left, want %d", len(b)-off, infoLen)
	}
	blockLen := int64(binary.BigEndian.Uint32(b[off:]))
	npts := int(binary.BigEndian.Uint16(b[off+4:]))
	fixed := int64(infoLen + pointLen*npts + imageInfLen)
	if blockLen < fixed {
		return im, 0, fieldErr(off, name("facial record data length"), ErrMalformed, "%d, less than the %d bytes its %d feature points need", blockLen, fixed, npts)
	}
	if blockLen > int64(len(b)-off) {
		return im, 0, fieldErr(off, name("facial record data length"), ErrMalformed, "%d, but %d bytes remain", blockLen, len(b)-off)
	}
	end := off + int(blockLen)
	p := b[off:end]
	im.Gender = Gender(p[6])
	im.EyeColour = EyeColour(p[7])
	im.HairColour = HairColour(p[8])
	im.Features = FeatureMask(uint32(p[9])<<16 | uint32(p[10])<<8 | uint32(p[11]))
	im.Expression = Expression(binary.BigEndian.Uint16(p[12:]))
	im.Pose = Pose{p[14], p[15], p[16]}
	im.PoseUncertainty = Pose{p[17], p[18], p[19]}
	for j, v := range []uint8{p[14], p[15], p[16]} {
		if v > 181 {
			return im, 0, fieldErr(off+14+j, name("pose angle"), ErrMalformed, "coded value %d, at most 181", v)
		}
	}
	for j, v := range []uint8{p[17], p[18], p[19]} {
		if v > 181 {
			return im, 0, fieldErr(off+17+j, name("pose angle uncertainty"), ErrMalformed, "coded value %d, at most 181", v)
		}
	}
	q := infoLen
	if npts > 0 {
		im.FeaturePoints = make([]FeaturePoint, npts)
	}
	for j := range im.FeaturePoints {
		fp := p[q : q+pointLen]
		im.FeaturePoints[j] = FeaturePoint{
			Type:     fp[0],
			Code:     fp[1],
			X:        binary.BigEndian.Uint16(fp[2:]),
			Y:        binary.BigEndian.Uint16(fp[4:]),
			Reserved: binary.BigEndian.Uint16(fp[6:]),
		}
		q += pointLen
	}
	ii := p[q : q+imageInfLen]
	im.Type = ImageType(ii[0])
	im.DataType = DataType(ii[1])
	im.Width = binary.BigEndian.Uint16(ii[2:])
	im.Height = binary.BigEndian.Uint16(ii[4:])
	im.ColourSpace = ColourSpace(ii[6])
	im.Source = SourceType(ii[7])
	im.DeviceType = binary.BigEndian.Uint16(ii[8:])
	im.Quality = binary.BigEndian.Uint16(ii[10:])
	q += imageInfLen
	im.Data = p[q:]
	im.off = off
	return im, end, nil
}

// Append appends the record's encoding to dst. It returns an error, and dst
// unchanged, if a count or length does not fit its field or a feature mask
// has bits above the 24 the field holds.
func (r *Record) Append(dst []byte) ([]byte, error) {
	if len(r.Images) == 0 || len(r.Images) > 0xFFFF {
		return dst, fmt.Errorf("faceimage: %d images, want 1 to 65535: %w", len(r.Images), ErrMalformed)
	}
	total := uint64(headerLen)
	for i := range r.Images {
		im := &r.Images[i]
		if len(im.FeaturePoints) > 0xFFFF {
			return dst, fmt.Errorf("faceimage: image %d has %d feature points, at most 65535: %w", i, len(im.FeaturePoints), ErrMalformed)
		}
		if im.Features > maxFeatureMask {
			return dst, fmt.Errorf("faceimage: image %d feature mask 0x%X exceeds 24 bits: %w", i, uint32(im.Features), ErrMalformed)
		}
		total += uint64(im.blockLen())
	}
	if total > 0xFFFFFFFF {
		return dst, fmt.Errorf("faceimage: record of %d bytes exceeds the 32-bit length field: %w", total, ErrMalformed)
	}
	out := append(dst, formatID...)
	out = append(out, version...)
	out = binary.BigEndian.AppendUint32(out, uint32(total))
	out = binary.BigEndian.AppendUint16(out, uint16(len(r.Images)))
	for i := range r.Images {
		im := &r.Images[i]
		out = binary.BigEndian.AppendUint32(out, uint32(im.blockLen()))
		out = binary.BigEndian.AppendUint16(out, uint16(len(im.FeaturePoints)))
		out = append(out, byte(im.Gender), byte(im.EyeColour), byte(im.HairColour),
			byte(im.Features>>16), byte(im.Features>>8), byte(im.Features))
		out = binary.BigEndian.AppendUint16(out, uint16(im.Expression))
		out = append(out, im.Pose.Yaw, im.Pose.Pitch, im.Pose.Roll,
			im.PoseUncertainty.Yaw, im.PoseUncertainty.Pitch, im.PoseUncertainty.Roll)
		for _, fp := range im.FeaturePoints {
			out = append(out, fp.Type, fp.Code)
			out = binary.BigEndian.AppendUint16(out, fp.X)
			out = binary.BigEndian.AppendUint16(out, fp.Y)
			out = binary.BigEndian.AppendUint16(out, fp.Reserved)
		}
		out = append(out, byte(im.Type), byte(im.DataType))
		out = binary.BigEndian.AppendUint16(out, im.Width)
		out = binary.BigEndian.AppendUint16(out, im.Height)
		out = append(out, byte(im.ColourSpace), byte(im.Source))
		out = binary.BigEndian.AppendUint16(out, im.DeviceType)
		out = binary.BigEndian.AppendUint16(out, im.Quality)
		out = append(out, im.Data...)
	}
	return out, nil
}

// MarshalBinary returns the record's encoding.
func (r *Record) MarshalBinary() ([]byte, error) { return r.Append(nil) }

func (im *Image) blockLen() int {
	return infoLen + pointLen*len(im.FeaturePoints) + imageInfLen + len(im.Data)
}

// NewImage builds a full-frontal Image around an encoded JPEG or JPEG 2000
// file, filling the width, height and colour space from the file's header.
func NewImage(dt DataType, data []byte) (*Image, error) {
	cfg, err := decodeConfig(dt, data)
	if err != nil {
		return nil, err
	}
	if cfg.Width > 0xFFFF || cfg.Height > 0xFFFF {
		return nil, fmt.Errorf("faceimage: image %dx%d exceeds 65535: %w", cfg.Width, cfg.Height, ErrMalformed)
	}
	im := &Image{
		Type:     TypeFullFrontal,
		DataType: dt,
		Width:    uint16(cfg.Width),
		Height:   uint16(cfg.Height),
		Data:     data,
	}
	im.ColourSpace = ColourRGB24
	if cfg.ColorModel == nil || isGrey(cfg) {
		im.ColourSpace = ColourGrey8
	}
	return im, nil
}

func isGrey(cfg image.Config) bool {
	switch cfg.ColorModel {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	return false
}

func decodeConfig(dt DataType, data []byte) (image.Config, error) {
	switch dt {
	case DataJPEG:
		return jpeg.DecodeConfig(bytes.NewReader(data))
	case DataJPEG2000:
		return jpeg2000.DecodeConfig(bytes.NewReader(data))
	}
	return image.Config{}, fmt.Errorf("faceimage: image data type %d: %w", dt, ErrUnsupported)
}

// Decode decodes the image data. It checks that the data is of the declared
// type and, when Width and Height are non-zero, of the declared size; the
// JPEG 2000 decoder's memory limit is the declared size. Errors are
// *FieldError values wrapping ErrMalformed or ErrUnsupported, or the image
// decoder's error; their Offset counts from the start of the record when
// the Image came from Parse, else from the start of its facial record data
// block.
func (im *Image) Decode() (image.Image, error) {
	info := im.off + infoLen + pointLen*len(im.FeaturePoints)
	data := info + imageInfLen
	var img image.Image
	var err error
	switch im.DataType {
	case DataJPEG:
		if !bytes.HasPrefix(im.Data, []byte{0xFF, 0xD8}) {
			return nil, fieldErr(data, "image data", ErrMalformed, "image data type JPEG but no JPEG SOI marker")
		}
		img, err = jpeg.Decode(bytes.NewReader(im.Data))
	case DataJPEG2000:
		d := jpeg2000.Decoder{}
		if im.Width > 0 && im.Height > 0 {
			d.MaxSamples = 4 * int64(im.Width) * int64(im.Height)
		}
		img, err = d.Decode(bytes.NewReader(im.Data))
	default:
		return nil, fieldErr(info+1, "image data type", ErrUnsupported, "type %d", im.DataType)
	}
	if err != nil {
		return nil, &FieldError{Offset: data, Field: "image data", Err: err}
	}
	b := img.Bounds()
	if im.Width > 0 && im.Height > 0 && (b.Dx() != int(im.Width) || b.Dy() != int(im.Height)) {
		return nil, fieldErr(info+2, "image information width/height", ErrMalformed, "declared %dx%d, image is %dx%d", im.Width, im.Height, b.Dx(), b.Dy())
	}
	return img, nil
}
