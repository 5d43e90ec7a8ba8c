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
//
// -partial reads on when a file cannot be read or is malformed (a document
// that deviates from ICAO Doc 9303, such as vsmartcard's ePass emulator,
// see scripts/interop-vicc) and lists each file with its size or its
// error, then shows and verifies what was read.
//
// "cie-read pin verify|change|unblock" verifies, changes or unblocks (with
// the PUK) the PIN in the IAS secure channel (cie-read pin -h):
//
//	go run ./examples/cie-read pin verify -pin-stdin <<< 12345678
//
// Exit status: 0 when the card was read and verified, 1 when reading or
// verifying failed (the error is printed once) and, with -partial, also
// when any file could not be read (a finding: the files that were read
// are still listed and checked), 2 for a wrong command line; -h prints the
// usage and exits 0.
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/internal/pemcert"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/pcsc"
	"github.com/ciekit/ciekit/scard/vpcd"
)

var command = &cli.Command{
	Name: "cie-read",
	Summary: `Reads an Italian electronic identity card (CIE 3.0) with PACE (or BAC), verifies it by
passive authentication and the NIS by the chip's internal authentication, and prints
the holder's data and the result. "cie-read pin verify|change|unblock" manages the PIN
(see cie-read pin -h).`,
	Inputs: `-source sim      a simulated CIE in memory (the default; no hardware; its CAN is 123456)
-source pcsc-sim  the simulated CIE served to the running pcscd through vsmartcard-vpcd
-source pcsc      a real card in a real PC/SC reader: give its CAN (-can, printed on the
                  front) or its MRZ (-mrz), and the CSCA certificates to trust (-csca)`,
	Examples: []string{
		"go run ./examples/cie-read",
		"go run ./examples/cie-read -source pcsc-sim",
		"go run ./examples/cie-read -source pcsc -can 123456 -csca csca.pem",
		"go run ./examples/cie-read -source pcsc -reader 'Virtual PCD 00 01' -bac -mrz 'P<UTO…' -partial",
		"go run ./examples/cie-read pin verify -pin-stdin <<< 12345678",
	},
	OK: "the card was read and verified (with -partial: every file too)",
	Failure: "reading or verifying the card failed (no card, wrong CAN, passive authentication failed, ...);\n" +
		"     with -partial also when any file could not be read or was malformed (a finding: the files\n" +
		"     read are still listed and checked)",
}

func main() { cli.Main(command.Name, dispatch) }

// dispatch sends "cie-read pin …" to the PIN management of pin.go and
// everything else to the card read.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "pin" {
		return runPIN(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	return run(ctx, args, stdout, stderr)
}

type config struct {
	source, reader, can, mrz, csca string
	bac, partial                   bool
	timeout                        time.Duration
}

