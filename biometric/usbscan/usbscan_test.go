package usbscan_test

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/biometric"
	"github.com/ciekit/ciekit/biometric/scansim"
	"github.com/ciekit/ciekit/biometric/usbscan"
)

var updateUSB = flag.Bool("update-usb", false, "rewrite testdata/r307-capture.usb and .png from a synthetic print")

// Packages written out byte by byte from the R307/R503 manuals (section 4
// package format, section 5 instruction tables), independently of the
// driver's encoder. Address FFFFFFFF is the factory default.
const (
	// VfyPwd (0x13) with password 00000000: length 0007, checksum
	// 01+00+07+13 = 001B.
	pkVfyPwd = "ef01ffffffff010007130000000000 1b"
	// GenImg (0x01): length 0003, checksum 01+00+03+01 = 0005.
	pkGenImg = "ef01ffffffff0100030100 05"
	// UpImage (0x0A): checksum 01+00+03+0A = 000E.
	pkUpImage = "ef01ffffffff0100030a00 0e"
	// Acknowledge with confirmation 00: checksum 07+00+03+00 = 000A.
	ackOK = "ef01ffffffff0700030000 0a"
	// Acknowledge with confirmation 02 (no finger): checksum 000C.
	ackNoFinger = "ef01ffffffff0700030200 0c"
	// Acknowledge with confirmation 13 (wrong password): checksum 001D.
	ackWrongPassword = "ef01ffffffff0700031300 1d"
)

// bridgeSetup is the CP210x configuration of AN571 section 5: enable the
// interface, 57600 baud (0000E100 little-endian), 8N1, DTR+RTS, purge.
const bridgeSetup = `ctrl 41 00 0001 0000           # IFC_ENABLE: UART on
ctrl 41 1e 0000 0000 00e10000  # SET_BAUDRATE 57600
ctrl 41 03 0800 0000           # SET_LINE_CTL: 8 data bits, no parity, 1 stop bit
ctrl 41 07 0303 0000           # SET_MHS: DTR and RTS on
ctrl 41 12 000f 0000           # PURGE: clear the queues
`

const handshake = bridgeSetup + "out " + pkVfyPwd + "  # VfyPwd 00000000\nin " + ackOK + "  # confirmation 00: password verified\n"

// dataPacket encodes a data (02) or end-of-data (08) package by hand.
func dataPacket(pid byte, content []byte) []byte {
	n := len(content) + 2
	b := []byte{0xef, 0x01, 0xff, 0xff, 0xff, 0xff, pid, byte(n >> 8), byte(n)}
	b = append(b, content...)
	sum := int(pid) + n>>8 + n&0xff
	for _, c := range content {
		sum += int(c)
	}
	return binary.BigEndian.AppendUint16(b, uint16(sum))
}

// writeCaptureTranscript records the session of one capture of img (which
// must be 256x288) as a CP210x bridge would deliver it: the module's
// byte stream cut into bulk IN transfers of at most 64 bytes.
func writeCaptureTranscript(img *image.Gray) string {
	var b strings.Builder
	b.WriteString("# Grow R307 module behind a CP210x bridge: handshake, two polls with no finger, one capture.\n")
	b.WriteString("# Built from the R307/R503 user manuals (sections 4, 5) and Silicon Labs AN571; see usbscan_test.go.\n")
	b.WriteString(handshake)
	for range 2 {
		b.WriteString("out " + pkGenImg + "  # GenImg\nin " + ackNoFinger + "  # confirmation 02: no finger\n")
	}
	b.WriteString("out " + pkGenImg + "  # GenImg\nin " + ackOK + "  # confirmation 00: image captured\n")
	b.WriteString("out " + pkUpImage + "  # UpImage\n")
	// The acknowledgement and the image data arrive as one stream.
	ack, _ := hexBytes(ackOK)
	stream := append([]byte(nil), ack...)
	raw := make([]byte, 0, 256*288/2)
	for i := 0; i < len(img.Pix); i += 2 {
		raw = append(raw, img.Pix[i]&0xf0|img.Pix[i+1]>>4)
	}
	for off := 0; off < len(raw); off += 128 {
		pid := byte(0x02)
		if off+128 >= len(raw) {
			pid = 0x08
		}
		stream = append(stream, dataPacket(pid, raw[off:min(off+128, len(raw))])...)
	}
	b.WriteString("# acknowledgement 00, then 288 data packages of 128 bytes (two 4-bit pixels each), the last one end-of-data (08)\n")
	for off := 0; off < len(stream); off += 64 {
		fmt.Fprintf(&b, "in %x\n", stream[off:min(off+64, len(stream))])
	}
	return b.String()
}

