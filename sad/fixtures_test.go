package sad

import (
	"time"
)

// Synthetic people only. The codici fiscali are computed with the standard
// check-character algorithm for invented names; the two of sad-2.8.md §4
// (RSSMRA80A41H501Y, VRDGPP70M10F205O) are verified there.

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func fixtureTime() time.Time { return time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC) }

func lookupByCF() *Request {
	return &Request{Version: "2.8",
		ID: "015146_POS01_20261123101500123", Op: OpLookup, Time: fixtureTime(),
		Comune: "015146", Workstation: "POS01", Operator: "VRDGPP70M10F205O",
		Query: &Query{CodiceFiscale: "RSSMRA80A41H501Y"},
	}
}

func lookupByName() *Request {
	return &Request{Version: "2.8",
		ID: "015146_POS01_20261123101500124", Op: OpLookup, Time: fixtureTime(),
		Comune: "015146", Workstation: "POS01",
		Query: &Query{
			Surname: "D'ANGELO", GivenNames: "MARÌA LUISA", BirthDate: day(1980, 1, 1), Sex: "F",
			BirthComune: &Place{IstatCode: "058091"},
		},
	}
}

func issueNotice() *Request {
	return &Request{Version: "2.8",
		ID: "015146_POS01_20261123103000001", Op: OpIssue, Time: fixtureTime(),
		Comune: "015146", Workstation: "POS01", Operator: "VRDGPP70M10F205O",
		Card: &CardData{
			CodiceFiscale: "RSSMRA80A41H501Y", APRID: "123456", Number: "CA12345AB",
			IssueDate: day(2026, 11, 23), ExpiryDate: day(2037, 1, 1), ValidForTravel: Bool(true),
			IssuingComune: &Place{IstatCode: "015146", Description: "MILANO"}, Height: 170,
			PreviousNumber: "AX1234567",
		},
	}
}

func cancelNotice() *Request {
	return &Request{Version: "2.8",
		ID: "015146_POS01_20261124090000001", Op: OpCancel, Time: fixtureTime(),
		Comune: "015146",
		Card: &CardData{
			CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA12345AB",
			EventDate: day(2026, 11, 24), Reason: "ERRORE ACQUISIZIONE",
		},
	}
}

func revokeNotice() *Request {
	return &Request{Version: "2.8",
		ID: "015146_POS01_20261125090000001", Op: OpRevoke, Time: fixtureTime(),
		Comune: "015146",
		Card: &CardData{
			CodiceFiscale: "RSSMRA80A41H501Y", Number: "CA12345AB",
			EventDate: day(2026, 11, 25), Reason: "PROVVEDIMENTO AUTORITÀ",
		},
	}
}

func subjectMaria() Subject {
	return Subject{
		APRID: "123456", CodiceFiscale: "RSSMRA80A41H501Y", Surname: "ROSSI", GivenNames: "MARIA", Sex: "F",
		BirthDate:     day(1980, 1, 1),
		BirthComune:   &Place{IstatCode: "058091", Description: "ROMA", Province: "RM"},
		BirthAct:      &BirthAct{Comune: &Place{IstatCode: "058091"}, Year: "1980", Part: "1", Series: "A", Number: "123"},
		Citizenships:  []Place{{IstatCode: "100", Description: "ITALIANA"}},
		MaritalStatus: "2",
		Residence: &Residence{
			Comune:  Place{IstatCode: "015146", Description: "MILANO", Province: "MI"},
			Address: "VIA ROMA 1", StreetKind: "VIA", StreetName: "ROMA", HouseNumber: "1", PostCode: "20121",
		},
		AIRE: Bool(false), ValidForTravel: Bool(true),
		Document: &Document{Number: "AX1234567", Type: "CARTACEA", IssueDate: day(2016, 1, 10), ExpiryDate: day(2026, 1, 1)},
	}
}

// subjectMinor is a child born abroad, with parents.
func subjectMinor() Subject {
	return Subject{
		APRID: "123789", CodiceFiscale: "BNCLCU15T10Z110Y", Surname: "BIANCHI", GivenNames: "LUCA", Sex: "M",
		BirthDate:     day(2015, 12, 10),
		BirthState:    &Place{IstatCode: "215", Description: "FRANCIA"},
		BirthLocality: "PARIGI",
		BirthAct:      &BirthAct{Text: "ATTO N. 45 P. II S. B ANNO 2016 MILANO"},
		Citizenships:  []Place{{IstatCode: "100", Description: "ITALIANA"}, {IstatCode: "215", Description: "FRANCESE"}},
		Residence: &Residence{
			Comune:  Place{IstatCode: "015146", Description: "MILANO", Province: "MI"},
			Address: "PIAZZA DUOMO 2 INT. 3",
		},
		ValidForTravel: Bool(false),
		Parents: &Parents{
			Father: &Parent{Surname: "BIANCHI", GivenNames: "PAOLO", CodiceFiscale: "BNCPLA80A01F205C"},
			Mother: &Parent{Surname: "ROSSI", GivenNames: "MARIA"},
		},
	}
}

func responseOne() *Response {
	return &Response{Version: "2.8",
		ID: "015146_POS01_20261123101500123", Op: OpLookup, Time: fixtureTime().Add(time.Second),
		Outcome:  Outcome{Code: CodeOK, Description: "OK"},
		Subjects: []Subject{subjectMaria()},
	}
}

func responseMultiple() *Response {
	return &Response{Version: "2.8",
		ID: "015146_POS01_20261123101500124", Op: OpLookup, Time: fixtureTime().Add(time.Second),
		Outcome:  Outcome{Code: CodeMultiple, Description: "PIU' SOGGETTI"},
		Subjects: []Subject{subjectMaria(), subjectMinor()},
	}
}

func responseNotFound() *Response {
	return &Response{Version: "2.8",
		ID: "015146_POS01_20261123101500125", Op: OpLookup, Time: fixtureTime().Add(time.Second),
		Outcome: Outcome{Code: CodeNotFound, Description: "SOGGETTO NON TROVATO"},
	}
}

func responseIssued() *Response {
	return &Response{Version: "2.8",
		ID: "015146_POS01_20261123103000001", Op: OpIssue, Time: fixtureTime().Add(time.Second),
		Outcome: Outcome{Code: CodeOK}, CardNumber: "CA12345AB",
	}
}

func responseNotAllowed() *Response {
	return &Response{Version: "2.8",
		ID: "015146_POS01_20261124090000001", Op: OpCancel, Time: fixtureTime().Add(time.Second),
		Outcome: Outcome{Code: CodeNotAllowed, Description: "CARTA GIA' ANNULLATA"},
	}
}
