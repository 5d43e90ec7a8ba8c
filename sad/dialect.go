package sad

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Charset is the character encoding of the XML documents a [Dialect] writes.
// Decoders accept both UTF-8 and ISO-8859-1 (and US-ASCII) whatever the
// dialect says, following the XML declaration of each document.
type Charset int

const (
	// UTF8 writes documents in UTF-8 with encoding="UTF-8" in the declaration.
	UTF8 Charset = iota
	// Latin1 writes documents in ISO-8859-1 with encoding="ISO-8859-1";
	// characters outside Latin-1 become numeric character references.
	Latin1
)

// String returns the name used in the XML declaration.
func (c Charset) String() string {
	switch c {
	case UTF8:
		return "UTF-8"
	case Latin1:
		return "ISO-8859-1"
	}
	return fmt.Sprintf("Charset(%d)", int(c))
}

// Pair is the pair of constants that encodes "validità per l'espatrio"
// (validity of the card for travel abroad) and the other yes/no fields. The
// circulars let each comune choose the pair at install time among six: S/N
// (recommended, and the zero value), T/F, SI/NO, TRUE/FALSE, VERO/FALSO and
// 1/0. The first constant of a pair means "valid", the second "not valid".
type Pair int

// The six pairs the SAD 2.8 installation accepts.
const (
	PairSN        Pair = iota // S / N, recommended; the zero value
	PairTF                    // T / F
	PairSINO                  // SI / NO
	PairTRUEFALSE             // TRUE / FALSE
	PairVEROFALSO             // VERO / FALSO
	Pair10                    // 1 / 0
	numPairs
)

// values returns the pair's two constants; p must be valid.
func (p Pair) values() (t, f string) {
	switch p {
	case PairSN:
		return "S", "N"
	case PairTF:
		return "T", "F"
	case PairSINO:
		return "SI", "NO"
	case PairTRUEFALSE:
		return "TRUE", "FALSE"
	case PairVEROFALSO:
		return "VERO", "FALSO"
	case Pair10:
		return "1", "0"
	}
	return "", ""
}

