package eval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF prints
	_ "image/jpeg" // JPEG prints
	_ "image/png"  // PNG prints (the FVC databases)
	"path/filepath"
	"strings"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/fingerimage"
	_ "github.com/ciekit/ciekit/biometric/jpeg2000" // JPEG 2000 bodies of 19794-4 records
	"github.com/ciekit/ciekit/biometric/wsq"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// ErrNotPrint reports a file that is not in a format [ReadPrints] reads,
// or whose content contradicts its extension.
var ErrNotPrint = errors.New("not a fingerprint image file")

// Print is one fingerprint image read from a file by [ReadPrints].
type Print struct {
	// Name is the file's base name; a view of a record that holds several
	// finger images is named "<base name>#<view>", views counted from 1
	// in record order.
	Name  string
	Image image.Image
	// PPI is the resolution the file declares, in pixels per inch: the
	// NISTCOM PPI of a WSQ file, the image resolution of a 19794-4 view,
	// a TIFF's XResolution (per ResolutionUnit), a BMP's biXPelsPerMeter;
	// pixels per centimetre or metre are converted and rounded. Where the
	// horizontal and vertical resolutions differ the horizontal one is
	// taken (the extractor takes one resolution for both axes); where
	// only the vertical one is given, that one. It is 0 when the file
	// declares none (PNG, JPEG, GIF, WSQ without NISTCOM PPI, a TIFF
	// without XResolution or with ResolutionUnit 1, a BMP with 0 pixels
	// per metre) or one no print has (see IgnoredPPI): the caller then
	// supplies the collection's resolution.
	PPI int
	// IgnoredPPI is a resolution the file declares but that no print has,
	// rounded to pixels per inch: under 200 or over 10000 ppi. These are
	// most often placeholders written by image software (72 dpi by
	// golang.org/x/image's TIFF encoder and many editors, 96 dpi by
	// Windows Paint), so PPI is then 0 rather than a value the extractor
	// would refuse or, worse, resample to. It is 0 otherwise.
	IgnoredPPI int
	// Position is the finger position of a 19794-4 view (0, unknown,
	// for the other formats); the codes are those of ISO/IEC 19794-2.
	Position biometric.FingerPosition
}

// Resolution returns p.PPI, or def when the file declared none: the value
// for [biometric.Options].Resolution.
func (p *Print) Resolution(def int) int {
	if p.PPI > 0 {
		return p.PPI
	}
	return def
}

// Extensions ReadPrints reads. ".iso" is not among them: in the FVC
// layout it holds the ISO/IEC 19794-2 minutiae template beside an image.
var printExts = []string{".png", ".wsq", ".fir", ".iso19794-4", ".tif", ".tiff", ".bmp", ".jpg", ".jpeg", ".gif"}

// PrintExtensions returns the file extensions [ReadPrints] reads, lower
// case with the dot, in the order a collection's folder is searched for
// an image of a given base name: PNG, WSQ, 19794-4 records (.fir,
// .iso19794-4), TIFF (.tif, .tiff), BMP, JPEG, GIF.
func PrintExtensions() []string { return append([]string(nil), printExts...) }

// IsPrint reports whether a file of this name and first bytes is one
// [ReadPrints] reads: its extension is one of [PrintExtensions] (in any
// case), or whatever its name its content starts as a 19794-4 record
// ("FIR\0"), a WSQ file (FF A0), a TIFF file ("II*\0" or "MM\0*") or a
// BMP file ("BM", four zero bytes at 6..9 and an info header size at
// 14..17). head holds the file's first bytes: 18 are enough for every
// format; with fewer a BMP is not recognised by content.
func IsPrint(name string, head []byte) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range printExts {
		if ext == e {
			return true
		}
	}
	return sniff(head) != kindOther
}

type kind int

const (
	kindOther kind = iota
	kindRecord
	kindWSQ
	kindTIFF
	kindBMP
)

func sniff(data []byte) kind {
	switch {
	case bytes.HasPrefix(data, []byte("FIR\x00")):
		return kindRecord
	case bytes.HasPrefix(data, []byte{0xFF, 0xA0}):
		return kindWSQ
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return kindTIFF
	case len(data) >= bmpFileHeaderLen+4 && bytes.HasPrefix(data, []byte("BM")) && bytes.Equal(data[6:10], []byte{0, 0, 0, 0}):
		// "BM" alone is too weak (a text file may start so): the reserved
		// bytes are zero and the info header size is one BMP knows.
		switch binary.LittleEndian.Uint32(data[bmpFileHeaderLen:]) {
		case bmpCoreHeaderLen, bmpInfoHeaderLen, 52, 56, 64, 108, 124:
			return kindBMP
		}
	}
	return kindOther
}

