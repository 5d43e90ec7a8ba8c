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

// Workstation prerequisites of Allegato 2 (Circ. 4/2017 All. 2 §2, seed
// 000; Circ. 8/2017 All. 2 §2.2 as reproduced by the Naples circular, seed
// 001), per workstation. The sockets are a requirement ("Ogni postazione
// di lavoro ha bisogno di almeno 4 prese (Spina tradizionale: 2, Schuko:
// 2)"); the bandwidth is advice ("Si consiglia di assicurare un throughput
// di accesso ad internet di almeno 1 Mbps di tipo simmetrico per ogni
// postazione di lavoro"); the power is the sum of the "Potenza elettrica
// massima (KW)" column of All. 2 §1: personal computer 0.5, monitor 0.1,
// multifunction printer 0.6 (the others are given as "-").
const (
	StandardSocketsPerWorkstation = 2   // "Spina tradizionale: 2"
	SchukoSocketsPerWorkstation   = 2   // "Schuko: 2"
	MbpsPerWorkstation            = 1   // advised: "almeno 1 Mbps di tipo simmetrico per ogni postazione"
	MaxKWPerWorkstation           = 1.2 // 0.5 + 0.1 + 0.6 kW, the components' maximum power
)

// MaxWorkstations bounds [SizeSede]: no sede of the plans has more than a
// few; the bound keeps the arithmetic far from overflow.
const MaxWorkstations = 10000

// Requirements is what a sede needs for its workstations: the sockets
// (required), the bandwidth (advised) and the maximum power the
// workstations draw.
type Requirements struct {
	Workstations    int
	StandardSockets int
	SchukoSockets   int
	BandwidthMbps   float64 // advised, symmetric: both upstream and downstream
	MaxPowerKW      float64
}

// ErrWorkstations is returned by [SizeSede] for a count out of range.
var ErrWorkstations = errors.New("deploy: number of workstations out of range")

// SizeSede returns the requirements of a sede with n workstations. n must
// be 1 to [MaxWorkstations]; otherwise the error wraps [ErrWorkstations].
func SizeSede(n int) (Requirements, error) {
	if n < 1 || n > MaxWorkstations {
		return Requirements{}, fmt.Errorf("%w: %d (want 1 to %d)", ErrWorkstations, n, MaxWorkstations)
	}
	return Requirements{
		Workstations:    n,
		StandardSockets: n * StandardSocketsPerWorkstation,
		SchukoSockets:   n * SchukoSocketsPerWorkstation,
		BandwidthMbps:   float64(n * MbpsPerWorkstation),
		MaxPowerKW:      float64(n*12) / 10, // n × 1.2 kW without rounding noise
	}, nil
}

// Site is what a sede has. Zero bandwidth or power means "not measured":
// no advice is given about it.
type Site struct {
	StandardSockets, SchukoSockets int
	UpMbps, DownMbps               float64
	PowerKW                        float64 // power available to the workstations
}

// ErrShortfall is what every error of [Requirements.Check] unwraps to.
var ErrShortfall = errors.New("deploy: prerequisite not met")

// ShortfallError is one unmet requirement: what, how much is needed and
// how much there is, and the source of the requirement.
type ShortfallError struct {
	What       string // "standard sockets", "Schuko sockets", "classroom seats", ...
	Need, Have float64
	Source     Source
	kind       error // ErrShortfall or ErrClassroom
}

func (e *ShortfallError) Error() string {
	return fmt.Sprintf("deploy: %s: need %s, have %s (%s)", e.What, fmtNum(e.Need), fmtNum(e.Have), e.Source)
}

// Unwrap returns [ErrShortfall] for workstation prerequisites and
// [ErrClassroom] for classroom requirements.
func (e *ShortfallError) Unwrap() error { return cmp.Or(e.kind, ErrShortfall) }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var socketSource = Source{Doc: CircularNational, Section: "All. 2 §2", Quote: "Ogni postazione di lavoro ha bisogno di almeno 4 prese (Spina tradizionale: 2, Schuko: 2)"}

// Check compares a site with the requirements and returns nil, or every
// unmet requirement joined with errors.Join (each a [*ShortfallError]).
// Only the sockets are requirements; see [Requirements.Advise] for the
// bandwidth and power.
func (r Requirements) Check(s Site) error {
	var errs []error
	need := func(what string, need, have int) {
		if have < need {
			errs = append(errs, &ShortfallError{What: what, Need: float64(need), Have: float64(have), Source: socketSource})
		}
	}
	need("standard sockets", r.StandardSockets, s.StandardSockets)
	need("Schuko sockets", r.SchukoSockets, s.SchukoSockets)
	return errors.Join(errs...)
}

