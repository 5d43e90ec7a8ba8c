package scardtest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/ciekit/ciekit/scard"
)

// ErrHostileLimit is returned by a [Hostile] card once the terminal has sent
// more commands than its Limit: a reader that keeps talking to a card that
// answers nonsense has no bound on its APDUs.
var ErrHostileLimit = errors.New("scardtest: hostile card: APDU limit reached")

// DefaultHostileLimit is the Limit of a [Hostile] card whose Limit is 0.
// It is above the largest legitimate session of the ciekit readers (a full
// eMRTD read of a 1 MiB DG2 in 223-byte chunks is about 4,800 APDUs) and
// above the per-file bound of the transport (scard's 8,192 READ BINARY
// commands per file).
const DefaultHostileLimit = 20000

// Hostile is a card that answers from a script, whatever the command: the
// i-th command gets Responses[i], and once the script is spent every
// further command gets Tail (a card that answers 61FF forever is
// Hostile{Tail: []byte{0x61, 0xFF}}). A nil Tail makes Transmit return
// [scard.ErrCardRemoved] when the script is spent.
//
// It is the adversary of the reader-side fuzz targets: the responses come
// from the fuzzer, raw ([DecodeResponses]) or as mutations of a real
// simulated session ([Tape], [Mutate]). After Limit commands Transmit
// returns [ErrHostileLimit] and [Hostile.Exceeded] reports true, so a
// reader that loops is caught instead of hanging the fuzzer.
//
// A Hostile is safe for concurrent use.
type Hostile struct {
	Responses [][]byte
	Tail      []byte
	// Limit is the number of commands answered; 0 means
	// [DefaultHostileLimit].
	Limit int

	mu       sync.Mutex
	n        int
	exceeded bool
	maxCmd   int
}

var _ scard.Transmitter = (*Hostile)(nil)

// Transmit answers the next scripted response (a copy) or the Tail.
func (h *Hostile) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	limit := h.Limit
	if limit <= 0 {
		limit = DefaultHostileLimit
	}
	if h.n >= limit {
		h.exceeded = true
		return nil, ErrHostileLimit
	}
	i := h.n
	h.n++
	h.maxCmd = max(h.maxCmd, len(capdu))
	switch {
	case i < len(h.Responses):
		return append([]byte(nil), h.Responses[i]...), nil
	case h.Tail != nil:
		return append([]byte(nil), h.Tail...), nil
	}
	return nil, scard.ErrCardRemoved
}

// Commands returns the number of commands received (those refused after
// the limit not included).
func (h *Hostile) Commands() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// Exceeded reports whether the terminal sent a command beyond Limit.
func (h *Hostile) Exceeded() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.exceeded
}

// LongestCommand returns the length of the longest command received.
func (h *Hostile) LongestCommand() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxCmd
}

// DecodeResponses splits fuzzer bytes into responses: each is a 2-byte
// big-endian length followed by that many bytes (fewer if the input ends).
// Responses shorter than the 2-byte status word are kept: they are
// malformed answers a reader must survive.
func DecodeResponses(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		n = min(n, len(b))
		out = append(out, b[:n:n])
		b = b[n:]
	}
	return out
}

// EncodeResponses is the inverse of [DecodeResponses], for seeding a
// corpus with a recorded session. Responses over 65535 bytes are cut.
func EncodeResponses(rs [][]byte) []byte {
	var out []byte
	for _, r := range rs {
		r = r[:min(len(r), 0xFFFF)]
		out = binary.BigEndian.AppendUint16(out, uint16(len(r)))
		out = append(out, r...)
	}
	return out
}

// Tape is a Transmitter that passes commands to a live card and keeps the
// responses, to record a simulated session whose responses a fuzz target
// then mutates. Transport errors are not recorded.
type Tape struct {
	T         scard.Transmitter
	Responses [][]byte
}

// Transmit passes capdu to the live card and records the response.
func (t *Tape) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	r, err := t.T.Transmit(ctx, capdu)
	if err == nil {
		t.Responses = append(t.Responses, append([]byte(nil), r...))
	}
	return r, err
}

// MutationSize is the number of fuzzer bytes one mutation of [Mutate]
// consumes.
const MutationSize = 5

