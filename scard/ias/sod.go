package ias

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/internal/tlv"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

// SODOptions configures [Client.VerifySOD].
type SODOptions struct {
	// CSCA holds the trusted country signing CAs. Required.
	CSCA *x509.CertPool
	// CurrentTime for certificate validity; zero means time.Now().
	CurrentTime time.Time
}

// SODResult is the outcome of [Client.VerifySOD]: the verified files as
// read and the passive-authentication result.
type SODResult struct {
	NIS      string
	IntKpub  []byte // EF.Int.Kpub (1004), the DAPP key
	ServKpub []byte // EF.Servizi_Int.Kpub (1005)
	DH       []byte // EF.DH (D004)
	CertCIE  []byte // EF.CertCIE (1003) when read and checked (PIN verified), else nil
	PA       *emrtd.PAResult
}

// ReadDH reads EF.DH (D004, the DH domain parameters as stored on the
// card; the channel itself takes them from GET DATA, as the middleware
// does).
func (i *Client) ReadDH(ctx context.Context) ([]byte, error) {
	return i.readFile(ctx, FIDDH, "EF.DH")
}

// VerifySOD reads the IAS document security object (1006) and the files
// it protects the way the middleware's enrolment does (AbilitaCIE.cpp):
// the NIS (1001, first 12 bytes, number A1), EF.Int.Kpub (1004, A4),
// EF.Servizi_Int.Kpub (1005, A5), EF.DH (D004, 1B), EF.Serial (1002,
// first 9 bytes, A2) and, when the PIN is verified on the open channel,
// EF.CertCIE (1003, A3); it checks the SOD
// signature up to opts.CSCA (SHA-256 with RSA PKCS#1 v1.5 or SHA-512 with
// RSASSA-PSS, as cards of both generations sign) and every hash. Reads go
// in the secure channel when it is open, in plain otherwise; the CIE DF
// must be selected. Errors: those of [emrtd.PassiveAuthentication]
// (emrtd.ErrHashMismatch, emrtd.ErrBadSignature,
// emrtd.ErrUntrustedSigner), card and transport errors. The result is
// returned only when everything verified.
func (i *Client) VerifySOD(ctx context.Context, opts SODOptions) (*SODResult, error) {
	sod, err := i.readFile(ctx, FIDSOD, "IAS EF.SOD")
	if err != nil {
		return nil, err
	}
	nis, err := i.readFile(ctx, FIDNIS, "EF.ID_Servizi")
	if err != nil {
		return nil, err
	}
	if len(nis) < 12 {
		return nil, &scard.DataError{File: "EF.ID_Servizi", Msg: fmt.Sprintf("%d bytes, want 12", len(nis))}
	}
	nis = nis[:12]
	res := &SODResult{NIS: string(nis)}
	if res.IntKpub, err = i.readFile(ctx, FIDIntKpub, "EF.Int.Kpub"); err != nil {
		return nil, err
	}
	if res.ServKpub, err = i.readFile(ctx, FIDServiziKpub, "EF.Servizi_Int.Kpub"); err != nil {
		return nil, err
	}
	if res.DH, err = i.ReadDH(ctx); err != nil {
		return nil, err
	}
	serial, err := i.readFile(ctx, FIDSerial, "EF.Serial")
	if err != nil {
		return nil, err
	}
	if len(serial) < 9 {
		return nil, &scard.DataError{File: "EF.Serial", Msg: fmt.Sprintf("%d bytes, want at least 9", len(serial))}
	}
	files := map[int][]byte{SODNIS: nis, SODSerial: serial[:9], SODIntKpub: res.IntKpub, SODServiziKpub: res.ServKpub, SODDH: res.DH}
	if i.sm != nil {
		// EF.CertCIE (A3) is readable after the PIN; without it the SOD
		// is checked on the other files.
		if cert, err := i.readFile(ctx, FIDCertCIE, "EF.CertCIE"); err == nil {
			if _, l, h, ok := tlv.Header(cert); ok && h+l <= len(cert) {
				cert = cert[:h+l]
			}
			files[SODCertCIE] = cert
			res.CertCIE = cert
		} else if !errors.Is(err, scard.ErrSecurityStatus) {
			return nil, err
		}
	}
	res.PA, err = emrtd.PassiveAuthentication(sod, files, emrtd.PAOptions{CSCA: opts.CSCA, CurrentTime: opts.CurrentTime})
	if err != nil {
		return nil, fmt.Errorf("verifying the IAS SOD: %w", err)
	}
	return res, nil
}
