package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/internal/cli"
	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/emrtd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// base are the flags of every test run: a fixed issue date, a fixed clock,
// no durations, and 1024-bit keys to keep the key generation short.
var base = []string{"-issue", "2026-11-23", "-reproducible", "-keybits", "1024", "-json", "-"}

// ports masks the loopback ports, which change from run to run.
var ports = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// checkGolden compares got with testdata/name.golden (rewritten with -update).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = ports.ReplaceAll(got, []byte("127.0.0.1:PORT"))
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./examples/workstation -update")
	assert.Equal(t, string(want), string(got), "report of %s differs from %s", name, path)
}

// parseRecord extracts the JSON record that -json - appends to the report.
func parseRecord(t *testing.T, out []byte) *record {
	t.Helper()
	i := bytes.Index(out, []byte("\n{\n"))
	require.GreaterOrEqual(t, i, 0, "no JSON record in the output")
	var r record
	require.NoError(t, json.Unmarshal(out[i+1:], &r))
	return &r
}

func TestIssuance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		args   []string
		expiry string
		travel bool
		prints string // "taken", "exempt" or "impossible"
		slow   bool   // several fingerprint captures: skipped with -short
	}{
		{name: "adult", args: []string{"-citizen", "adult"}, expiry: "2036-01-01", travel: true, prints: "taken", slow: true},
		{name: "minor", args: []string{"-citizen", "minor"}, expiry: "2031-12-10", travel: true, prints: "exempt"},
		{name: "teen", args: []string{"-citizen", "teen", "-poor", "0", "-sco", "active"}, expiry: "2032-03-20", travel: true, prints: "taken", slow: true},
		{name: "foreign", args: []string{"-citizen", "foreign", "-poor", "0"}, expiry: "2036-07-15", travel: false, prints: "taken"},
		{name: "adult-ftp", args: []string{"-citizen", "adult", "-transport", "ftp", "-sco", "active", "-no-fingerprints"}, expiry: "2027-11-23", travel: true, prints: "impossible"},
		{name: "unblocked-by-so", args: []string{"-citizen", "minor", "-sco", "blocked", "-unblock"}, expiry: "2031-12-10", travel: true, prints: "exempt"},
		{name: "minor-no-consent", args: []string{"-citizen", "minor", "-consent", "no", "-sco", "active"}, expiry: "2031-12-10", travel: false, prints: "exempt"},
		{name: "no-fingerprints", args: []string{"-citizen", "RSSMRA80A41H501Y", "-no-fingerprints", "-sco", "active", "-consent", "no"}, expiry: "2027-11-23", travel: false, prints: "impossible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("fingerprint captures are slow under -race; runs in the full pass without -short")
			}
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), append(append([]string{}, base...), tc.args...), &out, &errOut)
			require.NoError(t, err, "run %v", tc.args)
			assert.Empty(t, errOut.String())
			checkGolden(t, tc.name, out.Bytes())

			r := parseRecord(t, out.Bytes())
			require.True(t, r.OK)
			require.Len(t, r.Steps, 7)
			for _, s := range r.Steps {
				assert.True(t, s.OK, "step %d %s", s.N, s.Name)
			}
			require.NotNil(t, r.Document)
			assert.Equal(t, tc.expiry, r.Document.ExpiryDate, "expiry")
			assert.Equal(t, tc.travel, r.Document.ValidForTravel, "valid for travel")
			switch tc.prints {
			case "taken":
				require.Len(t, r.Fingerprints.Fingers, 2)
				assert.NotEqual(t, r.Fingerprints.Fingers[0].TemplateSHA256, r.Fingerprints.Fingers[1].TemplateSHA256, "the two fingers give the same template")
			case "exempt":
				assert.True(t, r.Fingerprints.Exempt)
			case "impossible":
				assert.True(t, r.Fingerprints.Impossible)
			}
			// The MRZ of the record is valid and carries the expiry.
			m, err := cie.ParseMRZ(strings.Join(r.Document.MRZ, "\n"))
			require.NoError(t, err)
			exp, err := m.ExpiryDate()
			require.NoError(t, err)
			assert.Equal(t, tc.expiry, exp.Format("2006-01-02"))
			require.NotNil(t, r.Verification)
			assert.Contains(t, r.Verification.VerifiedDataGroups, 1)
			assert.Contains(t, r.Verification.VerifiedDataGroups, 2)
			// No secret reaches the report.
			for _, secret := range []string{defaultPIN, defaultMasterPassword} {
				assert.NotContains(t, out.String(), secret)
			}
		})
	}
}

func TestIssuanceFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		step int
		is   error
		slow bool // several fingerprint captures: skipped with -short
	}{
		{name: "unknown-citizen", args: []string{"-citizen", "RSSMRA80A01H501U"}, step: 3, is: sad.ErrUnknownPerson},
		{name: "bad-barcode", args: []string{"-barcode", "*RSSMRA80A01H501X*\r\n"}, step: 2, is: cie.ErrCheckCharacter},
		{name: "wrong-pin", args: []string{"-sco", "active", "-pin", "11111111"}, step: 1, is: scard.ErrWrongPIN},
		{name: "blocked-pin", args: []string{"-sco", "blocked"}, step: 1, is: scard.ErrAuthBlocked},
		{name: "wrong-master-password", args: []string{"-sco", "new", "-master", "not-the-password"}, step: 1, is: scard.ErrWrongPIN},
		{name: "poor-fingerprint", args: []string{"-poor", "3"}, step: 4, is: errPoorPrints, slow: true},
		{name: "apr-down", args: []string{"-apr", "down"}, step: 3, is: syscall.ECONNREFUSED},
		{name: "apr-down-at-notice", args: []string{"-apr", "down-after-lookup", "-citizen", "minor"}, step: 6}, // EOF or refused, by timing
		{name: "forged-chip", args: []string{"-forge", "-citizen", "minor"}, step: 7, is: emrtd.ErrHashMismatch},
		{name: "apr-down-ftp", args: []string{"-apr", "down", "-transport", "ftp"}, step: 3, is: syscall.ECONNREFUSED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("fingerprint captures are slow under -race; runs in the full pass without -short")
			}
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), append(append([]string{}, base...), tc.args...), &out, &errOut)
			require.Error(t, err, "run %v", tc.args)
			var se *stepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.step, se.N, "failing step of %v: %v", tc.args, err)
			assert.Equal(t, stepNames[tc.step-1], se.Name)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			if tc.name != "apr-down-at-notice" { // the transport error varies
				checkGolden(t, tc.name, out.Bytes())
			} else {
				assert.Contains(t, out.String(), "error: sending the issued-card notice to the APR")
			}

			r := parseRecord(t, out.Bytes())
			assert.False(t, r.OK)
			assert.Equal(t, stepNames[tc.step-1], r.FailedStep)
			require.Len(t, r.Steps, tc.step, "steps run")
			assert.False(t, r.Steps[tc.step-1].OK)
			if r.Notice != nil { // the APR recorded the card: the issuance must be cancelled
				require.NotNil(t, r.Cancellation, "no cancellation after a failure following the notice")
				assert.Equal(t, sad.CodeOK.String(), r.Cancellation.Outcome)
			} else {
				assert.Nil(t, r.Cancellation)
			}
			for _, secret := range []string{"11111111", "not-the-password", defaultPIN, defaultMasterPassword} {
				assert.NotContains(t, out.String(), secret)
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestJSONFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "issuance.json")
	var out, errOut bytes.Buffer
	args := []string{"-issue", "2026-11-23", "-keybits", "1024", "-citizen", "minor", "-sco", "active", "-json", path}
	require.NoError(t, run(t.Context(), args, &out, &errOut))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var r record
	require.NoError(t, json.Unmarshal(b, &r))
	assert.True(t, r.OK)
	assert.Equal(t, "BIANCHI", r.Holder.Surname)
	assert.Len(t, r.Holder.Parents, 2, "parents of the minor")
	assert.Contains(t, out.String(), " ms\n", "durations in the console report")
	assert.NotContains(t, out.String(), "{", "JSON on stdout although -json names a file")
}

func TestRunFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // the whole message: names the flag, the value and the accepted values
	}{
		{[]string{"-citizen", "nobody"}, `-citizen "nobody": want adult, minor, teen or foreign, or a codice fiscale (16 characters, such as RSSMRA80A41H501Y): cie: codice fiscale: wrong length`},
		{[]string{"-keybits", "4096"}, `-keybits "4096": want 1024 or 2048`},
		{[]string{"-keybits", "512"}, `-keybits "512": want 1024 or 2048`},
		{[]string{"-issue", "23/11/2026"}, `-issue "23/11/2026": want a date as YYYY-MM-DD`},
		{[]string{"-transport", "smtp"}, `-transport "smtp": want http or ftp`},
		{[]string{"-sco", "lost"}, `-sco "lost": want new, active or blocked`},
		{[]string{"-consent", "maybe"}, `-consent "maybe": want yes or no`},
		{[]string{"-apr", "sideways"}, `-apr "sideways": want up, down or down-after-lookup`},
		{[]string{"-poor", "-1"}, `-poor -1: want 0 or more`},
		{[]string{"-seed", "x"}, `invalid value "x" for flag -seed: parse error`},
		{[]string{"-colour"}, `flag provided but not defined: -colour`},
		{[]string{"extra"}, `unexpected arguments ["extra"]: the workstation takes only flags`},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, &out, &errOut)
		var ue *cli.UsageError
		require.ErrorAs(t, err, &ue, "run %v", tc.args)
		assert.Equal(t, tc.want, err.Error(), "run %v", tc.args)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), "exit status of run %v", tc.args)
		assert.Empty(t, out.String(), "run %v: nothing on stdout", tc.args)
		assert.Empty(t, errOut.String(), "run %v: the flag package printed the error (main prints it once)", tc.args)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out, &errOut)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, cli.ExitOK, cli.ExitCode(err), "-h is not an error")
	assert.Empty(t, errOut.String())
	for _, want := range []string{"Usage: workstation [flags]", "Inputs:", "-citizen string", "-keybits int",
		"Examples:\n  go run ./examples/workstation\n", "Exit status:\n  0  the card was issued and verified\n  1  a step failed"} {
		assert.Contains(t, out.String(), want, "usage")
	}
	for _, secret := range []string{defaultPIN, defaultMasterPassword} {
		assert.NotContains(t, out.String(), secret, "usage shows a demo secret")
	}
}

// TestFailurePrintedOnce: a failed step shows its error once, in the report;
// main prints nothing more and exits 1.
func TestFailurePrintedOnce(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-issue", "2026-11-23", "-reproducible", "-keybits", "1024", "-citizen", "RSSMRA80A01H501U"}, &out, &errOut)
	require.Error(t, err)
	msg := "the APR does not know codice fiscale RSSMRA80A01H501U"
	assert.Equal(t, 1, strings.Count(out.String(), msg), "the error in the report:\n%s", out.String())
	var stderr bytes.Buffer
	assert.Equal(t, cli.ExitFailure, cli.Report(&stderr, command.Name, err))
	assert.Empty(t, stderr.String(), "main repeats the error already in the report")
	assert.Contains(t, out.String(), "ISSUANCE FAILED at step 3/7 (APR lookup).\n")
}

// TestForgedChipMessage: the read-back error says "passive authentication"
// once, not wrapped twice.
func TestForgedChipMessage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), append(append([]string{}, base...), "-forge", "-citizen", "minor"), &out, &errOut)
	require.ErrorIs(t, err, emrtd.ErrHashMismatch)
	assert.Equal(t, 1, strings.Count(err.Error(), "passive authentication"), "error %q", err)
	for _, l := range strings.Split(out.String(), "\n") {
		assert.LessOrEqual(t, strings.Count(l, "passive authentication"), 1, "report line %q", l)
	}
}

func TestDocumentStatus(t *testing.T) {
	t.Parallel()
	at := date(2026, time.November, 23)
	for _, tc := range []struct {
		expiry time.Time
		want   string
	}{
		{date(2026, time.January, 1), "expired on 01.01.2026, 326 days (about 11 months) ago: to be replaced"},
		{date(2024, time.November, 1), "expired on 01.11.2024, 752 days (about 2 years) ago: to be replaced"},
		{date(2026, time.November, 22), "expired on 22.11.2026, 1 day ago: to be replaced"},
		{date(2026, time.November, 23), "expires today (23.11.2026): to be replaced"},
		{date(2027, time.March, 1), "expires 01.03.2027, in 98 days (about 3 months): renewal window open (from 180 days before expiry)"},
		{date(2030, time.March, 1), "valid until 01.03.2030: renewal window not open yet (it opens 180 days before expiry)"},
	} {
		assert.Equal(t, tc.want, documentStatus(tc.expiry, at), "documentStatus(%s, %s)", tc.expiry.Format(time.DateOnly), at.Format(time.DateOnly))
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	require.ErrorIs(t, run(ctx, nil, &out, &errOut), context.Canceled)
}
