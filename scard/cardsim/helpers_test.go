package cardsim_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
)

func checkDigit(s string) byte {
	w := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * w[i%3]
	}
	return byte('0' + sum%10)
}

func pad(s string, n int) string { return s + strings.Repeat("<", n-len(s)) }

// testMRZ builds a valid TD1 MRZ for the test holder.
func testMRZ(doc, birth, expiry string) string {
	l1 := "C<ITA" + doc + string(checkDigit(doc))
	l1 = pad(l1, 30)
	l2 := birth + string(checkDigit(birth)) + "F" + expiry + string(checkDigit(expiry)) + "ITA"
	l2 = pad(l2, 29)
	comp := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	l2 += string(checkDigit(comp))
	l3 := pad("ROSSI<<MARIA<LUISA", 30)
	return l1 + "\n" + l2 + "\n" + l3
}

var testKey = emrtd.NewMRZKey("CA00000AA", "850315", "340315")

const testCAN = "123456"

func testConfig(seed uint64) cardsim.CIEOptions {
	return cardsim.CIEOptions{
		MRZ: testMRZ("CA00000AA", "850315", "340315"),
		Personal: emrtd.DG11{
			FullName:        "ROSSI<<MARIA<LUISA",
			PersonalNumber:  "RSSMLS85C55H501J",
			FullDateOfBirth: time.Date(1985, 3, 15, 0, 0, 0, 0, time.UTC),
			PlaceOfBirth:    "ROMA<RM",
			Address:         "VIA DEL CORSO 1<ROMA<RM",
		},
		Document:     emrtd.DG12{IssuingAuthority: "COMUNE DI ROMA", DateOfIssue: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		CAN:          mustCAN(testCAN),
		Photo:        []byte("\x00\x00\x00\x0CjP  \r\n\x87\nfake JPEG 2000 image"),
		PhotoType:    emrtd.ImageJPEG2000,
		PhotoWidth:   240,
		PhotoHeight:  320,
		Fingerprints: [2][]byte{[]byte("finger one"), []byte("finger two")},
		NIS:          "123456789012",
		KeyBits:      1024,
		Rand:         cardsim.DeterministicRand(seed),
		ECDH:         true,
	}
}

// pkiOnce shares one generated PKI across tests (key generation is the
// slow part of building a card).
var pkiOnce = sync.OnceValues(func() (*cardsim.PKI, error) {
	return cardsim.NewPKI(cardsim.PKIOptions{Rand: cardsim.DeterministicRand(42), KeyBits: 1024})
})

// newCIE returns a fresh simulated card built from the shared PKI.
func newCIE(t testing.TB, mod ...func(*cardsim.CIEOptions)) *cardsim.CIE {
	t.Helper()
	p, err := pkiOnce()
	if err != nil {
		t.Fatalf("NewPKI: %v", err)
	}
	cfg := testConfig(7)
	cfg.PKI = p
	for _, m := range mod {
		m(&cfg)
	}
	c, err := cardsim.NewCIE(cfg)
	if err != nil {
		t.Fatalf("NewCIE: %v", err)
	}
	return c
}

// mustCAN returns the CAN for 6 digits, or panics.
func mustCAN(digits string) emrtd.CAN {
	c, err := emrtd.NewCAN(digits)
	if err != nil {
		panic(err)
	}
	return c
}
