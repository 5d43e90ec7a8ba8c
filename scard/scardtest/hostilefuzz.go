package scardtest

import "testing"

// AddMutationSeeds seeds a fuzz target of the form f.Fuzz(func(t, ops,
// tail []byte)) over a recorded session: no mutation, a 61FF tail, and
// each kind of [Mutate] mutation at a spread of responses (at most about
// 12 of them).
func AddMutationSeeds(f *testing.F, session [][]byte) {
	f.Helper()
	f.Add([]byte{}, []byte{})
	f.Add([]byte{}, []byte{0x61, 0xFF})
	for i := 0; i < len(session); i += max(1, len(session)/12) {
		for op := range byte(8) {
			f.Add([]byte{byte(i), op, 0, byte(i*7 + int(op)), 0x87}, []byte{})
		}
	}
}

// MutatedCard is the card of one run of a session fuzz target: the
// recorded session mutated by ops ([Mutate]), then tail forever (an empty
// tail: the card is removed), refusing commands beyond limit.
func MutatedCard(session [][]byte, ops, tail []byte, limit int) *Hostile {
	h := &Hostile{Responses: Mutate(session, ops), Limit: limit}
	if len(tail) > 0 {
		h.Tail = tail
	}
	return h
}

// RawCard is the card of one run of a raw fuzz target: the responses
// [DecodeResponses] finds in in, the last one repeated forever, refusing
// commands beyond limit.
func RawCard(in []byte, limit int) *Hostile {
	rs := DecodeResponses(in)
	h := &Hostile{Responses: rs, Limit: limit}
	if len(rs) > 0 {
		h.Tail = rs[len(rs)-1]
	}
	return h
}

// CheckBounded fails t if the terminal sent more commands than the card's
// limit: a reader that loops on a hostile card.
func (h *Hostile) CheckBounded(t testing.TB) {
	t.Helper()
	if h.Exceeded() {
		t.Fatalf("the terminal sent more than %d APDUs to a hostile card", h.Commands())
	}
}
