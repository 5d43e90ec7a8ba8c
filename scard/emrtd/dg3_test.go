package emrtd_test

import (
	"testing"

	"github.com/ciekit/ciekit/scard/emrtd"
)

func TestParseDG3(t *testing.T) {
	recs := [][]byte{[]byte("FIR\x00010\x00right"), []byte("FIR\x00010\x00left")}
	got, err := emrtd.ParseDG3(emrtd.MarshalDG3(recs...))
	if err != nil || len(got) != 2 || string(got[0]) != string(recs[0]) || string(got[1]) != string(recs[1]) {
		t.Fatalf("ParseDG3(MarshalDG3(2 records)) = %q, %v", got, err)
	}
	got, err = emrtd.ParseDG3(emrtd.MarshalDG3())
	if err != nil || len(got) != 0 {
		t.Fatalf("ParseDG3(empty DG3) = %q, %v", got, err)
	}
	// Count 2 with one template: 63 { 7F61 { 02 02, 7F60 { 5F2E 01 } } }.
	forged := []byte{0x63, 0x0D, 0x7F, 0x61, 0x0A, 0x02, 0x01, 0x02, 0x7F, 0x60, 0x04, 0x5F, 0x2E, 0x01, 0xAA}
	for _, in := range [][]byte{nil, {0x63, 0x00}, {0x75, 0x02, 0x7F, 0x61}, forged} {
		if _, err := emrtd.ParseDG3(in); err == nil {
			t.Errorf("ParseDG3(% X): no error", in)
		}
	}
}

func FuzzParseDG3(f *testing.F) {
	f.Add(emrtd.MarshalDG3([]byte("FIR\x00010\x00right"), []byte("left")))
	f.Add(emrtd.MarshalDG3())
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := emrtd.ParseDG3(b)
		if err != nil {
			if recs != nil {
				t.Fatalf("partial result with error %v", err)
			}
			return
		}
		again, err := emrtd.ParseDG3(emrtd.MarshalDG3(recs...))
		if err != nil || len(again) != len(recs) {
			// MarshalDG3 leaves out empty blocks.
			n := 0
			for _, r := range recs {
				if len(r) > 0 {
					n++
				}
			}
			if err != nil || len(again) != n {
				t.Fatalf("round trip: %d blocks, %v; want %d", len(again), err, n)
			}
		}
	})
}
