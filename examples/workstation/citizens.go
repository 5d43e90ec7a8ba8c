package main

import (
	"fmt"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/sad"
)

// The -citizen shortcuts: one person of sad's sample register for each
// issuance case, chosen by what the case needs rather than by position, so
// that the register may grow.
const (
	citizenAdult   = "adult"   // an Italian adult
	citizenMinor   = "minor"   // an Italian under 12 with both parents: no fingerprints
	citizenTeen    = "teen"    // an Italian aged 12 to 17: fingerprints, parents' consent
	citizenForeign = "foreign" // a foreign citizen: never valid for travel
)

// citizenNames lists the shortcuts in a stable order.
var citizenNames = []string{citizenAdult, citizenMinor, citizenTeen, citizenForeign}

// sampleCitizens returns the codice fiscale of each shortcut in subjects, as
// of date at.
func sampleCitizens(subjects []sad.Subject, at time.Time) (map[string]cie.CodiceFiscale, error) {
	cfs := make(map[string]cie.CodiceFiscale)
	for i := range subjects {
		p, err := subjects[i].Person()
		if err != nil {
			return nil, fmt.Errorf("sample subject %s: %w", subjects[i].APRID, err)
		}
		var key string
		switch age := p.Age(at); {
		case !p.Italian():
			key = citizenForeign
		case age < cie.FingerprintAge:
			if subjects[i].Parents == nil {
				continue
			}
			key = citizenMinor
		case age < 18:
			key = citizenTeen
		default:
			key = citizenAdult
		}
		if _, ok := cfs[key]; !ok {
			cfs[key] = p.CodiceFiscale
		}
	}
	for _, k := range citizenNames {
		if _, ok := cfs[k]; !ok {
			return nil, fmt.Errorf("the sample register has no %s citizen", k)
		}
	}
	return cfs, nil
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// residenceComune is the workstation's comune, Milano (Belfiore code).
const residenceComune = "F205"
