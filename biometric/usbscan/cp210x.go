package usbscan

import (
	"context"
	"encoding/binary"
	"fmt"
)

// CP210x vendor requests (Silicon Labs AN571, "CP210x Virtual COM Port
// Interface", section 5). All go to interface 0 with request type
// host-to-device | vendor | interface.
const (
	cpRequestOut  = 0x41
	cpIfcEnable   = 0x00 // wValue 1: enable the UART
	cpSetLineCtl  = 0x03 // wValue: word length << 8 | parity << 4 | stop bits
	cpSetMHS      = 0x07 // wValue: DTR bit 0, RTS bit 1, their masks bits 8, 9
	cpPurge       = 0x12 // wValue: bits 0-3 clear the TX/RX queues
	cpSetBaudRate = 0x1E // data: baud rate, 4 bytes little-endian
)

// setupCP210x enables the bridge's UART at baud 8N1 with DTR and RTS set,
// and clears its queues.
func setupCP210x(ctx context.Context, t Transport, baud int) error {
	rate := binary.LittleEndian.AppendUint32(nil, uint32(baud))
	steps := []struct {
		name  string
		req   uint8
		value uint16
		data  []byte
	}{
		{"IFC_ENABLE", cpIfcEnable, 0x0001, nil},
		{"SET_BAUDRATE", cpSetBaudRate, 0, rate},
		{"SET_LINE_CTL", cpSetLineCtl, 0x0800, nil}, // 8 data bits, no parity, 1 stop bit
		{"SET_MHS", cpSetMHS, 0x0303, nil},          // DTR and RTS on
		{"PURGE", cpPurge, 0x000f, nil},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := t.Control(ctx, cpRequestOut, s.req, s.value, 0, s.data); err != nil {
			return fmt.Errorf("configuring the CP210x bridge (%s): %w", s.name, err)
		}
	}
	return nil
}
