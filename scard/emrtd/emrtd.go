package emrtd

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"
)

// ReadOptions configures [Read]. Give the CAN, the MRZ key or both.
type ReadOptions struct {
	// CAN, if set, is the PACE password (6 digits printed on the CIE);
	// see [NewCAN].
	CAN CAN
	// MRZ is the BAC key, and the PACE password when CAN is empty.
	MRZ MRZKey
	// NoPACE uses BAC even when EF.CardAccess offers PACE.
	NoPACE bool
	// DataGroups lists the data groups to read; nil means every data group
	// EF.COM lists except DG3 and DG4, which need EAC terminal
	// authentication.
	DataGroups []int
	// ChipAuthentication reads DG14 first and runs [ChipAuthentication]
	// before the other data groups (anti-cloning; DG14 is then verified by
	// passive authentication with the rest).
	ChipAuthentication bool
	// Terminal, if set, runs EAC terminal authentication with these
	// certificates and signer after chip authentication (implied), and
	// the default data groups then include DG3 and DG4 (see [EAC]).
	Terminal *TAOptions
	// Partial keeps reading when a file cannot be read or is malformed:
	// the file's error goes into [Document.FileErrors] and Read goes on
	// with the next file, so the caller gets every file that could be read
	// and decides whether the document is acceptable ([Document.Checks]
	// says what can still be verified). Without EF.COM, and with
	// DataGroups nil, it tries DG1, DG2 and DG5-DG16 and skips those the
	// card does not have. Access control (PACE, BAC), chip authentication
	// and transport failures (card removed, ctx done) still end the read
	// with an error. So does the chip ending secure messaging: a plain
	// 6987 or 6988 to a protected command (ICAO Doc 9303-11 9.8.6) stops
	// the read with a [*FileError] for the file being read (errors.Is
	// [scard.ErrSecureMessaging]) and no Document, rather than reading the
	// remaining files in plain. Without Partial, the first failing file
	// ends it.
	Partial bool
	// Progress, if set, is called after each chunk of a file with the
	// file's name ("DG2"), the bytes read so far and its size, for user
	// interfaces (DG2 takes seconds over NFC). It runs on the caller's
	// goroutine and must not block.
	Progress func(file string, read, total int)
}

// Document is the raw content read from the eMRTD application, with helpers
// to decode it. Files are kept raw so that passive authentication hashes
// exactly what the chip returned.
type Document struct {
	Access        string         // "PACE" or "BAC"
	CardAccess    []byte         // raw EF.CardAccess, nil if absent
	SecurityInfos *SecurityInfos // parsed EF.CardAccess, nil if absent
	COM           *COM
	RawCOM        []byte
	DataGroups    map[int][]byte // raw data groups by number
	SOD           []byte         // raw EF.SOD
	// PACE is what PACE established (protocol, mapping, PACE-CAM
	// outcome); nil after BAC.
	PACE *PACEResult
	// CardSecurity is the raw EF.CardSecurity, read after PACE-CAM when
	// DG14 has no ECDH chip authentication key; nil otherwise.
	CardSecurity []byte
	// ChipAuthenticated reports that the chip proved it holds the private
	// chip authentication key: by EAC chip authentication, or by PACE with
	// Chip Authentication Mapping (then not run again). The proof counts
	// once passive authentication has verified the file holding the key
	// (DG14 with [Document.Verify], or EF.CardSecurity).
	ChipAuthenticated bool
	// ChipAuthenticatedBy says how: [ChipAuthCA], [ChipAuthPACECAMDG14]
	// or [ChipAuthPACECAMCardSecurity]; [ChipAuthNone] (the zero value)
	// when not authenticated.
	ChipAuthenticatedBy ChipAuth
	// TerminalAuthenticated reports that terminal authentication succeeded.
	TerminalAuthenticated bool
	// FileErrors holds, with [ReadOptions.Partial], the error of each file
	// that could not be read or was malformed, by file name ("EF.COM",
	// "DG2", "EF.SOD"); each is a [*FileError]. Nil when every file read.
	FileErrors map[string]error
}

