// Package usbscan finds fingerprint scanners on USB and drives the ones
// whose protocol is publicly documented.
//
// [Devices] lists attached devices found in a table of known fingerprint
// scanner and bridge IDs ([Known]); [Open] opens one and returns a
// [*Scanner] that implements [biometric.Scanner].
//
// # Supported devices
//
// The driven family is the optical fingerprint modules of Hangzhou Grow
// Technology (R300-series such as the R305 and R307) and the ZhianTec ZFM
// and Synochip AS60x modules that share their serial protocol, attached
// through a Silicon Labs CP210x USB-to-UART bridge (10c4:ea60), as they
// are sold in USB kits. Both layers are publicly documented:
//
//   - the bridge by Silicon Labs application note AN571, "CP210x Virtual
//     COM Port Interface" (vendor control requests IFC_ENABLE 0x00,
//     SET_LINE_CTL 0x03, SET_MHS 0x07, SET_BAUDRATE 0x1E; UART data on the
//     bulk endpoints);
//   - the module by its user manual (Hangzhou Grow Technology, "R307
//     Fingerprint Module User Manual", and the R503 manual, section 4
//     "Communication Protocol" and 5 "Module Instruction System"): packets
//     EF01 | address (4) | identifier (1: command, 2: data, 7:
//     acknowledge, 8: end of data) | length (2) | content | checksum (2,
//     the sum of identifier, length and content bytes); instructions
//     VfyPwd 0x13, GenImg 0x01 (confirmation 0x02: no finger) and UpImage
//     0x0A, which streams the image as data packets with two 4-bit pixels
//     per byte (high nibble first), 256 x 288 pixels at 500 dpi for the
//     R30x.
//
// These modules are slow: at the default 57600 baud an R307 image (36,864
// bytes of pixel data in 288 packages) takes about 6.5 seconds to upload.
// A module configured for 115200 baud (SetSysPara, then a power cycle, as
// the manual requires) halves that with Options.Baud = 115200.
//
// Other known scanners (DigitalPersona U.are.U 4000/4000B, Microsoft
// fingerprint readers, Validity/Synaptics, FocalTech) are listed by
// [Devices] with Driver "" and refused by [Open]: their protocols are only
// known from reverse engineering.
//
// The protocol logic is pure Go over the small [Transport] interface, so
// it is tested by replaying a recorded USB session (testdata/*.usb) with no
// hardware; [NewScanner] runs it over any Transport. Only the thin adapter
// that implements Transport with github.com/google/gousb needs cgo and
// libusb-1.0 (Debian: libusb-1.0-0-dev); without cgo, or with the
// ciekit_nousb build tag, [Devices] and [Open] return an error wrapping
// errors.ErrUnsupported. No gousb type appears in this API.
package usbscan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/biometric"
)

// DeviceID is a USB vendor and product ID pair.
type DeviceID struct {
	Vendor, Product uint16
}

// String returns the ID as lsusb prints it, "10c4:ea60".
func (id DeviceID) String() string { return fmt.Sprintf("%04x:%04x", id.Vendor, id.Product) }

// KnownDevice is an entry of the table of known devices.
type KnownDevice struct {
	ID   DeviceID
	Name string
	// Driver names the protocol this package speaks to the device, or ""
	// when the device is only recognised.
	Driver string
}

// Driver names.
const (
	// DriverGrowCP210x is a Grow R30x / ZFM / AS60x module behind a CP210x
	// bridge. The bridge ID is generic, so Open checks that a module
	// answers the handshake before returning.
	DriverGrowCP210x = "grow-cp210x"
)

var known = [...]KnownDevice{
	{DeviceID{0x10c4, 0xea60}, "Silicon Labs CP210x UART bridge (Grow R30x / ZFM / AS60x module kits)", DriverGrowCP210x},
	// IDs below from libfprint's driver tables (uru4000, vfs0090, ft9201).
	{DeviceID{0x05ba, 0x0007}, "DigitalPersona U.are.U 4000", ""},
	{DeviceID{0x05ba, 0x0008}, "DigitalPersona U.are.U 4000 (keyboard)", ""},
	{DeviceID{0x05ba, 0x000a}, "DigitalPersona U.are.U 4000B", ""},
	{DeviceID{0x045e, 0x00bb}, "Microsoft keyboard with fingerprint reader", ""},
	{DeviceID{0x045e, 0x00bc}, "Microsoft IntelliMouse with fingerprint reader", ""},
	{DeviceID{0x045e, 0x00bd}, "Microsoft fingerprint reader", ""},
	{DeviceID{0x045e, 0x00ca}, "Microsoft fingerprint reader v2", ""},
	{DeviceID{0x138a, 0x0090}, "Validity VFS7500 (Synaptics)", ""},
	{DeviceID{0x138a, 0x0097}, "Validity VFS0097 (Synaptics)", ""},
	{DeviceID{0x2808, 0x93a9}, "FocalTech FT9201", ""},
}

var _ biometric.Scanner = (*Scanner)(nil)

// Known returns the table of known devices, a fresh copy on each call.
func Known() []KnownDevice { return append([]KnownDevice(nil), known[:]...) }

