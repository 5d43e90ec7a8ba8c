package deploy

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

// Workstation prerequisites of Allegato 2 (Circ. 4/2017 §2; Circ. 8/2017
// §2.2), per workstation.
const (
	StandardSocketsPerWorkstation = 2 // "Spina tradizionale: 2"
	SchukoSocketsPerWorkstation   = 2 // "Schuko: 2"
	MbpsPerWorkstation            = 1 // "almeno 1 Mbps di tipo simmetrico per ogni postazione"
)

// Requirements is what a sede needs for its workstations.
type Requirements struct {
	Workstations    int
	StandardSockets int
	SchukoSockets   int
	BandwidthMbps   float64 // symmetric: both upstream and downstream
}

// SizeSede returns the requirements of a sede with n workstations.
func SizeSede(n int) Requirements {
	return Requirements{
		Workstations:    n,
		StandardSockets: n * StandardSocketsPerWorkstation,
		SchukoSockets:   n * SchukoSocketsPerWorkstation,
		BandwidthMbps:   float64(n * MbpsPerWorkstation),
	}
}

// Site is what a sede has.
type Site struct {
	StandardSockets, SchukoSockets int
	UpMbps, DownMbps               float64
}

// ErrShortfall is what every error of [Requirements.Check] unwraps to.
var ErrShortfall = errors.New("deploy: prerequisite not met")

// ShortfallError is one unmet prerequisite: what, how much is needed and
// how much there is.
type ShortfallError struct {
	What       string // "standard sockets", "Schuko sockets", "upstream bandwidth (Mbps)", ...
	Need, Have float64
}

func (e *ShortfallError) Error() string {
	return fmt.Sprintf("deploy: %s: need %s, have %s", e.What, fmtNum(e.Need), fmtNum(e.Have))
}

func (e *ShortfallError) Unwrap() error { return ErrShortfall }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Check compares a site with the requirements and returns nil, or every
// shortfall joined with errors.Join (each a [*ShortfallError]).
func (r Requirements) Check(s Site) error {
	var errs []error
	need := func(what string, need, have float64) {
		if have < need {
			errs = append(errs, &ShortfallError{What: what, Need: need, Have: have})
		}
	}
	need("standard sockets", float64(r.StandardSockets), float64(s.StandardSockets))
	need("Schuko sockets", float64(r.SchukoSockets), float64(s.SchukoSockets))
	need("upstream bandwidth (Mbps)", r.BandwidthMbps, s.UpMbps)
	need("downstream bandwidth (Mbps)", r.BandwidthMbps, s.DownMbps)
	return errors.Join(errs...)
}

// Endpoint is a service a workstation must reach.
type Endpoint struct {
	Name string // what the service is
	Host string
	Port int
	// NoProxyAuth: through a proxy, the endpoint must be reachable without
	// user authentication (the rule for dvra.cie.interno.gov.it on 8442
	// and 8443).
	NoProxyAuth bool
	Source      string // the annex that lists it
}

// Addr is host:port.
func (e Endpoint) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// Endpoints returns the service endpoints the annexes list, each once (a
// new slice on every call). Circ. 4/2017 lists the first seven; Circ. 8/2017
// adds the postal and logistics portals and drops dvraweb on port 80.
func Endpoints() []Endpoint {
	const a4, a8 = "Circ. 4/2017 All. 2", "Circ. 8/2017 All. 2"
	return []Endpoint{
		{Name: "portale CIE", Host: "www.cartaidentita.interno.gov.it", Port: 80, Source: a4},
		{Name: "CIEOnline", Host: "cieonline.interno.gov.it", Port: 443, Source: a4},
		{Name: "Agenda CIE", Host: "agendacie.interno.gov.it", Port: 443, Source: a4},
		{Name: "DVRA (SCOPortType)", Host: "dvra.cie.interno.gov.it", Port: 8442, NoProxyAuth: true, Source: a4},
		{Name: "DVRA (SCOPortType)", Host: "dvra.cie.interno.gov.it", Port: 8443, NoProxyAuth: true, Source: a4},
		{Name: "DVRA web", Host: "dvraweb.cie.interno.gov.it", Port: 80, Source: a4},
		{Name: "DVRA web", Host: "dvraweb.cie.interno.gov.it", Port: 443, Source: a4},
		{Name: "Poste Italiane", Host: "www.poste.it", Port: 443, Source: a8},
		{Name: "logistica CIE", Host: "cie-bf.vitrociset.it", Port: 443, Source: a8},
		{Name: "logistica CIE", Host: "cie-bf.vitrociset.it", Port: 80, Source: a8},
	}
}

