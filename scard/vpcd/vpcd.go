// Package vpcd serves a simulated smart card to a real pcscd through the
// virtual reader driver of vsmartcard (Debian package vsmartcard-vpcd), so
// that any PC/SC application, ciekit's scard/pcsc adapter included, sees
// the simulator as a card in a real reader.
//
// The vpcd driver listens on TCP port 35963 for the card of its first
// reader ("Virtual PCD 00 00") and 35964 for the second; the card side
// connects. Every message in both directions is a 2-byte big-endian length
// and a payload. From the driver, a 1-byte payload is a control code (00
// power off, 01 power on, 02 reset, 04 get ATR, answered with the ATR) and
// anything longer is a command APDU, answered with the response APDU. An
// empty ATR or a closed connection means the card was removed. (Protocol:
// vsmartcard's virtualsmartcard/src/vpcd/vpcd.c and doc/api.txt.)
//
// [Start] connects a card and keeps it connected while it is present:
// pulling a simulated card out (cardsim's Remove) closes the connection, so
// pcscd reports the removal, and putting it back in reconnects it.
//
// The package is pure Go (no cgo); the tests that talk to pcscd live with
// the PC/SC adapter, scard/pcsc.
package vpcd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/ciekit/ciekit/scard"
)

// Default addresses of the two vpcd readers of Debian's
// /etc/reader.conf.d/vpcd (CHANNELID 0x8C7B).
const (
	Reader0Addr = "127.0.0.1:35963"
	Reader1Addr = "127.0.0.1:35964"
)

// Card is what a bridge serves: a Transmitter with an answer-to-reset.
// If it also has Present() bool (like cardsim's cards), the bridge
// follows its insertion and removal; if it has Reset(), a reset from the
// reader resets it.
type Card interface {
	scard.Transmitter
	ATR() []byte
}

// Control codes from the driver.
const (
	ctlPowerOff = 0x00
	ctlPowerOn  = 0x01
	ctlReset    = 0x02
	ctlATR      = 0x04
)

// ErrFrame is returned for a malformed frame from the driver.
var ErrFrame = errors.New("vpcd: malformed frame")

// Options tunes a bridge. The zero value is valid.
type Options struct {
	// Dialer dials the driver; nil means a net.Dialer.
	Dialer interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	}
	// Retry is how often to try again when the driver is not listening or
	// the card is out; zero means 100 ms.
	Retry time.Duration
}

// Bridge keeps one card connected to one vpcd reader. Its methods are safe
// for concurrent use.
type Bridge struct {
	card   Card
	addr   string
	opts   Options
	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	conn      net.Conn
	err       error // last serving error, for Err
	connected chan struct{}
}

// Start connects card to the vpcd reader at addr and serves it in the
// background until ctx is done or Close is called. It returns at once; use
// [Bridge.WaitConnected] to wait for the driver to accept the card.
func Start(ctx context.Context, addr string, card Card, opts *Options) *Bridge {
	ctx, cancel := context.WithCancel(ctx)
	b := &Bridge{card: card, addr: addr, cancel: cancel, done: make(chan struct{}), connected: make(chan struct{})}
	if opts != nil {
		b.opts = *opts
	}
	if b.opts.Retry == 0 {
		b.opts.Retry = 100 * time.Millisecond
	}
	go b.run(ctx)
	return b
}

// WaitConnected waits until the driver has the card, or ctx is done.
func (b *Bridge) WaitConnected(ctx context.Context) error {
	b.mu.Lock()
	ch := b.connected
	b.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("vpcd: waiting for %s: %w", b.addr, ctx.Err())
	case <-b.done:
		return errors.New("vpcd: bridge closed")
	}
}

// Close disconnects the card (the reader sees it removed) and stops the
// bridge. It waits for the serving goroutine to end.
func (b *Bridge) Close() error {
	b.cancel()
	b.mu.Lock()
	if b.conn != nil {
		b.conn.Close()
	}
	b.mu.Unlock()
	<-b.done
	return nil
}

// Err returns the last error that ended a connection (nil if none), for
// diagnostics.
func (b *Bridge) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *Bridge) present() bool {
	if p, ok := b.card.(interface{ Present() bool }); ok {
		return p.Present()
	}
	return true
}

func (b *Bridge) run(ctx context.Context) {
	defer close(b.done)
	var d interface {
		DialContext(ctx context.Context, network, addr string) (net.Conn, error)
	} = &net.Dialer{}
	if b.opts.Dialer != nil {
		d = b.opts.Dialer
	}
	for ctx.Err() == nil {
		if !b.present() {
			sleep(ctx, b.opts.Retry)
			continue
		}
		conn, err := d.DialContext(ctx, "tcp", b.addr)
		if err != nil {
			b.setErr(err)
			sleep(ctx, b.opts.Retry)
			continue
		}
		b.mu.Lock()
		b.conn = conn
		b.mu.Unlock()
		err = b.serve(ctx, conn)
		b.mu.Lock()
		b.conn = nil
		b.err = err
		b.mu.Unlock()
		conn.Close()
	}
}

func (b *Bridge) setErr(err error) {
	b.mu.Lock()
	b.err = err
	b.mu.Unlock()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// serve answers the driver on one connection until it breaks, the card is
// removed or ctx is done.
func (b *Bridge) serve(ctx context.Context, conn net.Conn) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	buf := make([]byte, 0, 512)
	for {
		var err error
		buf, err = readFrame(conn, buf)
		if err != nil {
			return err
		}
		n := len(buf)
		if !b.present() {
			// Pulled out: an empty answer to a presence poll tells the
			// driver; a command gets no answer and the connection closes.
			if n == 1 && buf[0] == ctlATR {
				_ = writeFrame(conn, nil)
			}
			return scard.ErrCardRemoved
		}
		if n == 1 {
			switch buf[0] {
			case ctlATR:
				b.markConnected()
				if err := writeFrame(conn, b.card.ATR()); err != nil {
					return err
				}
			case ctlReset:
				if r, ok := b.card.(interface{ Reset() }); ok {
					r.Reset()
				}
			case ctlPowerOn, ctlPowerOff:
			default:
				return fmt.Errorf("%w: unknown control code %02X", ErrFrame, buf[0])
			}
			continue
		}
		resp, err := b.card.Transmit(ctx, buf)
		if errors.Is(err, scard.ErrCardRemoved) || errors.Is(err, scard.ErrNoCard) {
			return err
		}
		if err != nil {
			resp = []byte{0x6F, 0x00} // no precise diagnosis
		}
		if err := writeFrame(conn, resp); err != nil {
			return err
		}
	}
}

func (b *Bridge) markConnected() {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.connected:
	default:
		close(b.connected)
	}
}

// readFrame reads one frame into buf (grown as needed) and returns its
// payload. An empty payload is malformed: the driver never sends one.
func readFrame(r io.Reader, buf []byte) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return buf[:0], err
	}
	n := int(binary.BigEndian.Uint16(hdr[:]))
	if n == 0 {
		return buf[:0], fmt.Errorf("%w: empty payload", ErrFrame)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return buf[:0], fmt.Errorf("%w: truncated %d-byte payload: %w", ErrFrame, n, err)
	}
	return buf, nil
}

func writeFrame(w io.Writer, payload []byte) error {
	if len(payload) > 0xFFFF {
		return fmt.Errorf("%w: %d-byte payload", ErrFrame, len(payload))
	}
	frame := make([]byte, 2+len(payload))
	binary.BigEndian.PutUint16(frame, uint16(len(payload)))
	copy(frame[2:], payload)
	_, err := w.Write(frame)
	return err
}