// Lookup returns the known-device entry for a USB vendor and product ID.
func Lookup(id DeviceID) (KnownDevice, bool) {
	for _, k := range known {
		if k.ID == id {
			return k, true
		}
	}
	return KnownDevice{}, false
}

// DeviceInfo describes an attached device from the known table.
type DeviceInfo struct {
	ID      DeviceID
	Bus     int // USB bus number
	Address int // device address on the bus
	Name    string
	Driver  string // "" when the device is recognised but not supported
}

// Errors.
var (
	// ErrUnsupportedDevice is returned by Open for a device without a
	// driver in this package.
	ErrUnsupportedDevice = errors.New("usbscan: unsupported device")
	// ErrNotFound is returned by Open when the device is no longer
	// attached.
	ErrNotFound = errors.New("usbscan: device not found")
	// ErrProtocol reports a malformed or unexpected answer from the
	// device (bad header, checksum or packet sequence).
	ErrProtocol = errors.New("usbscan: protocol error")
	// ErrPassword reports that the module refused the handshake password.
	ErrPassword = errors.New("usbscan: module password refused")
)

// ModuleError is a confirmation code other than success from a Grow/ZFM
// module: Code is the code (manual section 4, "confirmation code") and
// Instruction the instruction that earned it. A *ModuleError for code 0x13
// (wrong password) unwraps to [ErrPassword].
type ModuleError struct {
	Instruction byte
	Code        byte
}

func (e *ModuleError) Error() string {
	return fmt.Sprintf("usbscan: module instruction %#02x: confirmation code %#02x (%s)", e.Instruction, e.Code, codeText(e.Code))
}

// Unwrap returns ErrPassword for code 0x13, nil otherwise.
func (e *ModuleError) Unwrap() error {
	if e.Code == codeWrongPassword {
		return ErrPassword
	}
	return nil
}

// Transport is the USB access a driver needs: control transfers on the
// default endpoint and one pair of bulk endpoints. Implementations are the
// gousb adapter of [Open] and, in tests, a replay of a recorded session.
// BulkIn may return fewer bytes than len(p), as a USB read does.
type Transport interface {
	Control(ctx context.Context, requestType, request uint8, value, index uint16, data []byte) (int, error)
	BulkOut(ctx context.Context, p []byte) (int, error)
	BulkIn(ctx context.Context, p []byte) (int, error)
}

// Model is the sensor geometry of a Grow/ZFM module.
type Model struct {
	Name          string
	Width, Height int // image size in pixels
	Resolution    int // pixels per inch
}

// R307 returns the geometry of the Grow R305/R307 and ZhianTec ZFM-20
// family: 256 x 288 pixels at 500 dpi (R307 user manual: "Image Buffer ...
// 256*288 pixels").
func R307() Model { return Model{Name: "R307", Width: 256, Height: 288, Resolution: 500} }

// R503 returns the geometry of the Grow R503 round module: 192 x 192
// pixels at 508 dpi (R503 user manual, section 1).
func R503() Model { return Model{Name: "R503", Width: 192, Height: 192, Resolution: 508} }

// Options configures [Open] and [NewScanner]. The zero value is valid.
type Options struct {
	// Model is the sensor geometry; the zero Model means R307().
	Model Model
	// Address is the module address; zero means the factory default
	// 0xFFFFFFFF.
	Address uint32
	// Password is the handshake password (factory default 0). It is never
	// logged or put in errors.
	Password uint32
	// Baud is the UART speed; zero means 57600, the modules' default.
	Baud int
	// PollInterval is the pause between GenImg attempts while no finger
	// is on the sensor; zero means 100 ms.
	PollInterval time.Duration
}

func (o *Options) defaults() {
	if o.Model.Width == 0 {
		o.Model = R307()
	}
	if o.Address == 0 {
		o.Address = 0xFFFFFFFF
	}
	if o.Baud == 0 {
		o.Baud = 57600
	}
	if o.PollInterval == 0 {
		o.PollInterval = 100 * time.Millisecond
	}
}

// Devices lists the attached USB devices that appear in the known table.
// Without USB support (no cgo, or the ciekit_nousb tag) it returns an
// error wrapping errors.ErrUnsupported; a libusb failure is returned
// wrapped.
func Devices(ctx context.Context) ([]DeviceInfo, error) {
	return listDevices(ctx)
}

// Open opens the device d (from [Devices]), configures it and checks that
// a fingerprint module answers. Errors: [ErrUnsupportedDevice] for a
// device without a driver, [ErrNotFound] if it is gone, [ErrPassword],
// [ErrProtocol] or a [*ModuleError] from the handshake, an error wrapping
// errors.ErrUnsupported without USB support. The caller must Close the
// Scanner.
func Open(ctx context.Context, d DeviceInfo, opts Options) (*Scanner, error) {
	if d.Driver != DriverGrowCP210x {
		return nil, fmt.Errorf("%w: %s (%s)", ErrUnsupportedDevice, d.ID, d.Name)
	}
	t, err := openTransport(ctx, d)
	if err != nil {
		return nil, err
	}
	s, err := NewScanner(ctx, t, opts)
	if err != nil {
		return nil, errors.Join(err, t.Close())
	}
	s.closer = t
	s.info = d
	return s, nil
}
