package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/ftpsim"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/emrtd/cvc"
	"github.com/ciekit/ciekit/scard/ias"
	"github.com/ciekit/ciekit/scard/sco"
)

// errPoorPrints is the fingerprint step's failure after every retry.
var errPoorPrints = errors.New("no usable impression")

// Fingerprint capture policy of the workstation.
const (
	maxAttempts = 3  // captures per finger before giving up
	minQuality  = 40 // extractor finger quality, 0..100
	minMinutiae = 12 // fewer minutiae than this is a poor capture
)

// The workstation's installation: comune (ISTAT code and name), station ID,
// and the SAD endpoints of the in-process APR.
const (
	istatComune    = "015146"
	workstationID  = "PDL01"
	issuingComune  = "MILANO"
	issuingProv    = "MI"
	aprHTTPPath    = "/sad"
	ftpUploadDir   = "/upload"
	ftpDownloadDir = "/download"
)

// The two fingers the workstation asks for, one per hand.
var fingers = [2]biometric.FingerPosition{biometric.RightIndex, biometric.LeftIndex}

// workstation is the state of one issuance.
type workstation struct {
	opts *options
	out  *console
	rec  *record

	closers []func()

	// Simulated hardware and services.
	pki      *cardsim.PKI
	sco      *cardsim.SCO
	scoCli   *sco.Client
	registry *sad.MemoryRegistry
	sadCli   *sad.Client
	sampleCF map[string]cie.CodiceFiscale
	aprURL   string
	aprStop  func() // takes the APR down

	// Results carried from step to step.
	cf        cie.CodiceFiscale
	subject   *sad.Subject
	holder    cie.Person
	templates [2][]byte
	fingerIR  [2][]byte // the captures as ISO/IEC 19794-4 WSQ records (DG3)
	prints    bool      // fingerprints taken
	card      *cie.Card
	mrz       *cie.MRZ
	photo     []byte      // the JPEG 2000 portrait (DG2)
	photoImg  image.Image // the portrait as drawn
	eac       *cardsim.EACPKI
	chip      *cardsim.CIE
	nis       string
}

func (ws *workstation) close() {
	for _, f := range slices.Backward(ws.closers) {
		f()
	}
}

// flow runs the seven steps, stopping at the first failure.
func (ws *workstation) flow(ctx context.Context) error {
	start := time.Now()
	// Key generation takes a moment (about a second at 2048 bits on a
	// quiet machine): say what is happening before it starts.
	ws.out.printf("· generating the simulated PKI and operator card (RSA-%d keys, seed %d)...\n", ws.opts.keyBits, ws.opts.seed)
	if err := ws.setup(ctx); err != nil {
		return fmt.Errorf("setting up the simulated hardware: %w", err)
	}
	ready := "· simulated SCO, barcode reader, scanner and CIE reader ready; APR at " + ws.aprURL
	if ws.out.timings {
		ready += " (" + durationText(time.Since(start)) + ", mostly key generation)"
	}
	ws.out.printf("%s\n", ready)
	for i, f := range []func(context.Context, *stepRecord) error{
		ws.login, ws.readBarcode, ws.lookup, ws.fingerprints, ws.validity, ws.personalise, ws.readBack,
	} {
		if err := ws.do(ctx, i+1, f); err != nil {
			if ws.rec.Notice != nil {
				// The APR already recorded the card: cancel the issuance.
				ws.cancelIssuance(ctx)
			}
			return err
		}
	}
	return nil
}

// cancelIssuance sends the cancellation notice ("Annullamento emissione")
// for a card the APR recorded but that failed its verification.
func (ws *workstation) cancelIssuance(ctx context.Context) {
	number := ws.card.Document.Number.String()
	resp, err := ws.sadCli.NotifyCancelled(ctx, sad.CardData{
		CodiceFiscale: ws.cf.String(),
		APRID:         ws.subject.APRID,
		Number:        number,
		EventDate:     ws.opts.issue,
		Reason:        "VERIFICA DELLA CARTA NON SUPERATA",
	})
	if err != nil {
		ws.out.printf("✗ cancellation notice to the APR failed: %v\n", err)
		ws.rec.Cancellation = &noticeRecord{Error: err.Error()}
		return
	}
	rec, ok := ws.registry.Card(number)
	recorded := ok && rec.State == sad.OpCancel
	ws.out.printf("↺ issuance of card %s cancelled in the APR (SAD %s cancellation notice %s: outcome %s; ledger updated: %s)\n",
		number, ws.opts.transport, resp.ID, resp.Outcome.Code, yesNo(recorded, "yes", "no"))
	ws.rec.Cancellation = &noticeRecord{RequestID: resp.ID, Outcome: resp.Outcome.Code.String()}
}

