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
	f.Add("CIRCOLARE N. 4/2017\nil primo, composto da 350 Comuni che\nconfermare l'aula entro e non oltre il 12 aprile 2017. Fine.\nAllegato 3\n- <https://dvra.cie.interno.gov.it:8442/x> (porte 8442 e 8443)\ncollegamento remoto sulla porta 80 e 443:\n", 0)
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
		// The prose statements quote the input and stay in range.
		for _, st := range p.Statements {
			if st.Line < 1 || st.Line > lines {
				t.Fatalf("statement on line %d of a %d-line input", st.Line, lines)
			}
			q := strings.Trim(st.Source.Quote, "…")
			if !strings.Contains(doc, q) {
				t.Fatalf("statement quote %q is not in the input", st.Source.Quote)
			}
			for _, port := range st.Ports {
				if port < 1 || port > 65535 {
					t.Fatalf("port %d", port)
				}
			}
		}
		// Checking never panics, and a document never contradicts itself
		// when compared with itself.
		for _, e := range Check(p) {
			if e.Err == nil || e.Message() == "" {
				t.Fatalf("finding without a kind or text: %+v", e)
			}
		}
		if same := CompareDocuments(p, p); len(same) != 0 {
			t.Fatalf("CompareDocuments(p, p) = %v", same)
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

// FuzzTimeSlotUnmarshalText: no panic; a slot that parses lies within one
// day, ends after it starts, and survives MarshalText; a failure leaves
// the slot unchanged.
func FuzzTimeSlotUnmarshalText(f *testing.F) {
	f.Add("09:00 - 13:00")
	f.Add("14:00-18:00")
	f.Add("9.00-13.00")
	f.Add("")
	f.Add("13:00 - 09:00")
	f.Add("24:00-25:00")
	f.Fuzz(func(t *testing.T, in string) {
		before := TimeSlot{From: 1, To: 2}
		s := before
		if err := s.UnmarshalText([]byte(in)); err != nil {
			if s != before {
				t.Fatalf("UnmarshalText(%q) failed but changed the slot to %v", in, s)
			}
			return
		}
		if s.IsZero() {
			if in != "" {
				t.Fatalf("UnmarshalText(%q) = zero slot without error", in)
			}
			return
		}
		if s.From < 0 || s.To > 24*60 || s.From >= s.To {
			t.Fatalf("UnmarshalText(%q) = %+v: not within a day", in, s)
		}
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back TimeSlot
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Fatalf("round trip of %q: %q gives %+v, %v", in, b, back, err)
		}
	})
}
