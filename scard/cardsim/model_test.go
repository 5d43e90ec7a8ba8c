package cardsim

import (
	"testing"
	"time"

	"github.com/ciekit/ciekit/cie"
)

func TestDG12From(t *testing.T) {
	d := cie.Document{IssuingComune: "Roma", IssueDate: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	got := DG12From(d)
	if got.IssuingAuthority != "COMUNE DI ROMA" || !got.DateOfIssue.Equal(d.IssueDate) {
		t.Errorf("DG12From(Roma) = %+v", got)
	}
	if got := DG12From(cie.Document{IssuingComune: "Consolato Generale d'Italia a Parigi"}); got.IssuingAuthority != "CONSOLATO GENERALE D'ITALIA A PARIGI" {
		t.Errorf("consulate = %q", got.IssuingAuthority)
	}
}

func TestAddressField(t *testing.T) {
	tests := []struct {
		a    cie.Address
		want string
	}{
		{cie.Address{Street: "Via del Corso  1", Comune: "Roma", Province: "RM"}, "VIA DEL CORSO 1<ROMA<RM"},
		{cie.Address{Street: "Rue de Rivoli 3", Comune: "Paris", Country: "FRA"}, "RUE DE RIVOLI 3<PARIS<FRA"},
		{cie.Address{}, ""},
	}
	for _, tc := range tests {
		if got := addressField(tc.a); got != tc.want {
			t.Errorf("addressField(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestFullName(t *testing.T) {
	if got := fullName("De Luca", "Maria Luisa"); got != "DE<LUCA<<MARIA<LUISA" {
		t.Errorf("fullName = %q", got)
	}
	if got := fullName("Rossi", ""); got != "ROSSI" {
		t.Errorf("fullName(no given names) = %q", got)
	}
}

func TestPersonalDetailsFromForeignBirth(t *testing.T) {
	c := &cie.Card{Holder: cie.Person{Surname: "Rossi", GivenNames: "Anna", BirthPlace: cie.Place{Code: "Z110", Name: "FRANCIA", Foreign: true}}}
	if got := DG11From(c).PlaceOfBirth; got != "FRANCIA" {
		t.Errorf("PlaceOfBirth = %q, want FRANCIA", got)
	}
	c.Holder.BirthPlace = cie.Place{}
	if got := DG11From(c).PlaceOfBirth; got != "" {
		t.Errorf("PlaceOfBirth of unknown place = %q, want empty", got)
	}
}
