package vpcd

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/ciekit/ciekit/scard/ias"
)

const specimenMRZ = "C<ITACA00000AA4<<<<<<<<<<<<<<<" + "6412308F2212304ITA<<<<<<<<<<<0" + "ROSSI<<BIANCA<<<<<<<<<<<<<<<<<"

func newCIE(t *testing.T) *cardsim.CIE {
	t.Helper()
	c, err := cardsim.NewCIE(cardsim.CIEOptions{MRZ: specimenMRZ, CAN: mustCAN("123456"), KeyBits: 1024,
		Rand: cardsim.DeterministicRand(1), Personal: emrtd.DG11{}, NIS: "123456789012"})
	require.NoError(t, err)
	return c
}

// driver is the vpcd side of the protocol on a loopback listener.
type driver struct {
	t *testing.T
	l net.Listener
}

func newDriver(t *testing.T) *driver {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return &driver{t: t, l: l}
}

func (d *driver) accept() net.Conn {
	d.t.Helper()
	require.NoError(d.t, d.l.(*net.TCPListener).SetDeadline(time.Now().Add(5*time.Second)))
	c, err := d.l.Accept()
	require.NoError(d.t, err)
	d.t.Cleanup(func() { c.Close() })
	return c
}

func send(t *testing.T, c net.Conn, payload []byte) {
	t.Helper()
	require.NoError(t, writeFrame(c, payload))
}

func recv(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	_, err := io.ReadFull(c, b)
	return b, err
}

func TestBridgeProtocol(t *testing.T) {
	t.Parallel()
	card := newCIE(t)
	d := newDriver(t)
	b := Start(t.Context(), d.l.Addr().String(), card, nil)
	defer b.Close()
	c := d.accept()

	send(t, c, []byte{ctlPowerOn})
	send(t, c, []byte{ctlATR})
	atr, err := recv(t, c)
	require.NoError(t, err)
	assert.Equal(t, card.ATR(), atr)
	require.NoError(t, b.WaitConnected(t.Context()))

	// SELECT the IAS application, then READ BINARY the NIS by SFI.
	send(t, c, append([]byte{0x00, 0xA4, 0x04, 0x0C, byte(len(ias.AID()))}, ias.AID()...))
	resp, err := recv(t, c)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x90, 0x00}, resp)
	send(t, c, append([]byte{0x00, 0xA4, 0x04, 0x0C, byte(len(ias.AIDCIE()))}, ias.AIDCIE()...))
	_, err = recv(t, c)
	require.NoError(t, err)
	send(t, c, []byte{0x00, 0xB0, 0x81, 0x00, 0x0C})
	resp, err = recv(t, c)
	require.NoError(t, err)
	assert.Equal(t, append([]byte("123456789012"), 0x90, 0x00), resp)
}

func TestBridgeRemovalAndReinsertion(t *testing.T) {
	t.Parallel()
	card := newCIE(t)
	d := newDriver(t)
	b := Start(t.Context(), d.l.Addr().String(), card, &Options{Retry: 10 * time.Millisecond})
	defer b.Close()
	c := d.accept()
	send(t, c, []byte{ctlATR})
	_, err := recv(t, c)
	require.NoError(t, err)

	card.Remove()
	send(t, c, []byte{ctlATR})
	atr, err := recv(t, c)
	require.NoError(t, err)
	assert.Empty(t, atr, "an empty ATR tells the driver the card is gone")
	_, err = recv(t, c)
	assert.Error(t, err, "then the connection closes")

	card.Insert()
	c2 := d.accept()
	send(t, c2, []byte{ctlATR})
	atr, err = recv(t, c2)
	require.NoError(t, err)
	assert.Equal(t, card.ATR(), atr)

	// A card pulled out mid-command: no answer, the connection closes.
	card.Remove()
	send(t, c2, []byte{0x00, 0x84, 0x00, 0x00, 0x08})
	_, err = recv(t, c2)
	assert.Error(t, err)
	assert.ErrorIs(t, b.Err(), scard.ErrCardRemoved)
}

func TestBridgeCloseAndCancel(t *testing.T) {
	t.Parallel()
	d := newDriver(t)
	ctx, cancel := context.WithCancel(t.Context())
	b := Start(ctx, d.l.Addr().String(), newCIE(t), nil)
	c := d.accept()
	cancel()
	_, err := recv(t, c)
	assert.Error(t, err, "cancelling ctx disconnects the card")
	require.NoError(t, b.Close())

	// A bridge whose driver is absent keeps retrying until closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	b = Start(t.Context(), addr, newCIE(t), &Options{Retry: 5 * time.Millisecond})
	wctx, wcancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer wcancel()
	assert.ErrorIs(t, b.WaitConnected(wctx), context.DeadlineExceeded)
	assert.Error(t, b.Err())
	require.NoError(t, b.Close())
}

func TestBridgeBadFrames(t *testing.T) {
	t.Parallel()
	d := newDriver(t)
	b := Start(t.Context(), d.l.Addr().String(), newCIE(t), &Options{Retry: time.Hour})
	defer b.Close()
	c := d.accept()
	send(t, c, []byte{0x07}) // unknown control code
	_, err := recv(t, c)
	assert.Error(t, err)
	assert.ErrorIs(t, b.Err(), ErrFrame)
}

// mustCAN returns the CAN for 6 digits, or panics.
func mustCAN(digits string) emrtd.CAN {
	c, err := emrtd.NewCAN(digits)
	if err != nil {
		panic(err)
	}
	return c
}
