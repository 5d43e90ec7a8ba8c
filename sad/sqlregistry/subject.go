package sqlregistry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/sad"
)

// RowError reports a row of a lookup whose value cannot fill a Subject
// field. Row is the 1-based row number; the value itself is not kept (it is
// personal data). It unwraps to the cause. Returned as a pointer.
type RowError struct {
	Row   int
	Field string
	Err   error
}

// Error renders "sqlregistry: row N: field: reason".
func (e *RowError) Error() string {
	return fmt.Sprintf("sqlregistry: row %d: %s: %v", e.Row, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *RowError) Unwrap() error { return e.Err }

var errType = errors.New("unsupported column type")

// text converts a column value to a trimmed string ("" for NULL).
func text(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(x), nil
	case []byte:
		return strings.TrimSpace(string(x)), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		if x {
			return "S", nil
		}
		return "N", nil
	case time.Time:
		return x.Format(time.DateOnly), nil
	}
	return "", errType
}

// dateOf accepts a DATE column or text in YYYY-MM-DD (a time part, as
// SQLite may store, is dropped).
func dateOf(v any) (time.Time, error) {
	if t, ok := v.(time.Time); ok {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	s, err := text(v)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errors.New("want a date YYYY-MM-DD")
	}
	return t, nil
}

// yesNo accepts a boolean column, 1/0, or S/N, SI/NO, T/F, TRUE/FALSE, Y/N.
func yesNo(v any) (*bool, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return &x, nil
	case int64:
		b := x != 0
		return &b, nil
	}
	s, err := text(v)
	if err != nil || s == "" {
		return nil, err
	}
	switch strings.ToUpper(s) {
	case "1", "S", "SI", "T", "TRUE", "Y", "YES", "V", "VERO":
		return sad.Bool(true), nil
	case "0", "N", "NO", "F", "FALSE", "FALSO":
		return sad.Bool(false), nil
	}
	return nil, errors.New("want a yes/no value")
}

// istat left-pads a numeric code stored as an integer (15146 -> "015146").
func istat(s string, n int) string {
	if s != "" && len(s) < n {
		if _, err := strconv.Atoi(s); err == nil {
			return strings.Repeat("0", n-len(s)) + s
		}
	}
	return s
}

// subject builds a Subject from one row. resident is false only when the
// resident column says so.
func subject(idx map[string]int, raw []any, row int) (sad.Subject, bool, error) {
	var firstErr error
	get := func(f string) string {
		i := idx[f]
		if i < 0 || firstErr != nil {
			return ""
		}
		s, err := text(raw[i])
		if err != nil {
			firstErr = &RowError{Row: row, Field: f, Err: err}
		}
		return s
	}
	getDate := func(f string) time.Time {
		i := idx[f]
		if i < 0 || firstErr != nil {
			return time.Time{}
		}
		t, err := dateOf(raw[i])
		if err != nil {
			firstErr = &RowError{Row: row, Field: f, Err: err}
		}
		return t
	}
	getFlag := func(f string) *bool {
		i := idx[f]
		if i < 0 || firstErr != nil {
			return nil
		}
		b, err := yesNo(raw[i])
		if err != nil {
			firstErr = &RowError{Row: row, Field: f, Err: err}
		}
		return b
	}
	s := sad.Subject{
		APRID: get("apr_id"), CodiceFiscale: strings.ToUpper(get("codice_fiscale")),
		Surname: get("surname"), GivenNames: get("given_names"), Sex: strings.ToUpper(get("sex")),
		BirthDate: getDate("birth_date"), BirthLocality: get("birth_locality"),
		MaritalStatus: get("marital_status"), AIRE: getFlag("aire"), ValidForTravel: getFlag("valid_for_travel"),
	}
	if c := istat(get("birth_comune_istat"), 6); c != "" {
		s.BirthComune = &sad.Place{IstatCode: c, Description: get("birth_comune_name"), Province: strings.ToUpper(get("birth_comune_province"))}
	} else if c := istat(get("birth_state_istat"), 3); c != "" {
		s.BirthState = &sad.Place{IstatCode: c, Description: get("birth_state_name")}
	}
	if t := get("birth_act"); t != "" {
		s.BirthAct = &sad.BirthAct{Text: t}
	}
	if c := istat(get("citizenship_istat"), 3); c != "" {
		s.Citizenships = []sad.Place{{IstatCode: c, Description: get("citizenship_name")}}
	}
	if c := istat(get("residence_comune_istat"), 6); c != "" {
		s.Residence = &sad.Residence{
			Comune:  sad.Place{IstatCode: c, Description: get("residence_comune_name"), Province: strings.ToUpper(get("residence_province"))},
			Address: get("address"), StreetKind: get("street_kind"), StreetName: get("street_name"),
			HouseNumber: get("house_number"), HouseSuffix: get("house_suffix"), Apartment: get("apartment"), PostCode: get("post_code"),
		}
	}
	parent := func(prefix string) *sad.Parent {
		p := &sad.Parent{Surname: get(prefix + "_surname"), GivenNames: get(prefix + "_given_names"), CodiceFiscale: strings.ToUpper(get(prefix + "_codice_fiscale"))}
		if p.Surname == "" && p.GivenNames == "" {
			return nil
		}
		return p
	}
	if f, m := parent("father"), parent("mother"); f != nil || m != nil {
		s.Parents = &sad.Parents{Father: f, Mother: m}
	}
	if n := get("document_number"); n != "" {
		s.Document = &sad.Document{Number: n, Type: get("document_type"), IssueDate: getDate("document_issue_date"), ExpiryDate: getDate("document_expiry_date")}
	}
	resident := getFlag("resident")
	if firstErr != nil {
		return sad.Subject{}, false, firstErr
	}
	return s, resident == nil || *resident, nil
}
