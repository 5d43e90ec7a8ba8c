// Command cie-tls authenticates to an HTTPS server with the citizen's CIE:
// the TLS client certificate is EF.CertCIE and the handshake signature is
// made by the card (ias.Signer), as "Entra con CIE" on a desktop does.
//
// It starts an HTTPS server on loopback that requires a client certificate
// issued by a given CA, then connects to it as a client with the CIE. With
// no flags everything is simulated in memory: the CIE (scard/cardsim), its
// test CA, the server:
//
//	go run ./examples/cie-tls
//
// -source pcsc-sim serves the simulated CIE to pcscd through vsmartcard's
// virtual reader and uses it through real PC/SC; -source pcsc uses a real
// CIE in a real reader. The PIN (8 digits) is read from the terminal
// without echo (or one line from stdin with -pin-stdin) and never printed.
// A real CIE's certificate is issued by the Ministry's CA, which this
// program does not ship: give its PEM with -client-ca, or -any-client-cert
// to have the server accept any certificate and print who it is.
//
//	go run ./examples/cie-tls -source pcsc -any-client-cert
//
// The card signs only RSA PKCS#1 v1.5, so the connection is TLS 1.2.
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

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
	Name: "cie-tls",
	Summary: `Starts an HTTPS server on loopback that requires a client certificate, then connects to it
with the citizen's CIE: the certificate is EF.CertCIE and the card signs the handshake.`,
	Inputs: `-source sim      a simulated CIE in memory and its test CA (the default; no hardware)
-source pcsc-sim  the simulated CIE served to the running pcscd through vsmartcard-vpcd
-source pcsc      a real CIE in a real PC/SC reader; give the Ministry CA with -client-ca,
                  or -any-client-cert. The PIN is read without echo and never printed.`,
	Examples: []string{
		"go run ./examples/cie-tls",
		"go run ./examples/cie-tls -source pcsc-sim",
		"go run ./examples/cie-tls -source pcsc -any-client-cert",
	},
	OK:      "the TLS handshake with the CIE succeeded and the server saw its certificate",
	Failure: "no card, wrong PIN, the server refused the certificate, ...",
}

func main() {
	cli.Main(command.Name, func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return run(ctx, args, os.Stdin, stdout, stderr)
	})
}

type config struct {
	source, reader, clientCA string
	anyCert, pinStdin        bool
	timeout                  time.Duration
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := command.FlagSet()
	var cfg config
	fs.StringVar(&cfg.source, "source", "sim", "sim (simulated CIE in memory), pcsc-sim (simulated CIE through pcscd and vsmartcard-vpcd) or pcsc (a real reader)")
	fs.StringVar(&cfg.reader, "reader", "", "PC/SC reader name (default: the first one)")
	fs.StringVar(&cfg.clientCA, "client-ca", "", "PEM file of the CA(s) the server accepts client certificates from (default with a simulated CIE: its test CA)")
	fs.BoolVar(&cfg.anyCert, "any-client-cert", false, "the server accepts any client certificate (and prints its subject)")
	fs.BoolVar(&cfg.pinStdin, "pin-stdin", false, "read the PIN as one line from stdin instead of the terminal (with a simulated CIE, default: its PIN)")
	fs.DurationVar(&cfg.timeout, "timeout", time.Minute, "give up after this long")
	if err := command.Parse(fs, args, stdout); err != nil {
		return err
	}
	if err := cli.Choice("source", cfg.source, "sim", "pcsc-sim", "pcsc"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()

	var (
		card    scard.Transmitter
		atr     []byte
		trusted *x509.CertPool
		pin     *scard.PIN
	)
	switch cfg.source {
	case "sim", "pcsc-sim":
		sim, err := cardsim.NewCIE(cardsim.CIEOptions{
			MRZ:     "C<ITACA00000AA4<<<<<<<<<<<<<<<6412308F3412307ITA<<<<<<<<<<<8ROSSI<<BIANCA<<<<<<<<<<<<<<<<<",
			CAN:     simCAN,
			KeyBits: 2048,
		})
		if err != nil {
			return err
		}
		card, atr, trusted = sim, sim.ATR(), sim.PKI().CSCAPool()
		if !cfg.pinStdin {
			p, _ := scard.NewPIN(cardsim.DefaultPIN)
			pin = &p
		}
		if cfg.source == "pcsc-sim" {
			b := vpcd.Start(ctx, vpcd.Reader0Addr, sim, nil)
			defer b.Close()
			if err := b.WaitConnected(ctx); err != nil {
				return fmt.Errorf("serving the simulated card to pcscd (is vsmartcard-vpcd installed and pcscd running?): %w", err)
			}
			if cfg.reader == "" {
				cfg.reader = "Virtual PCD 00 00"
			}
		}
	case "pcsc":
	default:
		return fmt.Errorf("unknown -source %q", cfg.source)
	}
	if cfg.clientCA != "" {
		pool, err := pemcert.LoadPool(cfg.clientCA)
		if err != nil {
			return err
		}
		trusted = pool
	}
	if trusted == nil && !cfg.anyCert {
		return errors.New("a real CIE needs -client-ca (the issuing CA's PEM) or -any-client-cert")
	}
	if cfg.source != "sim" {
		c, err := connect(ctx, cfg.reader, stdout)
		if err != nil {
			return err
		}
		defer c.close()
		card, atr = c.card, c.card.ATR()
	}
	if pin == nil {
		p, err := readPIN(stdin, stderr, cfg.pinStdin)
		if err != nil {
			return err
		}
		pin = &p
	}

	ic := ias.NewClient(scard.NewCard(card, scard.CardOptions{NoExtended: true}))
	if err := ic.OpenChannel(ctx, ias.ChannelOptions{ATR: atr}); err != nil {
		return fmt.Errorf("opening the IAS secure channel: %w", err)
	}
	defer ic.CloseChannel()
	signer, err := ic.NewSigner(ctx, *pin)
	if err != nil {
		return fmt.Errorf("verifying the PIN: %w", err)
	}
	fmt.Fprintf(stdout, "CIE certificate: %s (issuer %s)\n", signer.Certificate().Subject.CommonName, signer.Certificate().Issuer.CommonName)

	srv, addr, err := startServer(trusted, cfg.anyCert)
	if err != nil {
		return err
	}
	defer srv.Close()
	body, err := get(ctx, "https://"+addr+"/", signer.TLSCertificate(), srv.TLSConfig.Certificates[0].Leaf)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Server answered: %s", body)
	return nil
}

// startServer serves HTTPS on a loopback port, requiring a client
// certificate (verified against trusted, or any with anyCert), and answers
// with the client's name.
func startServer(trusted *x509.CertPool, anyCert bool) (*http.Server, string, error) {
	cert, err := selfSigned()
	if err != nil {
		return nil, "", err
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: trusted, MinVersion: tls.VersionTLS12}
	if anyCert {
		tc.ClientAuth = tls.RequireAnyClientCert
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{TLSConfig: tc, ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := r.TLS.PeerCertificates[0]
		fmt.Fprintf(w, "hello %s, authenticated with your CIE (TLS 1.%d)\n", c.Subject.CommonName, r.TLS.Version-tls.VersionTLS10)
	})}
	go srv.ServeTLS(ln, "", "")
	return srv, ln.Addr().String(), nil
}