// do runs step n, reports it and records it.
func (ws *workstation) do(ctx context.Context, n int, f func(context.Context, *stepRecord) error) error {
	name := stepNames[n-1]
	sr := stepRecord{N: n, Name: name}
	start := time.Now()
	err := ctx.Err()
	if err == nil {
		err = f(ctx, &sr)
	}
	d := time.Since(start)
	if !ws.opts.reproducible {
		sr.Millis = float64(d.Microseconds()) / 1000
	}
	mark := "✓"
	if err != nil {
		mark = "✗"
		sr.Error = err.Error()
	}
	sr.OK = err == nil
	head := fmt.Sprintf("%s %d/7 %s", mark, n, name)
	if ws.out.timings {
		head = fmt.Sprintf("%-32s %10s", head, durationText(d))
	}
	ws.out.printf("%s\n", head)
	for _, l := range sr.Details {
		ws.out.detail("%s", l)
	}
	if err != nil {
		ws.out.detail("error: %v", err)
	}
	ws.rec.Steps = append(ws.rec.Steps, sr)
	if err != nil {
		return &stepError{N: n, Name: name, Err: err}
	}
	return nil
}

// setup builds the simulated hardware and starts the in-process APR.
func (ws *workstation) setup(ctx context.Context) error {
	o := ws.opts
	rnd := cardsim.DeterministicRand(o.seed)
	pki, err := cardsim.NewPKI(cardsim.PKIOptions{Rand: rnd, KeyBits: o.keyBits})
	if err != nil {
		return err
	}
	ws.pki = pki

	// The operator card. The PKI's CSCA stands in for the Ministry's CA too.
	opCF, err := operatorCodiceFiscale()
	if err != nil {
		return err
	}
	master, err := sco.NewMasterPassword(defaultMasterPassword)
	if err != nil {
		return err
	}
	scfg := cardsim.SCOOptions{
		MasterPassword: master,
		Operator:       opCF.String(),
		OperatorName:   "NERI ROBERTA",
		Serial:         fmt.Sprintf("SCO%08d", o.seed%100000000),
		KeyBits:        o.keyBits,
		PKI:            pki,
		Rand:           rnd,
	}
	if o.sco != "new" {
		if scfg.PIN, err = scard.NewPIN(defaultPIN); err != nil {
			return err
		}
		scfg.Sede = defaultSede
	}
	if ws.sco, err = cardsim.NewSCO(scfg); err != nil {
		return err
	}
	if o.sco == "blocked" {
		// Three wrong PINs typed earlier in the day.
		cli := sco.NewClient(scard.NewCard(ws.sco, scard.CardOptions{}))
		if err := cli.Select(ctx); err != nil {
			return err
		}
		wrong, _ := scard.NewPIN("00000000")
		for range cardsim.SCOPINTries {
			_ = cli.Login(ctx, wrong)
		}
		ws.sco.Reset()
	}

	// The APR.
	subjects := sad.SampleSubjects()
	cfs, err := sampleCitizens(subjects, o.issue)
	if err != nil {
		return err
	}
	ws.sampleCF = cfs
	ws.registry = sad.NewMemoryRegistry(subjects)
	ccfg := sad.Config{
		Comune:      istatComune,
		Workstation: workstationID,
		Operator:    opCF.String(),
		Timeout:     5 * time.Second,
	}
	if o.reproducible {
		// A clock that starts at 09:00 on the issue date and ticks 1 s per reading.
		t := o.issue.Add(9 * time.Hour)
		var mu sync.Mutex
		ccfg.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			t = t.Add(time.Second)
			return t
		}
	}
	srv := &sad.Server{Registry: ws.registry}
	switch o.transport {
	case "http":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := l.Addr().(*net.TCPAddr)
		ccfg.Host, ccfg.Port, ccfg.Path = addr.IP.String(), addr.Port, aprHTTPPath
		if o.aprDown {
			l.Close() // nothing listens there any more
			break
		}
		mux := http.NewServeMux()
		mux.Handle(aprHTTPPath, srv)
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go hs.Serve(l)
		ws.aprStop = func() { hs.Close() }
		ws.closers = append(ws.closers, ws.aprStop)
	case "ftp":
		// The comune's ftp area (upload and download directories) and,
		// outside it, the spool's state directory.
		tmp, err := os.MkdirTemp("", "ciekit-workstation-")
		if err != nil {
			return err
		}
		ws.closers = append(ws.closers, func() { os.RemoveAll(tmp) })
		root := filepath.Join(tmp, "ftp")
		up, down := filepath.Join(root, "upload"), filepath.Join(root, "download")
		for _, d := range []string{root, up, down} {
			if err := os.Mkdir(d, 0o755); err != nil {
				return err
			}
		}
		ccfg.Transport = sad.FTP
		ccfg.UploadDir, ccfg.DownloadDir = ftpUploadDir, ftpDownloadDir
		ccfg.PollInterval = 20 * time.Millisecond
		if o.aprDown {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			addr := l.Addr().(*net.TCPAddr)
			ccfg.Host, ccfg.Port = addr.IP.String(), addr.Port
			l.Close() // nothing listens there any more
			break
		}
		fsrv, err := ftpsim.NewServer(root)
		if err != nil {
			return err
		}
		ws.aprStop = func() { fsrv.Close() }
		ws.closers = append(ws.closers, ws.aprStop)
		ccfg.Host, ccfg.Port = "127.0.0.1", fsrv.Port()
		spool := &sad.Spool{Server: srv, UploadDir: up, DownloadDir: down, StateDir: filepath.Join(tmp, "state"),
			PollInterval: 10 * time.Millisecond, Workers: 1, NoSync: true}
		sctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); spool.Run(sctx) }()
		ws.closers = append(ws.closers, func() { cancel(); <-done })
	}
	if ws.sadCli, err = sad.NewClient(ccfg); err != nil {
		return err
	}
	ws.aprURL = ws.sadCli.URL()
	if o.transport == "ftp" {
		ws.aprURL = fmt.Sprintf("ftp://%s:%d%s (spool answering into %s)", ccfg.Host, ccfg.Port, ftpUploadDir, ftpDownloadDir)
	}
	if o.aprDown {
		ws.aprURL += ", which is down"
	}
	return nil
}

