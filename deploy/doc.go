// Package deploy reads and checks the national CIE deployment plan: which
// comune gets its workstations when, where and when its operators are
// trained, and what each issuing office (sede) must have ready.
//
// The plan was published as annexes to ministry and prefecture circulars:
//
//   - the national plan (Circ. 4/2017, Allegato 1): region, comune,
//     province, installation period, training hub ("polo formativo"),
//     course date and number of operators;
//   - a metropolitan plan (Prefettura di Napoli, Circ. 9/2017, Allegato 1):
//     comune, installation start and end, workstations ("PDL"), course date
//     and time slot;
//   - the training hubs per region and the prefectures' training dates
//     (Allegato 3);
//   - the workstation prerequisites (Allegato 2).
//
// [Parse] reads these tables as they appear in the documents (tab-separated
// text with repeated and varying header lines, page headers between rows,
// dates as dd/mm/yy, dd/mm/yyyy or "27-apr"), tolerant of layout noise and
// strict about values: every table row becomes an [Installation] (or a hub
// or a training date) or a [RowError] naming its line and the reason.
// [ReadCSV], [WriteCSV] and the JSON encoding of [Plan] carry the same data.
//
// [Check] cross-checks a plan and reports, never hides, what does not add
// up: course dates that the prefecture did not offer, provinces and comune
// names unknown to the ANPR table embedded in package cie (with the likely
// intended name), installation periods that end before they start, and
// training after installation.
//
// [Milestones] derives each comune's deadlines from its installation date
// (master password about 60 days before, the supply-portal form at least
// three weeks before, a postponement request at least 15 days before), and
// [WriteICS] and [WriteMilestonesCSV] export them.
//
// [SizeSede] and [Prober] cover the workstation prerequisites: sockets and
// bandwidth per sede, and a reachability check of the service endpoints.
package deploy
