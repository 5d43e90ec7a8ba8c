package scard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// Transmitter sends one command APDU and returns the response APDU, status
// word included. Implementations return the sentinels [ErrCardRemoved],
// [ErrNoCard], [ErrTimeout] etc. (possibly wrapped) for transport failures,
// and honour ctx cancellation.
type Transmitter interface {
	Transmit(ctx context.Context, capdu []byte) (rapdu []byte, err error)
}

// CardOptions configures a [Card]. The zero value is valid.
type CardOptions struct {
	// NoExtended makes the card send commands whose data exceeds 255 bytes
	// with command chaining (CLA bit 10) instead of extended length fields,
	// for readers without extended APDU support. Default: extended lengths.
	NoExtended bool
	// Rand is the source of randomness for BAC and PACE (nonces, keys).
	// Nil means crypto/rand.
	Rand io.Reader
	// Logger receives debug records (instruction and status word only,
	// never data). Nil discards.
	Logger *slog.Logger
}

// Card wraps a [Transmitter] with ISO/IEC 7816-4 transport handling:
// GET RESPONSE for 61xx, re-sending with the right Le for 6Cxx, command
// chaining, and secure messaging once established by BAC or PACE.
//
// A Card is not safe for concurrent use by multiple goroutines.
type Card struct {
	t     Transmitter
	sm    *SecureMessaging
	opts  CardOptions
	apdus int // APDUs exchanged, for the per-file budgets of file.go
	// shortRead: the card refused an extended READ BINARY Le (file.go).
	shortRead bool
}

// NewCard returns a Card over t; the zero CardOptions is valid.
func NewCard(t Transmitter, opts CardOptions) *Card {
	return &Card{t: t, opts: opts}
}

// Options returns the options the Card was made with, for the protocols
// (BAC, PACE, chip authentication) that run over it.
func (c *Card) Options() CardOptions { return c.opts }

// Transmitter returns the underlying transmitter.
func (c *Card) Transmitter() Transmitter { return c.t }

// SecureMessaging returns the active secure-messaging session, or nil.
func (c *Card) SecureMessaging() *SecureMessaging { return c.sm }

// SetSecureMessaging installs (or, with nil, removes) a secure-messaging
// session; subsequent commands are wrapped with it.
func (c *Card) SetSecureMessaging(sm *SecureMessaging) { c.sm = sm }

// maxResponse bounds the data accumulated across GET RESPONSE rounds.
const maxResponse = 1 << 20

// maxGetResponse bounds the GET RESPONSE commands sent for one command: a
// card answering 61xx forever (with or without data) ends in an
// [*APDUError] after this many. No response APDU can carry more than
// [MaxExtendedNe] bytes, 256 rounds of 61 00 at 256 bytes each; 1024 leaves
// room for cards that hand the data out in smaller pieces.
const maxGetResponse = 1024

// Send transmits cmd and returns the response with its status word; a
// non-9000 status word is not an error. With secure messaging active, the
// command is wrapped and the response unwrapped and verified. Errors are
// transport errors, [*SMError] and [*APDUError].
func (c *Card) Send(ctx context.Context, cmd Command) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	maxData := MaxExtendedData
	if c.opts.NoExtended {
		maxData = MaxShortData
	}
	if c.sm != nil {
		// leave room for the SM data objects
		maxData -= 32
		if c.opts.NoExtended {
			maxData = 0xDF
		}
	}
	data := cmd.Data
	for len(data) > maxData {
		part := cmd
		part.CLA |= ClaChaining
		part.Data = data[:maxData]
		part.Ne = 0
		r, err := c.sendOne(ctx, part)
		if err != nil {
			return Response{}, err
		}
		if r.SW != SWSuccess {
			return r, nil
		}
		data = data[maxData:]
	}
	last := cmd
	last.Data = data
	return c.sendOne(ctx, last)
}

// Do is [Card.Send] that turns a non-9000 status word into an error
// ([*StatusError] or [*PINError]) and returns only the data.
func (c *Card) Do(ctx context.Context, cmd Command) ([]byte, error) {
	r, err := c.Send(ctx, cmd)
	if err != nil {
		return nil, err
	}
	if err := r.Err(cmd.INS); err != nil {
		return nil, err
	}
	return r.Data, nil
}

func (c *Card) sendOne(ctx context.Context, cmd Command) (Response, error) {
	if c.sm == nil {
		return c.raw(ctx, cmd, true)
	}
	w, err := c.sm.WrapCommand(cmd)
	if err != nil {
		return Response{}, err
	}
	r, err := c.raw(ctx, w, false)
	if err != nil {
		return Response{}, err
	}
	u, err := c.sm.UnwrapResponse(r)
	if err != nil {
		return Response{}, fmt.Errorf("%s: %w", insName(cmd.INS), err)
	}
	if len(r.Data) == 0 && (r.SW == SWSMObjectsMissing || r.SW == SWSMObjectsIncorrect) {
		// The card rejected the protection and has ended the session
		// (ICAO Doc 9303-11 9.8.6); so do we. Other plain errors leave it
		// running, their responses not counted (PlainSMStatus).
		c.sm = nil
	}
	return u, nil
}

