// Command npaserve serves a reproducible simulated CIE (scard/cardsim) to
// pcscd through vsmartcard's vpcd driver and records every exchange as a
// scardtest transcript, so that OpenSC's npa-tool (an independent PACE and
// EAC implementation on OpenPACE, built outside the repository; see
// ../RESULTS.md) can be run against it and its session replayed in CI
// (npaserve_test.go).
//
//	npaserve -out session.apdu                 # PACE DH GM only (a real CIE)
//	npaserve -pace both -out session.apdu      # DH GM and ECDH GM P-256
//	npaserve -pace ecdh -out session.apdu      # EF.CardAccess lists only ECDH GM
//	npaserve -pace ecdh -eac-dir DIR -out session.apdu
//
// By default it takes the second vpcd reader ("Virtual PCD 00 01", port
// 35964), leaving the first to other PC/SC work. With -eac-dir the card
// has the test CVCA of [newEAC] and the directory receives what npa-tool
// needs for terminal authentication: the CVCA and DV certificates named
// by their holder references (for --cvc-dir), the DV and IS certificates
// (dv.cvcert, is.cvcert) and the IS private key (is.pkcs8, DER). They are
// test keys of a simulated PKI, written out on purpose. -certs-only
// writes them and exits; -eac-date dates them from another day (OpenPACE's
// cvc-print checks validity against today).
//
// It stops on SIGINT/SIGTERM and writes the transcript (interop.Recorder:
// a reader's reset is a comment before the next exchange).
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/ciekit/ciekit/scard/vpcd"
	"github.com/ciekit/ciekit/scripts/internal/interop"
)

