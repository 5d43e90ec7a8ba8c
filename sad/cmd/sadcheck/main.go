// Command sadcheck runs the SAD conformance suite (package
// github.com/ciekit/ciekit/sad/sadcheck) against an APR endpoint, over http
// or ftp, and prints a table of the cases; -junit also writes JUnit XML
// for a CI. The exit status is 0 when no case fails, 1 when one does (or
// the endpoint cannot be reached), 2 for a usage error.
//
// Usage:
//
//	sadcheck -url http://HOST:PORT/PATH [flags]
//	sadcheck -ftp HOST:PORT -upload DIR -download DIR [-user U] [flags]
//
// The ftp password is read from the environment variable
// SADCHECK_FTP_PASSWORD (a flag would show it in the process list).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/sadcheck"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	passwordEnv = "SADCHECK_FTP_PASSWORD"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usageText = `sadcheck: the SAD 2.8 conformance suite, playing the CIE workstation against an APR endpoint.

Usage:
  sadcheck -url http://HOST:PORT/PATH [flags]
  sadcheck -ftp HOST:PORT -upload DIR -download DIR [-user U] [flags]

Inputs:
  the endpoint under test: -url (http), or -ftp with the -upload and -download
    directories (and -user; the password from $SADCHECK_FTP_PASSWORD);
  the codici fiscali its test register holds (-cf; default those of
    sad.SampleSubjects), among which the suite looks for homonyms, a minor, an
    AIRE subject and a former resident.

Example (the reference server of this repository):
  go run ./examples/apr-server -http 127.0.0.1:8080 &
  go run ./sad/cmd/sadcheck -url http://127.0.0.1:8080/sad -junit sadcheck.xml

The suite writes to the register under test (it issues, cancels and revokes
cards with random numbers): use a test register. The ftp password, if any, is
read from $SADCHECK_FTP_PASSWORD.

Exit status: 0 every case passed (or was skipped as not applicable to the
register; -strict makes a skip fail), 1 a case failed (or the endpoint could
not be reached), 2 usage error.