// operatorCodiceFiscale is the synthetic operator's codice fiscale.
func operatorCodiceFiscale() (cie.CodiceFiscale, error) {
	birth := date(1975, time.March, 1)
	milano, err := cie.LookupPlace(residenceComune, birth)
	if err != nil {
		return "", err
	}
	return cie.ComputeCodiceFiscale(cie.Person{Surname: "NERI", GivenNames: "ROBERTA", Sex: cie.SexFemale, BirthDate: birth, BirthPlace: milano})
}

// Step 1: the operator logs in with the SCO.
func (ws *workstation) login(ctx context.Context, sr *stepRecord) error {
	ws.scoCli = sco.NewClient(scard.NewCard(ws.sco, scard.CardOptions{}))
	if err := ws.scoCli.Select(ctx); err != nil {
		return fmt.Errorf("selecting the SCO application: %w", err)
	}
	info, err := ws.scoCli.Info(ctx)
	if err != nil {
		return fmt.Errorf("reading the card information: %w", err)
	}
	sr.add("operator card %s, state %s", info.Serial, scoState(info.State))
	pin, err := scard.NewPIN(ws.opts.pin)
	if err != nil {
		return fmt.Errorf("operator PIN: %w", err)
	}
	if info.State == sco.Issued {
		so, err := sco.NewMasterPassword(ws.opts.master)
		if err != nil {
			return fmt.Errorf("master password: %w", err)
		}
		if err := ws.scoCli.Activate(ctx, so, pin); err != nil {
			return fmt.Errorf("activation by the Security Officer: %w", &pinFailure{err})
		}
		if err := ws.scoCli.AssociateSede(ctx, so, defaultSede); err != nil {
			return fmt.Errorf("association to the sede: %w", err)
		}
		sr.add("activated by the Security Officer (master password), operator PIN set, sede %s", defaultSede)
	}
	err = ws.scoCli.Login(ctx, pin)
	if errors.Is(err, scard.ErrAuthBlocked) && ws.opts.unblock {
		// The Security Officer resets the blocked PIN with the master
		// password (the same RESET RETRY COUNTER that activates a new card).
		so, serr := sco.NewMasterPassword(ws.opts.master)
		if serr != nil {
			return fmt.Errorf("master password: %w", serr)
		}
		if serr := ws.scoCli.Activate(ctx, so, pin); serr != nil {
			return fmt.Errorf("unblocking by the Security Officer: %w", &pinFailure{serr})
		}
		sr.add("PIN was blocked: reset by the Security Officer (master password)")
		err = ws.scoCli.Login(ctx, pin)
	}
	if err != nil {
		if errors.Is(err, scard.ErrAuthBlocked) || errors.Is(err, scard.ErrWrongPIN) {
			return &pinFailure{err}
		}
		return fmt.Errorf("verifying the PIN: %w", err)
	}
	if info, err = ws.scoCli.Info(ctx); err != nil {
		return fmt.Errorf("reading the card information: %w", err)
	}
	cert, err := ws.scoCli.Certificate(ctx, sco.KeySignature)
	if err != nil {
		return fmt.Errorf("reading the signature certificate: %w", err)
	}
	if _, err := cert.Verify(x509Opts(ws.pki, ws.opts.issue)); err != nil {
		return fmt.Errorf("operator certificate: %w", err)
	}
	sr.add("operator %s logged in at sede %s (certificate %q verified)", info.Operator, info.Sede, cert.Subject.CommonName)
	ws.rec.Operator = &operatorRecord{Card: info.Serial, Operator: info.Operator, Sede: info.Sede, Activated: ws.opts.sco == "new"}
	return nil
}

func scoState(s sco.State) string {
	switch s {
	case sco.Issued:
		return "new (issued, not activated)"
	case sco.Active:
		return "active"
	case sco.Revoked:
		return "revoked"
	}
	return fmt.Sprintf("unknown (%d)", s)
}

