package cardsim

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ciekit/ciekit/scard"
)

// device is the physical behaviour shared by the simulated cards: presence,
// removal mid-command, latency, ATR and ctx handling. xmu serialises the
// exchanges and guards the card state; smu guards presence only, so that
// Remove can interrupt an exchange that is waiting out its latency.
type device struct {
	xmu sync.Mutex

	smu         sync.Mutex
	present     bool
	pulled      chan struct{} // closed by Remove
	latency     time.Duration
	removeAfter int // >0: the card is pulled during the removeAfter-th next command
	atr         []byte
}

func (d *device) init(atr []byte, latency time.Duration) {
	d.atr = append([]byte(nil), atr...)
	d.latency = latency
	d.present = true
	d.pulled = make(chan struct{})
}

// transmit runs one exchange. process is called with xmu held.
func (d *device) transmit(ctx context.Context, capdu []byte, process func([]byte) []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.xmu.Lock()
	defer d.xmu.Unlock()

	d.smu.Lock()
	if d.present && d.removeAfter > 0 {
		d.removeAfter--
		if d.removeAfter == 0 {
			d.removeLocked()
		}
	}
	present, pulled, lat := d.present, d.pulled, d.latency
	d.smu.Unlock()
	if !present {
		return nil, scard.ErrCardRemoved
	}
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-pulled:
			t.Stop()
			return nil, scard.ErrCardRemoved
		case <-t.C:
		}
	}
	resp := process(capdu)
	select {
	case <-pulled:
		return nil, scard.ErrCardRemoved
	default:
	}
	return resp, nil
}

func (d *device) removeLocked() {
	if d.present {
		d.present = false
		close(d.pulled)
	}
}

func (d *device) remove() {
	d.smu.Lock()
	d.removeLocked()
	d.smu.Unlock()
}

// insert powers the card again; the caller resets the session state.
func (d *device) insert() {
	d.smu.Lock()
	if !d.present {
		d.present = true
		d.pulled = make(chan struct{})
	}
	d.removeAfter = 0
	d.smu.Unlock()
}

func (d *device) isPresent() bool {
	d.smu.Lock()
	defer d.smu.Unlock()
	return d.present
}

func (d *device) setRemoveAfter(n int) {
	d.smu.Lock()
	d.removeAfter = max(n, 0)
	d.smu.Unlock()
}

func (d *device) setLatency(l time.Duration) {
	d.smu.Lock()
	d.latency = l
	d.smu.Unlock()
}

func (d *device) atrCopy() []byte { return append([]byte(nil), d.atr...) }

// sw returns a response APDU with no data.
func sw(w uint16) scard.Response { return scard.Response{SW: w} }

// ok returns data with 9000.
func ok(data []byte) scard.Response { return scard.Response{Data: data, SW: scard.SWSuccess} }

// outerResponse applies the transport rules to a final response: when the
// data does not fit Ne (or Ne is absent), the card answers 61xx and keeps
// the rest, with the status word, in *pending for GET RESPONSE (ISO/IEC
// 7816-4 5.1.3).
func outerResponse(pending *[]byte, cmd scard.Command, r scard.Response) []byte {
	if len(r.Data) == 0 || (cmd.Ne > 0 && len(r.Data) <= cmd.Ne) {
		return r.Bytes()
	}
	n := cmd.Ne // 0 when the command had no Le: everything via GET RESPONSE
	*pending = append(append([]byte(nil), r.Data[n:]...), byte(r.SW>>8), byte(r.SW))
	return moreAvailable(*pending, r.Data[:n])
}

func moreAvailable(pending, data []byte) []byte {
	rest := len(pending) - 2
	return scard.Response{Data: data, SW: 0x6100 | uint16(min(rest, 256)&0xFF)}.Bytes()
}

// getResponse answers GET RESPONSE from *pending.
func getResponse(pending *[]byte, cmd scard.Command) []byte {
	p := *pending
	if p == nil {
		return sw(scard.SWConditionsNotSatisfied).Bytes()
	}
	rest, swb := p[:len(p)-2], p[len(p)-2:]
	ne := cmd.Ne
	if ne == 0 {
		ne = scard.MaxShortNe
	}
	if len(rest) <= ne {
		*pending = nil
		return append(append([]byte(nil), rest...), swb...)
	}
	data := append([]byte(nil), rest[:ne]...)
	*pending = append(append([]byte(nil), rest[ne:]...), swb...)
	return moreAvailable(*pending, data)
}

// checkATR validates a configured ATR or returns the default.
func checkATR(atr, def []byte) ([]byte, error) {
	if atr == nil {
		return def, nil
	}
	if len(atr) < 2 || len(atr) > 33 || (atr[0] != 0x3B && atr[0] != 0x3F) {
		return nil, errors.New("cardsim: ATR must be 2 to 33 bytes starting with 3B or 3F")
	}
	return atr, nil
}
