package deploy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// TableCSV is the table name of [RowError]s from [ReadCSV].
const TableCSV = "csv"

// csvColumns are the columns of [WriteCSV], in order.
var csvColumns = []string{"region", "comune", "province", "start", "end", "training_hub", "course", "time_slot", "operators", "workstations"}

// WriteCSV writes the installations of p as CSV: a header line, then one
// line per installation with dates as dd/mm/yyyy and empty cells for the
// fields a table does not carry.
func WriteCSV(w io.Writer, p *Plan) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvColumns)
	for _, in := range p.Installations {
		_ = cw.Write([]string{
			in.Region, in.Comune, in.Province, formatDate(in.Start), formatDate(in.End),
			in.TrainingHub, formatDate(in.Course), in.TimeSlot.String(), itoaOrEmpty(in.Operators), itoaOrEmpty(in.Workstations),
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("deploy: writing csv: %w", err)
	}
	return nil
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// ReadCSV reads installations written by [WriteCSV] (the columns may come
// in any order; comune, start and end are required). As with [Parse], a row
// that cannot be read goes to the Plan's Problems; the error is non-nil
// only for an unreadable stream or header.
func ReadCSV(r io.Reader) (*Plan, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("deploy: reading csv header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(csvColumns, h) {
			return nil, &RowError{Line: 1, Table: TableCSV, Column: h, Err: ErrColumns}
		}
		if _, dup := col[h]; dup {
			return nil, &RowError{Line: 1, Table: TableCSV, Column: h, Value: "duplicate", Err: ErrColumns}
		}
		col[h] = i
	}
	for _, req := range []string{"comune", "start", "end"} {
		if _, ok := col[req]; !ok {
			return nil, &RowError{Line: 1, Table: TableCSV, Column: req, Value: "missing", Err: ErrColumns}
		}
	}
	plan := &Plan{}
	p := &parser{plan: plan, csv: true}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return plan, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				plan.Problems = append(plan.Problems, &RowError{Line: pe.Line, Table: TableCSV, Err: ErrValue, Value: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("deploy: reading csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			plan.Problems = append(plan.Problems, &RowError{Line: line, Table: TableCSV, Value: fmt.Sprintf("%d of %d columns", len(rec), len(head)), Err: ErrColumns})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		in := Installation{Line: line, Region: get("region"), TrainingHub: get("training_hub")}
		optional := func(name string, parse func(n int, col, v string) bool) bool {
			v := get(name)
			return v == "" || parse(line, name, v)
		}
		ok := p.text(line, "comune", get("comune"), &in.Comune) &&
			optional("province", func(n int, c, v string) bool { return p.province(n, c, v, &in.Province) }) &&
			p.date(line, "start", get("start"), &in.Start) &&
			p.date(line, "end", get("end"), &in.End) &&
			optional("course", func(n int, c, v string) bool { return p.date(n, c, v, &in.Course) }) &&
			optional("time_slot", func(n int, c, v string) bool { return p.slot(n, c, v, &in.TimeSlot) }) &&
			optional("operators", func(n int, c, v string) bool { return p.count(n, c, v, &in.Operators) }) &&
			optional("workstations", func(n int, c, v string) bool { return p.count(n, c, v, &in.Workstations) })
		if ok {
			plan.Installations = append(plan.Installations, in)
		}
	}
}
