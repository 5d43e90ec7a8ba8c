package eval

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF prints
	_ "image/jpeg" // JPEG prints
	_ "image/png"  // PNG prints (the FVC databases)
	"math"
	"path/filepath"
	"strings"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/fingerimage"
	_ "github.com/ciekit/ciekit/biometric/jpeg2000" // JPEG 2000 bodies of 19794-4 records
	"github.com/ciekit/ciekit/biometric/wsq"
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
	// NISTCOM PPI of a WSQ file, the image resolution of a 19794-4 view
	// (converted from pixels per centimetre when the record uses them).
	// It is 0 when the format carries none (PNG, JPEG, GIF, WSQ without
	// NISTCOM PPI): the caller then supplies the collection's resolution.
	PPI int
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
var printExts = []string{".png", ".wsq", ".fir", ".iso19794-4", ".jpg", ".jpeg", ".gif"}

// PrintExtensions returns the file extensions [ReadPrints] reads, lower
// case with the dot, in the order a collection's folder is searched for
// an image of a given base name: PNG, WSQ, 19794-4 records (.fir,
// .iso19794-4), JPEG, GIF.
func PrintExtensions() []string { return append([]string(nil), printExts...) }

// IsPrint reports whether a file of this name and first bytes is one
// [ReadPrints] reads: its extension is one of [PrintExtensions], or its
// content starts as a 19794-4 record ("FIR\0") or a WSQ file (FF A0)
// whatever its name.
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
)

func sniff(data []byte) kind {
	switch {
	case bytes.HasPrefix(data, []byte("FIR\x00")):
		return kindRecord
	case bytes.HasPrefix(data, []byte{0xFF, 0xA0}):
		return kindWSQ
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
		pr := Print{Name: p.name, Position: biometric.FingerPosition(fi.Position), PPI: recordPPI(fi)}
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
		return Print{Name: p.name, Image: img, PPI: max(info.PPI, 0)}, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return Print{}, fmt.Errorf("%s: %w: not PNG, JPEG, GIF, WSQ or an ISO/IEC 19794-4 record (starts with %q)", name, ErrNotPrint, head(data))
		}
		return Print{}, fmt.Errorf("%s: %w", name, err)
	}
	return Print{Name: p.name, Image: img}, nil
}

// recordPPI is a view's image resolution in pixels per inch (0 when the
// record gives none).
func recordPPI(fi *fingerimage.Image) int {
	r := int(fi.ImageResX)
	if r == 0 {
		r = int(fi.ImageResY)
	}
	if fi.ScaleUnits == 2 { // pixels per centimetre
		return int(math.Round(float64(r) * 2.54))
	}
	return r
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
// file's resolution; anything else goes to [image.Decode], which reads
// PNG, JPEG and GIF here and any format the program registers. A file
// named .fir, .iso19794-4 or .wsq must hold that format.
//
// Errors name the file (and view) and say what is wrong; they wrap
// [ErrNotPrint] for an unrecognised file and otherwise the codec's error
// (a *fingerimage.FormatError, a *wsq.FormatError, errors.ErrUnsupported
// for a JPEG 2000 view the decoder refuses, …). JPEG 2000 bodies decode
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
