package usbscan_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/usbscan"
)

// stream accepts every OUT transfer and answers IN transfers from a fixed
// byte stream, at most 64 bytes at a time.
type stream struct{ in []byte }

var errDrained = errors.New("stream drained")

func (s *stream) Control(context.Context, uint8, uint8, uint16, uint16, []byte) (int, error) {
	return 0, nil
}
func (s *stream) BulkOut(_ context.Context, p []byte) (int, error) { return len(p), nil }
func (s *stream) BulkIn(_ context.Context, p []byte) (int, error) {
	if len(s.in) == 0 {
		return 0, errDrained
	}
	n := copy(p[:min(len(p), 64)], s.in)
	s.in = s.in[n:]
	return n, nil
}

// FuzzDeviceStream feeds arbitrary device answers to the handshake and a
// capture: the driver must never panic, and must either fail or return a
// full-size image.
func FuzzDeviceStream(f *testing.F) {
	ok, _ := hexBytes(ackOK)
	nf, _ := hexBytes(ackNoFinger)
	f.Add(append(append([]byte{}, ok...), ok...))
	f.Add(append(append(append([]byte{0x55}, ok...), nf...), ok...))
	f.Add(append(append(append(append([]byte{}, ok...), ok...), ok...), dataPacket(0x08, make([]byte, 128))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s, err := usbscan.NewScanner(ctx, &stream{in: data}, usbscan.Options{PollInterval: time.Microsecond})
		if err != nil {
			return
		}
		c, err := s.Capture(ctx, biometric.FingerUnknown)
		if err != nil {
			if c != nil {
				t.Fatalf("Capture returned a capture with error %v", err)
			}
			return
		}
		if b := c.Image.Bounds(); b.Dx() != 256 || b.Dy() != 288 {
			t.Fatalf("Capture image %v, want 256x288", b)
		}
	})
}
