package sedi_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/sedi"
)

// Example_insertSede walks the six steps of the SediCIE manual for a new
// sede and transmits it.
func Example_insertSede() {
	ctx := context.Background()
	reg, err := sedi.NewRegistry(sedi.NewMemoryStore(), sedi.Options{})
	if err != nil {
		panic(err)
	}

	f, _ := reg.Begin(ctx, "H501") // Roma
	err = f.SetData(ctx, sedi.SedeData{
		Name: "Ufficio anagrafe", Address: "Via Luigi Petroselli", StreetNumber: "50", CAP: "00186",
		Workstations: 2, Operators: 4, Payment: "PagoPA", Connection: sedi.ConnectionHTTP,
	})
	if err != nil {
		panic(err)
	}
	rossi, _ := f.AddReferente(ctx, sedi.ReferenteData{Title: "Dirigente", GivenName: "Mario", Surname: "Rossi", Email: "m.rossi@comune.example.it",
		CodiceFiscale: "RSSMRA80A01H501U", Phone1: "06 1234567"})
	_ = f.NextReferenti(ctx)
	_ = f.AddSecurityOfficer(ctx, rossi, 4) // 4 operator cards (SCO), one per operator
	_ = f.NextSecurityOfficers(ctx)
	_ = f.SetInstallContact(ctx, rossi)
	_ = f.NextInstallContact(ctx)
	_ = f.SetManager(ctx, rossi)
	_ = f.NextManager(ctx)
	_ = f.Confirm(ctx)
	events, err := f.Transmit(ctx, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	s, _ := f.Sede(ctx)
	fmt.Println(s.State)
	for _, e := range events {
		fmt.Println(e.Kind, e.Cards, e.Due.Format("2006-01-02"))
	}
	// Output:
	// COMPLETA
	// master-password 4 2026-12-31
	// monitora-update 4 0001-01-01
	// agenda-update 0 0001-01-01
}

// ExampleRuleError shows an error as a front-end would display it.
func ExampleRuleError() {
	ctx := context.Background()
	reg, err := sedi.NewRegistry(sedi.NewMemoryStore(), sedi.Options{})
	if err != nil {
		panic(err)
	}
	f, _ := reg.Begin(ctx, "H501")
	err = f.SetData(ctx, sedi.SedeData{Name: "Ufficio anagrafe", Address: "Via Roma", StreetNumber: "1", CAP: "0018",
		Workstations: 1, Operators: 1, Payment: "PagoPA", Connection: sedi.ConnectionFTP})
	var re *sedi.RuleError
	if errors.As(err, &re) {
		fmt.Println(re.Message("it"))
		fmt.Println(re.Message("en"))
		fmt.Println(re.Section, re.Rule)
	}
	// Output:
	// CAP: formato non valido
	// CAP: invalid format
	// 3.1.1 format
}