func main() { cli.Main("npaserve", run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("npaserve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", vpcd.Reader1Addr, "vpcd reader address (35963 is \"Virtual PCD 00 00\", 35964 \"00 01\")")
	out := fs.String("out", "", "transcript file to write on exit (required)")
	pace := fs.String("pace", "dh", "PACE in EF.CardAccess: dh (a real CIE), both (DH GM and ECDH GM P-256), ecdh (only ECDH GM listed)")
	eacDir := fs.String("eac-dir", "", "give the card a test CVCA and write npa-tool's EAC files here")
	eacDay := fs.String("eac-date", "", "with -eac-dir: date (YYYY-MM-DD) of the CVCA, DV and IS certificates instead of the recorded ones (2020-01-01, IS 2021-06-01)")
	certsOnly := fs.Bool("certs-only", false, "with -eac-dir: write the EAC files and exit (to check them with OpenPACE's cvc-print)")
	printMRZ := fs.Bool("print-mrz", false, "print the card's MRZ on one line (npa-tool --mrz) and exit")
	if err := fs.Parse(args); err != nil {
		return cli.FlagSetError(err) // -h: exit 0; else exit 2, printed by fs
	}
	if *printMRZ {
		_, err := fmt.Fprintln(stdout, simMRZ)
		return err
	}
	var eac *eacFiles
	if *eacDir != "" {
		var day time.Time
		if *eacDay != "" {
			var err error
			if day, err = time.Parse(time.DateOnly, *eacDay); err != nil {
				return fmt.Errorf("-eac-date: %w", err)
			}
		}
		var err error
		if eac, err = newEAC(day); err != nil {
			return err
		}
		if err := eac.write(*eacDir); err != nil {
			return err
		}
		if *certsOnly {
			return nil
		}
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	card, err := newCard(*pace, eac)
	if err != nil {
		return err
	}
	rec := interop.NewRecorder(card)
	b := vpcd.Start(ctx, *addr, rec, nil)
	fmt.Fprintf(stderr, "npaserve: serving the simulated CIE on %s (CAN %s)\n", *addr, simCANDigits)
	<-ctx.Done()
	b.Close()
	return rec.WriteFile(*out)
}

// simCANDigits is the CAN of the simulated CIE (not a secret of any real
// card).
const simCANDigits = "123456"

// simMRZ is the simulated CIE's MRZ (TD1, a test holder, valid check
// digits: OpenPACE derives the PACE MRZ password from fixed offsets).
const simMRZ = "C<ITACA00000AA4<<<<<<<<<<<<<<<8503150F3403152ITA<<<<<<<<<<<4ROSSI<<MARIA<LUISA<<<<<<<<<<<<"

// photo returns a deterministic DG2 image of n bytes: big enough that a
// reader needs several READ BINARY commands for DG2.
func photo(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x00\x00\x00\x0cjP  \r\n\x87\n") // JPEG 2000 signature box
	for i := 12; i < n; i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// eacFiles is the terminal side of the test EAC PKI: the CVCA the card
// trusts, and an inspection system's chain and key.
type eacFiles struct {
	pki   *cardsim.EACPKI
	chain [][]byte // DV, IS
	key   []byte   // IS private key, PKCS #8 DER
}

// eacDate is the card's current date for terminal authentication and the
// IS certificate's effective date (the DV is valid 2020-2022).
var eacDate = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)

// newEAC returns the fixed test CVCA with an inspection system
// ("ITNPATOOL01", DG3 and DG4 rights, 31 days from eacDate). A non-zero
// day dates all three certificates from that day instead.
func newEAC(day time.Time) (*eacFiles, error) {
	isDate := eacDate
	if !day.IsZero() {
		isDate = day
	}
	pki, err := cardsim.NewEACPKI(cardsim.EACPKIOptions{Rand: cardsim.DeterministicRand(2410), Date: day})
	if err != nil {
		return nil, err
	}
	chain, key, err := pki.IssueIS("NPATOOL01", cvc.ReadDG3|cvc.ReadDG4, isDate, 31)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &eacFiles{pki: pki, chain: chain, key: der}, nil
}

func (e *eacFiles) write(dir string) error {
	cvca, err := cvc.Parse(e.pki.CVCA)
	if err != nil {
		return err
	}
	dv, err := cvc.Parse(e.chain[0])
	if err != nil {
		return err
	}
	files := map[string][]byte{
		cvca.CHR:    e.pki.CVCA, // OpenPACE looks trust anchors up by holder reference
		dv.CHR:      e.chain[0], // so that cvc-print can check the IS certificate
		"dv.cvcert": e.chain[0],
		"is.cvcert": e.chain[1],
		"is.pkcs8":  e.key,
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// newCard returns the card the interop sessions were recorded with: fixed
// keys and card randomness from cardsim.DeterministicRand, so the same
// commands get the same answers. Do not change it: the committed
// transcripts replay against it.
//
// pace is "dh" (a real CIE's EF.CardAccess: DH GM), "both" (DH GM and
// ECDH GM with P-256, DER order: DH first) or "ecdh" (the same chip, with
// an EF.CardAccess that lists only ECDH GM: OpenPACE runs the first
// PACEInfo it finds, and cannot run DH GM with a 2048-bit group in short
// APDUs).
func newCard(pace string, eac *eacFiles) (*cardsim.CIE, error) {
	if pace != "dh" && pace != "both" && pace != "ecdh" {
		return nil, fmt.Errorf("-pace %q: want dh, both or ecdh", pace)
	}
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(2400), KeyBits: 1024})
	if err != nil {
		return nil, err
	}
	can, err := emrtd.NewCAN(simCANDigits)
	if err != nil {
		return nil, err
	}
	opts := cardsim.CIEOptions{
		MRZ:          simMRZ,
		CAN:          can,
		NIS:          "123456789012",
		PKI:          pki,
		KeyBits:      1024,
		Photo:        photo(3000),
		Fingerprints: [2][]byte{[]byte("FIR\x00 left index (test bytes)"), []byte("FIR\x00 right index (test bytes)")},
		ECDH:         pace != "dh",
		Rand:         cardsim.DeterministicRand(2401),
	}
	if eac != nil {
		opts.CVCA = [][]byte{eac.pki.CVCA}
		opts.TerminalDate = eacDate
	}
	card, err := cardsim.NewCIE(opts)
	if err != nil {
		return nil, err
	}
	if pace == "ecdh" {
		access, err := ecdhOnlyCardAccess()
		if err != nil {
			return nil, err
		}
		card.SetCardAccess(access)
	}
	return card, nil
}

// ecdhOnlyCardAccess returns the simulator's EF.CardAccess with only its
// ECDH PACEInfo.
func ecdhOnlyCardAccess() ([]byte, error) {
	infos, err := emrtd.ParseCardAccess(cardsim.MarshalCardAccess(true))
	if err != nil {
		return nil, err
	}
	for _, p := range infos.PACE {
		if p.ParameterID == emrtd.ParamP256 {
			b, err := p.Marshal()
			if err != nil {
				return nil, err
			}
			return emrtd.MarshalSecurityInfos(b), nil
		}
	}
	return nil, errors.New("the simulator offers no ECDH P-256 PACE")
}