// raw sends one APDU, following 61xx and (when allowed) 6Cxx.
func (c *Card) raw(ctx context.Context, cmd Command, fixLe bool) (Response, error) {
	r, err := c.exchange(ctx, cmd)
	if err != nil {
		return Response{}, err
	}
	if fixLe && r.SW1() == 0x6C {
		cmd.Ne = int(r.SW2())
		if cmd.Ne == 0 {
			cmd.Ne = MaxShortNe
		}
		if r, err = c.exchange(ctx, cmd); err != nil {
			return Response{}, err
		}
	}
	if r.SW1() != 0x61 {
		return r, nil
	}
	data := append([]byte(nil), r.Data...)
	for rounds := 0; r.SW1() == 0x61; rounds++ {
		if rounds == maxGetResponse {
			return Response{}, &APDUError{Offset: len(data), Msg: fmt.Sprintf("card still answers %04X after %d GET RESPONSE commands", r.SW, maxGetResponse)}
		}
		ne := int(r.SW2())
		if ne == 0 {
			ne = MaxShortNe
		}
		gr := Command{CLA: cmd.CLA & 0x03, INS: InsGetResponse, Ne: ne}
		if r, err = c.exchange(ctx, gr); err != nil {
			return Response{}, err
		}
		data = append(data, r.Data...)
		if len(data) > maxResponse {
			return Response{}, &APDUError{Offset: len(data), Msg: "GET RESPONSE chain exceeds 1 MiB"}
		}
	}
	return Response{Data: data, SW: r.SW}, nil
}

func (c *Card) exchange(ctx context.Context, cmd Command) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	b, err := cmd.Bytes()
	if err != nil {
		return Response{}, err
	}
	c.apdus++
	rb, err := c.t.Transmit(ctx, b)
	if err != nil {
		return Response{}, err
	}
	r, err := ParseResponse(rb)
	if err != nil {
		return Response{}, err
	}
	if c.opts.Logger != nil {
		c.opts.Logger.LogAttrs(ctx, slog.LevelDebug, "apdu",
			slog.String("ins", fmt.Sprintf("%02X", cmd.INS)),
			slog.Int("lc", len(cmd.Data)),
			slog.Int("ne", cmd.Ne),
			slog.Int("len", len(r.Data)),
			slog.String("sw", fmt.Sprintf("%04X", r.SW)))
	}
	return r, nil
}

// Select selects a file or application. p1 is the selection method
// (0x04 by DF name/AID, 0x02 EF under the current DF, 0x00 by FID, 0x08 by
// path); the command asks for no FCI (P2 0C). It returns a [*StatusError]
// unwrapping to [ErrNotFound] if the file does not exist.
func (c *Card) Select(ctx context.Context, p1 byte, id []byte) error {
	_, err := c.Do(ctx, Command{CLA: 0x00, INS: InsSelect, P1: p1, P2: 0x0C, Data: id})
	return err
}

// SelectAID selects an application by AID.
func (c *Card) SelectAID(ctx context.Context, aid []byte) error {
	return c.Select(ctx, 0x04, aid)
}

// SelectEF selects an elementary file by its 2-byte file identifier under
// the current DF.
func (c *Card) SelectEF(ctx context.Context, fid uint16) error {
	return c.Select(ctx, 0x02, []byte{byte(fid >> 8), byte(fid)})
}

// GetChallenge asks the card for n random bytes.
func (c *Card) GetChallenge(ctx context.Context, n int) ([]byte, error) {
	b, err := c.Do(ctx, Command{INS: InsGetChallenge, Ne: n})
	if err != nil {
		return nil, err
	}
	if len(b) != n {
		return nil, &APDUError{Offset: len(b), Msg: fmt.Sprintf("GET CHALLENGE returned %d bytes, want %d", len(b), n)}
	}
	return b, nil
}

// PINRetries asks how many tries are left for the reference data ref (a
// PIN, PUK or password reference, the VERIFY P2) with a VERIFY without data
// (ISO/IEC 7816-4 clause 11.5.6). It returns -1 with nil if the reference is
// already verified in this session, and 0 with a [*StatusError] unwrapping
// to [ErrAuthBlocked] when it is blocked.
func (c *Card) PINRetries(ctx context.Context, ref byte) (int, error) {
	r, err := c.Send(ctx, Command{INS: InsVerify, P2: ref})
	if err != nil {
		return 0, err
	}
	switch {
	case r.SW == SWSuccess:
		return -1, nil
	case r.SW&0xFFF0 == 0x63C0:
		return int(r.SW & 0x0F), nil
	}
	return 0, r.Err(InsVerify)
}

// isEOF reports whether err means a read went past the end of the file.
func isEOF(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.SW == SWWrongOffset || se.SW == SWEndOfFile)
}
