package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/internal/cli"
)

// driver plays vpcd's side of the protocol on a loopback listener, so the
// test needs no pcscd (scard/vpcd documents the protocol).
type driver struct {
	ln   net.Listener
	conn net.Conn
}

func newDriver(t *testing.T) *driver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	d := &driver{ln: ln}
	t.Cleanup(func() {
		ln.Close()
		if d.conn != nil {
			d.conn.Close()
		}
	})
	return d
}

func (d *driver) accept(t *testing.T) {
	t.Helper()
	c, err := d.ln.Accept()
	require.NoError(t, err)
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	d.conn = c
}

func (d *driver) exchange(t *testing.T, payload []byte) []byte {
	t.Helper()
	var h [2]byte
	binary.BigEndian.PutUint16(h[:], uint16(len(payload)))
	_, err := d.conn.Write(append(h[:], payload...))
	require.NoError(t, err)
	_, err = io.ReadFull(d.conn, h[:])
	require.NoError(t, err)
	resp := make([]byte, binary.BigEndian.Uint16(h[:]))
	_, err = io.ReadFull(d.conn, resp)
	require.NoError(t, err)
	return resp
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs cardserve in the background; the test's cleanup cancels it
// and waits for it to return, so no bridge outlives the test.
func start(t *testing.T, args ...string) (*syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &out, &errOut) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				err = errors.New("cardserve did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return &out, stop
}

func waitFor(t *testing.T, out *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("output %q never contained %q", out.String(), s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeCIEAndSCO(t *testing.T) {
	cieDrv, scoDrv := newDriver(t), newDriver(t)
	const td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
	out, stop := start(t, "-card", "both", "-cie-addr", cieDrv.ln.Addr().String(), "-sco-addr", scoDrv.ln.Addr().String(),
		"-mrz", td3, "-can", "654321", "-csca-out", t.TempDir()+"/csca.pem")
	cieDrv.accept(t)
	atr := cieDrv.exchange(t, []byte{0x04}) // get ATR
	assert.Equal(t, byte(0x3B), atr[0], "ATR")
	// SELECT the eMRTD application (ICAO Doc 9303-10 3.6.3).
	resp := cieDrv.exchange(t, []byte{0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01})
	assert.Equal(t, []byte{0x90, 0x00}, resp[len(resp)-2:])
	scoDrv.accept(t)
	assert.NotEmpty(t, scoDrv.exchange(t, []byte{0x04}))
	waitFor(t, out, "Serving until interrupted")
	o := out.String()
	assert.Contains(t, o, "CAN: 654321")
	assert.Contains(t, o, "PIN: 12345678")
	assert.Contains(t, o, "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
	assert.Contains(t, o, "Simulated SCO")

	require.NoError(t, stop())
	// The card is gone from the reader: the bridge closed the connection.
	_, err := cieDrv.conn.Read(make([]byte, 1))
	assert.Error(t, err, "connection closed after the interrupt")
}

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-card", "passport"}, `-card "passport": want cie, sco or both`},
		{[]string{"-pace", "gm"}, `-pace "gm": want cie, im or cam`},
		{[]string{"-card", "sco", "-pace", "gm"}, `-pace "gm": want cie, im or cam`},
		{[]string{"-pin", "12"}, "-pin: want 8 digits"},
		{[]string{"-can", "12"}, `-can "12": want 6 digits`},
		{[]string{"-mrz", "P<UTO"}, "-mrz: "},
		{[]string{"-connect-timeout", "0s"}, "-connect-timeout 0s: want a positive duration"},
		{[]string{"-nosuch"}, "flag provided but not defined: -nosuch"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), append(tc.args, "-cie-addr", "127.0.0.1:1"), &out, &errOut)
		var ue *cli.UsageError
		require.ErrorAs(t, err, &ue, "run(%q)", tc.args)
		assert.Contains(t, err.Error(), tc.want, "run(%q)", tc.args)
		assert.Equal(t, cli.ExitUsage, cli.ExitCode(err), "run(%q)", tc.args)
		assert.NotContains(t, err.Error(), "12345678")
		assert.Empty(t, out.String()+errOut.String(), "run(%q) prints (main prints the error once)", tc.args)
	}
}

// TestHelp: -h prints the usage on stdout, with the inputs, examples and
// exit statuses, and exits 0 (internal/cli).
func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &out, &errOut)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, cli.ExitOK, cli.ExitCode(err))
	assert.Empty(t, errOut.String())
	for _, want := range []string{"Usage: cardserve [flags]", "Inputs:\n  a running pcscd", "-pace string", "Examples:\n", "Exit status:\n  0  stopped by an interrupt"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestServeNoDriver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nobody listens there
	err = run(t.Context(), []string{"-cie-addr", addr, "-connect-timeout", "300ms"}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pcscd")
}