// Step 2: the barcode reader delivers the Tessera Sanitaria's Code 39.
func (ws *workstation) readBarcode(ctx context.Context, sr *stepRecord) error {
	payload := ws.opts.barcodeText
	if payload == "" {
		cf := ws.opts.citizen
		if c, ok := ws.sampleCF[cf]; ok {
			cf = c.String()
		}
		payload = "*" + cf + "*\r\n" // Code 39 start/stop and the keyboard wedge's CR LF
	}
	reader := barcodeReader{payload: payload}
	raw, err := reader.Read(ctx)
	if err != nil {
		return err
	}
	sr.add("barcode reader: %d bytes (Code 39 with start/stop and CR LF)", len(raw))
	cf, err := cie.ParseCodiceFiscaleBarcode(raw)
	if err != nil {
		return fmt.Errorf("codice fiscale from the barcode: %w", err)
	}
	ws.cf = cf
	sr.add("codice fiscale %s: well formed, check character valid", cf)
	ws.rec.CodiceFiscale = cf.String()
	return nil
}

// barcodeReader is a simulated keyboard-wedge barcode reader: it "types"
// one payload.
type barcodeReader struct{ payload string }

// Read waits for the scan (immediate here) and returns the raw text.
func (r barcodeReader) Read(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return r.payload, nil
}

// Step 3: the citizen's data from the APR over SAD, checked.
func (ws *workstation) lookup(ctx context.Context, sr *stepRecord) error {
	resp, err := ws.sadCli.Lookup(ctx, sad.Query{CodiceFiscale: ws.cf.String()})
	if err != nil {
		if errors.Is(err, sad.ErrUnknownPerson) {
			return fmt.Errorf("the APR does not know codice fiscale %s: %w", ws.cf, err)
		}
		return fmt.Errorf("querying the APR over %s: %w", ws.opts.transport, err)
	}
	if len(resp.Subjects) != 1 {
		return fmt.Errorf("the APR returned %d subjects for one codice fiscale", len(resp.Subjects))
	}
	s := &resp.Subjects[0]
	ws.subject = s
	sr.add("SAD %s lookup %s: outcome %s", ws.opts.transport, resp.ID, resp.Outcome.Code)
	if s.CodiceFiscale != ws.cf.String() {
		return errors.New("the APR answered with another codice fiscale")
	}
	p, err := s.Person()
	if err != nil {
		return fmt.Errorf("APR data: %w", err)
	}
	if err := ws.cf.Check(p); err != nil {
		return fmt.Errorf("codice fiscale against the APR data: %w", err)
	}
	ws.holder = p
	ws.holder.CodiceFiscale = ws.cf
	age := p.Age(ws.opts.issue)
	sr.add("%s %s, sex %s, born %s in %s, age %d", p.Surname, p.GivenNames, string(p.Sex), p.BirthDate.Format("02.01.2006"), placeText(p.BirthPlace), age)
	sr.add("citizenship %s; resident in %s", p.Citizenship, residenceText(s))
	sr.add("codice fiscale matches surname, name, sex, birth date and place")
	if d := s.Document; d != nil {
		sr.add("current document %s (%s) %s", d.Number, strings.ToLower(d.Type), documentStatus(d.ExpiryDate, ws.opts.issue))
	}
	if v := s.ValidForTravel; v != nil {
		sr.add("APR records the current validity for travel as %s (for the operator; the rules of step 5 decide)", yesNo(*v, "valid", "not valid"))
	}
	h := &holderRecord{
		APRID: s.APRID, Surname: p.Surname, GivenNames: p.GivenNames, Sex: string(p.Sex),
		BirthDate: p.BirthDate.Format(time.DateOnly), BirthPlace: p.BirthPlace.Code, Citizenship: p.Citizenship, Age: age,
	}
	if s.Parents != nil {
		for _, par := range []*sad.Parent{s.Parents.Father, s.Parents.Mother} {
			if par != nil {
				h.Parents = append(h.Parents, par.Surname+" "+par.GivenNames)
			}
		}
		sr.add("parents: %s", strings.Join(h.Parents, ", "))
	}
	ws.rec.Holder = h
	return nil
}

// documentStatus describes the validity of the citizen's current document
// on date at: expired (and since when), in its renewal window, or valid.
func documentStatus(expiry, at time.Time) string {
	exp := expiry.Format("02.01.2006")
	y1, m1, d1 := expiry.Date()
	y2, m2, d2 := at.Date()
	e, a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC), time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	days := int(a.Sub(e).Hours() / 24)
	switch {
	case days > 0:
		return fmt.Sprintf("expired on %s, %s ago: to be replaced", exp, daysText(days))
	case days == 0:
		return fmt.Sprintf("expires today (%s): to be replaced", exp)
	case cie.RenewalOpen(expiry, at):
		return fmt.Sprintf("expires %s, in %s: renewal window open (from %d days before expiry)", exp, daysText(-days), cie.RenewalWindow)
	}
	return fmt.Sprintf("valid until %s: renewal window not open yet (it opens %d days before expiry)", exp, cie.RenewalWindow)
}