// ChipAuth is how the chip proved that it holds its private chip
// authentication key ([Document.ChipAuthenticatedBy]). The zero value,
// [ChipAuthNone], means it did not.
type ChipAuth int

// Ways of chip authentication.
const (
	// ChipAuthNone means the chip is not authenticated.
	ChipAuthNone ChipAuth = iota
	// ChipAuthCA is EAC chip authentication (ICAO Doc 9303-11 clause 6.2)
	// with the key of DG14.
	ChipAuthCA
	// ChipAuthPACECAMDG14 is PACE with Chip Authentication Mapping (clause
	// 4.4.3.5), verified with the key of DG14.
	ChipAuthPACECAMDG14
	// ChipAuthPACECAMCardSecurity is PACE with Chip Authentication Mapping,
	// verified with the key of EF.CardSecurity (DG14 had none).
	ChipAuthPACECAMCardSecurity
)

// String returns "none", "CA", "PACE-CAM/DG14" or
// "PACE-CAM/EF.CardSecurity" (the file whose key PACE-CAM verified), and
// "ChipAuth(n)" for any other value.
func (a ChipAuth) String() string {
	switch a {
	case ChipAuthNone:
		return "none"
	case ChipAuthCA:
		return "CA"
	case ChipAuthPACECAMDG14:
		return "PACE-CAM/DG14"
	case ChipAuthPACECAMCardSecurity:
		return "PACE-CAM/EF.CardSecurity"
	}
	return fmt.Sprintf("ChipAuth(%d)", int(a))
}