// sources are the values of -source.
var sources = []string{"sim", "pcsc-sim", "pcsc"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := command.FlagSet()
	var cfg config
	fs.StringVar(&cfg.source, "source", "sim", "sim (simulated card in memory), pcsc-sim (simulated card through pcscd and vsmartcard-vpcd) or pcsc (a real reader)")
	fs.StringVar(&cfg.reader, "reader", "", "PC/SC reader name (default: the first reader holding a card, real readers first)")
	fs.StringVar(&cfg.can, "can", "", "card access number, the 6 digits on the card's front (PACE; default with -source sim: the simulated card's)")
	fs.StringVar(&cfg.mrz, "mrz", "", "the three MRZ lines: the PACE password when no CAN is given, and the BAC key")
	fs.BoolVar(&cfg.bac, "bac", false, "use BAC (needs -mrz) even if the card offers PACE")
	fs.BoolVar(&cfg.partial, "partial", false, "read on when a file cannot be read or is malformed, list each file's size or error, and check what was read (exit status 1 if any file failed)")
	fs.StringVar(&cfg.csca, "csca", "", "PEM `file` of CSCA certificates to trust (default with -source sim or pcsc-sim: the simulator's own)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "give up after this long (waiting for a card included)")
	if err := command.Parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("", "unexpected arguments %q: cie-read takes only flags", fs.Args())
	}
	if err := checkConfig(&cfg); err != nil {
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
		if cfg.can == "" && cfg.mrz == "" {
			cfg.can = specimenCAN
		}
		card = sim
		if cfg.source == "pcsc-sim" {
			b, reader, err := serveToPCSC(ctx, sim, cfg.reader)
			if err != nil {
				return err
			}
			defer b.Close()
			cfg.reader = reader
			fmt.Fprintf(stdout, "Simulated CIE inserted in %q through pcscd\n", cfg.reader)
		}
	}
	if cfg.csca != "" {
		pool, err := pemcert.LoadPool(cfg.csca)
		if err != nil {
			return err
		}
		trust = pool
	}
	if cfg.source != "sim" {
		c, closeCard, err := connect(ctx, cfg, stdout)
		if err != nil {
			return err
		}
		defer closeCard()
		card = c
	}
	err := read(ctx, card, cfg, trust, stdout)
	if errors.Is(err, scard.ErrAuthentication) && cfg.source != "pcsc" && cfg.can != "" && cfg.can != specimenCAN {
		err = fmt.Errorf("%w (-can %s is not the simulated card's CAN, %s)", err, cfg.can, specimenCAN)
	}
	return err
}

// checkConfig checks the flags' values before anything is opened.
func checkConfig(cfg *config) error {
	if err := cli.Choice("source", cfg.source, sources...); err != nil {
		return err
	}
	if cfg.can != "" && (len(cfg.can) != 6 || strings.Trim(cfg.can, "0123456789") != "") {
		return cli.Usagef("can", "%q: want the 6 digits printed on the card's front", cfg.can)
	}
	if cfg.mrz != "" {
		if _, err := emrtd.MRZKeyFromMRZ(cfg.mrz); err != nil {
			return cli.Usagef("mrz", "is not a CIE's MRZ (three lines of 30 characters): %v", err)
		}
	}
	if cfg.bac && cfg.mrz == "" {
		return cli.Usagef("bac", "needs -mrz: the BAC key is made from the MRZ")
	}
	if cfg.source == "pcsc" && cfg.can == "" && cfg.mrz == "" {
		return cli.Usagef("source", "pcsc needs the card's CAN (-can, 6 digits on its front) or its MRZ (-mrz)")
	}
	if cfg.timeout <= 0 {
		return cli.Usagef("timeout", "%s: want a positive duration such as 30s", cfg.timeout)
	}
	return nil
}

// serveToPCSC serves sim to the running pcscd in vsmartcard-vpcd's first
// virtual reader (-source pcsc-sim) until ctx ends or the bridge is closed,
// and returns the reader to connect to: reader, or that virtual reader
// when reader is "".
func serveToPCSC(ctx context.Context, sim *cardsim.CIE, reader string) (*vpcd.Bridge, string, error) {
	b := vpcd.Start(ctx, vpcd.Reader0Addr, sim, nil)
	if err := b.WaitConnected(ctx); err != nil {
		b.Close()
		return nil, "", fmt.Errorf("serving the simulated card to pcscd (is vsmartcard-vpcd installed and pcscd running?): %w", err)
	}
	if reader == "" {
		reader = "Virtual PCD 00 00"
	}
	return b, reader, nil
}

// cardWaiter is the part of *pcsc.Context that connect uses to find the
// card, separate for tests.
type cardWaiter interface {
	Readers() ([]string, error)
	WaitForCard(ctx context.Context, reader string) error
}

