package main

import (
	"fmt"
	"strings"
)

// record is the JSON record of one issuance (-json). Secrets (PINs, the
// master password, keys) are never part of it.
type record struct {
	IssueDate     string              `json:"issue_date"`
	Transport     string              `json:"transport"`
	Seed          uint64              `json:"seed"`
	OK            bool                `json:"ok"`
	FailedStep    string              `json:"failed_step,omitempty"`
	Error         string              `json:"error,omitempty"`
	Steps         []stepRecord        `json:"steps"`
	Operator      *operatorRecord     `json:"operator,omitempty"`
	CodiceFiscale string              `json:"codice_fiscale,omitempty"`
	Holder        *holderRecord       `json:"holder,omitempty"`
	Fingerprints  *fingerprintRecord  `json:"fingerprints,omitempty"`
	Document      *documentRecord     `json:"document,omitempty"`
	Notice        *noticeRecord       `json:"apr_notice,omitempty"`
	Verification  *verificationRecord `json:"verification,omitempty"`
	Cancellation  *noticeRecord       `json:"apr_cancellation,omitempty"`
}

// stepRecord is one step: its outcome, duration and what it reported.
type stepRecord struct {
	N       int      `json:"n"`
	Name    string   `json:"name"`
	OK      bool     `json:"ok"`
	Millis  float64  `json:"ms,omitempty"`
	Details []string `json:"details,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func (s *stepRecord) add(format string, a ...any) {
	s.Details = append(s.Details, fmt.Sprintf(format, a...))
}

type operatorRecord struct {
	Card      string `json:"card"`
	Operator  string `json:"operator"`
	Sede      string `json:"sede"`
	Activated bool   `json:"activated_now"`
}

type holderRecord struct {
	APRID       string   `json:"apr_id"`
	Surname     string   `json:"surname"`
	GivenNames  string   `json:"given_names"`
	Sex         string   `json:"sex"`
	BirthDate   string   `json:"birth_date"`
	BirthPlace  string   `json:"birth_place"`
	Citizenship string   `json:"citizenship"`
	Age         int      `json:"age"`
	Parents     []string `json:"parents,omitempty"`
}

type fingerprintRecord struct {
	Exempt     bool           `json:"exempt,omitempty"`
	Impossible bool           `json:"impossible,omitempty"`
	Fingers    []fingerRecord `json:"fingers,omitempty"`
}

type fingerRecord struct {
	Finger         string `json:"finger"`
	Attempts       int    `json:"attempts"`
	Quality        int    `json:"quality"`
	Minutiae       int    `json:"minutiae"`
	TemplateBytes  int    `json:"template_bytes"`
	TemplateSHA256 string `json:"template_sha256"`
}

type documentRecord struct {
	Number         string   `json:"number"`
	CAN            string   `json:"can"`
	IssueDate      string   `json:"issue_date"`
	ExpiryDate     string   `json:"expiry_date"`
	ValidForTravel bool     `json:"valid_for_travel"`
	TravelReason   string   `json:"travel_reason"`
	IssuingComune  string   `json:"issuing_comune"`
	MRZ            []string `json:"mrz"`
	FeeTotal       string   `json:"fee_total_eur"`
}

type noticeRecord struct {
	RequestID string `json:"request_id,omitempty"`
	Outcome   string `json:"outcome,omitempty"`
	Error     string `json:"error,omitempty"`
}

type verificationRecord struct {
	Access                string `json:"access"`
	ChipAuthenticated     bool   `json:"chip_authenticated"`
	PassiveAuthentication bool   `json:"passive_authentication"`
	VerifiedDataGroups    []int  `json:"verified_data_groups"`
	NIS                   string `json:"nis"`
}

// summary prints the closing lines of the console report.
func (ws *workstation) summary() {
	r := ws.rec
	ws.out.printf("\n")
	if !r.OK {
		if n := len(r.Steps); n > 0 && r.FailedStep != "" {
			// The step's ✗ line above shows the error: not repeated here.
			ws.out.printf("ISSUANCE FAILED at step %d/7 (%s).\n", r.Steps[n-1].N, r.FailedStep)
		} else {
			ws.out.printf("ISSUANCE FAILED: %s\n", r.Error)
		}
		return
	}
	d, h := r.Document, r.Holder
	travel := "valid for travel abroad"
	if !d.ValidForTravel {
		travel = "not valid for travel abroad"
	}
	prints := "fingerprints in DG3"
	switch {
	case r.Fingerprints.Exempt:
		prints = "no fingerprints (under 12)"
	case r.Fingerprints.Impossible:
		prints = "no fingerprints (impossible)"
	}
	ws.out.printf("CIE %s issued to %s %s (%s): expires %s, %s, %s; APR notified, card verified.\n",
		d.Number, h.Surname, h.GivenNames, strings.TrimSpace(r.CodiceFiscale), d.ExpiryDate, travel, prints)
}
