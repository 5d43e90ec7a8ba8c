package vpcd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/ciekit/ciekit/scard/cardsim"
)

// byteConn is a connection whose reads come from a fuzzer's bytes (then
// EOF) and whose writes are kept. serve calls only Read, Write and Close.
type byteConn struct {
	net.Conn
	r   *bytes.Reader
	out bytes.Buffer
}

func (c *byteConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *byteConn) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c *byteConn) Close() error                { return nil }

var fuzzCard = sync.OnceValue(func() *cardsim.CIE {
	c, err := cardsim.NewCIE(cardsim.CIEOptions{MRZ: specimenMRZ, CAN: mustCAN("123456"), KeyBits: 1024,
		Rand: cardsim.DeterministicRand(1), NIS: "123456789012"})
	if err != nil {
		panic(err)
	}
	return c
})

func frame(payload ...byte) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(payload))), payload...)
}

// FuzzServe drives the bridge's serve loop, the part that meets what
// pcscd's vpcd driver sends, with fuzzer frames in front of a simulated
// CIE: it never panics, ends with an error when the input ends or is
// malformed, and writes only well-formed frames, at most one per frame
// read.
func FuzzServe(f *testing.F) {
	f.Add(frame(ctlATR))
	f.Add(bytes.Join([][]byte{frame(ctlPowerOn), frame(ctlATR), frame(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01),
		frame(0x00, 0x84, 0x00, 0x00, 0x08), frame(ctlReset), frame(ctlPowerOff)}, nil))
	f.Add(frame(0x00, 0xB0, 0x81, 0x00, 0x0C))
	f.Add(frame(0x07))
	f.Add([]byte{0x00, 0x00})
	f.Add([]byte{0xFF, 0xFF, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		card := fuzzCard()
		b := &Bridge{card: card, connected: make(chan struct{})}
		conn := &byteConn{r: bytes.NewReader(in)}
		err := b.serve(context.Background(), conn)
		if err == nil {
			t.Fatal("serve returned nil at the end of the input")
		}
		frames := 0
		for len(in) >= 2 {
			n := int(binary.BigEndian.Uint16(in))
			in = in[min(2+n, len(in)):]
			frames++
		}
		out := conn.out.Bytes()
		written := 0
		for len(out) > 0 {
			if len(out) < 2 {
				t.Fatalf("truncated frame header %x", out)
			}
			n := int(binary.BigEndian.Uint16(out))
			if len(out) < 2+n {
				t.Fatalf("frame of %d bytes with %d left", n, len(out)-2)
			}
			out = out[2+n:]
			written++
		}
		if written > frames {
			t.Fatalf("%d frames written for %d read", written, frames)
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrFrame) {
			t.Fatalf("serve ended with %v, want EOF or ErrFrame", err)
		}
	})
}
