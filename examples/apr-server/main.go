// Command apr-server is a reference APR (the comune's population register)
// for SAD 2.8: it answers the CIE workstation from a register of synthetic
// people (sad.SampleSubjects, or -register FILE) over both transports of the
// circulars:
//
//   - http: POST a RichiestaSAD to http://<addr><path>;
//   - ftp: the workstation uploads into a directory served by the comune's
//     FTP daemon; apr-server watches it (-upload) and answers into the
//     download directory (-download), crash-safely.
//
// Usage:
//
//	apr-server [-http 127.0.0.1:8080] [-path /sad] [-upload DIR -download DIR -state DIR] [-pair S/N] [-register FILE]
//
// It prints one line per transport it serves, then runs until interrupted.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ciekit/ciekit/sad"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "apr-server:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down and returns nil.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("apr-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	httpAddr := fs.String("http", "127.0.0.1:8080", "http listen address (empty: no http)")
	path := fs.String("path", "/sad", "http service path")
	upload := fs.String("upload", "", "ftp upload directory to watch for requests (empty: no ftp spool)")
	download := fs.String("download", "", "ftp download directory for responses")
	state := fs.String("state", "", "spool state directory, outside the ftp root, same filesystem as -download (required with -upload)")
	pairFlag := fs.String("pair", "S/N", "expatriation constants: S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO or 1/0")
	latin1 := fs.Bool("latin1", false, "write ISO-8859-1 instead of UTF-8")
	register := fs.String("register", "", "register file (a RispostaSAD listing the subjects); default: sad.SampleSubjects")
	poll := fs.Duration("poll", 500*time.Millisecond, "spool polling interval")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	pair, err := sad.ParsePair(*pairFlag)
	if err != nil {
		return err
	}
	d := sad.DefaultDialect()
	d.Espatrio = pair
	if *latin1 {
		d.Charset = sad.Latin1
	}
	codec := sad.Codec{Dialect: d}

	subjects := sad.SampleSubjects()
	if *register != "" {
		data, err := os.ReadFile(*register)
		if err != nil {
			return err
		}
		// The register file is written with S/N whatever the wire pair is.
		list, err := sad.Codec{}.DecodeResponse(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("loading the register: %w", err)
		}
		subjects = list.Subjects
	}
	srv := &sad.Server{Registry: sad.NewMemoryRegistry(subjects), Codec: codec}
	fmt.Fprintf(stdout, "register: %d subjects\n", len(subjects))

	if *httpAddr == "" && *upload == "" {
		return errors.New("nothing to serve: give -http or -upload and -download")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	running := 0

	if *httpAddr != "" {
		l, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle(*path, srv)
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
		fmt.Fprintf(stdout, "http: listening on http://%s%s\n", l.Addr(), *path)
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
	if *upload != "" {
		if *download == "" || *state == "" {
			return errors.New("-upload needs -download and -state")
		}
		sp := &sad.Spool{Server: srv, UploadDir: *upload, DownloadDir: *download, StateDir: *state, PollInterval: *poll}
		fmt.Fprintf(stdout, "ftp: watching %s, answering into %s\n", *upload, *download)
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
