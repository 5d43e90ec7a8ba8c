//go:build !cgo || ciekit_nousb

package usbscan

import (
	"context"
	"errors"
	"fmt"
)

var errNoUSB = fmt.Errorf("usbscan: built without USB support (needs cgo and libusb-1.0; the ciekit_nousb tag disables it): %w", errors.ErrUnsupported)

func listDevices(context.Context) ([]DeviceInfo, error) { return nil, errNoUSB }

func openTransport(context.Context, DeviceInfo) (closeTransport, error) { return nil, errNoUSB }