// daysText renders a number of days, in months or years when long.
func daysText(n int) string {
	switch {
	case n == 1:
		return "1 day"
	case n < 60:
		return fmt.Sprintf("%d days", n)
	case n < 730:
		return fmt.Sprintf("%d days (about %d months)", n, (n+15)/30)
	}
	return fmt.Sprintf("%d days (about %d years)", n, (n+182)/365)
}

func placeText(p cie.Place) string {
	if p.Foreign {
		return fmt.Sprintf("%s (%s)", p.Name, p.Code)
	}
	return fmt.Sprintf("%s (%s, %s)", p.Name, p.Province, p.Code)
}

func residenceText(s *sad.Subject) string {
	if s.Residence == nil {
		return "unknown"
	}
	return s.Residence.Address + ", " + s.Residence.Comune.Description
}

// Step 4: two fingerprints, one per hand.
func (ws *workstation) fingerprints(ctx context.Context, sr *stepRecord) error {
	birth := ws.holder.BirthDate
	if !cie.FingerprintsRequired(birth, ws.opts.issue) {
		sr.add("not required: the holder is under %d (exempt)", cie.FingerprintAge)
		ws.rec.Fingerprints = &fingerprintRecord{Exempt: true}
		return nil
	}
	if ws.opts.noPrints {
		sr.add("declared impossible by the operator: the card will be valid 12 months")
		ws.rec.Fingerprints = &fingerprintRecord{Impossible: true}
		return nil
	}
	scanner := scansim.New(scansim.Options{Seed: ws.opts.seed, Script: scansim.PoorFirst(ws.opts.poor)})
	defer scanner.Close()
	var ex biometric.Extractor
	fr := &fingerprintRecord{}
	ws.rec.Fingerprints = fr
	for i, pos := range fingers {
		t, c, attempts, err := captureFinger(ctx, scanner, &ex, pos, sr)
		if err != nil {
			return err
		}
		t.Finger = pos
		iso, err := t.MarshalISO()
		if err != nil {
			return fmt.Errorf("encoding the %s template: %w", fingerName(pos), err)
		}
		ws.templates[i] = iso
		if ws.fingerIR[i], err = fingerImageRecord(pos, c.Image, c.Resolution); err != nil {
			return err
		}
		fr.Fingers = append(fr.Fingers, fingerRecord{
			Finger: fingerName(pos), Attempts: attempts, Quality: int(t.Quality), Minutiae: len(t.Minutiae),
			TemplateBytes: len(iso), TemplateSHA256: fmt.Sprintf("%x", sha256.Sum256(iso)),
		})
	}
	ws.prints = true
	return nil
}

// captureFinger captures one finger until the impression and its template
// are good enough, at most maxAttempts times.
func captureFinger(ctx context.Context, sc biometric.Scanner, ex *biometric.Extractor, pos biometric.FingerPosition, sr *stepRecord) (biometric.Template, *biometric.Capture, int, error) {
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		c, err := sc.Capture(ctx, pos)
		if err != nil {
			return biometric.Template{}, c, attempt, fmt.Errorf("capturing the %s: %w", fingerName(pos), err)
		}
		if !c.Feedback.OK() {
			sr.add("%s, attempt %d: scanner says %s, retry", fingerName(pos), attempt, c.Feedback)
			continue
		}
		ex.Options.Resolution = c.Resolution
		t, err := ex.ExtractTemplate(c.Image)
		if err != nil {
			return biometric.Template{}, c, attempt, fmt.Errorf("extracting the %s: %w", fingerName(pos), err)
		}
		if t.Quality < minQuality || len(t.Minutiae) < minMinutiae {
			sr.add("%s, attempt %d: quality %d, %d minutiae: too poor, retry", fingerName(pos), attempt, t.Quality, len(t.Minutiae))
			continue
		}
		sr.add("%s, attempt %d: quality %d, %d minutiae, ISO/IEC 19794-2 template", fingerName(pos), attempt, t.Quality, len(t.Minutiae))
		return t, c, attempt, nil
	}
	return biometric.Template{}, nil, maxAttempts, fmt.Errorf("%s: %w in %d attempts (if taking fingerprints is impossible, use -no-fingerprints)", fingerName(pos), errPoorPrints, maxAttempts)
}

func fingerName(p biometric.FingerPosition) string {
	switch p {
	case biometric.RightIndex:
		return "right index"
	case biometric.LeftIndex:
		return "left index"
	}
	return fmt.Sprintf("finger %d", p)
}

