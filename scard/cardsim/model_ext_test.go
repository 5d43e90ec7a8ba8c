package cardsim_test

import (
	"testing"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/scard"
	"github.com/ciekit/ciekit/scard/cardsim"
	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// testCard is a CIE model: Nicolò D'Angelo, born in Forlì.
func testCard(t testing.TB) *cie.Card {
	t.Helper()
	h := cie.Person{
		Surname: "D'Angelo", GivenNames: "Nicolò Maria", Sex: cie.SexMale,
		BirthDate:   date(1990, 7, 4),
		BirthPlace:  cie.Place{Code: "D704", Name: "FORLÌ", Province: "FC"},
		Citizenship: "ITA",
	}
	cf, err := cie.ComputeCodiceFiscale(h)
	require.NoError(t, err)
	h.CodiceFiscale = cf
	return &cie.Card{
		Holder: h,
		Document: cie.Document{
			Number: "CA12345BC", IssueDate: date(2024, 5, 2), ExpiryDate: date(2034, 7, 4),
			IssuingComune: "Forlì", ValidForTravel: true, CAN: "246810",
		},
		Residence: cie.Address{Street: "Corso della Repubblica 10", PostalCode: "47121", Comune: "Forlì", Province: "FC"},
	}
}

func TestCIEFromModel(t *testing.T) {
	card := testCard(t)
	p, err := pkiOnce()
	require.NoError(t, err)
	sim, err := cardsim.NewCIE(cardsim.CIEOptions{Card: card, PKI: p, KeyBits: 1024, Rand: cardsim.DeterministicRand(4), Photo: []byte("face")})
	require.NoError(t, err)

	for _, opts := range []emrtd.ReadOptions{
		{CAN: mustCAN(card.Document.CAN)},
		{MRZ: emrtd.NewMRZKey("CA12345BC", "900704", "340704"), NoPACE: true},
	} {
		e, err := emrtd.Read(t.Context(), scard.NewCard(sim, scard.CardOptions{}), opts)
		require.NoError(t, err)
		_, err = e.Verify(emrtd.PAOptions{CSCA: p.CSCAPool()})
		require.NoError(t, err)

		want, err := card.MRZ()
		require.NoError(t, err)
		got, err := e.MRZ()
		require.NoError(t, err)
		assert.Equal(t, want.String(), got.String(), "DG1 holds cie.EncodeMRZ of the model")
		assert.Equal(t, "DANGELO", got.Surname)

		d11, err := e.DG11()
		require.NoError(t, err)
		assert.Equal(t, "D'ANGELO<<NICOLÒ<MARIA", d11.FullName)
		assert.Equal(t, string(card.Holder.CodiceFiscale), d11.PersonalNumber)
		assert.Equal(t, card.Holder.BirthDate, d11.FullDateOfBirth)
		assert.Equal(t, "FORLÌ<FC", d11.PlaceOfBirth)
		assert.Equal(t, "CORSO DELLA REPUBBLICA 10<FORLÌ<FC", d11.Address)
		d12, err := e.DG12()
		require.NoError(t, err)
		assert.Equal(t, "COMUNE DI FORLÌ", d12.IssuingAuthority)
		assert.Equal(t, card.Document.IssueDate, d12.DateOfIssue)
	}
}

func TestCIEFromModelErrors(t *testing.T) {
	card := testCard(t)
	card.Document.Number = "XX"
	_, err := cardsim.NewCIE(cardsim.CIEOptions{Card: card, KeyBits: 1024, PKI: testPKI(t)})
	require.Error(t, err)
	card = testCard(t)
	card.Document.CAN = ""
	_, err = cardsim.NewCIE(cardsim.CIEOptions{Card: card, KeyBits: 1024, PKI: testPKI(t)})
	require.ErrorContains(t, err, "CAN")
}
