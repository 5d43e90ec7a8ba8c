package cie_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ciekit/ciekit/cie"
)

func placeDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A Belfiore code resolves to the place it denoted on a date: A001 was
// renamed in 1924, D877 (Gallico) ceased in 1927.
func ExampleLookupPlace() {
	for _, q := range []struct {
		code string
		at   time.Time
	}{
		{"A001", placeDate(1920, 1, 1)},
		{"a001", placeDate(1980, 1, 1)},
		{"Z112", placeDate(1980, 1, 1)},
		{"D877", placeDate(1907, 1, 1)},
		{"D877", placeDate(1990, 1, 1)},
		{"Q999", placeDate(1990, 1, 1)},
	} {
		p, err := cie.LookupPlace(q.code, q.at)
		switch {
		case errors.Is(err, cie.ErrPlaceNotValid):
			fmt.Println(q.code, "not valid on", q.at.Format(time.DateOnly))
		case errors.Is(err, cie.ErrUnknownPlace):
			fmt.Println(q.code, "unknown")
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(q.code, p, p.Foreign)
		}
	}
	// Output:
	// A001 ABANO (PD) false
	// a001 ABANO TERME (PD) false
	// Z112 GERMANIA true
	// D877 GALLICO (RC) false
	// D877 not valid on 1990-01-01
	// Q999 unknown
}

func ExamplePlaceHistory() {
	for _, p := range cie.PlaceHistory("A089") {
		to := "today"
		if !p.To.IsZero() {
			to = p.To.Format(time.DateOnly)
		}
		fmt.Println(p.Name, p.From.Format(time.DateOnly), to)
	}
	// Output:
	// GIRGENTI 1861-03-17 1927-07-26
	// AGRIGENTO 1927-07-27 today
}

// Names are compared without case, accents, apostrophes, hyphens and
// spaces; homonyms come back together unless the province is given.
func ExampleFindComune() {
	show := func(name, prov string, at time.Time) {
		ps, err := cie.FindComune(name, prov, at)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, p := range ps {
			fmt.Printf("%s -> %s %s\n", name, p.Code, p)
		}
	}
	show("FORLI'", "", placeDate(2020, 1, 1))
	show("S. Anastasia", "NA", placeDate(2020, 1, 1))
	show("Vignola", "", placeDate(1925, 1, 1))
	show("Bozen", "", time.Time{})
	show("Gallico", "RC", placeDate(2020, 1, 1))
	// Output:
	// FORLI' -> D704 FORLÌ (FC)
	// S. Anastasia -> I262 SANT'ANASTASIA (NA)
	// Vignola -> L884 VIGNOLA (TN)
	// Vignola -> L885 VIGNOLA (MO)
	// Bozen -> A952 BOLZANO (BZ)
	// cie: place name "Gallico" (RC) on 2020-01-01: place not valid at that date
}

func ExampleSuggestComune() {
	for _, p := range cie.SuggestComune("Castellamare di Stabia", "NA", placeDate(2020, 1, 1), 1) {
		fmt.Println("did you mean", p)
	}
	// Output:
	// did you mean CASTELLAMMARE DI STABIA (NA)
}

func ExampleForeignStateByISO() {
	de, _ := cie.ForeignStateByISO("DEU", placeDate(2020, 1, 1))
	cs, _ := cie.ForeignStateByISO("CSK", placeDate(1980, 1, 1))
	fmt.Println(de.Code, de.Name, de.AltName)
	fmt.Println(cs.Code, cs.Name, cs.To.Format(time.DateOnly))
	_, err := cie.ForeignStateByISO("CSK", placeDate(2000, 1, 1))
	fmt.Println(err)
	// Output:
	// Z112 GERMANIA Germany
	// Z105 CECOSLOVACCHIA 1992-12-31
	// cie: place "CSK" on 2000-01-01: place not valid at that date
}

func ExampleFindForeignState() {
	ps, _ := cie.FindForeignState("Stati Uniti d'America", time.Time{})
	fmt.Println(ps[0].Code, ps[0].ISO3166)
	// Output:
	// Z404 USA
}

func ExampleComuni() {
	active := 0
	for p := range cie.Comuni() {
		if p.To.IsZero() {
			active++
		}
	}
	fmt.Println(active > 7800)
	// Output:
	// true
}

func ExamplePlace_ValidAt() {
	p, _ := cie.LookupPlace("L884", placeDate(1925, 1, 1)) // Vignola, TN
	fmt.Println(p.ValidAt(placeDate(1929, 1, 24)), p.ValidAt(placeDate(1929, 1, 25)))
	// Output:
	// true false
}
