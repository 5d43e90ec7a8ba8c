package scard

import (
	"bytes"
	"testing"
)

func FuzzParseCommand(f *testing.F) {
	for _, h := range []string{"00A4020C02011E", "00B0000004", "10860000027C0000", "00B00000000100", "0086000000012C" + hexZeros(300) + "0000", "0CB000000D9701048E08ED6705417E96BA5500"} {
		f.Add(unhex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			if c.Data != nil || c.Ne != 0 {
				t.Fatalf("ParseCommand(%X) returned a command with error", b)
			}
			return
		}
		re, err := c.Bytes()
		if err != nil {
			t.Fatalf("ParseCommand(%X) = %+v does not re-encode: %v", b, c, err)
		}
		c2, err := ParseCommand(re)
		if err != nil || c2.CLA != c.CLA || c2.INS != c.INS || c2.Ne != c.Ne || !bytes.Equal(c2.Data, c.Data) {
			t.Fatalf("round trip of %X: %+v -> %X -> %+v, %v", b, c, re, c2, err)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Add([]byte{1, 2, 0x61, 0x10})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("ParseResponse(%X).Bytes() = %X", b, r.Bytes())
		}
	})
}

// icaoSM is the secure-messaging part of the BAC worked example of ICAO Doc
// 9303-11 appendix D (the whole example is in scard/emrtd's bac_test.go).
var icaoSM = struct {
	ksEnc, ksMac, ssc     string
	selectCmd, selectResp string
	read4Cmd, read4Resp   string
	read18Cmd, read18Resp string
}{
	ksEnc:      "979EC13B1CBFE9DCD01AB0FED307EAE5",
	ksMac:      "F1CB1F1FB5ADF208806B89DC579DC1F8",
	ssc:        "887022120C06C226",
	selectCmd:  "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
	selectResp: "990290008E08FA855A5D4C50A8ED9000",
	read4Cmd:   "0CB000000D9701048E08ED6705417E96BA5500",
	read4Resp:  "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000",
	read18Cmd:  "0CB000040D9701128E082EA28A70F3C7B53500",
	read18Resp: "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000",
}

// FuzzSMUnwrap feeds arbitrary data objects to both unwrap directions of
// a 3DES session keyed as in the ICAO appendix D example, and checks the
// counter rule of PlainSMStatus on the terminal side.
func FuzzSMUnwrap(f *testing.F) {
	f.Add(unhex(f, icaoSM.selectResp), unhex(f, icaoSM.selectCmd))
	f.Add(unhex(f, icaoSM.read4Resp), unhex(f, icaoSM.read4Cmd))
	f.Add(unhex(f, icaoSM.read18Resp), unhex(f, icaoSM.read18Cmd))
	f.Add([]byte{0x6A, 0x82}, unhex(f, icaoSM.selectCmd)) // a bare error (PlainSMStatus)
	f.Add([]byte{0x90, 0x00}, unhex(f, icaoSM.selectCmd)) // a bare success: an SMError
	f.Fuzz(func(t *testing.T, resp, cmd []byte) {
		term, _ := NewSecureMessaging(CipherTDES, unhex(t, icaoSM.ksEnc), unhex(t, icaoSM.ksMac), unhex(t, icaoSM.ssc))
		card, _ := NewSecureMessaging(CipherTDES, unhex(t, icaoSM.ksEnc), unhex(t, icaoSM.ksMac), unhex(t, icaoSM.ssc))
		if r, err := ParseResponse(resp); err == nil {
			before := term.SSC()
			u, err := term.UnwrapResponse(r)
			after := term.SSC()
			if len(r.Data) == 0 && PlainSMStatus(r.SW) {
				// PlainSMStatus: returned as is, not counted.
				if err != nil || u.SW != r.SW || len(u.Data) != 0 || !bytes.Equal(before, after) {
					t.Fatalf("UnwrapResponse(bare %04X) = %04X, %v; SSC %X -> %X, want it as is and the SSC unchanged", r.SW, u.SW, err, before, after)
				}
			} else if bytes.Equal(before, after) {
				t.Fatalf("UnwrapResponse(%X): SSC not incremented", resp)
			}
		}
		if c, err := ParseCommand(cmd); err == nil {
			_, _ = card.UnwrapCommand(c)
		}
	})
}
