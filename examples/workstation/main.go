// Command workstation is the ciekit demo of a comune's CIE workstation. Today
// it prepares a specimen card with no hardware: it builds an adult Italian
// holder, computes and checks the codice fiscale, estimates the expiry,
// decides the travel validity, builds the card, validates it, encodes and
// re-reads the MRZ, and prints a report with the fees.
//
// Usage:
//
//	go run ./examples/workstation [-issue 2026-11-23] [-umlauts expand|base]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "workstation:", err)
		}
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	issue   time.Time
	umlauts cie.UmlautPolicy
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("workstation", flag.ContinueOnError)
	fs.SetOutput(stderr)
	issue := fs.String("issue", "", "issue date `YYYY-MM-DD` (default: today, UTC)")
	umlauts := fs.String("umlauts", "expand", "MRZ transliteration of Ä/Ö/Ü: expand (AE) or base (A)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var o options
	if *issue == "" {
		y, m, d := time.Now().UTC().Date()
		o.issue = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else {
		t, err := time.Parse(time.DateOnly, *issue)
		if err != nil {
			return options{}, fmt.Errorf("parsing -issue: %w", err)
		}
		o.issue = t
	}
	switch *umlauts {
	case "expand":
		o.umlauts = cie.UmlautExpand
	case "base":
		o.umlauts = cie.UmlautBase
	default:
		return options{}, fmt.Errorf("-umlauts must be expand or base, not %q", *umlauts)
	}
	return o, nil
}

// run prepares the specimen card and writes the report to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// 1. The holder: the specimen of the ministry's sample card, born in Roma.
	birth := time.Date(1964, time.December, 30, 0, 0, 0, 0, time.UTC)
	rome, err := cie.LookupPlace("H501", birth)
	if err != nil {
		return fmt.Errorf("looking up the place of birth: %w", err)
	}
	holder := cie.Person{
		Surname:     "Rossi",
		GivenNames:  "Bianca",
		Sex:         cie.SexFemale,
		BirthDate:   birth,
		BirthPlace:  rome,
		Citizenship: "ITA",
	}

	// 2. Codice fiscale: compute, then check it against the holder and decode it back.
	cf, err := cie.ComputeCodiceFiscale(holder)
	if err != nil {
		return fmt.Errorf("computing the codice fiscale: %w", err)
	}
	holder.CodiceFiscale = cf
	if err := cf.Check(holder); err != nil {
		return fmt.Errorf("checking the codice fiscale: %w", err)
	}
	info, err := cf.Decode(o.issue)
	if err != nil {
		return fmt.Errorf("decoding the codice fiscale: %w", err)
	}

	// 3. Validity: expiry and travel abroad (the holder signed the declaration).
	expiry, err := cie.Expiry(birth, o.issue, cie.ExpiryOptions{})
	if err != nil {
		return fmt.Errorf("computing the expiry: %w", err)
	}
	travel, err := cie.EspatrioEligible(holder, o.issue, cie.EspatrioRequest{Declaration: cie.ConsentGiven})
	if err != nil {
		return fmt.Errorf("deciding the travel validity: %w", err)
	}

	// 4. The card.
	number, err := cie.ParseCardNumber("CA00000AA")
	if err != nil {
		return err
	}
	card := &cie.Card{
		Holder: holder,
		Document: cie.Document{
			Number:         number,
			IssueDate:      o.issue,
			ExpiryDate:     expiry,
			IssuingComune:  "ROMA",
			ValidForTravel: travel,
			CAN:            "123456",
		},
		Height:            165,
		Residence:         cie.Address{Street: "VIA DEI GRAFICI 1", PostalCode: "00100", Comune: "ROMA", Province: "RM"},
		OrganDonation:     cie.OrganDonationConsent,
		BirthAct:          "1964-1-1-058091",
		FingerprintsTaken: true,
	}
	if err := card.Validate(o.issue); err != nil {
		return fmt.Errorf("validating the card: %w", err)
	}

	// 5. MRZ: encode, render, parse back, compare with the card.
	m, err := cie.EncodeMRZ(card, cie.MRZOptions{Umlauts: o.umlauts})
	if err != nil {
		return fmt.Errorf("encoding the MRZ: %w", err)
	}
	lines, err := m.Lines()
	if err != nil {
		return fmt.Errorf("rendering the MRZ: %w", err)
	}
	back, err := cie.ParseMRZ(strings.Join(lines[:], "\n"))
	if err != nil {
		return fmt.Errorf("re-reading the MRZ: %w", err)
	}
	if err := back.CheckCard(card, cie.MRZOptions{Umlauts: o.umlauts}); err != nil {
		return fmt.Errorf("comparing the MRZ with the card: %w", err)
	}

	// 6. Fees of a typical comune.
	fees := cie.FeeSchedule{MunicipalFixed: 516, Secretariat: 26}

	// Report.
	w := &report{w: stdout}
	w.title("CIE 3.0 - specimen issuance")
	w.row("Holder", holder.Surname+" "+holder.GivenNames)
	w.row("Sex", holder.Sex.String())
	w.row("Born", fmt.Sprintf("%s in %s (%s), Belfiore %s", birth.Format("02.01.2006"), rome.Name, rome.Province, rome.Code))
	w.row("Age at issue", fmt.Sprint(holder.Age(o.issue)))
	w.title("Codice fiscale")
	w.row("Code", cf.String()+" (valid, matches the holder)")
	for _, c := range info.Candidates {
		w.row("Decoded", fmt.Sprintf("sex %s, born %s in %s (%s)", info.Sex, c.Date.Format("02.01.2006"), c.Place.Name, c.Place.Code))
	}
	w.title("Document")
	w.row("Card number", number.String())
	w.row("Issued", o.issue.Format("02.01.2006")+" by the Comune di "+card.Document.IssuingComune)
	w.row("Expires", expiry.Format("02.01.2006"))
	if travel {
		w.row("Espatrio", "valid for travel abroad")
	} else {
		w.row("Espatrio", "NON VALIDA PER L'ESPATRIO")
	}
	w.row("Organ donation", card.OrganDonation.String())
	w.title("MRZ (TD1, all check digits verified)")
	for _, l := range lines {
		fmt.Fprintf(stdout, "  %s\n", l)
	}
	w.title("Fees (EUR)")
	w.row("State (13.76 + 22% VAT)", fees.StateFee().String())
	w.row("Total, first issue", fees.Total(cie.IssueFirst).String())
	w.row("Total, duplicate", fees.Total(cie.IssueDuplicate).String())
	return w.err
}

// report writes aligned sections and remembers the first write error.
type report struct {
	w   io.Writer
	err error
}

func (r *report) title(s string) {
	r.printf("\n%s\n%s\n", s, strings.Repeat("-", len(s)))
}

func (r *report) row(k, v string) { r.printf("  %-26s %s\n", k+":", v) }

func (r *report) printf(format string, a ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, a...)
	}
}