// Read opens the ICAO eMRTD application and reads EF.COM, the data
// groups and EF.SOD (ICAO Doc 9303-10 and -11). Access control: if
// EF.CardAccess offers a PACE protocol that ciekit implements and a CAN or
// MRZ key is given, PACE; otherwise BAC with the MRZ key. A wrong CAN or MRZ
// gives an error wrapping [ErrAuthentication]; a missing key
// [ErrInvalidKey]. The caller then verifies with [Document.Verify].
//
// The card's secure messaging stays installed on c for further reads.
func Read(ctx context.Context, c *scard.Card, opts ReadOptions) (*Document, error) {
	e := &Document{DataGroups: map[int][]byte{}}
	c.SetSecureMessaging(nil)
	var info *PACEInfo
	var idPICC []byte // terminal authentication's ID_PICC
	if !opts.NoPACE && (!opts.CAN.IsZero() || !opts.MRZ.IsZero()) {
		ca, err := c.ReadTLVFile(ctx, FIDCardAccess, "EF.CardAccess", nil)
		if errors.Is(err, scard.ErrNotFound) {
			// An application may still be selected from an earlier
			// session: select the MF and try again.
			if c.Select(ctx, 0x00, []byte{0x3F, 0x00}) == nil {
				ca, err = c.ReadTLVFile(ctx, FIDCardAccess, "EF.CardAccess", nil)
			}
		}
		if err == nil {
			e.CardAccess = ca
			if si, err := ParseCardAccess(ca); err == nil {
				e.SecurityInfos = si
				info = choosePACE(si.PACE)
			}
		} else if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		} else if isTransport(err) {
			return nil, err
		}
	}
	if info != nil {
		var pw PACEPassword
		var err error
		if !opts.CAN.IsZero() {
			pw = opts.CAN.Password()
		} else {
			pw, err = MRZPassword(opts.MRZ)
		}
		if err != nil {
			return nil, err
		}
		p, err := runPACE(ctx, c, *info, pw)
		switch {
		case err == nil:
			e.Access = "PACE"
			e.PACE = p.result(*info)
			idPICC = e.PACE.idPICC
			if err := c.SelectAID(ctx, AID()); err != nil {
				return nil, fmt.Errorf("selecting the eMRTD application: %w", err)
			}
			if e.PACE.Mapping == MappingChipAuthentication {
				// The key of PACE-CAM: DG14 first (read anyway, and
				// verified with the other data groups by passive
				// authentication; ICAO Doc 9303-11 J.1), else
				// EF.CardSecurity in the master file (clause 6).
				if err := e.camDG14(ctx, c, opts); err != nil {
					return nil, err
				}
				if !e.ChipAuthenticated {
					if err := e.camCardSecurity(ctx, c, opts); err != nil {
						return nil, err
					}
					if err := c.SelectAID(ctx, AID()); err != nil {
						return nil, fmt.Errorf("selecting the eMRTD application: %w", err)
					}
				}
			}
		case errors.Is(err, scard.ErrAuthentication) || isTransport(err) && !errors.Is(err, scard.ErrNotSupported) || opts.MRZ.IsZero():
			return nil, err
		default:
			// PACE refused for another reason (unsupported by the reader
			// or the card): ICAO Doc 9303-11 4.2 allows falling back to BAC.
			info = nil
			c.SetSecureMessaging(nil)
		}
	}
	if info == nil {
		if opts.MRZ.IsZero() {
			return nil, fmt.Errorf("emrtd: BAC needs the MRZ key and none was given: %w", scard.ErrInvalidKey)
		}
		if err := c.SelectAID(ctx, AID()); err != nil {
			return nil, fmt.Errorf("selecting the eMRTD application: %w", err)
		}
		if err := BAC(ctx, c, opts.MRZ); err != nil {
			return nil, err
		}
		e.Access = "BAC"
		if s, err := opts.MRZ.Info(); err == nil {
			idPICC = []byte(s[:10])
		}
	}
	raw, err := c.ReadTLVFile(ctx, FIDCOM, "EF.COM", opts.Progress)
	if err == nil {
		e.RawCOM = raw
		e.COM, err = ParseCOM(raw)
	}
	if err != nil {
		if err := e.fileFailed(ctx, opts, "EF.COM", err); err != nil {
			return nil, err
		}
	}
	want, probe := opts.DataGroups, false
	if want == nil && e.COM != nil {
		for _, n := range e.COM.DataGroups {
			if n != 3 && n != 4 || opts.Terminal != nil {
				want = append(want, n)
			}
		}
	} else if want == nil {
		// Partial read without a usable EF.COM: try the groups readable
		// without terminal authentication, skipping those the card lacks.
		want, probe = []int{1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, true
	}
	// PACE-CAM authenticated the chip already: chip authentication is not
	// run again (terminal authentication still needs it, below).
	if (opts.ChipAuthentication && !e.ChipAuthenticated) || opts.Terminal != nil {
		b, ok := e.DataGroups[14] // read already for PACE-CAM's key
		if !ok {
			if b, err = c.ReadTLVFile(ctx, FIDDataGroup(14), "DG14", opts.Progress); err != nil {
				return nil, err
			}
		}
		si, err := ParseDG14(b)
		if err != nil {
			return nil, err
		}
		if opts.Terminal != nil {
			if err := EAC(ctx, c, si, idPICC, *opts.Terminal); err != nil {
				return nil, err
			}
			e.TerminalAuthenticated = true
		} else if err := ChipAuthentication(ctx, c, si); err != nil {
			return nil, err
		}
		e.DataGroups[14] = b
		e.ChipAuthenticated = true
		e.ChipAuthenticatedBy = ChipAuthCA
	}
	for _, n := range want {
		if _, done := e.DataGroups[n]; done {
			continue
		}
		if _, failed := e.FileErrors[dgName(n)]; failed {
			continue // DG14 of PACE-CAM, recorded already
		}
		if n < 1 || n > 16 {
			return nil, fmt.Errorf("emrtd: data group %d out of range 1..16", n)
		}
		b, err := c.ReadTLVFile(ctx, FIDDataGroup(n), dgName(n), opts.Progress)
		if err == nil && (len(b) == 0 || b[0] != DataGroupTag(n)) {
			msg := "empty file"
			if len(b) > 0 {
				msg = fmt.Sprintf("outer tag %02X, want %02X", b[0], DataGroupTag(n))
			}
			err = &scard.DataError{File: dgName(n), Msg: msg}
		}
		if err != nil {
			if probe && errors.Is(err, scard.ErrNotFound) {
				continue
			}
			if err := e.fileFailed(ctx, opts, dgName(n), err); err != nil {
				return nil, err
			}
			continue
		}
		e.DataGroups[n] = b
	}
	if e.SOD, err = c.ReadTLVFile(ctx, FIDSOD, "EF.SOD", opts.Progress); err != nil {
		e.SOD = nil
		if err := e.fileFailed(ctx, opts, "EF.SOD", err); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// choosePACE picks the PACE protocol to run: Chip Authentication Mapping
// when offered (ICAO Doc 9303-11 J.1 recommends it: it authenticates the
// chip within PACE), otherwise the first implemented one in the order of
// EF.CardAccess.
func choosePACE(infos []PACEInfo) *PACEInfo {
	var first *PACEInfo
	for i := range infos {
		if !PACESupported(infos[i]) {
			continue
		}
		if infos[i].Mapping() == MappingChipAuthentication {
			return &infos[i]
		}
		if first == nil {
			first = &infos[i]
		}
	}
	return first
}

// camCardSecurity reads EF.CardSecurity after PACE-CAM and verifies the
// chip with its key, when DG14 had none. A missing file or key leaves the
// chip unauthenticated; a key the chip does not hold fails the read.
func (e *Document) camCardSecurity(ctx context.Context, c *scard.Card, opts ReadOptions) error {
	// EF.CardSecurity is in the master file; 011D in the eMRTD
	// application is EF.SOD, so make sure the MF is the current DF.
	err := c.Select(ctx, 0x00, []byte{0x3F, 0x00})
	if err != nil && isTransport(err) {
		return err
	}
	b, err := c.ReadTLVFile(ctx, FIDCardSecurity, "EF.CardSecurity", opts.Progress)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if isTransport(err) {
			return err
		}
		return nil // no EF.CardSecurity either: the chip stays unauthenticated
	}
	e.CardSecurity = b
	cs, err := ParseCardSecurity(b)
	if err != nil {
		return e.fileFailed(ctx, opts, "EF.CardSecurity", err)
	}
	return e.verifyCAM(cs.SecurityInfos, ChipAuthPACECAMCardSecurity)
}

// camDG14 verifies the chip after PACE-CAM with the key of DG14.
func (e *Document) camDG14(ctx context.Context, c *scard.Card, opts ReadOptions) error {
	b, err := c.ReadTLVFile(ctx, FIDDataGroup(14), "DG14", opts.Progress)
	switch {
	case err == nil:
	case isTransport(err):
		return err
	case errors.Is(err, scard.ErrNotFound):
		return nil // no DG14: the chip stays unauthenticated
	default:
		return e.fileFailed(ctx, opts, "DG14", err)
	}
	si, err := ParseDG14(b)
	if err != nil {
		return e.fileFailed(ctx, opts, "DG14", err)
	}
	e.DataGroups[14] = b
	return e.verifyCAM(si, ChipAuthPACECAMDG14)
}

func (e *Document) verifyCAM(si *SecurityInfos, by ChipAuth) error {
	err := e.PACE.VerifyCAM(si)
	switch {
	case err == nil:
		e.ChipAuthenticated, e.ChipAuthenticatedBy = true, by
		return nil
	case errors.Is(err, scard.ErrAuthentication):
		return err
	}
	return nil // no usable ECDH key in this file
}

// isTransport reports whether err is a transport-level failure (as opposed
// to a status word), which must abort the read.
func isTransport(err error) bool {
	var se *scard.StatusError
	var pe *scard.PINError
	var de *scard.DataError
	return !errors.As(err, &se) && !errors.As(err, &pe) && !errors.As(err, &de)
}

// DataGroupNumbers returns the numbers of the data groups read, sorted.
func (e *Document) DataGroupNumbers() []int {
	out := make([]int, 0, len(e.DataGroups))
	for n := range e.DataGroups {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (e *Document) dg(n int) ([]byte, error) {
	b, ok := e.DataGroups[n]
	if !ok {
		return nil, fmt.Errorf("emrtd: %s was not read: %w", dgName(n), scard.ErrNotFound)
	}
	return b, nil
}

// MRZLines returns the MRZ lines from DG1 (see [ParseDG1]).
func (e *Document) MRZLines() (string, error) {
	b, err := e.dg(1)
	if err != nil {
		return "", err
	}
	return ParseDG1(b)
}

// MRZ decodes DG1 with [cie.ParseAnyMRZ], which validates every check
// digit: a TD1 MRZ (identity cards such as the CIE), TD2 or TD3 (passports);
// the result's Format says which. Errors are [*scard.DataError] for a
// malformed DG1 or the [*cie.MRZError] of ParseAnyMRZ.
func (e *Document) MRZ() (*cie.MRZ, error) {
	s, err := e.MRZLines()
	if err != nil {
		return nil, err
	}
	m, err := cie.ParseAnyMRZ(s)
	if err != nil {
		return nil, fmt.Errorf("decoding DG1: %w", err)
	}
	return m, nil
}

// Faces returns the facial images from DG2 (see [ParseDG2]).
func (e *Document) Faces() ([]FaceImage, error) {
	b, err := e.dg(2)
	if err != nil {
		return nil, err
	}
	return ParseDG2(b)
}

// Fingerprints returns the biometric data blocks of DG3 (see [ParseDG3]);
// DG3 is read only after terminal authentication ([ReadOptions.Terminal]).
func (e *Document) Fingerprints() ([][]byte, error) {
	b, err := e.dg(3)
	if err != nil {
		return nil, err
	}
	return ParseDG3(b)
}

// DG11 decodes DG11 (see [ParseDG11]).
func (e *Document) DG11() (*DG11, error) {
	b, err := e.dg(11)
	if err != nil {
		return nil, err
	}
	return ParseDG11(b)
}

// DG12 decodes DG12 (see [ParseDG12]).
func (e *Document) DG12() (*DG12, error) {
	b, err := e.dg(12)
	if err != nil {
		return nil, err
	}
	return ParseDG12(b)
}

// DG14 decodes DG14 (see [ParseDG14]).
func (e *Document) DG14() (*SecurityInfos, error) {
	b, err := e.dg(14)
	if err != nil {
		return nil, err
	}
	return ParseDG14(b)
}

// Verify runs [PassiveAuthentication] over the SOD and the data groups read,
// and, when PACE-CAM took the chip's key from EF.CardSecurity, verifies
// that file too ([CardSecurity.Verify]); its failure is joined to the
// error, prefixed "EF.CardSecurity".
func (e *Document) Verify(opts PAOptions) (*PAResult, error) {
	res, err := PassiveAuthentication(e.SOD, e.DataGroups, opts)
	if e.CardSecurity != nil {
		// PACE-CAM took the chip's key from EF.CardSecurity: the chip is
		// genuine only if that file verifies too.
		cs, cerr := ParseCardSecurity(e.CardSecurity)
		if cerr == nil {
			_, cerr = cs.Verify(opts)
		}
		if cerr != nil {
			err = errors.Join(err, fmt.Errorf("EF.CardSecurity: %w", cerr))
		}
	}
	return res, err
}
