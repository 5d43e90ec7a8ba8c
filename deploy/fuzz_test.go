package deploy

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add("Regione\tComune\tProvincia\tInstallazione\t\tCorsi di formazione\t\t\nAbruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3\n", 0)
	f.Add("Comune\tInstallazione\t\tPDL\tData corso\tFascia oraria\n\tInizio\tFine\nCapri\t18/12/2017\t20/12/2017\t1\t07/12/2017\t09:00 - 13:00\n", 0)
	f.Add("Regione\tPolo\nPiemonte\tCuneo, Torino\n", 2017)
	f.Add("Prefettura\tDate di formazione\t\nMilano\t19-apr\t2-mag\n", 0)
	f.Add("\t\t\t\n\r\n\ufeff\t", 1)
	f.Fuzz(func(t *testing.T, doc string, year int) {
		p, err := Parse(strings.NewReader(doc), ParseOptions{Year: year % 3000, MaxLineBytes: 512})
		if err != nil {
			t.Fatalf("Parse returned an error for an in-memory reader: %v", err)
		}
		lines := strings.Count(doc, "\n") + 1
		for _, e := range p.Problems {
			if e.Line < 1 || e.Line > lines || e.Err == nil || e.Error() == "" {
				t.Fatalf("bad RowError %+v for a %d-line input", e, lines)
			}
		}
		for _, in := range p.Installations {
			if in.Comune == "" || in.Start.IsZero() || in.End.IsZero() {
				t.Fatalf("installation with missing fields: %+v", in)
			}
		}
		// What was parsed survives a CSV round trip.
		var buf bytes.Buffer
		if err := WriteCSV(&buf, p); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(&buf)
		if err != nil {
			t.Fatalf("ReadCSV(WriteCSV(p)): %v", err)
		}
		if len(back.Problems) != 0 || len(back.Installations) != len(p.Installations) {
			t.Fatalf("CSV round trip: %d installations and problems %v, want %d", len(back.Installations), back.Problems, len(p.Installations))
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("comune,start,end\nCapri,18/12/2017,20/12/2017\n")
	f.Add("region,comune,province,start,end,training_hub,course,time_slot,operators,workstations\n,Cardito,NA,02/10/2017,04/10/2017,,27/09/2017,14:00-18:00,,2\n")
	f.Add("comune,start,end\n\"a\nb\",1/1/17,2/1/17\n")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			if p != nil {
				t.Fatal("a plan and an error together")
			}
			return
		}
		for _, e := range p.Problems {
			if e.Err == nil || e.Line < 1 {
				t.Fatalf("bad RowError %+v", e)
			}
		}
	})
}
