package cie

import (
	"errors"
	"time"
)

// Sources of the issuance rules below, as the seeds of the project quote
// them (../shared/seeds).
const (
	// SourcePaperCard is where the paper-card exception is stated.
	SourcePaperCard = "Circ. Min. Interno 4/2017 of 31/03/2017 (seed 000), § Dotazioni dei Comuni; repeated by Prefettura di Napoli circ. 9/2017 (seed 001) and for circ. 8/2017 (seed 002)"
	// SourceDelivery is where the delivery time is stated.
	SourceDelivery = "Circ. Min. Interno 4/2017 of 31/03/2017 (seed 000), introduction"
)

// ErrLateDelivery reports a card delivered after the time the circular
// allows.
var ErrLateDelivery = errors.New("cie: delivered late")

// RuleError reports a breach of an issuance rule. Rule names it ("paper
// card", "delivery"), Source is the circular and section it comes from
// ([SourcePaperCard], [SourceDelivery]), and Err is the sentinel:
// [ErrNotApplicable], [ErrMissing] or [ErrLateDelivery].
type RuleError struct {
	Rule   string
	Reason string // what is wrong, in English
	Source string
	Err    error
}

// Error returns, e.g., "cie: paper card: urgency not documented (Circ. Min.
// Interno 4/2017 ...): not applicable".
func (e *RuleError) Error() string {
	s := "cie: " + e.Rule
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Source != "" {
		s += " (" + e.Source + ")"
	}
	return s + ": " + cieErrText(e.Err)
}

// Unwrap returns Err.
func (e *RuleError) Unwrap() error { return e.Err }

// PaperCardReason is a ground of urgency for which a comune that issues
// the CIE may still issue the paper identity card.
type PaperCardReason uint8

const (
	// PaperCardNone is the zero value: no urgency stated.
	PaperCardNone PaperCardReason = iota
	// PaperCardHealth: "motivi di salute".
	PaperCardHealth
	// PaperCardTravel: "viaggio".
	PaperCardTravel
	// PaperCardElection: "consultazione elettorale".
	PaperCardElection
	// PaperCardPublicCompetition: "partecipazione a concorsi o gare
	// pubbliche".
	PaperCardPublicCompetition
)

// String returns "health", "travel", "election", "public competition" or
// "none".
func (r PaperCardReason) String() string {
	switch r {
	case PaperCardNone:
		return "none"
	case PaperCardHealth:
		return "health"
	case PaperCardTravel:
		return "travel"
	case PaperCardElection:
		return "election"
	case PaperCardPublicCompetition:
		return "public competition"
	}
	return "invalid"
}

// PaperCardRequest is a request for the paper identity card instead of
// the CIE.
type PaperCardRequest struct {
	// Reason is the ground of urgency stated by the applicant.
	Reason PaperCardReason
	// Documented is true when the applicant documented the urgency
	// ("reale e documentata urgenza").
	Documented bool
	// AIRE is true when the applicant is registered in the Anagrafe degli
	// Italiani Residenti all'Estero.
	AIRE bool
}

// PaperCardAllowed reports whether a comune whose CIE workstations are in
// operation may issue the paper identity card, as Circ. Min. Interno
// 4/2017 (seed 000, § Dotazioni dei Comuni) states:
//
//	"[il Comune rilascerà la nuova CIE] abbandonando la modalità di
//	emissione della carta d'identità in formato cartaceo salvo i casi di
//	reale e documentata urgenza segnalati dal richiedente per motivi di
//	salute, viaggio, consultazione elettorale e partecipazione a concorsi o
//	gare pubbliche. La carta d'identità in formato cartaceo potrà essere
//	rilasciata anche nel caso in cui il cittadino sia iscritto nell'
//	Anagrafe degli Italiani Residenti all'Estero (AIRE)."
//
// (the same words in Prefettura di Napoli circ. 9/2017, seed 001, and as
// reported for circ. 8/2017, seed 002). So it returns nil for an AIRE
// citizen, or for one of the four grounds with Documented set; otherwise
// a [*RuleError] with Source [SourcePaperCard] wrapping [ErrMissing] (a
// ground stated but not documented) or [ErrNotApplicable] (no ground, or
// one the circular does not list).
func PaperCardAllowed(r PaperCardRequest) error {
	if r.AIRE {
		return nil
	}
	switch r.Reason {
	case PaperCardHealth, PaperCardTravel, PaperCardElection, PaperCardPublicCompetition:
		if !r.Documented {
			return &RuleError{Rule: "paper card", Reason: "urgency (" + r.Reason.String() + ") not documented", Source: SourcePaperCard, Err: ErrMissing}
		}
		return nil
	case PaperCardNone:
		return &RuleError{Rule: "paper card", Reason: "no documented urgency and not registered in AIRE", Source: SourcePaperCard, Err: ErrNotApplicable}
	}
	return &RuleError{Rule: "paper card", Reason: "ground not listed by the circular", Source: SourcePaperCard, Err: ErrNotApplicable}
}

