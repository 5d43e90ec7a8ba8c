package scardtest_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/ciekit/ciekit/scard/scardtest"
)

func ExampleParseTranscript() {
	xs, err := scardtest.ParseTranscript(strings.NewReader(`# ciekit APDU transcript v1
# SELECT by AID (ISO/IEC 7816-4 11.2.2)
> 00A4040C 07 A0000002471001
< 9000
# READ BINARY SFI 01 offset 0 (ISO/IEC 7816-4 11.3.3)
> 00B0810004
< !card removed
`))
	if err != nil {
		log.Fatal(err)
	}
	for _, x := range xs {
		fmt.Printf("%X -> %X %v\n", x.Command, x.Response, x.Err)
	}
	// Output:
	// 00A4040C07A0000002471001 -> 9000 <nil>
	// 00B0810004 ->  scard: card removed
}

func ExampleDescribe() {
	fmt.Println(scardtest.Describe([]byte{0x00, 0xB0, 0x9C, 0x00, 0x00}))
	fmt.Println(scardtest.Describe([]byte{0x10, 0x86, 0x00, 0x00, 0x02, 0x7C, 0x00, 0x00}))
	fmt.Println(scardtest.Describe([]byte{0x0C, 0xA4, 0x02, 0x0C, 0x00}))
	// Output:
	// READ BINARY SFI 1C offset 0 (ISO/IEC 7816-4 11.3.3)
	// GENERAL AUTHENTICATE (ICAO 9303-11 4.4.4.2, PACE step 1: encrypted nonce), chained
	// SM SELECT by file identifier (ISO/IEC 7816-4 11.2.2)
}

func ExampleDiff() {
	fmt.Println(scardtest.Diff([]byte{0x00, 0xB0, 0x00, 0x00, 0xE0}, []byte{0x00, 0xB0, 0x00, 0xE0, 0xE0}))
	// Output:
	//   want 00B00000E0
	//   got  00B000E0E0
	//              ^ first difference at byte 3 [header: CLA INS P1 P2]
}

// resettingCard answers every command with 9000, and with 6985 to the
// first command after a warm reset (a card that wants its application
// selected again).
type resettingCard struct{ fresh bool }

func (c *resettingCard) Reset() { c.fresh = true }

func (c *resettingCard) Transmit(_ context.Context, capdu []byte) ([]byte, error) {
	if c.fresh {
		c.fresh = false
		return []byte{0x69, 0x85}, nil
	}
	return []byte{0x90, 0x00}, nil
}

// ExampleReplayExchanges replays a recorded session that contains a
// reader's reset against a card, which ReplayExchanges resets at the
// "# card reset" comment.
func ExampleReplayExchanges() {
	xs, err := scardtest.ParseTranscript(strings.NewReader(`# ciekit APDU transcript v1
# SELECT MF (ISO/IEC 7816-4 11.2.2)
> 00A4000C023F00
< 9000
# card reset
# READ BINARY (ISO/IEC 7816-4 11.3.3)
> 00B0000004
< 6985
> 00B0000004
< 9000
`))
	if err != nil {
		log.Fatal(err)
	}
	matched, resets, err := scardtest.ReplayExchanges(context.Background(), &resettingCard{}, xs)
	fmt.Println("matched:", matched, "resets:", resets, "error:", err)

	// A card that ignores resets answers the third exchange differently.
	matched, _, err = scardtest.ReplayExchanges(context.Background(), &ignoresReset{}, xs)
	fmt.Println("matched:", matched, "error:", err)
	// Output:
	// matched: 3 resets: 1 error: <nil>
	// matched: 1 error: exchange 2 (card reset; READ BINARY (ISO/IEC 7816-4 11.3.3)): response to 00B0000004 differs from the recording
	//   want 6985
	//   got  9000
	//        ^ first difference at byte 0 [header: CLA INS P1 P2]
}

// ignoresReset is resettingCard whose Reset does nothing.
type ignoresReset struct{ resettingCard }

func (c *ignoresReset) Reset() {}
