package scard_test

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ciekit/ciekit/scard"
)

// ExampleParseCommand decodes a command APDU as a card emulator would.
func ExampleParseCommand() {
	b, _ := hex.DecodeString("00A4020C02011E")
	cmd, err := scard.ParseCommand(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("INS %02X P1 %02X P2 %02X data %X Ne %d\n", cmd.INS, cmd.P1, cmd.P2, cmd.Data, cmd.Ne)
	// Output: INS A4 P1 02 P2 0C data 011E Ne 0
}

// ExampleStatusError shows how status words become errors callers can
// branch on.
func ExampleStatusError() {
	err := scard.Response{SW: 0x6A82}.Err(scard.InsSelect)
	fmt.Println(err)
	fmt.Println(errors.Is(err, scard.ErrNotFound))
	// Output:
	// scard: SELECT: status 6A82 (file or application not found)
	// true
}

// ExampleSecureMessaging_UnwrapCommand is the card side of secure
// messaging, as a card emulator uses it, with the session of the ICAO Doc
// 9303-11 appendix D worked example: it unwraps the protected SELECT of
// EF.COM and protects the answer.
func ExampleSecureMessaging_UnwrapCommand() {
	kEnc, _ := hex.DecodeString("979EC13B1CBFE9DCD01AB0FED307EAE5")
	kMac, _ := hex.DecodeString("F1CB1F1FB5ADF208806B89DC579DC1F8")
	ssc, _ := hex.DecodeString("887022120C06C226")
	sm, err := scard.NewSecureMessaging(scard.CipherTDES, kEnc, kMac, ssc)
	if err != nil {
		fmt.Println(err)
		return
	}
	capdu, _ := hex.DecodeString("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
	cmd, _ := scard.ParseCommand(capdu)
	plain, err := sm.UnwrapCommand(cmd)
	if err != nil {
		fmt.Println("answer 6988:", err)
		return
	}
	fmt.Printf("plain: %02X %02X %02X %02X %X\n", plain.CLA, plain.INS, plain.P1, plain.P2, plain.Data)
	r, _ := sm.WrapResponse(scard.Response{SW: scard.SWSuccess})
	fmt.Printf("protected response: %X\n", r.Bytes())
	// Output:
	// plain: 00 A4 02 0C 011E
	// protected response: 990290008E08FA855A5D4C50A8ED9000
}
