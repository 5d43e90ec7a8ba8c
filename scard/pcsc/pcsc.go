// Package pcsc connects ciekit to real smart-card readers through PC/SC
// (pcsc-lite's pcscd on Linux and macOS, the Smart Card service on
// Windows), using github.com/ebfe/scard.
//
// [Open] a [Context], list the [Context.Readers], wait for a card with
// [Context.WaitForCard], and [Context.Connect] to get a [Card], which is a
// scard.Transmitter: wrap it in scard.NewCard to read a CIE or talk to an
// operator card.
//
// # Building
//
// On Linux the package needs cgo and the pcsc-lite headers (Debian:
// libpcsclite-dev; at run time pcscd). Without cgo, or with the build tag
// ciekit_nopcsc, it builds to a stub whose functions return an error
// wrapping errors.ErrUnsupported, with the same API. On Windows it needs
// no cgo.
//
// # Errors
//
// PC/SC error codes are translated to the scard sentinels: ErrNoService
// (pcscd not running), ErrNoReader, ErrNoCard, ErrCardRemoved,
// ErrCardReset, ErrTimeout and ErrSharingViolation; the original code stays
// in the chain for diagnostics. The adapter refuses the inputs on which
// ebfe/scard would panic (an empty APDU, an empty reader list).
//
// # Testing without hardware
//
// scard/vpcd serves ciekit's simulated cards (scard/cardsim) to pcscd
// through vsmartcard's virtual reader driver (Debian: vsmartcard-vpcd),
// so the simulators appear as cards in the readers "Virtual PCD 00 00" and
// "Virtual PCD 00 01". This package's tests do exactly that, and skip with
// the reason when pcscd or the driver is absent.
package pcsc

import (
	"context"
	"fmt"

	"github.com/ciekit/ciekit/scard"
)

// Context is a session with the PC/SC service. Its methods are not safe
// for concurrent use, except Close, which also ends a wait in progress.
type Context struct {
	sys *sysContext
}

// Open establishes a context with the PC/SC service. It returns an error
// wrapping scard.ErrNoService when the service is not running, and one
// wrapping errors.ErrUnsupported in a build without PC/SC support.
func Open() (*Context, error) {
	sys, err := openSys()
	if err != nil {
		return nil, err
	}
	return &Context{sys: sys}, nil
}

// Close releases the context. Cards connected through it stay usable
// until closed on some platforms but not others: close them first.
func (c *Context) Close() error { return c.sys.close() }

// Readers lists the readers known to the service, or returns an error
// wrapping scard.ErrNoReader when there is none.
func (c *Context) Readers() ([]string, error) { return c.sys.readers() }

// WaitForCard returns when reader holds a card (at once if it already
// does), or with ctx's error when ctx is done. It returns an error wrapping
// scard.ErrNoReader if the reader disappears.
func (c *Context) WaitForCard(ctx context.Context, reader string) error {
	return c.sys.wait(ctx, reader, true)
}

// WaitForRemoval returns when reader is empty (at once if it already is),
// or with ctx's error when ctx is done.
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error {
	return c.sys.wait(ctx, reader, false)
}

// ConnectOptions tunes [Context.Connect]. The zero value is valid.
type ConnectOptions struct {
	// Exclusive asks for exclusive access (other applications get
	// scard.ErrSharingViolation); the default is shared access.
	Exclusive bool
}

// Connect connects to the card in reader with protocol T=0 or T=1. It
// returns an error wrapping scard.ErrNoCard when the reader is empty.
func (c *Context) Connect(ctx context.Context, reader string, opts *ConnectOptions) (*Card, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var o ConnectOptions
	if opts != nil {
		o = *opts
	}
	return c.sys.connect(reader, o)
}

// Card is a connected card. It implements scard.Transmitter. It is not
// safe for concurrent use; PC/SC transactions ([Card.BeginTransaction])
// keep other applications out between commands.
type Card struct {
	sys    *sysCard
	reader string
	atr    []byte
}

var _ scard.Transmitter = (*Card)(nil)

// Transmit sends one command APDU and returns the response APDU with its
// status word. ctx is checked before the command is sent; once sent, the
// exchange runs to the end (the reader driver bounds it). Transport
// failures wrap scard.ErrCardRemoved, scard.ErrCardReset and the like.
func (c *Card) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(capdu) < 4 {
		return nil, fmt.Errorf("pcsc: transmit: %w: %d-byte command", scard.ErrMalformedAPDU, len(capdu))
	}
	return c.sys.transmit(capdu)
}

// ATR returns the card's answer-to-reset as the reader reported it when
// connecting. The caller must not modify it.
func (c *Card) ATR() []byte { return c.atr }

// Reader returns the name of the card's reader.
func (c *Card) Reader() string { return c.reader }

// BeginTransaction starts a PC/SC transaction: other applications cannot
// use the card until [Card.EndTransaction].
func (c *Card) BeginTransaction() error { return c.sys.begin() }

// EndTransaction ends the transaction, leaving the card as it is.
func (c *Card) EndTransaction() error { return c.sys.end() }

// Close disconnects from the card, leaving it powered and as it is.
func (c *Card) Close() error { return c.sys.close() }