// Errors of a [ProbeResult].
var (
	ErrUnreachable       = errors.New("deploy: endpoint unreachable")
	ErrProxyAuthRequired = errors.New("deploy: proxy asks for authentication")
)

// ProbeResult is the outcome of probing one endpoint. Err is nil when the
// endpoint answered; otherwise it wraps [ErrUnreachable] or
// [ErrProxyAuthRequired] (the latter only matters, and is only a failure,
// for endpoints with NoProxyAuth).
type ProbeResult struct {
	Endpoint Endpoint
	Latency  time.Duration
	Err      error
}

// Prober checks that endpoints are reachable, directly or through an HTTP
// proxy with CONNECT. The zero Prober dials directly with a 5-second
// timeout per endpoint and 4 probes at a time. It is safe for concurrent
// use if its fields are not changed.
type Prober struct {
	// Proxy, if set, is an http:// proxy reached with CONNECT.
	Proxy *url.URL
	// Timeout bounds each probe; zero means 5 seconds.
	Timeout time.Duration
	// Concurrency is how many probes run at once; zero means 4.
	Concurrency int
	// Dialer dials TCP; nil means a net.Dialer.
	Dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}
}

// Probe checks every endpoint and returns one result per endpoint, in the
// order given. It returns early, with ctx's error in the unfinished results,
// when ctx is done.
func (p *Prober) Probe(ctx context.Context, eps []Endpoint) []ProbeResult {
	res := make([]ProbeResult, len(eps))
	sem := make(chan struct{}, cmp.Or(p.Concurrency, 4))
	var wg sync.WaitGroup
	for i, ep := range eps {
		res[i].Endpoint = ep
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			res[i].Err = fmt.Errorf("probing %s: %w", ep.Addr(), ctx.Err())
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			start := time.Now()
			err := p.probe(ctx, ep)
			res[i].Latency = time.Since(start)
			res[i].Err = err
		})
	}
	wg.Wait()
	return res
}

func (p *Prober) probe(ctx context.Context, ep Endpoint) error {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(p.Timeout, 5*time.Second))
	defer cancel()
	var d interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	} = &net.Dialer{}
	if p.Dialer != nil {
		d = p.Dialer
	}
	target := ep.Addr()
	if p.Proxy == nil {
		c, err := d.DialContext(ctx, "tcp", target)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrUnreachable, target, err)
		}
		return c.Close()
	}
	proxyAddr := p.Proxy.Host
	if p.Proxy.Port() == "" {
		proxyAddr = net.JoinHostPort(p.Proxy.Hostname(), "8080")
	}
	c, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		return fmt.Errorf("%w: proxy %s: %w", ErrUnreachable, proxyAddr, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	// Deliberately no Proxy-Authorization: the rule is that the CIE
	// services must be reachable without it.
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: target}, Host: target, Header: http.Header{}}
	if err := req.Write(c); err != nil {
		return fmt.Errorf("%w: %s via proxy: %w", ErrUnreachable, target, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			err = cmp.Or(ctx.Err(), context.DeadlineExceeded)
		}
		return fmt.Errorf("%w: %s via proxy: %w", ErrUnreachable, target, err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusProxyAuthRequired:
		return fmt.Errorf("%w: %s", ErrProxyAuthRequired, target)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("%w: %s via proxy: %s", ErrUnreachable, target, resp.Status)
	}
	return nil
}

// Failures returns the results that break a prerequisite: unreachable
// endpoints, and endpoints with NoProxyAuth behind a proxy that asks for
// credentials. An endpoint without NoProxyAuth that only needs proxy
// credentials is not a failure: the operator can type them.
func Failures(rs []ProbeResult) []ProbeResult {
	var out []ProbeResult
	for _, r := range rs {
		if r.Err == nil || (errors.Is(r.Err, ErrProxyAuthRequired) && !r.Endpoint.NoProxyAuth) {
			continue
		}
		out = append(out, r)
	}
	return out
}
