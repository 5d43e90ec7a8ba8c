package sedi

import (
	"errors"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ciekit/ciekit/cie"
)

// State is a sede's registration state (§3.1).
type State string

// States.
const (
	Incomplete State = "INCOMPLETA" // data entered but not validated
	Complete   State = "COMPLETA"   // transmitted to the CNSD after the six steps
)

// Connection is the sede's connection to the comune's population register
// for the CIE workstation ("Tipo di collegamento"; Allegato 2, §5.9 of
// Circ. 4/2017: http or ftp). The manual does not list the values; these
// follow the circular, plus ConnectionNone for sedi without one.
type Connection string

// Connections.
const (
	ConnectionHTTP Connection = "http"
	ConnectionFTP  Connection = "ftp"
	ConnectionNone Connection = "none"
)

// SedeData is what step 1 of the flow collects (§3.1.1). Fields marked (*)
// in the manual are required: Name, Address, StreetNumber, CAP,
// Workstations, Operators, Payment and Connection.
type SedeData struct {
	Name         string     `json:"name"`          // Nome Sede (*)
	Address      string     `json:"address"`       // Indirizzo (*)
	StreetNumber string     `json:"street_number"` // Numero civico (*)
	CAP          string     `json:"cap"`           // CAP (*), 5 digits
	TaxCode      string     `json:"tax_code"`      // Codice Fiscale/Partita IVA
	IBAN         string     `json:"iban"`          // Codice IBAN
	Workstations int        `json:"workstations"`  // Numero postazioni di emissione (*)
	Operators    int        `json:"operators"`     // Numero operatori (*)
	Payment      string     `json:"payment"`       // Tipo di pagamento (*), free text
	Connection   Connection `json:"connection"`    // Tipo di collegamento (*)
}

// Sede is an issuing office of a comune.
//
// Comune is the comune's cadastral (Belfiore) code, e.g. "H501". Referenti
// lists the associated contacts; SecurityOfficers, InstallContact and
// Manager are the role holders, by referente ID (0: none). SCOCards gives,
// for each Security Officer of the sede (by referente ID), the number of
// operator cards (SCO, smart card operatore) that person is to deliver
// and manage for this sede. Step is the last step of the insertion flow
// the sede went through (0 to 6; 7 once transmitted).
type Sede struct {
	ID       int64  `json:"id"`
	Comune   string `json:"comune"`
	SedeData `json:"data"`
	State    State `json:"state"`
	Step     int   `json:"step"`

	Referenti        []int64       `json:"referenti"`
	SecurityOfficers []int64       `json:"security_officers"`
	SCOCards         map[int64]int `json:"sco_cards,omitempty"`
	InstallContact   int64         `json:"install_contact"`
	Manager          int64         `json:"manager"`
}

// Clone returns a deep copy of s.
func (s *Sede) Clone() *Sede {
	c := *s
	c.Referenti = slices.Clone(s.Referenti)
	c.SecurityOfficers = slices.Clone(s.SecurityOfficers)
	c.SCOCards = maps.Clone(s.SCOCards)
	return &c
}

// SCOTotal is the number of operator cards (SCO) of the sede: the sum of
// [Sede.SCOCards] over its Security Officers.
func (s *Sede) SCOTotal() int {
	n := 0
	for _, so := range s.SecurityOfficers {
		n += s.SCOCards[so]
	}
	return n
}

// ReferenteData is a contact's data (SediCIE manual §3.1.2). Required, as
// the manual marks them (*): GivenName, Surname, Email, CodiceFiscale and
// Phone1. The JSON names are the stored form and do not change.
type ReferenteData struct {
	Title         string `json:"qualifica"`      // Qualifica, e.g. "Dirigente"
	GivenName     string `json:"nome"`           // Nome (*)
	Surname       string `json:"cognome"`        // Cognome (*)
	Email         string `json:"email"`          // Email (*)
	CodiceFiscale string `json:"codice_fiscale"` // Codice Fiscale (*), 16 characters
	Phone1        string `json:"phone1"`         // Numero telefonico 1 (*)
	Phone2        string `json:"phone2"`         // Numero telefonico 2
	Organization  string `json:"ente"`           // Amm.ne/Ente/Società
}

// Referente is a contact in a comune's list.
type Referente struct {
	ID            int64  `json:"id"`
	Comune        string `json:"comune"`
	ReferenteData `json:"data"`
}

