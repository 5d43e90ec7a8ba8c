package sad

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ciekit/ciekit/sad/internal/ftp"
)

// Transport is the connection type chosen at install time ("Tipologia di
// collegamento").
type Transport int

const (
	// HTTP posts each request and reads the answer in the same exchange.
	// The circulars recommend it; it is the zero value.
	HTTP Transport = iota
	// FTP uploads each request into the upload directory and polls the
	// download directory for the answer.
	FTP
)

// String returns "http" or "ftp".
func (t Transport) String() string {
	switch t {
	case HTTP:
		return "http"
	case FTP:
		return "ftp"
	}
	return "Transport(" + strconv.Itoa(int(t)) + ")"
}

// ParseTransport parses "http" or "ftp", ignoring case. Anything else is an
// error wrapping [ErrConfig].
func ParseTransport(s string) (Transport, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "http":
		return HTTP, nil
	case "ftp":
		return FTP, nil
	}
	return 0, fmt.Errorf("%w: transport %q, want http or ftp", ErrConfig, clip(s))
}

// Config holds the install-time parameters of the circulars (Circolare
// 4/2017 §5.9, 8/2017 §4.8): connection type, APR server address and port,
// http service path, ftp upload and download directories, and the
// expatriation constants (in Codec.Dialect.Espatrio), plus what a program
// needs around them. The zero value of each optional field is documented.
type Config struct {
	// Transport is http (the zero value, recommended) or ftp.
	Transport Transport
	// Host is the APR server's IP address or name. Required.
	Host string
	// Port is the APR server's port; 0 means 80 for http (443 with HTTPS)
	// and 21 for ftp.
	Port int
	// Path is the http service path, e.g. "/sad". Default "/".
	Path string
	// HTTPS uses https instead of http (the circulars name only http).
	HTTPS bool
	// Form posts the XML as the form field "xml"
	// (application/x-www-form-urlencoded) instead of a raw text/xml body,
	// for legacy APRs (sad-2.8.md §3.3.4).
	Form bool
	// UploadDir is the ftp directory where requests are placed. Required
	// for ftp.
	UploadDir string
	// DownloadDir is the ftp directory where responses are fetched.
	// Required for ftp.
	DownloadDir string
	// User and Password are the ftp credentials (not among the circulars'
	// parameters); an empty User logs in anonymously. The password never
	// appears in errors, logs or any formatting of a Config or Client.
	User     string
	Password Password
	// Timeout bounds one whole exchange. Default 30s for http, 60s for ftp.
	Timeout time.Duration
	// PollInterval is the time between checks of the ftp download
	// directory. Default 2s.
	PollInterval time.Duration
	// Codec is the dialect and limits; the zero value is the reconstruction.
	Codec Codec
	// HTTPClient sends http requests; nil means a client of the Client's own
	// (never http.DefaultClient).
	HTTPClient *http.Client
	// Comune (6-digit ISTAT code), Workstation (IdPostazione) and Operator
	// (the operator's codice fiscale) fill the requests built by Lookup and
	// the Notify methods.
	Comune, Workstation, Operator string
	// Now returns the current time, for DataOraRichiesta and request IDs;
	// nil means time.Now.
	Now func() time.Time
}

// Client is the workstation side of SAD. It is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *http.Client
	mu    sync.Mutex
	lastT time.Time // time of the last generated request ID
}

// NewClient checks cfg and returns a Client. A missing host, ftp
// directories, an unknown transport or an invalid dialect
// ([Dialect.Validate]) is an error wrapping [ErrConfig].
func NewClient(cfg Config) (*Client, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("%w: no APR host", ErrConfig)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("%w: port %d", ErrConfig, cfg.Port)
	}
	switch cfg.Transport {
	case HTTP:
	case FTP:
		if cfg.UploadDir == "" || cfg.DownloadDir == "" {
			return nil, fmt.Errorf("%w: ftp needs the upload and download directories", ErrConfig)
		}
	default:
		return nil, fmt.Errorf("%w: %v", ErrConfig, cfg.Transport)
	}
	if err := cfg.Codec.dialect().Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, http: cfg.HTTPClient}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c, nil
}

func (c *Client) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}

func (c *Client) addr() string {
	port := c.cfg.Port
	if port == 0 {
		switch {
		case c.cfg.Transport == FTP:
			port = 21
		case c.cfg.HTTPS:
			port = 443
		default:
			port = 80
		}
	}
	return net.JoinHostPort(c.cfg.Host, strconv.Itoa(port))
}

// URL returns the http endpoint the client posts to.
func (c *Client) URL() string {
	scheme := "http"
	if c.cfg.HTTPS {
		scheme = "https"
	}
	p := c.cfg.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return scheme + "://" + c.addr() + p
}

// Do sends req and returns the APR's response, whatever its outcome. It
// fails with a [*ValidationError] for an invalid request, a
// [*HTTPStatusError] for a non-2xx answer, a [*SyntaxError] for a response
// that does not decode, an error wrapping [ErrMismatchedID] for the answer
// to another request, context.DeadlineExceeded after Config.Timeout, or
// ctx.Err() and network errors.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	body, err := c.cfg.Codec.marshalRequest(req)
	if err != nil {
		return nil, err
	}
	var resp *Response
	switch c.cfg.Transport {
	case FTP:
		resp, err = c.doFTP(ctx, req.ID, body)
	default:
		resp, err = c.doHTTP(ctx, body)
	}
	if err != nil {
		return nil, err
	}
	if resp.ID != req.ID {
		return nil, fmt.Errorf("%w: got an answer to another request", ErrMismatchedID)
	}
	return resp, nil
}