func hexBytes(s string) ([]byte, error) {
	var out []byte
	for _, f := range strings.Fields(s) {
		var b []byte
		if _, err := fmt.Sscanf(f, "%x", &b); err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// TestReplayCapture replays a recorded capture and checks the image.
func TestReplayCapture(t *testing.T) {
	t.Parallel()
	if *updateUSB {
		im := scansim.Generate(2026, 256, 288)
		img := im.Image
		for i, p := range img.Pix {
			img.Pix[i] = p >> 4 * 17 // the module sends 4-bit pixels
		}
		require.NoError(t, os.WriteFile("testdata/r307-capture.usb", []byte(writeCaptureTranscript(img)), 0o644))
		w, err := os.Create("testdata/r307-capture.png")
		require.NoError(t, err)
		require.NoError(t, png.Encode(w, img))
		require.NoError(t, w.Close())
	}
	r := newReplay(t, readTranscript(t, "r307-capture.usb"))
	ctx := t.Context()
	s, err := usbscan.NewScanner(ctx, r, usbscan.Options{PollInterval: time.Millisecond})
	require.NoError(t, err)
	c, err := s.Capture(ctx, biometric.LeftIndex)
	require.NoError(t, err)
	r.done()

	f, err := os.Open("testdata/r307-capture.png")
	require.NoError(t, err)
	defer f.Close()
	want, err := png.Decode(f)
	require.NoError(t, err)
	wg, ok := want.(*image.Gray)
	require.True(t, ok, "golden image is %T", want)
	assert.Equal(t, wg.Rect, c.Image.Rect)
	assert.Equal(t, wg.Pix, c.Image.Pix, "captured image differs from testdata/r307-capture.png")
	assert.Equal(t, 500, c.Resolution)
	assert.Equal(t, biometric.LeftIndex, c.Finger)
	assert.Equal(t, biometric.FeedbackGood, c.Feedback, "feedback on a full synthetic print")
	assert.Positive(t, c.Quality)
	require.NoError(t, s.Close())
}

func TestReplayErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		transcript string
		capture    bool
		check      func(t *testing.T, err error)
	}{
		{"wrong password", bridgeSetup + "out " + pkVfyPwd + "\nin " + ackWrongPassword + "\n", false, func(t *testing.T, err error) {
			require.ErrorIs(t, err, usbscan.ErrPassword)
			me, ok := errors.AsType[*usbscan.ModuleError](err)
			require.True(t, ok)
			assert.Equal(t, byte(0x13), me.Code)
			assert.NotContains(t, err.Error(), "00000000", "password in the error")
		}},
		{"bad checksum", bridgeSetup + "out " + pkVfyPwd + "\nin ef01ffffffff0700030000 0b\n", false, func(t *testing.T, err error) {
			require.ErrorIs(t, err, usbscan.ErrProtocol)
			assert.Contains(t, err.Error(), "checksum")
		}},
		{"bad header", bridgeSetup + "out " + pkVfyPwd + "\nin ef02ffffffff0700030000 0a\n", false, func(t *testing.T, err error) {
			require.ErrorIs(t, err, usbscan.ErrProtocol)
		}},
		{"ready byte and split acknowledgement", handshake[:strings.LastIndex(handshake, "in ")] + "in 55ef01ff\nin ffffff07\nin 00030000\nin 0a\n" +
			"out " + pkGenImg + "\nin " + ackOK + "\nout " + pkUpImage + "\nin " + ackOK + "\nin " + fmt.Sprintf("%x", dataPacket(0x08, make([]byte, 40))) + "\n",
			true, func(t *testing.T, err error) {
				require.ErrorIs(t, err, usbscan.ErrProtocol)
				assert.Contains(t, err.Error(), "image data of 40 bytes, want 36864")
			}},
		{"device gone during capture", handshake + "out " + pkGenImg + "\n", true, func(t *testing.T, err error) {
			require.ErrorIs(t, err, biometric.ErrDeviceGone)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReplay(t, tc.transcript)
			r.fail = fmt.Errorf("replay: %w", biometric.ErrDeviceGone)
			ctx := t.Context()
			s, err := usbscan.NewScanner(ctx, r, usbscan.Options{PollInterval: time.Millisecond})
			if tc.capture {
				require.NoError(t, err)
				_, err = s.Capture(ctx, biometric.RightThumb)
			}
			require.Error(t, err)
			tc.check(t, err)
			r.done()
		})
	}
}

