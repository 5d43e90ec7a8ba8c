package deploy

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSizeSede(t *testing.T) {
	t.Parallel()
	r, err := SizeSede(3)
	require.NoError(t, err)
	assert.Equal(t, Requirements{Workstations: 3, StandardSockets: 6, SchukoSockets: 6, BandwidthMbps: 3, MaxPowerKW: 3 * MaxKWPerWorkstation}, r)

	require.NoError(t, r.Check(Site{StandardSockets: 6, SchukoSockets: 8, UpMbps: 3, DownMbps: 10}))
	err = r.Check(Site{StandardSockets: 6, SchukoSockets: 4, UpMbps: 1.5, DownMbps: 10})
	require.ErrorIs(t, err, ErrShortfall)
	var se *ShortfallError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "Schuko sockets", se.What)
	assert.Contains(t, err.Error(), "deploy: Schuko sockets: need 6, have 4 (Circ. 4/2017 All. 2 §2 (seed 000)")
	assert.NotContains(t, err.Error(), "bandwidth", "bandwidth is advice, not a prerequisite")

	// Issue 17 item 4: "Si consiglia di assicurare un throughput di accesso
	// ad internet di almeno 1 Mbps di tipo simmetrico per ogni postazione
	// di lavoro" is advice.
	adv := r.Advise(Site{StandardSockets: 6, SchukoSockets: 6, UpMbps: 1.5, DownMbps: 10, PowerKW: 3})
	require.Len(t, adv, 2)
	assert.Equal(t, "upstream bandwidth (Mbps)", adv[0].What)
	assert.Contains(t, adv[0].String(), "Si consiglia")
	assert.Equal(t, "power (kW)", adv[1].What)
	assert.Empty(t, r.Advise(Site{}), "unmeasured values are not judged")

	// Issue 17 item 4: negative sizes are refused.
	for _, n := range []int{-1, 0, MaxWorkstations + 1} {
		_, err := SizeSede(n)
		assert.ErrorIs(t, err, ErrWorkstations, "SizeSede(%d)", n)
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	eps := Endpoints(CircularNational)
	require.Len(t, eps, 7)
	var dvra []int
	for _, e := range eps {
		if e.NoProxyAuth {
			assert.Equal(t, "dvra.cie.interno.gov.it", e.Host)
			dvra = append(dvra, e.Port)
		}
	}
	assert.Equal(t, []int{8442, 8443}, dvra)
	eps[0].Host = "changed"
	assert.Equal(t, "www.cartaidentita.interno.gov.it", Endpoints(CircularNational)[0].Host, "Endpoints returns a fresh slice")
	assert.Len(t, Endpoints(CircularNaples), 9)
	assert.Nil(t, Endpoints(""))
	assert.Equal(t, []int{443}, RemoteAssistancePorts(CircularNational))
	assert.Equal(t, []int{80, 443}, RemoteAssistancePorts(CircularThirdPhase))
}

// listen starts a TCP listener on loopback that accepts and closes
// connections until the test ends.
func listen(t *testing.T) (net.Listener, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return l, l.Addr().(*net.TCPAddr).Port
}

// closedPort returns a loopback port with nothing listening.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestProbeDirect(t *testing.T) {
	t.Parallel()
	_, open := listen(t)
	closed := closedPort(t)
	eps := []Endpoint{
		{Name: "up", Host: "127.0.0.1", Port: open},
		{Name: "down", Host: "127.0.0.1", Port: closed},
	}
	var p Prober
	res := p.Probe(t.Context(), eps)
	require.Len(t, res, 2)
	assert.NoError(t, res[0].Err)
	assert.ErrorIs(t, res[1].Err, ErrUnreachable)
	assert.Equal(t, []ProbeResult{res[1]}, Failures(res))
}

// proxy is a minimal CONNECT proxy on loopback: it asks for credentials
// for the ports in auth, refuses unknown targets with 502, and otherwise
// answers 200 without tunnelling (the probe only needs the answer).
func proxy(t *testing.T, auth map[int]bool, hang bool) *url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				if hang {
					time.Sleep(2 * time.Second)
					return
				}
				_, portStr, _ := net.SplitHostPort(req.Host)
				port, _ := strconv.Atoi(portStr)
				resp := &http.Response{StatusCode: http.StatusOK, ProtoMajor: 1, ProtoMinor: 1}
				switch {
				case req.Method != http.MethodConnect:
					resp.StatusCode = http.StatusMethodNotAllowed
				case auth[port] && req.Header.Get("Proxy-Authorization") == "":
					resp.StatusCode = http.StatusProxyAuthRequired
				case port == 9:
					resp.StatusCode = http.StatusBadGateway
				}
				_ = resp.Write(c)
			}()
		}
	}()
	return &url.URL{Scheme: "http", Host: l.Addr().String()}
}

func TestProbeThroughProxy(t *testing.T) {
	t.Parallel()
	px := proxy(t, map[int]bool{8443: true, 443: true}, false)
	eps := []Endpoint{
		{Name: "DVRA", Host: "dvra.example", Port: 8442, NoProxyAuth: true},
		{Name: "DVRA", Host: "dvra.example", Port: 8443, NoProxyAuth: true},
		{Name: "CIEOnline", Host: "cieonline.example", Port: 443},
		{Name: "gone", Host: "gone.example", Port: 9},
	}
	p := Prober{Proxy: px, Timeout: time.Second}
	res := p.Probe(t.Context(), eps)
	assert.NoError(t, res[0].Err)
	assert.ErrorIs(t, res[1].Err, ErrProxyAuthRequired)
	assert.ErrorIs(t, res[2].Err, ErrProxyAuthRequired)
	assert.ErrorIs(t, res[3].Err, ErrUnreachable)
	fails := Failures(res)
	require.Len(t, fails, 2, "credentials for CIEOnline are acceptable, for DVRA they are not")
	assert.Equal(t, 8443, fails[0].Endpoint.Port)
	assert.Equal(t, 9, fails[1].Endpoint.Port)
}

func TestProbeTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	px := proxy(t, nil, true)
	p := Prober{Proxy: px, Timeout: 100 * time.Millisecond}
	start := time.Now()
	res := p.Probe(t.Context(), []Endpoint{{Host: "slow.example", Port: 443}})
	assert.ErrorIs(t, res[0].Err, ErrUnreachable)
	assert.ErrorIs(t, res[0].Err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 1500*time.Millisecond, "the timeout cut the probe short")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res = (&Prober{Concurrency: 1}).Probe(ctx, []Endpoint{{Host: "127.0.0.1", Port: closedPort(t)}, {Host: "127.0.0.1", Port: closedPort(t)}})
	for _, r := range res {
		assert.True(t, errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, ErrUnreachable), "%v", r.Err)
	}
}
