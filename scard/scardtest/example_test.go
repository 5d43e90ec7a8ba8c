package scardtest_test

import (
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
