package main

// This file holds two compositions that belong in packages and are kept here
// only until those packages grow them (requests in /work/coord/requests.md):
//
//   - sampleSubjects: a synthetic APR register covering the issuance cases
//     (adult, minor under 12 with parents, foreign citizen); should become
//     sad.SampleSubjects or similar, shared with examples/apr-server;
//   - personFromSubject and placeByISTAT: SAD's ISTAT-coded subject to a
//     cie.Person; should become (*sad.Subject).Person and cie.LookupISTAT.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ciekit/ciekit/cie"
	"github.com/ciekit/ciekit/sad"
)

// Sample citizens of the in-process APR, by --citizen name. Everyone is
// synthetic; the codici fiscali are computed, not copied.
const (
	citizenAdult   = "adult"
	citizenMinor   = "minor"
	citizenForeign = "foreign"
)

// citizenNames lists the --citizen shortcuts in a stable order.
var citizenNames = []string{citizenAdult, citizenMinor, citizenForeign}

// sampleCitizen is one synthetic person of the register.
type sampleCitizen struct {
	key                 string
	surname, givenNames string
	sex                 cie.Sex
	birth               time.Time
	birthPlace          string // Belfiore code
	citizenship         string // ISO 3166-1 alpha-3
	street, cap         string
	height              int
	parents             []sad.Parent // father, mother
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func sampleCitizens() []sampleCitizen {
	return []sampleCitizen{
		{key: citizenAdult, surname: "ROSSI", givenNames: "MARIO", sex: cie.SexMale, birth: date(1980, time.January, 1),
			birthPlace: "H501", citizenship: "ITA", street: "VIA ROMA 1", cap: "20121", height: 178},
		{key: citizenMinor, surname: "BIANCHI", givenNames: "LUCA", sex: cie.SexMale, birth: date(2016, time.May, 10),
			birthPlace: "F205", citizenship: "ITA", street: "PIAZZA DUOMO 2", cap: "20122", height: 140,
			parents: []sad.Parent{{Surname: "BIANCHI", GivenNames: "PAOLO"}, {Surname: "VERDI", GivenNames: "ELENA"}}},
		{key: citizenForeign, surname: "SCHMIDT", givenNames: "ANNA", sex: cie.SexFemale, birth: date(1990, time.March, 15),
			birthPlace: "Z112", citizenship: "DEU", street: "CORSO BUENOS AIRES 10", cap: "20124", height: 170},
	}
}

// residenceComune is the comune of the workstation and of every sample
// citizen's residence: Milano.
const residenceComune = "F205"

// sampleSubjects builds the register: the sample citizens as SAD subjects,
// with their codici fiscali computed, plus the parents of the minor.
// It returns the subjects and the codice fiscale of each citizen by key.
func sampleSubjects() ([]sad.Subject, map[string]cie.CodiceFiscale, error) {
	today := time.Now().UTC()
	milano, err := cie.LookupPlace(residenceComune, today)
	if err != nil {
		return nil, nil, err
	}
	var subjects []sad.Subject
	cfs := make(map[string]cie.CodiceFiscale)
	for i, c := range sampleCitizens() {
		place, err := cie.LookupPlace(c.birthPlace, c.birth)
		if err != nil {
			return nil, nil, fmt.Errorf("sample %s: %w", c.key, err)
		}
		p := cie.Person{Surname: c.surname, GivenNames: c.givenNames, Sex: c.sex, BirthDate: c.birth, BirthPlace: place, Citizenship: c.citizenship}
		cf, err := cie.ComputeCodiceFiscale(p)
		if err != nil {
			return nil, nil, fmt.Errorf("sample %s: %w", c.key, err)
		}
		cfs[c.key] = cf
		s := sad.Subject{
			APRID:         fmt.Sprintf("2000%02d", i+1),
			CodiceFiscale: cf.String(),
			Surname:       c.surname,
			GivenNames:    c.givenNames,
			Sex:           string(c.sex),
			BirthDate:     c.birth,
			Residence: &sad.Residence{
				Comune:   sad.Place{IstatCode: milano.ISTAT, Description: milano.Name, Province: milano.Province},
				Address:  c.street,
				PostCode: c.cap,
			},
			AIRE: sad.Bool(false),
		}
		if place.Foreign {
			s.BirthState = &sad.Place{IstatCode: place.ISTAT, Description: place.Name}
		} else {
			s.BirthComune = &sad.Place{IstatCode: place.ISTAT, Description: place.Name, Province: place.Province}
		}
		if c.citizenship == "ITA" {
			s.Citizenships = []sad.Place{{IstatCode: "100", Description: "ITALIANA"}}
		} else {
			st, err := cie.ForeignStateByISO(c.citizenship, today)
			if err != nil {
				return nil, nil, fmt.Errorf("sample %s: %w", c.key, err)
			}
			s.Citizenships = []sad.Place{{IstatCode: st.ISTAT, Description: st.Name}}
		}
		if len(c.parents) == 2 {
			father, mother := c.parents[0], c.parents[1]
			s.Parents = &sad.Parents{Father: &father, Mother: &mother}
		}
		subjects = append(subjects, s)
	}
	return subjects, cfs, nil
}

// placeByISTAT resolves an ISTAT code (6 digits for a comune, 3 for a
// foreign state) to the place it denoted at t.
func placeByISTAT(code string, foreign bool, t time.Time) (cie.Place, error) {
	seq := cie.Comuni()
	if foreign {
		seq = cie.ForeignStates()
	}
	for p := range seq {
		if p.ISTAT == code && p.ValidAt(t) {
			return p, nil
		}
	}
	return cie.Place{}, fmt.Errorf("ISTAT code %q at %s: %w", code, t.Format(time.DateOnly), cie.ErrUnknownPlace)
}

// personFromSubject converts what the APR sent into the cie model: the birth
// place resolved as of the birth date, the first citizenship as an ISO
// alpha-3 code ("ITA" for ISTAT 100).
func personFromSubject(s *sad.Subject, at time.Time) (cie.Person, error) {
	p := cie.Person{
		Surname:       s.Surname,
		GivenNames:    s.GivenNames,
		BirthDate:     s.BirthDate,
		CodiceFiscale: cie.CodiceFiscale(s.CodiceFiscale),
	}
	switch strings.ToUpper(s.Sex) {
	case "M":
		p.Sex = cie.SexMale
	case "F":
		p.Sex = cie.SexFemale
	default:
		return cie.Person{}, errors.New("sex is neither M nor F")
	}
	var err error
	switch {
	case s.BirthComune != nil:
		p.BirthPlace, err = placeByISTAT(s.BirthComune.IstatCode, false, s.BirthDate)
	case s.BirthState != nil:
		p.BirthPlace, err = placeByISTAT(s.BirthState.IstatCode, true, s.BirthDate)
	default:
		err = errors.New("no place of birth")
	}
	if err != nil {
		return cie.Person{}, fmt.Errorf("place of birth: %w", err)
	}
	if len(s.Citizenships) == 0 {
		return cie.Person{}, errors.New("no citizenship")
	}
	if c := s.Citizenships[0].IstatCode; c == "100" {
		p.Citizenship = "ITA"
	} else {
		st, err := placeByISTAT(c, true, at)
		if err != nil {
			return cie.Person{}, fmt.Errorf("citizenship: %w", err)
		}
		if st.ISO3166 == "" {
			return cie.Person{}, fmt.Errorf("citizenship: state %s has no ISO 3166 code", st.Code)
		}
		p.Citizenship = st.ISO3166
	}
	return p, nil
}
