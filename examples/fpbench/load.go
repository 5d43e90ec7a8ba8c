package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ciekit/ciekit/biometric/eval"
)

// formats is the list of input formats, for the help texts.
const formats = "WSQ, ISO/IEC 19794-4 finger image records (.fir, .iso19794-4, or any file starting \"FIR\\0\"), TIFF (.tif, .tiff; 8- or 16-bit grey), BMP, PNG, JPEG, GIF"

// resolutionRule says where the resolution of a print comes from, for the
// help texts.
const resolutionRule = "The resolution is the file's own (WSQ NISTCOM PPI, a 19794-4 record's image resolution, TIFF XResolution\nwith ResolutionUnit inch or cm, BMP pixels per metre), else -ppi; a declared value under 200 or over 10000 ppi\n(the 72 or 96 dpi image software writes by default) is ignored and -ppi used."

// printRef is one print of a folder: view (from 0) of the views of the
// file at path (views 1 for an image file).
type printRef struct {
	path        string
	view, views int
}

// listPrints returns every print in dir: one per image file, one per
// finger image of a 19794-4 record. Files are recognised by extension
// (eval.PrintExtensions, in any case) or, whatever their name, by content
// (a record's "FIR\0", WSQ's FF A0, TIFF's "II*\0" or "MM\0*", BMP's
// "BM" header); other files (the .iso templates beside FVC
// images, notes) are skipped.
func listPrints(dir string) ([]printRef, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var refs []printRef
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg", ".gif", ".wsq", ".tif", ".tiff", ".bmp":
			refs = append(refs, printRef{path: path, views: 1})
			continue
		}
		head, err := readHead(path)
		if err != nil {
			return nil, err
		}
		if !eval.IsPrint(path, head) {
			continue
		}
		// A record (or a file that says it is one): count its views.
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		n, err := eval.CountPrints(path, data)
		if err != nil {
			return nil, err
		}
		for v := range n {
			refs = append(refs, printRef{path: path, view: v, views: n})
		}
	}
	return refs, nil
}

// readHead returns the first 18 bytes of the file at path (fewer if it is
// shorter): enough for eval.IsPrint to recognise every format by content.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 18)
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}

// loadPrint reads one print.
func loadPrint(r printRef) (eval.Print, error) {
	data, err := os.ReadFile(r.path)
	if err != nil {
		return eval.Print{}, err
	}
	return eval.ReadPrint(r.path, data, r.view)
}

// findPrint returns the image of base (a path without extension) in an
// FVC-style folder: base plus the first of eval.PrintExtensions (in lower
// or upper case) that exists.
func findPrint(base string) (string, error) {
	exts := eval.PrintExtensions()
	for _, ext := range exts {
		for _, e := range []string{ext, strings.ToUpper(ext)} {
			if st, err := os.Stat(base + e); err == nil && st.Mode().IsRegular() {
				return base + e, nil
			}
		}
	}
	return "", fmt.Errorf("no image %s.* (looked for %s)", base, strings.Join(exts, ", "))
}

// loadFVCPrint reads the one print of base in an FVC-style folder; a
// record holding several finger images is an error, since the layout
// gives one impression per file.
func loadFVCPrint(base string) (eval.Print, error) {
	path, err := findPrint(base)
	if err != nil {
		return eval.Print{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return eval.Print{}, err
	}
	ps, err := eval.ReadPrints(path, data)
	if err != nil {
		return eval.Print{}, err
	}
	if len(ps) != 1 {
		return eval.Print{}, fmt.Errorf("%s holds %d finger images; the FVC layout needs one impression per file", path, len(ps))
	}
	return ps[0], nil
}

// ppiCount tallies where the resolutions of a set's prints came from.
type ppiCount struct {
	declared map[int]int // by the files: ppi → prints
	ignored  map[int]int // at the -ppi value, the files declaring no print's resolution: declared ppi → prints
	assumed  int         // prints at the -ppi value (the files declare none)
	def      int
}

func (c *ppiCount) add(p eval.Print) {
	switch {
	case p.PPI > 0:
		if c.declared == nil {
			c.declared = map[int]int{}
		}
		c.declared[p.PPI]++
	case p.IgnoredPPI != 0:
		if c.ignored == nil {
			c.ignored = map[int]int{}
		}
		c.ignored[p.IgnoredPPI]++
	default:
		c.assumed++
	}
}

func (c *ppiCount) String() string {
	var parts []string
	for ppi, n := range c.declared {
		parts = append(parts, fmt.Sprintf("%d at %d ppi declared by the files", n, ppi))
	}
	if len(parts) > 1 {
		slices.Sort(parts)
	}
	var ign []string
	for ppi, n := range c.ignored {
		ign = append(ign, fmt.Sprintf("%d at %d ppi (-ppi; the files declare %d ppi, no print's resolution)", n, c.def, ppi))
	}
	slices.Sort(ign)
	parts = append(parts, ign...)
	if c.assumed > 0 {
		parts = append(parts, fmt.Sprintf("%d at %d ppi (-ppi; the files declare none)", c.assumed, c.def))
	}
	return strings.Join(parts, ", ")
}
