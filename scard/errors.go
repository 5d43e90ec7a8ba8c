package scard

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with [errors.Is]; the typed errors
// [*StatusError], [*PINError], [*APDUError], [*SMError] and the
// passive-authentication errors unwrap to them. Adapters (such as the PC/SC
// adapter) map their native error codes to the first group.
var (
	// ErrNoReader: no card reader is connected or none matches.
	ErrNoReader = errors.New("scard: no reader")
	// ErrNoCard: the reader is empty.
	ErrNoCard = errors.New("scard: no card in reader")
	// ErrCardRemoved: the card was removed during the session.
	ErrCardRemoved = errors.New("scard: card removed")
	// ErrCardReset: the card was reset by another application; the session
	// state (secure messaging, selected files, verified PINs) is lost.
	ErrCardReset = errors.New("scard: card reset")
	// ErrNoService: the smart-card service (pcscd) is not running.
	ErrNoService = errors.New("scard: smart-card service not available")
	// ErrSharingViolation: another application holds the card exclusively.
	ErrSharingViolation = errors.New("scard: sharing violation")
	// ErrTimeout: the reader or card did not answer in time.
	ErrTimeout = errors.New("scard: timeout")

	// ErrNotFound: file or application not found (SW 6A82), or referenced
	// data not found (6A88).
	ErrNotFound = errors.New("scard: file or application not found")
	// ErrSecurityStatus: security status not satisfied (SW 6982), e.g. a
	// file that needs secure messaging or a verified PIN.
	ErrSecurityStatus = errors.New("scard: security status not satisfied")
	// ErrAuthBlocked: authentication method blocked (SW 6983), e.g. a PIN
	// whose retry counter reached zero.
	ErrAuthBlocked = errors.New("scard: authentication method blocked")
	// ErrWrongPIN: the PIN, PUK or password was wrong (SW 63Cx); see [PINError].
	ErrWrongPIN = errors.New("scard: wrong PIN")
	// ErrConditionsNotSatisfied: conditions of use not satisfied (SW 6985).
	ErrConditionsNotSatisfied = errors.New("scard: conditions of use not satisfied")
	// ErrWrongLength: wrong length (SW 6700) or wrong Le (6Cxx not resolved).
	ErrWrongLength = errors.New("scard: wrong length")
	// ErrWrongData: incorrect data field (SW 6A80).
	ErrWrongData = errors.New("scard: incorrect data")
	// ErrWrongParameters: wrong P1-P2 (6A86, 6B00), e.g. an offset beyond the
	// end of a file.
	ErrWrongParameters = errors.New("scard: wrong parameters")
	// ErrNotSupported: instruction, class or function not supported (6D00,
	// 6E00, 6A81).
	ErrNotSupported = errors.New("scard: not supported by the card")
	// ErrSecureMessaging: secure-messaging failure, on the card (6987, 6988)
	// or locally (bad MAC, malformed SM data objects).
	ErrSecureMessaging = errors.New("scard: secure messaging error")
	// ErrAuthentication: an authentication protocol (BAC, PACE, internal
	// authentication) failed: wrong access key, bad token or signature.
	ErrAuthentication = errors.New("scard: authentication failed")
	// ErrMalformedAPDU: a command or response APDU could not be parsed.
	ErrMalformedAPDU = errors.New("scard: malformed APDU")
	// ErrCardError: any other non-success status word.
	ErrCardError = errors.New("scard: card returned an error status")
)

// StatusError reports a status word other than 9000 for an instruction.
// It unwraps to the matching sentinel: 6A82 and 6A88 to [ErrNotFound], 6982
// to [ErrSecurityStatus], 6983 to [ErrAuthBlocked], and so on; unknown status
// words unwrap to [ErrCardError].
type StatusError struct {
	SW  uint16 // status word, e.g. 0x6A82
	Ins byte   // instruction byte of the command, e.g. InsSelect
}

// Error returns the error message.
func (e *StatusError) Error() string {
	return fmt.Sprintf("scard: %s: status %04X (%s)", insName(e.Ins), e.SW, swText(e.SW))
}

// Unwrap returns the sentinel for the status word.
func (e *StatusError) Unwrap() error { return swSentinel(e.SW) }

// PINError reports a failed PIN, PUK or password verification (SW 63Cx or
// 6983) with the number of tries left. It unwraps to [ErrWrongPIN] and, when
// Retries is 0, also to [ErrAuthBlocked].
type PINError struct {
	Retries int // tries left; 0 means blocked
	SW      uint16
	Ins     byte
}

// Error returns the error message.
func (e *PINError) Error() string {
	if e.Retries == 0 {
		return fmt.Sprintf("scard: %s: wrong PIN, blocked", insName(e.Ins))
	}
	return fmt.Sprintf("scard: %s: wrong PIN, %d tries left", insName(e.Ins), e.Retries)
}

// Unwrap returns [ErrWrongPIN] and, when blocked, [ErrAuthBlocked].
func (e *PINError) Unwrap() []error {
	if e.Retries == 0 {
		return []error{ErrWrongPIN, ErrAuthBlocked}
	}
	return []error{ErrWrongPIN}
}

// APDUError reports a malformed command or response APDU. Offset is the
// 0-based byte offset of the problem. It unwraps to [ErrMalformedAPDU].
type APDUError struct {
	Offset int
	Msg    string
}