// Advice is a recommendation of the annexes that a site does not follow.
// It is not a failed prerequisite: the installation can go ahead.
type Advice struct {
	What    string // "upstream bandwidth (Mbps)", "power (kW)"
	Advised float64
	Have    float64
	Source  Source
}

// String reads "upstream bandwidth (Mbps): 3 advised, have 1.5 (…)".
func (a Advice) String() string {
	return fmt.Sprintf("%s: %s advised, have %s (%s)", a.What, fmtNum(a.Advised), fmtNum(a.Have), a.Source)
}

var bandwidthSource = Source{Doc: CircularNational, Section: "All. 2 §2", Quote: "Si consiglia di assicurare un throughput di accesso ad internet di almeno 1 Mbps di tipo simmetrico per ogni postazione di lavoro"}
var powerSource = Source{Doc: CircularNational, Section: "All. 2 §1", Quote: "Potenza elettrica massima (KW)"}

// Advise returns the advice a site does not follow: symmetric bandwidth of
// 1 Mbps per workstation, and power for the workstations' maximum draw.
// Measurements left at zero are not judged.
func (r Requirements) Advise(s Site) []Advice {
	var out []Advice
	advise := func(what string, advised, have float64, src Source) {
		if have > 0 && have < advised {
			out = append(out, Advice{What: what, Advised: advised, Have: have, Source: src})
		}
	}
	advise("upstream bandwidth (Mbps)", r.BandwidthMbps, s.UpMbps, bandwidthSource)
	advise("downstream bandwidth (Mbps)", r.BandwidthMbps, s.DownMbps, bandwidthSource)
	advise("power (kW)", r.MaxPowerKW, s.PowerKW, powerSource)
	return out
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
	Source      Source // the annex that lists it
}

// Addr is host:port.
func (e Endpoint) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// Endpoints returns the service endpoints that circular c lists (a new
// slice on every call), or nil for a circular that lists none. Circ. 4/2017
// (All. 2 §2, seed 000) lists seven; Circ. 8/2017 (All. 2 §2.2, reproduced
// in seed 001; also for [CircularNaples]) drops dvraweb on port 80 and
// adds the postal and logistics portals. [CompareDocuments] reports the
// differences as findings when both documents are read.
func Endpoints(c Circular) []Endpoint {
	var src Source
	switch c {
	case CircularNational:
		src = Source{Doc: CircularNational, Section: "All. 2 §2"}
	case CircularThirdPhase, CircularNaples:
		src = Source{Doc: CircularNaples, Section: "All. 2 §2.2"}
	default:
		return nil
	}
	eps := []Endpoint{
		{Name: "portale CIE", Host: "www.cartaidentita.interno.gov.it", Port: 80},
		{Name: "CIEOnline", Host: "cieonline.interno.gov.it", Port: 443},
		{Name: "Agenda CIE", Host: "agendacie.interno.gov.it", Port: 443},
		{Name: "DVRA (SCOPortType)", Host: "dvra.cie.interno.gov.it", Port: 8442, NoProxyAuth: true},
		{Name: "DVRA (SCOPortType)", Host: "dvra.cie.interno.gov.it", Port: 8443, NoProxyAuth: true},
	}
	if c == CircularNational {
		eps = append(eps, Endpoint{Name: "DVRA web", Host: "dvraweb.cie.interno.gov.it", Port: 80})
	}
	eps = append(eps, Endpoint{Name: "DVRA web", Host: "dvraweb.cie.interno.gov.it", Port: 443})
	if c != CircularNational {
		eps = append(eps,
			Endpoint{Name: "Poste Italiane", Host: "www.poste.it", Port: 443},
			Endpoint{Name: "logistica CIE", Host: "cie-bf.vitrociset.it", Port: 443},
			Endpoint{Name: "logistica CIE", Host: "cie-bf.vitrociset.it", Port: 80})
	}
	for i := range eps {
		eps[i].Source = src
	}
	return eps
}

// RemoteAssistancePorts returns the ports on which remote assistance to
// the workstations (Microsoft Assistenza Rapida, IBM BigFix) must work
// under circular c: 443 in Circ. 4/2017 ("utilizzando i seguenti software
// sulla porta 443", All. 2 §5.8), 80 and 443 in Circ. 8/2017 ("sulla porta
// 80 e 443", All. 2 §4.7). Nil for a circular that says nothing.
func RemoteAssistancePorts(c Circular) []int {
	switch c {
	case CircularNational:
		return []int{443}
	case CircularThirdPhase, CircularNaples:
		return []int{80, 443}
	}
	return nil
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
