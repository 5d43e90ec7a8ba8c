// Package deploy reads and checks the CIE deployment plans: which comune
// gets its workstations when, where and when its operators are trained,
// what each issuing office (sede) and training classroom must have ready,
// and what the circulars that publish the plans say in their text.
//
// The plans were published as annexes to ministry and prefecture circulars
// (the seeds of ../shared/seeds; each rule below names its seed):
//
//   - the national plan of the second phase ([CircularNational], Circ.
//     4/2017, seed 000, Allegato 1): region, comune, province, installation
//     period, training hub ("polo formativo"), course date and number of
//     operators; its Allegato 2 (workstations) and Allegato 3 (training
//     hubs, classroom requirements and the prefectures' training dates);
//   - the Naples plan of the third phase ([CircularNaples], Prefettura di
//     Napoli Circ. 9/2017, seed 001, Allegato 1): comune, installation start
//     and end, workstations ("PDL"), course date and time slot; its
//     Allegato 2 is that of Circ. 8/2017 ([CircularThirdPhase]).
//
// # Entry points
//
// [Parse] reads these documents as they are (tab-separated tables with
// repeated and varying header lines, page headers between rows, dates as
// dd/mm/yy, dd/mm/yyyy or "27-apr") into a [Plan]: every table row becomes
// an [Installation] (or a hub or a training date) or a [RowError] naming its
// line and the reason; the circular is recognised by its heading; the
// prose's facts (deadlines, the number of comuni announced, endpoints,
// remote-assistance ports, phase starts) become [Statement]s quoting their
// sentence. [ReadCSV], [WriteCSV] and the JSON encoding of [Plan] carry the
// same data.
//
// [Check] reports, never hides, what does not add up, each finding an
// [*Inconsistency] with a [Category] and, where documents disagree, both
// sentences quoted: comuni, provinces, regions and hubs not as ANPR writes
// them (with the official name, the province and the edit distance, the
// row still resolved), course dates the prefecture did not offer, courses
// after installation, installations outside the circular's phase
// ([Phases]), more operators on a course day than a classroom seats,
// "350 Comuni" against 351 rows, two dates for one deadline.
// [CompareDocuments] reports what two circulars state differently
// (endpoints, remote-assistance ports).
//
// [Milestones] derives each comune's deadlines from its installation date,
// with the lead times of the plan's own circular only ([Deadlines]), and
// [WriteICS] and [WriteMilestonesCSV] export them with their sources.
//
// [SizeSede], [Requirements.Check] and [Requirements.Advise] cover the
// workstation prerequisites (sockets required; bandwidth and power
// advised), [CheckClassroom] the classroom, [Endpoints] and
// [RemoteAssistancePorts] the network per circular, and [Prober] a
// reachability check of the endpoints.
//
// README.md in this directory tables every rule of the seeds, where it is
// implemented and the test that holds it.
package deploy
