package emrtd

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ciekit/ciekit/scard"
)

// FileError is the failure to read one file of the eMRTD application in a
// partial read ([ReadOptions.Partial]). Err is the cause: a
// [*scard.StatusError] (errors.Is [scard.ErrNotFound] for a file the chip
// does not have, [scard.ErrSecurityStatus] for one it protects), a
// [*scard.SMError] for a reply whose secure messaging does not verify, or a
// [*scard.DataError] for content that does not parse.
type FileError struct {
	File string // "EF.COM", "DG2", "EF.SOD"
	Err  error
}

// Error returns "emrtd: reading FILE: cause".
func (e *FileError) Error() string { return fmt.Sprintf("emrtd: reading %s: %v", e.File, e.Err) }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// fileFailed records err for file in a partial read and returns nil, or
// returns err when the read must stop: no Partial option, ctx done, a
// transport failure, or the chip ending secure messaging.
func (e *Document) fileFailed(ctx context.Context, opts ReadOptions, file string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if smEnded(err) {
		// The chip answered 6987 or 6988 in plain: it has ended secure
		// messaging and dropped its session keys (ICAO Doc 9303-11
		// 9.8.6), and so has scard.Card. Going on would read the other
		// files in plain, unprotected, from a chip that should refuse
		// them (vsmartcard's ePass emulator serves them; see
		// scripts/interop-vicc): the read stops here, also in a partial
		// read.
		return &FileError{File: file, Err: fmt.Errorf("the chip ended secure messaging, so the read stops: %w", err)}
	}
	var sme *scard.SMError
	if !opts.Partial || isTransport(err) && !errors.As(err, &sme) {
		return err
	}
	if e.FileErrors == nil {
		e.FileErrors = map[string]error{}
	}
	e.FileErrors[file] = &FileError{File: file, Err: err}
	return nil
}

// smEnded reports whether err is the chip's plain 6987 (SM data objects
// missing) or 6988 (SM data objects incorrect): the end of the session.
func smEnded(err error) bool {
	var se *scard.StatusError
	return errors.As(err, &se) && (se.SW == scard.SWSMObjectsMissing || se.SW == scard.SWSMObjectsIncorrect)
}

// Err returns the file errors of a partial read joined with errors.Join in
// file-name order, or nil if every file was read.
func (e *Document) Err() error {
	names := make([]string, 0, len(e.FileErrors))
	for n := range e.FileErrors {
		names = append(names, n)
	}
	slices.Sort(names)
	errs := make([]error, 0, len(names))
	for _, n := range names {
		errs = append(errs, e.FileErrors[n])
	}
	return errors.Join(errs...)
}

// Checks says which verifications the files of a Document allow, so that
// the caller of a partial read can decide whether the document is good
// enough for its purpose.
type Checks struct {
	// MRZ: DG1 was read, so the MRZ can be decoded and compared with the
	// printed one.
	MRZ bool
	// PassiveAuthentication: EF.SOD was read, so [Document.Verify] can
	// check its signature and the hashes of the data groups read.
	PassiveAuthentication bool
	// ChipAuthenticated: chip authentication ran and succeeded (the chip
	// is not a clone).
	ChipAuthenticated bool
	// ActiveAuthentication: DG15 (the active authentication public key)
	// was read.
	ActiveAuthentication bool
	// Unverifiable lists the data groups read that cannot be checked
	// against a hash because EF.SOD is missing; nil when EF.SOD was read.
	Unverifiable []int
	// Missing lists the files that failed, by name, sorted.
	Missing []string
}

// Checks reports which verifications the files read allow.
func (e *Document) Checks() Checks {
	var c Checks
	_, c.MRZ = e.DataGroups[1]
	c.PassiveAuthentication = len(e.SOD) > 0
	c.ChipAuthenticated = e.ChipAuthenticated
	_, c.ActiveAuthentication = e.DataGroups[15]
	if !c.PassiveAuthentication && len(e.DataGroups) > 0 {
		c.Unverifiable = e.DataGroupNumbers() // nil, not empty, when nothing was read
	}
	for n := range e.FileErrors {
		c.Missing = append(c.Missing, n)
	}
	slices.Sort(c.Missing)
	return c
}