func (c *Client) timeout(def time.Duration) time.Duration {
	if c.cfg.Timeout > 0 {
		return c.cfg.Timeout
	}
	return def
}

func (c *Client) doHTTP(ctx context.Context, body []byte) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout(30*time.Second))
	defer cancel()
	ctype := "text/xml; charset=" + c.cfg.Codec.dialect().Charset.String()
	if c.cfg.Form {
		body = []byte(url.Values{"xml": {string(body)}}.Encode())
		ctype = "application/x-www-form-urlencoded"
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	hr.Header.Set("Content-Type", ctype)
	res, err := c.http.Do(hr)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		return nil, &HTTPStatusError{StatusCode: res.StatusCode}
	}
	resp, err := c.cfg.Codec.DecodeResponse(headerCharset(res.Header.Get("Content-Type"), res.Body))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	return resp, nil
}

func (c *Client) doFTP(ctx context.Context, id string, body []byte) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout(60*time.Second))
	defer cancel()
	conn, err := ftp.Dial(ctx, c.addr(), c.cfg.User, c.cfg.Password.reveal())
	if err != nil {
		return nil, fmt.Errorf("connecting to the APR ftp server: %w", err)
	}
	defer conn.Close()
	tmp := path.Join(c.cfg.UploadDir, id+".tmp")
	if err := conn.Store(ctx, tmp, body); err != nil {
		return nil, fmt.Errorf("uploading the request: %w", err)
	}
	if err := conn.Rename(ctx, tmp, path.Join(c.cfg.UploadDir, id+".xml")); err != nil {
		return nil, fmt.Errorf("publishing the request: %w", err)
	}
	every := c.cfg.PollInterval
	if every <= 0 {
		every = 2 * time.Second
	}
	down := path.Join(c.cfg.DownloadDir, id+".xml")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, err := conn.Size(ctx, down)
		if err == nil {
			break
		}
		if !ftp.NotFound(err) {
			return nil, fmt.Errorf("polling for the response: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	lim := c.cfg.Codec.Limits.withDefaults()
	b, err := conn.Retrieve(ctx, down, lim.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("downloading the response: %w", err)
	}
	resp, err := c.cfg.Codec.unmarshalResponse(b)
	if err != nil {
		return nil, err
	}
	if resp.ID == id {
		// The answer is ours: remove it. A failure leaves a stale file
		// behind that no later request reads (IDs are unique), so it is
		// not worth failing the exchange for.
		conn.Delete(ctx, down)
	}
	return resp, nil
}

// NewRequestID returns an IdRichiesta of the suggested form
// <ISTAT6>_<IdPostazione>_<yyyyMMddHHmmssSSS>, with the workstation cut to
// 5 characters (to stay within 30) and characters outside [A-Za-z0-9-]
// replaced by '-'.
func NewRequestID(comune, workstation string, t time.Time) string {
	clean := func(s string, n int) string {
		b := []byte(s)
		if len(b) > n {
			b = b[:n]
		}
		for i, c := range b {
			if !isUpper(c) && !isDigit(c) && !(c >= 'a' && c <= 'z') && c != '-' {
				b[i] = '-'
			}
		}
		return string(b)
	}
	id := clean(comune, 6)
	if ws := clean(workstation, 5); ws != "" {
		id += "_" + ws
	}
	return id + "_" + t.Format("20060102150405") + fmt.Sprintf("%03d", t.Nanosecond()/1e6)
}

// nextID returns a request ID unique within this Client: two requests in
// the same millisecond get consecutive milliseconds.
func (c *Client) nextID(t time.Time) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	t = t.Truncate(time.Millisecond)
	if !t.After(c.lastT) {
		t = c.lastT.Add(time.Millisecond)
	}
	c.lastT = t
	return NewRequestID(c.cfg.Comune, c.cfg.Workstation, t)
}

func (c *Client) request(op Operation) *Request {
	t := c.now()
	return &Request{
		ID: c.nextID(t), Op: op, Time: t,
		Comune: c.cfg.Comune, Workstation: c.cfg.Workstation, Operator: c.cfg.Operator,
	}
}

// Lookup asks the APR for the subjects matching q. It returns the response
// and nil for outcomes 00 and 02 (one or more subjects); for other outcomes
// the response and an [*OutcomeError] (errors.Is ErrUnknownPerson for 01;
// for 05, ErrNotResident with the subjects in the response). Transport
// errors are those of [Client.Do], with a nil response.
func (c *Client) Lookup(ctx context.Context, q Query) (*Response, error) {
	req := c.request(OpLookup)
	req.Query = &q
	return c.send(ctx, req)
}

// NotifyIssued tells the APR the number of a card just issued. The error is
// nil for outcome 00, an [*OutcomeError] for the others, or a transport
// error as for [Client.Do].
func (c *Client) NotifyIssued(ctx context.Context, card CardData) (*Response, error) {
	req := c.request(OpIssue)
	req.Card = &card
	return c.send(ctx, req)
}

// NotifyCancelled tells the APR an issuance was cancelled
// (card.EventDate is DataAnnullamento). Errors as for [Client.NotifyIssued].
func (c *Client) NotifyCancelled(ctx context.Context, card CardData) (*Response, error) {
	req := c.request(OpCancel)
	req.Card = &card
	return c.send(ctx, req)
}

// NotifyRevoked tells the APR a card was revoked (card.EventDate is
// DataRevoca). Errors as for [Client.NotifyIssued].
func (c *Client) NotifyRevoked(ctx context.Context, card CardData) (*Response, error) {
	req := c.request(OpRevoke)
	req.Card = &card
	return c.send(ctx, req)
}

func (c *Client) send(ctx context.Context, req *Request) (*Response, error) {
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp, resp.Outcome.Err()
}
