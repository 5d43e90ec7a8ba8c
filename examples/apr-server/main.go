// Command apr-server is a reference APR (the comune's population register)
// for SAD 2.8. It answers the CIE workstation over both transports of the
// circulars, from a register of synthetic people (sad.SampleSubjects, or
// -register FILE) or from the vendor's own SQL database (-db, -dsn,
// -mapping; see README.md):
//
//   - http: POST a RichiestaSAD to http://<addr><path>;
//   - ftp: the workstation uploads <IdRichiesta>.xml into a directory served
//     by the comune's FTP daemon; apr-server watches it (-upload) and answers
//     <IdRichiesta>.xml into the download directory (-download),
//     crash-safely.
//
// Run "apr-server -h" for the flags, the wire format and the exit codes.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/sqlregistry"
	_ "github.com/jackc/pgx/v5/stdlib" // -db pgx
	_ "modernc.org/sqlite"             // -db sqlite
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err once and maps it to the exit status.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintln(stderr, "apr-server:", ue.msg)
			fmt.Fprintln(stderr, "run 'apr-server -h' for usage")
		}
		return exitUsage
	default:
		fmt.Fprintln(stderr, "apr-server:", err)
		return exitError
	}
}

// usageError is a bad command line (exit 2). An empty msg means the flag
// package has already printed the problem.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

const usageText = `apr-server: a reference APR (population register) answering SAD 2.8 requests
from the CIE workstation, over http and/or ftp.

Usage:
  apr-server [-http ADDR] [-path /sad] [-upload DIR -download DIR -state DIR] [flags]

Inputs:
  the register: by default the seven synthetic people of sad.SampleSubjects;
    -register FILE, a RispostaSAD document listing the subjects; or your SQL
    database with -db, -dsn and -mapping (a JSON mapping, see sad/sqlregistry
    and examples/apr-server/README.md);
  the requests: http POSTs on -http/-path, and/or the files the workstation
    uploads into -upload (answers in -download, claims in -state).

Examples:
  apr-server -http 127.0.0.1:8080
  curl --data-binary @req.xml http://127.0.0.1:8080/sad
  apr-server -http 127.0.0.1:8080 -db pgx -dsn 'host=/var/run/postgresql dbname=apr' -mapping mapping.json

Wire format (the reconstruction of SAD 2.8 in package sad; XML, UTF-8 or
ISO-8859-1 as declared):
  http  POST a RichiestaSAD document as the request body to http://ADDR/PATH.
        Any Content-Type works when the body is XML (curl's default form type
        included); a form field named xml= is also accepted. The answer is 200
        with a RispostaSAD whose Esito/Codice says the outcome (00 ok, 01 not
        found, 02 several, 03 invalid request, 04 not allowed, 05 not resident,
        99 APR error); 400 when the body is not a SAD request at all, 413 when
        it is larger than 1 MiB, 503 when -max-inflight requests are running.
  ftp   The workstation uploads <IdRichiesta>.tmp into the upload directory,
        then renames it <IdRichiesta>.xml: the file MUST be named after the
        IdRichiesta inside it (1-30 characters A-Z a-z 0-9 _ -), or it is
        answered with Esito 03. The answer appears as <IdRichiesta>.xml in the
        download directory; the workstation deletes it after reading. Serve
        both directories with the comune's FTP daemon; keep -state outside
        them, on the same filesystem as -download.

Each request is logged on stderr (time, remote address, IdRichiesta,
operation, outcome or HTTP status, duration; no personal data).

Exit status: 0 after an interrupt (clean shutdown) or -h, 1 when a transport
or the database fails, 2 for a usage error.

Flags:
`

type config struct {
	httpAddr, path, upload, download, state, pair, register, db, dsn, mapping string
	latin1                                                                    bool
	poll                                                                      time.Duration
	maxConns, maxInFlight                                                     int
}

