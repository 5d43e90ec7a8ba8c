package usbscan

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciekit/ciekit/biometric"
)

// Grow / ZFM packet protocol (R307 and R503 user manuals, section 4).
const (
	pktCommand = 0x01
	pktData    = 0x02
	pktAck     = 0x07
	pktEnd     = 0x08

	insGenImg  = 0x01
	insUpImage = 0x0A
	insVfyPwd  = 0x13

	codeOK            = 0x00
	codeNoFinger      = 0x02
	codeWrongPassword = 0x13

	readyByte  = 0x55 // sent once by some modules after power-on
	maxContent = 256  // largest package content the manuals allow
	readChunk  = 64   // bulk IN request size: the CP210x max packet
)

func codeText(c byte) string {
	switch c {
	case 0x01:
		return "error receiving the package"
	case 0x02:
		return "no finger on the sensor"
	case 0x03:
		return "failed to capture the image"
	case 0x0F:
		return "error uploading the image"
	case 0x13:
		return "wrong password"
	case 0x15:
		return "no valid image in the buffer"
	case 0x21:
		return "password must be verified"
	default:
		return "see the module manual"
	}
}

// closeTransport is a Transport that owns a device.
type closeTransport interface {
	Transport
	Close() error
}

// Scanner drives one Grow/ZFM fingerprint module. It implements
// [biometric.Scanner]. It is safe for concurrent use; one capture runs at
// a time and a capture started meanwhile fails with
// [biometric.ErrScannerBusy].
type Scanner struct {
	t      Transport
	closer io.Closer
	info   DeviceInfo
	opts   Options

	busy   sync.Mutex
	closed atomic.Bool // Close was called: captures fail with ErrDeviceGone
	dirty  bool        // an exchange was cut short: purge before the next one
	in     []byte      // received bytes not yet consumed
	rbuf   [readChunk]byte
}

// NewScanner configures the CP210x bridge behind t, performs the module
// handshake (VfyPwd) and returns a Scanner using t. It does not take
// ownership of t: Close then only ends the Scanner's use of it. Errors: transport errors,
// [ErrProtocol], [ErrPassword] (a [*ModuleError]) or another
// [*ModuleError], ctx.Err().
func NewScanner(ctx context.Context, t Transport, opts Options) (*Scanner, error) {
	opts.defaults()
	if m := opts.Model; m.Width <= 0 || m.Height <= 0 || m.Width*m.Height%2 != 0 || m.Resolution <= 0 {
		return nil, fmt.Errorf("usbscan: model %q: %dx%d pixels at %d dpi is not a valid 4-bit image geometry", m.Name, m.Width, m.Height, m.Resolution)
	}
	s := &Scanner{t: t, opts: opts}
	if err := setupCP210x(ctx, t, opts.Baud); err != nil {
		return nil, err
	}
	pw := binary.BigEndian.AppendUint32(nil, opts.Password)
	if _, err := s.command(ctx, insVfyPwd, pw...); err != nil {
		return nil, fmt.Errorf("module handshake: %w", err)
	}
	return s, nil
}

// Info returns the device the Scanner was opened on (zero for
// NewScanner).
func (s *Scanner) Info() DeviceInfo { return s.info }

// Model returns the sensor geometry in use.
func (s *Scanner) Model() Model { return s.opts.Model }

// Close ends the Scanner: later captures fail with
// [biometric.ErrDeviceGone]. It releases the device if [Open] opened it
// (a transport given to [NewScanner] stays the caller's to close).
func (s *Scanner) Close() error {
	if s.closed.Swap(true) || s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// Capture implements [biometric.Scanner]: it asks the module to take an
// image (GenImg) until a finger is on the sensor, polling every
// Options.PollInterval, then uploads it (UpImage) and returns it as 8-bit
// gray with feedback from [biometric.AssessImage] (the module gives none). The
// finger position is only copied into the result. Errors: an error
// matching [biometric.ErrNoFinger] and ctx.Err() if ctx ends before a
// finger is placed; ctx.Err() during the upload;
// [biometric.ErrScannerBusy]; [biometric.ErrDeviceGone] and other
// transport errors; [ErrProtocol]; [*ModuleError].
func (s *Scanner) Capture(ctx context.Context, finger biometric.FingerPosition) (*biometric.Capture, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("usbscan: scanner closed: %w", biometric.ErrDeviceGone)
	}
	if !s.busy.TryLock() {
		return nil, biometric.ErrScannerBusy
	}
	defer s.busy.Unlock()
	for {
		_, err := s.command(ctx, insGenImg)
		if err == nil {
			break
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// The deadline fell inside a GenImg exchange: still no finger.
			return nil, fmt.Errorf("%w: %w", biometric.ErrNoFinger, ctx.Err())
		}
		var me *ModuleError
		if !errors.As(err, &me) || me.Code != codeNoFinger {
			return nil, err
		}
		t := time.NewTimer(s.opts.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w: %w", biometric.ErrNoFinger, ctx.Err())
		case <-t.C:
		}
	}
	if _, err := s.command(ctx, insUpImage); err != nil {
		return nil, err
	}
	m := s.opts.Model
	want := m.Width * m.Height / 2
	raw := make([]byte, 0, want)
	for {
		pid, content, err := s.readPacket(ctx)
		if err != nil {
			s.dirty = true
			return nil, fmt.Errorf("reading the image: %w", err)
		}
		if pid != pktData && pid != pktEnd {
			s.dirty = true
			return nil, fmt.Errorf("%w: package identifier %#02x inside the image data", ErrProtocol, pid)
		}
		if len(raw)+len(content) > want {
			s.dirty = true
			return nil, fmt.Errorf("%w: image data longer than %d bytes", ErrProtocol, want)
		}
		raw = append(raw, content...)
		if pid == pktEnd {
			break
		}
	}
	if len(raw) != want {
		return nil, fmt.Errorf("%w: image data of %d bytes, want %d for %dx%d", ErrProtocol, len(raw), want, m.Width, m.Height)
	}
	img := image.NewGray(image.Rect(0, 0, m.Width, m.Height))
	for i, b := range raw {
		img.Pix[2*i] = (b >> 4) * 17
		img.Pix[2*i+1] = (b & 0x0f) * 17
	}
	fb, q := biometric.AssessImage(img)
	return &biometric.Capture{Image: img, Resolution: m.Resolution, Finger: finger, Quality: q, Feedback: fb}, nil
}