func TestReplayNoFinger(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(handshake)
	for range 1000 {
		b.WriteString("out " + pkGenImg + "\nin " + ackNoFinger + "\n")
	}
	r := newReplay(t, b.String())
	s, err := usbscan.NewScanner(t.Context(), r, usbscan.Options{PollInterval: 5 * time.Millisecond})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Millisecond)
	defer cancel()
	_, err = s.Capture(ctx, biometric.RightThumb)
	require.ErrorIs(t, err, biometric.ErrNoFinger)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Greater(t, r.pos, 8, "GenImg polled a few times")
}

// TestResync checks that after an exchange cut short the driver purges
// the bridge before its next command, and carries on.
func TestResync(t *testing.T) {
	t.Parallel()
	tr := handshake +
		"out " + pkGenImg + "\nerr  # the acknowledgement is lost\n" +
		"ctrl 41 12 000f 0000  # PURGE before the next command\n" +
		"out " + pkGenImg + "\nin " + ackNoFinger + "\n" +
		"out " + pkGenImg + "\nin " + ackOK + "\nout " + pkUpImage + "\nin " + ackOK + "\nerr  # the image stream breaks\n" +
		"ctrl 41 12 000f 0000\n" +
		"out " + pkGenImg + "\nin " + ackNoFinger + "\n"
	r := newReplay(t, tr)
	r.fail = context.DeadlineExceeded
	s, err := usbscan.NewScanner(t.Context(), r, usbscan.Options{PollInterval: time.Millisecond})
	require.NoError(t, err)
	_, err = s.Capture(t.Context(), biometric.RightThumb)
	require.ErrorIs(t, err, errTransient)
	_, err = s.Capture(t.Context(), biometric.RightThumb)
	require.ErrorIs(t, err, errTransient)
	// Third capture: purge, one poll without a finger, then the recording
	// ends (the replay reports a timeout).
	_, err = s.Capture(t.Context(), biometric.RightThumb)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	r.done()
}

func TestKnown(t *testing.T) {
	t.Parallel()
	k := usbscan.Known()
	require.NotEmpty(t, k)
	seen := map[usbscan.DeviceID]bool{}
	drivers := 0
	for _, d := range k {
		assert.False(t, seen[d.ID], "duplicate %v", d.ID)
		seen[d.ID] = true
		if d.Driver != "" {
			drivers++
		}
	}
	assert.Equal(t, 1, drivers)
	assert.Equal(t, "10c4:ea60", k[0].ID.String())
	k[0].Name = "changed"
	assert.NotEqual(t, "changed", usbscan.Known()[0].Name, "Known returns a copy")

	_, err := usbscan.Open(t.Context(), usbscan.DeviceInfo{ID: usbscan.DeviceID{Vendor: 0x05ba, Product: 0x000a}}, usbscan.Options{})
	require.ErrorIs(t, err, usbscan.ErrUnsupportedDevice)
}

// TestDevices enumerates the real bus. It only checks that enumeration
// works where libusb is usable, and skips otherwise.
func TestDevices(t *testing.T) {
	devs, err := usbscan.Devices(t.Context())
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("usbscan: %v", err)
	}
	if err != nil {
		t.Skipf("libusb unavailable here: %v", err)
	}
	for _, d := range devs {
		t.Logf("found %v (%s) on bus %d address %d, driver %q", d.ID, d.Name, d.Bus, d.Address, d.Driver)
	}
}