// Error returns the error message.
func (e *APDUError) Error() string {
	return fmt.Sprintf("scard: malformed APDU at byte %d: %s", e.Offset, e.Msg)
}

// Unwrap returns [ErrMalformedAPDU].
func (e *APDUError) Unwrap() error { return ErrMalformedAPDU }

// SMError reports a local secure-messaging failure (a missing or bad data
// object, a MAC mismatch, bad padding). It unwraps to [ErrSecureMessaging].
// It never contains keys or plaintext.
type SMError struct {
	Msg string
}

// Error returns the error message.
func (e *SMError) Error() string { return "scard: secure messaging: " + e.Msg }

// Unwrap returns [ErrSecureMessaging].
func (e *SMError) Unwrap() error { return ErrSecureMessaging }

func swSentinel(sw uint16) error {
	switch {
	case sw == SWFileNotFound, sw == SWRefDataNotFound:
		return ErrNotFound
	case sw == SWSecurityStatusNotSatisfied:
		return ErrSecurityStatus
	case sw == SWAuthMethodBlocked:
		return ErrAuthBlocked
	case sw&0xFFF0 == 0x63C0:
		return ErrWrongPIN
	case sw == SWConditionsNotSatisfied:
		return ErrConditionsNotSatisfied
	case sw == SWWrongLength, sw&0xFF00 == 0x6C00:
		return ErrWrongLength
	case sw == SWWrongData:
		return ErrWrongData
	case sw == SWWrongP1P2, sw == SWWrongOffset, sw == SWIncorrectP1P2:
		return ErrWrongParameters
	case sw == SWInsNotSupported, sw == SWClaNotSupported, sw == SWFunctionNotSupported:
		return ErrNotSupported
	case sw == SWSMObjectsMissing, sw == SWSMObjectsIncorrect:
		return ErrSecureMessaging
	}
	return ErrCardError
}

func swText(sw uint16) string {
	switch {
	case sw == SWSuccess:
		return "success"
	case sw == SWEndOfFile:
		return "end of file reached before Le bytes"
	case sw == SWNoInformation:
		return "verification failed"
	case sw&0xFFF0 == 0x63C0:
		return fmt.Sprintf("verification failed, %d tries left", sw&0x0F)
	case sw == SWWrongLength:
		return "wrong length"
	case sw == SWSecurityStatusNotSatisfied:
		return "security status not satisfied"
	case sw == SWAuthMethodBlocked:
		return "authentication method blocked"
	case sw == SWConditionsNotSatisfied:
		return "conditions of use not satisfied"
	case sw == SWSMObjectsMissing:
		return "expected SM data objects missing"
	case sw == SWSMObjectsIncorrect:
		return "SM data objects incorrect"
	case sw == SWWrongData:
		return "incorrect data"
	case sw == SWFunctionNotSupported:
		return "function not supported"
	case sw == SWFileNotFound:
		return "file or application not found"
	case sw == SWIncorrectP1P2:
		return "incorrect P1-P2"
	case sw == SWRefDataNotFound:
		return "referenced data not found"
	case sw == SWWrongP1P2:
		return "wrong parameters P1-P2"
	case sw == SWWrongOffset:
		return "offset outside the file"
	case sw&0xFF00 == 0x6C00:
		return fmt.Sprintf("wrong Le, %d available", sw&0xFF)
	case sw == SWInsNotSupported:
		return "instruction not supported"
	case sw == SWClaNotSupported:
		return "class not supported"
	}
	return "error"
}

func insName(ins byte) string {
	switch ins {
	case InsSelect:
		return "SELECT"
	case InsReadBinary, InsReadBinaryOdd:
		return "READ BINARY"
	case InsGetChallenge:
		return "GET CHALLENGE"
	case InsExternalAuthenticate:
		return "MUTUAL AUTHENTICATE"
	case InsInternalAuthenticate:
		return "INTERNAL AUTHENTICATE"
	case InsGeneralAuthenticate:
		return "GENERAL AUTHENTICATE"
	case InsManageSecurityEnvironment:
		return "MANAGE SECURITY ENVIRONMENT"
	case InsVerify:
		return "VERIFY"
	case InsChangeReferenceData:
		return "CHANGE REFERENCE DATA"
	case InsResetRetryCounter:
		return "RESET RETRY COUNTER"
	case InsGetResponse:
		return "GET RESPONSE"
	case InsPerformSecurityOperation:
		return "PERFORM SECURITY OPERATION"
	case InsGetData:
		return "GET DATA"
	}
	return fmt.Sprintf("INS %02X", ins)
}

// ErrMalformedData: a file or data object read from the card (EF.COM,
// EF.CardAccess, a data group, EF.SOD) does not parse.
var ErrMalformedData = errors.New("scard: malformed card data")

// DataError reports malformed card data. File names the file or object
// ("EF.CardAccess", "DG11", "EF.SOD"), Msg says what is wrong and where; it
// never repeats personal data. It unwraps to [ErrMalformedData].
type DataError struct {
	File string
	Msg  string
}

// Error returns the error message.
func (e *DataError) Error() string { return fmt.Sprintf("scard: %s: %s", e.File, e.Msg) }

// Unwrap returns [ErrMalformedData].
func (e *DataError) Unwrap() error { return ErrMalformedData }
