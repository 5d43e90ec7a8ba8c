package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/scard"
)

// Demo secrets of the simulated hardware. They are synthetic, never printed
// and never written to the record.
const (
	defaultPIN            = "12345678" // the operator PIN of an active SCO
	defaultMasterPassword = "ciekit-so-master-2026"
	defaultSede           = "MI-SEDE-01"
)

// options are the command-line settings.
type options struct {
	citizen      string // adult, minor, foreign or a codice fiscale
	transport    string // http or ftp
	seed         uint64
	jsonPath     string
	pin          string
	master       string
	sco          string // new, active or blocked
	poor         int    // poor captures scripted before good ones
	noPrints     bool
	consent      cie.Consent
	aprDown      bool
	unblock      bool // the Security Officer resets a blocked PIN
	forge        bool // the personalised chip comes back with a forged DG11
	aprDropAfter bool // the APR goes down after the lookup, before the notice
	issue        time.Time
	keyBits      int
	reproducible bool
	barcodeText  string // raw barcode payload (overrides -citizen)
}

// command describes the workstation for its usage text (-h).
var command = &cli.Command{
	Name: "workstation",
	Summary: `The issuance of a CIE 3.0 end to end on simulated hardware: operator login with the
operator card (SCO), the codice fiscale from a barcode, the citizen from the APR over
SAD, two fingerprints, expiry and MRZ, the chip personalised, the APR notified, and the
card read back and verified. Each step is printed with ✓ or ✗.`,
	Inputs: `No files and no hardware: the citizens are sad's sample register, served by an APR
on 127.0.0.1 (http, or ftp with -transport ftp); the keys (RSA, -keybits bits) are
generated at run time from -seed. -json writes the issuance record.`,
	Examples: []string{
		"go run ./examples/workstation",
		"go run ./examples/workstation -citizen minor -transport ftp -json issuance.json",
		"go run ./examples/workstation -citizen RSSMRA80A41H501Y -keybits 1024 -forge",
	},
	OK:      "the card was issued and verified",
	Failure: "a step failed (the report names it; see ✗)",
}

// keyBitsChoices are the RSA key sizes -keybits accepts: 2048 as on real
// cards, 1024 for quicker runs.
var keyBitsChoices = []string{"1024", "2048"}

func parseFlags(args []string, stdout io.Writer) (*options, error) {
	fs := command.FlagSet()
	o := &options{}
	fs.StringVar(&o.citizen, "citizen", citizenAdult, "citizen to issue a card to: "+cli.OneOf(append(citizenNames[:len(citizenNames):len(citizenNames)], "a codice fiscale")...))
	fs.StringVar(&o.transport, "transport", "http", "SAD transport to the APR: http or ftp")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the simulated hardware (card number, CAN, keys, fingerprints)")
	fs.StringVar(&o.jsonPath, "json", "", "write the issuance record as JSON to `file` (- for stdout)")
	fs.StringVar(&o.pin, "pin", "", "operator PIN typed at login (8 digits; default: the simulated SCO's PIN); with -sco new, the PIN the Security Officer sets")
	fs.StringVar(&o.master, "master", "", "Security Officer's master password typed to activate a new SCO (default: the simulator's)")
	fs.StringVar(&o.sco, "sco", "new", "state of the operator card: new (activated first), active or blocked")
	fs.BoolVar(&o.unblock, "unblock", false, "if the operator PIN is blocked, the Security Officer resets it with the master password")
	fs.BoolVar(&o.forge, "forge", false, "the personalised chip comes back with DG11 forged (EF.SOD not re-signed): read-back fails and the issuance is cancelled in the APR")
	fs.IntVar(&o.poor, "poor", 1, "number of poor fingerprint captures the scanner delivers before good ones")
	fs.BoolVar(&o.noPrints, "no-fingerprints", false, "taking the fingerprints is impossible (12-month card)")
	consent := fs.String("consent", "yes", "espatrio: the adult's declaration, or the parents' consent for a minor (yes or no)")
	apr := fs.String("apr", "up", "state of the in-process APR: up, down, or down-after-lookup (the issued-card notice fails)")
	issue := fs.String("issue", "", "issue date `YYYY-MM-DD` (default: today, UTC)")
	fs.IntVar(&o.keyBits, "keybits", 2048, "RSA key size of the simulated cards and PKI: 2048 (as on real cards) or 1024 (quicker)")
	fs.BoolVar(&o.reproducible, "reproducible", false, "omit durations and use a fixed clock (issue date, 09:00 UTC): byte-identical output for a seed")
	fs.StringVar(&o.barcodeText, "barcode", "", "raw text the barcode reader delivers (default: the citizen's Code 39 payload)")
	if err := command.Parse(fs, args, stdout); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, cli.Usagef("", "unexpected arguments %q: the workstation takes only flags", fs.Args())
	}
	// The demo secrets are not shown in -h: secrets stay out of output.
	if o.pin == "" {
		o.pin = defaultPIN
	}
	if o.master == "" {
		o.master = defaultMasterPassword
	}
	if err := checkCitizen(o.citizen); err != nil {
		return nil, err
	}
	if err := cli.Choice("transport", o.transport, "http", "ftp"); err != nil {
		return nil, err
	}
	if err := cli.Choice("sco", o.sco, "new", "active", "blocked"); err != nil {
		return nil, err
	}
	if err := cli.Choice("consent", *consent, "yes", "no"); err != nil {
		return nil, err
	}
	o.consent = cie.ConsentGiven
	if *consent == "no" {
		o.consent = cie.ConsentRefused
	}
	if err := cli.Choice("apr", *apr, "up", "down", "down-after-lookup"); err != nil {
		return nil, err
	}
	o.aprDown = *apr == "down"
	o.aprDropAfter = *apr == "down-after-lookup"
	if o.poor < 0 {
		return nil, cli.Usagef("poor", "%d: want 0 or more", o.poor)
	}
	if err := cli.Choice("keybits", strconv.Itoa(o.keyBits), keyBitsChoices...); err != nil {
		return nil, err
	}
	if *issue == "" {
		y, m, d := time.Now().UTC().Date()
		o.issue = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else {
		t, err := time.Parse(time.DateOnly, *issue)
		if err != nil {
			return nil, cli.Usagef("issue", "%q: want a date as YYYY-MM-DD", *issue)
		}
		o.issue = t
	}
	return o, nil
}

