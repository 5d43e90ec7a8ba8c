package biometric

import (
	"errors"
	"fmt"
	"slices"
)

// ErrMINEX is the category of the constraint violations reported by
// [Template.CheckMINEX].
var ErrMINEX = errors.New("biometric: template violates MINEX III constraints")

// MINEX III template constraints (NIST MINEX III validation, minexiii.h):
// a single-view ANSI INCITS 378-2004 template of a 500-ppi image.
const (
	MINEXMaxMinutiae = 128
	MINEXMaxBytes    = 800
	MINEXMinWidth    = 150
	MINEXMaxWidth    = 812
	MINEXMinHeight   = 166
	MINEXMaxHeight   = 1000
	MINEXResolution  = 197 // pixels per centimetre (500 ppi)
)

// CheckMINEX reports whether t meets the MINEX III / PIV constraints: at
// most 128 minutiae, every coordinate inside the image (x < Width,
// y < Height), a 500-ppi resolution (197 px/cm), an image of 150..812 by
// 166..1000 pixels, minutia qualities 0..100 and an encoding of at most 800
// bytes. It returns nil or the violations joined with errors.Join, each
// wrapping [ErrMINEX].
func (t *Template) CheckMINEX() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrMINEX, fmt.Sprintf(format, args...)))
	}
	if len(t.Minutiae) > MINEXMaxMinutiae {
		add("%d minutiae, at most %d allowed", len(t.Minutiae), MINEXMaxMinutiae)
	}
	if t.ResolutionX != MINEXResolution || t.ResolutionY != MINEXResolution {
		add("resolution %dx%d px/cm, want %d (500 ppi)", t.ResolutionX, t.ResolutionY, MINEXResolution)
	}
	if t.Width < MINEXMinWidth || t.Width > MINEXMaxWidth {
		add("image width %d outside %d..%d", t.Width, MINEXMinWidth, MINEXMaxWidth)
	}
	if t.Height < MINEXMinHeight || t.Height > MINEXMaxHeight {
		add("image height %d outside %d..%d", t.Height, MINEXMinHeight, MINEXMaxHeight)
	}
	for i, m := range t.Minutiae {
		if m.X >= t.Width || m.Y >= t.Height {
			add("minutia %d at (%d, %d) outside the %dx%d image", i, m.X, m.Y, t.Width, t.Height)
		}
		if m.Quality > 100 {
			add("minutia %d quality %d above 100", i, m.Quality)
		}
	}
	if n := ansiHeaderLen + viewHeaderLen + minutiaLen*len(t.Minutiae) + 2; n > MINEXMaxBytes {
		add("ANSI encoding of %d bytes, at most %d allowed", n, MINEXMaxBytes)
	}
	return errors.Join(errs...)
}

// TrimMINEX drops the minutiae that lie outside the image and keeps at most
// the 128 of highest quality (ties keep record order), so that the minutiae
// meet [Template.CheckMINEX]. It modifies t.Minutiae in place and keeps the
// survivors in their original order.
func (t *Template) TrimMINEX() {
	ms := slices.DeleteFunc(t.Minutiae, func(m Minutia) bool { return m.X >= t.Width || m.Y >= t.Height })
	if len(ms) > MINEXMaxMinutiae {
		idx := make([]int, len(ms))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return int(ms[b].Quality) - int(ms[a].Quality) })
		keep := make([]bool, len(ms))
		for _, i := range idx[:MINEXMaxMinutiae] {
			keep[i] = true
		}
		j := 0
		for i, m := range ms {
			if keep[i] {
				ms[j] = m
				j++
			}
		}
		clear(ms[j:])
		ms = ms[:j]
	}
	t.Minutiae = ms
}