// get fetches url presenting the CIE certificate; it trusts only the
// server's own certificate.
func get(ctx context.Context, url string, clientCert tls.Certificate, server *x509.Certificate) (string, error) {
	roots := x509.NewCertPool()
	roots.AddCert(server)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs:      roots,
		Certificates: []tls.Certificate{clientCert},
		// The card signs RSA PKCS#1 v1.5 only; TLS 1.3 needs RSA-PSS.
		MaxVersion: tls.VersionTLS12,
	}}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("TLS client authentication with the CIE: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return string(b), err
}

// selfSigned makes the loopback server's certificate.
func selfSigned() (tls.Certificate, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cie-tls loopback"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k, Leaf: leaf}, nil
}

// readPIN reads the PIN from the terminal without echo, or one line of
// stdin. It never prints it.
func readPIN(stdin io.Reader, prompt io.Writer, fromStdin bool) (scard.PIN, error) {
	var b []byte
	if f, ok := stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "CIE PIN (8 digits): ")
		var err error
		b, err = term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return scard.PIN{}, fmt.Errorf("reading the PIN: %v", err)
		}
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return scard.PIN{}, errors.New("reading the PIN: no input")
		}
		b = []byte(strings.TrimRight(line, "\r\n"))
	}
	defer clear(b)
	return scard.NewPIN(string(b))
}

type conn struct {
	pc   *pcsc.Context
	card *pcsc.Card
}

func (c *conn) close() {
	c.card.Close()
	c.pc.Close()
}

// connect opens PC/SC and connects to the reader (or the first one).
func connect(ctx context.Context, reader string, stdout io.Writer) (*conn, error) {
	pc, err := pcsc.Open()
	if err != nil {
		return nil, err
	}
	if reader == "" {
		readers, err := pc.Readers()
		if err != nil || len(readers) == 0 {
			pc.Close()
			return nil, fmt.Errorf("no reader: %v", err)
		}
		reader = readers[0]
	}
	fmt.Fprintf(stdout, "Waiting for a CIE in %q...\n", reader)
	if err := pc.WaitForCard(ctx, reader); err != nil {
		pc.Close()
		return nil, err
	}
	c, err := pc.Connect(ctx, reader, nil)
	if err != nil {
		pc.Close()
		return nil, err
	}
	return &conn{pc: pc, card: c}, nil
}

// simCAN is the CAN of the simulated CIE (not a secret of any real card).
var simCAN = func() emrtd.CAN {
	c, err := emrtd.NewCAN("123456")
	if err != nil {
		panic(err)
	}
	return c
}()
