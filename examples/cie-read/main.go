// Command cie-read reads an Italian electronic identity card (CIE 3.0),
// verifies it with passive authentication and the NIS with the chip's
// internal authentication, and prints the holder's data and the result.
//
// With no flags it reads a simulated CIE in memory (no hardware):
//
//	go run ./examples/cie-read
//
// -source pcsc-sim serves the simulated CIE to the running pcscd through
// vsmartcard's virtual reader and reads it back through real PC/SC;
// -source pcsc reads a real card in a real reader (give its CAN, or the
// MRZ for BAC, and the CSCA certificates to trust):
//
//	go run ./examples/cie-read -source pcsc -can 123456 -csca csca.pem
package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/pcsc"
	"github.com/ciekit/ciekit/scard/vpcd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "pin" { // PIN management (pin.go)
		err = runPIN(ctx, os.Args[2:], os.Stdin, os.Stdout, os.Stderr)
	} else {
		err = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cie-read:", err)
		os.Exit(1)
	}
}

type config struct {
	source, reader, can, mrz, csca string
	bac                            bool
	timeout                        time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cie-read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.source, "source", "sim", "sim (simulated card in memory), pcsc-sim (simulated card through pcscd and vsmartcard-vpcd) or pcsc (a real reader)")
	fs.StringVar(&cfg.reader, "reader", "", "PC/SC reader name (default: the first one with a card)")
	fs.StringVar(&cfg.can, "can", "", "card access number, 6 digits (PACE)")
	fs.StringVar(&cfg.mrz, "mrz", "", "the three MRZ lines: the PACE password when no CAN is given, and the BAC key")
	fs.BoolVar(&cfg.bac, "bac", false, "use BAC (needs -mrz) even if the card offers PACE")
	fs.StringVar(&cfg.csca, "csca", "", "PEM file of CSCA certificates to trust (the simulator's own with -source sim or pcsc-sim)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()

	var (
		card  scard.Transmitter
		trust *x509.CertPool
	)
	switch cfg.source {
	case "sim", "pcsc-sim":
		sim, err := specimen()
		if err != nil {
			return err
		}
		trust = sim.PKI().CSCAPool()
		if cfg.can == "" && cfg.mrz == "" && !cfg.bac {
			cfg.can = specimenCAN
		}
		card = sim
		if cfg.source == "pcsc-sim" {
			b := vpcd.Start(ctx, vpcd.Reader0Addr, sim, nil)
			defer b.Close()
			if err := b.WaitConnected(ctx); err != nil {
				return fmt.Errorf("serving the simulated card to pcscd (is vsmartcard-vpcd installed and pcscd running?): %w", err)
			}
			if cfg.reader == "" {
				cfg.reader = "Virtual PCD 00 00"
			}
			fmt.Fprintf(stdout, "Simulated CIE inserted in %q through pcscd\n", cfg.reader)
		}
	case "pcsc":
	default:
		return fmt.Errorf("unknown -source %q", cfg.source)
	}
	if cfg.csca != "" {
		pool, err := loadPool(cfg.csca)
		if err != nil {
			return err
		}
		trust = pool
	}
	if cfg.source != "sim" {
		c, closeCard, err := connect(ctx, cfg.reader, stdout)
		if err != nil {
			return err
		}
		defer closeCard()
		card = c
	}
	return read(ctx, card, cfg, trust, stdout)
}

// connect opens PC/SC and connects to the reader (or the first with a card).
func connect(ctx context.Context, reader string, stdout io.Writer) (*pcsc.Card, func(), error) {
	pc, err := pcsc.Open()
	if err != nil {
		return nil, nil, err
	}
	if reader == "" {
		readers, err := pc.Readers()
		if err != nil {
			pc.Close()
			return nil, nil, err
		}
		reader = readers[0]
	}
	fmt.Fprintf(stdout, "Waiting for a card in %q...\n", reader)
	if err := pc.WaitForCard(ctx, reader); err != nil {
		pc.Close()
		return nil, nil, err
	}
	c, err := pc.Connect(ctx, reader, nil)
	if err != nil {
		pc.Close()
		return nil, nil, err
	}
	return c, func() { c.Close(); pc.Close() }, nil
}

