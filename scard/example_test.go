package scard_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
)

// exampleCIE returns a reproducible simulated CIE and its trust anchor.
func exampleCIE() (*cardsim.CIE, *cardsim.PKI) {
	pki, err := cardsim.NewPKI(&cardsim.PKIConfig{Rand: cardsim.DeterministicRand(7), KeyBits: 1024})
	if err != nil {
		panic(err)
	}
	card, err := cardsim.NewCIE(cardsim.CIEConfig{
		MRZ: simMRZ, // a valid TD1 MRZ built in sim_test.go
		Personal: cardsim.PersonalDetails{FullName: "ROSSI<<MARIO", PersonalNumber: "RSSMRA64M12H501R",
			PlaceOfBirth: "ROMA<RM", BirthDate: time.Date(1964, 8, 12, 0, 0, 0, 0, time.UTC)},
		Document: cardsim.DocumentDetails{IssuingAuthority: "COMUNE DI ROMA", IssueDate: time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC)},
		CAN:      "123456",
		Photo:    []byte{0xFF, 0xD8, 0xFF, 0xE0}, PhotoType: cardsim.ImageJPEG, PhotoWidth: 480, PhotoHeight: 640,
		NIS:     "123456789012",
		PKI:     pki,
		KeyBits: 1024,
		Rand:    cardsim.DeterministicRand(8),
	})
	if err != nil {
		panic(err)
	}
	return card, pki
}

// Example_readCIE reads the eMRTD application of a (simulated) CIE with
// PACE and the CAN, and runs passive authentication.
func Example_readCIE() {
	sim, pki := exampleCIE()
	ctx := context.Background()
	card := scard.NewCard(sim, nil)

	doc, err := scard.ReadEMRTD(ctx, card, scard.EMRTDOptions{CAN: "123456"})
	if err != nil {
		fmt.Println(err)
		return
	}
	mrz, err := doc.MRZ()
	if err != nil {
		fmt.Println(err)
		return
	}
	dg11, _ := doc.DG11()
	res, err := doc.Verify(scard.PAOptions{CSCA: pki.CSCAPool()})
	fmt.Println("access:", doc.Access)
	fmt.Println("card number:", mrz.DocumentNumber)
	fmt.Println("name:", mrz.Surname, mrz.GivenNames)
	fmt.Println("place of birth:", dg11.PlaceOfBirthParts())
	fmt.Println("passive authentication:", err == nil, res.Verified)
	// Output:
	// access: PACE
	// card number: CA00000AA
	// name: ROSSI MARIO
	// place of birth: [ROMA RM]
	// passive authentication: true [1 2 11 12 14]
}

// ExampleIAS_VerifyNIS reads the NIS of a (simulated) CIE without PIN and
// proves it genuine with the IAS SOD and internal authentication.
func ExampleIAS_VerifyNIS() {
	sim, pki := exampleCIE()
	ias := scard.NewIAS(scard.NewCard(sim, nil))
	res, err := ias.VerifyNIS(context.Background(), scard.NISOptions{CSCA: pki.CSCAPool()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("NIS:", res.NIS)
	// Output: NIS: 123456789012
}

// ExampleIAS_VerifyPIN shows how a wrong PIN surfaces the tries left.
func ExampleIAS_VerifyPIN() {
	sim, _ := exampleCIE()
	ias := scard.NewIAS(scard.NewCard(sim, nil))
	ctx := context.Background()
	if err := ias.Select(ctx); err != nil {
		fmt.Println(err)
		return
	}
	pin, _ := scard.NewPIN("00000000")
	err := ias.VerifyPIN(ctx, pin)
	var pe *scard.PINError
	if errors.As(err, &pe) {
		fmt.Println("wrong PIN, tries left:", pe.Retries)
	}
	fmt.Println(pin) // secrets redact themselves
	// Output:
	// wrong PIN, tries left: 2
	// PIN(redacted)
}

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

// ExampleMRZKey_BACKeys derives the BAC keys of the ICAO Doc 9303-11
// appendix D worked example.
func ExampleMRZKey_BACKeys() {
	key := scard.MRZKey{DocumentNumber: "L898902C", BirthDate: "690806", ExpiryDate: "940623"}
	info, _ := key.Info()
	kEnc, kMac, _ := key.BACKeys()
	fmt.Println(info)
	fmt.Printf("K_enc %X\nK_mac %X\n", kEnc, kMac)
	fmt.Println(key) // the key redacts itself
	// Output:
	// L898902C<369080619406236
	// K_enc AB94FDECF2674FDFB9B391F85D7F76F2
	// K_mac 7962D9ECE03D1ACD4C76089DCE131543
	// MRZKey(redacted)
}

// Example_operatorCard activates a (simulated) operator card with the
// Security Officer's master password, associates it to a sede, logs in
// and signs. The APDU profile is ciekit's own: the real SCO protocol is
// not public (see OperatorCard).
func Example_operatorCard() {
	sim, err := cardsim.NewSCO(cardsim.SCOConfig{
		MasterPassword: "Password-SO-1",
		Operator:       "RSSMRA64M12H501R",
		Serial:         "SCO00000001",
		ECDSA:          true,
		Rand:           cardsim.DeterministicRand(3),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	var sco scard.OperatorCard = scard.NewSCOClient(scard.NewCard(sim, nil))
	if err := sco.(*scard.SCOClient).Select(ctx); err != nil {
		fmt.Println(err)
		return
	}
	so, _ := scard.NewMasterPassword("Password-SO-1")
	pin, _ := scard.NewPIN("24681357")
	if err := sco.Activate(ctx, so, pin); err != nil {
		fmt.Println(err)
		return
	}
	if err := sco.AssociateSede(ctx, so, "H501"); err != nil {
		fmt.Println(err)
		return
	}
	info, _ := sco.Info(ctx)
	fmt.Println(info.Serial, info.State, info.Sede)

	if err := sco.Login(ctx, pin); err != nil {
		fmt.Println(err)
		return
	}
	digest := sha256.Sum256([]byte("richiesta di emissione CIE"))
	sig, err := sco.Sign(ctx, scard.SCOKeySignature, digest[:], crypto.SHA256)
	if err != nil {
		fmt.Println(err)
		return
	}
	cert, _ := sco.Certificate(ctx, scard.SCOKeySignature)
	fmt.Println("signature verifies:", ecdsa.VerifyASN1(cert.PublicKey.(*ecdsa.PublicKey), digest[:], sig))
	// Output:
	// SCO00000001 active H501
	// signature verifies: true
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