func parseFlags(args []string, stdout, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("apr-server", flag.ContinueOnError)
	var parseOut strings.Builder
	fs.SetOutput(&parseOut)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.httpAddr, "http", "127.0.0.1:8080", "http listen address (empty: no http)")
	fs.StringVar(&c.path, "path", "/sad", "http service path")
	fs.StringVar(&c.upload, "upload", "", "ftp upload directory to watch for requests (empty: no ftp spool)")
	fs.StringVar(&c.download, "download", "", "ftp download directory for responses (with -upload)")
	fs.StringVar(&c.state, "state", "", "spool state directory, outside the ftp root, same filesystem as -download (with -upload)")
	fs.StringVar(&c.pair, "pair", "S/N", "expatriation constants: S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO or 1/0")
	fs.BoolVar(&c.latin1, "latin1", false, "write ISO-8859-1 instead of UTF-8")
	fs.StringVar(&c.register, "register", "", "register file (a RispostaSAD listing the subjects); default: sad.SampleSubjects")
	fs.StringVar(&c.db, "db", "", "SQL register instead of the in-memory one: driver pgx (PostgreSQL) or sqlite")
	fs.StringVar(&c.dsn, "dsn", "", "data source name for -db, e.g. 'host=/var/run/postgresql dbname=apr' or 'file:apr.db'")
	fs.StringVar(&c.mapping, "mapping", "", "JSON mapping of the SQL register for -db (see sad/sqlregistry)")
	fs.DurationVar(&c.poll, "poll", 500*time.Millisecond, "spool polling interval")
	fs.IntVar(&c.maxConns, "max-conns", 256, "maximum open http connections (further clients wait in the kernel's backlog)")
	fs.IntVar(&c.maxInFlight, "max-inflight", 64, "maximum http requests answered at once (further ones get 503)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, parseOut.String())
			return nil, err
		}
		io.WriteString(stderr, parseOut.String())
		return nil, &usageError{}
	}
	switch {
	case fs.NArg() > 0:
		return nil, usagef("unexpected arguments %q: every input is a flag", fs.Args())
	case c.httpAddr == "" && c.upload == "":
		return nil, usagef("nothing to serve: give -http ADDR, or -upload DIR with -download and -state")
	case c.upload != "" && (c.download == "" || c.state == ""):
		return nil, usagef("-upload needs -download DIR and -state DIR")
	case c.upload == "" && (c.download != "" || c.state != ""):
		return nil, usagef("-download and -state need -upload DIR")
	case c.db != "" && (c.dsn == "" || c.mapping == ""):
		return nil, usagef("-db needs -dsn and -mapping")
	case c.db == "" && (c.dsn != "" || c.mapping != ""):
		return nil, usagef("-dsn and -mapping need -db pgx or -db sqlite")
	case c.db != "" && c.register != "":
		return nil, usagef("-register and -db exclude each other: one register")
	case c.poll <= 0:
		return nil, usagef("-poll %v: want a positive duration, e.g. 500ms", c.poll)
	case c.maxConns < 1:
		return nil, usagef("-max-conns %d: want at least 1", c.maxConns)
	case c.maxInFlight < 1:
		return nil, usagef("-max-inflight %d: want at least 1", c.maxInFlight)
	}
	switch strings.ToLower(c.db) {
	case "":
	case "pgx", "postgres", "postgresql":
		c.db = "pgx"
	case "sqlite", "sqlite3":
		c.db = "sqlite"
	default:
		return nil, usagef("-db %q: want pgx (PostgreSQL) or sqlite", c.db)
	}
	return c, nil
}