// Mutate applies fuzzer-chosen mutations to a copy of a recorded session
// (the originals are not modified). ops is read MutationSize bytes at a
// time: response index, operation, a 2-byte big-endian position and a
// value. The operations (by op mod 8) are: set the byte at pos to value,
// flip bit value%8 of it, truncate the response at pos, insert value at
// pos, replace the status word with pos, delete the byte at pos, append
// value repeated pos%512 times, and replace the response by its status
// word alone. Positions are taken modulo the response length (plus one
// where the end is a valid position); an index beyond the session is
// taken modulo its length.
func Mutate(session [][]byte, ops []byte) [][]byte {
	out := make([][]byte, len(session))
	for i, r := range session {
		out[i] = append([]byte(nil), r...)
	}
	if len(out) == 0 {
		return out
	}
	for ; len(ops) >= MutationSize; ops = ops[MutationSize:] {
		i := int(ops[0]) % len(out)
		op, pos, v := ops[1]%8, int(binary.BigEndian.Uint16(ops[2:4])), ops[4]
		r := out[i]
		switch op {
		case 0:
			if len(r) > 0 {
				r[pos%len(r)] = v
			}
		case 1:
			if len(r) > 0 {
				r[pos%len(r)] ^= 1 << (v % 8)
			}
		case 2:
			r = r[:pos%(len(r)+1)]
		case 3:
			p := pos % (len(r) + 1)
			r = append(r[:p], append([]byte{v}, r[p:]...)...)
		case 4:
			if len(r) >= 2 {
				r[len(r)-2], r[len(r)-1] = byte(pos>>8), byte(pos)
			}
		case 5:
			if len(r) > 0 {
				p := pos % len(r)
				r = append(r[:p], r[p+1:]...)
			}
		case 6:
			for range pos % 512 {
				r = append(r, v)
			}
		case 7:
			if len(r) >= 2 {
				r = r[len(r)-2:]
			}
		}
		out[i] = r
	}
	return out
}

// Sealed is the card side of secure messaging around a plain
// Transmitter, so that a fuzz target can choose the plaintext of protected
// responses (which it could not forge through the MAC). Commands with the
// SM bits of CLA set are unwrapped with SM (an unwrap failure is answered
// 6988 in plain and ends the session, as ICAO Doc 9303-11 9.8.6 asks); the
// plain command goes to Plain, and its response is wrapped. Other commands
// go to Plain untouched. Handshake, if set, sees every plain command first
// and may answer it and establish SM (returning the card-side session); a
// nil response passes the command on to Plain.
type Sealed struct {
	Plain     scard.Transmitter
	Handshake func(cmd scard.Command) (resp []byte, sm *scard.SecureMessaging, err error)

	sm *scard.SecureMessaging
}

// Transmit answers one command; see [Sealed].
func (s *Sealed) Transmit(ctx context.Context, capdu []byte) ([]byte, error) {
	cmd, err := scard.ParseCommand(capdu)
	if err != nil {
		return []byte{0x67, 0x00}, nil
	}
	if cmd.CLA&scard.ClaSM == scard.ClaSM && s.sm != nil {
		plain, err := s.sm.UnwrapCommand(cmd)
		if err != nil {
			s.sm = nil
			return []byte{0x69, 0x88}, nil
		}
		pb, err := plain.Bytes()
		if err != nil {
			return nil, fmt.Errorf("scardtest: sealed card: %w", err)
		}
		rb, err := s.Plain.Transmit(ctx, pb)
		if err != nil {
			return nil, err
		}
		r, err := scard.ParseResponse(rb)
		if err != nil {
			// the plain card's malformed answer goes out as it is
			return rb, nil
		}
		w, err := s.sm.WrapResponse(r)
		if err != nil {
			return nil, err
		}
		return w.Bytes(), nil
	}
	if s.Handshake != nil {
		resp, sm, err := s.Handshake(cmd)
		if err != nil {
			return nil, err
		}
		if sm != nil {
			s.sm = sm
		}
		if resp != nil {
			return resp, nil
		}
	}
	return s.Plain.Transmit(ctx, capdu)
}
