package sqlregistry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ErrMapping is wrapped by every [*MappingError].
var ErrMapping = errors.New("sqlregistry: invalid mapping")

// MappingError reports what is wrong in a mapping file: Field names the JSON
// member ("lookup_by_cf", "columns.surname", "issued.statements[1]"), Offset
// the 1-based byte position inside that statement or in the file when it is
// known (0 otherwise). It unwraps to [ErrMapping] and, for JSON syntax
// errors, to the *json.SyntaxError. Returned as a pointer.
type MappingError struct {
	Field  string
	Offset int
	Err    error
}

// Error renders "sqlregistry: mapping: FIELD: position N: reason".
func (e *MappingError) Error() string {
	s := "sqlregistry: mapping: "
	if e.Field != "" {
		s += e.Field + ": "
	}
	if e.Offset > 0 {
		s += "position " + strconv.Itoa(e.Offset) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns ErrMapping and the cause.
func (e *MappingError) Unwrap() []error { return []error{ErrMapping, e.Err} }

// Mapping is the vendor's description of their register: the queries that
// find a subject, the columns that fill each [sad.Subject] field, and the
// statements that record each notice. It is read from JSON by
// [DecodeMapping]; see the package documentation for the format.
type Mapping struct {
	// Placeholders is how the driver numbers query parameters: "dollar"
	// ($1, $2, ...: PostgreSQL) or "question" (?: SQLite, MySQL). Empty
	// lets [Open] choose from the driver (dollar for pgx and lib/pq).
	Placeholders string `json:"placeholders,omitempty"`
	// LookupByCF finds the subject with codice fiscale :cf (16 upper-case
	// characters, or 11 digits). Required.
	LookupByCF string `json:"lookup_by_cf"`
	// LookupByName finds subjects by :surname and :given_names (upper-case,
	// single spaces) and :birth_date ("YYYY-MM-DD"), and may use :sex ("M",
	// "F" or "") and :birth_istat (6 or 3 digits, or ""). Required.
	LookupByName string `json:"lookup_by_name"`
	// Columns maps a Subject field (the keys listed in [Fields]) to the
	// name of the result column that holds it. A field missing here is read
	// from a column of its own name, when the query returns one.
	Columns map[string]string `json:"columns,omitempty"`
	// Issued, Cancelled and Revoked record the three notices.
	Issued    Notice `json:"issued"`
	Cancelled Notice `json:"cancelled"`
	Revoked   Notice `json:"revoked"`
	// NoticeTable is the table where the registry records the IdRichiesta
	// of every notice it carried out, to answer a repeated one without
	// running it twice. Default "sad_notice"; [Open] creates it if missing.
	NoticeTable string `json:"notice_table,omitempty"`

	lookupCF, lookupName       *statement
	issued, cancelled, revoked []*statement
}

// Notice is how one notice is recorded: statements run in order in one
// transaction, with the parameters listed in [NoticeParams]. When the first
// statement changes no row, the notice is refused with outcome 04
// ([sad.ErrNotAllowed]): make it the one that finds the person or the card
// (an UPDATE ... WHERE cf = :cf, or WHERE number = :number AND state = ...).
type Notice struct {
	Statements []string `json:"statements"`
}

// Fields are the Subject fields a lookup query's columns can fill.
var Fields = []string{
	"apr_id", "codice_fiscale", "surname", "given_names", "sex", "birth_date",
	"birth_comune_istat", "birth_comune_name", "birth_comune_province",
	"birth_state_istat", "birth_state_name", "birth_locality", "birth_act",
	"citizenship_istat", "citizenship_name", "marital_status",
	"residence_comune_istat", "residence_comune_name", "residence_province",
	"address", "street_kind", "street_name", "house_number", "house_suffix", "apartment", "post_code",
	"aire", "valid_for_travel", "resident",
	"father_surname", "father_given_names", "father_codice_fiscale",
	"mother_surname", "mother_given_names", "mother_codice_fiscale",
	"document_number", "document_type", "document_issue_date", "document_expiry_date",
}

// LookupParams are the parameters the lookup queries may use.
var LookupParams = []string{"cf", "surname", "given_names", "birth_date", "sex", "birth_istat"}

// NoticeParams are the parameters the notice statements may use. Dates are
// "YYYY-MM-DD" strings (NULL when absent), valid_for_travel a bool (false
// when absent), height an int (0 when absent), the rest strings.
var NoticeParams = []string{
	"request_id", "cf", "apr_id", "number", "issue_date", "expiry_date", "valid_for_travel",
	"issuing_istat", "height", "previous_number", "event_date", "reason",
}

// DecodeMapping reads a JSON mapping from r (at most 1 MiB), checks it and
// compiles its statements. Unknown members, unknown Subject fields in
// columns, unknown :parameters and a missing query or notice are
// [*MappingError]s naming the member and the position.
func DecodeMapping(r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("reading the mapping: %w", err)
	}
	if len(data) > 1<<20 {
		return nil, &MappingError{Err: errors.New("larger than 1 MiB")}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		me := &MappingError{Err: err}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			me.Offset = int(se.Offset)
		case errors.As(err, &te):
			me.Field, me.Offset = te.Field, int(te.Offset)
		}
		return nil, me
	}
	if dec.More() {
		return nil, &MappingError{Offset: int(dec.InputOffset()) + 1, Err: errors.New("data after the JSON object")}
	}
	if err := m.compile(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Mapping) compile() error {
	switch m.Placeholders {
	case "", "dollar", "question":
	default:
		return &MappingError{Field: "placeholders", Err: fmt.Errorf("%q, want dollar or question", clip(m.Placeholders))}
	}
	for k, v := range m.Columns {
		if !slices.Contains(Fields, k) {
			return &MappingError{Field: "columns." + clip(k), Err: errors.New("not a Subject field (see sqlregistry.Fields)")}
		}
		if strings.TrimSpace(v) == "" {
			return &MappingError{Field: "columns." + k, Err: errors.New("empty column name")}
		}
	}
	if m.NoticeTable == "" {
		m.NoticeTable = "sad_notice"
	}
	if !identifier(m.NoticeTable) {
		return &MappingError{Field: "notice_table", Err: errors.New("want a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63)")}
	}
	var err error
	if m.lookupCF, err = compileOne("lookup_by_cf", m.LookupByCF, LookupParams); err != nil {
		return err
	}
	if m.lookupName, err = compileOne("lookup_by_name", m.LookupByName, LookupParams); err != nil {
		return err
	}
	for _, n := range []struct {
		name string
		src  Notice
		dst  *[]*statement
	}{{"issued", m.Issued, &m.issued}, {"cancelled", m.Cancelled, &m.cancelled}, {"revoked", m.Revoked, &m.revoked}} {
		if len(n.src.Statements) == 0 {
			return &MappingError{Field: n.name + ".statements", Err: errors.New("missing: at least one statement")}
		}
		for i, s := range n.src.Statements {
			st, err := compileOne(fmt.Sprintf("%s.statements[%d]", n.name, i), s, NoticeParams)
			if err != nil {
				return err
			}
			*n.dst = append(*n.dst, st)
		}
	}
	return nil
}

func compileOne(field, src string, allowed []string) (*statement, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &MappingError{Field: field, Err: errors.New("missing")}
	}
	st, err := parseStatement(src)
	if err != nil {
		var pe *paramError
		if errors.As(err, &pe) {
			return nil, &MappingError{Field: field, Offset: pe.offset, Err: errors.New(pe.msg)}
		}
		return nil, &MappingError{Field: field, Err: err}
	}
	for i, p := range st.params {
		if !slices.Contains(allowed, p) {
			return nil, &MappingError{Field: field, Offset: st.offsets[i], Err: fmt.Errorf("unknown parameter :%s (allowed: :%s)", clip(p), strings.Join(allowed, ", :"))}
		}
	}
	return st, nil
}

func identifier(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// clip bounds what of the input goes into an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