// parsed is a file recognised by content, its extension checked.
type parsed struct {
	name string
	kind kind
	rec  *fingerimage.Record
}

func parse(name string, data []byte) (*parsed, error) {
	base := filepath.Base(name)
	p := &parsed{name: base, kind: sniff(data)}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case (ext == ".fir" || ext == ".iso19794-4") && p.kind != kindRecord:
		return nil, fmt.Errorf("%s: %w: an ISO/IEC 19794-4 record must start with \"FIR\\0\", this file starts with %q", name, ErrNotPrint, head(data))
	case ext == ".wsq" && p.kind != kindWSQ:
		return nil, fmt.Errorf("%s: %w: a WSQ file must start with FF A0 (SOI), this file starts with % X", name, ErrNotPrint, head(data))
	case ext == ".bmp" && p.kind == kindOther && bytes.HasPrefix(data, []byte("BM")):
		p.kind = kindBMP // the header reader says what is wrong with it
	case ext == ".bmp" && p.kind != kindBMP:
		return nil, fmt.Errorf("%s: %w: a BMP file must start with \"BM\", this file starts with %q", name, ErrNotPrint, head(data))
	case (ext == ".tif" || ext == ".tiff") && p.kind != kindTIFF:
		if bytes.HasPrefix(data, []byte("II+\x00")) || bytes.HasPrefix(data, []byte("MM\x00+")) {
			return nil, fmt.Errorf("%s: %w: BigTIFF is not read, only classic TIFF (\"II*\\0\" or \"MM\\0*\")", name, ErrNotPrint)
		}
		return nil, fmt.Errorf("%s: %w: a TIFF file must start with \"II*\\0\" or \"MM\\0*\", this file starts with %q", name, ErrNotPrint, head(data))
	}
	if p.kind == kindRecord {
		rec, err := fingerimage.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec.Images) == 0 {
			return nil, fmt.Errorf("%s: %w: the ISO/IEC 19794-4 record holds no finger image", name, ErrNotPrint)
		}
		p.rec = rec
	}
	return p, nil
}

func head(data []byte) []byte { return data[:min(len(data), 4)] }

func (p *parsed) count() int {
	if p.rec != nil {
		return len(p.rec.Images)
	}
	return 1
}

func (p *parsed) print(name string, data []byte, i int) (Print, error) {
	if n := p.count(); i < 0 || i >= n {
		return Print{}, fmt.Errorf("%s: print %d asked of a file with %d", name, i, n)
	}
	switch p.kind {
	case kindRecord:
		fi := &p.rec.Images[i]
		pr := Print{Name: p.name, Position: biometric.FingerPosition(fi.Position)}
		pr.PPI, pr.IgnoredPPI = recordResolution(fi)
		where := name
		if len(p.rec.Images) > 1 {
			pr.Name = fmt.Sprintf("%s#%d", p.name, i+1)
			where = fmt.Sprintf("%s#%d", name, i+1)
		}
		img, err := fi.Decode()
		if err != nil {
			return Print{}, fmt.Errorf("%s (finger image %d of %d, %v, %s): %w", where, i+1, len(p.rec.Images), fi.Position, fi.Compression, err)
		}
		pr.Image = img
		return pr, nil
	case kindWSQ:
		img, info, err := wsq.DecodeBytes(data, nil)
		if err != nil {
			return Print{}, fmt.Errorf("%s: %w", name, err)
		}
		pr := Print{Name: p.name, Image: img}
		if info.PPI > 0 { // -1: not declared
			pr.PPI, pr.IgnoredPPI = resolution(float64(info.PPI), 0)
		}
		return pr, nil
	case kindTIFF, kindBMP:
		return p.decodeHeadered(name, data)
	}
	// The size first, so that a small file declaring a huge image is
	// refused before its pixels are allocated.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil {
		if px := int64(cfg.Width) * int64(cfg.Height); px > maxPixels {
			return Print{}, fmt.Errorf("%s: %w", name, &HeaderError{Format: strings.ToUpper(format), Field: "image size", Offset: sizeOffset(format),
				Reason: fmt.Sprintf("%d×%d pixels, more than the %d ReadPrints decodes", cfg.Width, cfg.Height, maxPixels)})
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return Print{}, fmt.Errorf("%s: %w: not PNG, JPEG, GIF, TIFF, BMP, WSQ or an ISO/IEC 19794-4 record (starts with %q)", name, ErrNotPrint, head(data))
		}
		return Print{}, fmt.Errorf("%s: %w", name, err)
	}
	return Print{Name: p.name, Image: img}, nil
}