// ParsePair parses a pair written as at installation, such as "S/N" or
// "vero/falso" (case-insensitive). It returns an error wrapping
// [ErrUnknownValue] for anything but the six pairs of the circulars.
func ParsePair(s string) (Pair, error) {
	t, f, ok := strings.Cut(strings.TrimSpace(s), "/")
	if ok {
		for p := range numPairs {
			pt, pf := p.values()
			if strings.EqualFold(strings.TrimSpace(t), pt) && strings.EqualFold(strings.TrimSpace(f), pf) {
				return p, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: expatriation pair %q (want S/N, T/F, SI/NO, TRUE/FALSE, VERO/FALSO or 1/0)", ErrUnknownValue, clip(s))
}

func (p Pair) valid() bool { return p >= 0 && p < numPairs }

// String returns the pair as written at installation, e.g. "S/N".
func (p Pair) String() string {
	if !p.valid() {
		return fmt.Sprintf("Pair(%d)", int(p))
	}
	t, f := p.values()
	return t + "/" + f
}

// Parse maps a wire value to a bool, after trimming spaces and ignoring
// case. Any value other than the pair's two constants returns an error
// wrapping [ErrUnknownValue]: there is no silent default.
func (p Pair) Parse(s string) (bool, error) {
	if !p.valid() {
		return false, fmt.Errorf("%w: %v", ErrUnknownValue, p)
	}
	s = strings.TrimSpace(s)
	t, f := p.values()
	switch {
	case strings.EqualFold(s, t):
		return true, nil
	case strings.EqualFold(s, f):
		return false, nil
	}
	return false, fmt.Errorf("%w: %q is neither %s nor %s", ErrUnknownValue, clip(s), t, f)
}

// Format returns the wire constant for v. An out-of-range Pair formats as
// S/N.
func (p Pair) Format(v bool) string {
	if !p.valid() {
		p = PairSN
	}
	t, f := p.values()
	if v {
		return t
	}
	return f
}

// Operation is the kind of a SAD request (TipoRichiesta).
type Operation int

// The four SAD operations, named after the pilot-era documents.
const (
	// OpLookup is "Richiesta informazioni anagrafiche" (interrogazione):
	// the workstation asks the APR for a citizen's data.
	OpLookup Operation = iota + 1
	// OpIssue is "Invio dati della carta emessa" (conferma): the workstation
	// tells the APR the number of the card just issued.
	OpIssue
	// OpCancel is "Annullamento emissione": an issuance was cancelled.
	OpCancel
	// OpRevoke is "Revoca": a card was revoked.
	OpRevoke
)

// String returns the English name of the operation.
func (o Operation) String() string {
	switch o {
	case OpLookup:
		return "lookup"
	case OpIssue:
		return "issue"
	case OpCancel:
		return "cancel"
	case OpRevoke:
		return "revoke"
	}
	return fmt.Sprintf("Operation(%d)", int(o))
}

// Code is the outcome of a request (Esito/Codice).
type Code int

// The outcome codes of the reconstruction (sad-2.8.md §3.3.1). Their wire
// form comes from [Dialect.Codes].
const (
	// CodeOK: the request was carried out ("00").
	CodeOK Code = iota + 1
	// CodeNotFound: no subject matches the lookup ("01").
	CodeNotFound
	// CodeMultiple: more than one subject matches; the list is returned ("02").
	CodeMultiple
	// CodeInvalidRequest: the request is formally invalid ("03").
	CodeInvalidRequest
	// CodeNotAllowed: the operation is not allowed, e.g. the card is unknown
	// or already cancelled ("04").
	CodeNotAllowed
	// CodeNotResident: the subject is not resident or was deleted from the
	// register; data may still be returned ("05").
	CodeNotResident
	// CodeInternal: internal error of the APR ("99").
	CodeInternal
)

// String returns the English meaning of the code.
func (c Code) String() string {
	switch c {
	case CodeOK:
		return "ok"
	case CodeNotFound:
		return "not found"
	case CodeMultiple:
		return "multiple subjects"
	case CodeInvalidRequest:
		return "invalid request"
	case CodeNotAllowed:
		return "not allowed"
	case CodeNotResident:
		return "not resident"
	case CodeInternal:
		return "internal APR error"
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Names holds every element and attribute name a [Dialect] uses. Decoding
// matches names case-insensitively and ignores namespace prefixes; encoding
// writes them exactly as given.
type Names struct {
	RequestRoot, ResponseRoot string // RichiestaSAD, RispostaSAD
	VersionAttr               string // versione (attribute of the roots)

	RequestID, Operation, RequestTime, ResponseTime string // IdRichiesta, TipoRichiesta, DataOraRichiesta, DataOraRisposta
	RequestComune, Workstation, Operator            string // CodiceIstatComune, IdPostazione, IdOperatore
	Query, Card                                     string // CriteriRicerca, DatiCarta
	Outcome, OutcomeCode, OutcomeText               string // Esito, Codice, Descrizione

	Subject, APRID, CodiceFiscale, Surname, GivenNames, Sex, BirthDate string
	BirthComune, BirthState, BirthLocality                             string // ComuneNascita, StatoEsteroNascita, LocalitaEsteraNascita
	IstatCode, Description, Province                                   string // CodiceIstat, Descrizione, SiglaProvincia
	BirthAct, ActComune, ActYear, ActPart, ActSeries, ActNumber        string // EstremiAttoNascita, ComuneRegistrazione, Anno, Parte, Serie, Numero
	Citizenship, MaritalStatus                                         string // Cittadinanza, StatoCivile
	Residence, ResidenceComune, Address                                string // Residenza, Comune, Indirizzo
	StreetKind, StreetName, HouseNumber, HouseSuffix, Apartment        string // Specie, Denominazione, Civico, Esponente, Interno
	PostCode                                                           string // Cap
	AIRE, ValidForTravel                                               string // IscrittoAIRE, ValiditaEspatrio
	Parents, Father, Mother                                            string // Genitori, Padre, Madre
	Document, DocNumber, DocType, IssueDate, ExpiryDate                string // CartaIdentita, Numero, Tipo, DataEmissione, DataScadenza

	CardNumber, IssuingComune, Height, PreviousCardNumber string // NumeroCarta, ComuneEmittente, Statura, NumeroCartaPrecedente
	CancelDate, RevokeDate, Reason                        string // DataAnnullamento, DataRevoca, Motivo
}

// Dialect is the data that varies between SAD layouts: element names,
// namespace, date layouts, charset, the expatriation constants and the
// operation and outcome codes. The official SAD 2.8 text is not public;
// [DefaultDialect] returns the reconstruction of sad-2.8.md §3.3, and an
// integrator holding the official layout builds a Dialect with its names
// without any change to the rest of the API.
//
// A Dialect is a plain value: copy it and change fields freely. It is safe
// for concurrent use once no goroutine modifies it.
type Dialect struct {
	// Name labels the dialect in errors and docs, e.g. "reconstruction".
	Name string
	// Version is written in the roots' version attribute ("2.8"); decoding
	// accepts any version.
	Version string
	// Namespace, if not empty, is written as the default namespace (xmlns)
	// of the root elements. Decoding ignores namespaces.
	Namespace string
	// Charset is the encoding the encoders write.
	Charset Charset
	// DateLayout is the time layout of civil dates written (Go layout syntax).
	DateLayout string
	// DateTimeLayout is the time layout of timestamps written.
	DateTimeLayout string
	// AcceptDates lists the extra layouts accepted when decoding dates, tried
	// after DateLayout.
	AcceptDates []string
	// AcceptDateTimes lists the extra layouts accepted for timestamps, tried
	// after DateTimeLayout.
	AcceptDateTimes []string
	// Espatrio is the expatriation-validity pair configured at install time.
	Espatrio Pair
	// Flags is the pair used for the other yes/no fields (IscrittoAIRE).
	Flags Pair
	// Operations maps each [Operation] to its wire value (TipoRichiesta).
	Operations map[Operation]string
	// Codes maps each outcome [Code] to its wire value (Esito/Codice).
	Codes map[Code]string
	// Names are the element names.
	Names Names
}

// DefaultDialect returns the reconstruction of SAD 2.8 described in
// sad-2.8.md §3.3: no namespace, UTF-8, ISO dates (YYYY-MM-DD) and
// timestamps without zone, S/N constants, version "2.8". Each call returns
// a fresh value the caller may modify.
func DefaultDialect() *Dialect {
	return &Dialect{
		Name:           "reconstruction",
		Version:        "2.8",
		Charset:        UTF8,
		DateLayout:     "2006-01-02",
		DateTimeLayout: "2006-01-02T15:04:05",
		AcceptDates:    []string{"02/01/2006", "02-01-2006", "20060102", "02012006"},
		AcceptDateTimes: []string{
			"2006-01-02T15:04:05.999999999",
			"2006-01-02T15:04:05Z07:00",
			"2006-01-02T15:04:05.999999999Z07:00",
		},
		Espatrio: PairSN,
		Flags:    PairSN,
		Operations: map[Operation]string{
			OpLookup: "INTERROGAZIONE",
			OpIssue:  "EMISSIONE",
			OpCancel: "ANNULLAMENTO",
			OpRevoke: "REVOCA",
		},
		Codes: map[Code]string{
			CodeOK:             "00",
			CodeNotFound:       "01",
			CodeMultiple:       "02",
			CodeInvalidRequest: "03",
			CodeNotAllowed:     "04",
			CodeNotResident:    "05",
			CodeInternal:       "99",
		},
		Names: Names{
			RequestRoot: "RichiestaSAD", ResponseRoot: "RispostaSAD", VersionAttr: "versione",
			RequestID: "IdRichiesta", Operation: "TipoRichiesta",
			RequestTime: "DataOraRichiesta", ResponseTime: "DataOraRisposta",
			RequestComune: "CodiceIstatComune", Workstation: "IdPostazione", Operator: "IdOperatore",
			Query: "CriteriRicerca", Card: "DatiCarta",
			Outcome: "Esito", OutcomeCode: "Codice", OutcomeText: "Descrizione",
			Subject: "Soggetto", APRID: "IdSoggettoAPR", CodiceFiscale: "CodiceFiscale",
			Surname: "Cognome", GivenNames: "Nome", Sex: "Sesso", BirthDate: "DataNascita",
			BirthComune: "ComuneNascita", BirthState: "StatoEsteroNascita", BirthLocality: "LocalitaEsteraNascita",
			IstatCode: "CodiceIstat", Description: "Descrizione", Province: "SiglaProvincia",
			BirthAct: "EstremiAttoNascita", ActComune: "ComuneRegistrazione",
			ActYear: "Anno", ActPart: "Parte", ActSeries: "Serie", ActNumber: "Numero",
			Citizenship: "Cittadinanza", MaritalStatus: "StatoCivile",
			Residence: "Residenza", ResidenceComune: "Comune", Address: "Indirizzo",
			StreetKind: "Specie", StreetName: "Denominazione", HouseNumber: "Civico",
			HouseSuffix: "Esponente", Apartment: "Interno", PostCode: "Cap",
			AIRE: "IscrittoAIRE", ValidForTravel: "ValiditaEspatrio",
			Parents: "Genitori", Father: "Padre", Mother: "Madre",
			Document: "CartaIdentita", DocNumber: "Numero", DocType: "Tipo",
			IssueDate: "DataEmissione", ExpiryDate: "DataScadenza",
			CardNumber: "NumeroCarta", IssuingComune: "ComuneEmittente", Height: "Statura",
			PreviousCardNumber: "NumeroCartaPrecedente",
			CancelDate:         "DataAnnullamento", RevokeDate: "DataRevoca", Reason: "Motivo",
		},
	}
}

// operation decodes a TipoRichiesta value case-insensitively.
func (d *Dialect) operation(s string) (Operation, bool) {
	s = strings.TrimSpace(s)
	for op, v := range d.Operations {
		if strings.EqualFold(v, s) {
			return op, true
		}
	}
	return 0, false
}

// code decodes an Esito/Codice value.
func (d *Dialect) code(s string) (Code, bool) {
	s = strings.TrimSpace(s)
	for c, v := range d.Codes {
		if strings.EqualFold(v, s) {
			return c, true
		}
	}
	return 0, false
}

// clip shortens s for inclusion in an error message.
func clip(s string) string {
	const max = 24
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// Validate reports whether d can encode and decode: every element name
// set and a valid XML name, the four operations and seven outcome codes
// present and distinct, a known pair and charset, and date layouts that
// round-trip a date. It returns an error wrapping [ErrConfig] naming the
// first problem.
func (d *Dialect) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: dialect %q: %s", ErrConfig, d.Name, fmt.Sprintf(format, args...))
	}
	v := reflect.ValueOf(d.Names)
	for i := range v.NumField() {
		name := v.Field(i).String()
		if !xmlName(name) {
			return bad("element name %s is %q", v.Type().Field(i).Name, name)
		}
	}
	if !d.Espatrio.valid() || !d.Flags.valid() {
		return bad("unknown constant pair")
	}
	if d.Charset != UTF8 && d.Charset != Latin1 {
		return bad("unknown charset")
	}
	seen := make(map[string]bool)
	for op := OpLookup; op <= OpRevoke; op++ {
		s := strings.ToUpper(d.Operations[op])
		if s == "" || seen[s] {
			return bad("operation %v missing or repeated", op)
		}
		seen[s] = true
	}
	clear(seen)
	for c := CodeOK; c <= CodeInternal; c++ {
		s := strings.ToUpper(d.Codes[c])
		if s == "" || seen[s] {
			return bad("outcome code %v missing or repeated", c)
		}
		seen[s] = true
	}
	probe := time.Date(1999, 12, 31, 23, 58, 59, 0, time.UTC)
	if t, err := time.Parse(d.DateLayout, probe.Format(d.DateLayout)); err != nil || !t.Equal(probe.Truncate(24*time.Hour)) {
		return bad("date layout %q does not round-trip a date", d.DateLayout)
	}
	if t, err := time.Parse(d.DateTimeLayout, probe.Format(d.DateTimeLayout)); err != nil || !t.Equal(probe) {
		return bad("timestamp layout %q does not round-trip a time to the second", d.DateTimeLayout)
	}
	return nil
}

// xmlName reports whether s is a usable element name: ASCII letters,
// digits, '_', '-' and '.', not starting with a digit, '-' or '.'.
func xmlName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
