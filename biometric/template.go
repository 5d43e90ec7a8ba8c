package biometric

// MinutiaKind is the type of a minutia.
type MinutiaKind uint8

// Minutia kinds, numbered as in ISO/IEC 19794-2:2005 table 4 (the two-bit
// type field: 00 other, 01 ridge ending, 10 bifurcation).
const (
	KindOther       MinutiaKind = 0
	KindEnding      MinutiaKind = 1
	KindBifurcation MinutiaKind = 2
)

// String returns "ending", "bifurcation" or "other".
func (k MinutiaKind) String() string {
	switch k {
	case KindEnding:
		return "ending"
	case KindBifurcation:
		return "bifurcation"
	default:
		return "other"
	}
}

// Minutia is one ridge ending or bifurcation.
//
// X and Y are pixel coordinates with the origin at the top-left corner of
// the image, X to the right and Y down. Angle is the minutia direction in
// the ISO/IEC 19794-2 convention: counter-clockwise from the positive X
// axis, in units of 360/256 degrees (0..255). Quality is 0..100 (0 when
// unknown).
type Minutia struct {
	X, Y    uint16
	Angle   uint8
	Kind    MinutiaKind
	Quality uint8
}

// FingerPosition is the finger position code of ISO/IEC 19794-2 and
// ANSI INCITS 378 (table 5: 0 unknown, 1 right thumb … 10 left little).
type FingerPosition uint8

// Finger positions.
const (
	FingerUnknown      FingerPosition = 0
	RightThumb         FingerPosition = 1
	RightIndex         FingerPosition = 2
	RightMiddle        FingerPosition = 3
	RightRing          FingerPosition = 4
	RightLittle        FingerPosition = 5
	LeftThumb          FingerPosition = 6
	LeftIndex          FingerPosition = 7
	LeftMiddle         FingerPosition = 8
	LeftRing           FingerPosition = 9
	LeftLittle         FingerPosition = 10
	fingerPositionLast FingerPosition = LeftLittle
)

// Valid reports whether p is one of the positions 0..10.
func (p FingerPosition) Valid() bool { return p <= fingerPositionLast }

// Right reports whether p is a finger of the right hand.
func (p FingerPosition) Right() bool { return p >= RightThumb && p <= RightLittle }

// Left reports whether p is a finger of the left hand.
func (p FingerPosition) Left() bool { return p >= LeftThumb && p <= LeftLittle }

// Template is the minutiae of one finger impression.
//
// Width and Height are the image size in pixels; ResolutionX and
// ResolutionY are in pixels per centimetre as ISO/IEC 19794-2 stores them
// (500 ppi is 197 px/cm). Quality is the finger quality 0..100 (the ISO
// view quality byte): from an Extractor it is [Extractor.Quality], a
// prediction of how well the impression will match (0 no fingerprint,
// below 40 retry the capture, 70 and above good); from a parsed record it is
// whatever the producer wrote.
// The zero Template is empty and valid.
type Template struct {
	Width, Height            uint16
	ResolutionX, ResolutionY uint16
	Finger                   FingerPosition
	ViewNumber               uint8
	ImpressionType           uint8
	Quality                  uint8
	Minutiae                 []Minutia
}

// PPI converts a resolution in pixels per centimetre to pixels per inch,
// rounded to the nearest integer.
func PPI(pxPerCM uint16) int { return (int(pxPerCM)*254 + 50) / 100 }

// PxPerCM converts pixels per inch to pixels per centimetre, rounded to
// the nearest integer (500 ppi gives 197).
func PxPerCM(ppi int) uint16 { return uint16((ppi*100 + 127) / 254) }