// sizeOffset is where the image size lies in a format image.Decode reads:
// PNG's IHDR width, GIF's logical screen width; -1 where it has no fixed
// place (a JPEG's frame header) or the format is not one of those.
func sizeOffset(format string) int64 {
	switch format {
	case "png":
		return 16
	case "gif":
		return 6
	}
	return -1
}

// recordResolution is a view's image resolution for Print.PPI and
// Print.IgnoredPPI.
func recordResolution(fi *fingerimage.Image) (ppi, ignored int) {
	x, y := float64(fi.ImageResX), float64(fi.ImageResY)
	if fi.ScaleUnits == 2 { // pixels per centimetre
		x, y = x*cmPerInch, y*cmPerInch
	}
	return resolution(x, y)
}

// decodeHeadered decodes a TIFF or BMP file with golang.org/x/image, its
// resolution and size read from the header first.
func (p *parsed) decodeHeadered(name string, data []byte) (Print, error) {
	read, decode := readTIFFHeader, tiff.Decode
	if p.kind == kindBMP {
		read, decode = readBMPHeader, bmp.Decode
	}
	h, err := read(data)
	if err == nil {
		err = h.checkSize(len(data))
	}
	if err != nil {
		return Print{}, fmt.Errorf("%s: %w", name, err)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, bmp.ErrUnsupported) {
			return Print{}, fmt.Errorf("%s: %w (golang.org/x/image/bmp reads uncompressed 1-, 2-, 4- and 8-bit palette, 24- and 32-bit BMP with a 40, 108 or 124-byte info header)", name, err)
		}
		return Print{}, fmt.Errorf("%s: decoding %s: %w", name, h.format, err)
	}
	pr := Print{Name: p.name, Image: img}
	pr.PPI, pr.IgnoredPPI = resolution(h.xPPI, h.yPPI)
	return pr, nil
}

// CountPrints returns how many prints [ReadPrints] would return for the
// file, without decoding any image: the number of finger images of a
// 19794-4 record, 1 for the image formats. It checks what ReadPrints
// checks before decoding (content against extension, the record's
// structure).
func CountPrints(name string, data []byte) (int, error) {
	p, err := parse(name, data)
	if err != nil {
		return 0, err
	}
	return p.count(), nil
}

// ReadPrint decodes print i (from 0) of the file: the i-th finger image of
// a 19794-4 record; for the other formats i must be 0.
func ReadPrint(name string, data []byte, i int) (Print, error) {
	p, err := parse(name, data)
	if err != nil {
		return Print{}, err
	}
	return p.print(name, data, i)
}

// ReadPrints decodes the fingerprint images of a file called name (a
// path or base name, used in errors and in [Print].Name) whose content is
// data. The format is recognised by content: ISO/IEC 19794-4 finger image
// records (2005 or 2011 edition, first bytes "FIR\0", normally named .fir
// or .iso19794-4; see package biometric/fingerimage) give one Print per
// finger image; WSQ files (package biometric/wsq) give one Print with the
// file's resolution; TIFF (golang.org/x/image/tiff: the first image of
// the file; 8-bit grey as *image.Gray, 16-bit grey as *image.Gray16, its
// precision kept) and BMP (golang.org/x/image/bmp: palette grey as
// *image.Paletted, 24-bit as *image.RGBA) give one Print with the
// resolution their header declares; anything else goes to [image.Decode],
// which reads PNG, JPEG and GIF here and any format the program
// registers. A file named .fir, .iso19794-4, .wsq, .tif, .tiff or .bmp
// must hold that format. The resolution rules are those of [Print].PPI.
//
// Errors name the file (and view) and say what is wrong; they wrap
// [ErrNotPrint] for an unrecognised file, a [*HeaderError] (unwrapping to
// [ErrMalformed]) for a TIFF or BMP header that cannot be read, for an
// image larger than 8192 × 8192 pixels in any format (refused from its
// header, before its pixels are allocated) or a TIFF or BMP one larger
// than the file can hold, and
// otherwise the codec's error (a *fingerimage.FormatError, a
// *wsq.FormatError, tiff.FormatError, tiff.UnsupportedError,
// bmp.ErrUnsupported, io.ErrUnexpectedEOF for pixel data cut short,
// errors.ErrUnsupported for a JPEG 2000 view the decoder refuses, …). JPEG 2000 bodies decode
// through biometric/jpeg2000, which this package registers.
func ReadPrints(name string, data []byte) ([]Print, error) {
	p, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	ps := make([]Print, p.count())
	for i := range ps {
		if ps[i], err = p.print(name, data, i); err != nil {
			return nil, err
		}
	}
	return ps, nil
}