// connect opens PC/SC and connects to cfg.reader, or to the first reader
// holding a card.
func connect(ctx context.Context, cfg config, stdout io.Writer) (*pcsc.Card, func(), error) {
	pc, err := pcsc.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("opening PC/SC (is pcscd running?): %w", err)
	}
	reader, err := findCard(ctx, pc, cfg, stdout)
	if err != nil {
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

// probeTime is how long findCard asks each reader whether it holds a card.
const probeTime = 200 * time.Millisecond

// isVirtual reports whether reader is one of vsmartcard-vpcd's readers,
// which hold a card only while a vpcd client (such as -source pcsc-sim)
// serves one.
func isVirtual(reader string) bool { return strings.HasPrefix(reader, "Virtual PCD") }

// findCard returns the reader to read: cfg.reader once it holds a card, or
// the first reader (real ones first) that holds one. When no reader holds a
// card it waits for one in the only candidate, until ctx ends, and then
// returns an error wrapping scard.ErrNoCard that names the reader.
func findCard(ctx context.Context, pc cardWaiter, cfg config, stdout io.Writer) (string, error) {
	readers, err := pc.Readers()
	if err != nil {
		return "", fmt.Errorf("listing the PC/SC readers (is a reader plugged in?): %w", err)
	}
	candidates := readers
	if cfg.reader != "" {
		if !slices.Contains(readers, cfg.reader) {
			return "", cli.Usagef("reader", "%q: no such reader; the readers are %s", cfg.reader, quoteList(readers))
		}
		candidates = []string{cfg.reader}
	} else if cfg.source == "pcsc" {
		// Real readers first: vsmartcard's virtual readers are empty
		// unless a simulator serves them.
		candidates = slices.Clone(readers)
		slices.SortStableFunc(candidates, func(a, b string) int {
			switch va, vb := isVirtual(a), isVirtual(b); {
			case va == vb:
				return 0
			case vb:
				return -1
			}
			return 1
		})
	}
	for _, r := range candidates {
		pctx, cancel := context.WithTimeout(ctx, probeTime)
		err := pc.WaitForCard(pctx, r)
		cancel()
		if err == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	wait := candidates[0]
	if len(candidates) > 1 && cfg.reader == "" {
		return "", fmt.Errorf("no card in any reader (%s): insert the card, or choose a reader with -reader: %w", quoteList(candidates), scard.ErrNoCard)
	}
	fmt.Fprintf(stdout, "Waiting for a card in %q...\n", wait)
	start := time.Now()
	if err := pc.WaitForCard(ctx, wait); err != nil {
		if ctx.Err() == nil {
			return "", err
		}
		hint := ""
		if isVirtual(wait) && cfg.source == "pcsc" {
			hint = " (a vsmartcard virtual reader: it holds a card only while a simulator serves one, as -source pcsc-sim does)"
		}
		return "", fmt.Errorf("no card in reader %q%s after waiting %s: %w", wait, hint, time.Since(start).Round(time.Second), scard.ErrNoCard)
	}
	return wait, nil
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func read(ctx context.Context, t scard.Transmitter, cfg config, trust *x509.CertPool, w io.Writer) error {
	opts := emrtd.ReadOptions{NoPACE: cfg.bac, Partial: cfg.partial}
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
	fmt.Fprintf(w, "\nRead through %s: data groups %v\n", doc.Access, doc.DataGroupNumbers())
	if cfg.partial {
		printFiles(w, doc)
	}
	err = verify(ctx, t, doc, cfg.partial, trust, w)
	if len(doc.FileErrors) > 0 {
		missing := doc.Checks().Missing
		fmt.Fprintf(w, "\nIncomplete: %d files could not be read (%s)\n", len(missing), strings.Join(missing, ", "))
		if err == nil {
			err = cli.Reported(fmt.Errorf("partial read: %w", doc.Err())) // shown above
		}
	}
	return err
}

// printFiles lists the files of a partial read in file order (EF.COM,
// DG1-DG16, EF.SOD), each with its size or its error.
func printFiles(w io.Writer, doc *emrtd.Document) {
	type file struct {
		name string
		data []byte
	}
	var files []file
	if doc.RawCOM != nil || doc.FileErrors["EF.COM"] != nil {
		files = append(files, file{"EF.COM", doc.RawCOM})
	}
	for n := 1; n <= 16; n++ {
		name := fmt.Sprintf("DG%d", n)
		if b, ok := doc.DataGroups[n]; ok || doc.FileErrors[name] != nil {
			files = append(files, file{name, b})
		}
	}
	if doc.SOD != nil || doc.FileErrors["EF.SOD"] != nil {
		files = append(files, file{"EF.SOD", doc.SOD})
	}
	fmt.Fprintln(w, "\nFiles:")
	for _, f := range files {
		if err := doc.FileErrors[f.name]; err != nil {
			fmt.Fprintf(w, "  %-7s FAILED: %v\n", f.name, err)
			continue
		}
		fmt.Fprintf(w, "  %-7s %d bytes\n", f.name, len(f.data))
	}
}

// verify prints the holder's data from what was read, then checks it by
// passive authentication and the NIS by internal authentication. In a
// partial read it says which of these the missing files prevent.
func verify(ctx context.Context, t scard.Transmitter, doc *emrtd.Document, partial bool, trust *x509.CertPool, w io.Writer) error {
	fmt.Fprintln(w)
	mrz, err := doc.MRZ()
	if _, read := doc.DataGroups[1]; err != nil && partial && !read {
		fmt.Fprintln(w, "  No holder data: DG1 (the MRZ) was not read")
		return cli.Reported(err) // shown above
	}
	if err != nil {
		return err
	}
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
		fmt.Fprintf(w, "  Photo           %s\n", photoText(faces[0]))
	}

	fmt.Fprintln(w, "\nPassive authentication:")
	if c := doc.Checks(); partial && !c.PassiveAuthentication {
		fmt.Fprintf(w, "  IMPOSSIBLE: EF.SOD was not read; data groups %v cannot be checked\n", c.Unverifiable)
		return cli.Reported(errors.New("passive authentication impossible: EF.SOD was not read")) // shown above
	}
	res, err := doc.Verify(emrtd.PAOptions{CSCA: trust})
	if res != nil {
		fmt.Fprintf(w, "  data groups verified %v\n", res.Verified)
		if res.Signer != nil {
			fmt.Fprintf(w, "  document signer      %s\n", res.Signer.Subject.CommonName)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "  FAILED: %v\n", err)
		return cli.Reported(err) // shown above
	}
	fmt.Fprintln(w, "  OK: the data are as the issuer signed them")

	nis, err := ias.NewClient(scard.NewCard(t, scard.CardOptions{})).VerifyNIS(ctx, ias.NISOptions{CSCA: trust})
	if err != nil {
		fmt.Fprintf(w, "\nNIS: FAILED: %v\n", err)
		return cli.Reported(fmt.Errorf("verifying the NIS: %w", err)) // shown above
	}
	fmt.Fprintf(w, "\nNIS %s: verified (IAS SOD and internal authentication)\n", nis.NIS)
	return nil
}

// photoText describes the DG2 facial image: format, size in pixels and in bytes.
func photoText(f emrtd.FaceImage) string {
	return fmt.Sprintf("%s, %d×%d pixels, %d bytes", f.Format, f.Width, f.Height, len(f.Data))
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
		Photo: specimenPhoto(), PhotoType: emrtd.ImageJPEG, PhotoWidth: photoW, PhotoHeight: photoH, KeyBits: 1024,
	})
}

// The specimen's portrait size, in pixels (ICAO's 3:4 ratio).
const photoW, photoH = 90, 120

// specimenPhoto draws a plain synthetic portrait (an oval face on a light
// background) and encodes it as JPEG, so that DG2 holds a real image.
func specimenPhoto() []byte {
	img := image.NewGray(image.Rect(0, 0, photoW, photoH))
	for y := range photoH {
		for x := range photoW {
			dx, dy := float64(x-photoW/2)/26, float64(y-50)/34
			v := uint8(230 - y/3) // a soft background gradient
			if dx*dx+dy*dy <= 1 {
				v = 150
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 75}) // writing to memory cannot fail
	return b.Bytes()
}