// openRegistry returns the register: in memory, or over SQL (with the
// database to close).
func openRegistry(ctx context.Context, c *config, stdout io.Writer) (sad.Registry, io.Closer, error) {
	if c.db == "" {
		subjects := sad.SampleSubjects()
		if c.register != "" {
			f, err := os.Open(c.register)
			if err != nil {
				return nil, nil, fmt.Errorf("-register: %w", err)
			}
			defer f.Close()
			// The register file is written with S/N whatever the wire pair is.
			list, err := sad.Codec{}.DecodeResponse(f)
			if err != nil {
				return nil, nil, fmt.Errorf("-register %s: %w", c.register, err)
			}
			subjects = list.Subjects
		}
		fmt.Fprintf(stdout, "register: %d subjects\n", len(subjects))
		return sad.NewMemoryRegistry(subjects), nil, nil
	}
	f, err := os.Open(c.mapping)
	if err != nil {
		return nil, nil, fmt.Errorf("-mapping: %w", err)
	}
	m, err := sqlregistry.DecodeMapping(f)
	f.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("-mapping %s: %w", c.mapping, err)
	}
	dsn := c.dsn
	if c.db == "sqlite" {
		dsn = sqliteDSN(dsn)
	}
	db, err := sql.Open(c.db, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("-db %s -dsn: %w", c.db, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("-db %s: connecting: %w", c.db, err)
	}
	reg, err := sqlregistry.Open(pctx, db, m)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	fmt.Fprintf(stdout, "register: SQL (%s) through %s\n", c.db, c.mapping)
	return reg, db, nil
}

// sqliteDSN adds what concurrent notices need in SQLite (see
// sad/sqlregistry): immediate transactions and a busy timeout.
func sqliteDSN(dsn string) string {
	add := func(p string) {
		if strings.Contains(dsn, "?") {
			dsn += "&" + p
		} else {
			dsn += "?" + p
		}
	}
	if !strings.Contains(dsn, "_txlock") {
		add("_txlock=immediate")
	}
	if !strings.Contains(dsn, "busy_timeout") {
		add("_pragma=busy_timeout(10000)")
	}
	return dsn
}

// run serves until ctx is done, then shuts down and returns nil. -h
// returns flag.ErrHelp after printing the usage on stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	pair, err := sad.ParsePair(c.pair)
	if err != nil {
		return usagef("-pair %q: want one of S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO, 1/0", c.pair)
	}
	d := sad.DefaultDialect()
	d.Espatrio = pair
	if c.latin1 {
		d.Charset = sad.Latin1
	}
	reg, closer, err := openRegistry(ctx, c, stdout)
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close()
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv := &sad.Server{Registry: reg, Codec: sad.Codec{Dialect: d}, Logger: logger, MaxInFlight: c.maxInFlight}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	running := 0
	var sp *sad.Spool
	if c.upload != "" {
		// The directories exist before anything is announced.
		sp = &sad.Spool{Server: srv, UploadDir: c.upload, DownloadDir: c.download, StateDir: c.state, PollInterval: c.poll}
		if err := sp.Prepare(); err != nil {
			return err
		}
	}
	if c.httpAddr != "" {
		l, err := net.Listen("tcp", c.httpAddr)
		if err != nil {
			return fmt.Errorf("-http %s: %w", c.httpAddr, err)
		}
		l = newLimitListener(l, c.maxConns)
		mux := http.NewServeMux()
		mux.Handle(c.path, srv)
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
		fmt.Fprintf(stdout, "http: listening on http://%s%s (at most %d connections, %d requests at once)\n", l.Addr(), c.path, c.maxConns, c.maxInFlight)
		running++
		go func() {
			err := hs.Serve(l)
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
		go func() {
			<-ctx.Done()
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			hs.Shutdown(sctx)
		}()
	}
	if sp != nil {
		fmt.Fprintf(stdout, "ftp: watching %s for <IdRichiesta>.xml, answering into %s\n", c.upload, c.download)
		running++
		go func() {
			err := sp.Run(ctx)
			if errors.Is(err, context.Canceled) {
				err = nil
			}
			errc <- err
		}()
	}
	var first error
	for range running {
		if err := <-errc; err != nil && first == nil {
			first = err
			cancel() // one transport failed: stop the other
		}
	}
	return first
}
