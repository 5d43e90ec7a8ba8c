// Command cardserve serves a simulated CIE and/or a simulated operator card
// (SCO) to pcscd through vsmartcard's virtual reader driver (Debian package
// vsmartcard-vpcd) until interrupted, so that any PC/SC application
// (OpenSC's tools, a middleware, an integrator's own program) can be tried
// against a card whose secrets are known. It prints the card's CAN, MRZ and
// PIN (the simulator's test values: printing them is the point of the
// command) and waits for Ctrl-C.
//
//	go run ./examples/cardserve                 # a CIE in "Virtual PCD 00 00"
//	go run ./examples/cardserve -card both      # and an SCO in "Virtual PCD 00 01"
//	go run ./examples/cardserve -mrz 'P<UTO...' # play a passport (TD3 MRZ)
//	go run ./examples/cardserve -pace cam       # a document with PACE-CAM (or -pace im)
//	go run ./examples/cardserve -csca-out csca.pem &
//	go run ./examples/cie-read -source pcsc -can 123456 -csca csca.pem
//
// The cards are simulated (scard/cardsim): keys, document signer and CSCA
// are generated at start; nothing here is a real document.
//
// Exit status: 0 after an interrupt, 1 on failure, 2 on a usage error.
package main

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/sco"
	"github.com/ciekit/ciekit/scard/vpcd"
)

var command = &cli.Command{
	Name: "cardserve",
	Summary: `Serves a simulated CIE and/or a simulated operator card (SCO) to pcscd through
vsmartcard's virtual reader driver until interrupted, so that any PC/SC application can
be tried against a card whose secrets are known. It prints the card's CAN, MRZ, PIN and
PUK (the simulator's test values) and waits for Ctrl-C. Keys, document signer and CSCA
are generated at start; nothing here is a real document.`,
	Inputs: `a running pcscd with vsmartcard-vpcd (Debian packages pcscd, vsmartcard-vpcd), whose
readers "Virtual PCD 00 00" and "Virtual PCD 00 01" listen for a card on -cie-addr and
-sco-addr; -mrz, to play another document (any ICAO MRZ) instead of the CIE's holder.`,
	Examples: []string{
		"go run ./examples/cardserve                   # a CIE in \"Virtual PCD 00 00\"",
		"go run ./examples/cardserve -card both        # and an SCO in \"Virtual PCD 00 01\"",
		"go run ./examples/cardserve -mrz 'P<UTO...'   # play a passport (TD3 MRZ)",
		"go run ./examples/cardserve -pace cam         # a document with PACE-CAM (or -pace im)",
		"go run ./examples/cardserve -csca-out csca.pem &  go run ./examples/cie-read -source pcsc -can 123456 -csca csca.pem",
	},
	OK:      "stopped by an interrupt (Ctrl-C) or SIGTERM",
	Failure: "pcscd/vpcd did not take the card, or the simulator could not be built",
}

