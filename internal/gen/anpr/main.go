// Command anpr generates the compact place tables embedded in package cie
// from the ANPR archives of comuni and foreign states (CC BY 4.0,
// Ministero dell'Interno):
//
//	go run ./internal/gen/anpr -src ../shared/data/anpr -out cie/internal/anpr
//
// It validates every row (dates, code shape, state) and fails on the first
// bad one, naming the file, line and field. The output is deterministic:
// rows sorted by code, then validity start, gzip with a fixed header.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	src := flag.String("src", filepath.Join("..", "shared", "data", "anpr"), "folder with ANPR_archivio_comuni.csv and ANPR_stati_esteri.csv")
	out := flag.String("out", filepath.Join("cie", "internal", "anpr"), "output folder")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "anpr:", err)
		os.Exit(1)
	}
}

// row is one output record; see cie/internal/anpr/README for the format.
type row struct {
	code, name, alt, province, region, istat, iso3 string
	from, to                                       string // yyyymmdd; to "" when still valid
	foreign                                        bool
}

func run(src, out string) error {
	comuni, err := readComuni(filepath.Join(src, "ANPR_archivio_comuni.csv"))
	if err != nil {
		return err
	}
	stati, err := readStati(filepath.Join(src, "ANPR_stati_esteri.csv"))
	if err != nil {
		return err
	}
	rows := append(comuni, stati...)
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.code, b.code), cmp.Compare(a.from, b.from), cmp.Compare(a.name, b.name))
	})
	data, err := encode(rows)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "places.tsv.gz"), data, 0o644); err != nil {
		return err
	}
	notice, err := os.ReadFile(filepath.Join(src, "NOTICE.md"))
	if err != nil {
		return fmt.Errorf("the CC BY notice must travel with the data: %w", err)
	}
	return os.WriteFile(filepath.Join(out, "NOTICE.md"), notice, 0o644)
}

// encode writes the rows as tab-separated lines, gzip-compressed with a
// zero modification time so that the bytes depend on the input only.
func encode(rows []row) ([]byte, error) {
	var raw bytes.Buffer
	raw.WriteString("# code\tname\talt\tprovince\tregion\tistat\tfrom\tto\tforeign\tiso3\n")
	for _, r := range rows {
		f := "0"
		if r.foreign {
			f = "1"
		}
		fmt.Fprintf(&raw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.code, r.name, r.alt, r.province, r.region, r.istat, r.from, r.to, f, r.iso3)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.ModTime = time.Time{}
	zw.Name = ""
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readCSV(path string) (header map[string]int, recs [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	header = map[string]int{}
	for i, h := range head {
		header[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return header, recs, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		recs = append(recs, rec)
	}
}

func readComuni(path string) ([]row, error) {
	h, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	for _, col := range []string{"DATAISTITUZIONE", "DATACESSAZIONE", "CODISTAT", "CODCATASTALE", "DENOMINAZIONE_IT", "ALTRADENOMINAZIONE", "IDREGIONE", "STATO", "SIGLAPROVINCIA"} {
		if _, ok := h[col]; !ok {
			return nil, fmt.Errorf("%s: no column %s", path, col)
		}
	}
	var rows []row
	for i, rec := range recs {
		line := i + 2
		get := func(c string) string { return strings.TrimSpace(rec[h[c]]) }
		bad := func(field string) error {
			return fmt.Errorf("%s:%d: invalid %s %q", path, line, field, get(field))
		}
		code := get("CODCATASTALE")
		if !isBelfiore(code) {
			// A few ceased 19th-century rows carry placeholder codes such as
			// "ND": they cannot appear in a codice fiscale; skip them.
			if get("STATO") == "C" && len(code) < 4 {
				continue
			}
			return nil, bad("CODCATASTALE")
		}
		from, err := isoDate(get("DATAISTITUZIONE"))
		if err != nil {
			return nil, bad("DATAISTITUZIONE")
		}
		to, err := isoDate(get("DATACESSAZIONE"))
		if err != nil {
			return nil, bad("DATACESSAZIONE")
		}
		switch get("STATO") {
		case "A":
			if to != "" {
				return nil, bad("DATACESSAZIONE")
			}
		case "C", "D":
		default:
			return nil, bad("STATO")
		}
		if to != "" && to < from {
			return nil, bad("DATACESSAZIONE")
		}
		name := get("DENOMINAZIONE_IT")
		if name == "" || strings.ContainsAny(name, "\t\n") {
			return nil, bad("DENOMINAZIONE_IT")
		}
		region := get("IDREGIONE")
		if region == "EX" || region == "00" {
			region = ""
		}
		rows = append(rows, row{
			code: code, name: name, alt: get("ALTRADENOMINAZIONE"), province: get("SIGLAPROVINCIA"),
			region: region, istat: get("CODISTAT"), from: from, to: to,
		})
	}
	return rows, nil
}

func readStati(path string) ([]row, error) {
	h, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	var rows []row
	for i, rec := range recs {
		line := i + 2
		get := func(c string) string { return strings.TrimSpace(rec[h[c]]) }
		code := get("CODAT")
		if code == "" {
			continue // entries without a cadastral code cannot appear in a codice fiscale
		}
		if !isBelfiore(code) || code[0] != 'Z' {
			return nil, fmt.Errorf("%s:%d: invalid CODAT %q", path, line, code)
		}
		from, err := itDate(get("DATAINIZIOVALIDITA"))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: invalid DATAINIZIOVALIDITA: %w", path, line, err)
		}
		to, err := itDate(get("DATAFINEVALIDITA"))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: invalid DATAFINEVALIDITA: %w", path, line, err)
		}
		rows = append(rows, row{code: code, name: get("DENOMINAZIONE"), alt: get("DENOMINAZIONEISTAT_EN"), istat: get("CODISTAT"),
			iso3: get("CODISO3166_1_ALPHA3"), from: from, to: to, foreign: true})
	}
	return rows, nil
}

func isBelfiore(s string) bool {
	if len(s) != 4 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isoDate converts yyyy-mm-dd to yyyymmdd; 9999-12-31 means "still valid"
// and becomes "".
func isoDate(s string) (string, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", err
	}
	if t.Year() == 9999 {
		return "", nil
	}
	return t.Format("20060102"), nil
}

// itDate converts dd/mm/yyyy likewise.
func itDate(s string) (string, error) {
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		return "", err
	}
	if t.Year() == 9999 {
		return "", nil
	}
	return t.Format("20060102"), nil
}