// checkCitizen accepts a -citizen shortcut or a well-formed codice fiscale
// (whether the APR knows it is for step 3 to find out).
func checkCitizen(v string) error {
	if slices.Contains(citizenNames, v) {
		return nil
	}
	if _, err := cie.ParseCodiceFiscale(v); err != nil {
		return cli.Usagef("citizen", "%q: want %s, or a codice fiscale (16 characters, such as RSSMRA80A41H501Y): %v",
			v, cli.OneOf(citizenNames...), err)
	}
	return nil
}

// run performs one issuance and writes the console report to stdout.
// A failed issuance returns a *stepError naming the failing step, wrapped
// by cli.Reported because the report already shows it; a bad command line
// returns a *cli.UsageError; -h returns flag.ErrHelp after printing the
// usage to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ws := &workstation{opts: o, out: &console{w: stdout, timings: !o.reproducible}}
	ws.rec = &record{
		IssueDate: o.issue.Format(time.DateOnly),
		Transport: o.transport,
		Seed:      o.seed,
	}
	defer ws.close()

	ws.out.title(fmt.Sprintf("CIE workstation - issuance on %s (simulated hardware, APR over SAD/%s)", o.issue.Format("02.01.2006"), o.transport))
	flowErr := ws.flow(ctx)
	ws.rec.OK = flowErr == nil
	if flowErr != nil {
		var se *stepError
		if errors.As(flowErr, &se) {
			ws.rec.FailedStep = se.Name
			ws.rec.Error = se.Err.Error()
		} else {
			ws.rec.Error = flowErr.Error()
		}
	}
	ws.summary()
	if o.jsonPath != "" {
		if err := ws.writeJSON(stdout); err != nil {
			return fmt.Errorf("writing the record: %w", err)
		}
	}
	if ws.out.err != nil {
		// The report is incomplete: the failure may not be in it.
		return errors.Join(flowErr, fmt.Errorf("writing the report: %w", ws.out.err))
	}
	// The report already shows a failed issuance: print it only once.
	return cli.Reported(flowErr)
}

// writeJSON writes the record to the -json destination.
func (ws *workstation) writeJSON(stdout io.Writer) error {
	b, err := json.MarshalIndent(ws.rec, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if ws.opts.jsonPath == "-" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(ws.opts.jsonPath, b, 0o644)
}

// stepError is the failure of one step of the flow.
type stepError struct {
	N    int
	Name string
	Err  error
}

func (e *stepError) Error() string {
	return fmt.Sprintf("step %d (%s) failed: %v", e.N, e.Name, e.Err)
}

func (e *stepError) Unwrap() error { return e.Err }

// The steps of the flow, in order.
var stepNames = [...]string{
	"operator login",
	"codice fiscale",
	"APR lookup",
	"fingerprints",
	"validity and MRZ",
	"personalisation",
	"read-back",
}

// console writes the step-by-step report and remembers the first write error.
type console struct {
	w       io.Writer
	timings bool
	err     error
}

func (c *console) printf(format string, a ...any) {
	if c.err == nil {
		_, c.err = fmt.Fprintf(c.w, format, a...)
	}
}

func (c *console) title(s string) { c.printf("%s\n%s\n", s, strings.Repeat("=", len([]rune(s)))) }

// detail prints an indented line under the current step.
func (c *console) detail(format string, a ...any) { c.printf("      "+format+"\n", a...) }

// durationText renders d for the report: milliseconds with one decimal.
func durationText(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

// pinFailure is a PIN or master-password failure, rendered for the operator
// (tries left, blocked) without the secret; it unwraps to scard's error.
type pinFailure struct{ err error }

func (e *pinFailure) Error() string { return pinError(e.err) }
func (e *pinFailure) Unwrap() error { return e.err }

// pinError renders a PIN failure without the PIN.
func pinError(err error) string {
	var pe *scard.PINError
	if errors.As(err, &pe) {
		if pe.Retries == 0 {
			return "wrong PIN, now blocked"
		}
		return fmt.Sprintf("wrong PIN, %d tries left", pe.Retries)
	}
	if errors.Is(err, scard.ErrAuthBlocked) {
		return "PIN blocked: the Security Officer must unblock the card (-unblock)"
	}
	return err.Error()
}
