//go:build cgo && !ciekit_nousb

package usbscan

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/gousb"

	"github.com/ciekit/ciekit/biometric"
)

// newContext returns a libusb context, turning gousb's panic when libusb
// cannot initialise (no /dev/bus/usb in a container, for instance) into
// an error.
func newContext() (c *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("usbscan: initialising libusb: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

func listDevices(ctx context.Context) (out []DeviceInfo, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	uc, err := newContext()
	if err != nil {
		return nil, err
	}
	defer uc.Close()
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("usbscan: enumerating devices: %v", r)
		}
	}()
	// The opener only records descriptors and never opens a device.
	_, err = uc.OpenDevices(func(d *gousb.DeviceDesc) bool {
		id := DeviceID{uint16(d.Vendor), uint16(d.Product)}
		if k, ok := Lookup(id); ok {
			out = append(out, DeviceInfo{ID: id, Bus: d.Bus, Address: d.Address, Name: k.Name, Driver: k.Driver})
		}
		return false
	})
	if err != nil {
		return out, fmt.Errorf("usbscan: enumerating devices: %w", mapErr(err))
	}
	return out, nil
}

// usbTransport implements Transport over one claimed interface.
type usbTransport struct {
	uc   *gousb.Context
	dev  *gousb.Device
	done func()
	in   *gousb.InEndpoint
	out  *gousb.OutEndpoint
	once sync.Once
}

func openTransport(ctx context.Context, d DeviceInfo) (t closeTransport, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	uc, err := newContext()
	if err != nil {
		return nil, err
	}
	ut := &usbTransport{uc: uc}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("usbscan: opening %s: %v", d.ID, r)
		}
		if err != nil {
			ut.Close()
			t = nil
		}
	}()
	devs, err := uc.OpenDevices(func(desc *gousb.DeviceDesc) bool {
		return desc.Bus == d.Bus && desc.Address == d.Address &&
			uint16(desc.Vendor) == d.ID.Vendor && uint16(desc.Product) == d.ID.Product
	})
	for _, extra := range devs[min(1, len(devs)):] {
		extra.Close()
	}
	if len(devs) == 0 {
		if err != nil {
			return nil, fmt.Errorf("%w: %s on bus %d address %d: %w", ErrNotFound, d.ID, d.Bus, d.Address, mapErr(err))
		}
		return nil, fmt.Errorf("%w: %s on bus %d address %d", ErrNotFound, d.ID, d.Bus, d.Address)
	}
	ut.dev = devs[0]
	if err := ut.dev.SetAutoDetach(true); err != nil {
		return nil, fmt.Errorf("usbscan: detaching the kernel driver of %s: %w", d.ID, mapErr(err))
	}
	intf, done, err := ut.dev.DefaultInterface()
	if err != nil {
		return nil, fmt.Errorf("usbscan: claiming %s: %w", d.ID, mapErr(err))
	}
	ut.done = done
	// The CP210x has one bulk pair on interface 0: EP1 OUT and EP1 IN
	// (AN571); look them up rather than assume.
	for addr, ep := range intf.Setting.Endpoints {
		if ep.TransferType != gousb.TransferTypeBulk {
			continue
		}
		if addr&0x80 != 0 && ut.in == nil {
			if ut.in, err = intf.InEndpoint(ep.Number); err != nil {
				return nil, fmt.Errorf("usbscan: %s bulk IN endpoint: %w", d.ID, mapErr(err))
			}
		} else if addr&0x80 == 0 && ut.out == nil {
			if ut.out, err = intf.OutEndpoint(ep.Number); err != nil {
				return nil, fmt.Errorf("usbscan: %s bulk OUT endpoint: %w", d.ID, mapErr(err))
			}
		}
	}
	if ut.in == nil || ut.out == nil {
		return nil, fmt.Errorf("%w: %s has no bulk endpoint pair on interface 0", ErrUnsupportedDevice, d.ID)
	}
	return ut, nil
}

func (u *usbTransport) Control(ctx context.Context, rType, req uint8, val, idx uint16, data []byte) (n int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	defer recoverTo(&err)
	n, err = u.dev.Control(rType, req, val, idx, data)
	return n, mapErr(err)
}

func (u *usbTransport) BulkOut(ctx context.Context, p []byte) (n int, err error) {
	defer recoverTo(&err)
	n, err = u.out.WriteContext(ctx, p)
	return n, mapErr(err)
}

func (u *usbTransport) BulkIn(ctx context.Context, p []byte) (n int, err error) {
	defer recoverTo(&err)
	n, err = u.in.ReadContext(ctx, p)
	return n, mapErr(err)
}

func (u *usbTransport) Close() error {
	var err error
	u.once.Do(func() {
		defer recoverTo(&err)
		if u.done != nil {
			u.done()
		}
		var e1, e2 error
		if u.dev != nil {
			e1 = u.dev.Close()
		}
		if u.uc != nil {
			e2 = u.uc.Close()
		}
		err = errors.Join(mapErr(e1), mapErr(e2))
	})
	return err
}

func recoverTo(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("usbscan: libusb: %v", r)
	}
}

// mapErr translates gousb errors into ciekit sentinels, keeping the
// original in the chain.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, gousb.ErrorNoDevice), errors.Is(err, gousb.TransferNoDevice):
		return fmt.Errorf("%w (%w)", biometric.ErrDeviceGone, err)
	case errors.Is(err, gousb.ErrorBusy):
		return fmt.Errorf("%w (%w)", biometric.ErrScannerBusy, err)
	case errors.Is(err, gousb.ErrorNotFound):
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	case errors.Is(err, gousb.TransferCancelled):
		return fmt.Errorf("%w (%w)", context.Canceled, err)
	}
	return err
}