func main() { cli.Main(command.Name, run) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := command.FlagSet()
	which := fs.String("card", "cie", "cards to serve: cie, sco or both")
	cieAddr := fs.String("cie-addr", vpcd.Reader0Addr, "vpcd reader address for the CIE (the first vpcd reader)")
	scoAddr := fs.String("sco-addr", vpcd.Reader1Addr, "vpcd reader address for the SCO (the second vpcd reader)")
	can := fs.String("can", "123456", "the CIE's card access number (6 digits)")
	pin := fs.String("pin", cardsim.DefaultPIN, "the CIE's and the SCO's PIN (8 digits)")
	mrz := fs.String("mrz", "", "MRZ to play instead of the CIE's: TD1, TD2 or TD3 lines, newlines or one piece")
	ecdh := fs.Bool("ecdh", false, "the CIE offers PACE over ECDH (P-256) instead of DH")
	paceSel := fs.String("pace", "cie", "PACE the card offers: cie (DH-GM, with -ecdh also ECDH-GM), im (only id-PACE-ECDH-IM-AES-CBC-CMAC-128, brainpoolP256r1) or cam (only id-PACE-ECDH-CAM-AES-CBC-CMAC-128, brainpoolP256r1, with EF.CardSecurity)")
	cscaOut := fs.String("csca-out", "", "write the simulated CSCA certificate (PEM) to this `file`, to verify the card with")
	connect := fs.Duration("connect-timeout", 10*time.Second, "how long to wait for vpcd (pcscd) to take the card")
	if err := command.Parse(fs, args, stdout); err != nil {
		return err // flag.ErrHelp (exit 0) or a *cli.UsageError (exit 2)
	}
	if fs.NArg() > 0 {
		return cli.Usagef("", "unexpected argument %q: cardserve takes only flags", fs.Arg(0))
	}
	if err := cli.Choice("card", *which, "cie", "sco", "both"); err != nil {
		return err
	}
	if err := cli.Choice("pace", *paceSel, "cie", "im", "cam"); err != nil {
		return err
	}
	if *connect <= 0 {
		return cli.Usagef("connect-timeout", "%s: want a positive duration such as 10s", *connect)
	}
	serveCIE, serveSCO := false, false
	switch *which {
	case "cie":
		serveCIE = true
	case "sco":
		serveSCO = true
	case "both":
		serveCIE, serveSCO = true, true
	}
	p, err := scard.NewPIN(*pin)
	if err != nil {
		return cli.Usagef("", "-pin: want 8 digits")
	}
	var bridges []*vpcd.Bridge
	defer func() {
		for _, b := range bridges {
			b.Close()
		}
	}()
	wait := func(b *vpcd.Bridge, what, addr string) error {
		cctx, cancel := context.WithTimeout(ctx, *connect)
		defer cancel()
		if err := b.WaitConnected(cctx); err != nil {
			return fmt.Errorf("serving the %s on %s (is pcscd running with vsmartcard-vpcd?): %w", what, addr, err)
		}
		return nil
	}
	if serveCIE {
		c, err := emrtd.NewCAN(*can)
		if err != nil {
			return cli.Usagef("can", "%q: want 6 digits", *can)
		}
		opts, lines, err := cieOptions(c, p, *mrz, *can, *ecdh)
		if err != nil {
			return err
		}
		if opts.PACEInfos, err = paceInfos(*paceSel); err != nil {
			return err
		}
		sim, err := cardsim.NewCIE(opts)
		if err != nil {
			return err
		}
		if *cscaOut != "" {
			pemCSCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: sim.PKI().CSCA.Raw})
			if err := os.WriteFile(*cscaOut, pemCSCA, 0o644); err != nil {
				return err
			}
		}
		b := vpcd.Start(ctx, *cieAddr, sim, nil)
		bridges = append(bridges, b)
		if err := wait(b, "CIE", *cieAddr); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Simulated CIE in the vpcd reader at %s (NIS %s)\n", *cieAddr, sim.NIS())
		fmt.Fprintf(stdout, "  CAN: %s\n  PIN: %s\n  PUK: %s\n  MRZ:\n", *can, *pin, cardsim.DefaultPUK)
		for _, l := range lines {
			fmt.Fprintf(stdout, "    %s\n", l)
		}
	}
	if serveSCO {
		mp, err := sco.NewMasterPassword("cardserve-master")
		if err != nil {
			return err
		}
		s, err := cardsim.NewSCO(cardsim.SCOOptions{MasterPassword: mp, PIN: p, Operator: "RSSMRA80A01H501U", KeyBits: 1024})
		if err != nil {
			return err
		}
		b := vpcd.Start(ctx, *scoAddr, s, nil)
		bridges = append(bridges, b)
		if err := wait(b, "SCO", *scoAddr); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Simulated SCO in the vpcd reader at %s\n  PIN: %s\n  master password: cardserve-master\n", *scoAddr, *pin)
	}
	fmt.Fprintln(stdout, "Serving until interrupted (Ctrl-C).")
	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopped: cards removed.")
	return nil
}

// paceInfos maps the -pace flag to CIEOptions.PACEInfos (nil: the CIE's).
func paceInfos(name string) ([]emrtd.PACEInfo, error) {
	switch name {
	case "cie":
		return nil, nil
	case "im":
		return cardsim.PACEIntegratedMapping(), nil
	case "cam":
		return cardsim.PACEChipAuthenticationMapping(), nil
	}
	return nil, cli.Choice("pace", name, "cie", "im", "cam")
}

// cieOptions builds the simulated CIE: a synthetic holder, or the MRZ
// given (any ICAO format, validated with cie.ParseAnyMRZ).
func cieOptions(can emrtd.CAN, pin scard.PIN, mrz, canDigits string, ecdh bool) (cardsim.CIEOptions, []string, error) {
	opts := cardsim.CIEOptions{CAN: can, PIN: pin, ECDH: ecdh, KeyBits: 1024, Photo: []byte("JPEG 2000 bytes")}
	var m *cie.MRZ
	if mrz != "" {
		var err error
		if m, err = cie.ParseAnyMRZ(mrz); err != nil {
			return opts, nil, cli.Usagef("", "-mrz: %w", err)
		}
		opts.MRZ = m.String()
	} else {
		holder := cie.Person{
			Surname: "Rossi", GivenNames: "Bianca", Sex: cie.SexFemale,
			BirthDate:   time.Date(1964, 12, 30, 0, 0, 0, 0, time.UTC),
			BirthPlace:  cie.Place{Code: "H501", Name: "ROMA", Province: "RM"},
			Citizenship: "ITA",
		}
		cf, err := cie.ComputeCodiceFiscale(holder)
		if err != nil {
			return opts, nil, err
		}
		holder.CodiceFiscale = cf
		opts.Card = &cie.Card{
			Holder: holder,
			Document: cie.Document{Number: "CA00000AA", IssueDate: time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC),
				ExpiryDate: time.Date(2034, 12, 30, 0, 0, 0, 0, time.UTC), IssuingComune: "Roma", ValidForTravel: true, CAN: canDigits},
			Residence: cie.Address{Street: "Via del Corso 1", Comune: "Roma", Province: "RM"},
		}
		if m, err = opts.Card.MRZ(); err != nil {
			return opts, nil, err
		}
	}
	return opts, strings.Split(m.String(), "\n"), nil
}
