//go:build (cgo || windows) && !ciekit_nopcsc

package pcsc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	pcsclite "github.com/ebfe/scard"

	"github.com/ciekit/ciekit/scard"
)

type sysContext struct {
	ctx  *pcsclite.Context
	once sync.Once
}

type sysCard struct {
	card *pcsclite.Card
}

func openSys() (*sysContext, error) {
	ctx, err := pcsclite.EstablishContext()
	if err != nil {
		return nil, mapErr("establishing context", err)
	}
	return &sysContext{ctx: ctx}, nil
}

func (c *sysContext) close() error {
	var err error
	c.once.Do(func() {
		_ = c.ctx.Cancel()
		if e := c.ctx.Release(); e != nil {
			err = mapErr("releasing context", e)
		}
	})
	return err
}

func (c *sysContext) readers() ([]string, error) {
	rs, err := c.ctx.ListReaders()
	if err != nil {
		return nil, mapErr("listing readers", err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("pcsc: listing readers: %w", scard.ErrNoReader)
	}
	return rs, nil
}

// wait blocks in SCardGetStatusChange until the reader has (present) or
// lacks (!present) a card; ctx cancels the call through SCardCancel.
func (c *sysContext) wait(ctx context.Context, reader string, present bool) error {
	if reader == "" {
		return fmt.Errorf("pcsc: waiting: %w: empty reader name", scard.ErrNoReader)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.ctx.Cancel() })
	defer stop()
	// Never an empty slice (ebfe/scard indexes element 0), never an ATR.
	rs := []pcsclite.ReaderState{{Reader: reader, CurrentState: pcsclite.StateUnaware}}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.ctx.GetStatusChange(rs, -1); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return mapErr("waiting for "+reader, err)
		}
		st := rs[0].EventState
		switch {
		case st&(pcsclite.StateUnknown|pcsclite.StateUnavailable) != 0:
			return fmt.Errorf("pcsc: waiting for %s: %w", reader, scard.ErrNoReader)
		case present && st&pcsclite.StatePresent != 0 && st&pcsclite.StateMute == 0:
			return nil
		case !present && st&pcsclite.StateEmpty != 0:
			return nil
		}
		rs[0].CurrentState = st &^ pcsclite.StateChanged
	}
}

func (c *sysContext) connect(reader string, o ConnectOptions) (*Card, error) {
	mode := pcsclite.ShareShared
	if o.Exclusive {
		mode = pcsclite.ShareExclusive
	}
	card, err := c.ctx.Connect(reader, mode, pcsclite.ProtocolT0|pcsclite.ProtocolT1)
	if err != nil {
		return nil, mapErr("connecting to "+reader, err)
	}
	if p := card.ActiveProtocol(); p != pcsclite.ProtocolT0 && p != pcsclite.ProtocolT1 {
		_ = card.Disconnect(pcsclite.LeaveCard)
		return nil, fmt.Errorf("pcsc: connecting to %s: unsupported protocol %d", reader, p)
	}
	st, err := card.Status()
	if err != nil {
		_ = card.Disconnect(pcsclite.LeaveCard)
		return nil, mapErr("reading the card status", err)
	}
	return &Card{sys: &sysCard{card: card}, reader: reader, atr: st.Atr}, nil
}

func (c *sysCard) transmit(capdu []byte) ([]byte, error) {
	resp, err := c.card.Transmit(capdu)
	if err == nil && len(resp) >= 2 {
		return resp, nil
	}
	if err == nil {
		// Some drivers (vpcd among them) answer a card pulled mid-command
		// with an empty response and no error.
		err = errEmptyResponse
	}
	mapped := mapErr("transmit", err)
	if errors.Is(mapped, scard.ErrCardRemoved) || errors.Is(mapped, scard.ErrCardReset) {
		return nil, mapped
	}
	// A card pulled mid-command surfaces as a communication error or an
	// empty answer; the reader notices the removal within its polling
	// interval, so ask it for a short while.
	for range 20 {
		if !c.present() {
			return nil, fmt.Errorf("pcsc: transmit: %w (%w)", scard.ErrCardRemoved, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, mapped
}

var errEmptyResponse = errors.New("pcsc: empty response from the reader")

// present reports whether the reader still sees the card.
func (c *sysCard) present() bool {
	st, err := c.card.Status()
	if err != nil {
		return false
	}
	return st.State&(pcsclite.Present|pcsclite.Swallowed|pcsclite.Powered|pcsclite.Negotiable|pcsclite.Specific) != 0
}

func (c *sysCard) begin() error {
	if err := c.card.BeginTransaction(); err != nil {
		return mapErr("beginning transaction", err)
	}
	return nil
}

func (c *sysCard) end() error {
	if err := c.card.EndTransaction(pcsclite.LeaveCard); err != nil {
		return mapErr("ending transaction", err)
	}
	return nil
}

func (c *sysCard) close() error {
	if err := c.card.Disconnect(pcsclite.LeaveCard); err != nil {
		return mapErr("disconnecting", err)
	}
	return nil
}

// mapErr translates a PC/SC error code into the scard sentinel callers
// branch on, keeping the original in the chain.
func mapErr(op string, err error) error {
	var code pcsclite.Error
	if !errors.As(err, &code) {
		return fmt.Errorf("pcsc: %s: %w", op, err)
	}
	var sentinel error
	switch code {
	case pcsclite.ErrNoService, pcsclite.ErrServiceStopped, pcsclite.ErrShutdown:
		sentinel = scard.ErrNoService
	case pcsclite.ErrNoReadersAvailable, pcsclite.ErrUnknownReader, pcsclite.ErrReaderUnavailable:
		sentinel = scard.ErrNoReader
	case pcsclite.ErrNoSmartcard, pcsclite.ErrUnresponsiveCard, pcsclite.ErrUnpoweredCard:
		sentinel = scard.ErrNoCard
	case pcsclite.ErrRemovedCard:
		sentinel = scard.ErrCardRemoved
	case pcsclite.ErrResetCard:
		sentinel = scard.ErrCardReset
	case pcsclite.ErrTimeout:
		sentinel = scard.ErrTimeout
	case pcsclite.ErrSharingViolation:
		sentinel = scard.ErrSharingViolation
	default:
		return fmt.Errorf("pcsc: %s: %w", op, err)
	}
	return fmt.Errorf("pcsc: %s: %w (%w)", op, sentinel, err)
}
