package cie

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPaperCardAllowed: Circ. Min. Interno 4/2017 (seed 000, § Dotazioni
// dei Comuni): "abbandonando la modalità di emissione della carta
// d'identità in formato cartaceo salvo i casi di reale e documentata
// urgenza segnalati dal richiedente per motivi di salute, viaggio,
// consultazione elettorale e partecipazione a concorsi o gare pubbliche.
// La carta d'identità in formato cartaceo potrà essere rilasciata anche
// nel caso in cui il cittadino sia iscritto nell' Anagrafe degli Italiani
// Residenti all'Estero (AIRE)."
func TestPaperCardAllowed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		req  PaperCardRequest
		err  error
	}{
		{"health, documented", PaperCardRequest{Reason: PaperCardHealth, Documented: true}, nil},
		{"travel, documented", PaperCardRequest{Reason: PaperCardTravel, Documented: true}, nil},
		{"election, documented", PaperCardRequest{Reason: PaperCardElection, Documented: true}, nil},
		{"public competition, documented", PaperCardRequest{Reason: PaperCardPublicCompetition, Documented: true}, nil},
		{"AIRE, no urgency", PaperCardRequest{AIRE: true}, nil},
		{"travel, not documented", PaperCardRequest{Reason: PaperCardTravel}, ErrMissing},
		{"no reason", PaperCardRequest{}, ErrNotApplicable},
		{"documented but no reason", PaperCardRequest{Documented: true}, ErrNotApplicable},
		{"unknown reason", PaperCardRequest{Reason: 9, Documented: true}, ErrNotApplicable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := PaperCardAllowed(tc.req)
			if tc.err == nil {
				require.NoError(t, err, "PaperCardAllowed(%+v)", tc.req)
				return
			}
			require.ErrorIs(t, err, tc.err, "PaperCardAllowed(%+v)", tc.req)
			re, ok := errors.AsType[*RuleError](err)
			require.True(t, ok)
			assert.Equal(t, SourcePaperCard, re.Source)
			assert.Contains(t, err.Error(), "seed 000")
		})
	}
}

// TestDeliveryDeadline: Circ. Min. Interno 4/2017 (seed 000,
// introduction): "La consegna della CIE avverrà entro sei giorni
// lavorativi, presso l'indirizzo indicato dal cittadino all'atto della
// richiesta oppure presso il Comune."
func TestDeliveryDeadline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		requested time.Time
		opts      DeliveryOptions
		want      time.Time
	}{
		{"Monday: the next Monday", date(2017, 3, 27), DeliveryOptions{}, date(2017, 4, 4)},
		{"Friday", date(2017, 3, 31), DeliveryOptions{}, date(2017, 4, 10)},
		{"over Easter Monday 2017 (17 April) and 25 April", date(2017, 4, 13), DeliveryOptions{}, date(2017, 4, 24)},
		{"over 25 April and 1 May", date(2017, 4, 21), DeliveryOptions{}, date(2017, 5, 3)}, // 24, 26, 27, 28 April, 2, 3 May
		{"Christmas", date(2026, 12, 23), DeliveryOptions{}, date(2027, 1, 4)},
		{"Saturdays working", date(2017, 3, 27), DeliveryOptions{SaturdayWorking: true}, date(2017, 4, 3)},
		{"patron saint (Roma, 29 June)", date(2026, 6, 24), DeliveryOptions{Holiday: func(d time.Time) bool { return d.Month() == 6 && d.Day() == 29 }}, date(2026, 7, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, DeliveryDeadline(tc.requested, tc.opts), "DeliveryDeadline(%v)", tc.requested)
		})
	}
	assert.True(t, DeliveryDeadline(time.Time{}, DeliveryOptions{}).IsZero())
	for y, want := range map[int]time.Time{2017: date(2017, 4, 16), 2024: date(2024, 3, 31), 2026: date(2026, 4, 5), 2038: date(2038, 4, 25)} {
		assert.Equal(t, want, easterSunday(y), "easterSunday(%d)", y)
	}

	req := date(2017, 3, 27)
	require.NoError(t, CheckDelivery(req, date(2017, 4, 4), DeliveryOptions{}))
	err := CheckDelivery(req, date(2017, 4, 5), DeliveryOptions{})
	require.ErrorIs(t, err, ErrLateDelivery)
	assert.Contains(t, err.Error(), "seed 000")
	require.ErrorIs(t, CheckDelivery(req, date(2017, 3, 26), DeliveryOptions{}), ErrDate)
	require.ErrorIs(t, CheckDelivery(time.Time{}, req, DeliveryOptions{}), ErrMissing)
}