// Step 5: expiry, espatrio, the card and its MRZ.
func (ws *workstation) validity(ctx context.Context, sr *stepRecord) error {
	o, p := ws.opts, ws.holder
	expiry, err := cie.Expiry(p.BirthDate, o.issue, cie.ExpiryOptions{NoFingerprints: o.noPrints && cie.FingerprintsRequired(p.BirthDate, o.issue)})
	if err != nil {
		return fmt.Errorf("computing the expiry: %w", err)
	}
	req := cie.EspatrioRequest{Declaration: o.consent, ParentsConsent: o.consent}
	travel, err := cie.EspatrioEligible(p, o.issue, req)
	if err != nil {
		return fmt.Errorf("deciding the validity for travel: %w", err)
	}
	why := ""
	switch {
	case !p.Italian():
		why = "foreign citizen: never valid for travel"
	case p.Minor(o.issue) && o.consent == cie.ConsentGiven:
		why = "minor: both parents consented"
	case p.Minor(o.issue):
		why = "minor: no consent of the parents"
	case o.consent == cie.ConsentGiven:
		why = "adult: declaration of no impediments signed"
	default:
		why = "adult: declaration not signed"
	}
	rnd := rand.New(rand.NewPCG(o.seed, 0x5eed))
	number, err := cie.ParseCardNumber(fmt.Sprintf("CA%05d%c%c", rnd.IntN(100000), 'A'+rune(rnd.IntN(26)), 'A'+rune(rnd.IntN(26))))
	if err != nil {
		return err
	}
	card := &cie.Card{
		Holder: p,
		Document: cie.Document{
			Number:         number,
			IssueDate:      o.issue,
			ExpiryDate:     expiry,
			IssuingComune:  issuingComune,
			ValidForTravel: travel,
			CAN:            fmt.Sprintf("%06d", rnd.IntN(1000000)),
		},
		FingerprintsTaken: ws.prints,
	}
	if r := ws.subject.Residence; r != nil {
		card.Residence = cie.Address{Street: r.Address, PostalCode: r.PostCode, Comune: r.Comune.Description, Province: r.Comune.Province}
	}
	if s := ws.subject.Parents; s != nil && p.Minor(o.issue) {
		if s.Father != nil {
			card.Parents = append(card.Parents, cie.Parent{Surname: s.Father.Surname, GivenNames: s.Father.GivenNames, Role: cie.ParentFather})
		}
		if s.Mother != nil {
			card.Parents = append(card.Parents, cie.Parent{Surname: s.Mother.Surname, GivenNames: s.Mother.GivenNames, Role: cie.ParentMother})
		}
	}
	if err := card.Validate(o.issue); err != nil {
		return fmt.Errorf("validating the card: %w", err)
	}
	m, err := cie.EncodeMRZ(card, cie.MRZOptions{})
	if err != nil {
		return fmt.Errorf("encoding the MRZ: %w", err)
	}
	lines, err := m.Lines()
	if err != nil {
		return fmt.Errorf("rendering the MRZ: %w", err)
	}
	ws.card, ws.mrz = card, m
	term := "by age band"
	if o.noPrints && cie.FingerprintsRequired(p.BirthDate, o.issue) {
		term = "12 months, fingerprints impossible"
	}
	sr.add("card %s, CAN %s, expires %s (%s)", number, card.Document.CAN, expiry.Format("02.01.2006"), term)
	if travel {
		sr.add("valid for travel abroad (%s)", why)
	} else {
		sr.add("NON VALIDA PER L'ESPATRIO (%s)", why)
	}
	for _, l := range lines {
		sr.add("MRZ  %s", l)
	}
	fees := cie.FeeSchedule{MunicipalFixed: 516, Secretariat: 26} // a typical comune's rights
	sr.add("fees: State %s EUR (13.76 + 22%% VAT), total to pay %s EUR", fees.StateFee(), fees.Total(cie.IssueFirst))
	ws.rec.Document = &documentRecord{
		Number: number.String(), CAN: card.Document.CAN, IssueDate: o.issue.Format(time.DateOnly),
		ExpiryDate: expiry.Format(time.DateOnly), ValidForTravel: travel, TravelReason: why,
		IssuingComune: issuingComune, MRZ: lines[:], FeeTotal: fees.Total(cie.IssueFirst).String(),
	}
	return nil
}