func read(ctx context.Context, t scard.Transmitter, cfg config, trust *x509.CertPool, w io.Writer) error {
	opts := emrtd.ReadOptions{NoPACE: cfg.bac}
	if cfg.can != "" {
		can, err := emrtd.NewCAN(cfg.can)
		if err != nil {
			return fmt.Errorf("reading -can: %w", err)
		}
		opts.CAN = can
	}
	if cfg.mrz != "" {
		key, err := emrtd.MRZKeyFromMRZ(cfg.mrz)
		if err != nil {
			return fmt.Errorf("reading -mrz: %w", err)
		}
		opts.MRZ = key
	}
	if opts.CAN.IsZero() && cfg.mrz == "" || cfg.bac && cfg.mrz == "" {
		return errors.New("give the card's CAN (-can) or its MRZ (-mrz; BAC needs it)")
	}
	doc, err := emrtd.Read(ctx, scard.NewCard(t, scard.CardOptions{}), opts)
	if err != nil {
		return fmt.Errorf("reading the eMRTD application: %w", err)
	}
	mrz, err := doc.MRZ()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRead through %s: data groups %v\n\n", doc.Access, doc.DataGroupNumbers())
	fmt.Fprintf(w, "  Surname         %s\n  Given names     %s\n", mrz.Surname, mrz.GivenNames)
	fmt.Fprintf(w, "  Sex             %s\n  Nationality     %s\n", sexName(mrz.Sex), mrz.Nationality)
	fmt.Fprintf(w, "  Card number     %s\n", mrz.DocumentNumber)
	if exp, err := mrz.ExpiryDate(); err == nil {
		fmt.Fprintf(w, "  Expiry          %s\n", exp.Format("02/01/2006"))
	}
	if dg11, err := doc.DG11(); err == nil {
		fmt.Fprintf(w, "  Codice fiscale  %s\n", dg11.PersonalNumber)
		if !dg11.FullDateOfBirth.IsZero() {
			fmt.Fprintf(w, "  Born            %s, %s\n", dg11.FullDateOfBirth.Format("02/01/2006"), strings.Join(dg11.PlaceOfBirthParts(), ", "))
		}
		if parts := dg11.AddressParts(); len(parts) > 0 {
			fmt.Fprintf(w, "  Residence       %s\n", strings.Join(parts, ", "))
		}
	}
	if dg12, err := doc.DG12(); err == nil && dg12.IssuingAuthority != "" {
		fmt.Fprintf(w, "  Issued by       %s\n", dg12.IssuingAuthority)
	}
	if faces, err := doc.Faces(); err == nil && len(faces) > 0 {
		fmt.Fprintf(w, "  Photo           %d bytes\n", len(faces[0].Data))
	}

	fmt.Fprintln(w, "\nPassive authentication:")
	res, err := doc.Verify(emrtd.PAOptions{CSCA: trust})
	if res != nil {
		fmt.Fprintf(w, "  data groups verified %v\n", res.Verified)
		if res.Signer != nil {
			fmt.Fprintf(w, "  document signer      %s\n", res.Signer.Subject.CommonName)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "  FAILED: %v\n", err)
		return fmt.Errorf("passive authentication: %w", err)
	}
	fmt.Fprintln(w, "  OK: the data are as the issuer signed them")

	nis, err := ias.NewClient(scard.NewCard(t, scard.CardOptions{})).VerifyNIS(ctx, ias.NISOptions{CSCA: trust})
	if err != nil {
		fmt.Fprintf(w, "\nNIS: FAILED: %v\n", err)
		return fmt.Errorf("verifying the NIS: %w", err)
	}
	fmt.Fprintf(w, "\nNIS %s: verified (IAS SOD and internal authentication)\n", nis.NIS)
	return nil
}

func sexName(s cie.Sex) string {
	switch s {
	case cie.SexFemale:
		return "F"
	case cie.SexMale:
		return "M"
	}
	return "X"
}

func loadPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	n := 0
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no PEM certificates", path)
	}
	return pool, nil
}

const specimenCAN = "123456"

// specimen is a simulated CIE of a synthetic holder, with keys and a
// document signer generated at run time.
func specimen() (*cardsim.CIE, error) {
	holder := cie.Person{
		Surname: "Rossi", GivenNames: "Bianca", Sex: cie.SexFemale,
		BirthDate:   time.Date(1964, 12, 30, 0, 0, 0, 0, time.UTC),
		BirthPlace:  cie.Place{Code: "H501", Name: "ROMA", Province: "RM"},
		Citizenship: "ITA",
	}
	cf, err := cie.ComputeCodiceFiscale(holder)
	if err != nil {
		return nil, err
	}
	holder.CodiceFiscale = cf
	return cardsim.NewCIE(cardsim.CIEOptions{
		Card: &cie.Card{
			Holder: holder,
			Document: cie.Document{Number: "CA00000AA", IssueDate: time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC),
				ExpiryDate: time.Date(2034, 12, 30, 0, 0, 0, 0, time.UTC), IssuingComune: "Roma", ValidForTravel: true, CAN: specimenCAN},
			Residence: cie.Address{Street: "Via del Corso 1", Comune: "Roma", Province: "RM"},
		},
		Photo: []byte("JPEG 2000 bytes"), KeyBits: 1024,
	})
}