// command sends a command package and reads the acknowledgement. It
// returns the acknowledgement's parameters; a non-zero confirmation code
// is a *ModuleError.
//
// After an exchange cut short (a transport or protocol error, ctx ending)
// the byte stream may hold the rest of an answer, so the next command
// first drops what is buffered and purges the bridge's queues.
func (s *Scanner) command(ctx context.Context, ins byte, params ...byte) (ack []byte, err error) {
	if s.dirty {
		s.in = nil
		if _, err := s.t.Control(ctx, cpRequestOut, cpPurge, 0x000f, 0, nil); err != nil {
			return nil, fmt.Errorf("purging the CP210x bridge: %w", err)
		}
		s.dirty = false
	}
	defer func() {
		var me *ModuleError
		if err != nil && !errors.As(err, &me) {
			s.dirty = true
		}
	}()
	content := append([]byte{ins}, params...)
	if err := s.writePacket(ctx, pktCommand, content); err != nil {
		return nil, err
	}
	pid, ack, err := s.readPacket(ctx)
	if err != nil {
		return nil, err
	}
	if pid != pktAck || len(ack) < 1 {
		return nil, fmt.Errorf("%w: answer to instruction %#02x has package identifier %#02x, %d bytes", ErrProtocol, ins, pid, len(ack))
	}
	if ack[0] != codeOK {
		return nil, &ModuleError{Instruction: ins, Code: ack[0]}
	}
	return ack[1:], nil
}

// appendPacket encodes one package.
func appendPacket(b []byte, addr uint32, pid byte, content []byte) []byte {
	b = append(b, 0xEF, 0x01)
	b = binary.BigEndian.AppendUint32(b, addr)
	n := uint16(len(content) + 2)
	b = append(b, pid)
	b = binary.BigEndian.AppendUint16(b, n)
	b = append(b, content...)
	sum := uint16(pid) + n>>8 + n&0xff
	for _, c := range content {
		sum += uint16(c)
	}
	return binary.BigEndian.AppendUint16(b, sum)
}

func (s *Scanner) writePacket(ctx context.Context, pid byte, content []byte) error {
	p := appendPacket(nil, s.opts.Address, pid, content)
	for len(p) > 0 {
		n, err := s.t.BulkOut(ctx, p)
		if err != nil {
			return err
		}
		if n <= 0 {
			return fmt.Errorf("%w: bulk OUT wrote nothing", ErrProtocol)
		}
		p = p[n:]
	}
	return nil
}

// fill reads until at least n bytes are buffered.
func (s *Scanner) fill(ctx context.Context, n int) error {
	for len(s.in) < n {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := s.t.BulkIn(ctx, s.rbuf[:])
		if err != nil {
			return err
		}
		s.in = append(s.in, s.rbuf[:k]...)
	}
	return nil
}

func (s *Scanner) take(n int) []byte {
	v := append([]byte(nil), s.in[:n]...)
	s.in = s.in[n:]
	if len(s.in) == 0 {
		s.in = s.in[:0:0]
	}
	return v
}

// readPacket reads one package, checking header, address, length and
// checksum.
func (s *Scanner) readPacket(ctx context.Context) (pid byte, content []byte, err error) {
	for {
		if err := s.fill(ctx, 1); err != nil {
			return 0, nil, err
		}
		if s.in[0] != readyByte {
			break
		}
		s.in = s.in[1:]
	}
	if err := s.fill(ctx, 9); err != nil {
		return 0, nil, err
	}
	h := s.take(9)
	if h[0] != 0xEF || h[1] != 0x01 {
		return 0, nil, fmt.Errorf("%w: package header % x, want ef 01", ErrProtocol, h[:2])
	}
	if a := binary.BigEndian.Uint32(h[2:]); a != s.opts.Address {
		return 0, nil, fmt.Errorf("%w: package from address %#08x, want %#08x", ErrProtocol, a, s.opts.Address)
	}
	pid = h[6]
	n := int(binary.BigEndian.Uint16(h[7:]))
	if n < 2 || n > maxContent+2 {
		return 0, nil, fmt.Errorf("%w: package length %d outside 2..%d", ErrProtocol, n, maxContent+2)
	}
	if err := s.fill(ctx, n); err != nil {
		return 0, nil, err
	}
	body := s.take(n)
	content = body[:n-2]
	sum := uint16(pid) + uint16(n>>8) + uint16(n&0xff)
	for _, c := range content {
		sum += uint16(c)
	}
	if got := binary.BigEndian.Uint16(body[n-2:]); got != sum {
		return 0, nil, fmt.Errorf("%w: package checksum %#04x, computed %#04x", ErrProtocol, got, sum)
	}
	return pid, content, nil
}
