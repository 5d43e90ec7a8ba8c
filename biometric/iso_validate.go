package biometric

import (
	"errors"
	"fmt"
)

// ErrInvalidRecord is the category of the semantic problems reported by
// [Record.Validate]: records that decode but that conformance checkers
// such as NIST's prfmr (usnistgov/biomdi, libfmr validate.c) reject.
var ErrInvalidRecord = errors.New("biometric: minutiae record fails validation")

// Validate checks r against the semantic rules of format f that the
// decoders do not enforce (they accept anything they can re-encode
// byte for byte):
//   - ANSI INCITS 378-2004: a non-zero CBEFF product owner;
//   - non-zero resolutions (ISO/IEC 19794-2 asks for at least 99 px/cm);
//   - at most 176 views (ISO);
//   - for each finger position, view numbers starting at 0 and increasing
//     by one in record order;
//   - minutiae inside the image (x < width, y < height);
//   - ridge count blocks: a defined extraction method (0, 1, 2) and
//     minutia indices within the view's minutia count;
//   - core and delta blocks that decode.
//
// It returns nil or the problems joined with errors.Join, each wrapping
// [ErrInvalidRecord].
func (r *Record) Validate(f Format) error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalidRecord, fmt.Sprintf(format, args...)))
	}
	if f == FormatANSI2004 && r.ProductOwner == 0 {
		add("CBEFF product owner is zero")
	}
	minRes := uint16(1)
	if f == FormatISO2005 {
		minRes = 99
	}
	if r.ResolutionX < minRes || r.ResolutionY < minRes {
		add("resolution %dx%d px/cm, want at least %d", r.ResolutionX, r.ResolutionY, minRes)
	}
	if f == FormatISO2005 && len(r.Views) > 176 {
		add("%d views, at most 176 allowed", len(r.Views))
	}
	var nextView [fingerPositionLast + 1]int
	for vi := range r.Views {
		v := &r.Views[vi]
		if v.Finger.Valid() {
			if int(v.ViewNumber) != nextView[v.Finger] {
				add("view %d: view number %d for finger position %d, want %d", vi, v.ViewNumber, v.Finger, nextView[v.Finger])
			}
			nextView[v.Finger] = int(v.ViewNumber) + 1
		}
		for mi, m := range v.Minutiae {
			if m.X >= r.Width || m.Y >= r.Height {
				add("view %d minutia %d at (%d, %d) outside the %dx%d image", vi, mi, m.X, m.Y, r.Width, r.Height)
			}
		}
		for bi, b := range v.Extended {
			switch b.Type {
			case ExtendedRidgeCount:
				rc, err := ParseRidgeCounts(b.Data)
				if err != nil {
					add("view %d extended block %d: ridge counts: %v", vi, bi, err)
					continue
				}
				if rc.Method > RidgeCountEightNeighbour {
					add("view %d extended block %d: ridge count method %d undefined", vi, bi, rc.Method)
				}
				for ci, c := range rc.Counts {
					if int(c.A) > len(v.Minutiae) || int(c.B) > len(v.Minutiae) {
						add("view %d extended block %d entry %d: minutia index beyond the %d minutiae", vi, bi, ci, len(v.Minutiae))
					}
				}
			case ExtendedCoreDelta:
				if _, err := ParseCoreDelta(b.Data, f); err != nil {
					add("view %d extended block %d: core and delta: %v", vi, bi, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}