// Step 6: personalise the chip, sign the issuance, notify the APR.
func (ws *workstation) personalise(ctx context.Context, sr *stepRecord) error {
	o := ws.opts
	img, photo, err := passportPhoto(o.seed)
	if err != nil {
		return err
	}
	ws.photo, ws.photoImg = photo, img
	// The Italian CVCA of the test EAC PKI: the chip trusts it, and the
	// workstation is issued an inspection-system certificate under it.
	if ws.eac, err = cardsim.NewEACPKI(cardsim.EACPKIOptions{Rand: cardsim.DeterministicRand(o.seed + 4), Date: o.issue.AddDate(-1, 0, 0)}); err != nil {
		return err
	}
	ws.nis = fmt.Sprintf("%012d", rand.New(rand.NewPCG(o.seed, 0x415)).Uint64()%1_000_000_000_000)
	cfg := cardsim.CIEOptions{
		Card:        ws.card,
		Photo:       ws.photo,
		PhotoType:   emrtd.ImageJPEG2000,
		PhotoWidth:  photoW,
		PhotoHeight: photoH,
		NIS:         ws.nis,
		PKI:         ws.pki,
		KeyBits:     o.keyBits,
		Rand:        cardsim.DeterministicRand(o.seed + 1),
		CVCA:        [][]byte{ws.eac.CVCA},
	}
	if ws.prints {
		cfg.Fingerprints = ws.fingerIR
	}
	chip, err := cardsim.NewCIE(cfg)
	if err != nil {
		return fmt.Errorf("personalising the chip: %w", err)
	}
	ws.chip = chip
	groups := fmt.Sprintf("DG1 (MRZ), DG2 (%dx%d JPEG 2000 face, %d bytes), DG11, DG12, DG14", photoW, photoH, len(chip.DataGroup(2)))
	if ws.prints {
		groups = fmt.Sprintf("DG1 (MRZ), DG2 (%dx%d JPEG 2000 face, %d bytes), DG3 (2 WSQ finger images, %d bytes), DG11, DG12, DG14", photoW, photoH, len(chip.DataGroup(2)), len(chip.DataGroup(3)))
	}
	sr.add("chip personalised: %s; EF.SOD signed by the document signer", groups)

	// The operator signs the issuance request with the SCO.
	digest := sha256.Sum256([]byte(strings.Join([]string{ws.card.Document.Number.String(), ws.cf.String(), ws.mrz.String()}, "\n")))
	sig, err := ws.scoCli.Sign(ctx, sco.KeySignature, digest[:], crypto.SHA256)
	if err != nil {
		return fmt.Errorf("signing the issuance with the SCO: %w", err)
	}
	cert, err := ws.scoCli.Certificate(ctx, sco.KeySignature)
	if err != nil {
		return err
	}
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok {
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			return fmt.Errorf("the SCO signature does not verify: %w", err)
		}
	}
	sr.add("issuance signed by the operator card (%d-byte signature, verified)", len(sig))

	// The issued-card notice.
	if o.aprDropAfter {
		ws.aprStop() // -apr down-after-lookup
	}
	d := ws.card.Document
	cd := sad.CardData{
		CodiceFiscale:  ws.cf.String(),
		APRID:          ws.subject.APRID,
		Number:         d.Number.String(),
		IssueDate:      d.IssueDate,
		ExpiryDate:     d.ExpiryDate,
		ValidForTravel: sad.Bool(d.ValidForTravel),
		IssuingComune:  &sad.Place{IstatCode: istatComune, Description: issuingComune, Province: issuingProv},
		Height:         ws.card.Height,
	}
	resp, err := ws.sadCli.NotifyIssued(ctx, cd)
	if err != nil {
		return fmt.Errorf("sending the issued-card notice to the APR: %w", err)
	}
	rec, ok := ws.registry.Card(d.Number.String())
	if !ok || rec.CodiceFiscale != ws.cf.String() || !rec.ExpiryDate.Equal(d.ExpiryDate) {
		return errors.New("the APR acknowledged the notice but did not record the card")
	}
	sr.add("SAD %s issued-card notice %s: outcome %s; the APR recorded card %s", o.transport, resp.ID, resp.Outcome.Code, rec.Number)
	ws.rec.Notice = &noticeRecord{RequestID: resp.ID, Outcome: resp.Outcome.Code.String()}
	return nil
}