// Validate checks the data of step 1 and returns every problem found,
// joined, each a [*RuleError]; nil if there is none.
func (d SedeData) Validate() error {
	const sec = "3.1.1"
	var errs []error
	required := requiredIn(sec, &errs)
	required("Nome Sede", d.Name)
	required("Indirizzo", d.Address)
	if required("Numero civico", d.StreetNumber) && !validStreetNumber(d.StreetNumber) {
		errs = append(errs, ruleErr(RuleFormat, "Numero civico", sec))
	}
	if required("CAP", d.CAP) && !validCAP(d.CAP) {
		errs = append(errs, ruleErr(RuleFormat, "CAP", sec))
	}
	if d.TaxCode != "" && !validTaxCode(d.TaxCode) {
		errs = append(errs, ruleErr(RuleTaxCode, "Codice Fiscale/Partita IVA", sec))
	}
	if d.IBAN != "" && !ValidIBAN(d.IBAN) {
		errs = append(errs, ruleErr(RuleIBAN, "Codice IBAN", sec))
	}
	if d.Workstations <= 0 || d.Workstations > 1000 {
		errs = append(errs, ruleErr(RuleCount, "Numero postazioni di emissione", sec))
	}
	if d.Operators <= 0 || d.Operators > 10000 {
		errs = append(errs, ruleErr(RuleCount, "Numero operatori", sec))
	}
	required("Tipo di pagamento", d.Payment)
	switch d.Connection {
	case ConnectionHTTP, ConnectionFTP, ConnectionNone:
	case "":
		errs = append(errs, ruleErr(RuleRequired, "Tipo di collegamento", sec))
	default:
		errs = append(errs, ruleErr(RuleFormat, "Tipo di collegamento", sec))
	}
	return errors.Join(errs...)
}

// Validate checks a contact's data and returns every problem found,
// joined, each a [*RuleError]; nil if there is none.
func (d ReferenteData) Validate() error {
	const sec = "3.1.2"
	var errs []error
	required := requiredIn(sec, &errs)
	required("Nome", d.GivenName)
	required("Cognome", d.Surname)
	if required("Email", d.Email) && !validEmail(d.Email) {
		errs = append(errs, ruleErr(RuleFormat, "Email", sec))
	}
	if required("Codice Fiscale", d.CodiceFiscale) {
		if _, err := cie.ParseCodiceFiscale(d.CodiceFiscale); err != nil {
			errs = append(errs, ruleErr(RuleTaxCode, "Codice Fiscale", sec))
		}
	}
	if required("Numero telefonico 1", d.Phone1) && !validPhone(d.Phone1) {
		errs = append(errs, ruleErr(RuleFormat, "Numero telefonico 1", sec))
	}
	if d.Phone2 != "" && !validPhone(d.Phone2) {
		errs = append(errs, ruleErr(RuleFormat, "Numero telefonico 2", sec))
	}
	for field, v := range map[string]string{"Qualifica": d.Title, "Amm.ne/Ente/Società": d.Organization} {
		if utf8.RuneCountInString(v) > 200 {
			errs = append(errs, ruleErr(RuleFormat, field, sec))
		}
	}
	return errors.Join(errs...)
}

// requiredIn returns a check of a mandatory text field of the manual's
// section sec: it appends the violation to *errs and reports whether the
// field is present and at most 200 characters long.
func requiredIn(sec string, errs *[]error) func(field, v string) bool {
	return func(field, v string) bool {
		if strings.TrimSpace(v) == "" {
			*errs = append(*errs, ruleErr(RuleRequired, field, sec))
			return false
		}
		if utf8.RuneCountInString(v) > 200 {
			*errs = append(*errs, ruleErr(RuleFormat, field, sec))
			return false
		}
		return true
	}
}

// normCF is the form in which codici fiscali are compared (the duplicate
// rule): upper case, no spaces.
func normCF(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func validCAP(s string) bool { return len(s) == 5 && allDigits(s) }

func validStreetNumber(s string) bool {
	// "12", "12/A", "12 bis", "SNC" (senza numero civico).
	if strings.EqualFold(s, "SNC") {
		return true
	}
	return len(s) <= 12 && s[0] >= '0' && s[0] <= '9'
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Contains(s[strings.IndexByte(s, '@'):], ".")
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '/', r == '.':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validTaxCode accepts an entity's 11-digit codice fiscale / partita IVA
// or a person's 16-character codice fiscale.
func validTaxCode(s string) bool {
	if len(s) == 11 {
		return ValidPartitaIVA(s)
	}
	_, err := cie.ParseCodiceFiscale(s)
	return err == nil
}

// ValidPartitaIVA reports whether s is an 11-digit partita IVA (or an
// entity's numeric codice fiscale) with a correct check digit (DM
// 23/12/1976, art. 4): the Luhn algorithm over the first ten digits.
func ValidPartitaIVA(s string) bool {
	if len(s) != 11 || !allDigits(s) {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[10]-'0')
}

// ibanLengths are the IBAN lengths of some countries (ISO 13616 registry);
// others are checked for 15 to 34 characters.
var ibanLengths = map[string]int{"IT": 27, "SM": 27, "VA": 22, "DE": 22, "FR": 27, "ES": 24, "AT": 20, "CH": 21, "GB": 22, "BE": 16, "NL": 18}

// ValidIBAN reports whether s is an IBAN with a correct mod-97 check (ISO
// 13616, ISO 7064). Spaces are ignored; letters may be lower case.
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z'
		if i < 2 && !letter || i >= 2 && i < 4 && (c < '0' || c > '9') || !letter && (c < '0' || c > '9') {
			return false
		}
	}
	if n, ok := ibanLengths[s[:2]]; ok && len(s) != n {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}