// DeliveryWorkingDays is the delivery time of the CIE in working days, as
// Circ. Min. Interno 4/2017 (seed 000, introduction) states: "La consegna
// della CIE avverrà entro sei giorni lavorativi, presso l'indirizzo
// indicato dal cittadino all'atto della richiesta oppure presso il
// Comune."
const DeliveryWorkingDays = 6

// DeliveryOptions configures [DeliveryDeadline]. The zero value counts
// Monday to Friday, less the national public holidays.
//
// The circular does not define "giorni lavorativi"; Monday to Friday
// without national holidays is an inference (IPZS and the comuni's offices
// work those days). Set SaturdayWorking to count Saturdays, and Holiday to
// add local holidays (the patron saint of the comune of delivery).
type DeliveryOptions struct {
	SaturdayWorking bool
	// Holiday reports extra non-working days; nil means none.
	Holiday func(time.Time) bool
}

// DeliveryDeadline returns the last day on which a CIE requested on the
// date of requested is delivered in time: the [DeliveryWorkingDays]th
// working day after the request (the day of the request not counted), at
// midnight UTC. National holidays: 1 and 6 January, Easter Monday, 25
// April, 1 May, 2 June, 15 August, 1 November, 8, 25 and 26 December. A
// zero requested returns the zero time.
func DeliveryDeadline(requested time.Time, opts DeliveryOptions) time.Time {
	if requested.IsZero() {
		return time.Time{}
	}
	d := civilDate(requested)
	for n := 0; n < DeliveryWorkingDays; {
		d = d.AddDate(0, 0, 1)
		if workingDay(d, opts) {
			n++
		}
	}
	return d
}

// CheckDelivery returns nil when a card requested on requested was
// delivered on delivered within the time of [DeliveryDeadline], else a
// [*RuleError] with Source [SourceDelivery] wrapping [ErrLateDelivery]
// (or [ErrDate] when delivered precedes requested, [ErrMissing] for a
// zero date).
func CheckDelivery(requested, delivered time.Time, opts DeliveryOptions) error {
	if requested.IsZero() || delivered.IsZero() {
		return &RuleError{Rule: "delivery", Reason: "date missing", Source: SourceDelivery, Err: ErrMissing}
	}
	if civilDate(delivered).Before(civilDate(requested)) {
		return &RuleError{Rule: "delivery", Reason: "delivered before the request", Source: SourceDelivery, Err: ErrDate}
	}
	if dl := DeliveryDeadline(requested, opts); civilDate(delivered).After(dl) {
		return &RuleError{Rule: "delivery", Reason: "after " + dl.Format(time.DateOnly) + ", six working days from the request", Source: SourceDelivery, Err: ErrLateDelivery}
	}
	return nil
}

// workingDay reports whether d (midnight UTC) is a working day.
func workingDay(d time.Time, opts DeliveryOptions) bool {
	switch d.Weekday() {
	case time.Sunday:
		return false
	case time.Saturday:
		if !opts.SaturdayWorking {
			return false
		}
	}
	if nationalHoliday(d) {
		return false
	}
	return opts.Holiday == nil || !opts.Holiday(d)
}

// nationalHoliday reports the Italian national public holidays (L.
// 260/1949 as amended) falling on weekdays that matter here.
func nationalHoliday(d time.Time) bool {
	m, day := d.Month(), d.Day()
	switch {
	case m == time.January && (day == 1 || day == 6),
		m == time.April && day == 25,
		m == time.May && day == 1,
		m == time.June && day == 2,
		m == time.August && day == 15,
		m == time.November && day == 1,
		m == time.December && (day == 8 || day == 25 || day == 26):
		return true
	}
	return d.Equal(easterSunday(d.Year()).AddDate(0, 0, 1)) // Easter Monday
}

// easterSunday returns Easter Sunday of the Gregorian year y (the
// anonymous Gregorian algorithm, Meeus/Jones/Butcher).
func easterSunday(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