// Step 7: read the new card back and compare it with what was sent.
func (ws *workstation) readBack(ctx context.Context, sr *stepRecord) error {
	o := ws.opts
	var mismatches []string
	check := func(field string, ok bool) {
		if !ok {
			mismatches = append(mismatches, field)
		}
	}
	if o.forge {
		// -forge: the chip comes back from personalisation with DG11
		// replaced and EF.SOD not re-signed, as a forged chip would.
		forged := cardsim.DG11From(ws.card)
		forged.FullName = "FALSARI<<FALSO"
		if err := ws.chip.SetDataGroup(11, forged.Marshal()); err != nil {
			return err
		}
	}
	ws.chip.Reset()
	card := scard.NewCard(ws.chip, scard.CardOptions{Rand: cardsim.DeterministicRand(o.seed + 2)})
	can, err := emrtd.NewCAN(ws.card.Document.CAN)
	if err != nil {
		return err
	}
	// Before terminal authentication the chip refuses DG3, as a real CIE.
	pre, err := emrtd.Read(ctx, card, emrtd.ReadOptions{CAN: can, ChipAuthentication: true, DataGroups: []int{3}})
	var se *scard.StatusError
	if pre != nil || !errors.As(err, &se) || se.SW != scard.SWSecurityStatusNotSatisfied {
		return fmt.Errorf("DG3 read without terminal authentication: got %v, want status 6982", err)
	}
	sr.add("DG3 without terminal authentication: refused by the chip (%04X)", se.SW)
	// The workstation's inspection-system certificate, issued by the
	// domestic DV under the CVCA the chip trusts, with the DG3 right; its
	// key signs the chip's challenge (it could live in an HSM or the SCO:
	// TAOptions.Signer is a crypto.Signer).
	chain, isKey, err := ws.eac.IssueIS("WS00001", cvc.ReadDG3, o.issue, 30)
	if err != nil {
		return err
	}
	e, err := emrtd.Read(ctx, card, emrtd.ReadOptions{CAN: can, Terminal: &emrtd.TAOptions{Certificates: chain, Signer: isKey}})
	if err != nil {
		return fmt.Errorf("reading the eMRTD application: %w", err)
	}
	sr.add("%s with the CAN, chip authentication %s, terminal authentication %s (IS certificate ITWS00001, DG3 right); read %s", e.Access, yesNo(e.ChipAuthenticated, "passed", "not done"), yesNo(e.TerminalAuthenticated, "passed", "not done"), dgList(e.DataGroupNumbers()))
	pa, err := e.Verify(emrtd.PAOptions{CSCA: ws.pki.CSCAPool(), CurrentTime: o.issue})
	if err != nil {
		return fmt.Errorf("passive authentication: %w", err)
	}
	sr.add("passive authentication: EF.SOD signed by %q, chain to the CSCA verified, hashes of %s match", pa.Signer.Subject.CommonName, dgList(pa.Verified))

	m, err := e.MRZ()
	if err != nil {
		return fmt.Errorf("decoding DG1: %w", err)
	}
	check("MRZ", m.String() == ws.mrz.String())
	check("MRZ against the card", m.CheckCard(ws.card, cie.MRZOptions{}) == nil)
	dg11, err := e.DG11()
	if err != nil {
		return fmt.Errorf("decoding DG11: %w", err)
	}
	check("DG11 surname", dg11.Surname() == strings.ToUpper(ws.holder.Surname))
	check("DG11 given names", dg11.GivenNames() == strings.ToUpper(ws.holder.GivenNames))
	cf, err := dg11.CodiceFiscale()
	check("DG11 codice fiscale", err == nil && cf == ws.cf)
	check("DG11 date of birth", dg11.FullDateOfBirth.Equal(ws.holder.BirthDate))
	check("DG11 place of birth", len(dg11.PlaceOfBirthParts()) > 0 && dg11.PlaceOfBirthParts()[0] == ws.holder.BirthPlace.Name)
	dg12, err := e.DG12()
	if err != nil {
		return fmt.Errorf("decoding DG12: %w", err)
	}
	check("DG12 issuing authority", strings.Contains(dg12.IssuingAuthority, issuingComune))
	check("DG12 date of issue", dg12.DateOfIssue.Equal(o.issue))
	faces, err := e.Faces()
	check("DG2 photo", err == nil && len(faces) == 1 && bytes.Equal(faces[0].Data, ws.photo) && faces[0].Width == photoW && faces[0].Height == photoH)
	fw, fh, dB, err := checkFace(e, ws.photoImg)
	if err != nil {
		return err
	}
	check("DG2 face quality", dB >= 30)
	sr.add("DG2: ISO/IEC 19794-5 record, %dx%d JPEG 2000 face of %d bytes decoded, %.0f dB PSNR against the portrait taken", fw, fh, len(ws.photo), math.Floor(dB))

	// DG3: the two WSQ finger images, decoded, their minutiae extracted
	// and verified 1:1 against the templates captured at step 4.
	recs, err := e.Fingerprints()
	if err != nil {
		return fmt.Errorf("decoding DG3: %w", err)
	}
	if !ws.prints {
		check("DG3 empty (no fingerprints)", len(recs) == 0)
		sr.add("DG3: no finger image (card issued without fingerprints)")
	} else {
		fcs, err := checkFingers(recs, ws.templates)
		if err != nil {
			return err
		}
		for _, fc := range fcs {
			check("DG3 "+fc.Finger+" verification", fc.Match)
			sr.add("DG3 %s: ISO/IEC 19794-4 WSQ image decoded, %d minutiae, 1:1 %s against the captured template", fc.Finger, fc.Minutiae, yesNo(fc.Match, "match", "NO MATCH"))
		}
	}

	// The NIS, in plain on the IAS application, authenticated.
	ws.chip.Reset()
	ic := ias.NewClient(scard.NewCard(ws.chip, scard.CardOptions{}))
	nr, err := ic.VerifyNIS(ctx, ias.NISOptions{CSCA: ws.pki.CSCAPool(), CurrentTime: o.issue, Rand: cardsim.DeterministicRand(o.seed + 3)})
	if err != nil {
		return fmt.Errorf("reading and authenticating the NIS: %w", err)
	}
	check("NIS", nr.NIS == ws.nis)
	sr.add("NIS %s read, IAS SOD verified, internal authentication passed", nr.NIS)

	if len(mismatches) > 0 {
		return fmt.Errorf("the card read back differs from what was sent: %s", strings.Join(mismatches, ", "))
	}
	sr.add("every field matches what was sent: MRZ, DG11 (names, CF, birth), DG12, photo, fingerprints, NIS")
	ws.rec.Verification = &verificationRecord{
		Access: e.Access, ChipAuthenticated: e.ChipAuthenticated, PassiveAuthentication: true,
		VerifiedDataGroups: pa.Verified, NIS: nr.NIS,
	}
	return nil
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func dgList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprintf("DG%d", n)
	}
	return strings.Join(s, " ")
}

func x509Opts(pki *cardsim.PKI, at time.Time) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: pki.CSCAPool(), CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
}
