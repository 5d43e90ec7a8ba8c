package usbscan_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ciekit/ciekit/biometric/usbscan"
)

// A transcript is a recorded USB session, one transfer per line:
//
//	ctrl RT RQ VALUE INDEX [DATA]   control transfer (all hex), host to device
//	out HEX                         one bulk OUT transfer, exactly these bytes
//	in HEX                          one bulk IN transfer returning these bytes
//	err                             the next transfer fails (a transient USB error)
//
// Text after '#' is a comment. replay plays the device side: it checks each
// transfer the driver makes against the next line and fails the test with
// a diff at the first mismatch.
type step struct {
	kind string // "ctrl", "out", "in"
	line int
	rt   uint8
	rq   uint8
	val  uint16
	idx  uint16
	data []byte
}

func (s step) String() string {
	if s.kind == "ctrl" {
		return fmt.Sprintf("ctrl %02x %02x %04x %04x %x", s.rt, s.rq, s.val, s.idx, s.data)
	}
	return fmt.Sprintf("%s %x", s.kind, s.data)
}

func parseTranscript(t testing.TB, text string) []step {
	t.Helper()
	var steps []step
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		st := step{kind: f[0], line: ln}
		hexField := func(s string, bits int) uint64 {
			v, err := strconv.ParseUint(s, 16, bits)
			if err != nil {
				t.Fatalf("transcript line %d: %v", ln, err)
			}
			return v
		}
		switch f[0] {
		case "ctrl":
			if len(f) < 5 || len(f) > 6 {
				t.Fatalf("transcript line %d: ctrl needs 4 or 5 fields", ln)
			}
			st.rt, st.rq = uint8(hexField(f[1], 8)), uint8(hexField(f[2], 8))
			st.val, st.idx = uint16(hexField(f[3], 16)), uint16(hexField(f[4], 16))
			if len(f) == 6 {
				f = f[5:]
			} else {
				f = nil
			}
		case "in", "out":
			f = f[1:]
		case "err":
			f = nil
		default:
			t.Fatalf("transcript line %d: unknown transfer %q", ln, f[0])
		}
		for _, h := range f {
			b, err := hex.DecodeString(h)
			if err != nil {
				t.Fatalf("transcript line %d: %v", ln, err)
			}
			st.data = append(st.data, b...)
		}
		steps = append(steps, st)
	}
	return steps
}

type replay struct {
	t     testing.TB
	steps []step
	pos   int
	fail  error // injected after the last step instead of "end of transcript"
}

func newReplay(t testing.TB, text string) *replay {
	return &replay{t: t, steps: parseTranscript(t, text)}
}

func (r *replay) next(got step) (step, error) {
	r.t.Helper()
	if r.pos >= len(r.steps) {
		if r.fail != nil {
			return step{}, r.fail
		}
		r.t.Errorf("replay: transfer after the end of the transcript:\n got %v", got)
		return step{}, fmt.Errorf("replay: end of transcript")
	}
	want := r.steps[r.pos]
	r.pos++
	if want.kind == "err" {
		return step{}, errTransient
	}
	mismatch := want.kind != got.kind
	if got.kind == "ctrl" {
		mismatch = mismatch || got.String() != want.String()
	}
	if got.kind == "out" {
		mismatch = mismatch || !bytes.Equal(got.data, want.data)
	}
	if mismatch {
		r.t.Errorf("replay: transcript line %d:\nwant %v\n got %v", want.line, want, got)
		return step{}, fmt.Errorf("replay: mismatch at transcript line %d", want.line)
	}
	return want, nil
}

func (r *replay) Control(ctx context.Context, rt, rq uint8, val, idx uint16, data []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if _, err := r.next(step{kind: "ctrl", rt: rt, rq: rq, val: val, idx: idx, data: data}); err != nil {
		return 0, err
	}
	return len(data), nil
}

func (r *replay) BulkOut(ctx context.Context, p []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if _, err := r.next(step{kind: "out", data: p}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (r *replay) BulkIn(ctx context.Context, p []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	st, err := r.next(step{kind: "in"})
	if err != nil {
		return 0, err
	}
	if len(st.data) > len(p) {
		r.t.Errorf("replay: transcript line %d returns %d bytes to a %d-byte read", st.line, len(st.data), len(p))
		return 0, fmt.Errorf("replay: overflow")
	}
	return copy(p, st.data), nil
}

// done fails the test unless the whole transcript was played.
func (r *replay) done() {
	r.t.Helper()
	if r.pos != len(r.steps) {
		r.t.Errorf("replay: %d transfers of the transcript not played, next: line %d %v", len(r.steps)-r.pos, r.steps[r.pos].line, r.steps[r.pos])
	}
}

var _ usbscan.Transport = (*replay)(nil)

var errTransient = errors.New("replay: transient USB error")

func readTranscript(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
