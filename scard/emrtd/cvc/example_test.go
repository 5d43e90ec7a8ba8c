package cvc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"log"
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
