package deploy_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ciekit/ciekit/deploy"
)

func ExampleParse() {
	annex := "ALLEGATO I\n" +
		"Regione\tComune\tProvincia\tInstallazione\t\tCorsi di formazione\t\t\n" +
		"\t\t\tPeriodo installazione\tPolo formativo\tDate Corsi\tOperatori\t\n" +
		"Abruzzo\tChieti\tCH\t02/05/17\t12/05/17\tPescara\t26/04/17\t3\n" +
		"Abruzzo\tVasto\tCH\t29/05/17\t09/06/17\tPescara\t31/04/17\t3\n"
	plan, err := deploy.Parse(strings.NewReader(annex), deploy.ParseOptions{})
	if err != nil {
		panic(err)
	}
	for _, in := range plan.Installations {
		fmt.Println(in.Comune, in.Province, in.Start.Format("2006-01-02"), in.Operators)
	}
	for _, e := range plan.Problems {
		fmt.Println(e)
	}
	// Output:
	// Chieti CH 2017-05-02 3
	// deploy: line 5 (national plan, Date corsi): invalid date "31/04/17"
}

func ExampleMilestones() {
	plan := &deploy.Plan{Circular: deploy.CircularNaples, Installations: []deploy.Installation{{
		Comune: "Cardito", Province: "NA",
		Start: time.Date(2017, 10, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2017, 10, 4, 0, 0, 0, 0, time.UTC),
		Course: time.Date(2017, 9, 27, 0, 0, 0, 0, time.UTC),
	}}}
	// The Naples circular's own deadlines, and the SediCIE manual's
	// estimate for the master password.
	ms, err := deploy.Milestones(plan, deploy.ScheduleOptions{MasterPassword: true})
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		fmt.Println(m.Start.Format("02/01/2006"), m.Kind, m.Source.Doc)
	}
	// Output:
	// 03/08/2017 master-password SediCIE manual
	// 11/09/2017 supply-form Circ. 9/2017 Prefettura di Napoli
	// 17/09/2017 postponement-request Circ. 9/2017 Prefettura di Napoli
	// 27/09/2017 course Circ. 9/2017 Prefettura di Napoli
	// 02/10/2017 installation Circ. 9/2017 Prefettura di Napoli
}

func ExampleWriteICS() {
	ms := []deploy.Milestone{{Kind: deploy.Course, Comune: "Capri", Province: "NA",
		Start: time.Date(2017, 12, 7, 0, 0, 0, 0, time.UTC), End: time.Date(2017, 12, 7, 0, 0, 0, 0, time.UTC)}}
	var b strings.Builder
	_ = deploy.WriteICS(&b, ms, deploy.ICSOptions{Stamp: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
	fmt.Print(strings.ReplaceAll(b.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//ciekit//deploy//IT
	// CALSCALE:GREGORIAN
	// X-WR-CALNAME:Piano di dispiegamento CIE
	// BEGIN:VEVENT
	// UID:course-20171207-capri-na@ciekit.deploy
	// DTSTAMP:20261123T000000Z
	// DTSTART;VALUE=DATE:20171207
	// DTEND;VALUE=DATE:20171208
	// SUMMARY:CIE Capri (NA): corso di formazione operatori
	// CATEGORIES:course
	// TRANSP:TRANSPARENT
	// END:VEVENT
	// END:VCALENDAR
}

func ExampleSizeSede() {
	req, err := deploy.SizeSede(2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d standard + %d Schuko sockets; advised %g Mbps symmetric; up to %g kW\n", req.StandardSockets, req.SchukoSockets, req.BandwidthMbps, req.MaxPowerKW)
	site := deploy.Site{StandardSockets: 4, SchukoSockets: 2, UpMbps: 1, DownMbps: 20}
	if err := req.Check(site); err != nil {
		fmt.Println(err)
	}
	for _, a := range req.Advise(site) {
		fmt.Println(a.What, a.Advised, a.Have)
	}
	// Output:
	// 4 standard + 4 Schuko sockets; advised 2 Mbps symmetric; up to 2.4 kW
	// deploy: Schuko sockets: need 4, have 2 (Circ. 4/2017 All. 2 §2 (seed 000): "Ogni postazione di lavoro ha bisogno di almeno 4 prese (Spina tradizionale: 2, Schuko: 2)")
	// upstream bandwidth (Mbps) 2 1
}

func ExampleWriteCSV() {
	plan := &deploy.Plan{Installations: []deploy.Installation{{Region: "Campania", Comune: "Salerno", Province: "SA",
		Start: time.Date(2017, 4, 26, 0, 0, 0, 0, time.UTC), End: time.Date(2017, 5, 5, 0, 0, 0, 0, time.UTC), Operators: 6}}}
	_ = deploy.WriteCSV(os.Stdout, plan)
	// Output:
	// region,comune,province,start,end,training_hub,course,time_slot,operators,workstations
	// Campania,Salerno,SA,26/04/2017,05/05/2017,,,,6,
}

func ExampleCheck() {
	plan := &deploy.Plan{Installations: []deploy.Installation{{Line: 507, Region: "Toscana", Comune: "Camaione", Province: "LU",
		Start: time.Date(2017, 6, 12, 0, 0, 0, 0, time.UTC), End: time.Date(2017, 6, 23, 0, 0, 0, 0, time.UTC)}}}
	for _, e := range deploy.Check(plan) {
		fmt.Println(e)
	}
	// Output:
	// deploy: line 507: Camaione: comune name not as ANPR writes it (as of 12/06/2017; resolved to the closest name in LU); did you mean "CAMAIORE" (LU, edit distance 1)?
}
