package sad

import "time"

// Dates: every civil date in this package (birth, issue, expiry,
// cancellation) is a time.Time at midnight UTC; the zero time means "absent".
// Timestamps (DataOraRichiesta, DataOraRisposta) are written with the wall
// clock of their location and no zone, and decode as that wall clock in UTC
// (or with their offset, when the document gives one).

// Request is a message from the workstation to the APR (RichiestaSAD).
// Exactly one of Query (for [OpLookup]) and Card (for the other operations)
// is set.
type Request struct {
	// Version is the protocol version attribute; empty means the dialect's.
	Version string
	// ID is IdRichiesta: 1-30 characters [A-Za-z0-9_-], unique per request.
	// It is the correlation key and, in ftp mode, the file name. See [NewRequestID].
	ID string
	// Op is the operation (TipoRichiesta).
	Op Operation
	// Time is DataOraRichiesta.
	Time time.Time
	// Comune is CodiceIstatComune, the 6-digit ISTAT code of the issuing comune.
	Comune string
	// Workstation is IdPostazione (optional, up to 20 characters).
	Workstation string
	// Operator is IdOperatore, the operator's codice fiscale (optional).
	Operator string
	// Query holds the lookup criteria of an [OpLookup] request.
	Query *Query
	// Card holds the card data of an [OpIssue], [OpCancel] or [OpRevoke] request.
	Card *CardData
}

// Query is CriteriRicerca: either a codice fiscale, or surname, given
// names and birth date with optional sex and birth place.
type Query struct {
	CodiceFiscale string
	Surname       string
	GivenNames    string
	BirthDate     time.Time
	Sex           string // "M", "F" or "" (optional)
	BirthComune   *Place // optional; exclusive with BirthState
	BirthState    *Place // optional foreign state
}

// Place is a comune (CodiceIstat of 6 digits, description, province code)
// or a foreign state (CodiceIstat of 3 digits, Italy being 100, and a
// description; no province).
type Place struct {
	IstatCode   string // CodiceIstat
	Description string // Descrizione (optional)
	Province    string // SiglaProvincia, two letters (optional, comuni only)
}

// CardData is DatiCarta: the card an issuance, cancellation or revocation
// notice is about.
type CardData struct {
	CodiceFiscale  string    // holder's codice fiscale, mandatory
	APRID          string    // IdSoggettoAPR, echo of the lookup key (optional)
	Number         string    // NumeroCarta, mandatory
	IssueDate      time.Time // DataEmissione (issue notices)
	ExpiryDate     time.Time // DataScadenza (issue notices)
	ValidForTravel *bool     // ValiditaEspatrio (issue notices)
	IssuingComune  *Place    // ComuneEmittente (issue notices)
	Height         int       // Statura in cm, 0 if absent
	PreviousNumber string    // NumeroCartaPrecedente, the card replaced (optional)
	EventDate      time.Time // DataAnnullamento or DataRevoca (cancel and revoke notices)
	Reason         string    // Motivo, free text (optional)
}

// Response is the APR's answer (RispostaSAD, the "Documento ricevuto").
type Response struct {
	// Version is the protocol version attribute; empty means the dialect's.
	Version string
	// ID echoes the request's IdRichiesta.
	ID string
	// Op echoes TipoRichiesta (optional on the wire: 0 if absent).
	Op Operation
	// Time is DataOraRisposta.
	Time time.Time
	// Outcome is Esito.
	Outcome Outcome
	// Subjects are the people found by a lookup (0..n). Only allowed with
	// CodeOK, CodeMultiple and CodeNotResident.
	Subjects []Subject
	// CardNumber optionally echoes NumeroCarta in answers to notices.
	CardNumber string
}

// Outcome is Esito: a code and a free description (up to 240 characters).
type Outcome struct {
	Code        Code
	Description string
}

// Err returns nil for CodeOK and CodeMultiple, and an [*OutcomeError] for
// every other code.
func (o Outcome) Err() error {
	if o.Code == CodeOK || o.Code == CodeMultiple {
		return nil
	}
	return &OutcomeError{Code: o.Code, Description: o.Description}
}

// Subject is Soggetto: one person as the APR knows them, with what the
// workstation needs to issue a card.
type Subject struct {
	APRID         string    // IdSoggettoAPR, the APR's own key (optional)
	CodiceFiscale string    // mandatory
	Surname       string    // Cognome, mandatory
	GivenNames    string    // Nome, mandatory
	Sex           string    // Sesso "M" or "F", mandatory
	BirthDate     time.Time // DataNascita, mandatory
	// Exactly one of BirthComune and BirthState is set.
	BirthComune    *Place
	BirthState     *Place
	BirthLocality  string    // LocalitaEsteraNascita, with BirthState (optional)
	BirthAct       *BirthAct // EstremiAttoNascita (optional)
	Citizenships   []Place   // Cittadinanza, ISTAT state codes (100 = Italian)
	MaritalStatus  string    // StatoCivile, ISTAT code 1-9 (optional)
	Residence      *Residence
	AIRE           *bool     // IscrittoAIRE (optional)
	ValidForTravel *bool     // ValiditaEspatrio (optional)
	Parents        *Parents  // Genitori, for minors (optional)
	Document       *Document // CartaIdentita, the current document (optional)
}

// BirthAct is EstremiAttoNascita, the birth record's reference. Legacy APRs
// send it as free text: then only Text is set.
type BirthAct struct {
	Comune *Place // ComuneRegistrazione
	Year   string // Anno
	Part   string // Parte
	Series string // Serie
	Number string // Numero
	Text   string // free-text form
}

// Residence is Residenza.
type Residence struct {
	Comune      Place
	Address     string // Indirizzo, the printable line
	StreetKind  string // Specie (VIA, PIAZZA, ...)
	StreetName  string // Denominazione
	HouseNumber string // Civico
	HouseSuffix string // Esponente
	Apartment   string // Interno
	PostCode    string // Cap
}

// Parents is Genitori: the parents of a minor.
type Parents struct {
	Father *Parent
	Mother *Parent
}

// Parent is Padre or Madre.
type Parent struct {
	Surname       string
	GivenNames    string
	CodiceFiscale string // optional
}

// Document is CartaIdentita: the identity document the subject holds now.
type Document struct {
	Number     string    // Numero
	Type       string    // Tipo, e.g. CARTACEA or ELETTRONICA
	IssueDate  time.Time // DataEmissione
	ExpiryDate time.Time // DataScadenza
}

// Bool returns a pointer to v, for the optional yes/no fields.
func Bool(v bool) *bool { return &v }
