// Command compare-cvc makes, with ciekit's cvc.Create, the CVCA -> DV -> IS
// chains that run.sh also has OpenPACE's cvc-create make, so that OpenPACE's
// cvc-print can judge them (scripts/compare-cvc/RESULTS.md).
//
//	go run ./scripts/compare-cvc -scheme ECDSA_SHA_256 -param brainpoolP256r1 -tag BP256 \
//	    -keys DIR -out DIR -dates CVCAFROM,CVCATO,DVFROM,DVTO,ISFROM,ISTO,OLDFROM,OLDTO,LINKFROM,LINKTO
//
// -keys holds cvca.pkcs8, cvca2.pkcs8 (the CVCA's next key, certified by a
// link certificate), dv.pkcs8, dv2.pkcs8 and is.pkcs8 (run.sh makes them with
// OpenSSL); the certificates, manifest.txt and a copy of the IS test key
// (IS-TEST-KEY.pkcs8) go to -out. Scheme names are cvc-create's.
package main

import (
	"crypto"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ciekit/ciekit/scard/emrtd/cvc"
)

var schemes = map[string]string{
	"ECDSA_SHA_1":      cvc.OIDTAECDSASHA1,
	"ECDSA_SHA_224":    cvc.OIDTAECDSASHA224,
	"ECDSA_SHA_256":    cvc.OIDTAECDSASHA256,
	"ECDSA_SHA_384":    cvc.OIDTAECDSASHA384,
	"ECDSA_SHA_512":    cvc.OIDTAECDSASHA512,
	"RSA_v1_5_SHA_1":   cvc.OIDTARSAv15SHA1,
	"RSA_v1_5_SHA_256": cvc.OIDTARSAv15SHA256,
	"RSA_v1_5_SHA_512": cvc.OIDTARSAv15SHA512,
	"RSA_PSS_SHA_1":    cvc.OIDTARSAPSSSHA1,
	"RSA_PSS_SHA_256":  cvc.OIDTARSAPSSSHA256,
	"RSA_PSS_SHA_512":  cvc.OIDTARSAPSSSHA512,
}

func main() {
	scheme := flag.String("scheme", "", "signature scheme, as cvc-create names it (ECDSA_SHA_256, RSA_PSS_SHA_256, …)")
	param := flag.String("param", "", "key parameter, recorded in manifest.txt (curve name or RSA bits)")
	tag := flag.String("tag", "", "middle part of the holder references (BP256, …)")
	keys := flag.String("keys", "", "directory with cvca.pkcs8, dv.pkcs8 and is.pkcs8")
	out := flag.String("out", "", "output directory")
	dates := flag.String("dates", "", "ten YYMMDD dates: CVCA, DV, IS, expired IS and CVCA link, each from,to")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("compare-cvc: ")
	alg, ok := schemes[*scheme]
	if !ok || *tag == "" || *keys == "" || *out == "" {
		log.Fatal("need -scheme (a cvc-create scheme), -tag, -keys and -out")
	}
	d := strings.Split(*dates, ",")
	if len(d) != 10 {
		log.Fatal("-dates needs ten YYMMDD dates")
	}
	day := func(i int) time.Time {
		t, err := time.Parse("060102", d[i])
		if err != nil {
			log.Fatalf("-dates: %v", err)
		}
		return t
	}
	signer := func(name string) crypto.Signer {
		b, err := os.ReadFile(filepath.Join(*keys, name))
		if err != nil {
			log.Fatal(err)
		}
		k, err := cvc.ParsePrivateKey(b)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		return k
	}
	cvcaKey, dvKey, isKey := signer("cvca.pkcs8"), signer("dv.pkcs8"), signer("is.pkcs8")
	cvca2Key, dv2Key := signer("cvca2.pkcs8"), signer("dv2.pkcs8")
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	var manifest strings.Builder
	manifest.WriteString("# file CHR scheme key-parameter (what cvc.Create was asked for)\n")
	create := func(file string, tmpl *cvc.Certificate, pub crypto.PublicKey, parent *cvc.Certificate, s crypto.Signer) *cvc.Certificate {
		tmpl.KeyAlgorithm = alg
		der, err := cvc.Create(nil, tmpl, pub, parent, s)
		if err != nil {
			log.Fatalf("%s: %v", file, err)
		}
		c, err := cvc.Parse(der)
		if err != nil {
			log.Fatalf("%s: %v", file, err)
		}
		if err := os.WriteFile(filepath.Join(*out, file), der, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(&manifest, "%s %s %s %s\n", file, tmpl.CHR, *scheme, *param)
		return c
	}
	cvcaCHR := "UTCVCA" + *tag + "01"
	cvca := create("cvca.cvcert", &cvc.Certificate{CAR: cvcaCHR, CHR: cvcaCHR, Role: cvc.RoleCVCA,
		Rights: cvc.ReadDG3 | cvc.ReadDG4, EffectiveDate: day(0), ExpirationDate: day(1)}, cvcaKey.Public(), nil, cvcaKey)
	link := create("link.cvcert", &cvc.Certificate{CAR: cvca.CHR, CHR: "UTCVCA" + *tag + "02", Role: cvc.RoleCVCA,
		Rights: cvc.ReadDG3 | cvc.ReadDG4, EffectiveDate: day(8), ExpirationDate: day(9)}, cvca2Key.Public(), cvca, cvcaKey)
	dv := create("dv.cvcert", &cvc.Certificate{CAR: cvca.CHR, CHR: "UTDV" + *tag + "0001", Role: cvc.RoleDVDomestic,
		Rights: cvc.ReadDG3 | cvc.ReadDG4, EffectiveDate: day(2), ExpirationDate: day(3)}, dvKey.Public(), cvca, cvcaKey)
	dv2 := create("dv2.cvcert", &cvc.Certificate{CAR: link.CHR, CHR: "UTDV" + *tag + "0002", Role: cvc.RoleDVDomestic,
		Rights: cvc.ReadDG3 | cvc.ReadDG4, EffectiveDate: day(8), ExpirationDate: day(3)}, dv2Key.Public(), link, cvca2Key)
	for i, is := range []struct {
		file     string
		rights   cvc.Rights
		from, to int
		dv       *cvc.Certificate
		key      crypto.Signer
	}{
		{"is.cvcert", cvc.ReadDG3, 4, 5, dv, dvKey},
		{"is-dg4.cvcert", cvc.ReadDG4, 4, 5, dv, dvKey},
		{"is-expired.cvcert", cvc.ReadDG3, 6, 7, dv, dvKey},
		{"is-allbits.cvcert", cvc.RightsMask, 4, 5, dv, dvKey},
		{"is-link.cvcert", cvc.ReadDG3, 4, 5, dv2, dv2Key},
	} {
		create(is.file, &cvc.Certificate{CAR: is.dv.CHR, CHR: fmt.Sprintf("UTIS%s%05d", *tag, i+1), Role: cvc.RoleIS,
			Rights: is.rights, EffectiveDate: day(is.from), ExpirationDate: day(is.to)}, isKey.Public(), is.dv, is.key)
	}
	if err := os.WriteFile(filepath.Join(*out, "manifest.txt"), []byte(manifest.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(*keys, "is.pkcs8"))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "IS-TEST-KEY.pkcs8"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
