package cvc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ciekit/ciekit/scard/emrtd/cvc"
)

// Example issues a CVCA certificate and a domestic DV certificate, parses
// the DV certificate as a chip would and checks it against its issuer.
func Example() {
	cvcaKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cvcaDER, err := cvc.Create(nil, &cvc.Certificate{
		CAR: "ITCVCA00001", CHR: "ITCVCA00001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleCVCA, Rights: cvc.ReadDG3 | cvc.ReadDG4,
		EffectiveDate: from, ExpirationDate: from.AddDate(3, 0, -1),
	}, &cvcaKey.PublicKey, nil, cvcaKey)
	if err != nil {
		log.Fatal(err)
	}
	cvca, err := cvc.Parse(cvcaDER)
	if err != nil {
		log.Fatal(err)
	}
	dvDER, err := cvc.Create(nil, &cvc.Certificate{
		CAR: cvca.CHR, CHR: "ITDV000001", KeyAlgorithm: cvc.OIDTAECDSASHA256,
		Role: cvc.RoleDVDomestic, Rights: cvc.ReadDG3,
		EffectiveDate: from, ExpirationDate: from.AddDate(0, 6, -1),
	}, &dvKey.PublicKey, cvca, cvcaKey)
	if err != nil {
		log.Fatal(err)
	}
	dv, err := cvc.Parse(dvDER)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dv.CAR, "->", dv.CHR, dv.Role, dv.Rights, dv.ExpirationDate.Format(time.DateOnly))
	fmt.Println("signed by the CVCA:", dv.CheckSignatureFrom(cvca) == nil)
	fmt.Println("valid on 2025-07-01:", dv.ValidAt(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)))
	// Output:
	// ITCVCA00001 -> ITDV000001 DV (domestic) DG3 2025-06-30
	// signed by the CVCA: true
	// valid on 2025-07-01: false
}

// ExampleParsePrivateKey loads an inspection system's brainpool key as
// OpenSSL writes it for EAC (PKCS#8 with explicit domain parameters, which
// crypto/x509 refuses) and checks that it belongs to the IS certificate of
// an OpenPACE-made chain, verifying the chain on the way.
func ExampleParsePrivateKey() {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata/openpace/bp256", name))
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	key, err := cvc.ParsePrivateKey(read("IS-TEST-KEY.pkcs8"))
	if err != nil {
		log.Fatal(err)
	}
	var chain []*cvc.Certificate
	for _, name := range []string{"cvca.cvcert", "dv.cvcert", "is.cvcert"} {
		c, err := cvc.Parse(read(name))
		if err != nil {
			log.Fatal(err)
		}
		issuer := c
		if len(chain) > 0 {
			issuer = chain[len(chain)-1]
		}
		if err := c.CheckSignatureFrom(issuer); err != nil {
			log.Fatal(err)
		}
		chain = append(chain, c)
	}
	is := chain[2]
	fmt.Println(is.CHR, is.Role, is.Rights, is.PublicKey.(*ecdsa.PublicKey).Curve.Params().Name)
	fmt.Println("key matches:", key.Public().(*ecdsa.PublicKey).Equal(is.PublicKey))
	// Output:
	// UTISBP25600001 IS DG3 brainpoolP256r1
	// key matches: true
}