Flags:
`

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sadcheck", flag.ContinueOnError)
	var parseOut strings.Builder // -h goes to stdout (exit 0), a bad flag to stderr (exit 2)
	fs.SetOutput(&parseOut)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	rawURL := fs.String("url", "", "http endpoint, e.g. http://127.0.0.1:8080/sad")
	ftpAddr := fs.String("ftp", "", "ftp server HOST:PORT (port 21 if omitted)")
	upload := fs.String("upload", "", "ftp directory where requests are uploaded (with -ftp)")
	download := fs.String("download", "", "ftp directory where answers appear (with -ftp)")
	user := fs.String("user", "", "ftp user (empty: anonymous); password from $"+passwordEnv)
	pairFlag := fs.String("pair", "S/N", "expatriation constants: S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO or 1/0")
	latin1 := fs.Bool("latin1", false, "send ISO-8859-1 documents instead of UTF-8")
	cfs := fs.String("cf", "", "comma-separated codici fiscali the test register holds (default: those of sad.SampleSubjects)")
	junit := fs.String("junit", "", "also write the results as JUnit XML to this file")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each case")
	conc := fs.Int("concurrency", 16, "simultaneous lookups in the concurrency case (1-256)")
	poll := fs.Duration("poll", 200*time.Millisecond, "ftp polling interval for answers")
	strict := fs.Bool("strict", false, "a skipped case (the register lacks homonyms, an AIRE subject, ...) fails the run too")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, parseOut.String())
			return exitOK
		}
		io.WriteString(stderr, parseOut.String()) // the problem, then the usage
		return exitUsage
	}
	opts, err := options(fs, *rawURL, *ftpAddr, *upload, *download, *user, *pairFlag, *latin1, *cfs, *timeout, *conc, *poll, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "sadcheck:", err)
		fmt.Fprintln(stderr, "run 'sadcheck -h' for usage")
		return exitUsage
	}
	opts.Progress = func(r sadcheck.Result) {
		fmt.Fprintf(stderr, "%-26s %s\n", r.Case, r.Outcome)
	}
	rep, err := sadcheck.Run(ctx, opts)
	if err != nil && rep == nil {
		fmt.Fprintln(stderr, "sadcheck:", err)
		return exitFailed
	}
	if werr := rep.WriteTable(stdout); werr != nil {
		fmt.Fprintln(stderr, "sadcheck:", werr)
		return exitFailed
	}
	if *junit != "" {
		f, ferr := os.Create(*junit)
		if ferr == nil {
			ferr = rep.WriteJUnit(f)
			if cerr := f.Close(); ferr == nil {
				ferr = cerr
			}
		}
		if ferr != nil {
			fmt.Fprintf(stderr, "sadcheck: -junit %s: %v\n", *junit, ferr)
			return exitFailed
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "sadcheck:", err)
		return exitFailed
	}
	if !rep.Passed() {
		fmt.Fprintf(stderr, "sadcheck: failed: %s\n", strings.Join(rep.Failed(), ", "))
		return exitFailed
	}
	if *strict {
		var skipped []string
		for _, r := range rep.Results {
			if r.Outcome == sadcheck.Skip {
				skipped = append(skipped, r.Case)
			}
		}
		if len(skipped) > 0 {
			fmt.Fprintf(stderr, "sadcheck: -strict: skipped: %s\n", strings.Join(skipped, ", "))
			return exitFailed
		}
	}
	return exitOK
}

// options checks the flags and builds the suite's options; every error
// names the flag at fault and what it accepts.
func options(fs *flag.FlagSet, rawURL, ftpAddr, upload, download, user, pairFlag string, latin1 bool, cfs string,
	timeout time.Duration, conc int, poll time.Duration, getenv func(string) string) (sadcheck.Options, error) {
	var o sadcheck.Options
	if fs.NArg() > 0 {
		return o, usagef("unexpected arguments %q: every input is a flag", fs.Args())
	}
	switch {
	case rawURL == "" && ftpAddr == "":
		return o, usagef("give -url (http) or -ftp HOST:PORT (ftp)")
	case rawURL != "" && ftpAddr != "":
		return o, usagef("-url and -ftp exclude each other: one endpoint per run")
	case rawURL != "":
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, usagef("-url %q: want http://HOST:PORT/PATH or https://…", rawURL)
		}
		cfg := sad.Config{Transport: sad.HTTP, Host: u.Hostname(), Path: u.EscapedPath(), HTTPS: u.Scheme == "https"}
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return o, usagef("-url %q: port %q, want 1-65535", rawURL, p)
			}
			cfg.Port = n
		}
		o.Config = cfg
	default:
		host, port := ftpAddr, 21
		if h, p, err := net.SplitHostPort(ftpAddr); err == nil {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return o, usagef("-ftp %q: port %q, want 1-65535", ftpAddr, p)
			}
			host, port = h, n
		}
		if host == "" {
			return o, usagef("-ftp %q: want HOST:PORT", ftpAddr)
		}
		if upload == "" || download == "" {
			return o, usagef("-ftp needs -upload DIR and -download DIR (the directories of the circulars' ftp parameters)")
		}
		o.Config = sad.Config{Transport: sad.FTP, Host: host, Port: port, UploadDir: upload, DownloadDir: download,
			User: user, Password: sad.NewPassword(getenv(passwordEnv)), PollInterval: poll}
	}
	pair, err := sad.ParsePair(pairFlag)
	if err != nil {
		return o, usagef("-pair %q: want one of S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO, 1/0", pairFlag)
	}
	d := sad.DefaultDialect()
	d.Espatrio = pair
	if latin1 {
		d.Charset = sad.Latin1
	}
	o.Config.Codec = sad.Codec{Dialect: d}
	if cfs != "" {
		for _, cf := range strings.Split(cfs, ",") {
			cf = strings.ToUpper(strings.TrimSpace(cf))
			if len(cf) != 16 && len(cf) != 11 {
				return o, usagef("-cf: %q is not a codice fiscale (16 characters, or 11 digits)", cf)
			}
			o.CodiciFiscali = append(o.CodiciFiscali, cf)
		}
	}
	if timeout <= 0 {
		return o, usagef("-timeout %v: want a positive duration, e.g. 10s", timeout)
	}
	if conc < 1 || conc > 256 {
		return o, usagef("-concurrency %d: want 1-256", conc)
	}
	if poll <= 0 {
		return o, usagef("-poll %v: want a positive duration", poll)
	}
	o.CaseTimeout, o.Concurrency = timeout, conc
	return o, nil
}
